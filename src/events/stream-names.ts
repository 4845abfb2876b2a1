/**
 * An entity's stream is `coveredEntity-<id340B>.<ceId>`; a snapshot's is
 * `snapshot-<as-of>` (docs/data-contract.md#identity-and-equality).
 */
const entityCategory = 'coveredEntity';

/**
 * Joined, not concatenated: `+` and template literals make a tree of V8
 * cons strings (three nodes here, 32 bytes each, holding their parts), and
 * an ingest keeps one id per entity until its end: ≈ 10 MB of a full-scale
 * day 0's live heap (heap snapshot), against ≈ 4 MB as flat strings.
 */
export function entityStreamId(id340B: string, ceId: number): string {
  return [entityCategory, '-', id340B, '.', ceId].join('');
}

export function parseEntityStreamId(streamId: string): { id340B: string; ceId: number } | undefined {
  const match = /^coveredEntity-(.+)\.(\d+)$/.exec(streamId);
  return match ? { id340B: match[1] as string, ceId: Number(match[2]) } : undefined;
}

export function snapshotStreamId(asOf: Date): string {
  return `snapshot-${asOf.toISOString()}`;
}
