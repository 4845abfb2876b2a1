import { setTimeout as sleep } from 'node:timers/promises';
import { type RoundResult, type WatchRoundOptions, watchRound } from './watch-round.ts';

export interface WatchBucketOptions extends WatchRoundOptions {
  intervalMs: number;
  /** Stops the loop between rounds (SIGTERM, SIGINT). */
  signal: AbortSignal;
  /** After each round that completed, with its wall time. */
  onRound?: (result: RoundResult, seconds: number) => void;
}

/**
 * Rounds every `intervalMs` until the signal aborts. A round that fails as
 * a whole (the bucket or the database unreachable) is logged and the loop
 * goes on: the watcher is a service and outlives restarts of what it talks to.
 */
export async function watchBucket(options: WatchBucketOptions): Promise<void> {
  while (!options.signal.aborted) {
    try {
      const started = performance.now();
      const result = await watchRound(options);
      options.log.info({ ...result }, 'round done');
      options.onRound?.(result, (performance.now() - started) / 1000);
    } catch (error) {
      options.log.error(
        { error: (error as Error).message, code: (error as { code?: string }).code },
        'round failed',
      );
    }
    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => {});
  }
}
