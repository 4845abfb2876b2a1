import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../test/support/api-server.ts';
import { loadChangeScenario } from '../../test/support/change-scenario.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import type { IngestSummary } from '../ingest/ingest-snapshot.ts';
import type { MorningReport } from '../report/build-report.ts';
import { reportFormats } from '../report/render-report.ts';
import { reportSections } from '../report/report-sections.ts';

let database: Database;
let api: RunningApi;
let summaries: IngestSummary[];

beforeAll(async () => {
  database = await createTestDatabase('api_reports');
  summaries = await loadChangeScenario(database);
  api = await startApi(database);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

const sum = (rows: Array<{ total: number }>) => rows.reduce((total, row) => total + row.total, 0);

describe('GET /reports', () => {
  it("adds up to each ingest summary's counts, by kind, by entity type and by state", async () => {
    for (const [index, day] of ['2026-11-01', '2026-11-02', '2026-11-03'].entries()) {
      const { status, body } = await api.get(`/reports/${day}`);
      expect(status).toBe(200);
      const report = body as MorningReport;
      const summary = summaries[index] as IngestSummary;
      expect(report.snapshot.asOf.slice(0, 10)).toBe(day);
      const { byKind, byEntityType, byState } = report.counts;
      expect([byKind.registered, byKind.changed, byKind.removed]).toEqual([
        summary.registered,
        summary.changed,
        summary.removed,
      ]);
      expect(byKind.total).toBe(summary.registered + summary.changed + summary.removed);
      expect(sum(byEntityType)).toBe(byKind.total);
      expect(sum(byState)).toBe(byKind.total);
      expect(report.registered.total).toBe(summary.registered);
      expect(report.removed.total).toBe(summary.removed);
      expect(report.snapshot.counts).toMatchObject({
        registered: summary.registered,
        changed: summary.changed,
        removed: summary.removed,
      });
    }
  });

  it("lists a day's changes: registered, removed with its last known state, participation, pharmacies, addresses, NPIs, Medicaid, data quality", async () => {
    const report = (await api.get('/reports/2026-11-02')).body as MorningReport;
    expect(report.snapshot.previousAsOf).toBe('2026-11-01T05:00:00.000Z');
    expect(report.registered.items).toEqual([
      { id340B: 'CAH000005', ceId: 5, name: 'MOUNTAIN CRITICAL ACCESS', entityType: 'CAH', state: 'GA' },
    ]);
    expect(report.removed.items).toEqual([
      { id340B: 'DSH000003', ceId: 3, name: 'LEAVING HOSPITAL', entityType: 'DSH', state: 'MA' },
    ]);
    expect(report.participation.items.map((row) => [row.id340B, row.field, row.before, row.after])).toEqual([
      ['DSH000002', 'participating', 'TRUE', 'FALSE'],
      ['DSH000002', 'terminationDate', null, '2026-11-01T00:00:00'],
    ]);
    expect(report.contractPharmacies).toMatchObject({
      added: 2,
      removed: 0,
      terminated: 1,
      changed: 0,
      entities: 1,
    });
    expect(report.contractPharmacies.largestNetChange.items).toMatchObject([
      { id340B: 'DSH000001', added: 2, removed: 0, terminated: 1, net: 1 },
    ]);
    expect(report.addresses.items.map((row) => [row.field, row.before, row.after])).toEqual([
      ['streetAddress.zip', '02110', '02115'],
    ]);
    expect(report.npiNumbers.items.map((row) => [row.field, row.before, row.after])).toEqual([
      ['npiNumbers', null, '1999999999 (MA)'],
    ]);
    expect(report.medicaidNumbers.items.map((row) => [row.field, row.before, row.after])).toEqual([
      ['medicaidNumbers', '0123 (MA)', null],
    ]);
    expect(report.dataQuality.total).toBe(1);
    expect(report.dataQuality.items[0]).toMatchObject({ code: 'MISSING_KEY', index: 4 });
  });

  it('says the same in every format: each cell of each section appears in text, md, csv and html', async () => {
    const report = (await api.get('/reports/2026-11-02')).body as MorningReport;
    const sections = reportSections(report);
    const escapes: Record<string, (text: string) => string> = {
      text: (text) => text,
      md: (text) => text.replaceAll('|', '\\|'),
      csv: (text) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text),
      html: (text) =>
        text
          .replaceAll('&', '&amp;')
          .replaceAll('<', '&lt;')
          .replaceAll('>', '&gt;')
          .replaceAll('"', '&quot;'),
    };
    for (const format of reportFormats.filter((name) => name !== 'json')) {
      const answer = await api.get(`/reports/2026-11-02?format=${format}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-disposition')).toBe(
        `attachment; filename="opais-report-2026-11-02.${format === 'text' ? 'txt' : format}"`,
      );
      const escaped = escapes[format] as (text: string) => string;
      for (const section of sections) {
        expect(answer.body, `${format}: ${section.id}`).toContain(
          format === 'csv' ? section.id : escaped(section.title),
        );
        for (const row of section.rows)
          for (const cell of row)
            if (cell !== null)
              expect(answer.body, `${format}: ${section.id}`).toContain(escaped(String(cell)));
      }
    }
    expect((await api.get('/reports/2026-11-02?format=csv')).headers.get('content-type')).toMatch(
      /^text\/csv/,
    );
  });

  it('serves the latest snapshot at /reports/latest, cuts lists at limit, and answers an unknown day with NOT_FOUND', async () => {
    const latest = (await api.get('/reports/latest')).body as MorningReport;
    expect(latest.snapshot.asOf).toBe('2026-11-03T05:00:00.000Z');
    const first = (await api.get('/reports/2026-11-01?limit=2')).body as MorningReport;
    expect(first.registered).toMatchObject({ total: 4 });
    expect(first.registered.items).toHaveLength(2);
    const missing = await api.get('/reports/2026-10-01');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
    expect((await api.get('/reports/yesterday')).status).toBe(400);
  });
});
