import { describe, expect, it } from 'vitest';
import type { RegistryEntry } from '../store/event-store.ts';
import { classifyElement, removedStreams } from './classify-element.ts';

const entry = (contentHash: string, isCurrent = true): RegistryEntry => ({
  id340B: 'DSH1',
  ceId: 1,
  contentHash,
  streamVersion: 3,
  isCurrent,
});

describe('classifyElement', () => {
  it('registers a key never seen', () => expect(classifyElement(undefined, 'h')).toBe('registered'));
  it('registers a key that comes back after a removal', () =>
    expect(classifyElement(entry('h', false), 'h')).toBe('registered'));
  it('leaves an equal hash unchanged', () => expect(classifyElement(entry('h'), 'h')).toBe('unchanged'));
  it('changes a current key with another hash', () =>
    expect(classifyElement(entry('h'), 'g')).toBe('changed'));
});

describe('removedStreams', () => {
  it('yields current keys not seen, and never keys already removed', () => {
    const registry = new Map([
      ['a', entry('1')],
      ['b', entry('2')],
      ['c', entry('3', false)],
    ]);
    expect([...removedStreams(registry, new Set(['a']))]).toEqual(['b']);
  });
});
