import { type Command, Option } from 'commander';
import { OpaisError } from '../../errors.ts';
import { jsonLog } from '../../json-log.ts';
import { defaultS3Client } from '../../source/s3-client.ts';
import { isS3Uri, parseS3Uri } from '../../source/s3-uri.ts';
import { readSnapshotKeyFilter } from '../../source/snapshot-key-filter.ts';
import { parseInterval } from '../../watch/parse-interval.ts';
import { watchBucket } from '../../watch/watch-bucket.ts';
import { watchRound } from '../../watch/watch-round.ts';
import { parseRatio } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

interface WatchFlags {
  interval: number;
  once?: boolean;
  maxRemovalRatio?: number;
  maxChangeRatio?: number;
}

export function registerWatchCommand(program: Command): void {
  program
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
    )
    .action(async (location: string, flags: WatchFlags) => {
      if (!isS3Uri(location))
        throw new OpaisError('INVALID_ARGUMENT', `watch needs an s3://bucket/prefix, got ${location}`);
      const { bucket, key: prefix } = parseS3Uri(location);
      await withDatabase(async (database) => {
        const options = {
          database,
          client: defaultS3Client(),
          bucket,
          prefix,
          filter: { ...readSnapshotKeyFilter(), prefix },
          log: jsonLog,
          maxRemovalRatio: flags.maxRemovalRatio,
          maxChangeRatio: flags.maxChangeRatio,
        };
        if (flags.once) {
          const result = await watchRound(options);
          jsonLog('info', 'round done', { ...result });
          if (result.failed || result.refused > 0) process.exitCode = 1;
          return;
        }
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        jsonLog('info', 'watching', { location, intervalMs: flags.interval });
        await watchBucket({ ...options, intervalMs: flags.interval, signal: stop.signal });
        jsonLog('info', 'stopped', { location });
      });
    });
}
