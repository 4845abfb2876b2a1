import { type Command, Option } from 'commander';
import { Counter, Histogram, type Registry } from 'prom-client';
import { OpaisError } from '../../errors.ts';
import { createLogger } from '../../log/create-logger.ts';
import { defaultS3Client } from '../../source/s3-client.ts';
import { isS3Uri, parseS3Uri } from '../../source/s3-uri.ts';
import { readSnapshotKeyFilter } from '../../source/snapshot-key-filter.ts';
import { parseInterval } from '../../watch/parse-interval.ts';
import { watchBucket } from '../../watch/watch-bucket.ts';
import type { RoundResult } from '../../watch/watch-round.ts';
import { watchRound } from '../../watch/watch-round.ts';
import { addMetricsOptions, type MetricsFlags, withCommandMetrics } from '../command-metrics.ts';
import { parseRatio } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

interface WatchFlags extends MetricsFlags {
  interval: number;
  once?: boolean;
  maxRemovalRatio?: number;
  maxChangeRatio?: number;
}

export function registerWatchCommand(program: Command): void {
  const command = program
    .command('watch')
    .description(
      'poll an S3 prefix and ingest new snapshot objects in as-of order (where EventBridge is not used)',
    )
    .argument('<location>', 's3://bucket/prefix to watch')
    .addOption(
      new Option('--interval <duration>', 'time between rounds: 60s, 5m, 1h')
        .argParser(parseInterval)
        .default(60_000, '60s'),
    )
    .option('--once', 'one round, then exit (non-zero if an object was refused or failed)')
    .option(
      '--max-removal-ratio <ratio>',
      'refuse a snapshot removing more than this share of current entities',
      parseRatio,
    )
    .option(
      '--max-change-ratio <ratio>',
      'refuse a snapshot changing more than this share of current entities',
      parseRatio,
    );
  addMetricsOptions(command).action(async (location: string, flags: WatchFlags) => {
    if (!isS3Uri(location))
      throw new OpaisError('INVALID_ARGUMENT', `watch needs an s3://bucket/prefix, got ${location}`);
    const { bucket, key: prefix } = parseS3Uri(location);
    const log = createLogger();
    await withDatabase(async (database) => {
      const options = {
        database,
        client: defaultS3Client(),
        bucket,
        prefix,
        filter: { ...readSnapshotKeyFilter(), prefix },
        log,
        maxRemovalRatio: flags.maxRemovalRatio,
        maxChangeRatio: flags.maxChangeRatio,
      };
      if (flags.once) {
        const result = await watchRound(options);
        log.info({ ...result }, 'round done');
        if (result.failed || result.refused > 0) process.exitCode = 1;
        return;
      }
      await withCommandMetrics(flags, database, log, async (registry) => {
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        log.info({ location, intervalMs: flags.interval }, 'watching');
        await watchBucket({
          ...options,
          intervalMs: flags.interval,
          signal: stop.signal,
          onRound: roundMetrics(registry),
        });
        log.info({ location }, 'stopped');
      });
    });
  });
}

function roundMetrics(registry: Registry): (result: RoundResult, seconds: number) => void {
  const registers = [registry];
  const rounds = new Counter({ name: 'opais_watch_rounds_total', help: 'watch rounds completed', registers });
  const objects = new Counter({
    name: 'opais_watch_objects_total',
    help: 'snapshot objects handled by the watcher, by outcome',
    labelNames: ['outcome'],
    registers,
  });
  const duration = new Histogram({
    name: 'opais_watch_round_duration_seconds',
    help: 'wall time of a watch round (listing, ingests, projection catch-up)',
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900],
    registers,
  });
  return (result, seconds) => {
    rounds.inc();
    objects.inc({ outcome: 'applied' }, result.applied);
    objects.inc({ outcome: 'already-applied' }, result.alreadyApplied);
    objects.inc({ outcome: 'refused' }, result.refused);
    objects.inc({ outcome: 'failed' }, result.failed ? 1 : 0);
    duration.observe(seconds);
  };
}
