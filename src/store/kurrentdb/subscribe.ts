import { END, streamNameFilter } from '@kurrent/kurrentdb-client';
import type { Subscription } from '../event-store.ts';
import { type KurrentLog, snapshotCategory } from './vocabulary.ts';

/**
 * The port's commit hint over a catch-up subscription to $all from its end,
 * filtered on the snapshot markers: each SnapshotIngested means a snapshot
 * became visible. Resolves once the server confirms the subscription, so a
 * commit after that always wakes the caller.
 */
export async function subscribe(
  log: KurrentLog,
  { onCommit, onLost }: { onCommit: () => void; onLost: (error?: unknown) => void },
): Promise<Subscription> {
  const subscription = log.client.subscribeToAll({
    fromPosition: END,
    filter: streamNameFilter({ prefixes: [snapshotCategory(log)] }),
  });
  let closed = false;
  const lost = (error?: unknown) => {
    if (closed) return;
    closed = true;
    onLost(error);
  };
  await new Promise<void>((resolve, reject) => {
    subscription.once('confirmation', resolve);
    subscription.once('error', reject);
  });
  subscription.on('data', () => onCommit());
  subscription.on('error', lost);
  subscription.on('end', () => lost());
  return {
    async close() {
      if (closed) return;
      closed = true;
      await subscription.unsubscribe();
    },
  };
}
