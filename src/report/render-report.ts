import type { MorningReport } from './build-report.ts';
import { displayTable, moreText, type ReportSection, reportSections } from './report-sections.ts';

export const reportFormats = ['text', 'md', 'csv', 'json', 'html'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const reportMediaTypes: Record<ReportFormat, string> = {
  text: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** The report in one format; every format but JSON renders the same sections (report-sections.ts). */
export function renderReport(report: MorningReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const sections = reportSections(report);
  const title = `OPAIS morning report — snapshot as of ${report.snapshot.asOf}`;
  if (format === 'md') return renderMarkdown(title, sections);
  if (format === 'csv') return renderCsv(sections);
  if (format === 'html') return renderHtml(title, sections);
  return renderText(title, sections);
}

function renderText(title: string, sections: ReportSection[]): string {
  const lines = [title, '='.repeat(title.length)];
  for (const section of sections) {
    lines.push('', section.title, '-'.repeat(section.title.length));
    if (section.rows.length === 0) {
      lines.push('(none)');
      continue;
    }
    const { columns, rows } = displayTable(section);
    const widths = columns.map((column, index) =>
      Math.min(60, Math.max(column.length, ...rows.map((row) => (row[index] ?? '').length))),
    );
    const line = (cells: string[]) =>
      cells
        .map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
        .join('  ')
        .trimEnd();
    lines.push(line(columns), ...rows.map(line));
    const more = moreText(section);
    if (more) lines.push(more);
  }
  return `${lines.join('\n')}\n`;
}

function renderMarkdown(title: string, sections: ReportSection[]): string {
  const escapeText = (cell: string) =>
    cell.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [`# ${title}`];
  for (const section of sections) {
    lines.push('', `## ${section.title}`, '');
    if (section.rows.length === 0) {
      lines.push('(none)');
      continue;
    }
    const { columns, rows } = displayTable(section);
    lines.push(`| ${columns.map(escapeText).join(' | ')} |`, `|${columns.map(() => ' --- ').join('|')}|`);
    for (const row of rows) lines.push(`| ${row.map(escapeText).join(' | ')} |`);
    const more = moreText(section);
    if (more) lines.push('', more);
  }
  return `${lines.join('\n')}\n`;
}

/** Blocks of rows, one per section, each with its header; the first cell names the section. */
function renderCsv(sections: ReportSection[]): string {
  const quote = (cell: string | number | null) => {
    const text = cell === null ? '' : String(cell);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const blocks = sections.map((section) => {
    const rows = [['section', ...section.columns], ...section.rows.map((row) => [section.id, ...row])];
    if (section.more > 0) rows.push([section.id, `… and ${section.more} more`]);
    return rows.map((row) => row.map(quote).join(',')).join('\r\n');
  });
  return `${blocks.join('\r\n\r\n')}\r\n`;
}

function renderHtml(title: string, sections: ReportSection[]): string {
  const escapeText = (text: string) =>
    text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
  const body = sections.map((section) => {
    const heading = `<h2 id="${section.id}">${escapeText(section.title)}</h2>`;
    if (section.rows.length === 0) return `<section>${heading}<p>(none)</p></section>`;
    const { columns, rows } = displayTable(section);
    const head = `<tr>${columns.map((column) => `<th scope="col">${escapeText(column)}</th>`).join('')}</tr>`;
    const cells = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeText(cell)}</td>`).join('')}</tr>`);
    const more = moreText(section);
    return `<section>${heading}<table><thead>${head}</thead><tbody>${cells.join('\n')}</tbody></table>${more ? `<p>${escapeText(more)}</p>` : ''}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:1rem auto;max-width:70rem;padding:0 1rem}table{border-collapse:collapse;display:block;overflow-x:auto}th,td{border-bottom:1px solid #ccc;padding:.25rem .6rem;text-align:left;vertical-align:top}th{background:#f3f3f3}</style>
</head><body><h1>${escapeText(title)}</h1>
${body.join('\n')}
</body></html>
`;
}
