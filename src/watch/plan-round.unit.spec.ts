import { describe, expect, it } from 'vitest';
import type { ListedObject } from './list-snapshot-objects.ts';
import { objectId, planRound } from './plan-round.ts';

function listed(key: string, lastModified: string, etag = `e-${key}`): ListedObject {
  return { bucket: 'b', key, etag, lastModified: new Date(lastModified), size: 1 };
}

describe('planRound', () => {
  it('orders by the date in the key, else last-modified, and skips settled objects but retries failed ones', () => {
    const objects = [
      listed('in/c.json', '2026-11-20T00:00:00Z'),
      listed('in/OPA_2026-11-25.json', '2026-11-27T00:00:00Z'),
      listed('in/b.json', '2026-11-26T00:00:00Z'),
      listed('in/a.json', '2026-11-26T00:00:00Z'),
      listed('in/done.json', '2026-11-21T00:00:00Z'),
      listed('in/refused.json', '2026-11-21T00:00:00Z'),
      listed('in/failed.json', '2026-11-22T00:00:00Z'),
    ];
    const outcomes = new Map([
      [objectId(objects[4] as ListedObject), 'applied'],
      [objectId(objects[5] as ListedObject), 'refused'],
      [objectId(objects[6] as ListedObject), 'failed'],
    ]);
    const plan = planRound(objects, outcomes);
    expect(plan.map((object) => [object.key, object.asOf.toISOString(), object.asOfFrom])).toEqual([
      ['in/c.json', '2026-11-20T00:00:00.000Z', 'object'],
      ['in/failed.json', '2026-11-22T00:00:00.000Z', 'object'],
      ['in/OPA_2026-11-25.json', '2026-11-25T00:00:00.000Z', 'key'],
      ['in/a.json', '2026-11-26T00:00:00.000Z', 'object'],
      ['in/b.json', '2026-11-26T00:00:00.000Z', 'object'],
    ]);
  });

  it('treats an overwritten key (new ETag) as a new object', () => {
    const object = listed('in/a.json', '2026-11-26T00:00:00Z', 'v2');
    expect(
      planRound([object], new Map([[objectId({ key: 'in/a.json', etag: 'v1' }), 'applied']])),
    ).toHaveLength(1);
  });
});
