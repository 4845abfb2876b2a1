import type { Database } from '../src/db/open-database.ts';
import type { Subscription } from '../src/store/event-store.ts';
import { type CatchUpOptions, catchUpProjections } from './catch-up-projections.ts';

export interface FollowOptions extends Pick<CatchUpOptions, 'onSnapshot'> {
  signal: AbortSignal;
  /** A catch-up runs at least this often even without a notification (default 30 s). */
  pollIntervalMs?: number;
  log?: (message: string) => void;
}

const minBackoffMs = 500;
const maxBackoffMs = 30_000;

/**
 * Keeps the projections caught up until `signal` aborts: an ingest's commit
 * wakes us at once through the store's subscription; a poll covers notifications
 * missed while disconnected. When the database goes away (restart, network)
 * we retry with exponential backoff and catch up when it is back. A
 * projector stopped by a poison event is retried on notifications (a new
 * snapshot, perhaps a fixed build) but not on every poll.
 */
export async function followProjections(database: Database, options: FollowOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const pollIntervalMs = options.pollIntervalMs ?? 30_000;
  const wake = wakeup(options.signal);
  let listener: Subscription | undefined;
  let backoffMs = minBackoffMs;
  let retryFailed = true;
  try {
    while (!options.signal.aborted) {
      try {
        if (!listener) {
          const subscription = await database.store.subscribe({
            onCommit: wake.notify,
            onLost: () => {
              if (listener === subscription) listener = undefined;
              wake.notify();
            },
          });
          listener = subscription;
          log(`listening for commits to the ${database.store.kind} event store`);
        }
        const result = await catchUpProjections(database, {
          signal: options.signal,
          onSnapshot: options.onSnapshot,
          retryFailed,
        });
        for (const failure of result.failures)
          log(`projector ${failure.projector} stopped: ${failure.message}`);
        backoffMs = minBackoffMs;
        retryFailed = (await wake.wait(pollIntervalMs)) === 'notified';
      } catch (error) {
        log(`projection paused: ${(error as Error).message}; retrying in ${backoffMs} ms`);
        await listener?.close();
        listener = undefined;
        await wake.wait(backoffMs);
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
        retryFailed = true;
      }
    }
  } finally {
    await listener?.close();
  }
}

/** A latch: `wait` resolves on the next `notify` (or one that came since the last wait), a timeout or the abort. */
function wakeup(signal: AbortSignal) {
  let pending = false;
  let resolveWait: ((reason: 'notified' | 'timeout') => void) | undefined;
  const notify = () => {
    pending = true;
    resolveWait?.('notified');
  };
  signal.addEventListener('abort', notify, { once: true });
  return {
    notify,
    wait(timeoutMs: number): Promise<'notified' | 'timeout'> {
      if (pending || signal.aborted) {
        pending = false;
        return Promise.resolve('notified');
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => finish('timeout'), timeoutMs);
        const finish = (reason: 'notified' | 'timeout') => {
          clearTimeout(timer);
          resolveWait = undefined;
          pending = false;
          resolve(reason);
        };
        resolveWait = finish;
      });
    },
  };
}
