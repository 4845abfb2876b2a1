import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, envFor } from '../../../test/support/test-database.ts';
import type { Database } from '../../db/open-database.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase('cli_serve');
});
afterAll(() => database?.close());

describe('opais serve', () => {
  it('listens on 127.0.0.1 by default, answers, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/opais.js', 'serve', '--port', '0'], {
      env: { ...envFor(database), OPAIS_API_TOKEN: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        stderr += text;
        const match = /serving (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1] as string);
      });
      void exited.then((code) => reject(new Error(`opais serve exited with ${code}: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'up', headPosition: 0 });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a port that is not one', async () => {
    const child = spawn(process.execPath, ['bin/opais.js', 'serve', '--port', '70000'], {
      env: envFor(database),
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('not a TCP port: 70000');
  });
});
