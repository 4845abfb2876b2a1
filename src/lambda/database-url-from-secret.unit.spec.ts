import { describe, expect, it } from 'vitest';
import { databaseUrlFromSecretString } from './database-url-from-secret.ts';

describe('databaseUrlFromSecretString', () => {
  it('builds a URL from an RDS-shaped secret, escaping the credentials', () => {
    const secret = JSON.stringify({
      engine: 'postgres',
      username: 'opais',
      password: 'p@ss/w:rd',
      host: 'db.example.internal',
      port: 5433,
      dbname: 'changelog',
    });
    expect(databaseUrlFromSecretString(secret, 'arn', { PGSSLMODE: 'verify-full' })).toBe(
      'postgres://opais:p%40ss%2Fw%3Ard@db.example.internal:5433/changelog?sslmode=verify-full',
    );
  });

  it('takes host, port and database from PG* variables for an RDS-managed secret (credentials only)', () => {
    const env = { PGHOST: 'rds.internal', PGDATABASE: 'opais' };
    expect(databaseUrlFromSecretString('{"username":"u","password":"p"}', 'arn', env)).toBe(
      'postgres://u:p@rds.internal:5432/opais',
    );
  });

  it('passes a connection string through and refuses what it cannot read', () => {
    expect(databaseUrlFromSecretString(' postgres://u@h/d ', 'arn', {})).toBe('postgres://u@h/d');
    expect(() => databaseUrlFromSecretString('hunter2', 'arn:secret', {})).toThrow(/arn:secret is neither/);
    expect(() => databaseUrlFromSecretString('{"password":"p"}', 'arn:secret', {})).toThrow(
      /no username or host/,
    );
  });
});
