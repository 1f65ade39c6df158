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
import { reportJson } from '../../src/core/questions/render-json.js';
import { runReport } from '../../src/commands/report/run.js';
import type { ReportOptions } from '../../src/commands/report/index.js';
import { FIXTURE, options } from './helpers.js';
import type { ReportData } from '../../src/core/questions/model.js';
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
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(reportJson(run.data))));
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

  it('--csv writes one file per question: labels as headers, a BOM, raw values, formulas neutralised, quotes escaped', async () => {
    const dir = join(scratch, 'csv');
    const h = createTestContext();
    const data = await runReport(options({ local: FIXTURE, csv: dir, top: 1000 }), h.ctx);
    expect(h.out('stderr')).toContain(`Wrote 13 CSV files to ${dir}`);
    expect(readdirSync(dir).sort()).toEqual(data.questions.map((q) => `${q.id}.csv`).sort());
    const totals = readFileSync(join(dir, 'totals.csv'), 'utf8').split('\r\n');
    expect(totals[0]).toBe('\uFEFFRequests,2xx,3xx,4xx,5xx,Response p50 (ms),Response p90 (ms),Response p99 (ms),First request (UTC),Last request (UTC),4xx rate (%),5xx rate (%)');
    expect(totals[1]).toMatch(/^424,\d+,\d+,\d+,\d+,[\d.]+,[\d.]+,[\d.]+,2025-01-06T21:\d\d:\d\d\.\d{3}Z,2025-01-07T0[23]:\d\d:\d\d\.\d{3}Z,\d+(\.\d\d?)?,\d+(\.\d\d?)?$/);
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

describe('report output paths', () => {
  it('--html overwrites an earlier report of ours, and leaves any other file untouched (exit 2)', async () => {
    const file = join(scratch, 'again.html');
    await runReport(options({ local: FIXTURE, html: file }), createTestContext().ctx);
    await runReport(options({ local: FIXTURE, html: file }), createTestContext().ctx);
    expect(readFileSync(file, 'utf8')).toContain('<meta name="generator" content="apigw-log-analytics report">');
    const notes = join(scratch, 'notes.html');
    writeFileSync(notes, '<p>my notes</p>\n');
    const h = createTestContext();
    const err = await runReport(options({ local: FIXTURE, html: notes }), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && [err.code, err.kind]).toEqual(['BadOutputPath', 'usage']);
    expect(readFileSync(notes, 'utf8')).toBe('<p>my notes</p>\n');
    expect(h.out('stderr')).not.toContain('Querying');
  });

  it('--csv creates a missing folder, nested', async () => {
    const dir = join(scratch, 'csv', 'nested', 'deeper');
    await runReport(options({ local: FIXTURE, csv: dir }), createTestContext().ctx);
    expect(readdirSync(dir)).toContain('totals.csv');
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

  it('a bad line or a non-access-log line skips that line, names the file and why on stderr, and counts only access-log records', async () => {
    const dir = join(scratch, 'bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.jsonl'), '{"requestId":"r1","status":200}\n{"status": 200, oops}\n{"foo":1}\n{"requestId":"r2","status":404}\n');
    const { data, stderr } = await report({ local: dir });
    expect(rowsOf(data, 'totals')?.[0]).toMatchObject({ requests: 2, s2xx: 1, s4xx: 1 });
    expect(stderr).toContain('Skipped 0 file(s) and lines of 1 other file(s):');
    expect(stderr).toContain(`${join(dir, 'a.jsonl')}: damaged (Malformed JSON`);
    expect(data.source).toMatchObject({ kind: 'local', files: 1, skipped: [{ file: join(dir, 'a.jsonl'), lines: 2 }] });
  });

  it('JSON lines that are not access logs are not requests, and the file is named', async () => {
    const dir = join(scratch, 'foo');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'other.json'), '{"foo":1}\n{"bar":2}\n');
    const { data, stderr } = await report({ local: [dir, join(FIXTURE, 'raw')] });
    expect(rowsOf(data, 'totals')?.[0]?.requests).toBe(24);
    expect(stderr).toContain(`${join(dir, 'other.json')}: no access-log records (JSON lines without a requestId)`);
  });

  it('one truncated .gz does not fail the folder: the rest is reported and the file named; --strict makes it a failure', async () => {
    const dir = join(scratch, 'truncated');
    mkdirSync(dir, { recursive: true });
    const src = join(FIXTURE, 'logs', 'dt=2025-01-07');
    const names = readdirSync(src).sort().slice(0, 3);
    for (const n of names) writeFileSync(join(dir, n), readFileSync(join(src, n)));
    const whole = readFileSync(join(src, names[0]!));
    writeFileSync(join(dir, names[0]!), whole.subarray(0, Math.floor(whole.length / 2)));
    writeFileSync(join(dir, 'README.md'), '# not logs\n');
    const { data, stderr } = await report({ local: dir });
    const intact = names.slice(1).reduce((n, f) => n + gunzipSync(readFileSync(join(src, f))).toString('utf8').split('\n').filter((l) => l.trim()).length, 0);
    const requests = rowsOf(data, 'totals')?.[0]?.requests as number;
    expect(requests).toBeGreaterThanOrEqual(intact);
    expect(requests).toBeLessThan(intact + gunzipSync(whole).toString('utf8').split('\n').filter((l) => l.trim()).length);
    expect(stderr).toContain('Skipped 1 file(s) and lines of 1 other file(s):');
    expect(stderr).toContain(`${join(dir, names[0]!)}: damaged (`);
    expect(stderr).toContain(`${join(dir, 'README.md')}: neither gzip, JSON lines nor Parquet`);
    const page = join(scratch, 'truncated.html');
    await report({ local: dir, html: page });
    expect(readFileSync(page, 'utf8')).toContain('<dt>Skipped</dt><dd>2 file(s) or parts of files that could not be read');
    const err = await report({ local: dir, strict: true }).catch((e: unknown) => e);
    expect(isAppError(err) && [err.code, err.kind]).toEqual(['SkippedInput', 'user']);
    expect(isAppError(err) && err.details.join('\n')).toContain(join(dir, names[0]!));
  });

  it('reads AWS\'s documented JSON example format (text requestTime, no requestTimeEpoch) with its times', async () => {
    const dir = join(scratch, 'standard');
    mkdirSync(dir, { recursive: true });
    const line = (id: string, time: string, status: string) =>
      JSON.stringify({ requestId: id, ip: '192.0.2.1', caller: '-', user: '-', requestTime: time, httpMethod: 'GET', resourcePath: '/pets', status, protocol: 'HTTP/1.1', responseLength: '42' });
    writeFileSync(join(dir, 'log.json'), [line('a', '06/Jan/2025:22:00:41 +0000', '200'), line('b', '07/Jan/2025:01:02:03 +0100', '404'), line('c', '07/Jan/2025:09:15:00 +0000', '200')].join('\n'));
    const { data, stdout } = await report({ local: dir, json: false });
    expect(rowsOf(data, 'totals')?.[0]).toMatchObject({ requests: 3, firstSeen: Date.UTC(2025, 0, 6, 22, 0, 41), lastSeen: Date.UTC(2025, 0, 7, 9, 15, 0) });
    const series = rowsOf(data, 'requests_over_time')!.filter((r) => (r.requests as number) > 0);
    expect(series.map((r) => [r.bucket, r.requests])).toEqual([
      [Date.UTC(2025, 0, 6, 22), 1],
      [Date.UTC(2025, 0, 7, 0), 1],
      [Date.UTC(2025, 0, 7, 9), 1],
    ]);
    expect(stdout).toContain('2025-01-06T22:00:41');
  });

  it('--since on files from another time says which days the files hold', async () => {
    const { stderr } = await report({ local: FIXTURE, since: '24h' });
    expect(stderr).toMatch(/No requests from .* in these files\. They hold requests from 2025-01-06T\S+ to 2025-01-0\dT\S+ \(UTC\)/);
    expect(stderr).toMatch(/--from 2025-01-06 --to 2025-01-0\d/);
  });

  it('--from alone in the future says so, not "make --from earlier than --to"', async () => {
    const err = await report({ local: FIXTURE, from: '2030-01-01' }).catch((e: unknown) => e);
    expect(isAppError(err) && [err.code, err.kind]).toEqual(['FromInFuture', 'usage']);
    expect(isAppError(err) && err.message).toContain('--from 2030-01-01 is in the future');
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
