import { buffer as readAll } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../test/support/api-server.ts';
import {
  coveredEntities,
  coveredEntity,
  tempDir,
  writeSnapshot,
} from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { ingestSnapshot } from '../ingest/ingest-snapshot.ts';
import { fileSource } from '../source/file-source.ts';
import type { ExportFormat } from './export-format.ts';
import { type ExportRequest, openExport } from './open-export.ts';

const dir = tempDir();
let database: Database;

function day(n: number) {
  return coveredEntities(25)
    .filter((entity) => !(n === 2 && entity.ceId === 4))
    .map((entity) =>
      Number(entity.ceId) % 5 === n
        ? { ...entity, name: `RENAMED ${n}`, streetAddress: { state: 'TN', city: 'X' } }
        : entity,
    )
    .concat([coveredEntity(`CH${n}`, 100 + n, { entityType: 'CH' })]);
}

/** The entity events straight from the table: the reference. */
async function events(where = 'true') {
  const { rows } = await database.pool.query(
    `select global_position as position, event_id, event_type as type, data->>'id340B' as id340b,
            (data->>'ceId')::int as ce_id, as_of, coalesce(data->'changedPaths', '[]') as changed_paths
       from events where event_type <> 'SnapshotIngested' and ${where} order by global_position`,
  );
  return rows as {
    position: number;
    event_id: string;
    type: string;
    id340b: string;
    ce_id: number;
    as_of: Date;
    changed_paths: string[];
  }[];
}

async function exportBytes(format: ExportFormat, request: Partial<ExportRequest> = {}) {
  const opened = await openExport(
    { pool: database.pool, store: database.store },
    {
      what: 'changes',
      format,
      ...request,
      places: { asOf: 'asOf', history: 'history', where: 'where', range: 'range' },
    },
  );
  return readAll(opened.body);
}
const csv = (bytes: Buffer | string): Record<string, string>[] => parse(bytes, { columns: true });

beforeAll(async () => {
  database = await createTestDatabase('expch');
  for (const n of [1, 2, 3]) {
    await ingestSnapshot({
      store: database.store,
      source: fileSource(writeSnapshot(dir, `day${n}.json`, day(n))),
      asOf: new Date(Date.UTC(2026, 3, n, 5)),
      allowMassRemoval: true,
      allowMassChange: true,
    });
  }
}, 60_000);
afterAll(async () => {
  await database.close();
});

describe('opais export changes', () => {
  it('writes the feed in log order with changed paths, read through the event store; Parquet typed', async () => {
    const reference = await events();
    const rows = csv(await exportBytes('csv'));
    expect(
      rows.map((row) => [
        Number(row.position),
        row.event_id,
        row.type,
        row.id340b,
        Number(row.ce_id),
        row.as_of,
        JSON.parse(row.changed_paths ?? ''),
      ]),
    ).toEqual(
      reference.map((event) => [
        event.position,
        event.event_id,
        event.type,
        event.id340b,
        event.ce_id,
        event.as_of.toISOString().replace('.000Z', 'Z'),
        event.changed_paths,
      ]),
    );
    const removal = rows.find((row) => row.type === 'CoveredEntityRemoved' && row.id340b === 'DSH000004');
    expect(removal).toMatchObject({ id340b: 'DSH000004', entity_type: 'DSH', state: 'MA' });
    expect(rows.filter((row) => row.state === 'TN').length).toBeGreaterThan(0);

    const bytes = await exportBytes('parquet');
    const parquet = await parquetReadObjects({ file: new Uint8Array(bytes).buffer, compressors });
    expect(parquet.map((row) => [Number(row.position), row.as_of])).toEqual(
      reference.map((event) => [event.position, event.as_of]),
    );
  });

  it('selects a position range, an as-of range and rows by --where', async () => {
    const reference = await events();
    const middle = reference.slice(10, 20);
    const byPosition = csv(
      await exportBytes('csv', {
        range: { fromPosition: middle[0]?.position, toPosition: middle.at(-1)?.position },
      }),
    );
    expect(byPosition.map((row) => row.event_id)).toEqual(middle.map((event) => event.event_id));

    const day2 = await events(`as_of = '2026-04-02T05:00:00Z'`);
    const byAsOf = csv(
      await exportBytes('csv', {
        range: { from: '2026-04-02T00:00:00Z', to: '2026-04-02T23:59:59.999999Z' },
      }),
    );
    expect(byAsOf.map((row) => row.event_id)).toEqual(day2.map((event) => event.event_id));
    expect(day2.length).toBeGreaterThan(3);

    const removed = csv(await exportBytes('csv', { where: ['type=CoveredEntityRemoved'] }));
    expect(removed.map((row) => row.id340b).sort()).toEqual(['CH1', 'CH2', 'DSH000004']);
    const ndjson = (await exportBytes('ndjson', { where: ['as_of>2026-04-02T06:00:00Z', 'state=TN'] }))
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(ndjson.length).toBeGreaterThan(0);
    expect(
      ndjson.every(
        (row) =>
          row.as_of === '2026-04-03T05:00:00Z' && row.state === 'TN' && Array.isArray(row.changed_paths),
      ),
    ).toBe(true);

    await expect(exportBytes('csv', { where: ['nope=1'] })).rejects.toMatchObject({ code: 'FILTER_INVALID' });
    await expect(exportBytes('csv', { asOf: '2026-04-02T00:00:00Z' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('GET /exports/changes streams the same file', async () => {
    const api = await startApi(database);
    try {
      const answer = await fetch(`${api.url}/exports/changes?format=csv&from=2026-04-02&to=2026-04-02`);
      expect(answer.status).toBe(200);
      expect(Buffer.from(await answer.arrayBuffer())).toEqual(
        await exportBytes('csv', {
          range: { from: '2026-04-02T00:00:00Z', to: '2026-04-02T23:59:59.999999Z' },
        }),
      );
    } finally {
      await api.close();
    }
  });
});
