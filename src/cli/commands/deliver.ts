import type { Command } from 'commander';
import { runDeliveryWorker } from '../../subscriptions/delivery-worker.ts';
import { parseCount } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

interface DeliverFlags {
  pollInterval: number;
  timeout: number;
  batch: number;
  backoff: number;
  maxBackoff: number;
  failingAfter: number;
}

export function registerDeliverCommand(program: Command): void {
  program
    .command('deliver')
    .description(
      'the webhook worker: POST each subscription its matching changes, signed, until SIGINT/SIGTERM',
    )
    .option('--poll-interval <ms>', 'look for new changes and due retries this often', parseCount, 1000)
    .option('--timeout <ms>', 'a receiver slower than this is a failed attempt', parseCount, 10_000)
    .option('--batch <items>', 'changes per POST', parseCount, 100)
    .option('--backoff <ms>', 'first retry after about this long, doubling each failure', parseCount, 1000)
    .option('--max-backoff <ms>', 'longest wait between attempts', parseCount, 600_000)
    .option('--failing-after <attempts>', 'failures in a row that mark a subscription failing', parseCount, 5)
    .action(async (flags: DeliverFlags) => {
      await withDatabase(async (database) => {
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);
        try {
          await runDeliveryWorker({
            pool: database.pool,
            store: database.store,
            signal: stop.signal,
            pollMs: flags.pollInterval,
            timeoutMs: flags.timeout,
            batchItems: Math.max(1, flags.batch),
            backoffMs: flags.backoff,
            maxBackoffMs: flags.maxBackoff,
            failingAfter: Math.max(1, flags.failingAfter),
            onAttempt: (attempt) =>
              log(
                `subscription ${attempt.subscription}: ${attempt.outcome} ${attempt.items} change(s)${attempt.error ? ` (${attempt.error})` : ''}`,
              ),
            onError: (error) =>
              log(`delivery step failed, retried at the next poll: ${(error as Error).message}`),
          });
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      });
    });
}
