import { fileSource } from './file-source.ts';
import type { SnapshotSource } from './snapshot-source.ts';

/** A snapshot source from what a user types: a local path (`.json` or `.zip`). */
export function sourceFromUri(uri: string): SnapshotSource {
  return fileSource(uri);
}
