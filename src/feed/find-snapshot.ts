import { OpaisError } from '../errors.ts';
import type { AppliedSnapshot, EventStore } from '../store/event-store.ts';

/**
 * The snapshot an as-of names: the latest one at or before that instant (a
 * date names that day's last snapshot), or the latest of all when `instant`
 * is undefined; with the one before it. NOT_FOUND when there is none.
 */
export async function findSnapshot(
  store: Pick<EventStore, 'listSnapshots'>,
  instant: string | undefined,
  where: string,
): Promise<{ snapshot: AppliedSnapshot; previous: AppliedSnapshot | undefined }> {
  const snapshots = await store.listSnapshots();
  // A JS Date holds milliseconds; an as-of's microseconds beyond them cannot name another snapshot (they are whole ms).
  const limit =
    instant === undefined ? Number.POSITIVE_INFINITY : Date.parse(instant.replace(/(\.\d{3})\d+/, '$1'));
  let index = snapshots.length - 1;
  while (index >= 0 && (snapshots[index] as AppliedSnapshot).asOf.getTime() > limit) index--;
  const snapshot = snapshots[index];
  if (!snapshot) {
    throw new OpaisError(
      'NOT_FOUND',
      instant === undefined
        ? 'no snapshot has been ingested yet'
        : `${where}: no snapshot was applied at or before ${instant}`,
      { place: where },
    );
  }
  return { snapshot, previous: snapshots[index - 1] };
}
