import type pg from 'pg';
import type { Registry } from '../event-store.ts';
import * as plans from './plans.ts';

/** The entity registry of the connection's schema, by stream id. */
export async function loadRegistry(client: pg.PoolClient): Promise<Registry> {
  const result = await client.query<{
    stream_id: string;
    id340b: string;
    ce_id: number;
    content_hash: string;
    stream_version: number;
    is_current: boolean;
    raw_hash: string | null;
    layout_free_hash: string | null;
  }>(plans.loadRegistry);
  const registry: Registry = new Map();
  for (const row of result.rows) {
    registry.set(row.stream_id, {
      id340B: row.id340b,
      ceId: row.ce_id,
      contentHash: row.content_hash,
      streamVersion: row.stream_version,
      isCurrent: row.is_current,
      ...(row.raw_hash ? { rawHash: row.raw_hash } : {}),
      ...(row.layout_free_hash ? { layoutFreeHash: row.layout_free_hash } : {}),
    });
  }
  return registry;
}
