import type { JsonObject } from './render-entity.ts';
import { type DayExpectation, generateSeriesDays, type SeriesOptions } from './series.ts';
import { type SnapshotFormat, snapshotChunks } from './snapshot-text.ts';

export interface GeneratedSnapshot {
  day: number;
  asOf: string;
  fileName: string;
  coveredEntities: JsonObject[];
  expected: DayExpectation;
}

/** A whole series in memory, for tests with small sizes (a few thousand entities at most). */
export function generateSnapshots(options: SeriesOptions): GeneratedSnapshot[] {
  const snapshots: GeneratedSnapshot[] = [];
  for (const { entities, ...day } of generateSeriesDays(options)) {
    // Rendered now: the series edits its entities in place when it moves on.
    snapshots.push({ ...day, coveredEntities: [...entities()] });
  }
  return snapshots;
}

/** The snapshot's file text, exactly as the series writer would write it. */
export function snapshotText(snapshot: GeneratedSnapshot, format: SnapshotFormat = {}): string {
  return [...snapshotChunks(snapshot.coveredEntities, snapshot.asOf, format)].join('');
}
