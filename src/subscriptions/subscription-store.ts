import type pg from 'pg';
import { advisoryLockKey } from '../db/advisory-lock-key.ts';
import type { SubscriptionFilter } from './subscription-filter.ts';

/** Every SQL statement on the subscription tables (ddl/0006_subscriptions.sql). */

export type SubscriptionStatus = 'active' | 'paused' | 'failing';

export interface Subscription {
  id: number;
  url: string;
  secret: string;
  filter: SubscriptionFilter;
  status: SubscriptionStatus;
  cursor: number;
  createdAt: string;
  consecutiveFailures: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveriesTotal: number;
  failuresTotal: number;
  itemsDeliveredTotal: number;
}

export interface DeliveryAttempt {
  attemptedAt: string;
  firstPosition: number;
  lastPosition: number;
  items: number;
  attempt: number;
  outcome: 'delivered' | 'failed';
  httpStatus: number | null;
  error: string | null;
  latencyMs: number;
}

/** A subscription as listed: never its secret; with its latest delivery attempts, newest first. */
export type ListedSubscription = Omit<Subscription, 'secret'> & { deliveries: DeliveryAttempt[] };

const columns = `id, url, secret, filter, status, cursor, created_at, consecutive_failures, next_attempt_at,
  last_error, deliveries_total, failures_total, items_delivered_total`;

interface SubscriptionRow {
  id: number;
  url: string;
  secret: string;
  filter: SubscriptionFilter;
  status: SubscriptionStatus;
  cursor: number;
  created_at: Date;
  consecutive_failures: number;
  next_attempt_at: Date;
  last_error: string | null;
  deliveries_total: number;
  failures_total: number;
  items_delivered_total: number;
}

function fromRow(row: SubscriptionRow): Subscription {
  return {
    id: Number(row.id),
    url: row.url,
    secret: row.secret,
    filter: row.filter,
    status: row.status,
    cursor: Number(row.cursor),
    createdAt: row.created_at.toISOString(),
    consecutiveFailures: row.consecutive_failures,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    lastError: row.last_error,
    deliveriesTotal: Number(row.deliveries_total),
    failuresTotal: Number(row.failures_total),
    itemsDeliveredTotal: Number(row.items_delivered_total),
  };
}

export async function insertSubscription(
  pool: pg.Pool,
  subscription: { url: string; secret: string; filter: SubscriptionFilter; cursor: number },
): Promise<Subscription> {
  const { rows } = await pool.query<SubscriptionRow>(
    `insert into subscriptions (url, secret, filter, cursor) values ($1, $2, $3, $4) returning ${columns}`,
    [subscription.url, subscription.secret, JSON.stringify(subscription.filter), subscription.cursor],
  );
  return fromRow(rows[0] as SubscriptionRow);
}

export async function listSubscriptions(pool: pg.Pool, deliveriesEach = 5): Promise<ListedSubscription[]> {
  const { rows } = await pool.query<SubscriptionRow & { deliveries: DeliveryAttempt[] }>(
    `select ${columns},
            coalesce((select jsonb_agg(jsonb_build_object(
                       'attemptedAt', d.attempted_at, 'firstPosition', d.first_position,
                       'lastPosition', d.last_position, 'items', d.items, 'attempt', d.attempt,
                       'outcome', d.outcome, 'httpStatus', d.http_status, 'error', d.error,
                       'latencyMs', d.latency_ms) order by d.id desc)
                        from (select * from subscription_deliveries
                               where subscription_id = s.id order by id desc limit $1) d), '[]') as deliveries
       from subscriptions s order by id`,
    [deliveriesEach],
  );
  return rows.map((row) => {
    const { secret: _secret, ...listed } = fromRow(row);
    const deliveries = row.deliveries.map((attempt) => ({
      ...attempt,
      attemptedAt: new Date(attempt.attemptedAt).toISOString(),
    }));
    return { ...listed, deliveries };
  });
}

/** Subscriptions not paused whose next attempt is due. */
export async function dueSubscriptions(pool: pg.Pool): Promise<Subscription[]> {
  const { rows } = await pool.query<SubscriptionRow>(
    `select ${columns} from subscriptions where status <> 'paused' and next_attempt_at <= now() order by id`,
  );
  return rows.map(fromRow);
}

export async function deleteSubscription(pool: pg.Pool, id: number): Promise<boolean> {
  const { rowCount } = await pool.query('delete from subscriptions where id = $1', [id]);
  return rowCount === 1;
}

/** Pauses, or resumes at once from the cursor (a failing subscription too: its backoff is cleared). */
export async function setSubscriptionPaused(pool: pg.Pool, id: number, paused: boolean): Promise<boolean> {
  const { rowCount } = await pool.query(
    paused
      ? `update subscriptions set status = 'paused' where id = $1`
      : `update subscriptions set status = 'active', consecutive_failures = 0, next_attempt_at = now()
          where id = $1`,
    [id],
  );
  return rowCount === 1;
}

/** Moves the cursor over events that no filter of this subscription wanted. */
export async function skipTo(pool: pg.Pool, id: number, cursor: number): Promise<void> {
  await pool.query('update subscriptions set cursor = greatest(cursor, $2) where id = $1', [id, cursor]);
}

interface AttemptRecord {
  firstPosition: number;
  lastPosition: number;
  items: number;
  attempt: number;
  httpStatus: number | null;
  latencyMs: number;
}

/** A 2xx: the cursor moves past the batch and the attempt is logged, in one statement. */
export async function recordDelivered(pool: pg.Pool, id: number, attempt: AttemptRecord): Promise<void> {
  await pool.query(
    `with moved as (
       update subscriptions
          set cursor = greatest(cursor, $3), status = case when status = 'failing' then 'active' else status end,
              consecutive_failures = 0, next_attempt_at = now(), last_error = null,
              deliveries_total = deliveries_total + 1, items_delivered_total = items_delivered_total + $4
        where id = $1 returning id)
     insert into subscription_deliveries
       (subscription_id, first_position, last_position, items, attempt, outcome, http_status, latency_ms)
     select id, $2, $3, $4, $5, 'delivered', $6, $7 from moved`,
    [
      id,
      attempt.firstPosition,
      attempt.lastPosition,
      attempt.items,
      attempt.attempt,
      attempt.httpStatus,
      attempt.latencyMs,
    ],
  );
  await prune(pool, id);
}

/** A failure: the cursor stays, the next attempt waits `delayMs`; after `failingAfter` failures in a row the subscription is marked failing. */
export async function recordFailed(
  pool: pg.Pool,
  id: number,
  attempt: AttemptRecord & { error: string; delayMs: number; failingAfter: number },
): Promise<void> {
  await pool.query(
    `with failed as (
       update subscriptions
          set consecutive_failures = consecutive_failures + 1,
              status = case when status <> 'paused' and consecutive_failures + 1 >= $9 then 'failing' else status end,
              next_attempt_at = now() + make_interval(secs => $8::double precision / 1000),
              last_error = $7, deliveries_total = deliveries_total + 1, failures_total = failures_total + 1
        where id = $1 returning id)
     insert into subscription_deliveries
       (subscription_id, first_position, last_position, items, attempt, outcome, http_status, error, latency_ms)
     select id, $2, $3, $4, $5, 'failed', $6, $7, $10 from failed`,
    [
      id,
      attempt.firstPosition,
      attempt.lastPosition,
      attempt.items,
      attempt.attempt,
      attempt.httpStatus,
      attempt.error,
      attempt.delayMs,
      attempt.failingAfter,
      attempt.latencyMs,
    ],
  );
  await prune(pool, id);
}

async function prune(pool: pg.Pool, id: number): Promise<void> {
  await pool.query(
    `delete from subscription_deliveries
      where subscription_id = $1
        and id <= (select id from subscription_deliveries where subscription_id = $1 order by id desc offset 100 limit 1)`,
    [id],
  );
}

/** Totals for Prometheus: the counters only grow (a removed subscription's go with it). */
export async function deliveryTotals(pool: pg.Pool) {
  const { rows } = await pool.query<{
    id: number;
    status: SubscriptionStatus;
    deliveries: number;
    failures: number;
    items: number;
  }>(
    `select id, status, deliveries_total as deliveries, failures_total as failures, items_delivered_total as items
       from subscriptions order by id`,
  );
  return rows.map((row) => ({
    ...row,
    id: Number(row.id),
    deliveries: Number(row.deliveries),
    failures: Number(row.failures),
    items: Number(row.items),
  }));
}

/**
 * Holds the one-worker-per-schema lock on a connection of its own (a
 * session lock: a killed worker's connection closes and frees it). Waits for
 * another worker to stop, so a second `opais deliver` is a hot standby.
 */
export async function holdWorkerLock(pool: pg.Pool): Promise<() => Promise<void>> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ schema: string }>('select current_schema() as schema');
    await client.query('select pg_advisory_lock($1)', [advisoryLockKey(`deliver:${rows[0]?.schema}`)]);
  } catch (error) {
    client.release(true);
    throw error;
  }
  return async () => {
    client.release(true);
  };
}
