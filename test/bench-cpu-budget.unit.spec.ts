import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measureWork } from '../bench/run-child.ts';

const procStat = existsSync('/proc/stat');

/** Keeps this thread busy for `ms` of wall time. */
function spin(ms: number): number {
  const until = performance.now() + ms;
  let h = 0;
  while (performance.now() < until) for (let i = 0; i < 1e5; i++) h = (Math.imul(h ^ i, 0x9e3779b1) + 7) | 0;
  return h;
}

describe("the bench's CPU budget of a child's timed work", () => {
  it.skipIf(!procStat)(
    "counts this process's CPU, and the whole machine's (which holds it), during the work only",
    () => {
      const idle = measureWork()();
      expect(idle.workCpuMs).toBeLessThan(50);
      const measured = measureWork();
      spin(400);
      const work = measured();
      expect(work.wallMs).toBeGreaterThanOrEqual(400);
      // One busy thread for 400 ms (less whatever the machine took from it), counted by cpuUsage.
      expect(work.workCpuMs).toBeGreaterThan(200);
      expect(work.workCpuMs).toBeLessThan(work.wallMs + 100);
      // /proc/stat counts in 10 ms ticks per CPU: the machine's figure holds ours, give or take a few ticks.
      expect(work.machineCpuMs).toBeGreaterThan((work.workCpuMs as number) - 50);
    },
  );
});
