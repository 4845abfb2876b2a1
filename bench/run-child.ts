import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  /** CPU time of this process (all its threads) during the measured work only (see measureWork). */
  workCpuMs?: number;
  /**
   * CPU time the whole machine was busy during the measured work (every process: this one, PostgreSQL's, and
   * anything else running), where /proc/stat tells it (see measureWork).
   */
  machineCpuMs?: number;
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

/**
 * For children: starts measuring the timed work; the function returned gives
 * its wall time, this process's CPU time and the machine's busy CPU time
 * since. The machine's figure is what says whether a target can be reached
 * on this machine at all: on two cores, work that keeps the machine busy
 * for N CPU-seconds takes at least N / 2 seconds, whatever its order.
 */
export function measureWork(): () => Pick<ChildResult, 'wallMs' | 'workCpuMs' | 'machineCpuMs'> {
  const started = performance.now();
  const ownBefore = process.cpuUsage();
  const machineBefore = machineBusyMs();
  return () => {
    const wallMs = performance.now() - started;
    const own = process.cpuUsage(ownBefore);
    const machineAfter = machineBusyMs();
    return {
      wallMs,
      workCpuMs: (own.user + own.system) / 1000,
      ...(machineBefore !== undefined && machineAfter !== undefined
        ? { machineCpuMs: machineAfter - machineBefore }
        : {}),
    };
  };
}

/** Linux's USER_HZ: /proc/stat counts in hundredths of a second on every architecture Node runs on. */
const procStatTicksPerSecond = 100;

/**
 * Milliseconds the machine's CPUs have been busy since boot (user, nice,
 * system, irq and softirq time of the first /proc/stat line; idle, iowait
 * and time stolen by the hypervisor left out), or undefined without /proc.
 */
function machineBusyMs(): number | undefined {
  let line: string;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  } catch {
    return undefined;
  }
  const [label, user, nice, system, _idle, _iowait, irq, softirq] = line.trim().split(/\s+/);
  if (label !== 'cpu') return undefined;
  const busy = [user, nice, system, irq, softirq].reduce((sum, field) => sum + Number(field), 0);
  return Number.isFinite(busy) ? (busy * 1000) / procStatTicksPerSecond : undefined;
}

/** For children: print the result line, with this process's peak RSS. */
export function reportResult(result: Omit<ChildResult, 'maxRssMb' | 'cpuMs' | 'systemCpuMs'>): void {
  const usage = process.resourceUsage();
  const maxRssMb = usage.maxRSS / 1024;
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  const systemCpuMs = usage.systemCPUTime / 1000;
  process.stdout.write(`${JSON.stringify({ ...result, maxRssMb, cpuMs, systemCpuMs })}\n`);
}
