import { spawn } from 'node:child_process';
import type { Database } from '../../src/db/open-database.ts';

export interface KillableRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stderr: string;
}

/** Runs the real `opais` CLI, SIGKILLed after `killAfterMs` when given (it may finish first). */
export function runOpaisKillable(
  args: string[],
  env: NodeJS.ProcessEnv,
  killAfterMs?: number,
): Promise<KillableRun> {
  const child = spawn(process.execPath, ['bin/opais.js', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const started = performance.now();
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: performance.now() - started, stderr });
    });
  });
}

/** The event log as two runs must agree on it: everything but the ingest's own duration. */
export async function eventLog(database: Database) {
  const events = await database.store.readAll({ limit: Number.MAX_SAFE_INTEGER });
  return events.map(({ streamId, streamVersion, eventId, type, asOf, data, metadata }) => {
    const { durationMs: _duration, ...kept } = data as unknown as Record<string, unknown>;
    return { streamId, streamVersion, eventId, type, asOf, data: kept, metadata };
  });
}
