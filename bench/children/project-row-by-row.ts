/**
 * Bench child, the baseline: the seed's way of projecting, one INSERT
 * statement per row (in one transaction), for the first N entity events of
 * the first snapshot in OPAIS_SCHEMA, into a scratch schema. The rows are
 * derived by the same pure functions as ours; only the writing differs.
 *
 *   project-row-by-row.ts --events N
 */
import { parseArgs } from 'node:util';
import {
  createProjectionSchema,
  dropProjectionSchema,
  scratchPool,
} from '../../projections/projection-schema.ts';
import { pharmacySourceColumns, pharmacySources } from '../../projections/tables/dim-pharmacy.ts';
import { entityTables } from '../../projections/tables/entity-tables.ts';
import { createPool } from '../../src/db/open-database.ts';
import type { CanonicalEntity } from '../../src/events/event-types.ts';
import { openEventStore } from '../../src/store/open-event-store.ts';
import { reportResult } from '../run-child.ts';

const { values } = parseArgs({ options: { events: { type: 'string' } } });
const { DATABASE_URL: databaseUrl, OPAIS_SCHEMA: schema } = process.env;
const limit = Number(values.events);
if (!Number.isSafeInteger(limit) || !databaseUrl || !schema) {
  throw new Error('usage: DATABASE_URL=... OPAIS_SCHEMA=... project-row-by-row.ts --events N');
}

const live = createPool(databaseUrl, schema, 1);
const scratch = `${schema}_rowbyrow`;
await createProjectionSchema(live, scratch);
const pool = scratchPool(databaseUrl, scratch, schema);
try {
  const store = await openEventStore({
    backend: 'postgres',
    postgres: { pool: live, connectionString: databaseUrl },
  });
  const events = (await store.readAll({ limit, types: ['CoveredEntityRegistered'] })).map((event) => ({
    position: event.globalPosition,
    // The as-of as the tables hold it: UTC, without zone, to the microsecond.
    as_of: event.asOf.replace('T', ' ').replace('Z', '000'),
    data: event.data as { entity: CanonicalEntity },
  }));
  const client = await pool.connect();
  let rows = 0;
  const started = performance.now();
  try {
    await client.query('begin');
    for (const event of events) {
      const entity = event.data.entity;
      const key = { id340b: entity.id340B as string, ceId: String(entity.ceId) };
      for (const spec of entityTables) {
        for (const row of spec.rows(entity, key)) {
          const columns = [
            ...spec.columns,
            'effective_stp',
            'change_type',
            'event_position',
            'snapshot_as_of',
          ];
          await client.query(
            `insert into ${spec.table} (${columns.join(', ')}) values (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
            [...row, event.as_of, 'INSERT', event.position, `${event.as_of}+00`],
          );
          rows += 1;
        }
      }
      for (const source of pharmacySources(entity, key)) {
        const columns = [...pharmacySourceColumns, 'event_position'];
        await client.query(
          `insert into dim_pharmacy_sources (${columns.join(', ')}) values (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
          [...source, event.position],
        );
        rows += 1;
      }
    }
    await client.query('commit');
  } finally {
    client.release();
  }
  reportResult({ wallMs: performance.now() - started, events: events.length, rowsWritten: rows });
} finally {
  await pool.end();
  await dropProjectionSchema(live, scratch);
  await live.end();
}
