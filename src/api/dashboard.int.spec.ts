import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../test/support/api-server.ts';
import { loadChangeScenario } from '../../test/support/change-scenario.ts';
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

/** A page that fails the test on any script error or refused resource (a CSP violation shows as a console error). */
async function openPage(url: string, width = 1280): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height: 900 });
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('401')) problems.push(message.text());
  });
  await page.goto(url);
  return { page, problems };
}

const ready = (page: Page) => page.locator('#view[data-state="ready"]').waitFor();
const count = (page: Page, kind: string) => page.locator(`dd[data-count="${kind}"]`).textContent();

/** Every y tick of the charts is a whole number, and every label lies inside its chart. */
async function chartProblems(page: Page): Promise<string[]> {
  return page.locator('.chart svg').evaluateAll((charts) =>
    charts.flatMap((chart) => {
      const problems: string[] = [];
      const width = Number(chart.getAttribute('width'));
      for (const text of chart.querySelectorAll('.y-axis text')) {
        const value = Number(text.textContent?.replaceAll(',', ''));
        if (!Number.isInteger(value)) problems.push(`tick ${text.textContent} is not a whole number`);
      }
      for (const text of chart.querySelectorAll('text')) {
        const box = (text as unknown as { getBBox(): { x: number; width: number } }).getBBox();
        if (box.x < 0 || box.x + box.width > width + 0.5)
          problems.push(`label ${text.textContent} is cut off`);
      }
      return problems;
    }),
  );
}

describe.skipIf(!hasChromium)('the dashboard in a real browser', () => {
  beforeAll(async () => {
    database = await createTestDatabase('api_dashboard');
    await loadChangeScenario(database);
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

  it("lands on the latest snapshot's report; the picker moves between snapshots; filters narrow the changes", async () => {
    const { page, problems } = await openPage(`${api.url}/`);
    await ready(page);
    await expect(page.locator('h1').textContent()).resolves.toBe('Morning report — 2026-11-03');
    expect([
      await count(page, 'registered'),
      await count(page, 'changed'),
      await count(page, 'removed'),
    ]).toEqual(['0', '1', '0']);
    expect(await page.locator('#snapshot-select option').count()).toBe(3);

    await page.locator('#snapshot-date').fill('2026-11-01');
    await page.locator('h1', { hasText: '2026-11-01' }).waitFor();
    await ready(page);
    await page.locator('#snapshot-select').selectOption({ label: '2026-11-02 05:00 UTC' });
    await page.locator('h1', { hasText: '2026-11-02' }).waitFor();
    await ready(page);
    expect([
      await count(page, 'registered'),
      await count(page, 'changed'),
      await count(page, 'removed'),
    ]).toEqual(['1', '2', '1']);
    await expect(page.locator('dd[data-count="data-quality"]').textContent()).resolves.toBe('1');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.downloads button', { hasText: 'CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('opais-report-2026-11-02.csv');
    expect(await page.locator('#change-list > li').count()).toBe(4);

    await page.locator('#filter-kind').selectOption('removed');
    await page.locator('#change-list > li').first().waitFor();
    await expect.poll(() => page.locator('#change-list > li').count()).toBe(1);
    await expect(page.locator('#change-list > li').textContent()).resolves.toMatch(
      /Removed.*LEAVING HOSPITAL.*last known/,
    );
    await page.locator('#filter-kind').selectOption('');
    await page.locator('#filter-path').selectOption('contractPharmacies');
    // Polled on the text, not the count: until the new page arrives, the list still holds the one removal.
    await expect
      .poll(() => page.locator('#change-list > li').allTextContents())
      .toEqual([expect.stringContaining('GENERAL HOSPITAL')]);
    expect(await chartProblems(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('from a change to the entity page (right before → after, current contract pharmacies), then to a pharmacy page', async () => {
    const { page, problems } = await openPage(`${api.url}/#/report/2026-11-02T05:00:00.000Z`);
    await ready(page);
    const change = page.locator('#change-list > li', { hasText: 'GENERAL HOSPITAL' });
    const zipInList = change.locator('li[data-path="streetAddress.zip"]');
    expect([
      await zipInList.locator('del').textContent(),
      await zipInList.locator('ins').textContent(),
    ]).toEqual(['02110', '02115']);
    await change.locator('a.entity-link').click();
    await page.locator('h1', { hasText: 'GENERAL HOSPITAL' }).waitFor();
    await ready(page);
    expect(page.url()).toContain('#/entity/DSH000001/1');

    const versions = page.locator('#timeline-items > li');
    expect(await versions.count()).toBe(3);
    const day2 = versions.nth(1);
    await expect(day2.locator('time').textContent()).resolves.toBe('2026-11-02');
    const zip = day2.locator('li[data-path="streetAddress.zip"]');
    await expect(zip.locator('del.before').textContent()).resolves.toBe('02110');
    await expect(zip.locator('ins.after').textContent()).resolves.toBe('02115');
    const terminated = day2
      .locator('li.changed', { hasText: 'contract 11' })
      .locator('li[data-path="terminationDate"]');
    await expect(terminated.locator('ins.after').textContent()).resolves.toBe('2026-11-01T00:00:00');
    await expect(day2.locator('li[data-path="npiNumbers"] li.added').textContent()).resolves.toContain(
      '1999999999 (MA)',
    );
    await expect(
      versions.nth(0).locator('li[data-path="contractPharmacies"] li.removed').textContent(),
    ).resolves.toContain('contract 13');
    const contracts = page.locator('#contracts-heading ~ table tbody tr');
    await expect(contracts.locator('td:first-child').allTextContents()).resolves.toEqual(['11', '12', '14']);

    await contracts.first().locator('a').click();
    await page.locator('h1', { hasText: 'PHARMACY 777' }).waitFor();
    await ready(page);
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(4);
    const contract13 = rows.filter({ hasText: '13' }).filter({ hasText: 'ended' });
    await expect(contract13.locator('td[data-label="Disappeared"]').textContent()).resolves.toBe(
      '2026-11-03',
    );
    await expect(contract13.locator('td[data-label="Appeared"]').textContent()).resolves.toBe('2026-11-02');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('works from the keyboard, labels every control, has one h1 per view, and keeps charts readable on a phone', async () => {
    const { page, problems } = await openPage(`${api.url}/`, 390);
    await ready(page);
    const unlabelled = await page
      .locator('input, select')
      .evaluateAll((controls) =>
        controls
          .filter(
            (control) =>
              (control as unknown as { labels: unknown[] | null }).labels?.length === 0 &&
              !control.getAttribute('aria-label'),
          )
          .map((control) => control.id),
      );
    expect(unlabelled).toEqual([]);
    expect(await page.locator('h1').count()).toBe(1);
    expect(await chartProblems(page)).toEqual([]);

    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.id')).resolves.toBe('search-input');
    await page.keyboard.type('general');
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Search' }).waitFor();
    await ready(page);
    await expect(page.evaluate('document.activeElement?.id')).resolves.toBe('view-title');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('GENERAL HOSPITAL');
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'GENERAL HOSPITAL' }).waitFor();
    expect(await page.locator('h1').count()).toBe(1);
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
      // "Download as CSV" sends the token too
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('a[data-export]', { hasText: /^changes$/ }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('changes.csv');
      const csv = readFileSync((await download.path()) as string, 'utf8');
      expect(csv.startsWith('position,event_id,type,id340b,ce_id,as_of,')).toBe(true);
      expect(csv).toMatch(/,CoveredEntityChanged,DSH000001,1,2026-11-02T05:00:00Z,/);
      expect(problems).toEqual([]);
    } finally {
      // The page first: a server closing under an open page may wait on its connections and hide the failure.
      await opened?.close();
      await guarded.close();
    }
  });
});
