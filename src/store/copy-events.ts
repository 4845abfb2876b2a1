import { OpaisError } from '../errors.ts';
import { deterministicEventId } from '../events/event-id.ts';
import type { SnapshotIngestedV1, StoredEvent } from '../events/event-types.ts';
import { snapshotStreamId } from '../events/stream-names.ts';
import type { EventStore, EventStoreReader, IngestSession, NewEntityEvent } from './event-store.ts';

export interface CopyEventsOptions {
  /** Called after each snapshot the target committed. */
  onSnapshot?: (copied: { asOf: Date; events: number }) => void;
  /** Stops between two snapshots (what was copied stays; a new run resumes). */
  signal?: AbortSignal;
  /** Events read from the source at a time. */
  pageSize?: number;
}

export interface CopyEventsResult {
  /** Snapshots the target already had (a resumed copy). */
  alreadyThere: number;
  snapshots: number;
  events: number;
}

/**
 * Replays a log into another store, snapshot by snapshot, through the
 * target's own ingest sessions: the target writes what its own ingest would
 * (the same ids, types, data, metadata and order, SnapshotIngested last,
 * its own registry), and each snapshot is one commit there. A copy that
 * stopped is resumed by running it again: the target's snapshots must be
 * the source's first ones, and the copy goes on after them.
 * (docs/architecture.md, "Moving a log between stores".)
 */
export async function copyEvents(
  source: EventStoreReader,
  target: EventStore,
  options: CopyEventsOptions = {},
): Promise<CopyEventsResult> {
  const sourceSnapshots = await source.listSnapshots();
  const targetSnapshots = await target.listSnapshots();
  targetSnapshots.forEach((there, index) => {
    const expected = sourceSnapshots[index];
    if (!expected || expected.asOf.getTime() !== there.asOf.getTime() || expected.sha256 !== there.sha256) {
      throw new OpaisError(
        'INVALID_ARGUMENT',
        `the target already holds another log: its snapshot #${index + 1} (as of ${there.asOf.toISOString()}, sha256 ${there.sha256}) is not the source's ${expected ? `(as of ${expected.asOf.toISOString()}, sha256 ${expected.sha256})` : '(the source has fewer snapshots)'}`,
      );
    }
  });
  const result: CopyEventsResult = { alreadyThere: targetSnapshots.length, snapshots: 0, events: 0 };
  let after = sourceSnapshots[targetSnapshots.length - 1]?.globalPosition ?? 0;
  let session: IngestSession | undefined;
  let pending: NewEntityEvent[] = [];
  let events = 0;
  const pageSize = options.pageSize ?? 1000;
  try {
    for (;;) {
      if (!session && options.signal?.aborted) break;
      const page = await source.readAll({ after, limit: pageSize });
      if (page.length === 0) break;
      for (const event of page) {
        after = event.globalPosition;
        session ??= await target.beginIngest({ asOf: new Date(event.asOf) });
        assertCopyable(event, session.asOf);
        if (event.type === 'SnapshotIngested') {
          await session.append(pending);
          await session.commit(event.data as SnapshotIngestedV1);
          result.snapshots += 1;
          result.events += events + 1;
          options.onSnapshot?.({ asOf: session.asOf, events: events + 1 });
          session = undefined;
          pending = [];
          events = 0;
          if (options.signal?.aborted) break;
          continue;
        }
        pending.push(toNewEntityEvent(event));
        events += 1;
        if (pending.length >= pageSize) {
          await session.append(pending);
          pending = [];
        }
      }
    }
  } finally {
    // A source's readAll ends at its last complete snapshot, so an open session here means an error or an abort.
    await session?.abort();
  }
  return result;
}

/** The target writes ids from (snapshot, stream, version): a source event must carry exactly those to be kept. */
function assertCopyable(event: StoredEvent, asOf: Date): void {
  const snapshotStream = snapshotStreamId(asOf);
  const where = `${event.streamId} version ${event.streamVersion} (position ${event.globalPosition})`;
  if (event.asOf !== asOf.toISOString() || event.metadata.snapshotStream !== snapshotStream) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `${where} belongs to ${event.asOf}, inside the snapshot of ${asOf.toISOString()}`,
    );
  }
  if (event.eventId !== deterministicEventId(snapshotStream, event.streamId, event.streamVersion)) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `${where} has id ${event.eventId}, which the target cannot keep`,
    );
  }
}

function toNewEntityEvent(event: Exclude<StoredEvent, { type: 'SnapshotIngested' }>): NewEntityEvent {
  return {
    type: event.type,
    streamId: event.streamId,
    id340B: event.data.id340B,
    ceId: event.data.ceId,
    streamVersion: event.streamVersion,
    contentHash:
      event.type === 'CoveredEntityRemoved' ? event.data.previousContentHash : event.data.contentHash,
    data: Buffer.from(JSON.stringify(event.data)),
  };
}
