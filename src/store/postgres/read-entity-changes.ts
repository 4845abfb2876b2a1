import type pg from 'pg';
import { entityEventTypes } from '../../events/event-types.ts';
import type { RecordedEntityEvent } from '../event-store.ts';
import {
  type ChunkLimits,
  defaultChunkLimits,
  planEntityChangeChunks,
} from '../plan-entity-change-chunks.ts';
import * as plans from './plans.ts';

/**
 * The bulk read of the port on PostgreSQL: first the range's positions and
 * stored sizes are listed (narrow), then each planned chunk is read as a
 * position range, the next one while the caller works on the current one,
 * on a connection of its own (the events are committed, so it sees them
 * all).
 */
export async function* readEntityChanges(
  pool: pg.Pool,
  range: { after: number; until: number },
  limits: Partial<ChunkLimits> = {},
): AsyncGenerator<RecordedEntityEvent[]> {
  const reader = await pool.connect();
  let failed: unknown;
  let next: Promise<RecordedEntityEvent[]> | undefined;
  try {
    const { rows: index } = await reader.query<{ position: number; stream_id: string; size: number }>(
      plans.entityChangeIndex,
      [range.after, range.until, entityEventTypes],
    );
    const chunks = planEntityChangeChunks(
      index.map((row) => ({ position: row.position, streamId: row.stream_id, size: row.size })),
      { ...defaultChunkLimits, ...limits },
    );
    const prefetch = (positions: number[] | undefined) => {
      if (!positions) return undefined;
      const read = readChunk(reader, positions);
      read.catch(() => {}); // awaited below; until then its failure is not "unhandled"
      return read;
    };
    next = prefetch(chunks[0]);
    for (let index = 0; next; index++) {
      const current = await next;
      next = prefetch(chunks[index + 1]);
      yield current;
    }
  } catch (error) {
    failed = error;
    throw error;
  } finally {
    // Abandoned midway (the caller failed): let the read in flight finish before the connection goes back.
    await next?.catch((error: unknown) => {
      failed ??= error;
    });
    // A connection that failed mid-read is not reused.
    reader.release(failed === undefined ? undefined : failed instanceof Error ? failed : true);
  }
}

async function readChunk(reader: pg.PoolClient, positions: number[]): Promise<RecordedEntityEvent[]> {
  const wanted = new Set(positions);
  const { rows } = await reader.query<{
    position: number;
    event_type: RecordedEntityEvent['type'];
    schema_version: number;
    stream_id: string;
    stream_version: number;
    data: RecordedEntityEvent['data'];
  }>(plans.entityChangeChunk, [positions[0], positions.at(-1), entityEventTypes]);
  return rows
    .filter((row) => wanted.has(row.position))
    .map((row) => ({
      position: row.position,
      type: row.event_type,
      schemaVersion: row.schema_version,
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      data: row.data,
    }));
}
