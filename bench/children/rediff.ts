/**
 * Bench child: reads one snapshot with one reader and diffs every entity
 * against a registry of content hashes, the way an ingest does before it
 * writes anything (classify each key, remember the keys seen, find the
 * removed ones). Prints the timing of that pass and the counts.
 *
 *   rediff.ts --reader ours|stream-json|json-parse --file F [--registry R.tsv] [--save-registry OUT.tsv]
 *
 * R.tsv: stream id, content hash, raw hash, layout-free hash, tab-separated.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { entityStreamId } from '../../src/events/stream-names.ts';
import { initContentHash } from '../../src/snapshot/content-hash.ts';
import { isReaderName, loadElementReader, readerNames } from '../element-readers.ts';
import { reportResult } from '../run-child.ts';

const { values } = parseArgs({
  options: {
    reader: { type: 'string' },
    file: { type: 'string' },
    registry: { type: 'string' },
    'save-registry': { type: 'string' },
  },
});
if (!isReaderName(values.reader) || !values.file) {
  throw new Error(`usage: rediff.ts --reader ${readerNames.join('|')} --file F [--registry R.tsv]`);
}

await initContentHash();
const read = await loadElementReader(values.reader);
// The registry as an ingest holds it: stream id → content hash, and raw and layout-free hash → stream id,
// loaded before the clock starts.
const registry = new Map<string, string>();
const known = { knownElements: new Map<string, string>(), knownLayouts: new Map<string, string>() };
if (values.registry) {
  for (const line of (await readFile(values.registry, 'utf8')).split('\n')) {
    const [streamId, contentHash, rawHash, layoutFreeHash] = line.split('\t');
    if (!streamId || !contentHash) continue;
    registry.set(streamId, contentHash);
    if (rawHash) known.knownElements.set(rawHash, streamId);
    if (layoutFreeHash) known.knownLayouts.set(layoutFreeHash, streamId);
  }
}
const saved = values['save-registry'] ? createWriteStream(values['save-registry']) : undefined;

const counts = { entities: 0, registered: 0, changed: 0, unchanged: 0, removed: 0, skipped: 0 };
const seen = new Set<string>();
const started = performance.now();
for await (const element of read(values.file, known)) {
  counts.entities += 1;
  if (element.kind === 'problem') {
    counts.skipped += 1;
    continue;
  }
  if (element.kind === 'known') {
    // The registry's element of this stream, byte for byte or laid out anew: unchanged without parsing.
    seen.add(element.streamId);
    counts.unchanged += 1;
    continue;
  }
  const streamId = entityStreamId(element.id340B, element.ceId);
  seen.add(streamId);
  const previous = registry.get(streamId);
  if (previous === undefined) counts.registered += 1;
  else if (previous === element.contentHash) counts.unchanged += 1;
  else counts.changed += 1;
  saved?.write(
    `${streamId}\t${element.contentHash}\t${element.rawHash ?? ''}\t${element.layoutFreeHash ?? ''}\n`,
  );
}
for (const streamId of registry.keys()) if (!seen.has(streamId)) counts.removed += 1;
const wallMs = performance.now() - started;
if (saved)
  await new Promise<void>((resolve, reject) =>
    saved.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
reportResult({ wallMs, ...counts });
