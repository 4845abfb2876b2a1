import { describe, expect, it } from 'vitest';
import { appendCopyText, CopyBuffers, type CopyCell, copyLine, copyTextOf } from './copy-rows.ts';

function textOf(rows: ReadonlyArray<ReadonlyArray<CopyCell>>): string {
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
      textOf([
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
    expect(textOf(rows)).toBe(`${expected.join('\n')}\n`);
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

  it('escapes a cell of bytes as it would the same text as a string, wherever it stands in the row', () => {
    const value = 'a\\b\tc\nd\re "é€𝄞"';
    const asString = copyLine([1, value, null, value]);
    for (const row of [
      [1, Buffer.from(value), null, value],
      [1, value, null, Buffer.from(value)],
      [1, Buffer.from(value), null, Buffer.from(value)],
    ]) {
      const text: Buffer[] = [];
      appendCopyText(text, copyTextOf([row]));
      expect(Buffer.concat(text).toString()).toBe(asString);
    }
    const first: Buffer[] = [];
    appendCopyText(first, copyTextOf([[Buffer.from('x\\y'), 2]]));
    expect(Buffer.concat(first).toString()).toBe('x\\\\y\t2\n');
  });

  it('writes a cell of bytes larger than a buffer across the spare buffers, never into one of its size', () => {
    const json = `{"pharmacies":[${Array.from({ length: 60_000 }, (_, k) => `"p\\\\${k}\\"é"`).join(',')}]}`;
    expect(Buffer.byteLength(json)).toBeGreaterThan(3 * (1 << 18));
    const text: Buffer[] = [];
    const bytes = appendCopyText(text, copyTextOf([[7, Buffer.from(json)]]), new CopyBuffers());
    for (const piece of text) expect(piece.buffer.byteLength).toBe(1 << 18);
    const joined = Buffer.concat(text);
    expect(joined.length).toBe(bytes);
    expect(joined.toString()).toBe(copyLine([7, json]));
  });
});
