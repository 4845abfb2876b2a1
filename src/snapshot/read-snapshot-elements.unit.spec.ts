import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OpaisError } from '../errors.ts';
import { canonicalEntityJson } from './canonicalise.ts';
import { contentHashOfUtf8, initContentHash } from './content-hash.ts';
import { type ReadSnapshotOptions, readSnapshotElements } from './read-snapshot-elements.ts';
import type { EntityElement, SnapshotElement } from './snapshot-element.ts';

const file = 'snapshot.json';

/** The document as a stream of chunks of `chunkBytes`. */
function streamOf(document: string | Buffer, chunkBytes = 7): Readable {
  const bytes = typeof document === 'string' ? Buffer.from(document) : document;
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
  return Readable.from(chunks);
}

async function read(document: string | Buffer): Promise<SnapshotElement[]> {
  const elements: SnapshotElement[] = [];
  for await (const element of readSnapshotElements(streamOf(document), file, { workers: 0 }))
    elements.push(element);
  return elements;
}

/** The elements of a document read on this thread with these options. */
async function readWith(document: string, options: ReadSnapshotOptions): Promise<SnapshotElement[]> {
  const elements: SnapshotElement[] = [];
  for await (const element of readSnapshotElements(streamOf(document), file, { workers: 0, ...options }))
    elements.push(element);
  return elements;
}

async function refusal(document: string | Buffer): Promise<OpaisError> {
  const error = await read(document).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OpaisError);
  expect((error as OpaisError).code).toBe('SNAPSHOT_MALFORMED');
  return error as OpaisError;
}

describe('readSnapshotElements (on this thread)', () => {
  it('yields each element parsed, checked, canonicalised and hashed, in file order', async () => {
    await initContentHash();
    const first = {
      id340B: 'A1',
      ceId: 1,
      name: 'One',
      npiNumbers: [{ npiNumber: '2' }, { npiNumber: '1' }],
    };
    const document = `\uFEFF{"coveredEntities": [${JSON.stringify(first)}, {"ceId": 2}, 7]}`;
    const elements = await read(document);
    const canonicalJson = canonicalEntityJson(first);
    expect(elements).toEqual([
      {
        kind: 'entity',
        index: 0,
        offset: 24,
        id340B: 'A1',
        ceId: 1,
        contentHash: contentHashOfUtf8(Buffer.from(canonicalJson)),
        canonical: Buffer.from(canonicalJson),
        rawHash: expect.stringMatching(/^[0-9a-f]{32}$/),
        layoutFreeHash: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
      {
        kind: 'problem',
        index: 1,
        offset: Buffer.from(document).indexOf('{"ceId": 2}'),
        problem: expect.objectContaining({
          code: 'MISSING_KEY',
          index: 1,
          message: 'id340B is missing',
          ceId: 2,
        }),
      },
      expect.objectContaining({
        kind: 'problem',
        index: 2,
        problem: expect.objectContaining({ code: 'NOT_AN_OBJECT' }),
      }),
    ]);
  });

  it('gives equal entities equal hashes however they are written', async () => {
    const [a, b] = await read(
      `{"coveredEntities":[{"ceId":1,"id340B":"A","npiNumbers":[{"npiNumber":"1"},{"npiNumber":"2"}],"x":null},
        {"npiNumbers":[{"npiNumber":"2"},{"npiNumber":"1"},{"npiNumber":"2"}],"id340B":"A","ceId":1,"y":""}]}`,
    );
    expect(a?.kind === 'entity' && b?.kind === 'entity' && a.contentHash === b.contentHash).toBe(true);
  });

  it('refuses an element that is not valid JSON, naming the entity and the byte offset', async () => {
    const document = '{"coveredEntities":[{"ceId":1,"id340B":"A"},\n {"ceId":2,"id340B":"B","zip":01234}]}';
    const error = await refusal(document);
    // JSON.parse's own text ends with "(line 1 column 31)" from Node 22 on, not before.
    expect(error.message.replace(/ \(line \d+ column \d+\)$/, '')).toBe(
      `${file} at entity #1, byte offset ${document.indexOf('1234')}: not valid JSON: Unexpected number in JSON at position 30`,
    );
    const unexpected = '{"coveredEntities":[{"ceId":1,"id340B": tru}]}';
    expect((await refusal(unexpected)).details).toMatchObject({ index: 0, offset: unexpected.indexOf('}') });
  });

  it('refuses a raw control character in a string', async () => {
    const error = await refusal('{"coveredEntities":[{"ceId":1,"id340B":"A\tB"}]}');
    expect(error.message).toContain('at entity #0, byte offset 41: not valid JSON: Bad control character');
  });

  it('refuses invalid UTF-8 inside an element at the bad byte', async () => {
    const head = Buffer.from(
      '{"coveredEntities":[{"ceId":1,"id340B":"A"},{"ceId":2,"id340B":"B","name":"caf',
    );
    const document = Buffer.concat([head, Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
    expect((await refusal(document)).message).toBe(
      `${file} at entity #1, byte offset ${head.length}: invalid UTF-8`,
    );
    const surrogate = Buffer.concat([head, Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}]}')]);
    expect((await refusal(surrogate)).details).toMatchObject({ index: 1, offset: head.length });
  });

  it('reports the first fault in file order', async () => {
    const truncatedAfterBadElement = '{"coveredEntities":[{"ceId":1,"id340B":x},{"ceId":2,"id340B":"B"}';
    expect((await refusal(truncatedAfterBadElement)).details).toMatchObject({ index: 0 });
  });

  it('reads on demand, and stops reading when the consumer stops', async () => {
    const element = JSON.stringify({ ceId: 1, id340B: 'A', name: 'x'.repeat(1000) });
    const count = 20_000;
    let pulled = 0;
    const json = Readable.from(
      (function* () {
        yield Buffer.from('{"coveredEntities":[');
        for (let i = 0; i < count; i++) {
          const chunk = Buffer.from(i === 0 ? element : `,${element}`);
          pulled += chunk.length;
          yield chunk;
        }
        yield Buffer.from(']}');
      })(),
    );
    let seen = 0;
    for await (const _ of readSnapshotElements(json, file, { workers: 0 })) {
      if (++seen === 10) break;
    }
    expect(pulled).toBeLessThan(2_000_000);
    expect(pulled).toBeLessThan(count * element.length);
    expect(json.destroyed).toBe(true);
  });
});

describe('values JSON.parse would silently change', () => {
  const problemOf = async (entity: string) => {
    const [element] = await read(`{"coveredEntities":[\n${entity}]}`);
    return element?.kind === 'problem' ? element.problem : undefined;
  };

  it('refuses an entity with a number that would not read back as written, naming it and its path', async () => {
    const examples: Array<[string, string, string]> = [
      ['9007199254740993', 'ceId', 'a JSON reader gets 9007199254740992'],
      ['12345678901234567890', 'extra', 'a JSON reader gets 12345678901234567000'],
      [
        '123456789012345678901234567890',
        'contractPharmacies[1].pharmacyId',
        'a JSON reader gets 1.2345678901234568e+29',
      ],
      ['1e400', 'unknown.deep[0]', 'out of range (a JSON reader gets Infinity, stored as null)'],
      ['-1E400', 'extra', 'out of range'],
      ['0.1000000000000000000001', 'extra', 'a JSON reader gets 0.1'],
    ];
    for (const [number, path, became] of examples) {
      const member =
        path === 'ceId'
          ? `"ceId":${number}`
          : path === 'extra'
            ? `"ceId":1,"extra":${number}`
            : path.startsWith('contract')
              ? `"ceId":1,"contractPharmacies":[{"contractId":1},{"contractId":2,"pharmacyId":${number}}]`
              : `"ceId":1,"unknown":{"deep":[${number}]}`;
      const problem = await problemOf(`{"id340B":"A",${member}}`);
      expect(problem, number).toMatchObject({ code: 'INEXACT_NUMBER', index: 0, offset: 21, id340B: 'A' });
      expect(problem?.message, number).toContain(
        `${path} is the number ${number}, which cannot be kept exactly (`,
      );
      expect(problem?.message, number).toContain(became);
    }
  });

  it('keeps numbers that read back as the same decimal, written in any JSON form', async () => {
    const kept = await read(
      '{"coveredEntities":[{"id340B":"A","ceId":9007199254740991,"x":[1.50,1e2,-0.0,0.1,1234567890123456,12345678901234567e3]}]}',
    );
    expect(kept[0]).toMatchObject({ kind: 'entity' });
    expect(kept[0]?.kind === 'entity' && Buffer.from(kept[0].canonical).toString()).toBe(
      '{"ceId":9007199254740991,"id340B":"A","x":[1.5,100,0,0.1,1234567890123456,12345678901234567000]}',
    );
  });

  it('reports a name repeated in one object as a problem of that entity, at any depth', async () => {
    const top = await problemOf('{"id340B":"A","ceId":1,"name":"x:y","ceId":2}');
    expect(top).toMatchObject({ code: 'REPEATED_KEY', index: 0, id340B: 'A' });
    expect(top?.message).toBe(
      'ceId is written more than once in one object; readers disagree on which value counts, so the entity is skipped',
    );
    const nested = await problemOf(
      '{"id340B":"A","ceId":1,"contractPharmacies":[{"contractId":1,"name":"a"},{"contractId":2,"name":"b","name":"c"}]}',
    );
    expect(nested?.message).toMatch(/^contractPharmacies\[1\]\.name is written more than once/);
    // The same name in sibling objects, or inside strings, is no repeat.
    const [fine] = await read(
      '{"coveredEntities":[{"id340B":"A","ceId":1,"a":{"k":1},"b":{"k":1},"note":"\\"a\\": 1, \\"a\\": 2"}]}',
    );
    expect(fine?.kind).toBe('entity');
  });
});

const entity = (id: string, name: string) => `{"id340B":"${id}","ceId":1,"name":"${name}"}`;

describe('elements known by their raw bytes', () => {
  it('are yielded as known, without parsing, in file order among the parsed ones', async () => {
    const first = await readWith(
      `{"coveredEntities":[${entity('A', 'a')},${entity('B', 'b')},${entity('C', 'c')}]}`,
      {},
    );
    const rawHashes = first.map((element) => (element.kind === 'entity' ? element.rawHash : undefined));
    expect(rawHashes.every((hash) => typeof hash === 'string' && hash.length === 32)).toBe(true);

    const known = new Map([
      [rawHashes[0] as string, 'coveredEntity-A.1'],
      [rawHashes[2] as string, 'coveredEntity-C.1'],
    ]);
    const second = await readWith(
      `{"coveredEntities":[${entity('A', 'a')},${entity('B', 'b2')},${entity('C', 'c')}, ${entity('A', 'a')}]}`,
      { knownElements: known },
    );
    expect(second.map((element) => [element.kind, element.index])).toEqual([
      ['known', 0],
      ['entity', 1],
      ['known', 2],
      ['known', 3],
    ]);
    expect(second[0]).toMatchObject({ streamId: 'coveredEntity-A.1', rawHash: rawHashes[0] });
    expect(second[1]).toMatchObject({
      id340B: 'B',
      rawHash: expect.not.stringMatching(rawHashes[1] as string),
    });
  });
});

describe('elements laid out anew', () => {
  const relaidOut = (id: string, name: string) =>
    `{\n  "name" : "${name}",\n  "ceId" : 1,\n  "id340B" : "${id}"\n}`;

  it('are recognised by their layout-free hash without parsing, and keep their own raw hash', async () => {
    const first = await readWith(
      `{"coveredEntities":[${entity('A', 'a')},${entity('B', 'b')},${entity('C', 'c')}]}`,
      {},
    );
    const entities = first.filter((element) => element.kind === 'entity');
    expect(entities.map((element) => element.layoutFreeHash)).toEqual([
      expect.stringMatching(/^[0-9a-f]{16}$/),
      expect.stringMatching(/^[0-9a-f]{16}$/),
      expect.stringMatching(/^[0-9a-f]{16}$/),
    ]);
    const [a, b, c] = entities;
    const knownLayouts = new Map([
      [a?.layoutFreeHash as string, 'coveredEntity-A.1'],
      [b?.layoutFreeHash as string, 'coveredEntity-B.1'],
      [c?.layoutFreeHash as string, 'coveredEntity-C.1'],
    ]);
    const second = await readWith(
      `{"coveredEntities":[${relaidOut('A', 'a')},${relaidOut('B', 'b2')},${entity('C', 'c')}]}`,
      { knownElements: new Map([[c?.rawHash as string, 'coveredEntity-C.1']]), knownLayouts },
    );
    expect(second.map((element) => [element.kind, element.index])).toEqual([
      ['known', 0],
      ['entity', 1],
      ['known', 2],
    ]);
    expect(second[0]).toMatchObject({
      streamId: 'coveredEntity-A.1',
      rawHash: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(second[0]).not.toMatchObject({ rawHash: a?.rawHash });
    expect(second[1]).toMatchObject({ id340B: 'B' });
    expect((second[1] as EntityElement).layoutFreeHash).not.toBe(b?.layoutFreeHash);
    expect(second[2]).toMatchObject({ streamId: 'coveredEntity-C.1', rawHash: c?.rawHash });
  });
});
