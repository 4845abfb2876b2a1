import { OpaisError } from '../errors.ts';
import type { AppliedSnapshot } from '../store/event-store.ts';
import { createPostgresEventStore } from '../store/postgres/postgres-event-store.ts';
import type { ApiContext } from './api-context.ts';

/**
 * The snapshot an `asOf` parameter names: the latest one at or before that
 * instant (a date names that day's last snapshot), or the latest of all when
 * `instant` is undefined. NOT_FOUND when there is none.
 */
export async function findSnapshot(
  context: ApiContext,
  instant: string | undefined,
  where: string,
): Promise<AppliedSnapshot> {
  const snapshots = await createPostgresEventStore(context.pool).listSnapshots();
  const limit =
    instant === undefined ? Number.POSITIVE_INFINITY : Date.parse(instant.replace(/(\.\d{3})\d+/, '$1'));
  const found = snapshots.filter((snapshot) => snapshot.asOf.getTime() <= limit).at(-1);
  if (!found) {
    throw new OpaisError(
      'NOT_FOUND',
      instant === undefined
        ? 'no snapshot has been ingested yet'
        : `${where}: no snapshot was applied as of ${instant}`,
      { place: where },
    );
  }
  return found;
}
