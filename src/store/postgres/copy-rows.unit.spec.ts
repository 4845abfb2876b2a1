import { describe, expect, it } from 'vitest';
import { appendCopyText, CopyBuffers, type CopyCell, copyLine } from './copy-rows.ts';

function copyTextOf(rows: ReadonlyArray<ReadonlyArray<CopyCell>>): string {
  const text: Buffer[] = [];
  const bytes = appendCopyText(
    text,
    rows.map((row) => copyLine(row)),
  );
  const joined = Buffer.concat(text);
  expect(joined.length).toBe(bytes);
  return joined.toString('utf8');
}

describe('appendCopyText', () => {
  it('writes rows as COPY text: tabs between cells, a newline after each row, NULL as \\N, escapes', () => {
    expect(
      copyTextOf([
        ['a', 1, null],
        ['tab\there', 'back\\slash', 'line\nbreak\r'],
      ]),
    ).toBe('a\t1\t\\N\ntab\\there\tback\\\\slash\tline\\nbreak\\r\n');
  });

  it('ends every line with a newline, a row without cells too', () => {
    expect(copyLine([])).toBe('\n');
    expect(copyLine([], ['a'])).toBe('a\n');
    expect(copyLine(['a', null])).toBe('a\t\\N\n');
  });

  it('holds a few rows appended at a time in buffers of their size, not of 256 kB each', () => {
    const text: Buffer[] = [];
    for (let k = 0; k < 100; k++) appendCopyText(text, [copyLine([k, 'entity'])]);
    expect(text).toHaveLength(100);
    for (const piece of text) expect(piece.buffer.byteLength).toBeLessThan(1 << 18);
  });

  it('writes into the spare buffers it is given and takes them back once the COPY is done', () => {
    const spares = new CopyBuffers();
    const first: Buffer[] = [];
    appendCopyText(first, [copyLine(['a', 1])], spares);
    spares.recycle(first);
    const second: Buffer[] = [];
    appendCopyText(second, [copyLine(['b', 2])], spares);
    expect(second[0]?.buffer).toBe(first[0]?.buffer);
    expect(Buffer.concat(second).toString()).toBe('b\t2\n');
  });

  it('keeps every byte across its 256 kB buffers, multi-byte characters and lines larger than one buffer', () => {
    const rows = Array.from({ length: 3000 }, (_, k) => [k, `é€𝄞 ${'x'.repeat(k % 500)}`, null]);
    rows.push([1, 'y'.repeat(600_000), 'z']);
    const expected = rows.map((row) => row.map((cell) => (cell === null ? '\\N' : String(cell))).join('\t'));
    expect(copyTextOf(rows)).toBe(`${expected.join('\n')}\n`);
  });

  it('gives a line larger than a buffer a buffer of its own UTF-8 size, not of three bytes a character', () => {
    const line = copyLine([1, `é${'x'.repeat(300_000)}`]);
    const text: Buffer[] = [];
    appendCopyText(text, [copyLine(['before'])], new CopyBuffers());
    appendCopyText(text, [line], new CopyBuffers());
    const own = text.at(-1) as Buffer;
    expect(own.toString()).toBe(line);
    expect(own.buffer.byteLength).toBe(Buffer.byteLength(line));
  });
});
