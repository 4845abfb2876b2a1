import { OpaisError } from '../../errors.ts';

/**
 * The visibility rule of a log without multi-stream transactions
 * (docs/architecture.md, "KurrentDB backend"): a snapshot's entity events
 * are appended first and its SnapshotIngested marker last, so readers read
 * up to the last marker (the head) and never past it. Whatever lies beyond
 * the head belongs to one interrupted snapshot; only the same ingest may
 * continue, and its re-run completes it (same ids, so what was already
 * written is recognised).
 */
export function visibleEvents<E extends { globalPosition: number }>(
  events: Iterable<E>,
  after: number,
  head: number,
): E[] {
  const visible: E[] = [];
  for (const event of events) {
    if (event.globalPosition > after && event.globalPosition <= head) visible.push(event);
  }
  return visible;
}

/** Refuses an ingest of another as-of while events of an interrupted snapshot lie beyond the head. */
export function assertNothingInterrupted(pending: ReadonlyArray<{ asOf: string }>, asOf: Date): void {
  const interrupted = pending.find((event) => event.asOf !== asOf.toISOString());
  if (!interrupted) return;
  const count = pending.filter((event) => event.asOf === interrupted.asOf).length;
  throw new OpaisError(
    'SNAPSHOT_INTERRUPTED',
    `the snapshot as of ${interrupted.asOf} was interrupted after ${count} of its events were written; ingest that export again to complete it before ingesting ${asOf.toISOString()}`,
    { interruptedAsOf: interrupted.asOf, writtenEvents: count },
  );
}
