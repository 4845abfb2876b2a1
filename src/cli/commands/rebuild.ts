import type { Command } from 'commander';
import { rebuildProjections } from '../../../projections/rebuild-projections.ts';
import { withDatabase } from '../with-database.ts';

export function registerRebuildCommand(program: Command): void {
  program
    .command('rebuild')
    .description('replay every event into fresh dim_* tables, then swap them in atomically')
    .option('--json', 'print the result as one JSON object on stdout')
    .action(async (flags: { json?: boolean }) => {
      const result = await withDatabase((database) =>
        rebuildProjections(database, {
          onSnapshot: ({ batch, durationMs }) => {
            process.stderr.write(
              `replayed snapshot ${batch.position} (as of ${batch.stamp}) in ${Math.round(durationMs)} ms\n`,
            );
          },
        }),
      );
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const lines = [
        `rebuilt from ${result.snapshots} snapshot(s) and swapped in, in ${(result.durationMs / 1000).toFixed(1)} s`,
      ];
      for (const failure of result.failures)
        lines.push(`  ${failure.projector} stopped at event ${failure.position}: ${failure.message}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
