import type pg from 'pg';
import { OpaisError } from '../../errors.ts';
import type { LockedRegistry, RegistrySide } from '../kurrentdb/registry-side.ts';
import { countEntities } from './count-entities.ts';
import { loadRegistry } from './load-registry.ts';
import * as plans from './plans.ts';
import { writeRegistry } from './write-registry.ts';

/**
 * The PostgreSQL half of the KurrentDB store: the schema's ingest lock,
 * held by one connection for the whole ingest (the same key as the
 * PostgreSQL store's, so the two exclude each other), and the registry,
 * written one snapshot per transaction.
 */
export function createRegistrySide(pool: pg.Pool): RegistrySide {
  return {
    countEntities: () => countEntities(pool),
    async lockIngest({ wait }) {
      const client = await pool.connect();
      let lockKey: string;
      try {
        const { rows } = await client.query<{ schema: string }>(plans.currentSchema);
        lockKey = plans.ingestLockKey(rows[0]?.schema as string);
        if (wait) {
          await client.query(plans.sessionLock, [lockKey]);
        } else {
          const lock = await client.query<{ locked: boolean }>(plans.trySessionLock, [lockKey]);
          if (!lock.rows[0]?.locked)
            throw new OpaisError('INGEST_BUSY', 'another ingest is running; try again later');
        }
      } catch (error) {
        client.release();
        throw error;
      }
      return lockedRegistry(client, lockKey);
    },
  };
}

function lockedRegistry(client: pg.PoolClient, lockKey: string): LockedRegistry {
  let released = false;
  return {
    loadRegistry: () => loadRegistry(client),
    async registryAsOf() {
      const { rows } = await client.query<{ as_of: Date | null }>(plans.registryAsOf);
      return rows[0]?.as_of ?? undefined;
    },
    async writeRegistry(asOfIso, changes, hashes) {
      await client.query('begin');
      try {
        await writeRegistry(client, asOfIso, changes, hashes);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      }
    },
    async release() {
      if (released) return;
      released = true;
      try {
        await client.query(plans.sessionUnlock, [lockKey]);
        client.release();
      } catch {
        // Ending the connection releases its lock; pooled again it would keep it.
        client.release(true);
      }
    },
  };
}
