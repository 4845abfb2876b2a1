import { describe, expect, it } from 'vitest';
import type { NewEntityEvent } from '../store/event-store.ts';
import { changedEvent, registeredEvent, removedEvent } from './entity-events.ts';
import { deterministicEventId } from './event-id.ts';

const ref = { id340B: 'DSH050001', ceId: 42, streamVersion: 2 };
const dataOf = (event: NewEntityEvent) => JSON.parse(Buffer.from(event.data).toString());

describe('entity events', () => {
  it('splices the canonical entity into valid JSON data', () => {
    const event = registeredEvent(ref, 'abc', Buffer.from('{"name":"A \\"quoted\\""}'));
    expect(event.streamId).toBe('coveredEntity-DSH050001.42');
    expect(dataOf(event)).toEqual({
      id340B: 'DSH050001',
      ceId: 42,
      contentHash: 'abc',
      entity: { name: 'A "quoted"' },
    });
  });

  it('carries changed paths, the changes and both hashes on a change', () => {
    const changes = [{ path: 'name', from: 'A', to: 'B' }];
    const event = changedEvent(ref, 'new', 'old', ['name'], changes, Buffer.from('{"name":"B"}'));
    expect(dataOf(event)).toMatchObject({
      previousContentHash: 'old',
      changedPaths: ['name'],
      changes,
      entity: { name: 'B' },
    });
  });

  it('keeps the previous hash on a removal', () => {
    expect(dataOf(removedEvent(ref, 'old'))).toEqual({
      id340B: 'DSH050001',
      ceId: 42,
      previousContentHash: 'old',
    });
  });
});

describe('deterministicEventId', () => {
  it('is a stable UUID per snapshot, stream and version', () => {
    const id = deterministicEventId('snapshot-2026-01-01T00:00:00.000Z', 'coveredEntity-A.1', 1);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Stores hold these ids and a retried append is recognised by them: the value never changes.
    expect(id).toBe('fd456e4f-4423-595b-8c5e-7f1971f16797');
    expect(deterministicEventId('snapshot-2026-01-01T00:00:00.000Z', 'coveredEntity-A.1', 1)).toBe(id);
    expect(deterministicEventId('snapshot-2026-01-01T00:00:00.000Z', 'coveredEntity-A.1', 2)).not.toBe(id);
  });
});
