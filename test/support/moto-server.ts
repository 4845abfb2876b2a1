import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from '../../src/free-port.ts';

/**
 * A real moto server (S3, EventBridge, SQS, Secrets Manager) on 127.0.0.1,
 * one per test file. Tests that need it skip, with the reason printed, where
 * `moto_server` is not installed.
 */
export interface MotoServer {
  endpoint: string;
  /** Environment that points the AWS SDK (and so the code under test) at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

let availability: string | undefined | null = null;

/** Why moto cannot be used here, or undefined when it can. */
export function motoUnavailableReason(): string | undefined {
  if (availability === null) {
    const probe = spawnSync('moto_server', ['--help'], { encoding: 'utf8', timeout: 30_000 });
    availability =
      probe.status === 0
        ? undefined
        : `moto_server is not installed or does not run (${probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)}); skipping the tests that need a local AWS`;
    if (availability) console.warn(availability);
  }
  return availability;
}

export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  // Through a shell that stops moto when its stdin closes: when this process ends, even killed, moto goes with it.
  const script = 'moto_server -H 127.0.0.1 -p "$1" & moto=$!; read -r _; kill "$moto"; wait "$moto"';
  const child = spawn('sh', ['-c', script, 'sh', String(port)], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(endpoint, child, () => stderr);
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    stop: () => stopChild(child),
  };
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr()}`);
    try {
      await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await stopChild(child);
  throw new Error(`moto_server did not answer on ${endpoint} within 60 s: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin?.end();
  });
}
