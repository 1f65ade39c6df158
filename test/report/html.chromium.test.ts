/**
 * The HTML report opened in headless Chromium (Debian's package, driven by playwright-core): it
 * renders without console errors, makes no request beyond its own file, draws its charts, and a
 * full-page screenshot is kept under test-artifacts/.
 *
 * Needs /usr/bin/chromium (apt-get install -y chromium). Without it the suite is skipped on a
 * developer's machine, and fails in CI (CI set), where the browser is part of the setup.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { runReport } from '../../src/commands/report/run.js';
import type { ReportData } from '../../src/core/report/model.js';
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
