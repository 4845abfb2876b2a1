import type { Command } from 'commander';
import type { SnapshotProgress } from '../../../projections/catch-up-projections.ts';
import { catchUpProjections } from '../../../projections/catch-up-projections.ts';
import { followProjections } from '../../../projections/follow-projections.ts';
import { type ProjectorStatus, projectionStatus } from '../../../projections/projection-status.ts';
import { OpaisError } from '../../errors.ts';
import { parseCount } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

interface ProjectFlags {
  follow?: boolean;
  pollInterval: number;
  json?: boolean;
}

export function registerProjectCommand(program: Command): void {
  program
    .command('project')
    .description('bring the dim_* tables up to the last ingested snapshot')
    .option('--follow', 'keep running: project each new snapshot as it is committed, until SIGINT/SIGTERM')
    .option(
      '--poll-interval <seconds>',
      'with --follow: look for new events at least this often',
      parseCount,
      30,
    )
    .option('--json', 'print the projectors\u2019 status as one JSON object on stdout')
    .action(async (flags: ProjectFlags) => {
      const status = await withDatabase(async (database) => {
        if (flags.follow) {
          const stop = new AbortController();
          const onSignal = () => stop.abort();
          process.once('SIGINT', onSignal);
          process.once('SIGTERM', onSignal);
          try {
            await followProjections(database, {
              signal: stop.signal,
              pollIntervalMs: flags.pollInterval * 1000,
              onSnapshot: logSnapshot,
              log: (message) => process.stderr.write(`${new Date().toISOString()} ${message}\n`),
            });
          } finally {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
          }
        } else {
          await catchUpProjections(database, { onSnapshot: logSnapshot });
        }
        return projectionStatus(database);
      });
      process.stdout.write(
        flags.json ? `${JSON.stringify({ projectors: status })}\n` : describeStatus(status),
      );
      const stopped = status.filter((projector) => projector.error !== null);
      if (stopped.length > 0) {
        throw new OpaisError(
          'PROJECTION_FAILED',
          `${stopped.length} projector(s) stopped: ${stopped.map((projector) => projector.projector).join(', ')}`,
        );
      }
    });
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
