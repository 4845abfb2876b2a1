import type { Command } from 'commander';
import { parseAsOfParam } from '../../api/as-of-param.ts';
import type { Database } from '../../db/open-database.ts';
import { OpaisError } from '../../errors.ts';
import {
  type ChangeItem,
  type FeedFilter,
  readChangeFeedPage,
  readFeedHead,
} from '../../feed/change-feed-queries.ts';
import { findSnapshot } from '../../feed/find-snapshot.ts';
import { describeChangeItem } from '../../report/describe-change.ts';
import { parseCount } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

interface ChangesFlags {
  asOf?: string;
  since?: number;
  id340B?: string;
  path?: string;
  limit: number;
  json?: boolean;
}

const pageSize = 1000;
const allTypes = ['CoveredEntityRegistered', 'CoveredEntityChanged', 'CoveredEntityRemoved'] as const;

export function registerChangesCommand(program: Command): void {
  program
    .command('changes')
    .description(
      'print what changed, field by field (before → after; contract pharmacies, NPIs and Medicaid numbers added, removed, changed)',
    )
    .option(
      '--as-of <ISO>',
      "the changes of that snapshot (a date: that day's); default: the latest snapshot",
    )
    .option(
      '--since <position>',
      'every change after this global position instead (see #N at the end of each line)',
      parseCount,
    )
    .option('--id340B <id>', 'only this 340B id')
    .option(
      '--path <path>',
      'only changes touching this member, e.g. contractPharmacies or streetAddress.zip',
    )
    .option('--limit <n>', 'print at most this many changes', parseCount, 1000)
    .option('--json', "print one JSON object per change (the API's /changes items)")
    .addHelpText(
      'after',
      '\nExamples:\n  opais changes\n  opais changes --as-of 2026-11-02 --path contractPharmacies\n  opais changes --since 0 --id340B DSH050001',
    )
    .action(async (flags: ChangesFlags) => {
      if (flags.asOf !== undefined && flags.since !== undefined)
        throw new OpaisError('INVALID_ARGUMENT', '--as-of and --since cannot be used together');
      const { items, more, heading } = await withDatabase((database) => readChanges(database, flags));
      const out = flags.json
        ? items.map((item) => JSON.stringify(item))
        : [heading, '', ...items.flatMap((item) => [...describeChangeItem(item), ''])];
      if (!flags.json && items.length === 0) out.push('(no changes)');
      if (more && !flags.json)
        out.push(`… more changes: raise --limit, or run again with --since ${items.at(-1)?.position}`);
      process.stdout.write(out.length ? `${out.join('\n')}\n` : '');
    });
}

async function readChanges(
  { pool, store }: Pick<Database, 'pool' | 'store'>,
  flags: ChangesFlags,
): Promise<{ items: ChangeItem[]; more: boolean; heading: string }> {
  const filter: FeedFilter = {
    types: allTypes,
    ...(flags.id340B === undefined ? {} : { id340B: flags.id340B }),
    ...(flags.path === undefined ? {} : { path: flags.path }),
  };
  let after = flags.since ?? 0;
  let heading = `Changes after #${after}${flags.id340B ? ` of ${flags.id340B}` : ''}${flags.path ? ` touching ${flags.path}` : ''}`;
  if (flags.since === undefined) {
    const asOf = flags.asOf === undefined ? undefined : parseAsOfParam(flags.asOf, '--as-of');
    const { snapshot } = await findSnapshot(store, asOf, '--as-of');
    const head = await readFeedHead(pool);
    if (head < snapshot.globalPosition) {
      throw new OpaisError(
        'NOT_PROJECTED',
        `the snapshot as of ${snapshot.asOf.toISOString()} is not projected yet (the change feed ends at #${head}); run opais project`,
      );
    }
    filter.snapshotPosition = snapshot.globalPosition;
    heading = `Changes of the snapshot as of ${snapshot.asOf.toISOString()}${flags.id340B ? ` of ${flags.id340B}` : ''}${flags.path ? ` touching ${flags.path}` : ''}`;
  }
  const items: ChangeItem[] = [];
  for (;;) {
    const page = await readChangeFeedPage(
      pool,
      after,
      Math.min(pageSize, flags.limit + 1 - items.length),
      filter,
      true,
    );
    items.push(...page.items);
    if (page.items.length === 0 || items.length > flags.limit) break;
    after = page.items.at(-1)?.position ?? after;
  }
  return { items: items.slice(0, flags.limit), more: items.length > flags.limit, heading };
}
