import type { Command } from 'commander';
import { parseAsOfParam, parseRangeStartParam } from '../../api/as-of-param.ts';
import { type ExportFormat, parseExportFormat } from '../../export/export-format.ts';
import { openExport } from '../../export/open-export.ts';
import { writeExportOutput } from '../../export/write-export-output.ts';
import { parseCount } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

interface ExportFlags {
  fromPosition?: number;
  toPosition?: number;
  from?: string;
  to?: string;
  format?: ExportFormat;
  asOf?: string;
  history?: boolean;
  where: string[];
  out?: string;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'write a dim_* table (current rows, as of an instant, or every version) or the change feed as CSV, Parquet or NDJSON, or the registry at an instant as an OPAIS export (snapshot)',
    )
    .argument('<what>', 'a dim_* table (e.g. dim_ce_contract_pharmacy), changes, or snapshot')
    .option('--format <format>', 'csv (default), parquet or ndjson; not for snapshot', (value) =>
      parseExportFormat(value, '--format'),
    )
    .option(
      '--as-of <instant>',
      'the rows in force at this instant (ISO 8601; a date means the end of that day, UTC)',
      (value) => parseAsOfParam(value, '--as-of'),
    )
    .option('--history', 'every version, not only the rows in force')
    .option(
      '--where <filter>',
      'column=value conditions, comma-separated or repeated (= != < <= > >= ~contains, a|b alternatives)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--from-position <n>', 'changes: from this global position (inclusive)', parseCount)
    .option('--to-position <n>', 'changes: up to this global position (inclusive)', parseCount)
    .option(
      '--from <instant>',
      'changes: starting with the snapshot of this as-of (a date: the start of that day)',
      (value) => parseRangeStartParam(value, '--from'),
    )
    .option(
      '--to <instant>',
      'changes: up to snapshots of this as-of (a date: the end of that day)',
      (value) => parseAsOfParam(value, '--to'),
    )
    .option('--out <target>', 'a file or s3://bucket/key (default: standard output)')
    .action(async (what: string, flags: ExportFlags) => {
      await withDatabase(async (database) => {
        const opened = await openExport(
          { pool: database.pool, store: database.store },
          {
            what,
            format: flags.format,
            asOf: flags.asOf,
            history: flags.history,
            where: flags.where,
            range: {
              fromPosition: flags.fromPosition,
              toPosition: flags.toPosition,
              from: flags.from,
              to: flags.to,
            },
            places: {
              asOf: '--as-of',
              history: '--history',
              where: '--where',
              range: '--from/--to(-position)',
            },
          },
        );
        await writeExportOutput(opened.body, flags.out, opened.contentType);
      });
    });
}
