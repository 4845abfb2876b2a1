import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runOpais } from './support/run-opais.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** The CLI's contract for usage errors: the README's exit code 2, with the message and the usage on stderr. */
describe('opais usage', () => {
  it('prints its version', async () => {
    const run = await runOpais(['--version'], process.env);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it.each([
    [['ingest', 'x.json', '--bogus'], "unknown option '--bogus'"],
    [['ingest', 'x.json', '--as-of', 'yesterday'], 'not an ISO 8601 instant: yesterday'],
    [['ingest'], "missing required argument 'source'"],
    [['no-such-command'], "unknown command 'no-such-command'"],
    [['watch', 's3://b/p/', '--metrics-port', 'x'], 'not a TCP port: x'],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const run = await runOpais(args, process.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: opais');
  });

  it('lists every command in --help, though it loads only the named one to run it', async () => {
    const run = await runOpais(['--help'], process.env);
    expect(run.code).toBe(0);
    const commands = [
      ...['ingest', 'status', 'events', 'migrate', 'watch', 'fetch', 'serve', 'project', 'rebuild'],
      ...['verify', 'history', 'copy-events', 'export', 'subscriptions', 'deliver', 'changes', 'report'],
    ];
    for (const command of commands) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('names every source kind in ingest --help', async () => {
    const run = await runOpais(['ingest', '--help'], process.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\.json or \.zip file/);
    expect(run.stdout).toContain('s3://bucket/key');
  });
});
