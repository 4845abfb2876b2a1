import { OpaisError } from '../src/errors.ts';
import type { Change } from '../src/events/change-detail.ts';
import { deterministicEventId } from '../src/events/event-id.ts';
import { snapshotStreamId } from '../src/events/stream-names.ts';
import {
  type Description,
  feedIsEmpty,
  type LastKnown,
  readLastKnown,
} from '../src/feed/change-feed-queries.ts';
import { orderedChanges } from '../src/feed/ordered-changes.ts';
import type { CopyCell } from '../src/store/postgres/copy-rows.ts';
import type { EventReader, Projector } from './projector.ts';
import type { EntityChange } from './read-entity-changes.ts';
import type { SnapshotBatch } from './snapshot-batch.ts';

const columns = [
  'global_position',
  'event_id',
  'event_type',
  'id340b',
  'ce_id',
  'stream_version',
  'as_of',
  'snapshot_position',
  'entity_type',
  'name',
  'sub_name',
  'state',
  'changed_paths',
  'path_index',
  'changes',
] as const;

/**
 * The change feed's read model (docs/changes.md): one row per entity
 * event with what the feed filters on (entity type, state, changed paths)
 * and the change detail. It keys off its own rows: an entity's previous row
 * gives the stream version this event took (so its deterministic event id,
 * src/events/event-id.ts) and, for a removal, which carries no entity, the
 * entity's last known description. A first snapshot (or a rebuild) starts
 * from an empty table: every version is 1 and nothing is looked up.
 */
export const changeFeedProjector: Projector = {
  name: 'change_feed',
  begin(batch, writes, store) {
    const empty = writes.read(feedIsEmpty);
    return {
      async apply(changes) {
        const lastKnown = (await empty)
          ? new Map<string, LastKnown>()
          : await writes.read((client) =>
              readLastKnown(
                client,
                changes.map((change) => change.key),
              ),
            );
        const detail = await upcastVersionOne(store, changes);
        const snapshotStream = snapshotStreamId(new Date(`${batch.stamp.replace(' ', 'T')}Z`));
        writes.copy(
          'change_feed',
          columns,
          changes.map((change) =>
            changeFeedRow(
              change,
              batch,
              snapshotStream,
              lastKnown.get(keyOf(change)),
              detail.get(change.position),
            ),
          ),
        );
      },
      async finish() {
        await empty; // read even when the snapshot had no entity events, so its failure is this projector's
      },
    };
  },
};

const keyOf = (change: EntityChange) => `${change.key.id340b}\u0000${change.key.ceId}`;

/** The change_feed row of one event, in `columns` order. */
function changeFeedRow(
  change: EntityChange,
  batch: SnapshotBatch,
  snapshotStream: string,
  previous: LastKnown | undefined,
  upcast: readonly Change[] | undefined,
): CopyCell[] {
  const described = change.entity ? describe(change.entity) : (previous ?? noDescription);
  const streamVersion = (previous?.streamVersion ?? 0) + 1;
  const changes = change.changes ?? upcast ?? [];
  return [
    change.position,
    deterministicEventId(snapshotStream, change.streamId, streamVersion),
    change.type,
    change.key.id340b,
    change.key.ceId,
    streamVersion,
    batch.asOf,
    batch.position,
    described.entityType,
    described.name,
    described.subName,
    described.state,
    textArray(change.changedPaths),
    textArray(pathIndex(change.changedPaths)),
    changes.length === 0 ? null : JSON.stringify(orderedChanges(changes)),
  ];
}

/**
 * A version-1 CoveredEntityChanged carries no change detail: the store's
 * read with detail upcasts it from the stream's previous state
 * (docs/events.md), one read per chunk that has any (logs written before
 * data contract 1.1 only).
 */
async function upcastVersionOne(
  store: EventReader,
  changes: readonly EntityChange[],
): Promise<Map<number, Change[]>> {
  const old = changes.filter(
    (change) => change.type === 'CoveredEntityChanged' && change.changes === undefined,
  );
  const upcast = new Map<number, Change[]>();
  if (old.length === 0) return upcast;
  const first = (old[0] as EntityChange).position;
  const last = (old.at(-1) as EntityChange).position;
  const events = await store.readAll({
    after: first - 1,
    limit: last - first + 1,
    types: ['CoveredEntityChanged'],
    detail: true,
  });
  for (const event of events)
    if (event.type === 'CoveredEntityChanged') upcast.set(event.globalPosition, event.data.changes);
  for (const change of old) {
    if (!upcast.has(change.position)) {
      throw new OpaisError(
        'PROJECTION_FAILED',
        `event ${change.position} (CoveredEntityChanged of ${change.streamId}) has no change detail and cannot be upcast`,
        { position: change.position, streamId: change.streamId, eventType: change.type },
      );
    }
  }
  return upcast;
}

const noDescription: Description = { entityType: null, name: null, subName: null, state: null };

function describe(entity: Record<string, unknown>): Description {
  const address = entity.streetAddress as Record<string, unknown> | undefined;
  return {
    entityType: textOrNull(entity.entityType),
    name: textOrNull(entity.name),
    subName: textOrNull(entity.subName),
    state: textOrNull(address?.state),
  };
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Every changed path and each of its ancestors (`streetAddress.zip` → `streetAddress`), sorted. */
export function pathIndex(paths: readonly string[]): string[] {
  const index = new Set<string>();
  for (const path of paths) {
    const parts = path.split('.');
    for (let length = 1; length <= parts.length; length++) index.add(parts.slice(0, length).join('.'));
  }
  return [...index].sort();
}

/** A PostgreSQL text[] literal, every element quoted. */
function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
