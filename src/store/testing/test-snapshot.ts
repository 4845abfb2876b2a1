import type { SnapshotIngestedV1 } from '../../events/event-types.ts';

/** A SnapshotIngested payload for store tests: a file source, the given SHA-256 and counts. */
export function testSnapshot(
  asOf: Date,
  sha256: string,
  counts: Partial<SnapshotIngestedV1['counts']> = {},
): SnapshotIngestedV1 {
  return {
    asOf: asOf.toISOString(),
    source: {
      kind: 'file',
      path: '/x.json',
      fileName: 'x.json',
      sizeBytes: 1,
      lastModified: asOf.toISOString(),
    },
    sha256,
    counts: {
      entities: 0,
      registered: 0,
      changed: 0,
      removed: 0,
      unchanged: 0,
      skipped: 0,
      duplicates: 0,
      ...counts,
    },
    dataQualityProblemCount: 0,
    dataQuality: [],
    durationMs: 1,
  };
}
