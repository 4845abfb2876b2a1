import type { Command } from 'commander';
import { type VerifyResult, verifyProjections } from '../../../projections/verify-projections.ts';
import { OpaisError } from '../../errors.ts';
import { parseCount } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'rebuild the dim_* tables in a scratch schema and report every row that differs from the live ones',
    )
    .option('--limit <n>', 'show at most this many differing rows per table and side', parseCount, 20)
    .option('--json', 'print the result as one JSON object on stdout')
    .action(async (flags: { limit: number; json?: boolean }) => {
      const result = await withDatabase((database) => verifyProjections(database, { limit: flags.limit }));
      process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : describe(result));
      if (!result.ok) {
        const rows = result.tables.reduce((sum, table) => sum + table.onlyLive + table.onlyRebuilt, 0);
        throw new OpaisError(
          'PROJECTION_DRIFT',
          `${rows} row(s) in ${result.tables.length} table(s), ${result.checkpoints.length} checkpoint(s) and ${result.registry.count} registry entr(ies) differ from a fresh replay`,
        );
      }
    });
}

function describe(result: VerifyResult): string {
  const lines = [
    `replayed ${result.snapshotsReplayed} snapshot(s) in ${(result.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const table of result.tables) {
    lines.push(
      `${table.table}: ${table.onlyLive} row(s) only in the live table, ${table.onlyRebuilt} only in the replay`,
    );
    for (const { side, row } of table.rows)
      lines.push(`  ${side === 'live' ? '- live   ' : '+ replay '} ${JSON.stringify(row)}`);
  }
  for (const checkpoint of result.checkpoints) {
    lines.push(
      `checkpoint ${checkpoint.projector}: live ${JSON.stringify(checkpoint.live)}, replay ${JSON.stringify(checkpoint.rebuilt)}`,
    );
  }
  if (result.registry.count > 0) {
    lines.push(`entity_registry: ${result.registry.count} stream(s) differ from a fold of the events`);
    for (const drift of result.registry.rows) {
      lines.push(
        `  ${drift.streamId}: stored ${JSON.stringify(drift.stored)}, folded ${JSON.stringify(drift.folded)}`,
      );
    }
  }
  if (result.ok)
    lines.push('no drift: the live tables equal a fresh replay and the registry equals a fold of the events');
  return `${lines.join('\n')}\n`;
}
