import { describe, expect, it } from 'vitest';
import { feedFilterOf, pageKey } from './feed-filter.ts';

describe('feed filter', () => {
  it('takes every entity event type by default and short or full names otherwise, in one order', () => {
    expect(feedFilterOf({}).types).toEqual([
      'CoveredEntityRegistered',
      'CoveredEntityChanged',
      'CoveredEntityRemoved',
    ]);
    expect(feedFilterOf({ type: ['removed', 'CoveredEntityChanged', 'changed'] }).types).toEqual([
      'CoveredEntityChanged',
      'CoveredEntityRemoved',
    ]);
  });

  it('names equal filters with equal page keys', () => {
    const a = feedFilterOf({ type: ['removed', 'changed'], state: 'VA' });
    const b = feedFilterOf({ type: ['CoveredEntityChanged', 'CoveredEntityRemoved'], state: 'VA' });
    expect(pageKey(5, 100, a, true)).toBe(pageKey(5, 100, b, true));
    expect(pageKey(5, 100, a, true)).not.toBe(
      pageKey(5, 100, feedFilterOf({ type: ['changed'], state: 'VA' }), true),
    );
    expect(pageKey(5, 100, a, true)).not.toBe(pageKey(5, 100, a, false));
    expect(pageKey(5, 100, a, true)).not.toBe(
      pageKey(5, 100, feedFilterOf({ type: ['removed', 'changed'], state: 'VA', path: 'npiNumbers' }), true),
    );
  });
});
