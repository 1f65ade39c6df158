/** The report's pure parts: windows and partitions, filters, the compiler's decisions, CSV, cost. */
import { describe, expect, it } from 'vitest';
import { compileReport } from '../../src/core/questions/compile.js';
import { ATHENA, DUCKDB, sqlString } from '../../src/core/questions/dialect.js';
import { NO_FILTERS, filterPredicates, parseFilters, parseStage } from '../../src/core/questions/filters.js';
import { formatBytes, formatRatio, formatUsd } from '../../src/core/questions/format.js';
import { athenaCostUsd } from '../../src/core/questions/model.js';
import { AUTH_METHODS, CLIENT_ERROR_TYPES, MEASURES, QUESTIONS, questionColumns, type Question } from '../../src/core/questions/questions.js';
import { RECORD_FIELDS } from '../../src/core/log-format.js';
import { questionCsv } from '../../src/core/questions/render-csv.js';
import { renderHtml, rowLabel } from '../../src/core/questions/render-html.js';
import { reportJson } from '../../src/core/questions/render-json.js';
import { logRange, yTickSteps } from '../../src/core/questions/svg.js';
import type { ReportData } from '../../src/core/questions/model.js';
import type { QuestionResult } from '../../src/core/questions/results.js';
import { athenaSource } from '../../src/core/questions/sources.js';
import { parseDuration, parseInstant, partitionDays, resolveWindow } from '../../src/core/questions/window.js';
import { queryFailure } from '../../src/engines/athena-query.js';
import { isAppError } from '../../src/errors.js';

const err = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('time window', () => {
  it('reads durations in minutes, hours, days and weeks', () => {
    expect([parseDuration('30m'), parseDuration('24h'), parseDuration('7d'), parseDuration('2w')]).toEqual([1_800_000, 86_400_000, 604_800_000, 1_209_600_000]);
    for (const bad of ['0h', '5', 'h', '-1d', '1.5h', '24 hours']) {
      const e = err(() => parseDuration(bad));
      expect(isAppError(e) && [e.code, e.kind, e.message], bad).toEqual(['InvalidSince', 'usage', `--since "${bad}" is not a duration.`]);
    }
  });

  it('reads dates as whole UTC days (a --to date includes its day) and times as UTC unless zoned', () => {
    expect(parseInstant('2026-11-01', '--from')).toBe(Date.UTC(2026, 10, 1));
    expect(parseInstant('2026-11-01', '--to')).toBe(Date.UTC(2026, 10, 2));
    expect(parseInstant('2026-11-01T13:00', '--from')).toBe(Date.UTC(2026, 10, 1, 13));
    expect(parseInstant('2026-11-01 13:00:30Z', '--from')).toBe(Date.UTC(2026, 10, 1, 13, 0, 30));
    expect(parseInstant('2026-11-01T13:00+01:00', '--to')).toBe(Date.UTC(2026, 10, 1, 12));
    for (const bad of ['2026-13-01', '2026-02-30', 'yesterday', '1762000000000']) {
      const e = err(() => parseInstant(bad, '--to'));
      expect(isAppError(e) && e.message, bad).toBe(`--to "${bad}" is not a date or time.`);
    }
  });

  it('defaults by source: a fallback duration for AWS, every record (null) for files', () => {
    const now = Date.UTC(2026, 10, 25, 12);
    expect(resolveWindow({}, now, '24h')).toEqual({ fromMs: now - 86_400_000, toMs: now });
    expect(resolveWindow({}, now, null)).toBeNull();
    expect(resolveWindow({ since: '7d', to: '2026-11-20' }, now, null)).toEqual({ fromMs: Date.UTC(2026, 10, 14), toMs: Date.UTC(2026, 10, 21) });
  });

  it('reads the dt partitions that can hold the window: the day before when it starts near midnight, and the next day', () => {
    expect(partitionDays({ fromMs: Date.UTC(2026, 10, 24, 12), toMs: Date.UTC(2026, 10, 25, 12) })).toEqual({
      first: '2026-11-24',
      last: '2026-11-26',
      days: ['2026-11-24', '2026-11-25', '2026-11-26'],
    });
    // Starting at midnight: a request at 00:00:20 can be in an object whose oldest record arrived
    // the day before (dt is that day); ending at midnight, the last request may arrive the next day.
    expect(partitionDays({ fromMs: Date.UTC(2026, 10, 24), toMs: Date.UTC(2026, 10, 25) }).days).toEqual(['2026-11-23', '2026-11-24', '2026-11-25']);
    expect(partitionDays({ fromMs: Date.UTC(2026, 10, 24, 0, 59), toMs: Date.UTC(2026, 10, 24, 2) }).first).toBe('2026-11-23');
    expect(partitionDays({ fromMs: Date.UTC(2026, 10, 24, 1, 0), toMs: Date.UTC(2026, 10, 24, 2) }).first).toBe('2026-11-24');
    // Across a month and a year.
    expect(partitionDays({ fromMs: Date.UTC(2027, 0, 1, 0, 0, 20), toMs: Date.UTC(2027, 0, 1, 1) }).days).toEqual(['2026-12-31', '2027-01-01', '2027-01-02']);
  });
});

describe('filters', () => {
  it('reads --stage as API_ID/STAGE or a stage name, and refuses anything else naming the flag', () => {
    expect(parseStage('a1b2c3d4e5/prod')).toEqual({ apiId: 'a1b2c3d4e5', stage: 'prod' });
    expect(parseStage('v1_beta-2')).toEqual({ stage: 'v1_beta-2' });
    for (const bad of ['A1B2C3D4E5/prod', 'a1b2/prod', 'a1b2c3d4e5/', 'pr od', '']) {
      const e = err(() => parseStage(bad));
      expect(isAppError(e) && [e.code, e.kind], bad).toEqual(['InvalidStage', 'usage']);
      expect(isAppError(e) && e.message).toContain(`--stage "${bad}"`);
    }
  });

  it('writes values as quoted literals, never as SQL', () => {
    const f = parseFilters({ customer: ["o'brien", 'x\\y'], usagePlan: ['Gold'], domain: ['API.Example.COM.'] });
    expect(filterPredicates(f)).toEqual([
      "lower(domainName) IN ('api.example.com')",
      "(customerId IN ('o''brien', 'x\\y') OR apiKeyName IN ('o''brien', 'x\\y') OR identityApiKeyId IN ('o''brien', 'x\\y'))",
      "(usagePlanName IN ('Gold') OR usagePlanId IN ('Gold'))",
    ]);
    expect(isAppError(err(() => parseFilters({ customer: ['a\u0000b'] }))) ).toBe(true);
    expect(() => sqlString('a\nb')).toThrow(/control character/);
    expect(filterPredicates(NO_FILTERS)).toEqual([]);
  });
});

describe('the compiled statement', () => {
  const window = { fromMs: Date.UTC(2026, 10, 24, 12), toMs: Date.UTC(2026, 10, 25, 12) };
  const athena = compileReport({ dialect: ATHENA, source: athenaSource('db', 't"x', window), window, filters: parseFilters({ stage: ['prod'] }), top: 7 });

  it('reads the table once, in the window, with the filters, and asks every question of that one pass', () => {
    expect(athena.sql.match(/FROM "db"\."t""x"/g)).toHaveLength(1);
    expect(athena.sql).toContain(
      `WHERE dt >= '2026-11-24'\n    AND dt <= '2026-11-26'\n    AND requestTimeEpoch >= ${window.fromMs}\n    AND requestTimeEpoch < ${window.toMs}\n    AND (stage = 'prod')`,
    );
    expect(athena.sql).toContain(`CROSS JOIN (VALUES ${QUESTIONS.map((_, i) => `(${i + 1})`).join(', ')}) AS s(set_id)`);
    expect(athena.sql).toContain('WHERE set_id NOT IN (3, 5, 6, 8, 9, 10, 13) OR rn <= 7');
    expect(athena.questions.map((q) => q.id)).toEqual(QUESTIONS.map((q) => q.id));
  });

  it('keeps each aggregate to the questions that ask for it', () => {
    expect(athena.sql).toContain('count(*) FILTER (WHERE set_id IN (6) AND (errorResponseType = \'QUOTA_EXCEEDED\')) AS m_quotaHits');
    expect(athena.sql).toContain('approx_percentile(CAST(authorizerLatency AS DOUBLE), 0.9) FILTER (WHERE set_id IN (10)) AS m_authorizerP90');
    expect(athena.measureIds).toHaveLength(new Set(QUESTIONS.flatMap((q) => q.measures.map((m) => m.id))).size);
  });

  it('buckets hourly, or daily past 62 days; DuckDB divides with //', () => {
    expect(athena.bucketMs).toBe(3_600_000);
    expect(athena.sql).toContain('CAST(((requestTimeEpoch / 3600000) * 3600000) AS VARCHAR)');
    const long = { fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 6, 1) };
    const duck = compileReport({ dialect: DUCKDB, source: { from: 'logs', where: [] }, window: long, filters: NO_FILTERS, top: 10 });
    expect(duck.bucketMs).toBe(86_400_000);
    expect(duck.sql).toContain('CAST(((requestTimeEpoch // 86400000) * 86400000) AS VARCHAR)');
    expect(duck.sql).toContain('quantile_cont(responseLatency, [0.5, 0.9, 0.99])');
    expect(compileReport({ dialect: DUCKDB, source: { from: 'logs', where: [] }, window: null, filters: NO_FILTERS, top: 10 }).sql).not.toContain('requestTimeEpoch >=');
  });

  it('refuses definitions it cannot compile', () => {
    const q = QUESTIONS.find((x) => x.id === 'user_agents') as Question;
    expect(() => compileReport({ dialect: DUCKDB, source: { from: 'l', where: [] }, window: null, filters: NO_FILTERS, top: 0 })).toThrow(/top/);
    expect(() => compileReport({ dialect: DUCKDB, source: { from: 'l', where: [] }, window: null, filters: NO_FILTERS, top: 10, questions: [{ ...q, orderBy: [{ column: 'userAgent', desc: false }] }] })).toThrow(
      /order by userAgent must be one of its measures or a numeric dimension/,
    );
    const twice = { ...q, id: 'client_ips' as const, measures: [{ ...MEASURES.s4xx, where: 'status = 404' }] };
    expect(() => compileReport({ dialect: DUCKDB, source: { from: 'l', where: [] }, window: null, filters: NO_FILTERS, top: 10, questions: [q, twice] })).toThrow(/s4xx is defined twice/);
  });
});

describe('the definitions', () => {
  it('name only fields the records have, and give every question a unique id and its own measures', () => {
    const keys = new Set(RECORD_FIELDS.map((f) => f.key));
    expect(AUTH_METHODS.flatMap((m) => m.anyPresent).filter((k) => !keys.has(k))).toEqual([]);
    const types = CLIENT_ERROR_TYPES.flatMap((t) => t.responseTypes);
    expect(new Set(types).size).toBe(types.length);
    expect(new Set(QUESTIONS.map((q) => q.id)).size).toBe(QUESTIONS.length);
    for (const q of QUESTIONS) {
      const columns = questionColumns(q).map((c) => c.id);
      expect(new Set(columns).size, q.id).toBe(columns.length);
      for (const o of q.orderBy) expect(columns, q.id).toContain(o.column);
    }
  });
});

describe('CSV', () => {
  it('quotes, neutralises formulas in text, writes times as ISO and nulls as empty', () => {
    const csv = questionCsv({
      id: 'user_agents',
      title: 't',
      description: 'd',
      columns: [
        { id: 'userAgent', label: 'User agent', type: 'text' },
        { id: 'requests', label: 'Requests', type: 'count' },
        { id: 'first', label: 'First', type: 'time' },
        { id: 'share', label: 'Share', type: 'ratio' },
      ],
      rows: [
        { userAgent: '=1+2', requests: 3, first: Date.UTC(2026, 0, 1), share: 0.25 },
        { userAgent: 'a "b", c', requests: 1, first: null, share: null },
        { userAgent: '-x', requests: -1, first: null, share: 0 },
      ],
    });
    expect(csv).toBe(`\uFEFFUser agent,Requests,First (UTC),Share (%)\r\n'=1+2,3,2026-01-01T00:00:00Z,25\r\n"a ""b"", c",1,,\r\n'-x,-1,,0\r\n`);
  });

  it('neutralises formulas behind white space and in fullwidth forms, NUL bytes, and rounds shares', () => {
    const rows = ['  =1+2', '\u3000@SUM(A1)', '\uFF1DHYPERLINK("x")', '\uFF0B1', 'a\u0000b', 'ünïcødé', 'plain'].map((userAgent, i) => ({ userAgent, share: [0.5366666666666666, 1 / 3, 0.001, 0, 1, 0.12345, 0.999999][i]! }));
    const csv = questionCsv({
      id: 'user_agents',
      title: 't',
      description: 'd',
      columns: [
        { id: 'userAgent', label: 'User agent', type: 'text' },
        { id: 'share', label: 'Share', type: 'ratio' },
      ],
      rows,
    });
    expect(csv.startsWith('\uFEFFUser agent,Share (%)\r\n')).toBe(true);
    expect(csv.slice(1).split('\r\n').slice(1, -1)).toEqual([
      "'  =1+2,53.67",
      "'\u3000@SUM(A1),33.33",
      `"'\uFF1DHYPERLINK(""x"")",0.1`,
      "'\uFF0B1,0",
      'a\uFFFDb,100',
      'ünïcødé,12.35',
      'plain,100',
    ]);
    expect(csv).not.toContain('\u0000');
  });
});

describe('cost and numbers', () => {
  it('prices Athena at $5 per TB scanned with the 10 MB minimum', () => {
    expect(athenaCostUsd(1024 ** 4)).toBe(5);
    expect(athenaCostUsd(0)).toBe(athenaCostUsd(10 * 1024 ** 2));
    expect(formatUsd(athenaCostUsd(3 * 1024 ** 3))).toBe('$0.0146');
    expect(formatBytes(123_456_789)).toBe('118 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatRatio(0.0004)).toBe('<0.1%');
    expect(formatRatio(0.1234)).toBe('12.3%');
  });

  it('tells the user to retry a failure Athena marks as its own', () => {
    const e = queryFailure({ id: 'q', state: 'FAILED', stateChangeReason: 'INTERNAL_ERROR_QUERY_ENGINE', errorCategory: 1, retryable: true, dataScannedBytes: 0 }, { sql: '', workGroup: 'w', database: 'd' });
    expect(e.resolution).toBe('This failure is on Athena\'s side. Run the report again in a minute.');
  });
});

describe('HTML page', () => {
  const question = (id: QuestionResult['id'], rows: QuestionResult['rows']): QuestionResult => {
    const def = QUESTIONS.find((q) => q.id === id)!;
    return { id, title: def.title, description: def.description, columns: questionColumns(def), rows };
  };
  const report = (questions: QuestionResult[]): ReportData => ({
    schemaVersion: 2,
    generatedAt: '2026-11-25T12:00:00Z',
    source: { kind: 'local', path: 'logs', files: 1, bytes: 1, engine: 'DuckDB' },
    window: { from: '2026-11-24T12:00:00Z', to: '2026-11-25T12:00:00Z' },
    filters: { stages: [], domains: [], customers: [], usagePlans: [] },
    top: 10,
    bucketMs: 3_600_000,
    questions,
  });

  it('has no NaN without authorizer data, and whole-number y ticks for an empty window', () => {
    const route = { apiId: 'a1b2c3d4e5', stage: 'prod', httpMethod: 'GET', resourcePath: '/pets', requests: 3, responseP50: 10, responseP90: 20, responseP99: 30, integrationP50: 5, integrationP90: 6, integrationP99: 7, authorizerP50: null, authorizerP90: null, authorizerP99: null };
    const empty = Array.from({ length: 24 }, (_, i) => ({ bucket: Date.UTC(2026, 10, 24, 12 + i), requests: 0, s4xx: 0, s5xx: 0 }));
    const html = renderHtml(report([question('latency_by_route', [route]), question('requests_over_time', empty)]));
    expect(html).not.toContain('NaN');
    expect(html).toContain('No authorizer latency in these requests');
    const ticks = [...html.matchAll(/<text class="axis" x="\d+" y="[\d.]+" text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '1']);
    expect(yTickSteps(10)).toBe(5);
    expect(yTickSteps(20)).toBe(5);
    expect(yTickSteps(2)).toBe(2);
    expect(logRange([])).toEqual({ lo: 10, hi: 100 });
  });

  it('cuts a 20 MB logged value in the page, keeps it whole in --json, and says each label once', () => {
    const huge = 'Mozilla/5.0 '.repeat(1_750_000);
    const agents = question('user_agents', [{ userAgent: huge, requests: 1, s4xx: 0, s5xx: 0, share: 1 }]);
    const errors = question('client_errors', [{ errorType: 'Quota exceeded', errorResponseType: 'QUOTA_EXCEEDED', requests: 2, share: 1 }]);
    const data = report([agents, errors]);
    const html = renderHtml(data);
    expect(huge.length).toBeGreaterThan(20_000_000);
    expect(html.length).toBeLessThan(100_000);
    expect(html).toContain('more characters in --json)');
    expect(JSON.stringify(reportJson(data))).toContain(huge);
    expect(html).toContain('>Quota exceeded</text>');
    expect(html).not.toContain('Quota exceeded QUOTA_EXCEEDED');
    expect(html).not.toContain('Quota exceeded (QUOTA_EXCEEDED)');
  });

  it('labels routes with their API and stage, and explains a key listed with and without a plan', () => {
    expect(rowLabel(['httpMethod', 'resourcePath', 'apiId', 'stage'])({ httpMethod: 'GET', resourcePath: '/pets', apiId: 'a1b2c3d4e5', stage: 'prod' })).toBe('GET /pets (a1b2c3d4e5/prod)');
    const customers = question('customers', [
      { customerId: 'c1', apiKey: 'acme', usagePlan: 'Gold', requests: 5, quotaHits: 0, throttled: 0, s4xx: 0, s5xx: 0 },
      { customerId: 'c1', apiKey: 'acme', usagePlan: null, requests: 2, quotaHits: 0, throttled: 0, s4xx: 0, s5xx: 0 },
    ]);
    expect(renderHtml(report([customers]))).toContain('A key listed twice, with and without a usage plan');
  });
});
