import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { EventStoreReader } from '../store/event-store.ts';
import type { ChangeSignal } from './change-signal.ts';
import type { ResponseCache } from './response-cache.ts';

/** What the route modules share: the read-only pool, the event store's read side, the cache of immutable answers and the live-stream wake-ups. */
export interface ApiContext {
  pool: pg.Pool;
  store: EventStoreReader;
  responseCache: ResponseCache;
  changeSignal: ChangeSignal;
  /** Live streams allowed open at once. */
  maxStreams: number;
  /** Live streams open now, ended when the server closes. */
  openStreams: Set<Promise<void>>;
  /** Whether a public route may show this caller details (error texts quoting data): no token set, or it carries it. */
  showsDetails(request: FastifyRequest): boolean;
  /** Aborted when the server begins to close. */
  closing: AbortSignal;
}
