import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../test/support/api-server.ts';
import { ingestAndProject } from '../../test/support/ingest-and-project.ts';
import { coveredEntities, coveredEntity, tempDir } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { entityEventTypes, type StoredEvent } from '../events/event-types.ts';
import { encodeCursor } from './cursor.ts';

let database: Database;
let api: RunningApi;
const dir = tempDir('opais-api-changes-');
const day = (n: number) => new Date(Date.UTC(2026, 2, n, 5));

const inVirginia = (id340B: string, ceId: number) =>
  coveredEntity(id340B, ceId, {
    streetAddress: { addressLine1: '213 Monarch Road', city: 'ST CHARLES', state: 'VA', zip: '24282' },
  });
const day1 = [...coveredEntities(30), inVirginia('CH000101', 101)];
const day2 = day1
  .filter((entity) => entity.id340B !== 'CH000101' && entity.id340B !== 'DSH000004')
  .map((entity) =>
    ['DSH000002', 'DSH000009', 'DSH000017'].includes(entity.id340B as string)
      ? { ...entity, name: `RENAMED ${entity.id340B}` }
      : entity,
  )
  .concat([inVirginia('CH000102', 102), coveredEntity('CH000103', 103)]);

async function ingest(name: string, entities: unknown[], asOf: Date) {
  return ingestAndProject(database, dir, name, entities, asOf, { maxRemovalRatio: 0.5 });
}

async function entityEvents(): Promise<StoredEvent[]> {
  const events = await database.store.readAll({ after: 0, limit: 1_000_000 });
  return events.filter((event) => (entityEventTypes as readonly string[]).includes(event.type));
}

/** Reads pages until an empty one; returns the items and the cursors met. */
async function pageThrough(query: string, since?: string) {
  const items: Array<Record<string, unknown>> = [];
  let next = since;
  for (;;) {
    const { status, body } = await api.get(`/changes?${query}${next ? `&since=${next}` : ''}`);
    expect(status).toBe(200);
    if (body.items.length === 0) return { items, next: body.next as string };
    items.push(...body.items);
    next = body.next;
  }
}

beforeAll(async () => {
  database = await createTestDatabase('api_changes');
  api = await startApi(database);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

describe('GET /changes', () => {
  it('pages through the feed in event order; an ingest that commits mid-paging loses or repeats no item', async () => {
    await ingest('day1.json', day1, day(1));
    const first = await api.get('/changes?limit=7');
    const second = await api.get(`/changes?limit=7&since=${first.body.next}`);
    expect([...first.body.items, ...second.body.items]).toHaveLength(14);

    await ingest('day2.json', day2, day(2));
    const rest = await pageThrough('limit=7', second.body.next);
    const seen = [...first.body.items, ...second.body.items, ...rest.items];

    const expected = await entityEvents();
    expect(seen.map((item) => item.position)).toEqual(expected.map((event) => event.globalPosition));
    expect(new Set(seen.map((item) => item.position)).size).toBe(seen.length);
    expect(seen).toMatchObject(
      expected.map((event) => ({
        position: event.globalPosition,
        eventId: event.eventId,
        type: event.type,
        id340B: (event.data as { id340B: string }).id340B,
        ceId: (event.data as { ceId: number }).ceId,
        asOf: event.asOf,
        changedPaths: event.type === 'CoveredEntityChanged' ? event.data.changedPaths : [],
      })),
    );
    const changed = seen.filter((item) => item.type === 'CoveredEntityChanged');
    expect(changed.map((item) => [item.id340B, item.changedPaths, item.changes, item.name])).toEqual(
      ['DSH000002', 'DSH000009', 'DSH000017'].map((id) => [
        id,
        ['name'],
        [{ path: 'name', from: `HOSPITAL ${id}`, to: `RENAMED ${id}` }],
        `RENAMED ${id}`,
      ]),
    );
    // A removal carries no entity; the feed shows the entity's last known description beside it.
    expect(
      seen
        .filter((item) => item.type === 'CoveredEntityRemoved')
        .map((item) => [item.id340B, item.name, item.state, item.changes])
        .sort(),
    ).toEqual([
      ['CH000101', 'HOSPITAL CH000101', 'VA', []],
      ['DSH000004', 'HOSPITAL DSH000004', 'MA', []],
    ]);

    // Caught up: the same cursor answers an empty page with the same cursor until something new commits.
    const caughtUp = await api.get(`/changes?since=${rest.next}`);
    expect(caughtUp.body).toEqual({ items: [], next: rest.next });
  });

  it('keeps cursors valid across a restart of the server', async () => {
    const page = await api.get('/changes?limit=5');
    const after = await api.get(`/changes?limit=5&since=${page.body.next}`);
    await api.close();
    api = await startApi(database);
    const again = await api.get(`/changes?limit=5&since=${page.body.next}`);
    expect(again.body).toEqual(after.body);
  });

  it('serves a full page as immutable and a short one as growing', async () => {
    const full = await api.get('/changes?limit=5');
    expect(full.headers.get('cache-control')).toContain('immutable');
    expect((await api.get('/changes?limit=5')).body).toEqual(full.body);

    const short = await api.get('/changes?limit=1000');
    expect(short.headers.get('cache-control')).toBe('no-cache');
    await ingest('day3.json', [...day2, coveredEntity('CH000104', 104)], day(3));
    const grown = await api.get('/changes?limit=1000');
    expect(grown.body.items.length).toBe(short.body.items.length + 1);
    expect(grown.body.items.at(-1)).toMatchObject({
      type: 'CoveredEntityRegistered',
      id340B: 'CH000104',
      ceId: 104,
    });
  });

  it('filters by event type (full or short names), by 340B id and by state', async () => {
    const all = await pageThrough('limit=1000');
    const removed = await pageThrough('type=removed');
    expect(removed.items).toEqual(all.items.filter((item) => item.type === 'CoveredEntityRemoved'));
    const registeredOrChanged = await pageThrough('type=CoveredEntityRegistered&type=changed&limit=4');
    expect(registeredOrChanged.items).toEqual(
      all.items.filter((item) => item.type !== 'CoveredEntityRemoved'),
    );

    const one = await pageThrough('id340B=DSH000002');
    expect(one.items.map((item) => item.type)).toEqual(['CoveredEntityRegistered', 'CoveredEntityChanged']);

    // A removal has the state of the version it ended; an ingest appends removals after the file's entities.
    const virginia = await pageThrough('state=VA');
    expect(virginia.items.map((item) => [item.type, item.id340B])).toEqual([
      ['CoveredEntityRegistered', 'CH000101'],
      ['CoveredEntityRegistered', 'CH000102'],
      ['CoveredEntityRemoved', 'CH000101'],
    ]);
    const massachusettsRemovals = await pageThrough('state=MA&type=removed');
    expect(massachusettsRemovals.items.map((item) => item.id340B)).toEqual(['DSH000004']);
  });

  it('moves a filtered cursor past the events it skipped, so a follower does not rescan them', async () => {
    const { body } = await api.get('/changes?type=removed&limit=100');
    const head = await database.store.headPosition();
    expect(body.next).toBe(encodeCursor(head));
  });

  it('leaves the change detail out with detail=false, and filters by entity type, changed path and snapshot', async () => {
    const compact = await api.get('/changes?type=changed&detail=false');
    expect(compact.body.items).toHaveLength(3);
    for (const item of compact.body.items) expect(item).not.toHaveProperty('changes');
    const detailed = await api.get('/changes?type=changed');
    expect(detailed.body.items[0].changes).toEqual([
      { path: 'name', from: 'HOSPITAL DSH000002', to: 'RENAMED DSH000002' },
    ]);

    const all = (await pageThrough('limit=1000')).items;
    const ofType = (await pageThrough('entityType=DSH&limit=1000')).items;
    expect(ofType.length).toBeGreaterThan(0);
    expect((await pageThrough('entityType=CAH')).items).toEqual([]);
    expect(ofType.map((item) => item.position)).toEqual(
      all.filter((item) => item.entityType === 'DSH').map((item) => item.position),
    );

    expect((await pageThrough('path=name')).items.map((item) => item.id340B)).toEqual([
      'DSH000002',
      'DSH000009',
      'DSH000017',
    ]);
    expect((await pageThrough('path=streetAddress')).items).toEqual([]);

    const snapshots = (await api.get('/snapshots')).body.items;
    const second = await pageThrough(`snapshot=${snapshots[1].asOf}&limit=1000`);
    expect(second.items.map((item) => item.position)).toEqual(
      all.filter((item) => item.asOf === snapshots[1].asOf).map((item) => item.position),
    );
    expect((await api.get('/changes?snapshot=2020-01-01')).body.code).toBe('NOT_FOUND');
    expect((await api.get('/changes?path=a..b')).status).toBe(400);
  });

  it('refuses bad input with the error catalogue and no stack trace', async () => {
    const cases: Array<[string, number, string, string]> = [
      ['limit=0', 400, 'INVALID_ARGUMENT', 'querystring/limit'],
      ['limit=1001', 400, 'INVALID_ARGUMENT', 'querystring/limit'],
      ['limt=5', 400, 'INVALID_ARGUMENT', 'querystring'],
      ['type=renamed', 400, 'INVALID_ARGUMENT', 'querystring/type/0'],
      ['state=va', 400, 'INVALID_ARGUMENT', 'querystring/state'],
      ['id340B=x%27%3B%20drop', 400, 'INVALID_ARGUMENT', 'querystring/id340B'],
      ['since=bm90LWEtY3Vyc29y', 400, 'INVALID_ARGUMENT', 'querystring/since'],
      [`since=${encodeCursor(10_000_000)}`, 422, 'CURSOR_UNKNOWN', 'querystring/since'],
    ];
    for (const [query, status, code, place] of cases) {
      const answer = await api.get(`/changes?${query}`);
      expect({ query, status: answer.status, code: answer.body.code }).toEqual({ query, status, code });
      expect(answer.body.message).toContain(place);
      expect(answer.body.status).toBe(status);
      expect(JSON.stringify(answer.body)).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });
});
