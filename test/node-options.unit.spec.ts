import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeOptions, processEnvironment } from '../src/node-options.ts';
import { tempDir } from './support/snapshot-fixtures.ts';

const text = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** The young generation's size once a process started with `options` has allocated a few hundred MB. */
function newSpaceMb(options: readonly string[]): number {
  const script = `let kept = [];
    for (let i = 0; i < 3e6; i++) { kept.push({ i, text: 'x' + i }); if (kept.length > 2e5) kept = []; }
    const space = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(space.space_size / 1048576));`;
  return Number(execFileSync(process.execPath, [...options, '-e', script]).toString());
}

const assignments = Object.entries(processEnvironment).map(([name, value]) => `${name}=${value}`);

describe('the V8 options and the environment of src/node-options.ts', () => {
  it('are given wherever an opais process starts: the CLI, the container, the Lambda, the bench', () => {
    expect(text('bin/opais.js').split('\n')[0]).toBe(
      `#!/usr/bin/env -S ${assignments.join(' ')} node ${nodeOptions.join(' ')}`,
    );
    for (const assignment of assignments) expect(text('Dockerfile')).toContain(assignment);
    expect(text('Dockerfile')).toContain(
      `ENTRYPOINT ["node", ${nodeOptions.map((option) => `"${option}"`).join(', ')},`,
    );
    expect(text('infra/stack/opais-function.ts')).toContain(
      "NODE_OPTIONS: ['--enable-source-maps', ...nodeOptions].join(' '),\n        ...processEnvironment,",
    );
    expect(text('bench/run-child.ts')).toContain('...processEnvironment, ...env');
    expect(text('infra/measure-lambda.ts')).toContain('...processEnvironment, ...env');
    expect(text('bench/run-child.ts')).toContain('[...nodeOptions, ');
  });

  it('reach the CLI’s process through its shebang, and cap its young generation', () => {
    const probe = join(tempDir(), 'exec-argv.cjs');
    const names = JSON.stringify(Object.keys(processEnvironment));
    writeFileSync(
      probe,
      `process.stderr.write(JSON.stringify([process.execArgv, Object.fromEntries(${names}.map((name) => [name, process.env[name]]))]));`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require ${probe}` };
    for (const name of Object.keys(processEnvironment)) delete env[name];
    const cli = spawnSync(new URL('../bin/opais.js', import.meta.url).pathname, ['--version'], {
      env,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(JSON.parse(cli.stderr)).toEqual([nodeOptions, processEnvironment]);
    // Two semi-spaces of 16 MB, which V8 at times reports with a few 256 kB pages more (32.25 and 32.75 MB, about
    // one run in 20). Without the option, V8 sizes it from the machine's memory: 128 MB on the 24 GB machine this
    // was measured on.
    expect(newSpaceMb(nodeOptions)).toBeLessThan(34);
  });
});
