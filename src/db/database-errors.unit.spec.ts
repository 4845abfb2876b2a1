import { describe, expect, it } from 'vitest';
import {
  isDatabaseUnavailable,
  isTransientDatabaseError,
  redactConnectionString,
} from './database-errors.ts';

describe('the database error classifier', () => {
  it('calls connection-class failures unavailable and retryable interruptions transient', () => {
    const sqlError = (code: string) => Object.assign(new Error('x'), { code });
    for (const code of ['08006', '53300', '57P01', '57P03', '28P01', '3D000', 'ECONNREFUSED'])
      expect(isDatabaseUnavailable(sqlError(code)), code).toBe(true);
    for (const code of ['40001', '40P01', '57014'])
      expect([isDatabaseUnavailable(sqlError(code)), isTransientDatabaseError(sqlError(code))], code).toEqual(
        [false, true],
      );
    for (const code of ['23505', '22P02', '42P01', '55000'])
      expect(isTransientDatabaseError(sqlError(code)), code).toBe(false);
    expect(isDatabaseUnavailable(new Error('database "x" is not currently accepting connections'))).toBe(
      true,
    );
    const refusedEverywhere = new AggregateError([sqlError('ECONNREFUSED')], '');
    expect(isDatabaseUnavailable(refusedEverywhere)).toBe(true);
  });

  it('hides the password of a connection string', () => {
    expect(redactConnectionString('postgres://u:secret@h:5432/d?sslmode=require')).toBe(
      'postgres://u:****@h:5432/d?sslmode=require',
    );
    expect(redactConnectionString('postgres://u@h/d?password=secret')).toBe('postgres://u@h/d?password=****');
    expect(redactConnectionString("host=h password='se cret' user=u")).toBe('host=h password=**** user=u');
  });
});
