import type { Change } from '../events/change-detail.ts';
import type { CanonicalEntity, EntityEventType, StoredEvent } from '../events/event-types.ts';
import { orderedChanges } from '../feed/ordered-changes.ts';
import { canonicalValue } from '../snapshot/canonicalise.ts';
import type { EventStoreReader } from '../store/event-store.ts';
import { instantMillis } from './as-of-param.ts';

/** One version of an entity: the event that made it and the state after it (none after a removal). */
export interface EntityVersion {
  position: number;
  eventId: string;
  type: EntityEventType;
  streamVersion: number;
  asOf: string;
  recordedAt: string;
  contentHash: string | null;
  changedPaths: string[];
  entity: CanonicalEntity | null;
}

/** A version with what its event changed (Changed events; empty for the others). */
export interface DetailedEntityVersion extends EntityVersion {
  changes: Change[];
}

/**
 * Every version of one entity stream, oldest first, each with its change
 * detail (the store upcasts a version-1 CoveredEntityChanged on read).
 */
export async function readEntityHistory(
  store: EventStoreReader,
  streamId: string,
): Promise<DetailedEntityVersion[]> {
  const events = await readWholeStream((afterVersion) =>
    store.readStream(streamId, { afterVersion, limit: pageSize, detail: true }),
  );
  return events.map((event) => ({
    ...toVersion(event),
    changes: event.type === 'CoveredEntityChanged' ? orderedChanges(event.data.changes) : [],
  }));
}

/**
 * The entity's version at an instant (time travel over the events: the last
 * event whose snapshot's as-of is not after it), or its latest version. An
 * entity's stream is short (a version per day it changed at most), so it is
 * read whole rather than asking every store for a search by as-of.
 */
export async function readEntityVersion(
  store: EventStoreReader,
  streamId: string,
  asOf: string | undefined,
): Promise<EntityVersion | undefined> {
  const events = await readWholeStream((afterVersion) =>
    store.readStream(streamId, { afterVersion, limit: pageSize }),
  );
  // Stored as-of instants are whole milliseconds, so cutting the asked instant to ms compares exactly.
  const until = asOf === undefined ? Number.POSITIVE_INFINITY : instantMillis(asOf);
  const found = events.findLast((event) => Date.parse(event.asOf) <= until);
  return found ? toVersion(found) : undefined;
}

const pageSize = 1000;

/** Reads a stream page by page to its end (a store caps one read). */
async function readWholeStream<E extends StoredEvent>(
  readPage: (afterVersion: number) => Promise<E[]>,
): Promise<E[]> {
  const events: E[] = [];
  for (;;) {
    const page = await readPage(events.at(-1)?.streamVersion ?? 0);
    events.push(...page);
    if (page.length < pageSize) return events;
  }
}

function toVersion(event: StoredEvent): EntityVersion {
  const data = event.data as { contentHash?: string; changedPaths?: string[]; entity?: CanonicalEntity };
  return {
    position: event.globalPosition,
    eventId: event.eventId,
    type: event.type as EntityEventType,
    streamVersion: event.streamVersion,
    asOf: event.asOf,
    recordedAt: event.recordedAt,
    contentHash: data.contentHash ?? null,
    changedPaths: data.changedPaths ?? [],
    // jsonb keeps its members in its own order; sorting them again gives back the canonical form.
    entity: data.entity === undefined ? null : (canonicalValue(data.entity) as CanonicalEntity),
  };
}
