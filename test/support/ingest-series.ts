import { ingestSnapshot } from '../../src/ingest/ingest-snapshot.ts';
import { fileSource } from '../../src/source/file-source.ts';
import type { EventStore } from '../../src/store/event-store.ts';
import { generateSeriesDays, type SeriesOptions } from '../generator/series.ts';
import { tempDir, writeSnapshot } from './snapshot-fixtures.ts';

/** Ingests a generated series (day 0 and daily deltas with edits, additions, removals) into a store, for real. */
export async function ingestSeries(store: EventStore, options: SeriesOptions): Promise<number> {
  const dir = tempDir();
  let days = 0;
  for (const day of generateSeriesDays(options)) {
    await ingestSnapshot({
      store,
      source: fileSource(writeSnapshot(dir, day.fileName, [...day.entities()])),
      asOf: new Date(day.asOf),
      allowMassRemoval: true,
    });
    days += 1;
  }
  return days;
}
