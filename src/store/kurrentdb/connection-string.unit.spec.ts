import { describe, expect, it } from 'vitest';
import { OpaisError } from '../../errors.ts';
import { normaliseConnectionString, redactConnectionString } from './connection-string.ts';

describe('EVENTSTORE_CONNECTION_STRING', () => {
  it('accepts the KurrentDB schemes as they are and spells the EventStoreDB ones the new way', () => {
    expect(normaliseConnectionString('kurrentdb://localhost:2113?tls=false')).toBe(
      'kurrentdb://localhost:2113?tls=false',
    );
    expect(normaliseConnectionString(' kdb+discover://a,b,c ')).toBe('kdb+discover://a,b,c');
    expect(normaliseConnectionString('esdb://admin:changeit@db:2113?tls=false')).toBe(
      'kurrentdb://admin:changeit@db:2113?tls=false',
    );
    expect(normaliseConnectionString('esdb+discover://db:2113')).toBe('kurrentdb+discover://db:2113');
  });

  it.each([undefined, '', '   '])('is required with EVENT_STORE=kurrentdb (%j)', (value) => {
    const error = catchError(() => normaliseConnectionString(value));
    expect(error.code).toBe('EVENT_STORE_UNAVAILABLE');
    expect(error.exitCode).toBe(12);
    expect(error.message).toMatch(/EVENT_STORE=kurrentdb needs EVENTSTORE_CONNECTION_STRING/);
  });

  it('refuses another scheme, without showing the password', () => {
    const error = catchError(() => normaliseConnectionString('postgres://u:hunter2@db/opais'));
    expect(error.code).toBe('EVENT_STORE_UNAVAILABLE');
    expect(error.message).toMatch(/must start with kurrentdb:\/\//);
    expect(error.message).not.toContain('hunter2');
  });

  it('hides the password when shown', () => {
    expect(redactConnectionString('kurrentdb://admin:changeit@db:2113?tls=false')).toBe(
      'kurrentdb://admin:***@db:2113?tls=false',
    );
    expect(redactConnectionString('kurrentdb://db:2113')).toBe('kurrentdb://db:2113');
  });
});

function catchError(run: () => unknown): OpaisError {
  try {
    run();
  } catch (error) {
    if (error instanceof OpaisError) return error;
    throw error;
  }
  throw new Error('expected an error');
}
