/**
 * The HTML report opened in headless Chromium (Debian's package, driven by playwright-core): it
 * renders without console errors, makes no request beyond its own file, draws its charts, and a
 * full-page screenshot is kept under test-artifacts/.
 *
 * Needs /usr/bin/chromium (apt-get install -y chromium). Without it the suite is skipped on a
 * developer's machine, and fails in CI (CI set), where the browser is part of the setup.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { runReport } from '../../src/commands/report/run.js';
import type { ReportData } from '../../src/core/questions/model.js';
import type { ReportOptions } from '../../src/commands/report/index.js';
import { isCI } from '../../src/ui/env.js';
import { createTestContext } from '../helpers/context.js';
import { FIXTURE, options } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SAMPLE = fileURLToPath(new URL('../../assets/sample', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts', import.meta.url));
const present = existsSync(CHROMIUM);
const skip = !present && !isCI(process.env);
const title = skip
  ? `HTML report in headless Chromium: SKIPPED, ${CHROMIUM} not found (apt-get install -y chromium; with CI set this fails instead)`
  : 'HTML report in headless Chromium';

// Said once on stderr too: the default reporter does not print the names of skipped suites.
if (skip) process.stderr.write(`\n${title}\n`);

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

interface Opened {
  consoleErrors: string[];
  pageErrors: string[];
  requests: string[];
}

describe.skipIf(skip)(title, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'report-html-'));
  let context: BrowserContext;

  beforeAll(async () => {
    expect(present, `Chromium is required here (CI is set): apt-get install -y chromium, or set CHROMIUM_PATH`).toBe(true);
    const { chromium } = await import('playwright-core');
    // A persistent context on a fresh profile folder: --user-data-dir=<tmp>, as a person would run it.
    context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function open(file: string): Promise<{ page: Awaited<ReturnType<BrowserContext['newPage']>>; seen: Opened }> {
    const page = await context.newPage();
    const seen: Opened = { consoleErrors: [], pageErrors: [], requests: [] };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') seen.consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => seen.pageErrors.push(e.message));
    page.on('request', (r) => seen.requests.push(r.url()));
    // Nothing but the page itself may load; anything else would fail offline.
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, seen };
  }

  async function write(local: string, name: string, top?: number): Promise<{ file: string; report: ReportData }> {
    const file = join(scratch, name);
    const report = await runReport(options({ local, html: file, json: true, ...(top ? { top } : {}) }), createTestContext().ctx);
    return { file, report };
  }

  it('renders the sample\'s report offline, without errors, with its charts, and keeps a screenshot', async () => {
    const { file, report } = await write(SAMPLE, 'sample-report.html');
    const { page, seen } = await open(file);

    expect(seen.consoleErrors).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.requests).toEqual([pathToFileURL(file).href]);
    expect(await page.title()).toBe('API Gateway access-log report');
    expect(await page.locator('script').count()).toBe(0);

    // Every answered question has its chart(s), drawn with marks and laid out at a readable size.
    const charts = await page.locator('svg.chart').evaluateAll((svgs) =>
      svgs.map((s) => {
        const box = s.getBoundingClientRect();
        return {
          question: s.getAttribute('data-question'),
          marks: s.querySelectorAll('rect.bar, rect.col, circle.dot').length,
          width: box.width,
          height: box.height,
        };
      }),
    );
    const expectedCharts = report.questions.filter((q) => q.rows.length > 0).map((q) => q.id);
    expect([...new Set(charts.map((c) => c.question))].sort()).toEqual([...expectedCharts].sort());
    for (const c of charts) {
      expect(c.marks, c.question ?? '').toBeGreaterThan(0);
      expect(c.width, c.question ?? '').toBeGreaterThan(500);
      expect(c.height, c.question ?? '').toBeGreaterThan(20);
    }
    // One latency panel each for response, integration and authorizer latency.
    expect(charts.filter((c) => c.question === 'latency_by_route')).toHaveLength(3);
    // One bar row per route shown; 24 hourly columns (and their error segments) for the day.
    const routes = report.questions.find((q) => q.id === 'top_routes')!.rows.length;
    expect(await page.locator('svg[data-question="top_routes"] text.value').count()).toBe(routes);
    expect(await page.locator('svg[data-question="requests_over_time"] rect.col').count()).toBeGreaterThanOrEqual(24);

    expect(await page.locator('#totals .kpi').first().innerText()).toBe('Requests\n4,200');
    expect(await page.locator('#top_routes table tbody tr').count()).toBe(routes);

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'report-html.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    await page.close();
  }, 60_000);

  it('shows hostile logged values as text, never as markup', async () => {
    const { file } = await write(FIXTURE, 'fixture-report.html', 1000);
    const { page, seen } = await open(file);
    expect(seen.consoleErrors).toEqual([]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('#user_agents table').textContent()).toContain('<script>alert("x")</script>');
    expect(await page.locator('svg[data-question="user_agents"] title', { hasText: '<script>alert("x")</script>' }).count()).toBeGreaterThan(0);
    await page.close();
  }, 60_000);
});

/**
 * The page at a phone's width (390 px) and a desktop's (1,400 px), for the sample, for requests
 * without any authorizer, and for an empty window: nothing wider than the screen outside the
 * scrolling tables and charts, chart text at a readable size, no `NaN` anywhere. Screenshots are
 * kept under test-artifacts/ (report-<case>-<width>.png).
 */
describe.skipIf(skip)(`${title}: phone and desktop widths`, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'report-html-widths-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function noAuthorizerLogs(): string {
    const dir = join(scratch, 'no-authorizer');
    mkdirSync(dir, { recursive: true });
    const start = Date.UTC(2026, 10, 20, 8);
    const lines = Array.from({ length: 120 }, (_, i) =>
      JSON.stringify({
        requestId: `r-${i}`,
        apiId: 'a1b2c3d4e5',
        stage: i % 3 ? 'prod' : 'staging',
        httpMethod: i % 4 ? 'GET' : 'POST',
        resourcePath: ['/pets', '/pets/{petId}', '/orders'][i % 3],
        status: String([200, 200, 201, 404, 500][i % 5]),
        responseLatency: String(20 + (i % 17) * 7),
        integrationLatency: String(15 + (i % 17) * 6),
        identityUserAgent: 'curl/8.5.0',
        ip: `198.51.100.${i % 9}`,
        requestTimeEpoch: String(start + i * 60_000),
      }),
    );
    writeFileSync(join(dir, 'log.json'), `${lines.join('\n')}\n`);
    return dir;
  }

  const cases: Array<{ name: string; flags: () => Partial<ReportOptions> }> = [
    { name: 'sample', flags: () => ({ local: SAMPLE }) },
    { name: 'no-authorizer', flags: () => ({ local: noAuthorizerLogs() }) },
    { name: 'empty-window', flags: () => ({ local: SAMPLE, from: '2025-02-01', to: '2025-02-02' }) },
  ];

  for (const width of [390, 1400]) {
    for (const c of cases) {
      it(`${c.name} at ${width} px: fits the screen, readable charts, no NaN`, async () => {
        const { chromium } = await import('playwright-core');
        const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
        try {
          const file = join(scratch, `${c.name}-${width}.html`);
          await runReport(options({ ...c.flags(), html: file, json: true }), createTestContext().ctx);
          const html = readFileSync(file, 'utf8');
          expect(html).not.toContain('NaN');
          const page = await browser.newPage({ viewport: { width, height: 900 } });
          await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
          expect(await page.evaluate('document.body.innerText')).not.toContain('NaN');
          // Only the tables and the time chart may scroll sideways, inside their own box.
          const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
          expect(overflow).toBeLessThanOrEqual(0);
          // Chart text boxes are 10 px high or more (type of about 9 px), whatever the scale of the view box.
          const smallest = await page.locator('svg.chart text').evaluateAll((texts) =>
            Math.min(...texts.filter((t) => t.getBoundingClientRect().width > 0).map((t) => t.getBoundingClientRect().height)),
          );
          if (Number.isFinite(smallest)) expect(smallest).toBeGreaterThanOrEqual(10);
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: join(ARTIFACTS, `report-${c.name}-${width}.png`), fullPage: true });
          // Every table fits the width of its section (the latency table was 1,664 px wide).
          if (width === 1400) {
            const tables = await page.locator('section table').evaluateAll((ts) => ts.map((t) => t.scrollWidth - (t.parentElement?.clientWidth ?? 0)));
            expect(Math.max(0, ...tables)).toBeLessThanOrEqual(0);
            // Printed on A4 (about 700 px of text width), the tables fit the page too.
            await page.setViewportSize({ width: 700, height: 900 });
            await page.emulateMedia({ media: 'print' });
            const printed = await page.locator('section table').evaluateAll((ts) => ts.map((t) => t.scrollWidth - (t.parentElement?.clientWidth ?? 0)));
            expect(Math.max(0, ...printed)).toBeLessThanOrEqual(0);
            await page.emulateMedia({ media: 'screen' });
            await page.setViewportSize({ width, height: 900 });
          }
          if (c.name === 'no-authorizer') {
            expect(await page.locator('#latency_by_route').innerText()).toContain('No authorizer latency in these requests');
            expect(await page.locator('svg[data-question="latency_by_route"]').count()).toBe(2);
          }
          if (c.name === 'empty-window') {
            const ticks = await page.locator('svg[data-question="requests_over_time"] text.axis').allInnerTexts();
            const yTicks = ticks.filter((t) => /^\d[\d,]*$/.test(t));
            expect(new Set(yTicks).size).toBe(yTicks.length);
          }
          await page.close();
        } finally {
          await browser.close();
        }
      }, 60_000);
    }
  }
});
