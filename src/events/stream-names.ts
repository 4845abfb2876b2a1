/**
 * An entity's stream is `coveredEntity-<id340B>.<ceId>`; a snapshot's is
 * `snapshot-<as-of>` (docs/data-contract.md#identity-and-equality).
 */
const entityCategory = 'coveredEntity';

export function entityStreamId(id340B: string, ceId: number): string {
  return `${entityCategory}-${id340B}.${ceId}`;
}

export function parseEntityStreamId(streamId: string): { id340B: string; ceId: number } | undefined {
  const match = /^coveredEntity-(.+)\.(\d+)$/.exec(streamId);
  return match ? { id340B: match[1] as string, ceId: Number(match[2]) } : undefined;
}

export function snapshotStreamId(asOf: Date): string {
  return `snapshot-${asOf.toISOString()}`;
}
