import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { OpaisError } from '../errors.ts';
import { readSnapshotElements } from '../snapshot/read-snapshot-elements.ts';
import type { SnapshotElement } from '../snapshot/snapshot-element.ts';
import { fileSource } from './file-source.ts';
import type { OpenedSnapshot } from './snapshot-source.ts';
import { openJsonInZipReader } from './zip-json-entry.ts';

const json = Buffer.from(
  JSON.stringify(
    {
      exportDate: '2026-11-26T05:00:00',
      coveredEntities: [
        { ceId: 1, id340B: 'DSH050001', name: 'ONE', npiNumbers: [{ npiNumber: '1215284153', state: 'VA' }] },
        { ceId: 2, id340B: 'DSH05000A', name: 'TWO' },
      ],
    },
    null,
    2,
  ),
);

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'opais-file-source-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function zipOf(entries: Record<string, Buffer>, compress = true): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of Object.entries(entries)) zip.addBuffer(bytes, name, { compress });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function fileWith(name: string, bytes: Buffer): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, bytes);
  return path;
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function elementsOf(opened: OpenedSnapshot, name: string): Promise<SnapshotElement[]> {
  const elements: SnapshotElement[] = [];
  for await (const element of readSnapshotElements(opened.json, name, { workers: 0 })) elements.push(element);
  return elements;
}

async function refusalOf(promise: Promise<unknown>): Promise<OpaisError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OpaisError);
  return error as OpaisError;
}

describe('fileSource', () => {
  it('streams a .json file, hashing its bytes, with its facts', async () => {
    const path = await fileWith('OPA_CE_DAILY_PUBLIC.JSON', json);
    const opened = await fileSource(path).open();
    expect(await bytesOf(opened.json)).toEqual(json);
    expect(await opened.sha256()).toBe(sha256(json));
    const { mtime } = await stat(path);
    expect(opened.jsonBytes).toBe(json.length);
    expect(opened.lastModified).toEqual(mtime);
    expect(opened.info).toEqual({
      kind: 'file',
      path,
      fileName: 'OPA_CE_DAILY_PUBLIC.JSON',
      sizeBytes: json.length,
      lastModified: mtime.toISOString(),
    });
  });

  it('reads the export inside a zip, hashing the zip bytes', async () => {
    const zip = await zipOf({ 'readme.txt': Buffer.from('hi'), 'OPA_CE_DAILY_PUBLIC.JSON': json });
    const path = await fileWith('export.zip', zip);
    const opened = await fileSource(path).open();
    expect(opened.jsonBytes).toBe(json.length);
    expect(opened.info).toMatchObject({ fileName: 'export.zip', sizeBytes: zip.length });
    const elements = await elementsOf(opened, path);
    expect(await opened.sha256()).toBe(sha256(zip));

    const plain = await elementsOf(await fileSource(await fileWith('plain.json', json)).open(), 'plain.json');
    expect(elements).toEqual(plain);
    expect(elements).toHaveLength(2);
  });

  it('finds the export in a zip by name in any case and folder, else as the only .json entry; stored or deflated', async () => {
    const layouts: Record<string, Buffer>[] = [
      { 'daily/opa_ce_daily_public.json': json, 'other.json': Buffer.from('{}') },
      { 'notes.txt': Buffer.from('x'), 'export-2026-11-26.JSON': json },
      { '__MACOSX/._export.json': Buffer.from([0, 5, 22]), 'export.json': json },
    ];
    for (const [i, entries] of layouts.entries()) {
      for (const compress of [true, false]) {
        const opened = await fileSource(
          await fileWith(`layout-${i}-${compress}.zip`, await zipOf(entries, compress)),
        ).open();
        expect(await bytesOf(opened.json)).toEqual(json);
      }
    }
  });

  it('refuses a zip without the export, listing what it holds', async () => {
    const path = await fileWith(
      'wrong.zip',
      await zipOf({ 'readme.txt': Buffer.from('x'), 'data.csv': Buffer.from('a,b') }),
    );
    const error = await refusalOf(fileSource(path).open());
    expect(error.code).toBe('SNAPSHOT_MALFORMED');
    expect(error.message).toBe(
      `${path}: the zip holds no OPA_CE_DAILY_PUBLIC.JSON and no other .json file (it holds readme.txt, data.csv)`,
    );
    const two = await fileWith('two.zip', await zipOf({ 'a.json': json, 'b.json': json }));
    expect((await refusalOf(fileSource(two).open())).message).toContain('several candidate .json files');
  });

  it('refuses a corrupt zip, naming it', async () => {
    const zip = await zipOf({ 'OPA_CE_DAILY_PUBLIC.JSON': json }, false);
    const corrupt = Buffer.from(zip);
    corrupt[zip.indexOf('DSH050001')] = 0x58; // stored bytes changed: only the CRC-32 tells
    const path = await fileWith('corrupt.zip', corrupt);
    const opened = await fileSource(path).open();
    const error = await refusalOf(bytesOf(opened.json));
    expect(error.message).toBe(
      `${path}: OPA_CE_DAILY_PUBLIC.JSON fails its CRC-32 check: the zip is corrupt`,
    );

    const cut = await fileWith('cut.zip', zip.subarray(0, zip.length - 30));
    expect((await refusalOf(fileSource(cut).open())).message).toMatch(
      /^.*cut\.zip: not a readable zip file: /,
    );
  });

  it('decides zip or JSON by the bytes, not the name', async () => {
    const zipNamedJson = await fileWith('looks-like.json', await zipOf({ 'OPA_CE_DAILY_PUBLIC.JSON': json }));
    expect(await bytesOf((await fileSource(zipNamedJson).open()).json)).toEqual(json);
    const jsonNamedZip = await fileWith('looks-like.zip', json);
    expect(await bytesOf((await fileSource(jsonNamedZip).open()).json)).toEqual(json);
  });

  it('refuses a missing file, naming it', async () => {
    const path = join(directory, 'nowhere.json');
    const error = await refusalOf(fileSource(path).open());
    expect(error.code).toBe('SOURCE_NOT_FOUND');
    expect(error.message).toBe(`${path}: no such file`);
  });

  it('opens a 0-byte file, whose reading is refused as empty', async () => {
    const path = await fileWith('empty.json', Buffer.alloc(0));
    const opened = await fileSource(path).open();
    const error = await refusalOf(elementsOf(opened, path));
    expect(error.message).toBe(`${path} at byte offset 0: the file is empty (0 bytes)`);
    expect(await opened.sha256()).toBe(sha256(Buffer.alloc(0)));
  });

  it('does not leave the hash waiting when the JSON is abandoned', async () => {
    const path = await fileWith('abandoned.zip', await zipOf({ 'OPA_CE_DAILY_PUBLIC.JSON': json }));
    const opened = await fileSource(path).open();
    opened.json.destroy();
    await expect(opened.sha256()).rejects.toThrow();
  });
});

/** A yauzl reader over bytes in memory: what an S3 reader does with ranged GETs. */
class BufferReader extends yauzl.RandomAccessReader {
  readonly ranges: [number, number][] = [];

  private readonly bytes: Buffer;

  constructor(bytes: Buffer) {
    super();
    this.bytes = bytes;
  }

  override _readStreamForRange(start: number, end: number): Readable {
    this.ranges.push([start, end]);
    return Readable.from([this.bytes.subarray(start, end)]);
  }
}

describe('openJsonInZipReader', () => {
  it('reads the export through a random-access reader, fetching only some ranges', async () => {
    const padding = Buffer.alloc(200_000, 'x');
    const zip = await zipOf({ 'big.bin': padding, 'OPA_CE_DAILY_PUBLIC.JSON': json }, false);
    const reader = new BufferReader(zip);
    const found = await openJsonInZipReader(reader, zip.length, 's3://bucket/export.zip');
    expect(found).toMatchObject({ entryName: 'OPA_CE_DAILY_PUBLIC.JSON', jsonBytes: json.length });
    expect(await bytesOf(found.json)).toEqual(json);
    const fetched = reader.ranges.reduce((sum, [start, end]) => sum + end - start, 0);
    expect(fetched).toBeLessThan(padding.length);
  });

  it('names the zip when it is not one', async () => {
    const bytes = await readFile(new URL(import.meta.url));
    const error = await refusalOf(openJsonInZipReader(new BufferReader(bytes), bytes.length, 's3://b/k.zip'));
    expect(error.message).toMatch(/^s3:\/\/b\/k\.zip: not a readable zip file: /);
  });
});
