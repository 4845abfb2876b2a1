import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../test/support/api-server.ts';
import { ingestAndProject } from '../../test/support/ingest-and-project.ts';
import { coveredEntities, coveredEntity, tempDir } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';

// Debian's chromium (apt-get install chromium); .ci/run installs it.
const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  process.stderr.write(
    `skipping the dashboard browser test: ${chromiumPath} is missing (apt-get install -y chromium)\n`,
  );
}

let database: Database;
let api: RunningApi;
let browser: BrowserContext;
let userDataDir: string;
const dir = tempDir('opais-dashboard-');
const asOf = (n: number) => new Date(Date.UTC(2026, 6, n, 5));
const stone = coveredEntity('BL030740', 7201, { name: 'STONE MOUNTAIN HEALTH SERVICES' });

async function ingest(name: string, entities: unknown[], at: Date) {
  await ingestAndProject(database, dir, name, entities, at);
}

/** A page that fails the test on any script error or refused resource (a CSP violation shows as a console error). */
async function openPage(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('401')) problems.push(message.text());
  });
  await page.goto(url);
  return { page, problems };
}

describe.skipIf(!hasChromium)('the dashboard in a real browser', () => {
  beforeAll(async () => {
    database = await createTestDatabase('api_dashboard');
    const base = coveredEntities(30);
    await ingest('day1.json', [...base, stone], asOf(1));
    await ingest('day2.json', [...base.slice(0, 29), { ...stone, name: 'STONE MOUNTAIN HEALTH' }], asOf(2));
    await ingest(
      'day3.json',
      [...base.slice(0, 29), { ...stone, name: 'STONE MOUNTAIN HEALTH' }, coveredEntity('CH000001', 900)],
      asOf(3),
    );
    api = await startApi(database);
    userDataDir = mkdtempSync(path.join(tmpdir(), 'opais-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await api?.close();
    await database?.close();
  });

  it('charts the snapshots and the changes per day from live data', async () => {
    const { page, problems } = await openPage(`${api.url}/`);
    await page.locator('#snapshots-chart[data-state="ready"]').waitFor();
    await page.locator('#changes-chart[data-state="ready"]').waitFor();
    const { body } = await api.get('/snapshots');

    const points = await page
      .locator('#snapshots-chart circle.point')
      .evaluateAll((circles) =>
        circles.map((circle) => [
          circle.getAttribute('data-as-of'),
          Number(circle.getAttribute('data-value')),
        ]),
      );
    expect(points).toEqual(
      body.items.map((snapshot: { asOf: string; counts: { entities: number } }) => [
        snapshot.asOf,
        snapshot.counts.entities,
      ]),
    );
    expect(points.map(([, entities]) => entities)).toEqual([31, 30, 31]);

    const bars = await page
      .locator('#changes-chart rect.bar')
      .evaluateAll((rects) =>
        rects.map((rect) => [
          rect.getAttribute('data-day'),
          rect.getAttribute('data-kind'),
          Number(rect.getAttribute('data-value')),
          Number(rect.getAttribute('height')),
        ]),
      );
    expect(bars.map(([day, kind, value]) => [day, kind, value])).toEqual([
      ['2026-07-01', 'registered', 31],
      ['2026-07-01', 'changed', 0],
      ['2026-07-01', 'removed', 0],
      ['2026-07-02', 'registered', 0],
      ['2026-07-02', 'changed', 1],
      ['2026-07-02', 'removed', 1],
      ['2026-07-03', 'registered', 1],
      ['2026-07-03', 'changed', 0],
      ['2026-07-03', 'removed', 0],
    ]);
    // Drawn to scale: a larger count gives a taller bar, zero none.
    const height = (day: string, kind: string) =>
      bars.find(([d, k]) => d === day && k === kind)?.[3] as number;
    expect(height('2026-07-01', 'registered')).toBeGreaterThan(height('2026-07-02', 'changed'));
    expect(height('2026-07-02', 'changed')).toBeGreaterThan(0);
    expect(height('2026-07-01', 'changed')).toBe(0);
    await expect(page.locator('#summary').textContent()).resolves.toContain('3 snapshots');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('finds an entity by name and shows its timeline', async () => {
    const { page, problems } = await openPage(`${api.url}/`);
    await page.locator('#search-input').fill('stone mountain');
    await page.locator('#search-form button[type="submit"]').click();
    const result = page.locator('#search-results button');
    await result.first().waitFor();
    expect(await result.count()).toBe(1);
    await expect(result.textContent()).resolves.toContain('BL030740 · STONE MOUNTAIN HEALTH');

    await result.click();
    await page.locator('#timeline:not([hidden])').waitFor();
    const versions = page.locator('#timeline-items li');
    expect(await versions.count()).toBe(2);
    await expect(versions.locator('.badge').allTextContents()).resolves.toEqual(['Registered', 'Changed']);
    await expect(versions.locator('time').allTextContents()).resolves.toEqual(['2026-07-01', '2026-07-02']);
    await expect(versions.nth(1).locator('.paths').textContent()).resolves.toContain('name');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('asks for the token when the server requires one, then loads', async () => {
    const guarded = await startApi(database, { token: 'dashboard-secret' });
    let opened: Page | undefined;
    try {
      const { page, problems } = await openPage(`${guarded.url}/`);
      opened = page;
      await page.locator('#token-form:not([hidden])').waitFor();
      await page.locator('#token-input').fill('dashboard-secret');
      await page.locator('#token-form button').click();
      await page.locator('#snapshots-chart[data-state="ready"]').waitFor();
      expect(await page.locator('#snapshots-chart circle.point').count()).toBe(3);
      expect(problems).toEqual([]);
    } finally {
      // The page first: a server closing under an open page may wait on its connections and hide the failure.
      await opened?.close();
      await guarded.close();
    }
  });
});
