import type { Position, ReadPosition } from '@kurrent/kurrentdb-client';
import { START } from '@kurrent/kurrentdb-client';
import { OpaisError } from '../../errors.ts';

/** What a server sends for "no position" (stream reads on servers before 22.6). */
const noPosition = 2n ** 64n - 1n;

/**
 * An event's $all position as the port's global position: its commit
 * position. Every append writes one event, so the commit and prepare
 * positions of our events are equal and the commit position alone
 * identifies an event; it is a byte offset in the log, so it grows with
 * commit order and jumps (the port allows gaps).
 */
export function toGlobalPosition(position: Position | undefined, where: string): number {
  if (!position || position.commit === noPosition || position.commit < 0n) {
    throw new OpaisError(
      'INTERNAL',
      `${where}: the server did not report the event's $all position (KurrentDB, or EventStoreDB 22.6 or later, does)`,
    );
  }
  if (position.commit !== position.prepare) {
    throw new OpaisError(
      'INTERNAL',
      `${where}: written in a multi-event transaction (commit ${position.commit}, prepare ${position.prepare}); opais appends one event at a time`,
    );
  }
  const global = Number(position.commit);
  if (!Number.isSafeInteger(global)) {
    throw new OpaisError('INTERNAL', `${where}: $all position ${position.commit} is beyond 2^53`);
  }
  return global;
}

/**
 * Where a read of the events after `after` starts. A read from a position
 * includes the event at it, so readers skip positions up to `after`
 * themselves (see readLog in read-log.ts).
 */
export function readStartAfter(after: number): ReadPosition {
  if (after <= 0) return START;
  const position = BigInt(after);
  return { commit: position, prepare: position };
}
