import { describe, expect, it } from 'vitest';
import { appendCopyRows, CopyBuffers, type CopyRowCell, eachRow } from './copy-rows.ts';
import { copyText } from './copy-text.ts';

function textOf(rows: ReadonlyArray<ReadonlyArray<CopyRowCell>>, spares?: CopyBuffers): string {
  const text: Buffer[] = [];
  const bytes = appendCopyRows(text, eachRow(rows), spares);
  const joined = Buffer.concat(text);
  expect(joined.length).toBe(bytes);
  return joined.toString('utf8');
}

describe('appendCopyRows', () => {
  it('writes rows as COPY text: tabs between cells, a newline after each row, NULL as \\N, escapes', () => {
    expect(
      textOf([
        ['a', 1, null],
        ['tab\there', 'back\\slash', 'line\nbreak\r'],
      ]),
    ).toBe('a\t1\t\\N\ntab\\there\tback\\\\slash\tline\\nbreak\\r\n');
  });

  it('escapes a special character wherever it stands in a cell of any length, across buffer boundaries', () => {
    // Short cells are copied by a loop of their own that must give up on any of these.
    const specials = ['\\', '\t', '\n', '\r', '\u007f', '\u0001', 'é', '€', '𝄞'];
    const rows: string[][] = [];
    for (let length = 1; length <= 40; length++)
      for (const special of specials)
        for (const at of [0, length >> 1, length - 1]) {
          const plain = 'x'.repeat(length - 1);
          rows.push([`${plain.slice(0, at)}${special}${plain.slice(at)}`, plain]);
        }
    const expected = rows.map((row) => `${row.map(copyText).join('\t')}\n`).join('');
    // Repeated until the rows cross several 256 kB buffers.
    const many = Array.from({ length: 40 }, () => rows).flat();
    expect(textOf(many)).toBe(expected.repeat(40));
    expect(textOf(many, new CopyBuffers())).toBe(expected.repeat(40));
  });

  it('ends every row with a newline, a row without cells too, and writes `more` cells after the row', () => {
    const text: Buffer[] = [];
    appendCopyRows(text, (write) => {
      write([]);
      write([], ['a']);
      write(['a', null]);
      write(['a', 1], [null, 'b\tc', 2]);
    });
    expect(Buffer.concat(text).toString()).toBe('\na\na\t\\N\na\t1\t\\N\tb\\tc\t2\n');
  });

  it("encodes a row before the writer returns, so that one array can carry every row's cells", () => {
    const text: Buffer[] = [];
    appendCopyRows(text, (write) => {
      const more: [string, number] = ['', 0];
      for (const [k, flag] of ['A', 'B', 'C'].entries()) {
        more[0] = flag;
        more[1] = k;
        write([`row${k}`], more);
      }
    });
    expect(Buffer.concat(text).toString()).toBe('row0\tA\t0\nrow1\tB\t1\nrow2\tC\t2\n');
  });

  it('holds a few rows appended at a time in buffers of their size, not of 256 kB each', () => {
    const text: Buffer[] = [];
    for (let k = 0; k < 100; k++) appendCopyRows(text, eachRow([[k, 'entity']]));
    expect(text).toHaveLength(100);
    for (const piece of text) expect(piece.buffer.byteLength).toBeLessThan(1 << 18);
  });

  it('writes into the spare buffers it is given and takes them back once the COPY is done', () => {
    const spares = new CopyBuffers();
    const first: Buffer[] = [];
    appendCopyRows(first, eachRow([['a', 1]]), spares);
    spares.recycle(first);
    const second: Buffer[] = [];
    appendCopyRows(second, eachRow([['b', 2]]), spares);
    expect(second[0]?.buffer).toBe(first[0]?.buffer);
    expect(Buffer.concat(second).toString()).toBe('b\t2\n');
  });

  it('keeps every byte across its 256 kB buffers, multi-byte characters and cells larger than one buffer', () => {
    const rows = Array.from({ length: 3000 }, (_, k) => [
      k,
      `é€𝄞 ${'x'.repeat(k % 500)}`,
      null,
      `id${k}${'€'.repeat(k % 2)}`,
    ]);
    rows.push([1, 'y'.repeat(600_000), 'z', 'w']);
    const expected = rows.map((row) => row.map((cell) => (cell === null ? '\\N' : String(cell))).join('\t'));
    for (const spares of [undefined, new CopyBuffers()])
      expect(textOf(rows, spares)).toBe(`${expected.join('\n')}\n`);
  });

  it('gives a cell larger than a buffer a buffer of its own UTF-8 size, not of three bytes a character', () => {
    const cell = `é${'x'.repeat(300_000)}`;
    const text: Buffer[] = [];
    appendCopyRows(text, eachRow([['before', cell, 'after']]), new CopyBuffers());
    expect(text.map((piece) => piece.buffer.byteLength)).toEqual([1 << 18, Buffer.byteLength(cell), 1 << 18]);
    expect(Buffer.concat(text).toString()).toBe(`before\t${cell}\tafter\n`);
  });

  it('escapes a cell of bytes as it would the same text as a string, wherever it stands in the row', () => {
    const value = 'a\\b\tc\nd\re "é€𝄞"';
    const asString = textOf([[1, value, null, value]]);
    for (const row of [
      [1, Buffer.from(value), null, value],
      [1, value, null, Buffer.from(value)],
      [1, Buffer.from(value), null, Buffer.from(value)],
    ]) {
      expect(textOf([row])).toBe(asString);
    }
    expect(textOf([[Buffer.from('x\\y'), 2]])).toBe('x\\\\y\t2\n');
  });

  it('writes a cell of bytes larger than a buffer across the spare buffers, never into one of its size', () => {
    const json = `{"pharmacies":[${Array.from({ length: 60_000 }, (_, k) => `"p\\\\${k}\\"é"`).join(',')}]}`;
    expect(Buffer.byteLength(json)).toBeGreaterThan(3 * (1 << 18));
    const text: Buffer[] = [];
    const bytes = appendCopyRows(text, eachRow([[7, Buffer.from(json)]]), new CopyBuffers());
    for (const piece of text) expect(piece.buffer.byteLength).toBe(1 << 18);
    const joined = Buffer.concat(text);
    expect(joined.length).toBe(bytes);
    expect(joined.toString()).toBe(textOf([[7, json]]));
  });
});
