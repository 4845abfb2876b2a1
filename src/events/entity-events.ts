import type { NewEntityEvent } from '../store/event-store.ts';
import type { Change } from './change-detail.ts';
import { entityStreamId } from './stream-names.ts';

/**
 * Builders of the entity events' data as UTF-8 JSON. The entity's canonical
 * JSON comes as the reader's bytes and is spliced in as it is: on a day-0
 * ingest, 200+ MB of JSON neither parsed and serialised again nor decoded
 * into strings on the thread that writes the store (docs/performance.md,
 * session 10).
 */
interface EntityRef {
  id340B: string;
  ceId: number;
  streamVersion: number;
}

export function registeredEvent(ref: EntityRef, contentHash: string, canonical: Uint8Array): NewEntityEvent {
  return {
    type: 'CoveredEntityRegistered',
    streamId: entityStreamId(ref.id340B, ref.ceId),
    ...ref,
    contentHash,
    data: withEntity({ id340B: ref.id340B, ceId: ref.ceId, contentHash }, canonical),
  };
}

export function changedEvent(
  ref: EntityRef,
  contentHash: string,
  previousContentHash: string,
  changedPaths: string[],
  changes: Change[],
  canonical: Uint8Array,
): NewEntityEvent {
  const head = {
    id340B: ref.id340B,
    ceId: ref.ceId,
    contentHash,
    previousContentHash,
    changedPaths,
    changes,
  };
  return {
    type: 'CoveredEntityChanged',
    streamId: entityStreamId(ref.id340B, ref.ceId),
    ...ref,
    contentHash,
    data: withEntity(head, canonical),
  };
}

export function removedEvent(ref: EntityRef, previousContentHash: string): NewEntityEvent {
  return {
    type: 'CoveredEntityRemoved',
    streamId: entityStreamId(ref.id340B, ref.ceId),
    ...ref,
    contentHash: previousContentHash,
    data: Buffer.from(JSON.stringify({ id340B: ref.id340B, ceId: ref.ceId, previousContentHash })),
  };
}

/** `head`'s JSON with one more member, `entity`, whose value is the canonical JSON's bytes. */
function withEntity(head: object, canonical: Uint8Array): Buffer {
  const opening = `${JSON.stringify(head).slice(0, -1)},"entity":`;
  const openingBytes = Buffer.byteLength(opening);
  const data = Buffer.allocUnsafe(openingBytes + canonical.length + 1);
  data.write(opening, 0, 'utf8');
  data.set(canonical, openingBytes);
  data[data.length - 1] = 0x7d; // }
  return data;
}
