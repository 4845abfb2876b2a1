import {
  type CanonicalEntity,
  type EntityEventType,
  entityEventTypes,
  type StoredEvent,
} from '../events/event-types.ts';
import type { EventStoreReader } from '../store/event-store.ts';
import type { FilterableChange } from './subscription-filter.ts';

/** One change as a webhook delivers it: the feed's item, with the entity's type and state for filtering. */
export interface ChangeItem extends FilterableChange {
  position: number;
  /** The idempotency key: a redelivered change carries the same one. */
  eventId: string;
  ceId: number;
  asOf: string;
  /** What changed, member by member, where the event records it (CoveredEntityChanged v2). */
  changes?: unknown[];
}

type EntityEvent = Extract<StoredEvent, { type: EntityEventType }>;

/**
 * The change items of some entity events, in their order. A removal carries
 * no entity: its type and state are those of the version it ended (the
 * stream's previous event, read through the store).
 */
export async function changeItems(
  store: EventStoreReader,
  events: readonly StoredEvent[],
): Promise<ChangeItem[]> {
  const items: ChangeItem[] = [];
  for (const event of events) {
    if (!(entityEventTypes as readonly string[]).includes(event.type)) continue;
    const entityEvent = event as EntityEvent;
    const entity =
      'entity' in entityEvent.data ? entityEvent.data.entity : await endedEntity(store, entityEvent);
    const data = entityEvent.data as { changedPaths?: string[]; changes?: unknown[] };
    items.push({
      position: event.globalPosition,
      eventId: event.eventId,
      type: event.type,
      id340B: entityEvent.data.id340B,
      ceId: entityEvent.data.ceId,
      asOf: event.asOf,
      entityType: textOf(entity?.entityType),
      state: textOf((entity?.streetAddress as CanonicalEntity | undefined)?.state),
      changedPaths: data.changedPaths ?? [],
      ...(data.changes ? { changes: data.changes } : {}),
    });
  }
  return items;
}

async function endedEntity(
  store: EventStoreReader,
  removal: EntityEvent,
): Promise<CanonicalEntity | undefined> {
  const [previous] = await store.readStream(removal.streamId, {
    afterVersion: removal.streamVersion - 2,
    limit: 1,
  });
  return previous && 'entity' in previous.data ? (previous.data.entity as CanonicalEntity) : undefined;
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
