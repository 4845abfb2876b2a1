import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { parseAsOfParam } from '../../api/as-of-param.ts';
import { defaultReportLimit } from '../../report/build-report.ts';
import { readReport } from '../../report/read-report.ts';
import { type ReportFormat, renderReport, reportFormats } from '../../report/render-report.ts';
import { parseCount } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

interface ReportFlags {
  asOf?: string;
  format: ReportFormat;
  out?: string;
  limit: number;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      "the morning report of a snapshot: counts by kind, entity type and state; entities registered and removed; participation, contract pharmacy, address, NPI and Medicaid changes; the ingest's data-quality problems",
    )
    .option(
      '--as-of <ISO>',
      "the snapshot as of this date or instant (a date: that day's); default: the latest",
    )
    .addOption(new Option('--format <format>', 'output format').choices(reportFormats).default('text'))
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option('--limit <n>', 'rows per list (counts are never cut)', parseCount, defaultReportLimit)
    .action(async (flags: ReportFlags) => {
      const report = await withDatabase((database) =>
        readReport(database.pool, database.store, {
          asOf: flags.asOf === undefined ? undefined : parseAsOfParam(flags.asOf, '--as-of'),
          limit: flags.limit,
          where: '--as-of',
        }),
      );
      const text = renderReport(report, flags.format);
      if (flags.out === undefined) {
        process.stdout.write(text);
        return;
      }
      writeFileSync(flags.out, text);
      process.stderr.write(
        `wrote the report of the snapshot as of ${report.snapshot.asOf} to ${flags.out}\n`,
      );
    });
}
