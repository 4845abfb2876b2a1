import type { EventStoreReader, Subscription } from '../store/event-store.ts';

/**
 * Wakes the live change streams when an ingest commits: one subscription to
 * the event store per server (opened when the first stream waits; LISTEN on
 * PostgreSQL) turns commits into wake-ups. Every wait
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
  subscribe: EventStoreReader['subscribe'];
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
  let subscription: Subscription | undefined;
  /** The attempt whose subscription is current; a loss reported by an older one is ignored. */
  let current: object | undefined;
  let listening = false;
  let connecting = false;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const wakeAll = () => {
    version += 1;
    for (const wake of [...waiters]) wake();
  };

  const reconnectLater = () => {
    if (closed) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, reconnectDelayMs);
  };

  async function connect(): Promise<void> {
    if (closed || subscription || connecting) return;
    connecting = true;
    const attempt = {};
    try {
      const opened = await options.subscribe({
        onCommit: wakeAll,
        onLost: () => {
          if (current !== attempt) return;
          current = undefined;
          subscription = undefined;
          listening = false;
          reconnectLater();
        },
      });
      if (closed) {
        await opened.close();
      } else {
        current = attempt;
        subscription = opened;
        listening = true;
      }
      // Events may have been committed while nobody listened.
      wakeAll();
    } catch {
      reconnectLater();
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
      if (!subscription && !reconnectTimer) void connect();
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
      const open = subscription;
      subscription = undefined;
      current = undefined;
      listening = false;
      await open?.close();
    },
  };
}
