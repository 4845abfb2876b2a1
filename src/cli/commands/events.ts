import type { Command } from 'commander';
import type { StoredEvent } from '../../events/event-types.ts';
import { parseCount } from '../parse-options.ts';
import { withDatabase } from '../with-database.ts';

interface EventsFlags {
  stream?: string;
  since: number;
  limit: number;
  json?: boolean;
}

export function registerEventsCommand(program: Command): void {
  program
    .command('events')
    .description('list events in global order, or one stream in version order')
    .option('--stream <streamId>', 'only this stream, e.g. coveredEntity-DSH050001.1234')
    .option(
      '--since <position>',
      'after this global position (with --stream: after this stream version)',
      parseCount,
      0,
    )
    .option('--limit <n>', 'at most this many events', parseCount, 100)
    .option('--json', 'print one JSON object per line')
    .action(async (flags: EventsFlags) => {
      const events = await withDatabase((database) => {
        const store = database.store;
        // The JSON lines carry each change's detail; the table names the changed paths only.
        const detail = flags.json === true;
        return flags.stream
          ? store.readStream(flags.stream, { afterVersion: flags.since, limit: flags.limit, detail })
          : store.readAll({ after: flags.since, limit: flags.limit, detail });
      });
      const lines = events.map((event) => (flags.json ? JSON.stringify(event) : describe(event)));
      process.stdout.write(lines.length ? `${lines.join('\n')}\n` : '');
    });
}

function describe(event: StoredEvent): string {
  const head = `${event.globalPosition}\t${event.asOf}\t${event.type}\t${event.streamId}@${event.streamVersion}`;
  switch (event.type) {
    case 'CoveredEntityChanged':
      return `${head}\t${event.data.changedPaths.join(', ')}`;
    case 'SnapshotIngested': {
      const { registered, changed, removed, unchanged, skipped } = event.data.counts;
      return `${head}\tregistered ${registered}, changed ${changed}, removed ${removed}, unchanged ${unchanged}, skipped ${skipped}`;
    }
    default:
      return head;
  }
}
