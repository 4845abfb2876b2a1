import type { Command } from 'commander';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { SnapshotProgress } from '../../../projections/catch-up-projections.ts';
import { catchUpProjections } from '../../../projections/catch-up-projections.ts';
import { followProjections } from '../../../projections/follow-projections.ts';
import { type ProjectorStatus, projectionStatus } from '../../../projections/projection-status.ts';
import { OpaisError } from '../../errors.ts';
import { createLogger, type Logger } from '../../log/create-logger.ts';
import { addMetricsOptions, type MetricsFlags, withCommandMetrics } from '../command-metrics.ts';
import { parseCount } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

interface ProjectFlags extends MetricsFlags {
  follow?: boolean;
  pollInterval: number;
  json?: boolean;
}

export function registerProjectCommand(program: Command): void {
  const command = program
    .command('project')
    .description('bring the dim_* tables up to the last ingested snapshot')
    .option('--follow', 'keep running: project each new snapshot as it is committed, until SIGINT/SIGTERM')
    .option(
      '--poll-interval <seconds>',
      'with --follow: look for new events at least this often',
      parseCount,
      30,
    )
    .option('--json', 'print the projectors\u2019 status as one JSON object on stdout');
  addMetricsOptions(command).action(async (flags: ProjectFlags) => {
    const status = await withDatabase(async (database) => {
      if (flags.follow) {
        const log = createLogger();
        await withCommandMetrics(flags, database, log, async (registry) => {
          const stop = new AbortController();
          const onSignal = () => stop.abort();
          process.once('SIGINT', onSignal);
          process.once('SIGTERM', onSignal);
          try {
            await followProjections(database, {
              signal: stop.signal,
              pollIntervalMs: flags.pollInterval * 1000,
              onSnapshot: followedSnapshot(log, registry),
              log: (message) => log.info(message),
            });
          } finally {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
          }
        });
      } else {
        await catchUpProjections(database, { onSnapshot: logSnapshot });
      }
      return projectionStatus(database);
    });
    process.stdout.write(flags.json ? `${JSON.stringify({ projectors: status })}\n` : describeStatus(status));
    const stopped = status.filter((projector) => projector.error !== null);
    if (stopped.length > 0) {
      throw new OpaisError(
        'PROJECTION_FAILED',
        `${stopped.length} projector(s) stopped: ${stopped.map((projector) => projector.projector).join(', ')}`,
      );
    }
  });
}

/** With --follow, each projected snapshot is a log line and counted in the metrics. */
function followedSnapshot(log: Logger, registry: Registry): (progress: SnapshotProgress) => void {
  const registers = [registry];
  const snapshots = new Counter({
    name: 'opais_projection_snapshots_total',
    help: 'snapshots this process projected',
    registers,
  });
  const stopped = new Counter({
    name: 'opais_projector_failures_total',
    help: 'projectors this process saw stop on an event',
    registers,
  });
  const duration = new Histogram({
    name: 'opais_projection_snapshot_duration_seconds',
    help: 'time to project one snapshot into every table',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  return ({ batch, projectors, failures, durationMs }) => {
    snapshots.inc();
    stopped.inc(failures.length);
    duration.observe(durationMs / 1000);
    log.info(
      {
        position: batch.position,
        asOf: batch.stamp,
        tables: projectors.length,
        durationMs: Math.round(durationMs),
        stopped: failures.map((failure) => failure.projector),
      },
      'projected snapshot',
    );
  };
}

function logSnapshot(progress: SnapshotProgress): void {
  const { batch, projectors, failures, durationMs } = progress;
  const stopped = failures.length
    ? `, stopped: ${failures.map((failure) => failure.projector).join(', ')}`
    : '';
  process.stderr.write(
    `${new Date().toISOString()} projected snapshot ${batch.position} (as of ${batch.stamp}) into ${projectors.length} table(s) in ${Math.round(durationMs)} ms${stopped}\n`,
  );
}

export function describeStatus(status: readonly ProjectorStatus[]): string {
  const lines = status.map((projector) => {
    const head = `${projector.projector.padEnd(26)} position ${String(projector.position).padStart(9)}  as of ${projector.asOf ?? '-'}  lag ${projector.lagEvents} events / ${projector.lagSeconds} s`;
    return projector.error
      ? `${head}\n  STOPPED at event ${projector.errorPosition}: ${projector.error}`
      : head;
  });
  return `${lines.join('\n')}\n`;
}
