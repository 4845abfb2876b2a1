import { describe, expect, it } from 'vitest';
import { OpaisError } from '../errors.ts';
import { CoveredEntitiesSplitter } from './split-covered-entities.ts';

const file = 'OPA_CE_DAILY_PUBLIC.JSON';

interface Found {
  index: number;
  offset: number;
  text: string;
}

/** Splits `document` fed in chunks cut at `cuts` (byte positions), and checks the end. */
function split(document: string | Buffer, cuts: number[] = []): Found[] {
  const bytes = typeof document === 'string' ? Buffer.from(document) : document;
  const splitter = new CoveredEntitiesSplitter(file);
  const found: Found[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    for (const element of splitter.push(bytes.subarray(from, cut))) {
      found.push({ index: element.index, offset: element.offset, text: element.bytes.toString('utf8') });
    }
    from = cut;
  }
  splitter.end();
  return found;
}

function refusal(document: string | Buffer, cuts: number[] = []): OpaisError {
  try {
    split(document, cuts);
  } catch (error) {
    expect(error).toBeInstanceOf(OpaisError);
    expect((error as OpaisError).code).toBe('SNAPSHOT_MALFORMED');
    expect((error as OpaisError).message).toContain(file);
    return error as OpaisError;
  }
  throw new Error('the document was accepted');
}

const texts = (found: Found[]) => found.map((element) => element.text);

describe('CoveredEntitiesSplitter', () => {
  const entities = [
    {
      ceId: 1,
      id340B: 'DSH050001',
      name: 'A "quoted" name',
      tags: [[1, 2], [3]],
      nested: { deep: [{ x: '}' }] },
    },
    { ceId: 2, id340B: 'CH05000A', comments: 'brackets ] } [ { and \\ backslash \\', last: '\\' },
    { ceId: 3, id340B: 'X', unicode: 'Ünïcödé ✓ 😀', escaped: '\u0001\n\t"' },
  ];
  const minified = JSON.stringify({ exportDate: '2026-11-26', coveredEntities: entities, recordCount: 3 });
  const pretty = JSON.stringify(
    { exportDate: '2026-11-26', coveredEntities: entities, recordCount: 3 },
    null,
    2,
  );

  it('cuts out each element of coveredEntities with its index and byte offset', () => {
    for (const document of [minified, pretty]) {
      const found = split(document);
      expect(found.map((element) => JSON.parse(element.text))).toEqual(entities);
      expect(found.map((element) => element.index)).toEqual([0, 1, 2]);
      const bytes = Buffer.from(document);
      for (const element of found) {
        expect(
          bytes.subarray(element.offset, element.offset + Buffer.byteLength(element.text)).toString(),
        ).toBe(element.text);
      }
    }
  });

  it('gives the same elements wherever the chunks are cut', () => {
    for (const document of [minified, pretty]) {
      const whole = split(document);
      const length = Buffer.byteLength(document);
      for (let cut = 1; cut < length; cut++) expect(split(document, [cut])).toEqual(whole);
      expect(
        split(
          document,
          Array.from({ length: length - 1 }, (_, i) => i + 1),
        ),
      ).toEqual(whole);
    }
  });

  it('counts a byte-order mark in the offsets', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(minified)]);
    const plain = split(minified);
    const found = split(withBom);
    expect(texts(found)).toEqual(texts(plain));
    expect(found.map((element) => element.offset)).toEqual(plain.map((element) => element.offset + 3));
    expect(split(withBom, [1, 2, 3])).toEqual(found);
  });

  it('ignores other root members, before and after, whatever they hold', () => {
    const document = `{"meta":{"coveredEntities":[{"ceId":9}],"note":"\\"coveredEntities\\": [1]"},
      "list":[[],{}], "coveredEntities" : [ {"ceId":1} , {"ceId":2} ] ,"after":{"coveredEntities":"no"},"n":-1.5e3}`;
    expect(texts(split(document))).toEqual(['{"ceId":1}', '{"ceId":2}']);
  });

  it('recognises the member name written with escapes', () => {
    expect(texts(split('{"covered\\u0045ntities":[{"ceId":1}]}'))).toEqual(['{"ceId":1}']);
  });

  it('emits elements that are not objects (the reader reports them), and none for an empty array', () => {
    expect(texts(split('{"coveredEntities":[1, "two" ,null,[3],true]}'))).toEqual([
      '1',
      '"two"',
      'null',
      '[3]',
      'true',
    ]);
    expect(split('{"coveredEntities":[ ]}')).toEqual([]);
  });

  it('emits an element of several megabytes whole', () => {
    const big = {
      ceId: 1,
      contractPharmacies: Array.from({ length: 40_000 }, (_, i) => ({ contractId: i, name: 'x' })),
    };
    const document = Buffer.from(JSON.stringify({ coveredEntities: [big, { ceId: 2 }] }));
    const cuts = Array.from({ length: Math.floor(document.length / 65_536) }, (_, i) => (i + 1) * 65_536);
    const found = split(document, cuts);
    expect(found).toHaveLength(2);
    expect(JSON.parse(found[0]?.text ?? '')).toEqual(big);
  });

  it('counts the members of each element and flags numbers JSON.parse may not keep exactly', () => {
    const splitter = new CoveredEntitiesSplitter(file);
    const document =
      '{"coveredEntities":[{"a":1,"b":{"c":[{"d":":"}]},"e":"x:y"},' +
      '{"n":123456789012345,"t":true,"f":false},{"n":1234567890123456},{"n":1.5},{"n":2E3},{"n":[1e3]},' +
      '{"s":"1234567890123456.5e9"}]}';
    const found = splitter.push(Buffer.from(document));
    splitter.end();
    expect(found.map((element) => element.members)).toEqual([5, 3, 1, 1, 1, 1, 1]);
    expect(found.map((element) => element.longNumbers)).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  describe('holds no more than the limits allow', () => {
    it('refuses an element larger than the maximum element size, naming the limit, before holding it', () => {
      const splitter = new CoveredEntitiesSplitter(file, { maxElementBytes: 1000 });
      splitter.push(Buffer.from(`{"coveredEntities":[{"a":"${'x'.repeat(990)}"},{"b":"`));
      let error: unknown;
      try {
        for (let k = 0; k < 10; k++) splitter.push(Buffer.from('y'.repeat(200)));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(OpaisError);
      expect((error as OpaisError).code).toBe('SNAPSHOT_TOO_LARGE');
      expect((error as OpaisError).message).toBe(
        `${file} at entity #1, byte offset 1019: this entity is larger than the maximum element size of 1000 bytes (OPAIS_MAX_ELEMENT_BYTES); nothing was applied`,
      );
    });

    it('skips root members of any size without holding them', () => {
      const splitter = new CoveredEntitiesSplitter(file, { maxElementBytes: 1000 });
      splitter.push(Buffer.from('{"padding": "'));
      const megabyte = Buffer.alloc(1 << 20, 'x');
      const whitespace = Buffer.alloc(1 << 20, ' ');
      const heap = process.memoryUsage().heapUsed;
      for (let k = 0; k < 64; k++) splitter.push(megabyte);
      splitter.push(Buffer.from('", "coveredEntities": [{"a":1}], "more": ['));
      for (let k = 0; k < 64; k++) splitter.push(whitespace);
      expect(splitter.push(Buffer.from(']}'))).toEqual([]);
      splitter.end();
      expect(process.memoryUsage().heapUsed - heap).toBeLessThan(32 << 20);
    });
  });

  describe('refuses a malformed document, naming the file and the place', () => {
    it('an empty file', () => {
      expect(refusal('').message).toBe(`${file} at byte offset 0: the file is empty (0 bytes)`);
      expect(refusal(' \n').details).toMatchObject({ offset: 2 });
    });

    it('a root that is not an object', () => {
      expect(refusal('  [{"ceId":1}]').message).toBe(
        `${file} at byte offset 2: the root is not an object: it starts with '['`,
      );
      expect(refusal('"x"').details).toMatchObject({ offset: 0 });
    });

    it('no coveredEntities member', () => {
      expect(refusal('{"entities":[{"ceId":1}],"x":{"coveredEntities":[]}}').message).toContain(
        'the root object has no coveredEntities member',
      );
    });

    it('coveredEntities that is not an array', () => {
      for (const value of ['{"ceId":1}', 'null', '"x"', '12']) {
        const error = refusal(`{"a":1, "coveredEntities": ${value}}`);
        expect(error.message).toContain('coveredEntities is not an array');
        expect(error.details).toMatchObject({ offset: 27 });
      }
    });

    it('coveredEntities twice', () => {
      expect(refusal('{"coveredEntities":[],"coveredEntities":[]}').message).toContain(
        'coveredEntities twice',
      );
    });

    it('a document truncated inside an element', () => {
      const document = '{"coveredEntities":[{"ceId":1},{"ceId":2,"name":"ab';
      const error = refusal(document);
      expect(error.message).toBe(
        `${file} at entity #1, byte offset ${document.length}: the document ends inside this entity, which starts at byte offset 31 (truncated?)`,
      );
    });

    it('a document truncated inside the array or before the root closes', () => {
      expect(refusal('{"coveredEntities":[{"ceId":1},').message).toContain(
        'byte offset 31: the document ends inside coveredEntities after 1 entities',
      );
      expect(refusal('{"coveredEntities":[{"ceId":1}]').message).toContain(
        'the document ends before the root object closes',
      );
      expect(refusal('{"coveredEntities":[1]').message).toContain('before the root object closes');
      expect(refusal('{"coveredEntities":[12').details).toMatchObject({ index: 0, offset: 22 });
    });

    it('garbage after the root object', () => {
      expect(refusal('{"coveredEntities":[]} \n x').message).toBe(
        `${file} at byte offset 25: unexpected 'x' after the root object has closed`,
      );
      expect(refusal('{"coveredEntities":[]}{}').details).toMatchObject({ offset: 22 });
    });

    it('brackets that do not match', () => {
      const error = refusal('{"coveredEntities":[{"ceId":1},{"a":[1}]}');
      expect(error.message).toBe(
        `${file} at entity #1, byte offset 38: '}' does not close the '[' that is open there`,
      );
      expect(refusal('{"x":[1}, "coveredEntities":[]}').details).toMatchObject({ offset: 7 });
    });

    it('elements not separated by single commas', () => {
      expect(refusal('{"coveredEntities":[{"ceId":1} {"ceId":2}]}').message).toBe(
        `${file} at entity #0, byte offset 31: expected ',' or ']' after this entity, found '{'`,
      );
      expect(refusal('{"coveredEntities":[{"ceId":1},]}').details).toMatchObject({ index: 1, offset: 31 });
      expect(refusal('{"coveredEntities":[,{"ceId":1}]}').details).toMatchObject({ index: 0, offset: 20 });
      expect(refusal('{"coveredEntities":[{"ceId":1},,{"ceId":1}]}').details).toMatchObject({ offset: 31 });
    });

    it('root members that are not valid JSON, located in the document', () => {
      const before = '{"x" 1, "coveredEntities":[{"ceId":1}]}';
      expect(refusal(before).message).toBe(
        `${file} at byte offset 5: not valid JSON outside coveredEntities: expected ':' after a member name, found '1'`,
      );
      const after = '{"coveredEntities":[{"ceId":1},{"ceId":2}], "y": nope}';
      expect(refusal(after).details).toMatchObject({ offset: after.indexOf('nope') + 1 });
      const bigAfter = `{"coveredEntities":[${'{"ceId":1},'.repeat(50)}{"ceId":2}], "y": [1,]}`;
      expect(refusal(bigAfter, [100, 200, 300]).details).toMatchObject({
        offset: bigAfter.indexOf(',]') + 1,
      });
    });

    it('every other fault of JSON outside coveredEntities, checked as JSON.parse checks it', () => {
      const faults = [
        '{"a":01,',
        '{"a":-,',
        '{"a":1.,',
        '{"a":1e,',
        '{"a":1e+}',
        '{"a":tru,',
        '{"a":"\\x"',
        '{"a":"\\u12g4"',
        '{"a":"\u0001"',
        '{"a":[1 2]',
        '{"a":{"b" 1}',
        '{"a":{1:2}',
        '{"a":[,]',
        '{"a":1,}',
        '{,',
        '{"a":}',
      ];
      for (const fault of faults) {
        const document = `${fault} "coveredEntities":[]}`;
        expect(() => JSON.parse(document), fault).toThrow();
        expect(refusal(document).message, fault).toContain('not valid JSON outside coveredEntities');
      }
      const valid =
        '{"a":[0,-0.5e+3,1E-2,true,false,null,"\\u00e9\\n",{},[]],"b":{"c":{}},"coveredEntities":[]}';
      expect(split(valid)).toEqual([]);
      expect(
        split(
          valid,
          Array.from({ length: valid.length - 1 }, (_, i) => i + 1),
        ),
      ).toEqual([]);
    });

    it('invalid UTF-8 outside the elements, and a broken byte-order mark', () => {
      const bytes = Buffer.concat([
        Buffer.from('{"x":"a'),
        Buffer.from([0xff]),
        Buffer.from('","coveredEntities":[]}'),
      ]);
      expect(refusal(bytes).message).toBe(`${file} at byte offset 7: invalid UTF-8`);
      expect(refusal(Buffer.from([0xef, 0xbb, 0x7b, 0x7d])).message).toContain('invalid UTF-8');
    });
  });
});
