import { describe, expect, it } from 'vitest';
import type { CanonicalEntity, CoveredEntityChangedV2, StoredEvent } from './event-types.ts';
import { isReadableSchemaVersion, type StateRef, stateKey, upcastEvents } from './upcast-entity-changed.ts';

const meta = { eventId: 'e', asOf: '2026-11-01T05:00:00.000Z', recordedAt: '2026-11-01T05:00:01.000Z' };
const metadata = { asOf: meta.asOf, snapshotStream: 'snapshot-2026-11-01T05:00:00.000Z' };
const streamId = 'coveredEntity-DSH1.1';

function registered(streamVersion: number, entity: CanonicalEntity): StoredEvent {
  const data = { id340B: 'DSH1', ceId: 1, contentHash: 'h', entity };
  return {
    ...meta,
    metadata,
    type: 'CoveredEntityRegistered',
    data,
    globalPosition: streamVersion,
    streamId,
    streamVersion,
    schemaVersion: 1,
  };
}

function changedV1(streamVersion: number, entity: CanonicalEntity, changedPaths: string[]): StoredEvent {
  const data = { id340B: 'DSH1', ceId: 1, contentHash: 'h2', previousContentHash: 'h', changedPaths, entity };
  return {
    ...meta,
    metadata,
    type: 'CoveredEntityChanged',
    data,
    globalPosition: streamVersion,
    streamId,
    streamVersion,
    schemaVersion: 1,
  };
}

describe('upcastEvents', () => {
  it('gives a version-1 change its changes from the previous event in the stream', async () => {
    const events = [registered(1, { name: 'A' }), changedV1(2, { name: 'B' }, ['name'])];
    const reads: StateRef[][] = [];
    const upcast = await upcastEvents(events, async (refs) => {
      reads.push([...refs]);
      return new Map();
    });
    expect(upcast[1]).toMatchObject({
      schemaVersion: 2,
      data: { changes: [{ path: 'name', from: 'A', to: 'B' }] },
    });
    expect(reads).toEqual([]);
  });

  it('reads the previous states it does not hold, in one call', async () => {
    const stored = new Map([
      [stateKey({ streamId, streamVersion: 4 }), { name: 'A', npiNumbers: [{ npiNumber: '1' }] }],
    ]);
    const reads: StateRef[][] = [];
    const [event] = await upcastEvents([changedV1(5, { name: 'A' }, ['npiNumbers'])], async (refs) => {
      reads.push([...refs]);
      return stored;
    });
    expect(reads).toEqual([[{ streamId, streamVersion: 4 }]]);
    expect((event?.data as CoveredEntityChangedV2 | undefined)?.changes).toEqual([
      { path: 'npiNumbers', added: [], removed: [{ npiNumber: '1' }], changed: [] },
    ]);
  });

  it('leaves version-2 events and the other types as they are, reading nothing', async () => {
    const v2 = { ...changedV1(2, { name: 'B' }, ['name']), schemaVersion: 2 } as StoredEvent;
    (v2.data as { changes?: unknown }).changes = [{ path: 'name', from: 'A', to: 'B' }];
    const events = [registered(1, { name: 'A' }), v2];
    const upcast = await upcastEvents(events, () => {
      throw new Error('not expected to read');
    });
    expect(upcast).toEqual(events);
  });

  it('fails naming the stream when the previous state is missing', async () => {
    await expect(
      upcastEvents([changedV1(3, { name: 'B' }, ['name'])], async () => new Map()),
    ).rejects.toThrow(/coveredEntity-DSH1.1 version 2/);
  });
});

describe('isReadableSchemaVersion', () => {
  it('reads what it writes, and version 1 of CoveredEntityChanged', () => {
    expect(isReadableSchemaVersion('CoveredEntityChanged', 2)).toBe(true);
    expect(isReadableSchemaVersion('CoveredEntityChanged', 1)).toBe(true);
    expect(isReadableSchemaVersion('CoveredEntityChanged', 3)).toBe(false);
    expect(isReadableSchemaVersion('CoveredEntityRegistered', 2)).toBe(false);
  });
});
