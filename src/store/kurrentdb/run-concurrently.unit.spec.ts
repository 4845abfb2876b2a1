import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runConcurrently } from './run-concurrently.ts';

describe('runConcurrently', () => {
  it('works on every item with at most the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await runConcurrently([...Array(20).keys()], 4, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(item % 3);
      done.push(item);
      inFlight -= 1;
    });
    expect(most).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const run = runConcurrently([...Array(10).keys()], 2, async (item) => {
      started.push(item);
      await sleep(1);
      if (item === 3) throw new Error('item 3 failed');
    });
    await expect(run).rejects.toThrow('item 3 failed');
    expect(Math.max(...started)).toBeLessThanOrEqual(4);
  });
});
