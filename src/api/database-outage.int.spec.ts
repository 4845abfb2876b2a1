import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../test/support/api-server.ts';
import { createTestDatabase, testDatabaseUrl } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';

let database: Database;
let admin: pg.Client;
const suffix = randomBytes(4).toString('hex');
const fullRole = `opais_full_${suffix}`;
const closedDatabase = `opais_closed_${suffix}`;

beforeAll(async () => {
  database = await createTestDatabase('api_outage');
  admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  // A role with no connection slot left answers like a server with too many clients (SQLSTATE 53300).
  await admin.query(`create role ${fullRole} login connection limit 0`);
  // A database that does not accept connections (SQLSTATE 55000, "not currently accepting connections").
  await admin.query(`create database ${closedDatabase} allow_connections false`);
});
afterAll(async () => {
  await admin?.query(`drop database if exists ${closedDatabase}`);
  await admin?.query(`drop role if exists ${fullRole}`);
  await admin?.end();
  await database?.close();
});

function urlWith(change: { user?: string; database?: string }): string {
  const url = new URL(testDatabaseUrl);
  if (change.user) url.username = change.user;
  if (change.database) url.pathname = `/${change.database}`;
  return url.toString();
}

describe('the API during a database outage', () => {
  it.each([
    ['too many clients', { user: fullRole }],
    ['a database not accepting connections', { database: closedDatabase }],
  ])('answers 503 DATABASE_UNAVAILABLE, /health included: %s', async (_case, change) => {
    const api = await startApi({ ...database, connectionString: urlWith(change) });
    try {
      for (const path of ['/health', '/changes', '/snapshots']) {
        const answer = await api.get(path);
        expect(answer.status, path).toBe(503);
        expect(answer.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 });
      }
    } finally {
      await api.close();
    }
  });
});
