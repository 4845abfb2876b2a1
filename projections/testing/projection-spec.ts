import type pg from 'pg';
import { expect } from 'vitest';
import type { EventStore } from '../../src/store/event-store.ts';
import { type CatchUpResult, catchUpProjections } from '../catch-up-projections.ts';
import { appendTestSnapshot, type TestEvent } from './append-test-snapshot.ts';

/** One snapshot of a spec: its as-of and its entity events, in order. */
export interface TestSnapshot {
  asOf: string;
  events: readonly TestEvent[];
}

export const snapshot = (asOf: string, ...events: TestEvent[]): TestSnapshot => ({ asOf, events });

/** Where a spec runs: any event store behind the port, and the PostgreSQL pool that holds the projections. */
export interface SpecDatabase {
  pool: pg.Pool;
  store: EventStore;
}

export interface SpecOutcome {
  /** The catch-up that projected the `when` snapshots. */
  result: CatchUpResult;
  /** The SnapshotIngested positions of the `when` snapshots. */
  positions: number[];
}

/**
 * Projection specs in the given / when / then form:
 *
 *   await projectionSpec(database)
 *     .given(snapshot(day(1), registered(hospital)))
 *     .when(snapshot(day(2), changed(renamed)))
 *     .then({ dim_ce: [{ name: 'HOSPITAL', change_type: 'INSERT' }, { name: 'RENAMED', change_type: 'UPDATE' }] });
 *
 * The `given` snapshots are appended through the store's port and
 * projected, then the `when` snapshots; `then` compares each named table's
 * rows (oldest version first, see `tableRows`) with the expected ones, as
 * partial objects, and returns what the `when` catch-up did for further checks.
 */
export function projectionSpec(database: SpecDatabase) {
  return {
    given(...given: TestSnapshot[]) {
      return {
        when(...when: TestSnapshot[]) {
          return {
            // biome-ignore lint/suspicious/noThenProperty: the spec's own words (given / when / then); call then(), never await when() itself.
            async then(expected: Record<string, readonly object[]> = {}): Promise<SpecOutcome> {
              await appendAll(database.store, given);
              if (given.length > 0) await catchUpProjections(database);
              const positions = await appendAll(database.store, when);
              const result = await catchUpProjections(database);
              for (const [table, rows] of Object.entries(expected)) {
                expect(await tableRows(database.pool, table), table).toMatchObject(rows);
              }
              return { result, positions };
            },
          };
        },
      };
    },
  };
}

async function appendAll(store: EventStore, snapshots: readonly TestSnapshot[]): Promise<number[]> {
  const positions: number[] = [];
  for (const { asOf, events } of snapshots) positions.push(await appendTestSnapshot(store, asOf, events));
  return positions;
}

/**
 * A projection table's rows as JSON, timestamps as text, without the
 * surrogate key: oldest version first (effective instant, then the event
 * that made it), then by content.
 */
export async function tableRows(
  pool: pg.Pool,
  table: string,
  where = 'true',
): Promise<Record<string, unknown>[]> {
  const { rows } = await pool.query<{ row: Record<string, unknown> }>(
    `select to_jsonb(t) - 'row_id' as row from ${table} t where ${where}
      order by to_jsonb(t)->>'effective_stp', (to_jsonb(t)->>'event_position')::bigint, to_jsonb(t)::text`,
  );
  return rows.map(({ row }) => row);
}
