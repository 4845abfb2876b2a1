import { resolve } from 'node:path';
import type { Command } from 'commander';
import { catchUpProjections } from '../../../projections/catch-up-projections.ts';
import type { ProjectorFailure } from '../../../projections/checkpoints.ts';
import { OpaisError } from '../../errors.ts';
import { ingestInOrder } from '../../ingest/ingest-in-order.ts';
import type { IngestSummary } from '../../ingest/ingest-snapshot.ts';
import { sourceFromUri } from '../../source/source-from-uri.ts';
import { parseInstant, parseRatio } from '../parse-options.ts';
import { progressReporter } from '../progress-reporter.ts';
import { withDatabase } from '../with-database.ts';

interface IngestFlags {
  asOf?: Date;
  json?: boolean;
  allowMassRemoval?: boolean;
  maxRemovalRatio?: number;
  allowMassChange?: boolean;
  maxChangeRatio?: number;
  wait: boolean;
  project: boolean;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('stream a snapshot (a .json/.zip file or S3 object) into the event store')
    .argument('<source>', 'the snapshot: a local .json or .zip file, or s3://bucket/key (.json or .zip)')
    .option(
      '--as-of <instant>',
      'the snapshot as-of instant (ISO 8601, UTC if no zone); default: the source last-modified time',
      parseInstant,
    )
    .option('--json', 'print the summary as one JSON object on stdout')
    .option(
      '--max-removal-ratio <ratio>',
      'refuse a snapshot removing more than this share of current entities',
      parseRatio,
      0.05,
    )
    .option('--allow-mass-removal', 'apply the snapshot even if it removes more than --max-removal-ratio')
    .option(
      '--max-change-ratio <ratio>',
      'refuse a snapshot changing more than this share of current entities',
      parseRatio,
      0.25,
    )
    .option('--allow-mass-change', 'apply the snapshot even if it changes more than --max-change-ratio')
    .option('--no-wait', 'refuse at once if another ingest is running, instead of waiting for it')
    .option('--no-project', 'only append the events; leave the dim_* tables for `opais project`')
    .action(async (uri: string, flags: IngestFlags) => {
      let stopped: ProjectorFailure[] = [];
      const summary = await withDatabase(async (database) => {
        const progress = progressReporter(uri);
        let ingested: IngestSummary;
        try {
          ingested = await ingestInOrder(
            database.pool,
            {
              store: database.store,
              source: sourceFromUri(uri),
              asOf: flags.asOf,
              maxRemovalRatio: flags.maxRemovalRatio,
              allowMassRemoval: flags.allowMassRemoval,
              maxChangeRatio: flags.maxChangeRatio,
              allowMassChange: flags.allowMassChange,
              wait: flags.wait,
              onProgress: progress.update,
            },
            { source: /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? uri : resolve(uri) },
          );
        } finally {
          progress.stop();
        }
        if (flags.project) stopped = (await catchUpProjections(database)).failures;
        return ingested;
      });
      process.stdout.write(flags.json ? `${JSON.stringify(jsonSummary(summary))}\n` : humanSummary(summary));
      if (stopped.length > 0) {
        throw new OpaisError(
          'PROJECTION_FAILED',
          `the events are stored, but ${stopped.map((failure) => `${failure.projector} stopped: ${failure.message}`).join('; ')}`,
        );
      }
    });
}

/** The documented fields of the `--json` object, which come first; the details follow. */
const documentedFields = [
  'asOf',
  'source',
  'sha256',
  'alreadyApplied',
  'registered',
  'changed',
  'removed',
  'unchanged',
  'skipped',
  'durationMs',
] as const;

function jsonSummary(summary: IngestSummary) {
  const { sourceInfo: _sourceInfo, ...details } = summary;
  return { ...Object.fromEntries(documentedFields.map((field) => [field, summary[field]])), ...details };
}

function humanSummary(summary: IngestSummary): string {
  if (summary.alreadyApplied) {
    return `${summary.source}: already applied as of ${summary.asOf} (sha256 ${summary.sha256}); nothing appended\n`;
  }
  const lines = [
    `${summary.source}: applied as of ${summary.asOf} in ${(summary.durationMs / 1000).toFixed(1)} s`,
    `  entities ${summary.entities}: registered ${summary.registered}, changed ${summary.changed}, removed ${summary.removed}, unchanged ${summary.unchanged}, skipped ${summary.skipped}, duplicates ${summary.duplicates}`,
    `  sha256 ${summary.sha256}, event-store position ${summary.globalPosition}`,
  ];
  // Why many entities changed at once, when a format change was applied (docs/events.md).
  if (summary.newMembers?.length)
    lines.push(`  members new to the changed entities: ${summary.newMembers.join(', ')}`);
  if (summary.vanishedMembers?.length)
    lines.push(`  members gone from the changed entities: ${summary.vanishedMembers.join(', ')}`);
  if (summary.dataQualityProblemCount > 0) {
    lines.push(
      `  data-quality problems: ${summary.dataQualityProblemCount} (first ${summary.dataQuality.length}):`,
    );
    for (const problem of summary.dataQuality.slice(0, 20)) {
      lines.push(`    entity #${problem.index} (byte ${problem.offset}) ${problem.code}: ${problem.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
