/**
 * Which object keys are snapshots: those under a prefix and ending with one
 * of the suffixes (case-insensitive). Set by OPAIS_SNAPSHOT_PREFIX (default:
 * any) and OPAIS_SNAPSHOT_SUFFIXES (comma-separated, default `.json,.zip`).
 */
export interface SnapshotKeyFilter {
  prefix: string;
  suffixes: string[];
}

export function readSnapshotKeyFilter(env: NodeJS.ProcessEnv = process.env): SnapshotKeyFilter {
  const suffixes = (env.OPAIS_SNAPSHOT_SUFFIXES ?? '.json,.zip')
    .split(',')
    .map((suffix) => suffix.trim().toLowerCase())
    .filter(Boolean);
  return { prefix: env.OPAIS_SNAPSHOT_PREFIX ?? '', suffixes };
}

export function isSnapshotKey(key: string, filter: SnapshotKeyFilter): boolean {
  const lower = key.toLowerCase();
  return (
    key.startsWith(filter.prefix) &&
    !key.endsWith('/') &&
    filter.suffixes.some((suffix) => lower.endsWith(suffix))
  );
}
