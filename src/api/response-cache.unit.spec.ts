import { describe, expect, it } from 'vitest';
import { createResponseCache } from './response-cache.ts';

describe('response cache', () => {
  it('evicts the least recently used answers beyond its size', () => {
    const cache = createResponseCache(10);
    cache.set('a', 'aaaa');
    cache.set('b', 'bbbb');
    expect(cache.get('a')).toBe('aaaa'); // a is now the most recent
    cache.set('c', 'cccc');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('aaaa');
    expect(cache.get('c')).toBe('cccc');
    expect(cache.size).toBe(2);
  });

  it('does not keep an answer larger than the whole cache', () => {
    const cache = createResponseCache(3);
    cache.set('big', 'xxxx');
    expect(cache.get('big')).toBeUndefined();
  });
});
