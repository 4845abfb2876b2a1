import type { NewEntityEvent } from '../store/event-store.ts';
import type { Change } from './change-detail.ts';
import { entityStreamId } from './stream-names.ts';

/**
 * Builders of the entity events' data as JSON text. The entity's canonical
 * JSON is spliced in as it is, rather than parsed and serialised again: on a
 * day-0 ingest that is 200+ MB of JSON not round-tripped.
 */
interface EntityRef {
  id340B: string;
  ceId: number;
  streamVersion: number;
}

export function registeredEvent(ref: EntityRef, contentHash: string, canonicalJson: string): NewEntityEvent {
  const head = JSON.stringify({ id340B: ref.id340B, ceId: ref.ceId, contentHash });
  return {
    type: 'CoveredEntityRegistered',
    streamId: entityStreamId(ref.id340B, ref.ceId),
    ...ref,
    contentHash,
    dataJson: `${head.slice(0, -1)},"entity":${canonicalJson}}`,
  };
}

export function changedEvent(
  ref: EntityRef,
  contentHash: string,
  previousContentHash: string,
  changedPaths: string[],
  changes: Change[],
  canonicalJson: string,
): NewEntityEvent {
  const head = JSON.stringify({
    id340B: ref.id340B,
    ceId: ref.ceId,
    contentHash,
    previousContentHash,
    changedPaths,
    changes,
  });
  return {
    type: 'CoveredEntityChanged',
    streamId: entityStreamId(ref.id340B, ref.ceId),
    ...ref,
    contentHash,
    dataJson: `${head.slice(0, -1)},"entity":${canonicalJson}}`,
  };
}

export function removedEvent(ref: EntityRef, previousContentHash: string): NewEntityEvent {
  return {
    type: 'CoveredEntityRemoved',
    streamId: entityStreamId(ref.id340B, ref.ceId),
    ...ref,
    contentHash: previousContentHash,
    dataJson: JSON.stringify({ id340B: ref.id340B, ceId: ref.ceId, previousContentHash }),
  };
}
