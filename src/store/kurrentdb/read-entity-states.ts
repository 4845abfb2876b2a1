import { StreamNotFoundError } from '@kurrent/kurrentdb-client';
import type { CanonicalEntity } from '../../events/event-types.ts';
import { type StateRef, stateKey } from '../../events/upcast-entity-changed.ts';
import { runConcurrently } from './run-concurrently.ts';
import { type KurrentLog, serverStream } from './vocabulary.ts';

/** Stream reads in flight at once (the ingest's current states of changed entities, an upcast's previous ones). */
const readConcurrency = 32;

/** The entities that some stream versions' events carry, keyed by stateKey; a version without an entity is left out. */
export async function readEntityStates(
  log: KurrentLog,
  refs: readonly StateRef[],
): Promise<Map<string, CanonicalEntity>> {
  const found = new Map<string, CanonicalEntity>();
  await runConcurrently(refs, readConcurrency, async (ref) => {
    try {
      const read = log.client.readStream(serverStream(log, ref.streamId), {
        fromRevision: BigInt(ref.streamVersion - 1),
        maxCount: 1,
      });
      for await (const { event } of read) {
        const entity = (event?.data as { entity?: CanonicalEntity } | undefined)?.entity;
        if (entity) found.set(stateKey(ref), entity);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
  });
  return found;
}
