import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open-database.ts';
import { coveredEntities, tempDir, writeSnapshot } from './support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from './support/test-database.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

/**
 * The image cannot be built here (no Docker engine), so this runs what it runs: `npm run build`'s
 * compiled JavaScript, assembled in the runtime stage's layout (compiled src/ and projections/, the
 * dashboard's files, ddl/, package.json, the dependencies), with plain node and no tsx.
 */
describe('the Dockerfile and the compiled CLI it runs', () => {
  let app: string;
  let database: Database;
  const opais = (args: string[], env: NodeJS.ProcessEnv) =>
    run(process.execPath, [path.join(app, 'src/cli/main.js'), ...args], { env, cwd: app });

  beforeAll(async () => {
    database = await createTestDatabase('compiled_cli');
    const out = tempDir('opais-build-');
    await run(process.execPath, [
      path.join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      path.join(root, 'tsconfig.build.json'),
      '--outDir',
      out,
    ]);
    app = tempDir('opais-image-');
    // The runtime stage's COPY lines, in order.
    for (const [from, to] of [
      [path.join(out, 'src'), 'src'],
      [path.join(out, 'projections'), 'projections'],
      [path.join(root, 'src/api/dashboard'), 'src/api/dashboard'],
      [path.join(root, 'ddl'), 'ddl'],
      [path.join(root, 'package.json'), 'package.json'],
    ] as const) {
      mkdirSync(path.dirname(path.join(app, to)), { recursive: true });
      cpSync(from, path.join(app, to), { recursive: true });
    }
    symlinkSync(path.join(root, 'node_modules'), path.join(app, 'node_modules'));
  }, 180_000);
  afterAll(() => database?.close());

  it('is multi-stage on Node 24, runs the compiled CLI as a non-root user, with a health check', () => {
    expect(dockerfile.match(/^FROM node:24-\S+ AS \w+$/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/src\/dist\/app\/src \.\/src$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(
      /^ENTRYPOINT \["node", "--max-semi-space-size=16", "\/app\/src\/cli\/main\.js"\]$/m,
    );
    // No download without a checksum: no ADD of a URL, no curl or wget.
    expect(dockerfile).not.toMatch(/^ADD\s+https?:/m);
    expect(dockerfile).not.toMatch(/\b(curl|wget)\b/);
    expect(dockerfile).not.toMatch(/\btsx\b/);
  });

  it('runs compiled: --version, an ingest (with the worker threads), status', async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect((await opais(['--version'], process.env)).stdout).toBe(`${version}\n`);
    const file = writeSnapshot(tempDir(), 'day0.json', coveredEntities(300));
    const ingest = await opais(['ingest', file, '--as-of', '2026-11-01', '--json'], {
      ...envFor(database),
      OPAIS_READER_WORKERS_AFTER_BYTES: '0',
    });
    expect(JSON.parse(ingest.stdout)).toMatchObject({ registered: 300, alreadyApplied: false });
    const status = await opais(['status', '--json'], envFor(database));
    expect(status.stdout).toContain('"snapshots"');
  });

  it('serves the API and the dashboard compiled, healthy by the image’s HEALTHCHECK command', async () => {
    const child = spawn(process.execPath, [path.join(app, 'src/cli/main.js'), 'serve', '--port', '0'], {
      env: { ...envFor(database), OPAIS_API_TOKEN: '' },
      cwd: app,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (text: string) => {
          stderr += text;
          const match = /serving (http:\/\/\S+)/.exec(stderr);
          if (match) resolve(match[1] as string);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      expect((await fetch(`${url}/`)).status).toBe(200);
      const check = JSON.parse(/CMD (\[.*\])$/m.exec(dockerfile)?.[1] as string) as string[];
      const healthy = await run(check[0] as string, check.slice(1), {
        env: { ...process.env, OPAIS_HEALTHCHECK_URL: `${url}/health` },
      }).then(
        () => true,
        () => false,
      );
      expect(healthy).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
