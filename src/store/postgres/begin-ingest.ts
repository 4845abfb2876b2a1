import type pg from 'pg';
import { OpaisError } from '../../errors.ts';
import type { IngestSession } from '../event-store.ts';
import * as plans from './plans.ts';
import { PostgresIngestSession } from './postgres-ingest-session.ts';

/**
 * Opens one ingest as one PostgreSQL transaction. The transaction-scoped
 * advisory lock makes ingests single-writer: events get their global
 * positions in commit order (readers never skip one), and two ingests never
 * interleave. Nothing is visible before commit; a crash or abort leaves no
 * trace.
 */
export async function beginIngest(
  pool: pg.Pool,
  options: { asOf: Date; wait?: boolean },
): Promise<IngestSession> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ schema: string }>(plans.currentSchema);
    const lockKey = plans.ingestLockKey(rows[0]?.schema as string);
    if (options.wait === false) {
      const lock = await client.query<{ locked: boolean }>(plans.tryTransactionLock, [lockKey]);
      if (!lock.rows[0]?.locked)
        throw new OpaisError('INGEST_BUSY', 'another ingest is running; try again later');
    } else {
      await client.query(plans.transactionLock, [lockKey]);
    }
    const head = await client.query<{ head: number }>(plans.headPosition);
    return new PostgresIngestSession(client, options.asOf, head.rows[0]?.head ?? 0);
  } catch (error) {
    await client.query('rollback').catch(() => {});
    client.release();
    throw error;
  }
}
