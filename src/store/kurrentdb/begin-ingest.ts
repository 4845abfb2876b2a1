import type { IngestSession } from '../event-store.ts';
import { foldRegistryChanges } from '../fold-registry.ts';
import { KurrentDbIngestSession } from './kurrentdb-ingest-session.ts';
import { listSnapshots } from './list-snapshots.ts';
import { readMetadata, toStoredEvent } from './map-event.ts';
import { readHead, readLog } from './read-log.ts';
import type { LockedRegistry, RegistrySide } from './registry-side.ts';
import { assertNothingInterrupted } from './visibility.ts';
import { categoryPrefixes, entityCategory, type KurrentLog } from './vocabulary.ts';

/**
 * Starts an ingest under the schema's lock (in PostgreSQL). Before the
 * session opens: an interrupted snapshot of another as-of stops it, and the
 * registry is brought up to the log's last snapshot if a crash fell between
 * a marker and its registry write.
 */
export async function beginIngest(
  log: KurrentLog,
  registrySide: RegistrySide,
  { asOf, wait = true }: { asOf: Date; wait?: boolean },
): Promise<IngestSession> {
  const registry = await registrySide.lockIngest({ wait });
  try {
    const head = await readHead(log);
    const pending: Array<{ asOf: string }> = [];
    const beyondHead = { after: head, until: Number.MAX_SAFE_INTEGER };
    for await (const { event } of readLog(log, beyondHead, categoryPrefixes(log))) {
      pending.push(readMetadata(event.metadata, `${event.streamId}@${event.revision}`));
    }
    assertNothingInterrupted(pending, asOf);
    await catchUpRegistry(log, registry);
    return new KurrentDbIngestSession(log, registry, asOf);
  } catch (error) {
    await registry.release();
    throw error;
  }
}

/** Folds the entity events of every snapshot newer than the registry into it, one snapshot per transaction. */
async function catchUpRegistry(log: KurrentLog, registry: LockedRegistry): Promise<void> {
  const registryAsOf = (await registry.registryAsOf())?.getTime() ?? Number.NEGATIVE_INFINITY;
  let after = 0;
  for (const snapshot of await listSnapshots(log)) {
    if (snapshot.asOf.getTime() > registryAsOf) {
      const events = [];
      for await (const { event } of readLog(log, { after, until: snapshot.globalPosition }, [
        entityCategory(log),
      ])) {
        events.push(toStoredEvent(log, event));
      }
      await registry.writeRegistry(snapshot.asOf.toISOString(), foldRegistryChanges(events), new Map());
    }
    after = snapshot.globalPosition;
  }
}
