import { Readable } from 'node:stream';
import { OpaisError } from '../errors.ts';
import type { EventStoreReader, RecordedEntityEvent } from '../store/event-store.ts';

/**
 * The registry as it stood at an instant, as an export in the OPAIS shape
 * (`{"coveredEntities":[…]}`, each entity in its canonical form), rebuilt
 * from the events alone: every entity whose last event at the latest
 * snapshot not after the instant registered or changed it, streamed from
 * the store's bulk read of end states (one chunk in memory at a time). Ingesting the
 * file into an empty store gives the same content hashes: the audit proof
 * that the log holds the registry (docs/exports.md).
 */
export async function reconstructSnapshot(
  store: EventStoreReader,
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
  const changes = store.readEntityChanges({ after: 0, until: snapshot.globalPosition });
  return { asOf: snapshot.asOf, body: Readable.from(exportJson(changes), { objectMode: false }) };
}

/** Each stream's last event by then, in log order: a removal leaves the entity out; otherwise its state goes in. */
async function* exportJson(changes: AsyncIterable<RecordedEntityEvent[]>): AsyncGenerator<string> {
  yield '{"coveredEntities":[';
  let first = true;
  for await (const chunk of changes) {
    let text = '';
    for (const change of chunk) {
      if (change.type === 'CoveredEntityRemoved') continue;
      text += `${first ? '' : ','}\n${JSON.stringify(change.data.entity)}`;
      first = false;
    }
    yield text;
  }
  yield '\n]}\n';
}
