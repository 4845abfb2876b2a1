import { createXXHash128 } from 'hash-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentHash, initContentHash } from './content-hash.ts';

describe('contentHash', () => {
  beforeAll(initContentHash);

  it('is the xxHash128 of the UTF-8 bytes, for short and long texts alike', async () => {
    const reference = await createXXHash128();
    const texts = [
      '',
      '{"ceId":1}',
      'é 😀 \u2028',
      'lone \ud800 surrogate',
      'x'.repeat(400_000),
      // Around the size where the text no longer fits the scratch buffer.
      'é'.repeat(349_525),
      'é'.repeat(349_526),
      '😀'.repeat(200_000),
    ];
    for (const text of texts) {
      reference.init();
      reference.update(text);
      expect(contentHash(text)).toBe(reference.digest('hex'));
    }
    expect(contentHash('{"ceId":1}')).toMatch(/^[0-9a-f]{32}$/);
    expect(contentHash('{"ceId":1}')).not.toBe(contentHash('{"ceId":2}'));
  });
});
