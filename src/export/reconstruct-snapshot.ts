import { Readable } from 'node:stream';
import { OpaisError } from '../errors.ts';
import type { CanonicalEntity } from '../events/event-types.ts';
import type { EventStore } from '../store/event-store.ts';

const pageEvents = 5000;

/**
 * The registry as it stood at an instant, as an export in the OPAIS shape
 * (`{"coveredEntities":[…]}`, each entity in its canonical form), rebuilt
 * from the events alone: every entity whose last event at the latest
 * snapshot not after the instant registered or changed it. Ingesting the
 * file into an empty store gives the same content hashes: the audit proof
 * that the log holds the registry (docs/exports.md).
 */
export async function reconstructSnapshot(
  store: EventStore,
  instant: string | undefined,
  place: string,
): Promise<{ asOf: Date; body: Readable }> {
  const snapshots = await store.listSnapshots();
  const at = instant === undefined ? Number.POSITIVE_INFINITY : Date.parse(instant);
  const snapshot = snapshots.filter((applied) => applied.asOf.getTime() <= at).at(-1);
  if (!snapshot) {
    throw new OpaisError('NOT_FOUND', `${place}: no snapshot was applied as of ${instant ?? 'now'}`, {
      place,
    });
  }
  const entities = new Map<string, CanonicalEntity>();
  let after = 0;
  while (after < snapshot.globalPosition) {
    const events = await store.readAll({ after, limit: pageEvents });
    if (events.length === 0) break;
    for (const event of events) {
      if (event.globalPosition > snapshot.globalPosition) break;
      if (event.type === 'CoveredEntityRemoved') entities.delete(event.streamId);
      else if (event.type !== 'SnapshotIngested') {
        // Delete first: a re-registered entity goes where its new life began.
        entities.delete(event.streamId);
        entities.set(event.streamId, event.data.entity);
      }
    }
    after = events.at(-1)?.globalPosition as number;
  }
  return { asOf: snapshot.asOf, body: Readable.from(exportJson(entities.values()), { objectMode: false }) };
}

function* exportJson(entities: Iterable<CanonicalEntity>): Generator<string> {
  yield '{"coveredEntities":[';
  let first = true;
  for (const entity of entities) {
    yield `${first ? '' : ','}\n${JSON.stringify(entity)}`;
    first = false;
  }
  yield '\n]}\n';
}
