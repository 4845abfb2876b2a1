import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventStoreTables } from '../src/store/postgres/plans.ts';
import { stringLiterals } from './support/string-literals.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const thisFile = path.relative(root, fileURLToPath(import.meta.url));

/** The one folder whose code may write SQL against the event store's tables (docs/architecture.md#the-event-store-port). */
const storeFolder = 'src/store/postgres/';

/**
 * Files that may still read the event tables while their replacement is on
 * its way (none now). Each entry must go when its replacement lands.
 */
const allowed = new Set<string>([]);

const sqlOnEventTables = new RegExp(
  `\\b(from|join|into|update|table|truncate)\\s+(only\\s+)?([\\w$]*\\s*\\.)?(${eventStoreTables.join('|')})\\b(?!\\s*\\()`,
  'i',
);

/** The SQL on the event tables in one source text: each offending literal's line and text. */
function eventTableSql(source: string): { line: number; text: string }[] {
  return stringLiterals(source)
    .filter((literal) => sqlOnEventTables.test(literal.text))
    .map(({ line, text }) => ({ line, text: text.replace(/\s+/g, ' ').trim().slice(0, 120) }));
}

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(relative);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [relative] : [];
  });
}

describe('the event store boundary', () => {
  it('finds SQL on the event tables in string literals, not in comments or prose', () => {
    const planted = [
      'const a = `select count(*) from events where x`;',
      "const b = 'update entity_registry set is_current = true';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text with a template in it
      'const c = `select s.* from ${schema}.snapshots s`;',
      '// select * from events: a comment is not SQL',
      "const d = 'the events of a snapshot'; const e = /from events/;",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text with a template in it
      "const f = 'from eventsTable'; const g = `${x}`; const h = 'join snapshots_backup';",
    ].join('\n');
    expect(eventTableSql(planted).map((found) => found.line)).toEqual([1, 2, 3]);
  });

  it('no code outside src/store/postgres/ writes SQL against the event tables', () => {
    const files = ['bin', 'bench', 'infra', 'projections', 'src', 'test'].flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const offenders = files
      .filter((file) => !file.startsWith(storeFolder) && file !== thisFile && !allowed.has(file))
      .flatMap((file) =>
        eventTableSql(readFileSync(path.join(root, file), 'utf8')).map(
          (found) => `${file}:${found.line}: ${found.text}`,
        ),
      );
    expect(offenders).toEqual([]);
  });

  it('allows only files that still offend', () => {
    for (const file of allowed) {
      expect(eventTableSql(readFileSync(path.join(root, file), 'utf8')), file).not.toEqual([]);
    }
  });
});
