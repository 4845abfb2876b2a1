import type pg from 'pg';
import { entityEventTypes } from '../src/events/event-types.ts';
import type { EventStoreReader } from '../src/store/event-store.ts';
import { type FoldedEntry, foldRegistryChanges } from '../src/store/fold-registry.ts';
import { type RegistryRow, readRegistryRows } from '../src/store/postgres/read-registry-rows.ts';

export interface RegistryDrift {
  streamId: string;
  /** The registry row as a fold of the events gives it, or null. */
  folded: RegistryRow | null;
  /** The row in entity_registry, or null. */
  stored: RegistryRow | null;
}

/** Entity events read from the store at a time while folding. */
const foldPageSize = 5000;

/**
 * The ingest writes entity_registry with each snapshot; it must equal a fold
 * of the log, read through the port whatever the store: per entity stream,
 * its last event's version, content hash (before the event for a removal),
 * whether it is current, its key and as-of.
 */
export async function verifyRegistry(
  pool: pg.Pool,
  store: EventStoreReader,
  limit: number,
): Promise<{ count: number; rows: RegistryDrift[] }> {
  const folded = new Map<string, FoldedEntry>();
  for (let after = 0; ; ) {
    const page = await store.readAll({ after, limit: foldPageSize, types: entityEventTypes });
    if (page.length === 0) break;
    foldRegistryChanges(page, folded);
    after = (page.at(-1) as { globalPosition: number }).globalPosition;
  }
  const stored = await readRegistryRows(pool);
  const drift: RegistryDrift[] = [];
  for (const streamId of new Set([...folded.keys(), ...stored.keys()])) {
    const fold = folded.get(streamId);
    const foldedRow = fold ? toRow(fold) : null;
    const storedRow = stored.get(streamId) ?? null;
    if (JSON.stringify(foldedRow) !== JSON.stringify(storedRow)) {
      drift.push({ streamId, folded: foldedRow, stored: storedRow });
    }
  }
  drift.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  return { count: drift.length, rows: drift.slice(0, limit) };
}

/** In the column order of the table, so that rows compare as JSON. */
function toRow(entry: FoldedEntry): RegistryRow {
  return {
    id340b: entry.id340B,
    ce_id: entry.ceId,
    content_hash: entry.contentHash,
    stream_version: entry.streamVersion,
    is_current: entry.isCurrent,
    as_of: entry.asOf,
  };
}
