import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  coveredEntities,
  coveredEntity,
  tempDir,
  writeSnapshot,
} from '../../../test/support/snapshot-fixtures.ts';
import type { SnapshotIngestedV1, StoredEvent } from '../../events/event-types.ts';
import { entityStreamId } from '../../events/stream-names.ts';
import { fileSource } from '../../source/file-source.ts';
import type { EventStore } from '../../store/event-store.ts';
import type { EventStoreFactory } from '../../store/testing/describe-event-store.ts';
import { ingestSnapshot } from '../ingest-snapshot.ts';

/**
 * The ingest rules (diff outcomes and counts, alreadyApplied, the as-of and
 * mass-removal guards, data-quality problems and conflicting duplicates,
 * malformed files, concurrent ingests, the fast paths by raw and layout-free
 * hash), run on the
 * store a factory gives: the in-memory one in the unit tests, PostgreSQL in
 * the integration tests. The cases of one run share a store and build on
 * each other, day by day.
 */
export function describeIngestRules(name: string, factory: EventStoreFactory): void {
  describe(`ingestSnapshot on the ${name} store`, () => {
    let store: EventStore;
    let dispose: () => Promise<void>;
    const dir = tempDir();

    beforeAll(async () => {
      ({ store, dispose } = await factory());
    });
    afterAll(() => dispose());

    const day = (n: number) => new Date(Date.UTC(2026, 0, n, 5));
    const ingest = (file: string, asOf: Date, extra: Partial<Parameters<typeof ingestSnapshot>[0]> = {}) =>
      ingestSnapshot({ store, source: fileSource(file), asOf, ...extra });
    const eventsAfter = (position: number): Promise<StoredEvent[]> =>
      store.readAll({ after: position, limit: 100_000 });

    describe('ingestSnapshot', () => {
      const base = coveredEntities(40);

      it('registers every entity of a first snapshot, then SnapshotIngested last', async () => {
        const summary = await ingest(writeSnapshot(dir, 'day1.json', base, { pretty: true }), day(1));
        expect(summary).toMatchObject({
          alreadyApplied: false,
          registered: 40,
          changed: 0,
          removed: 0,
          unchanged: 0,
          skipped: 0,
        });
        const events = await eventsAfter(0);
        expect(events).toHaveLength(41);
        expect(events.at(-1)).toMatchObject({
          type: 'SnapshotIngested',
          streamId: 'snapshot-2026-01-01T05:00:00.000Z',
        });
        expect(events[0]).toMatchObject({
          type: 'CoveredEntityRegistered',
          streamId: 'coveredEntity-DSH000001.1',
          asOf: day(1).toISOString(),
          data: { id340B: 'DSH000001', ceId: 1 },
        });
      });

      it('appends only the differences: changed (with paths), registered, removed; order and empties do not count', async () => {
        const head = await store.headPosition();
        const next = base.slice(1).map((entity) => structuredClone(entity));
        next.reverse();
        const changed = next.find((entity) => entity.id340B === 'DSH000005') as Record<string, unknown>;
        (changed.streetAddress as Record<string, unknown>).zip = '02115';
        const reordered = next.find((entity) => entity.id340B === 'DSH000006') as Record<string, unknown>;
        reordered.subName = null;
        reordered.terminationReason = '';
        reordered.contractPharmacies = [
          ...(reordered.contractPharmacies as unknown[]),
          ...(reordered.contractPharmacies as unknown[]),
        ];
        next.push(coveredEntity('CH000099A', 99));

        const summary = await ingest(writeSnapshot(dir, 'day2.json', next), day(2));
        expect(summary).toMatchObject({ registered: 1, changed: 1, removed: 1, unchanged: 38, skipped: 0 });
        const events = await eventsAfter(head);
        expect(events.map((event) => [event.type, event.streamId])).toEqual([
          ['CoveredEntityChanged', 'coveredEntity-DSH000005.5'],
          ['CoveredEntityRegistered', 'coveredEntity-CH000099A.99'],
          ['CoveredEntityRemoved', 'coveredEntity-DSH000001.1'],
          ['SnapshotIngested', 'snapshot-2026-01-02T05:00:00.000Z'],
        ]);
        expect(events[0]).toMatchObject({
          schemaVersion: 2,
          data: {
            changedPaths: ['streetAddress.zip'],
            changes: [{ path: 'streetAddress.zip', from: '02110', to: '02115' }],
          },
        });
        expect(events[0]?.streamVersion).toBe(2);
        const snapshot = events[3]?.data as SnapshotIngestedV1;
        expect(snapshot.counts).toMatchObject({
          entities: 40,
          registered: 1,
          changed: 1,
          removed: 1,
          unchanged: 38,
        });
        expect(snapshot.sha256).toMatch(/^[0-9a-f]{64}$/);
      });

      it('appends nothing for the same file again, and says so', async () => {
        const head = await store.headPosition();
        const summary = await ingest(path.join(dir, 'day2.json'), day(3));
        expect(summary).toMatchObject({
          alreadyApplied: true,
          asOf: day(2).toISOString(),
          registered: 0,
          changed: 0,
        });
        expect(await store.headPosition()).toBe(head);
      });

      it('refuses an as-of not later than the last applied one, appending nothing', async () => {
        const head = await store.headPosition();
        const file = writeSnapshot(dir, 'older.json', base.slice(2));
        await expect(ingest(file, day(2))).rejects.toMatchObject({ code: 'AS_OF_NOT_LATER' });
        await expect(ingest(file, day(1))).rejects.toThrow(
          /not later than the last applied snapshot \(2026-01-02T05:00:00.000Z\)/,
        );
        expect(await store.headPosition()).toBe(head);
      });

      it('refuses a mass removal unless allowed', async () => {
        const head = await store.headPosition();
        const truncated = writeSnapshot(dir, 'truncated-but-valid.json', base.slice(1, 30));
        await expect(ingest(truncated, day(4))).rejects.toMatchObject({ code: 'MASS_REMOVAL' });
        expect(await store.headPosition()).toBe(head);
        await expect(ingest(truncated, day(4), { maxRemovalRatio: 0.5 })).resolves.toMatchObject({
          removed: 11,
        });
      });

      it('skips entities with data-quality problems, lists and records them, and leaves conflicting keys as they were', async () => {
        const current = base.slice(1, 30);
        const head = await store.headPosition();
        const target = structuredClone(current[3]) as Record<string, unknown>;
        const conflicting = { ...structuredClone(target), name: 'CONFLICT' };
        const targetStream = entityStreamId(target.id340B as string, target.ceId as number);
        const registryEntry = async () => {
          const session = await store.beginIngest({ asOf: day(30) });
          const entry = (await session.loadRegistry()).get(targetStream);
          await session.abort();
          return entry;
        };
        const before = await registryEntry();
        const entities = [
          ...current.slice(0, 3),
          { ...target, name: 'EDITED' },
          ...current.slice(4),
          { ...coveredEntity('X1', 1001), id340B: undefined },
          { ...coveredEntity('X2', 1002), ceId: '1002' },
          { ...coveredEntity('X3', 1003), streetAddress: { zip: 2110 } },
          'not an object',
          current[0],
          conflicting,
        ];
        const summary = await ingest(writeSnapshot(dir, 'dq.json', entities), day(5));
        expect(summary).toMatchObject({ registered: 0, changed: 0, removed: 0, duplicates: 1, skipped: 6 });
        expect(summary.dataQuality.map((problem) => [problem.code, problem.index])).toEqual([
          ['MISSING_KEY', 29],
          ['INVALID_TYPE', 30],
          ['INVALID_TYPE', 31],
          ['NOT_AN_OBJECT', 32],
          ['CONFLICTING_DUPLICATE', 34],
        ]);
        expect(summary.dataQuality[2]?.message).toMatch(/streetAddress.zip must be string/);
        const events = await eventsAfter(head);
        expect(events.map((event) => event.type)).toEqual(['SnapshotIngested']);
        expect((events[0] as StoredEvent).data as SnapshotIngestedV1).toMatchObject({
          dataQualityProblemCount: 5,
        });
        expect(((events[0] as StoredEvent).data as SnapshotIngestedV1).dataQuality).toHaveLength(5);
        // Its element hashes too: recorded, the EDITED bytes would pass as known, unchanged, the next day.
        expect(await registryEntry()).toEqual(before);
      });

      it('refuses a malformed file naming the file and the place, appending nothing', async () => {
        const head = await store.headPosition();
        const cases: Array<[string, string | Buffer, RegExp]> = [
          ['empty.json', '', /empty\.json/],
          [
            'truncated.json',
            JSON.stringify({ coveredEntities: coveredEntities(3) }).slice(0, -40),
            /truncated\.json.*byte offset \d+/,
          ],
          ['root-array.json', '[]', /root-array\.json.*byte offset 0/],
          ['not-array.json', '{"coveredEntities": {}}', /not-array\.json.*byte offset \d+/],
          [
            'bad-utf8.json',
            Buffer.concat([
              Buffer.from('{"coveredEntities":[{"id340B":"A'),
              Buffer.from([0xc3, 0x28]),
              Buffer.from('","ceId":1}]}'),
            ]),
            /bad-utf8\.json.*(byte offset|entity #0)/,
          ],
        ];
        for (const [name, content, message] of cases) {
          const file = path.join(dir, name);
          writeFileSync(file, content);
          await expect(ingest(file, day(10)), name).rejects.toMatchObject({
            code: 'SNAPSHOT_MALFORMED',
            message: expect.stringMatching(message),
          });
        }
        expect(await store.headPosition()).toBe(head);
      });

      it('refuses a file that changed while it was read, appending nothing', async () => {
        const head = await store.headPosition();
        const file = writeSnapshot(dir, 'overwritten.json', coveredEntities(60), { pretty: true });
        const content = readFileSync(file);
        let overwritten = false;
        const refused = ingest(file, day(11), {
          onProgress: () => {
            if (overwritten) return;
            overwritten = true;
            // The same bytes written again: only the file's modification time tells.
            writeFileSync(file, content);
            utimesSync(file, new Date(), new Date(Date.now() + 5000));
          },
        });
        await expect(refused).rejects.toMatchObject({
          code: 'SOURCE_CHANGED',
          message: expect.stringMatching(
            /overwritten\.json: the file changed while it was read \(\d+ bytes, modified .*, when opened; now \d+ bytes, modified .*\); nothing was applied/,
          ),
        });
        expect(overwritten).toBe(true);
        expect(await store.headPosition()).toBe(head);
      });

      it('applies one of two concurrent ingests of the same file; the other finds it applied', async () => {
        const file = writeSnapshot(dir, 'concurrent.json', [
          ...base.slice(1, 30),
          coveredEntity('CH000100', 100),
        ]);
        const head = await store.headPosition();
        const results = await Promise.all([ingest(file, day(11)), ingest(file, day(11))]);
        expect(results.map((result) => result.alreadyApplied).sort()).toEqual([false, true]);
        const events = await eventsAfter(head);
        expect(events.map((event) => event.type)).toEqual(['CoveredEntityRegistered', 'SnapshotIngested']);
      });
    });

    describe('the fast paths (raw and layout-free hashes)', () => {
      it('gives the same outcome as parsing: formatting and member order never count, edits always do', async () => {
        const { store: store2, dispose: dispose2 } = await factory();
        try {
          const run = (file: string, n: number) =>
            ingestSnapshot({ store: store2, source: fileSource(file), asOf: day(n) });
          const entities = coveredEntities(30);
          await run(writeSnapshot(dir, 'fast-1.json', entities), 1);
          // Byte-identical elements (skipped unparsed), one edited, one with its members reordered.
          const next = entities.map((entity) => structuredClone(entity));
          (next[3] as Record<string, unknown>).name = 'EDITED';
          next[4] = Object.fromEntries(Object.entries(next[4] as object).reverse());
          expect(await run(writeSnapshot(dir, 'fast-2.json', next), 2)).toMatchObject({
            changed: 1,
            unchanged: 29,
          });
          // The same content pretty-printed: no byte matches, every element parsed, nothing changed.
          next.push(coveredEntity('NEW1', 31));
          expect(await run(writeSnapshot(dir, 'fast-3.json', next, { pretty: true }), 3)).toMatchObject({
            registered: 1,
            changed: 0,
            unchanged: 30,
          });
          // Back to minified with one more edit: the registry's raw hashes now name the pretty bytes.
          (next[5] as Record<string, unknown>).subName = 'NEW SUB';
          expect(await run(writeSnapshot(dir, 'fast-4.json', next), 4)).toMatchObject({
            changed: 1,
            unchanged: 30,
          });
          expect(await run(writeSnapshot(dir, 'fast-5.json', next.slice(0, 30)), 5)).toMatchObject({
            removed: 1,
            unchanged: 30,
          });
        } finally {
          await dispose2();
        }
      });

      it('recognises entities laid out anew by their layout-free hash, and records their new raw hashes', async () => {
        const { store: store2, dispose: dispose2 } = await factory();
        try {
          const run = (file: string, n: number) =>
            ingestSnapshot({ store: store2, source: fileSource(file), asOf: day(n) });
          const registry = async () => {
            const session = await store2.beginIngest({ asOf: day(99) });
            try {
              return await session.loadRegistry();
            } finally {
              await session.abort();
            }
          };
          const entities = coveredEntities(10);
          const streams = entities.map((entity) =>
            entityStreamId(entity.id340B as string, entity.ceId as number),
          );
          await run(writeSnapshot(dir, 'layout-1.json', entities), 1);
          const before = await registry();
          expect(
            streams.every((stream) => /^[0-9a-f]{16}$/.test(before.get(stream)?.layoutFreeHash ?? '')),
          ).toBe(true);
          // Every entity pretty-printed with its members reversed; one of them also edited, one with a null member.
          const next = entities.map((entity) =>
            Object.fromEntries(Object.entries(structuredClone(entity)).reverse()),
          );
          (next[0] as Record<string, unknown>).name = 'EDITED';
          (next[1] as Record<string, unknown>).subName = null;
          expect(await run(writeSnapshot(dir, 'layout-2.json', next, { pretty: true }), 2)).toMatchObject({
            changed: 1,
            unchanged: 9,
          });
          const after = await registry();
          const same = (field: 'rawHash' | 'layoutFreeHash') =>
            streams.map((stream) => after.get(stream)?.[field] === before.get(stream)?.[field]);
          expect(same('rawHash')).toEqual(Array(10).fill(false));
          // The edited one and the one with a null member were parsed: their layout-free hashes are the new bytes'.
          expect(same('layoutFreeHash')).toEqual([false, false, ...Array(8).fill(true)]);
          // The next day's bytes as on day 2, but one: the raw hashes recorded on day 2 recognise them.
          (next[2] as Record<string, unknown>).name = 'EDITED TOO';
          expect(await run(writeSnapshot(dir, 'layout-3.json', next, { pretty: true }), 3)).toMatchObject({
            changed: 1,
            unchanged: 9,
          });
        } finally {
          await dispose2();
        }
      });
    });
  });
}
