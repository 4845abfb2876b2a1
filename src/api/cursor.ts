import { OpaisError } from '../errors.ts';

/**
 * The change feed's cursor: an opaque token for "after global position N".
 * Global positions never change once committed (appends are serialised, so
 * they are visible in commit order), which makes a cursor valid across
 * restarts and replicas. The version prefix lets the encoding change later
 * without breaking cursors that consumers have stored.
 */
const prefix = 'p1.';

export function encodeCursor(position: number): string {
  return Buffer.from(`${prefix}${position}`, 'utf8').toString('base64url');
}

/** The position a cursor stands for; `where` names the parameter in the error message. */
export function decodeCursor(cursor: string, where: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const digits = text.startsWith(prefix) ? text.slice(prefix.length) : '';
  const position = /^(0|[1-9]\d{0,15})$/.test(digits) ? Number(digits) : Number.NaN;
  if (!Number.isSafeInteger(position) || encodeCursor(position) !== cursor) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `${where}: ${JSON.stringify(cursor)} is not a cursor of this feed`,
      {
        place: where,
      },
    );
  }
  return position;
}
