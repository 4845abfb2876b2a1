import type { Command } from 'commander';
import { parseAsOfParam } from '../../api/as-of-param.ts';
import { type ExportFormat, parseExportFormat } from '../../export/export-format.ts';
import { openExport } from '../../export/open-export.ts';
import { writeExportOutput } from '../../export/write-export-output.ts';
import { withDatabase } from '../with-database.ts';

interface ExportFlags {
  format: ExportFormat;
  asOf?: string;
  history?: boolean;
  where: string[];
  out?: string;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'write a dim_* table as CSV, Parquet or NDJSON (current rows, as of an instant, or every version)',
    )
    .argument('<what>', 'a dim_* table, e.g. dim_ce or dim_ce_contract_pharmacy')
    .option(
      '--format <format>',
      'csv, parquet or ndjson',
      (value) => parseExportFormat(value, '--format'),
      'csv',
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
    .option('--out <target>', 'a file or s3://bucket/key (default: standard output)')
    .action(async (what: string, flags: ExportFlags) => {
      await withDatabase(async (database) => {
        const opened = await openExport(database.pool, {
          what,
          format: flags.format,
          asOf: flags.asOf,
          history: flags.history,
          where: flags.where,
          places: { asOf: '--as-of', history: '--history', where: '--where' },
        });
        await writeExportOutput(opened.body, flags.out, opened.contentType);
      });
    });
}
