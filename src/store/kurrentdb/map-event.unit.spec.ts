import { NO_STREAM } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { expectedStateFor, toEventData, toRecordedEntityEvent, toStoredEvent } from './map-event.ts';
import { asRecorded, readEverything, sampleMemoryStore } from './testing/sample-log.ts';

const log = { namespace: '' };

describe('KurrentDB event mapping', () => {
  it('writes each event with the id, type, data and metadata the other stores give it', async () => {
    const events = await readEverything(await sampleMemoryStore());
    expect(events.length).toBeGreaterThan(5);
    for (const stored of events) {
      const written = toEventData(
        {
          streamId: stored.streamId,
          streamVersion: stored.streamVersion,
          type: stored.type,
          data: Buffer.from(JSON.stringify(stored.data)),
        },
        stored.asOf,
        stored.metadata.snapshotStream,
      );
      expect(written).toEqual({
        id: stored.eventId,
        contentType: 'application/json',
        type: stored.type,
        data: stored.data,
        metadata: { ...stored.metadata, schemaVersion: stored.schemaVersion },
      });
    }
  });

  it('reads back what it wrote as the same StoredEvent (position from $all, time from the server)', async () => {
    for (const stored of await readEverything(await sampleMemoryStore())) {
      const written = toEventData(
        {
          streamId: stored.streamId,
          streamVersion: stored.streamVersion,
          type: stored.type,
          data: Buffer.from(JSON.stringify(stored.data)),
        },
        stored.asOf,
        stored.metadata.snapshotStream,
      );
      const recorded = asRecorded(written, {
        streamId: stored.streamId,
        streamVersion: stored.streamVersion,
        position: stored.globalPosition * 1000,
        created: new Date(stored.recordedAt),
      });
      expect(toStoredEvent(log, recorded)).toEqual({
        ...stored,
        globalPosition: stored.globalPosition * 1000,
      });
      if (stored.type !== 'SnapshotIngested') {
        expect(toRecordedEntityEvent(log, recorded)).toEqual({
          position: stored.globalPosition * 1000,
          type: stored.type,
          schemaVersion: stored.schemaVersion,
          streamId: stored.streamId,
          streamVersion: stored.streamVersion,
          data: stored.data,
        });
      }
    }
  });

  it('takes a namespace off the server stream names, so a namespaced log reads like any other', () => {
    const written = toEventData(
      {
        streamId: 'coveredEntity-A1.1',
        streamVersion: 1,
        type: 'CoveredEntityRemoved',
        data: Buffer.from('{"id340B":"A1"}'),
      },
      '2026-01-01T05:00:00.000Z',
      'snapshot-2026-01-01T05:00:00.000Z',
    );
    const recorded = asRecorded(written, {
      streamId: 'case7-coveredEntity-A1.1',
      streamVersion: 1,
      position: 99,
    });
    expect(toStoredEvent({ namespace: 'case7-' }, recorded)).toMatchObject({
      streamId: 'coveredEntity-A1.1',
      metadata: { snapshotStream: 'snapshot-2026-01-01T05:00:00.000Z' },
    });
  });

  it('expects no stream for version 1 and the revision before for later versions (revisions are 0-based)', () => {
    expect(expectedStateFor(1)).toBe(NO_STREAM);
    expect(expectedStateFor(2)).toBe(0n);
    expect(expectedStateFor(7)).toBe(5n);
  });

  it('refuses an event that opais did not write, naming its stream and revision', () => {
    const foreign = asRecorded(
      {
        id: '00000000-0000-4000-8000-000000000000',
        contentType: 'application/json',
        type: 'OrderPlaced',
        data: {},
        metadata: {},
      },
      { streamId: 'coveredEntity-X.1', streamVersion: 3, position: 10 },
    );
    expect(() => toStoredEvent(log, foreign)).toThrow(
      /coveredEntity-X\.1@2: OrderPlaced is not an opais event/,
    );
    const noMetadata = {
      ...foreign,
      type: 'CoveredEntityRemoved',
      metadata: { asOf: '2026-01-01T05:00:00.000Z' },
    };
    expect(() => toStoredEvent(log, noMetadata as typeof foreign)).toThrow(
      /lacks asOf, snapshotStream or schemaVersion/,
    );
  });
});
