import type { SnapshotIngestedV1, StoredEvent } from '../../events/event-types.ts';
import type { AppliedSnapshot } from '../event-store.ts';
import { toStoredEvent } from './map-event.ts';
import { readHead, readLastMarker, readLog } from './read-log.ts';
import { type KurrentLog, snapshotCategory, snapshotMarkerType } from './vocabulary.ts';

/** Applied snapshots, oldest first: the SnapshotIngested markers up to the head (a few hundred a year). */
export async function listSnapshots(log: KurrentLog): Promise<AppliedSnapshot[]> {
  const head = await readHead(log);
  const snapshots: AppliedSnapshot[] = [];
  for await (const { event } of readLog(log, { after: 0, until: head }, [snapshotCategory(log)])) {
    if (event.type === snapshotMarkerType) snapshots.push(toAppliedSnapshot(toStoredEvent(log, event)));
  }
  return snapshots.sort((a, b) => a.asOf.getTime() - b.asOf.getTime());
}

/** The last applied snapshot: as-of only grows, so it is the last marker in the log. */
export async function lastSnapshot(log: KurrentLog): Promise<AppliedSnapshot | undefined> {
  const marker = await readLastMarker(log);
  return marker ? toAppliedSnapshot(toStoredEvent(log, marker)) : undefined;
}

export async function findSnapshotBySha256(
  log: KurrentLog,
  sha256: string,
): Promise<AppliedSnapshot | undefined> {
  return (await listSnapshots(log)).find((snapshot) => snapshot.sha256 === sha256);
}

export function toAppliedSnapshot(marker: StoredEvent): AppliedSnapshot {
  const data = marker.data as SnapshotIngestedV1;
  return {
    asOf: new Date(marker.asOf),
    sha256: data.sha256,
    globalPosition: marker.globalPosition,
    source: data.source,
    counts: data.counts,
    dataQualityProblemCount:
      typeof data.dataQualityProblemCount === 'number' ? data.dataQualityProblemCount : null,
    durationMs: data.durationMs,
    ingestedAt: new Date(marker.recordedAt),
  };
}
