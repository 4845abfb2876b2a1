import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/** Unpacks a zip into a directory (as Lambda unpacks a function's code into /var/task); returns the entry names. */
export async function extractZip(zipPath: string, into: string): Promise<string[]> {
  const archive = await yauzl.openPromise(zipPath);
  const names: string[] = [];
  try {
    for await (const entry of archive.eachEntry()) {
      const target = path.join(into, entry.fileName);
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(await archive.openReadStreamPromise(entry), createWriteStream(target));
      names.push(entry.fileName);
    }
  } finally {
    archive.close();
  }
  return names;
}
