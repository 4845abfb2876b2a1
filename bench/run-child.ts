import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nodeOptions, processEnvironment } from '../src/node-options.ts';

export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** What every bench child prints as its last stdout line. */
export interface ChildResult {
  /** Wall time of the measured work only (not start-up or set-up). */
  wallMs: number;
  /** Peak resident set size of the whole child process. */
  maxRssMb: number;
  /** CPU time of the whole child process (all its threads), start-up included. */
  cpuMs: number;
  /** The part of cpuMs spent in the kernel (mostly page faults on fresh memory, on this VM). */
  systemCpuMs: number;
  [detail: string]: unknown;
}

/**
 * Runs a TypeScript file in its own Node process, so that its peak RSS
 * (process.resourceUsage().maxRSS, reported by the child) is its own and
 * not the harness's.
 */
export function runChild(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', script, ...args], {
      cwd: repositoryRoot,
      env: { ...process.env, ...processEnvironment, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trimEnd().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(
          new Error(
            `${script} ${args.join(' ')} exited with ${signal ?? code}:\n${stderr.trim() || stdout.trim()}`,
          ),
        );
        return;
      }
      try {
        resolve(JSON.parse(last) as ChildResult);
      } catch {
        reject(new Error(`${script} printed no JSON result; its output ended with: ${last.slice(0, 500)}`));
      }
    });
  });
}

/** For children: print the result line, with this process's peak RSS. */
export function reportResult(result: Omit<ChildResult, 'maxRssMb' | 'cpuMs' | 'systemCpuMs'>): void {
  const usage = process.resourceUsage();
  const maxRssMb = usage.maxRSS / 1024;
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  const systemCpuMs = usage.systemCPUTime / 1000;
  process.stdout.write(`${JSON.stringify({ ...result, maxRssMb, cpuMs, systemCpuMs })}\n`);
}
