import { OpaisError } from '../errors.ts';
import { readSnapshotElements } from '../snapshot/read-snapshot-elements.ts';
import { fileSource } from '../source/file-source.ts';

/**
 * Reads a downloaded file to the end through the snapshot reader, so that
 * only a readable export is stored. Returns its element count; a malformed
 * file is refused with the reader's message (offset or entity index), told
 * as a fault of the URL it came from.
 */
export async function verifySnapshotFile(path: string, origin: string): Promise<number> {
  const opened = await fileSource(path).open();
  let elements = 0;
  try {
    for await (const _element of readSnapshotElements(opened.json, origin)) elements += 1;
  } catch (error) {
    opened.json.destroy();
    if (error instanceof OpaisError) throw error;
    throw new OpaisError(
      'SNAPSHOT_MALFORMED',
      `${origin}: ${(error as Error).message}`,
      { url: origin },
      { cause: error },
    );
  }
  return elements;
}
