import { createHash } from 'node:crypto';

/** A stable 64-bit advisory-lock key for a name (e.g. `ingest:opais`), so each schema has its own locks. */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}
