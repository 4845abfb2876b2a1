import type { EntityLine, FieldChange, MorningReport, ReportList } from './build-report.ts';

export type Cell = string | number | null;

/** One table of the report as every format shows it. `more` counts rows beyond those listed. */
export interface ReportSection {
  id: string;
  title: string;
  columns: string[];
  rows: Cell[][];
  more: number;
}

const entityColumns = ['id340B', 'ceId', 'name', 'entityType', 'state'];
const fieldColumns = ['id340B', 'ceId', 'name', 'field', 'before', 'after'];
const countColumns = ['registered', 'changed', 'removed', 'total'];

/**
 * The report as a list of tables: the one layout that the text, Markdown,
 * CSV and HTML formats all render, so they say the same thing.
 */
export function reportSections(report: MorningReport): ReportSection[] {
  const { snapshot, counts } = report;
  const summary = snapshot.counts;
  const pharmacies = report.contractPharmacies;
  return [
    section(
      'snapshot',
      'Snapshot',
      ['item', 'value'],
      [
        ['as of', snapshot.asOf],
        ['previous snapshot', snapshot.previousAsOf ?? '(none: first snapshot)'],
        ['source', sourceText(snapshot.source)],
        ['sha256', snapshot.sha256],
        ['entities in the file', summary.entities],
      ],
    ),
    section(
      'counts',
      'Changes by kind (events, and the ingest summary)',
      ['kind', 'events', 'ingest summary'],
      [
        ['registered', counts.byKind.registered, summary.registered],
        ['changed', counts.byKind.changed, summary.changed],
        ['removed', counts.byKind.removed, summary.removed],
        ['unchanged', null, summary.unchanged],
        ['skipped (data quality)', null, summary.skipped],
      ],
    ),
    section(
      'by-entity-type',
      'Changes by entity type',
      ['entityType', ...countColumns],
      counts.byEntityType.map((row) => [row.entityType, row.registered, row.changed, row.removed, row.total]),
    ),
    section(
      'by-state',
      'Changes by state',
      ['state', ...countColumns],
      counts.byState.map((row) => [row.state, row.registered, row.changed, row.removed, row.total]),
    ),
    listSection('registered', 'Entities registered', entityColumns, report.registered, entityCells),
    listSection('removed', 'Entities removed (last known state)', entityColumns, report.removed, entityCells),
    listSection(
      'participation',
      'Participation changes (participating, terminationDate)',
      fieldColumns,
      report.participation,
      fieldCells,
    ),
    section(
      'contract-pharmacies',
      'Contract pharmacies',
      ['measure', 'count'],
      [
        ['added', pharmacies.added],
        ['removed', pharmacies.removed],
        ['terminated (terminationDate set)', pharmacies.terminated],
        ['changed otherwise', pharmacies.changed],
        ['entities with contract pharmacy changes', pharmacies.entities],
      ],
    ),
    listSection(
      'pharmacy-net-change',
      'Largest net change in contract pharmacies (added − removed − terminated)',
      ['id340B', 'ceId', 'name', 'added', 'removed', 'terminated', 'changed', 'net'],
      pharmacies.largestNetChange,
      (row) => [row.id340B, row.ceId, row.name, row.added, row.removed, row.terminated, row.changed, row.net],
    ),
    listSection('addresses', 'Address changes', fieldColumns, report.addresses, fieldCells),
    listSection('npi', 'NPI changes', fieldColumns, report.npiNumbers, fieldCells),
    listSection('medicaid', 'Medicaid number changes', fieldColumns, report.medicaidNumbers, fieldCells),
    listSection(
      'data-quality',
      'Data-quality problems of the ingest',
      ['code', 'index', 'id340B', 'ceId', 'message'],
      report.dataQuality,
      (problem) => [
        problem.code,
        problem.index,
        problem.id340B ?? null,
        problem.ceId ?? null,
        problem.message,
      ],
    ),
  ];
}

function section(id: string, title: string, columns: string[], rows: Cell[][]): ReportSection {
  return { id, title, columns, rows, more: 0 };
}

function listSection<Row>(
  id: string,
  title: string,
  columns: string[],
  list: ReportList<Row>,
  cells: (row: Row) => Cell[],
): ReportSection {
  return { id, title, columns, rows: list.items.map(cells), more: list.total - list.items.length };
}

function entityCells(row: EntityLine): Cell[] {
  return [row.id340B, row.ceId, row.name, row.entityType, row.state];
}

function fieldCells(row: EntityLine & FieldChange): Cell[] {
  return [row.id340B, row.ceId, row.name, row.field, row.before, row.after];
}

function sourceText(source: MorningReport['snapshot']['source']): string {
  if (source.kind === 's3') return `s3://${source.bucket}/${source.key}`;
  if (source.kind === 'url') return source.url;
  return source.path;
}

/**
 * A section as people read it (text, Markdown, HTML): `before` and `after`
 * become one "before → after" column, an absent side shown as "—".
 */
export function displayTable(section: ReportSection): { columns: string[]; rows: string[][] } {
  const before = section.columns.indexOf('before');
  const joined = before >= 0 && section.columns[before + 1] === 'after';
  const show = (cell: Cell) => (cell === null ? '—' : String(cell));
  if (!joined) return { columns: section.columns, rows: section.rows.map((row) => row.map(show)) };
  const splice = <T>(values: T[], value: T) => [
    ...values.slice(0, before),
    value,
    ...values.slice(before + 2),
  ];
  return {
    columns: splice(section.columns, 'before → after'),
    rows: section.rows.map((row) =>
      splice(row.map(show), `${show(row[before] ?? null)} → ${show(row[before + 1] ?? null)}`),
    ),
  };
}

/** The line under a cut list. */
export function moreText(section: ReportSection): string | undefined {
  return section.more > 0
    ? `… and ${section.more.toLocaleString('en-US')} more (raise --limit, or ?limit= in the API)`
    : undefined;
}
