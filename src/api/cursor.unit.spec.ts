import { describe, expect, it } from 'vitest';
import { OpaisError } from '../errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

describe('change feed cursor', () => {
  it('round-trips any position, as URL-safe text', () => {
    for (const position of [0, 1, 99, 123_456_789, Number.MAX_SAFE_INTEGER]) {
      const cursor = encodeCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor, 'since')).toBe(position);
    }
  });

  it('refuses text that is not one of its cursors, naming the parameter', () => {
    const bad = [
      'zzz',
      Buffer.from('p1.-4').toString('base64url'),
      Buffer.from('p1.007').toString('base64url'),
      Buffer.from('p2.7').toString('base64url'),
      Buffer.from('p1.99999999999999999').toString('base64url'),
      `${encodeCursor(12)}A`,
    ];
    for (const cursor of bad) {
      expect(() => decodeCursor(cursor, 'querystring/since')).toThrowError(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          message: expect.stringContaining('querystring/since'),
        }),
      );
    }
    expect(() => decodeCursor('zzz', 'x')).toThrow(OpaisError);
  });
});
