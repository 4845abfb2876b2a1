import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { OpaisError } from '../errors.ts';
import { fileSource } from '../source/file-source.ts';
import { readSnapshotElements } from './read-snapshot-elements.ts';

/**
 * Hostile inputs far larger than what the reader may hold, generated as
 * streams (never held by the test). Peak RSS is this test process's own
 * (each test file runs in its own process).
 */
const mebibyte = 1 << 20;

/** `head`, then `megabytes` MiB of `fill`, then `tail`, in 1 MiB chunks. */
function generated(head: string, fill: string, megabytes: number, tail: string): Readable {
  const chunk = Buffer.alloc(mebibyte, fill);
  return Readable.from(
    (function* () {
      yield Buffer.from(head);
      for (let k = 0; k < megabytes; k++) yield chunk;
      yield Buffer.from(tail);
    })(),
  );
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function readAll(json: Readable, options: Parameters<typeof readSnapshotElements>[2] = {}) {
  const kinds: string[] = [];
  for await (const element of readSnapshotElements(json, 'hostile.json', { workers: 0, ...options }))
    kinds.push(element.kind);
  return kinds;
}

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'opais-reader-bounds-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('the reader holds what the limits allow, whatever the input', () => {
  it('skips root members of 256 MiB (whitespace, a string) without holding them', async () => {
    const before = peakRssMb();
    const entity = '{"id340B":"A","ceId":1}';
    const kinds = await readAll(
      Readable.from(
        (async function* () {
          yield* generated('{"padding":"', 'x', 256, '",');
          yield* generated(`"coveredEntities":[${entity}],"more":[`, ' ', 256, ']}');
        })(),
      ),
    );
    expect(kinds).toEqual(['entity']);
    expect(peakRssMb() - before).toBeLessThan(100);
  });

  it('refuses an entity larger than the maximum element size, naming the limit, before holding it', async () => {
    const before = peakRssMb();
    const error = await readAll(
      generated('{"coveredEntities":[{"id340B":"A","ceId":1,"name":"', 'x', 300, '"}]}'),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpaisError);
    expect(error).toMatchObject({
      code: 'SNAPSHOT_TOO_LARGE',
      message:
        'hostile.json at entity #0, byte offset 20: this entity is larger than the maximum element size of 67108864 bytes (OPAIS_MAX_ELEMENT_BYTES); nothing was applied',
    });
    expect(peakRssMb() - before).toBeLessThan(200);
  });

  it('refuses a zip that would inflate beyond the maximum ratio before inflating it', async () => {
    const zipPath = join(directory, 'bomb.zip');
    const zip = new yazl.ZipFile();
    zip.addReadStream(
      generated('{"padding":[', ' ', 256, '],"coveredEntities":[]}'),
      'OPA_CE_DAILY_PUBLIC.JSON',
    );
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(zipPath));
    const error = await fileSource(zipPath)
      .open()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'SNAPSHOT_TOO_LARGE',
      message: expect.stringMatching(
        /bomb\.zip: OPA_CE_DAILY_PUBLIC\.JSON would inflate from \d+ to 268435491 bytes, \d+ times its size, more than the maximum zip expansion ratio of 100 \(OPAIS_MAX_ZIP_RATIO\); nothing was read/,
      ),
    });
  });
});
