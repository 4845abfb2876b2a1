import { describe, expect, it } from 'vitest';
import { runOpais } from '../../test/support/run-opais.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { freePort } from '../free-port.ts';

/** The database URL of the test server with a password and another database name or port. */
function urlWith(change: { port?: number; database?: string }): string {
  const url = new URL(testDatabaseUrl);
  url.password = 's3cret-pass';
  if (change.port) url.port = String(change.port);
  if (change.database) url.pathname = `/${change.database}`;
  return url.toString();
}

describe('the CLI when the database cannot be used', () => {
  it.each([
    ['a refused connection', async () => urlWith({ port: await freePort() })],
    ['a database that does not exist', async () => urlWith({ database: 'opais_no_such_database' })],
  ])('exits 9 with one line naming the database, password hidden: %s', async (_case, makeUrl) => {
    const url = await makeUrl();
    const run = await runOpais(['status'], { ...process.env, DATABASE_URL: url, OPAIS_SCHEMA: 'opais_none' });
    expect(run.code).toBe(9);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^opais: DATABASE_UNAVAILABLE: cannot use the database postgres:\/\/\S+:\*\*\*\*@/,
    );
    expect(lines[0]).toContain(new URL(url).host);
    expect(run.stderr).not.toContain('s3cret-pass');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
