import { createXXHash128 } from 'hash-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentHashOfUtf8, initContentHash } from './content-hash.ts';

const contentHash = (text: string) => contentHashOfUtf8(Buffer.from(text));

describe('contentHashOfUtf8', () => {
  beforeAll(initContentHash);

  it('is the xxHash128 of the UTF-8 bytes, for short and long texts alike', async () => {
    const reference = await createXXHash128();
    const texts = [
      '',
      '{"ceId":1}',
      'é 😀 \u2028',
      'x'.repeat(400_000),
      'é'.repeat(350_000),
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
