/**
 * Bench child: the issues' baseline, a bare single-threaded JSON.parse of a
 * whole snapshot file (read as UTF-8, then parsed), timed from the start of
 * the read to the parsed tree.
 *
 *   json-parse.ts --file F
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { reportResult } from '../run-child.ts';

const { values } = parseArgs({ options: { file: { type: 'string' } } });
if (!values.file) throw new Error('usage: json-parse.ts --file F');

const started = performance.now();
const root = JSON.parse(await readFile(values.file, 'utf8')) as { coveredEntities: unknown[] };
const wallMs = performance.now() - started;
reportResult({ wallMs, entities: root.coveredEntities.length });
