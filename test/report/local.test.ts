/**
 * `report --local` over the committed fixture, every question held to an answer key computed
 * independently (reference.ts), with and without a window and filters; the files it must skip;
 * the errors a person meets.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runReport } from '../../src/commands/report/run.js';
import type { ReportOptions } from '../../src/commands/report/index.js';
import { FIXTURE, options } from './helpers.js';
import type { ReportData } from '../../src/core/report/model.js';
import { isAppError } from '../../src/errors.js';
import { createTestContext } from '../helpers/context.js';
import { answers, readRecords, type Rec } from './reference.js';

const records = readRecords(FIXTURE);
const scratch = mkdtempSync(join(tmpdir(), 'report-local-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));


async function report(o: Partial<ReportOptions>, startMs?: number): Promise<{ data: ReportData; stdout: string; stderr: string }> {
  const h = createTestContext(startMs === undefined ? {} : { startMs });
  const data = await runReport(options({ local: FIXTURE, ...o }), h.ctx);
  return { data, stdout: h.out('stdout'), stderr: h.out('stderr') };
}

/** The report's rows for a question, with the derived columns, as plain objects. */
const rowsOf = (data: ReportData, id: string) => data.questions.find((q) => q.id === id)?.rows;

/** Percentiles: the engine rounds to 0.1 ms like the key, so the two can differ by a rounding step only. */
function expectSameRows(actual: ReadonlyArray<Record<string, unknown>> | undefined, expected: ReadonlyArray<Record<string, unknown>>): void {
  expect(actual).toBeDefined();
  expect(actual!.length).toBe(expected.length);
  expected.forEach((exp, i) => {
    const act = actual![i] as Record<string, unknown>;
    expect(Object.keys(act).sort()).toEqual(Object.keys(exp).sort());
    for (const [k, v] of Object.entries(exp)) {
      if (typeof v === 'number' && !Number.isInteger(v)) expect(act[k], `row ${i} ${k}`).toBeCloseTo(v, 1);
      else expect(act[k], `row ${i} ${k}`).toEqual(v);
    }
  });
}

describe('the fixture itself', () => {
  it('has what the questions need to be tested (so an answer key of zeros cannot pass)', () => {
    const has = (pred: (r: Rec) => boolean) => records.filter(pred).length;
    expect(records.length).toBe(424);
    expect(has((r) => r.errorResponseType === 'QUOTA_EXCEEDED')).toBeGreaterThan(3);
    expect(has((r) => r.errorResponseType === 'THROTTLED')).toBeGreaterThan(3);
    expect(has((r) => r.errorResponseType === 'INVALID_SIGNATURE' || r.errorResponseType === 'EXPIRED_TOKEN')).toBeGreaterThan(0);
    expect(has((r) => typeof r.status === 'number' && r.status >= 500)).toBeGreaterThan(5);
    expect(has((r) => r.usagePlanName !== null && r.usagePlanName !== undefined)).toBeGreaterThan(20);
    expect(has((r) => r.authorizerLatency !== null && r.authorizerLatency !== undefined)).toBeGreaterThan(20);
    expect(has((r) => r.requestTimeEpoch === null)).toBe(1);
    expect(new Set(records.map((r) => r.identityUserAgent)).size).toBeGreaterThan(10);
  });
});

describe('report --local, every record', () => {
  const expected = answers(records, 10);
  let run: Awaited<ReturnType<typeof report>>;
  it('runs', async () => {
    run = await report({});
    expect(run.data.source).toMatchObject({ kind: 'local', path: FIXTURE, files: 25 });
    expect(run.data.window).toEqual({ from: null, to: null });
  });
  for (const id of Object.keys(expected)) {
    it(`answers ${id} as the independent key does`, () => {
      expectSameRows(rowsOf(run.data, id), expected[id]!);
    });
  }
  it('prints only JSON on stdout, and it parses back to the report', () => {
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(run.data)));
    expect(run.stderr).toContain('Querying');
  });
});

describe('report --local with a window, filters and --top', () => {
  // 2025-01-06 23:00 to 2025-01-07 01:30 UTC: crosses the day boundary of the partitions.
  const fromMs = Date.UTC(2025, 0, 6, 23, 0, 0);
  const toMs = Date.UTC(2025, 0, 7, 1, 30, 0);
  const inWindow = (r: Rec) => typeof r.requestTimeEpoch === 'number' && r.requestTimeEpoch >= fromMs && r.requestTimeEpoch < toMs;

  it('keeps the window (end excluded) and every answer follows it', async () => {
    const { data } = await report({ from: '2025-01-06T23:00', to: '2025-01-07T01:30Z', top: 3 });
    const expected = answers(records.filter(inWindow), 3, { fromMs, toMs });
    expect(data.window).toEqual({ from: '2025-01-06T23:00:00Z', to: '2025-01-07T01:30:00Z' });
    for (const id of Object.keys(expected)) expectSameRows(rowsOf(data, id), expected[id]!);
    expect(rowsOf(data, 'top_routes')).toHaveLength(3);
    // Three hours: 23:00, 00:00 and 01:00 (the window ends half-way through it).
    expect(rowsOf(data, 'requests_over_time')?.map((r) => r.bucket)).toEqual([fromMs, fromMs + 3_600_000, fromMs + 7_200_000]);
  });

  it('--since counts back from now', async () => {
    const now = Date.UTC(2025, 0, 7, 2, 0, 0);
    const { data } = await report({ since: '90m' }, now);
    const total = records.filter((r) => typeof r.requestTimeEpoch === 'number' && r.requestTimeEpoch >= now - 90 * 60_000 && r.requestTimeEpoch < now).length;
    expect(total).toBeGreaterThan(50);
    expect(rowsOf(data, 'totals')?.[0]?.requests).toBe(total);
  });

  it('--stage API_ID/STAGE, a bare stage name, --domain (any case) and --customer each narrow the records', async () => {
    const cases: Array<[Partial<ReportOptions>, (r: Rec) => boolean]> = [
      [{ stage: ['k3x9q2m7ab/prod'] }, (r) => r.apiId === 'k3x9q2m7ab' && r.stage === 'prod'],
      [{ stage: ['prod', '7fhw0d1zq4/staging'] }, (r) => r.stage === 'prod' || (r.apiId === '7fhw0d1zq4' && r.stage === 'staging')],
      [{ domain: ['api.petstore.example.com'] }, (r) => String(r.domainName).toLowerCase() === 'api.petstore.example.com'],
      [{ customer: ['cust-0001', 'dev-sandbox'] }, (r) => r.customerId === 'cust-0001' || r.apiKeyName === 'dev-sandbox'],
      [{ customer: ['rawkey0001'] }, (r) => r.identityApiKeyId === 'rawkey0001'],
      [{ usagePlan: ['Gold', 'free03'] }, (r) => r.usagePlanName === 'Gold' || r.usagePlanId === 'free03'],
    ];
    for (const [flags, pred] of cases) {
      const { data } = await report(flags);
      const expected = answers(records.filter(pred), 10);
      expect(expected.totals![0]!.requests, JSON.stringify(flags)).toBeGreaterThan(0);
      expectSameRows(rowsOf(data, 'totals'), expected.totals!);
      expectSameRows(rowsOf(data, 'customers'), expected.customers!);
      expectSameRows(rowsOf(data, 'top_routes'), expected.top_routes!);
    }
  });

  it('says so when the window holds no request, and still answers with zeros', async () => {
    const { data, stderr } = await report({ from: '2024-01-01', to: '2024-01-01' });
    expect(rowsOf(data, 'totals')?.[0]).toMatchObject({ requests: 0, s4xx: 0, responseP50: null, clientErrorRate: null });
    expect(rowsOf(data, 'top_routes')).toEqual([]);
    expect(rowsOf(data, 'requests_over_time')).toHaveLength(24);
    expect(stderr).toContain('No requests from 2024-01-01T00:00:00Z to 2024-01-02T00:00:00Z in these files.');
  });
});

describe('report --local outputs', () => {
  it('prints tables: the totals, each question and the hostile user agent as plain text', async () => {
    const h = createTestContext();
    await runReport(options({ local: FIXTURE, json: false }), h.ctx);
    const out = h.out('stdout');
    expect(out).toContain('API Gateway access-log report');
    expect(out).toMatch(/Requests\s+424\n/);
    for (const title of ['Status codes', 'Top routes', '4xx by error type', '5xx by route', 'Top customers and API keys', 'Authentication methods', 'Top user agents', 'Top source IPs', 'Latency by route', 'Requests over time']) {
      expect(out).toContain(title);
    }
    expect(out).toMatch(/RESPONSE P50\/P90\/P99 MS/);
    expect(h.out('stderr')).not.toContain('API Gateway access-log report');
  });

  it('--csv writes one file per question: ids as headers, raw values, formulas neutralised, quotes escaped', async () => {
    const dir = join(scratch, 'csv');
    const h = createTestContext();
    const data = await runReport(options({ local: FIXTURE, csv: dir, top: 1000 }), h.ctx);
    expect(h.out('stderr')).toContain(`Wrote 13 CSV files to ${dir}`);
    expect(readdirSync(dir).sort()).toEqual(data.questions.map((q) => `${q.id}.csv`).sort());
    const totals = readFileSync(join(dir, 'totals.csv'), 'utf8').split('\r\n');
    expect(totals[0]).toBe('requests,s2xx,s3xx,s4xx,s5xx,responseP50,responseP90,responseP99,firstSeen,lastSeen,clientErrorRate,serverErrorRate');
    expect(totals[1]).toMatch(/^424,\d+,\d+,\d+,\d+,[\d.]+,[\d.]+,[\d.]+,2025-01-06T21:\d\d:\d\d\.\d{3}Z,2025-01-07T0[23]:\d\d:\d\d\.\d{3}Z,0\.\d+,0\.\d+$/);
    const agents = readFileSync(join(dir, 'user_agents.csv'), 'utf8');
    expect(agents.split('\r\n')).toHaveLength(rowsOf(data, 'user_agents')!.length + 2);
    // A logged value a spreadsheet would run as a formula is written as text.
    expect(agents).toContain(`"'=HYPERLINK(""http://example.com"",""x"")",1,`);
    expect(agents).toContain('"Partner ""Sync"" Agent \\ v2.1",');
  });

  it('--html writes one page with a chart per answered question and every value escaped', async () => {
    const file = join(scratch, 'report.html');
    await runReport(options({ local: FIXTURE, html: file, top: 1000 }), createTestContext().ctx);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\';');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)[^"<]*"/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    for (const id of ['status_codes', 'top_routes', 'client_errors', 'server_errors_by_route', 'customers', 'auth_methods', 'user_agents', 'client_ips', 'latency_by_route', 'requests_over_time']) {
      expect(html, id).toContain(`data-question="${id}"`);
    }
  });
});

describe('report --local reads what it should and refuses what it cannot', () => {
  it('reads raw API Gateway lines (strings, "-") the same as the Lambda output', async () => {
    const { data } = await report({ local: join(FIXTURE, 'raw') });
    const expected = answers(readRecords(join(FIXTURE, 'raw')), 10);
    expect(expected.totals![0]!.requests).toBe(24);
    for (const id of Object.keys(expected)) expectSameRows(rowsOf(data, id), expected[id]!);
  });

  it('reads a single gzip object given by path', async () => {
    const dir = join(FIXTURE, 'logs', 'dt=2025-01-07');
    const file = join(dir, readdirSync(dir).sort()[0]!);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim()).length;
    expect(lines).toBeGreaterThan(0);
    const { data } = await report({ local: file });
    expect(data.source).toMatchObject({ kind: 'local', files: 1 });
    expect(rowsOf(data, 'totals')?.[0]?.requests).toBe(lines);
  });

  it('names the file holding a record that is not JSON', async () => {
    const dir = join(scratch, 'bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.jsonl'), '{"status":200}\n{"status": 200, oops}\n');
    const err = await report({ local: dir }).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('UnreadableLogs');
    expect(isAppError(err) && err.message).toContain(join(dir, 'a.jsonl'));
    expect(isAppError(err) && err.resolution).toContain('one JSON object');
  });

  it('refuses a log file whose path the engine would read as a wildcard', async () => {
    const dir = join(scratch, 'glob');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'part[1].jsonl'), '{"status":200}\n');
    const err = await report({ local: dir }).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('UnsupportedFileName');
    expect(isAppError(err) && err.message).toContain('part[1].jsonl');
  });

  it('refuses a missing path and a folder without logs, naming --local', async () => {
    const missing = await report({ local: join(scratch, 'nope') }).catch((e: unknown) => e);
    expect(isAppError(missing) && [missing.code, missing.kind]).toEqual(['LocalPathNotFound', 'user']);
    expect(isAppError(missing) && missing.message).toContain('--local');
    const empty = join(scratch, 'empty');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'readme.md'), '# not logs\n');
    const none = await report({ local: empty }).catch((e: unknown) => e);
    expect(isAppError(none) && none.code).toBe('NoLogFiles');
    expect(isAppError(none) && none.details.join(' ')).toContain('readme.md');
  });
});
