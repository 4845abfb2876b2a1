import type { Command } from 'commander';
import { OpaisError } from '../../errors.ts';
import { addSubscription } from '../../subscriptions/add-subscription.ts';
import {
  deleteSubscription,
  type ListedSubscription,
  listSubscriptions,
  setSubscriptionPaused,
} from '../../subscriptions/subscription-store.ts';
import { parseCount } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

export function registerSubscriptionsCommand(program: Command): void {
  const subscriptions = program
    .command('subscriptions')
    .description('change webhooks: who is told about which changes (see `opais deliver`)');

  subscriptions
    .command('add')
    .description('subscribe a URL to the changes from now on; prints the id and the signing secret')
    .requiredOption('--url <url>', 'where to POST batches of changes (http or https)')
    .option(
      '--filter <filter>',
      'id340B=…,entityType=…,state=…,path=… (a|b alternatives); default: every change',
    )
    .option('--secret <secret>', 'the HMAC secret (at least 16 characters); default: a generated one')
    .option(
      '--from <position>',
      'deliver the changes after this global position (default: the head)',
      parseCount,
    )
    .option('--json', 'print the subscription as one JSON object')
    .action(
      async (flags: { url: string; filter?: string; secret?: string; from?: number; json?: boolean }) => {
        const added = await withDatabase((database) =>
          addSubscription(database.pool, database.store, flags, {
            url: '--url',
            filter: '--filter',
            secret: '--secret',
          }),
        );
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(added)}\n`
            : `subscription ${added.id}: ${added.url} from position ${added.cursor}\nsecret: ${added.secret}\n(keep the secret: it is not shown again)\n`,
        );
      },
    );

  subscriptions
    .command('list')
    .description('subscriptions with their status, cursor, counters and latest delivery attempts')
    .option('--json', 'print one JSON object')
    .action(async (flags: { json?: boolean }) => {
      const listed = await withDatabase((database) => listSubscriptions(database.pool));
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ items: listed })}\n`
          : listed.map(describe).join('') || 'no subscriptions\n',
      );
    });

  for (const [name, description] of [
    ['remove', 'delete a subscription and its delivery log'],
    ['pause', 'stop delivering to a subscription (its cursor stays)'],
    ['resume', 'deliver again from the cursor, at once (also clears a failing backoff)'],
  ] as const) {
    subscriptions
      .command(name)
      .description(description)
      .argument('<id>', 'the subscription id', parseCount)
      .action(async (id: number) => {
        const found = await withDatabase((database) =>
          name === 'remove'
            ? deleteSubscription(database.pool, id)
            : setSubscriptionPaused(database.pool, id, name === 'pause'),
        );
        if (!found) throw new OpaisError('NOT_FOUND', `no subscription ${id}`);
        process.stdout.write(
          `subscription ${id}: ${name === 'remove' ? 'removed' : name === 'pause' ? 'paused' : 'resumed'}\n`,
        );
      });
  }
}

function describe(subscription: ListedSubscription): string {
  const filter = Object.entries(subscription.filter)
    .map(([key, values]) => `${key}=${(values as string[]).join('|')}`)
    .join(',');
  const lines = [
    `${subscription.id}  ${subscription.status.padEnd(7)}  ${subscription.url}${filter ? `  filter ${filter}` : ''}`,
    `    cursor ${subscription.cursor}; ${subscription.itemsDeliveredTotal} changes in ${subscription.deliveriesTotal - subscription.failuresTotal} deliveries, ${subscription.failuresTotal} failed attempts${
      subscription.consecutiveFailures > 0
        ? `; ${subscription.consecutiveFailures} in a row (last: ${subscription.lastError}), next attempt ${subscription.nextAttemptAt}`
        : ''
    }`,
    ...subscription.deliveries.map(
      (attempt) =>
        `    ${attempt.attemptedAt}  ${attempt.outcome.padEnd(9)} attempt ${attempt.attempt}  ${attempt.items} change(s) ${attempt.firstPosition}..${attempt.lastPosition}  ${attempt.httpStatus ?? '-'}  ${attempt.latencyMs} ms${attempt.error ? `  ${attempt.error}` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
