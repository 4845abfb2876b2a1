import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buffer as readAll } from 'node:stream/consumers';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import { startApi } from '../../test/support/api-server.ts';
import { type MotoServer, motoUnavailableReason, startMotoServer } from '../../test/support/moto-server.ts';
import { runOpais } from '../../test/support/run-opais.ts';
import { createBucket } from '../../test/support/s3-fixtures.ts';
import {
  coveredEntities,
  coveredEntity,
  tempDir,
  writeSnapshot,
} from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { ingestSnapshot } from '../ingest/ingest-snapshot.ts';
import { fileSource } from '../source/file-source.ts';
import { createS3Client } from '../source/s3-client.ts';
import { listDimTables } from './dim-table-export.ts';
import type { ExportFormat } from './export-format.ts';
import { openExport } from './open-export.ts';

const dir = tempDir();
let database: Database;
/** Each table's current rows right after day 1 was projected, as the database gives them. */
let afterDay1: Map<string, Record<string, unknown>[]>;

const tricky = coveredEntity('DSH900001', 900_001, {
  name: 'QUOTE "Q", COMMA\r\nAND NEWLINE — ünïcödé',
  streetAddress: { addressLine1: '1 Main St', city: 'NASHVILLE', state: 'TN', zip: '37201' },
});

async function ingestDay(name: string, entities: unknown[], asOf: string) {
  const store = database.store;
  await ingestSnapshot({
    store,
    source: fileSource(writeSnapshot(dir, name, entities)),
    asOf: new Date(asOf),
    allowMassRemoval: true,
    allowMassChange: true,
  });
  await catchUpProjections(database);
}

const timestampTypes = new Set([pg.types.builtins.TIMESTAMP, pg.types.builtins.TIMESTAMPTZ]);

/**
 * A table's rows straight from SQL, the reference every export is compared
 * to: timestamps as PostgreSQL prints them in UTC (`2024-02-16
 * 09:29:10.875685`, `+00` on a timestamptz), turned into ISO 8601 here.
 */
async function tableRows(table: string, where = `current_version_flg = 'Y'`) {
  const client = await database.pool.connect();
  await client.query(`set time zone 'UTC'`);
  const { rows } = await client.query({
    text: `select * from ${table} where ${where} order by row_id`,
    types: {
      getTypeParser: ((oid: number, format?: 'text') =>
        timestampTypes.has(oid)
          ? (text: string) => new IsoInstant(`${text.replace(' ', 'T').replace(/\+00$/, '')}Z`)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  await client.query('reset time zone');
  client.release();
  return rows.map(({ row_id: _rowId, ...row }) => row as Record<string, unknown>);
}

/** An instant of the reference: its ISO text for CSV/NDJSON, a Date (ms) for hyparquet, which reads TIMESTAMP(MICROS) so. */
class IsoInstant {
  readonly iso: string;

  constructor(iso: string) {
    this.iso = iso;
  }
}

function expected(value: unknown, reader: 'text' | 'parquet'): unknown {
  if (!(value instanceof IsoInstant)) return value;
  return reader === 'text' ? value.iso : new Date(value.iso);
}

async function exportBytes(
  what: string,
  format: ExportFormat,
  options: { asOf?: string; history?: boolean; where?: string[] } = {},
) {
  const opened = await openExport(
    { pool: database.pool, store: database.store },
    {
      what,
      format,
      ...options,
      places: { asOf: 'asOf', history: 'history', where: 'where', range: 'range' },
    },
  );
  return readAll(opened.body);
}

/** CSV records by header, read by csv-parse (RFC 4180). */
function parseCsv(
  bytes: Buffer | string,
  options: { columns: true; record_delimiter?: string },
): Record<string, string>[] {
  return parse(bytes, options);
}

async function readParquet(bytes: Buffer) {
  const file = new Uint8Array(bytes).buffer;
  return { rows: await parquetReadObjects({ file, compressors }), metadata: parquetMetadata(file) };
}

beforeAll(async () => {
  database = await createTestDatabase('exp');
  await ingestDay('day1.json', [...coveredEntities(40), tricky], '2026-03-01T05:00:00Z');
  const tables = await listDimTables(database.pool);
  afterDay1 = new Map();
  for (const table of tables.keys()) afterDay1.set(table, await tableRows(table));
  const day2 = coveredEntities(40)
    .slice(5)
    .map((entity, index) =>
      index % 4 === 0 ? { ...entity, name: `RENAMED ${index}`, contractPharmacies: [] } : entity,
    );
  await ingestDay('day2.json', [...day2, tricky], '2026-03-02T05:00:00Z');
}, 120_000);
afterAll(async () => {
  await database.close();
});

describe('opais export of a dim_* table', () => {
  it('lists the eight SCD2 tables and not the working tables', async () => {
    expect([...(await listDimTables(database.pool)).keys()].sort()).toEqual([
      'dim_ce',
      'dim_ce_billing_address',
      'dim_ce_contract_pharmacy',
      'dim_ce_medicaid_numbers',
      'dim_ce_shipping_address',
      'dim_ce_street_address',
      'dim_npi',
      'dim_pharmacy',
    ]);
  });

  it('CSV: RFC 4180 with a header, CRLF, quoting, UTF-8 and ISO instants; every value equals the table', async () => {
    for (const table of (await listDimTables(database.pool)).keys()) {
      const bytes = await exportBytes(table, 'csv', { history: true });
      const reference = await tableRows(table, 'true');
      const records = parseCsv(bytes, { columns: true, record_delimiter: '\r\n' });
      expect(records.length, table).toBe(reference.length);
      expect(records.length, table).toBeGreaterThan(0);
      records.forEach((record, index) => {
        const row = reference[index] as Record<string, unknown>;
        expect(Object.keys(record)).toEqual(Object.keys(row));
        for (const [column, value] of Object.entries(row)) {
          const want = value === null ? '' : String(expected(value, 'text'));
          expect(record[column], `${table}.${column} row ${index}`).toBe(want);
        }
      });
    }
    const dimCe = (await exportBytes('dim_ce', 'csv')).toString('utf8');
    expect(dimCe.startsWith('id340b,ce_id,entity_type,name,')).toBe(true);
    expect(dimCe).toContain('"QUOTE ""Q"", COMMA\r\nAND NEWLINE — ünïcödé"');
    // The columns in table order: medicare_provider_number (data contract 1.1, ddl/0005) comes last, empty here.
    expect(dimCe).toMatch(
      /,2026-03-01T05:00:00Z,9999-12-31T23:59:59Z,Y,INSERT,\d+,2026-03-01T05:00:00Z,,\r\n/,
    );
    expect(dimCe.endsWith('\r\n')).toBe(true);
  });

  it('Parquet: typed columns, compressed; a second, independent reader (hyparquet) gives back every value', async () => {
    for (const table of (await listDimTables(database.pool)).keys()) {
      const bytes = await exportBytes(table, 'parquet', { history: true });
      const { rows, metadata } = await readParquet(bytes);
      const reference = await tableRows(table, 'true');
      expect(rows.length, table).toBe(reference.length);
      rows.forEach((row, index) => {
        const want = reference[index] as Record<string, unknown>;
        expect(Object.keys(row)).toEqual(Object.keys(want));
        for (const [column, value] of Object.entries(want)) {
          const got = row[column];
          if (typeof got === 'bigint') expect(Number(got), `${table}.${column}`).toBe(value);
          else expect(got, `${table}.${column} row ${index}`).toEqual(expected(value, 'parquet'));
        }
      });
      const types = Object.fromEntries(
        metadata.schema.slice(1).map((element) => [element.name, element.logical_type?.type ?? element.type]),
      );
      expect(types.effective_stp).toBe('TIMESTAMP');
      expect(types.snapshot_as_of).toBe('TIMESTAMP');
      expect(types.event_position).toBe('INT64');
      expect(types.current_version_flg).toBe('STRING');
      expect(
        metadata.row_groups.every((group) =>
          group.columns.every((chunk) => chunk.meta_data?.codec === 'ZSTD'),
        ),
      ).toBe(true);
    }
    const dimCe = await readParquet(await exportBytes('dim_ce', 'parquet'));
    expect(dimCe.rows.find((row) => row.id340b === 'DSH900001')?.name).toBe(tricky.name);
  });

  it('NDJSON: one object a line with numbers and ISO instants', async () => {
    const lines = (await exportBytes('dim_ce_street_address', 'ndjson'))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    const reference = await tableRows('dim_ce_street_address');
    expect(lines.map((line) => JSON.parse(line))).toEqual(
      reference.map((row) =>
        Object.fromEntries(Object.entries(row).map(([column, value]) => [column, expected(value, 'text')])),
      ),
    );
  });

  it('--as-of gives the rows in force then: as of day 1 equals the current rows taken right after day 1', async () => {
    for (const [table, rows] of afterDay1) {
      const { rows: got } = await readParquet(
        await exportBytes(table, 'parquet', { asOf: '2026-03-01T23:00:00Z' }),
      );
      const asOfRows = got.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([column, value]) => [
            column,
            typeof value === 'bigint' ? Number(value) : value,
          ]),
        ),
      );
      const want = rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([column, value]) => [column, expected(value, 'parquet')]),
        ),
      );
      // the day-1 versions that day 2 ended are no longer current, but they were in force at the time
      const dropEnded = (row: Record<string, unknown>) => {
        const {
          expiration_stp: _e,
          current_version_flg: _c,
          change_type: _t,
          expired_position: _p,
          ...rest
        } = row;
        return rest;
      };
      expect(asOfRows.map(dropEnded), table).toEqual(want.map(dropEnded));
    }
    // a date means the end of that day: day 2's 05:00 snapshot is in force "as of 2026-03-02"
    const csv = parseCsv(await exportBytes('dim_ce', 'csv', { asOf: '2026-03-02T23:59:59.999999Z' }), {
      columns: true,
    });
    expect(csv.length).toBe(36);
    expect(
      parseCsv(await exportBytes('dim_ce', 'csv', { asOf: '2026-02-28T00:00:00Z' }), { columns: true }),
    ).toEqual([]);
  });

  it('--where selects rows with a parsed filter; values are parameters, never SQL', async () => {
    const tn = parseCsv(await exportBytes('dim_ce_street_address', 'csv', { where: ['state=TN'] }), {
      columns: true,
    });
    expect(tn.map((row) => row.id340b)).toEqual(['DSH900001']);
    const renamed = parseCsv(
      await exportBytes('dim_ce', 'csv', {
        history: true,
        where: ['name~renamed,change_type=UPDATE|INSERT', 'ce_id=30|34'],
      }),
      { columns: true },
    );
    expect(renamed.map((row) => [row.name, row.ce_id])).toEqual([
      ['RENAMED 24', '30'],
      ['RENAMED 28', '34'],
    ]);
    const injected = await exportBytes('dim_ce', 'csv', { where: ["name=x' or '1'='1"] });
    expect(injected.toString()).toMatch(/^id340b,[^\n]*\r\n$/);
    expect(await tableRows('dim_ce', 'true')).toHaveLength(41 + 9);
  });

  it('refuses an unknown export, a bad filter and --history with --as-of with the catalogue codes', async () => {
    await expect(exportBytes('events', 'csv')).rejects.toMatchObject({ code: 'EXPORT_UNKNOWN' });
    await expect(exportBytes('dim_ce_x; drop table dim_ce', 'csv')).rejects.toMatchObject({
      code: 'EXPORT_UNKNOWN',
    });
    for (const where of [
      'name',
      'nope=1',
      'event_position>x',
      '"name"=1',
      'effective_stp>not-a-date',
      'name~',
    ]) {
      await expect(exportBytes('dim_ce', 'csv', { where: [where] }), where).rejects.toMatchObject({
        code: 'FILTER_INVALID',
      });
    }
    await expect(
      exportBytes('dim_ce', 'csv', { history: true, asOf: '2026-03-01T00:00:00Z' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('the CLI writes a file (and only a whole one) and exits with the catalogue code on a bad request', async () => {
    const out = path.join(dir, 'pharmacies.parquet');
    const run = await runOpais(
      ['export', 'dim_ce_contract_pharmacy', '--format', 'parquet', '--history', '--out', out],
      envFor(database),
    );
    expect(run.code, run.stderr).toBe(0);
    const { rows } = await readParquet(readFileSync(out));
    expect(rows.length).toBe((await tableRows('dim_ce_contract_pharmacy', 'true')).length);

    const bad = await runOpais(
      ['export', 'dim_ce', '--where', 'nope=1', '--out', path.join(dir, 'bad.csv')],
      envFor(database),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('FILTER_INVALID');
    expect(() => readFileSync(path.join(dir, 'bad.csv'))).toThrow();
    const unknown = await runOpais(['export', 'dim_nope'], envFor(database));
    expect(unknown.stderr).toContain('EXPORT_UNKNOWN');
    const stdout = await runOpais(
      ['export', 'dim_ce_street_address', '--as-of', '2026-03-01', '--where', 'state=TN'],
      envFor(database),
    );
    expect(stdout.code, stdout.stderr).toBe(0);
    expect(parseCsv(stdout.stdout, { columns: true }).map((row) => row.city)).toEqual(['NASHVILLE']);
  });

  it('GET /exports/:what streams the same files, behind the same token, with catalogue errors', async () => {
    const api = await startApi(database, { token: 'secret' });
    try {
      const auth = { authorization: 'Bearer secret' };
      expect((await api.get('/exports/dim_ce?format=csv')).status).toBe(401);
      const csv = await fetch(
        `${api.url}/exports/dim_ce_street_address?format=csv&asOf=2026-03-01&where=state%3DTN`,
        {
          headers: auth,
        },
      );
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.headers.get('content-disposition')).toBe(
        'attachment; filename="dim_ce_street_address-20260301T235959Z.csv"',
      );
      expect(Buffer.from(await csv.arrayBuffer())).toEqual(
        await exportBytes('dim_ce_street_address', 'csv', {
          asOf: '2026-03-01T23:59:59.999999Z',
          where: ['state=TN'],
        }),
      );
      const parquet = await fetch(`${api.url}/exports/dim_ce_contract_pharmacy?format=parquet&history=true`, {
        headers: auth,
      });
      expect(parquet.headers.get('content-type')).toBe('application/vnd.apache.parquet');
      const { rows } = await readParquet(Buffer.from(await parquet.arrayBuffer()));
      expect(rows.length).toBe((await tableRows('dim_ce_contract_pharmacy', 'true')).length);

      const unknown = await api.get('/exports/events', auth);
      expect([unknown.status, unknown.body.code]).toEqual([404, 'EXPORT_UNKNOWN']);
      const bad = await api.get('/exports/dim_ce?where=name%3D1&where=x%3Cy', auth);
      expect([bad.status, bad.body.code]).toEqual([400, 'FILTER_INVALID']);
      const format = await api.get('/exports/dim_ce?format=xlsx', auth);
      expect([format.status, format.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
      const described = await api.get('/docs/json');
      expect(Object.keys(described.body.paths)).toContain('/exports/{what}');
    } finally {
      await api.close();
    }
  });
});

describe.skipIf(motoUnavailableReason())('opais export --out s3://…', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMotoServer();
    // the SDK's default credential chain reads them from the environment
    Object.assign(process.env, moto.env);
  }, 90_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('uploads the same bytes as an object', async () => {
    const client = createS3Client(moto.env);
    await createBucket(client, 'exports');
    const run = await runOpais(
      ['export', 'dim_ce', '--history', '--format', 'parquet', '--out', 's3://exports/opais/dim_ce.parquet'],
      { ...envFor(database), ...moto.env },
    );
    expect(run.code, run.stderr).toBe(0);
    const object = await client.send(
      new GetObjectCommand({ Bucket: 'exports', Key: 'opais/dim_ce.parquet' }),
    );
    expect(object.ContentType).toBe('application/vnd.apache.parquet');
    const { rows } = await readParquet(
      Buffer.from(
        await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      ),
    );
    expect(rows.length).toBe((await tableRows('dim_ce', 'true')).length);
  }, 60_000);
});
