import pg from 'pg';

/**
 * Wakes the live change streams when an ingest commits. Ingest commits call
 * `pg_notify('opais_events', <position>)`; one LISTEN connection per server
 * (opened when the first stream waits) turns that into a wake-up. Every wait
 * is also bounded by a poll interval, short while the listener is down (no
 * notifications, e.g. after a database restart, until it reconnects) and
 * long while it is up (in case a notification was lost in a reconnect).
 */
export interface ChangeSignal {
  /** Counts notifications; a waiter passes the count it saw before its last read, so none is missed. */
  readonly version: number;
  readonly listening: boolean;
  /** Resolves on a notification after `seenVersion`, on the poll interval, or when `abort` fires. */
  wait(seenVersion: number, abort: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface ChangeSignalOptions {
  connectionString: string;
  channel: string;
  /** Poll interval while no listener is connected. */
  pollIntervalMs?: number;
  /** Poll interval while the listener is connected. */
  listeningPollIntervalMs?: number;
  reconnectDelayMs?: number;
}

export function createChangeSignal(options: ChangeSignalOptions): ChangeSignal {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const listeningPollIntervalMs = options.listeningPollIntervalMs ?? 15_000;
  const reconnectDelayMs = options.reconnectDelayMs ?? 5000;
  const waiters = new Set<() => void>();
  let version = 0;
  let client: pg.Client | undefined;
  let listening = false;
  let connecting = false;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const wakeAll = () => {
    version += 1;
    for (const wake of [...waiters]) wake();
  };

  const dropClient = (failed: pg.Client) => {
    if (client !== failed) return;
    client = undefined;
    listening = false;
    failed.end().catch(() => {});
    if (closed) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, reconnectDelayMs);
  };

  async function connect(): Promise<void> {
    if (closed || client || connecting) return;
    connecting = true;
    const candidate = new pg.Client({ connectionString: options.connectionString });
    candidate.on('error', () => dropClient(candidate));
    candidate.on('end', () => dropClient(candidate));
    candidate.on('notification', (message) => {
      if (message.channel === options.channel) wakeAll();
    });
    client = candidate;
    try {
      await candidate.connect();
      await candidate.query(`listen ${pg.escapeIdentifier(options.channel)}`);
      if (closed) await candidate.end();
      else listening = true;
      // Events may have been committed while nobody listened.
      wakeAll();
    } catch {
      dropClient(candidate);
    } finally {
      connecting = false;
    }
  }

  return {
    get version() {
      return version;
    },
    get listening() {
      return listening;
    },
    wait(seenVersion, abort) {
      if (!client && !reconnectTimer) void connect();
      if (version !== seenVersion || abort.aborted || closed) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          abort.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, listening ? listeningPollIntervalMs : pollIntervalMs);
        waiters.add(done);
        abort.addEventListener('abort', done, { once: true });
      });
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      for (const wake of [...waiters]) wake();
      const current = client;
      client = undefined;
      listening = false;
      await current?.end().catch(() => {});
    },
  };
}
