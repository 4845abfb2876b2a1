import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('the Node.js the tests run on', () => {
  it('is the baseline of package.json (npm test runs the node devDependency, Node 24 LTS)', () => {
    const baseline = Number(/>=(\d+)/.exec(engines.node)?.[1]);
    expect(baseline).toBe(24);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(baseline);
  });
});
