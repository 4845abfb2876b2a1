import { deterministicEventId } from '../src/events/event-id.ts';
import { snapshotStreamId } from '../src/events/stream-names.ts';
import { type Description, readLastKnown } from '../src/feed/change-feed-queries.ts';
import { orderedChanges } from '../src/feed/ordered-changes.ts';
import type { CopyCell } from '../src/store/postgres/copy-rows.ts';
import { deferIndexesWhileEmpty } from './deferred-indexes.ts';
import type { Projector } from './projector.ts';
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
 * and the change detail (the bulk read upcasts a version-1 event). A removal
 * carries no entity, so its row takes the entity's last known description
 * from the entity's previous row here. The event id is the deterministic one
 * every store gives an event (src/events/event-id.ts: snapshot stream,
 * stream, version), which the bulk read does not carry.
 */
export const changeFeedProjector: Projector = {
  name: 'change_feed',
  begin(batch, writes) {
    const snapshotStream = snapshotStreamId(new Date(`${batch.stamp.replace(' ', 'T')}Z`));
    // Read back only for removals, which an empty table has no earlier rows for.
    const indexes = deferIndexesWhileEmpty(writes, 'change_feed');
    return {
      async apply(changes) {
        const removals = changes.filter((change) => change.type === 'CoveredEntityRemoved');
        const lastKnown =
          removals.length === 0
            ? new Map<string, Description>()
            : await writes.read((client) =>
                readLastKnown(
                  client,
                  removals.map((change) => change.key),
                ),
              );
        writes.copy('change_feed', columns, (write) => {
          for (const change of changes)
            write(
              changeFeedRow(
                change,
                batch,
                snapshotStream,
                lastKnown.get(`${change.key.id340b}\u0000${change.key.ceId}`),
              ),
            );
        });
      },
      finish: () => indexes.restore(),
    };
  },
};

/** The change_feed row of one event, in `columns` order. */
function changeFeedRow(
  change: EntityChange,
  batch: SnapshotBatch,
  snapshotStream: string,
  lastKnown: Description | undefined,
): CopyCell[] {
  const described = change.entity ? describe(change.entity) : (lastKnown ?? noDescription);
  return [
    change.position,
    deterministicEventId(snapshotStream, change.streamId, change.streamVersion),
    change.type,
    change.key.id340b,
    change.key.ceId,
    change.streamVersion,
    batch.asOf,
    batch.position,
    described.entityType,
    described.name,
    described.subName,
    described.state,
    textArray(change.changedPaths),
    textArray(pathIndex(change.changedPaths)),
    change.changes.length === 0 ? null : JSON.stringify(orderedChanges(change.changes)),
  ];
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
