import { resolve } from 'node:path';
import type { Command } from 'commander';
import { catchUpProjections } from '../../../projections/catch-up-projections.ts';
import type { ProjectorFailure } from '../../../projections/checkpoints.ts';
import { OpaisError } from '../../errors.ts';
import { type BackfillFileResult, backfill } from '../../ingest/backfill.ts';
import { ingestInOrder } from '../../ingest/ingest-in-order.ts';
import type { IngestSummary } from '../../ingest/ingest-snapshot.ts';
import { isBackfillSource, listBackfillFiles } from '../../ingest/list-backfill-files.ts';
import { sourceFromUri } from '../../source/source-from-uri.ts';
import { parseCount, parseInstant, parseRatio } from '../parse-options.ts';
import { backfillProgressReporter, progressReporter } from '../progress-reporter.ts';
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
  projectEvery?: number;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description(
      'stream a snapshot (a .json/.zip file or S3 object) into the event store; a folder, glob or s3://bucket/prefix/ backfills every export in it in as-of order',
    )
    .argument(
      '<source>',
      'a local .json or .zip file or s3://bucket/key; or a folder, a glob or s3://bucket/prefix/ (backfill)',
    )
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
    .option(
      '--project-every <files>',
      'backfill: catch the projections up every N applied files (default: at the end)',
      parseCount,
    )
    .action(async (uri: string, flags: IngestFlags) => {
      if (await isBackfillSource(uri)) {
        await runBackfill(uri, flags);
        return;
      }
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
      throwIfStopped(stopped);
    });
}

function throwIfStopped(stopped: readonly ProjectorFailure[]): void {
  if (stopped.length > 0) {
    throw new OpaisError(
      'PROJECTION_FAILED',
      `the events are stored, but ${stopped.map((failure) => `${failure.projector} stopped: ${failure.message}`).join('; ')}`,
    );
  }
}

/** Every export of a folder, glob or prefix in as-of order; the projections caught up at the end (or every N files). */
async function runBackfill(uri: string, flags: IngestFlags): Promise<void> {
  if (flags.asOf) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `--as-of names one snapshot's instant; ${uri} holds many, each dated by its name or last-modified time`,
    );
  }
  const files = await listBackfillFiles(uri);
  const started = performance.now();
  const results: BackfillFileResult[] = [];
  let stopped: ProjectorFailure[] = [];
  await withDatabase(async (database) => {
    const project = async () => {
      if (flags.project) stopped = (await catchUpProjections(database)).failures;
    };
    const progress = backfillProgressReporter();
    try {
      await backfill({
        pool: database.pool,
        store: database.store,
        files,
        maxRemovalRatio: flags.maxRemovalRatio,
        allowMassRemoval: flags.allowMassRemoval,
        maxChangeRatio: flags.maxChangeRatio,
        allowMassChange: flags.allowMassChange,
        wait: flags.wait,
        projectEvery: flags.projectEvery,
        project,
        onProgress: progress.update,
        onFile: (result) => {
          results.push(result);
          // JSON lines go out as each file settles; the human lines wait for the bar to go.
          if (flags.json) process.stdout.write(`${JSON.stringify(backfillFileJson(result))}\n`);
        },
      });
    } finally {
      progress.stop();
      if (!flags.json) process.stdout.write(results.map(backfillFileLine).join(''));
      await project();
    }
  });
  const total = backfillTotal(results, performance.now() - started);
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(total)}\n`
      : `backfill: ${total.files} file(s): ${total.applied} applied, ${total.alreadyApplied} already applied, ${total.olderThanHead} older than the log's head (skipped); ${total.entities} entities in ${(total.durationMs / 1000).toFixed(1)} s\n`,
  );
  throwIfStopped(stopped);
}

function backfillFileJson({ file, outcome, summary }: BackfillFileResult) {
  const details = 'source' in summary ? jsonSummary(summary) : summary;
  return { file: file.name, outcome, asOf: file.asOf.toISOString(), asOfFrom: file.asOfFrom, ...details };
}

function backfillFileLine({ file, outcome, summary }: BackfillFileResult): string {
  if (outcome === 'applied') return humanSummary(summary as IngestSummary);
  const why =
    outcome === 'alreadyApplied'
      ? 'already applied'
      : "older than the log's head, skipped (the log is append-only)";
  return `${file.name}: as of ${file.asOf.toISOString()}: ${why} (sha256 ${summary.sha256})\n`;
}

function backfillTotal(results: readonly BackfillFileResult[], durationMs: number) {
  const count = (outcome: string) => results.filter((result) => result.outcome === outcome).length;
  const sum = (field: 'entities' | 'registered' | 'changed' | 'removed') =>
    results.reduce(
      (total, { outcome, summary }) =>
        total + (outcome === 'applied' ? (summary as IngestSummary)[field] : 0),
      0,
    );
  return {
    total: true,
    files: results.length,
    applied: count('applied'),
    alreadyApplied: count('alreadyApplied'),
    olderThanHead: count('olderThanHead'),
    entities: sum('entities'),
    registered: sum('registered'),
    changed: sum('changed'),
    removed: sum('removed'),
    durationMs: Math.round(durationMs),
  };
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
