import type pg from 'pg';
import { entityEventTypes } from '../events/event-types.ts';
import type { EventStoreReader } from '../store/event-store.ts';
import { changeItems } from './change-items.ts';
import { backoffDelay, retryAfterMs } from './retry-delay.ts';
import { signatureHeader, signPayload } from './sign-payload.ts';
import { matchesFilter } from './subscription-filter.ts';
import {
  dueSubscriptions,
  holdWorkerLock,
  recordDelivered,
  recordFailed,
  type Subscription,
  skipTo,
} from './subscription-store.ts';

export interface DeliveryWorkerOptions {
  pool: pg.Pool;
  store: EventStoreReader;
  /** Ends the worker after the attempts in flight. */
  signal: AbortSignal;
  /** How often to look for new events and due retries (default 1 s). */
  pollMs?: number;
  /** A receiver slower than this is a failed attempt with an unknown outcome (default 10 s). */
  timeoutMs?: number;
  /** Change items per POST (default 100). */
  batchItems?: number;
  /** First retry after about this long, doubling each failure (default 1 s), up to `maxBackoffMs` (default 10 min). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Failures in a row after which a subscription is marked failing (default 5). */
  failingAfter?: number;
  onAttempt?: (attempt: {
    subscription: number;
    outcome: 'delivered' | 'failed';
    items: number;
    error?: string;
  }) => void;
  /** A step that could not run (the database unreachable): retried at the next poll. */
  onError?: (error: unknown) => void;
}

/**
 * `opais deliver`: POSTs each subscription's matching changes, in log
 * order, from its own cursor, one batch at a time; the cursor moves only
 * when the receiver answers 2xx, so delivery is at least once, and a batch
 * whose answer was lost (a timeout, a crash) goes again with the same event
 * ids. Each subscription has its own pace: a slow or failing receiver delays
 * no one else. One worker per schema runs at a time (a second one waits).
 */
export async function runDeliveryWorker(options: DeliveryWorkerOptions): Promise<void> {
  const release = await holdWorkerLock(options.pool);
  const inFlight = new Map<number, Promise<boolean>>();
  try {
    while (!options.signal.aborted) {
      const due = await dueSubscriptions(options.pool).catch((error: unknown) => {
        options.onError?.(error);
        return [];
      });
      for (const subscription of due) {
        if (inFlight.has(subscription.id)) continue;
        inFlight.set(
          subscription.id,
          deliverNext(options, subscription)
            .catch((error: unknown) => {
              options.onError?.(error);
              return false;
            })
            .finally(() => inFlight.delete(subscription.id)),
        );
      }
      // Straight on when some subscription moved (it may have more), else after the poll interval.
      await Promise.race([
        ...[...inFlight.values()].map((delivery) => delivery.then((moved) => (moved ? undefined : never()))),
        sleep(options.pollMs ?? 1000, options.signal),
      ]);
    }
    await Promise.allSettled(inFlight.values());
  } finally {
    await release();
  }
}

/** The longest `Retry-After` obeyed: a receiver may ask for more than the backoff would wait, not for days. */
const retryAfterCapMs = 3_600_000;

/** One step of one subscription: a batch delivered (or failed), or the cursor moved over unwanted events. Whether it moved. */
async function deliverNext(options: DeliveryWorkerOptions, subscription: Subscription): Promise<boolean> {
  const batchItems = options.batchItems ?? 100;
  const events = await options.store.readAll({
    after: subscription.cursor,
    limit: 1000,
    types: entityEventTypes,
  });
  if (events.length === 0) return false;
  const items = [];
  let scanned = subscription.cursor;
  for (const item of await changeItems(options.store, events)) {
    if (items.length === batchItems) break;
    scanned = item.position;
    if (matchesFilter(item, subscription.filter)) items.push(item);
  }
  if (items.length === 0) {
    await skipTo(options.pool, subscription.id, scanned);
    return true;
  }
  const body = JSON.stringify({ subscription: subscription.id, items });
  const attempt = {
    firstPosition: items[0]?.position as number,
    lastPosition: scanned,
    items: items.length,
    attempt: subscription.consecutiveFailures + 1,
  };
  const started = performance.now();
  let response: Response | undefined;
  let error: string | undefined;
  try {
    response = await fetch(subscription.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'opais-changelog webhooks',
        [signatureHeader]: signPayload(subscription.secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 10_000), options.signal]),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) error = `HTTP ${response.status}`;
  } catch (failure) {
    error =
      (failure as Error).name === 'TimeoutError'
        ? 'timed out (outcome unknown)'
        : String((failure as Error).cause ?? failure);
  }
  const latencyMs = Math.round(performance.now() - started);
  const httpStatus = response?.status ?? null;
  if (error === undefined) {
    await recordDelivered(options.pool, subscription.id, { ...attempt, httpStatus, latencyMs });
    options.onAttempt?.({ subscription: subscription.id, outcome: 'delivered', items: items.length });
    return true;
  }
  const delayMs =
    retryAfterMs(response?.headers.get('retry-after') ?? null, Date.now(), retryAfterCapMs) ??
    backoffDelay(attempt.attempt, {
      baseMs: options.backoffMs ?? 1000,
      maxMs: options.maxBackoffMs ?? 600_000,
    });
  await recordFailed(options.pool, subscription.id, {
    ...attempt,
    httpStatus,
    latencyMs,
    error,
    delayMs,
    failingAfter: options.failingAfter ?? 5,
  });
  options.onAttempt?.({ subscription: subscription.id, outcome: 'failed', items: items.length, error });
  return false;
}

function never(): Promise<never> {
  return new Promise(() => {});
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
