import type pg from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import { deliveryTotals } from '../subscriptions/subscription-store.ts';

/**
 * The change webhooks' figures (docs/webhooks.md): the delivery worker keeps
 * them in the subscriptions table, where they only grow, and they are read
 * from there at scrape time, so any process that exposes them reports the
 * same values.
 */
export function registerWebhookMetrics(registry: Registry, pool: pg.Pool): { refresh(): Promise<void> } {
  const registers = [registry];
  const deliveries = new Counter({
    name: 'opais_webhook_deliveries_total',
    help: 'webhook delivery attempts by subscription and outcome',
    labelNames: ['subscription', 'outcome'],
    registers,
  });
  const changes = new Counter({
    name: 'opais_webhook_changes_delivered_total',
    help: 'changes acknowledged by subscribers',
    labelNames: ['subscription'],
    registers,
  });
  const failing = new Gauge({
    name: 'opais_webhook_subscription_failing',
    help: '1 while a subscription is marked failing',
    labelNames: ['subscription'],
    registers,
  });
  return {
    async refresh() {
      const subscriptions = await deliveryTotals(pool);
      for (const metric of [deliveries, changes, failing]) metric.reset();
      for (const subscription of subscriptions) {
        const labels = { subscription: String(subscription.id) };
        deliveries.inc({ ...labels, outcome: 'delivered' }, subscription.deliveries - subscription.failures);
        deliveries.inc({ ...labels, outcome: 'failed' }, subscription.failures);
        changes.inc(labels, subscription.items);
        failing.set(labels, subscription.status === 'failing' ? 1 : 0);
      }
    },
  };
}
