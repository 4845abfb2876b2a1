import type { Command } from 'commander';
import { type EntityHistory, entityHistory } from '../../../projections/entity-history.ts';
import { OpaisError } from '../../errors.ts';
import { parseCount } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

/** Columns every version has; the rest are the table's own. */
const versionColumns = new Set([
  'effective_stp',
  'expiration_stp',
  'current_version_flg',
  'change_type',
  'event_position',
  'snapshot_as_of',
  'expired_position',
]);

export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description(
      "print an entity's timeline: its events with changed paths, and its versions in each dim_* table",
    )
    .argument('<id340B>', 'the 340B id, e.g. DSH050001')
    .argument('<ceId>', 'the internal id', parseCount)
    .option('--json', 'print one JSON object on stdout')
    .action(async (id340B: string, ceId: number, flags: { json?: boolean }) => {
      const history = await withDatabase((database) => entityHistory(database, id340B, ceId));
      if (history.events.length === 0) throw new OpaisError('NOT_FOUND', `no events for ${history.streamId}`);
      process.stdout.write(flags.json ? `${JSON.stringify(history)}\n` : describe(history));
    });
}

/** A version's effective/expiration instant as the tables hold it (UTC, no zone). */
function instant(value: unknown): string {
  return String(value).replace('T', ' ');
}

function describe(history: EntityHistory): string {
  const lines = [history.streamId, 'events:'];
  for (const event of history.events) {
    const paths = event.changedPaths.length ? `  ${event.changedPaths.join(', ')}` : '';
    lines.push(`  #${event.position}  ${event.asOf}  ${event.type}${paths}`);
  }
  for (const { table, keyColumns, versions } of history.tables) {
    lines.push(`${table}: ${versions.length} version(s)`);
    const previousByKey = new Map<string, Record<string, unknown>>();
    for (const version of versions) {
      const own = Object.entries(version).filter(([column]) => !versionColumns.has(column));
      const key = JSON.stringify(keyColumns.map((column) => version[column]));
      const previous = previousByKey.get(key);
      previousByKey.set(key, version);
      // A new version of a key shows what changed; a first one shows what it holds.
      const shown = own.filter(([column, value]) =>
        previous ? previous[column] !== value : value !== null && column !== 'id340b' && column !== 'ce_id',
      );
      const until = version.current_version_flg === 'Y' ? 'current' : instant(version.expiration_stp);
      const columns = shown.map(([column, value]) => `${column}=${JSON.stringify(value)}`).join(' ');
      lines.push(
        `  ${instant(version.effective_stp)} → ${until}  ${version.change_type}  #${version.event_position}  ${columns}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
