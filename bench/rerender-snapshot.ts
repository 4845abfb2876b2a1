import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { CoveredEntitiesSplitter } from '../src/snapshot/split-covered-entities.ts';

/**
 * The same snapshot as HRSA might re-render it: minified instead of
 * pretty-printed, each entity's members and every array in it (the child
 * collections among them) in reverse order. Same content, so a re-diff finds
 * every entity unchanged, but no element's bytes match the registry's raw
 * hashes: every element must be parsed. Written once beside the original,
 * as `<file>.rerendered.json`.
 */
export async function rerenderedSnapshot(path: string): Promise<string> {
  const target = `${path}.rerendered.json`;
  if (existsSync(target)) return target;
  const out = createWriteStream(`${target}.partial`);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const splitter = new CoveredEntitiesSplitter(path);
  await write('{"coveredEntities":[');
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    for (const element of splitter.push(chunk as Buffer)) {
      await write((first ? '' : ',') + JSON.stringify(reordered(JSON.parse(element.bytes.toString('utf8')))));
      first = false;
    }
  }
  splitter.end();
  await write(']}');
  out.end();
  await once(out, 'finish');
  await rename(`${target}.partial`, target);
  return target;
}

function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered).reverse();
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, member]) => [key, reordered(member)]),
  );
}
