import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import { type Arrival, arrive, type InboxTicket } from '../store/postgres/export-inbox.ts';
import { type IngestOptions, type IngestSummary, ingestSnapshot, NotYourTurn } from './ingest-snapshot.ts';

/** How long an ingest that gave way waits before it asks for the lock again. */
const giveWayMs = 250;

/**
 * Ingests one export through the inbox (ddl/0008_export_inbox.sql): it is
 * recorded on arrival, waits while an export with an earlier as-of is
 * waiting too (so days started together apply in as-of order, whichever
 * took the lock first), and its outcome is recorded — an as-of not later
 * than the head's as out-of-order, never silently dropped (opais status and
 * the metrics show it; docs/reliability.md says how to recover).
 */
export async function ingestInOrder(
  pool: pg.Pool,
  options: IngestOptions,
  arrival: Omit<Arrival, 'asOf'>,
): Promise<IngestSummary> {
  let ticket: InboxTicket | undefined;
  const turn = {
    async arrive(asOf: Date) {
      ticket ??= await arrive(pool, { ...arrival, asOf });
    },
    async isMine() {
      return !(await (ticket as InboxTicket).earlierWaiting());
    },
  };
  try {
    for (;;) {
      try {
        const summary = await ingestSnapshot({ ...options, turn });
        await ticket?.settle({
          state: summary.alreadyApplied ? 'already-applied' : 'applied',
          sha256: summary.sha256,
          globalPosition: summary.globalPosition,
        });
        return summary;
      } catch (error) {
        if (!(error instanceof NotYourTurn)) throw error;
        await new Promise((resolve) => setTimeout(resolve, giveWayMs));
      }
    }
  } catch (error) {
    await ticket?.settle(outcomeOf(error)).catch(() => {});
    if (error instanceof OpaisError && error.code === 'AS_OF_NOT_LATER' && ticket) {
      throw new OpaisError(
        'AS_OF_NOT_LATER',
        `${error.message}; recorded as out of order (opais status lists it, docs/reliability.md says how to recover)`,
        error.details,
        { cause: error },
      );
    }
    throw error;
  }
}

function outcomeOf(error: unknown) {
  if (error instanceof OpaisError && error.code === 'AS_OF_NOT_LATER') {
    return { state: 'out-of-order' as const, headAsOf: new Date(String(error.details?.lastAsOf)) };
  }
  return {
    state: 'failed' as const,
    code: error instanceof OpaisError ? error.code : undefined,
    message: (error as Error).message,
  };
}
