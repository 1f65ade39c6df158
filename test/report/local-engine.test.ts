/**
 * How the local engine answers at scale, held to what it answered before: one statement per
 * question (its top N by ORDER BY and LIMIT) gives exactly the rows of the whole statement; the
 * records written to the engine's scratch file answer as the files read directly; fields the
 * statement only tests for null are kept as TRUE/null; Ctrl+C stops the load and every statement
 * after it, and closing the engine leaves no file behind.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { compileReport, type ReportSource } from '../../src/core/questions/compile.js';
import { DUCKDB, type Dialect } from '../../src/core/questions/dialect.js';
import { parseFilters } from '../../src/core/questions/filters.js';
import { QUESTIONS, type Question } from '../../src/core/questions/questions.js';
import { decodeResults } from '../../src/core/questions/results.js';
import { openDuckDb, resolveDuckDb, type SqlEngine } from '../../src/engines/engine.js';
import { IN_MEMORY_BYTES, duckDbSource, fieldsKept, findLogFiles, scratchFor, surveySql, tableBytes } from '../../src/engines/local-files.js';
import { RECORD_FIELDS } from '../../src/core/log-format.js';
import { measureSplits, runPerQuestion, withTopN } from '../../src/engines/per-question.js';
import { surveyLogs } from '../../src/engines/survey.js';
import { CancelledError } from '../../src/errors.js';
import { FIXTURE } from './helpers.js';
import { runNode } from '../helpers/run-bin.js';

const scratch = mkdtempSync(join(tmpdir(), 'report-local-engine-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const WINDOW = { fromMs: Date.UTC(2025, 0, 6, 22), toMs: Date.UTC(2025, 0, 7, 6) };

/**
 * DuckDB with every percentile an aggregate of its own, as the statement was before
 * Dialect.percentiles, of the value cast to DOUBLE, as it was before the dialect gave the integer
 * latencies as they are.
 */
const ONE_BY_ONE: Dialect = { ...DUCKDB, percentiles: undefined, percentile: (e, q) => `quantile_cont(CAST(${e} AS DOUBLE), ${q})` };

function compiler(source: ReportSource, o: { window?: typeof WINDOW; top: number; customer?: string }, dialect: Dialect = DUCKDB) {
  return (questions: readonly Question[] = QUESTIONS) =>
    compileReport({ dialect, source, window: o.window ?? null, filters: parseFilters({ customer: o.customer ? [o.customer] : undefined }), top: o.top, questions });
}

async function withEngine<T>(fn: (engine: SqlEngine) => Promise<T>): Promise<T> {
  const engine = await openDuckDb(resolveDuckDb([import.meta.url])!);
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}

/** The two places a load keeps the records: the fixture's days fit in memory; with no room for a table, a Parquet file. */
const SCRATCHES = [
  { kind: 'table', options: {} },
  { kind: 'file', options: { inMemoryBytes: 0 } },
] as const;

/** The tables of the engine's database, by name. */
const tables = async (engine: SqlEngine) => (await engine.all('SELECT table_name FROM duckdb_tables() ORDER BY 1')).map(([name]) => name);

/** The fixture's first day `times` times over, in a folder of its own. */
function copyOfDay(name: string, times: number): string {
  const dir = join(scratch, name);
  const src = join(FIXTURE, 'logs', 'dt=2025-01-06');
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < times; i++) for (const f of readdirSync(src).filter((n) => n.endsWith('.gz'))) copyFileSync(join(src, f), join(dir, `${i}-${f}`));
  return dir;
}

describe('percentiles of integer latencies', () => {
  it('are the same doubles as those of the values cast to DOUBLE (the dialect leaves the cast out: a third of the time)', async () => {
    await withEngine(async (engine) => {
      // Groups of 1 to 2,000 values (with nulls, repeats and the INTEGER extremes), at fractions
      // that land on a value and between two; a row is one group where the answers differ.
      const fractions = '[0, 0.001, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]';
      const values = `SELECT g, CASE WHEN i % 97 = 0 THEN NULL WHEN g = 3 THEN (CASE WHEN i % 2 = 0 THEN 2147483647 ELSE -2147483648 END) ELSE CAST(hash(i) % 30000 AS INTEGER) END AS v
        FROM (SELECT i, i % 7 AS g FROM range(0, 14000) t(i) UNION ALL SELECT 100 + i, 100 + i FROM range(0, 3) t(i))`;
      const rows = await engine.all(
        `SELECT g, typeof(a) AS type, CAST(a AS VARCHAR) AS a, CAST(b AS VARCHAR) AS b FROM (
           SELECT g, quantile_cont(v, ${fractions}) AS a, quantile_cont(CAST(v AS DOUBLE), ${fractions}) AS b FROM (${values}) GROUP BY g
         ) ORDER BY g`,
      );
      expect(rows).toHaveLength(10);
      for (const [, type, a, b] of rows) {
        expect(type).toBe('DOUBLE[]');
        expect(a).toBe(b);
      }
    });
  });
});

describe('one statement per question', () => {
  const cases = [{ top: 10 }, { top: 2, window: WINDOW }, { top: 3, customer: 'cust-0001' }].flatMap((o) => SCRATCHES.map((scratch) => ({ o, scratch })));
  for (const { o, scratch } of cases) {
    it(`answers exactly as the whole statement (${JSON.stringify(o)}, records in a ${scratch.kind})`, async () => {
      await withEngine(async (engine) => {
        const survey = await surveyLogs(engine, await findLogFiles(FIXTURE), fieldsKept(compiler({ from: 'logs', where: [] }, o)().sql), scratch.options);
        const compile = compiler(survey.source, o);
        const whole = compile();
        // The reference: the whole statement, every percentile an aggregate of its own.
        const expected = decodeResults(whole, await engine.all(compiler(survey.source, o, ONE_BY_ONE)().sql));
        expect(decodeResults(whole, await engine.all(whole.sql))).toEqual(expected);
        // As many records as the fixture holds (every question whole), and as if it held billions (every percentile apart).
        const apart = decodeResults(whole, await runPerQuestion(whole, compile, (sql) => engine.all(sql), 1e12));
        const actual = decodeResults(whole, await runPerQuestion(whole, compile, (sql) => engine.all(sql), survey.records));
        expect(apart).toEqual(expected);
        expect(actual).toEqual(expected);
        // As if every column had many values (ReportSource.manyValues): every "top" question ranked by its count counts its keys first, with the same answers.
        const many = compiler({ ...survey.source, manyValues: new Set(RECORD_FIELDS.map((f) => f.key)) }, o);
        const counted: string[] = [];
        expect(decodeResults(whole, await runPerQuestion(whole, many, (sql) => (counted.push(sql), engine.all(sql)), survey.records))).toEqual(expected);
        expect(counted.filter((sql) => sql.includes('top_keys AS')).map((sql) => /set 1: (\w+)/.exec(sql)?.[1])).toEqual(['customers', 'user_agents', 'client_ips', 'websocket_events']);
        // Not an empty answer that agrees with itself, and the top N kept.
        expect(actual.find((q) => q.id === 'client_ips')!.rows.length).toBe(o.top);
        expect(actual.find((q) => q.id === 'totals')!.rows[0]!.requests).toBeGreaterThan(o.top);
      });
    });
  }

  it('answers the questions that group alike (top routes, 5xx by route, latency by route) with one statement that groups the records once', async () => {
    await withEngine(async (engine) => {
      const survey = await surveyLogs(engine, await findLogFiles(FIXTURE), fieldsKept(compiler({ from: 'logs', where: [] }, { top: 10 })().sql));
      const compile = compiler(survey.source, { top: 10 });
      const statements: string[] = [];
      await runPerQuestion(compile(), compile, (sql) => (statements.push(sql), engine.all(sql)), survey.records);
      expect(statements).toHaveLength(QUESTIONS.length - 2);
      const byRoute = statements.filter((sql) => /set \d+: (top_routes|server_errors_by_route|latency_by_route)\b/.test(sql));
      expect(byRoute).toHaveLength(1);
      expect(byRoute[0]).toMatch(/set 1: top_routes\n--\s+set 2: server_errors_by_route\n--\s+set 3: latency_by_route/);
      expect(byRoute[0]!.match(/GROUP BY/g)).toHaveLength(1);
      expect(byRoute[0]).toContain('CROSS JOIN (VALUES (1), (2), (3)) AS s(set_id)');
      // With the latencies split apart (as at tens of millions of records), the other two still share theirs.
      statements.length = 0;
      await runPerQuestion(compile(), compile, (sql) => (statements.push(sql), engine.all(sql)), 1e12);
      expect(statements.filter((sql) => sql.includes('set 1: top_routes') && sql.includes('set 2: server_errors_by_route'))).toHaveLength(1);
    });
  });

  it('computes the percentiles of each value in a statement of their own, with the measures the question is ranked and filtered by', () => {
    const byId = (id: string) => QUESTIONS.find((q) => q.id === id)!;
    const percentiles = byId('latency_by_route').measures.filter((m) => m.agg === 'percentile');
    const latency = measureSplits(byId('latency_by_route'));
    expect(latency).toHaveLength(4);
    expect(latency.slice(1).map((q) => q.measures.map((m) => m.id))).toEqual(
      ['responseLatency', 'integrationLatency', 'authorizerLatency'].map((of) => ['requests', ...percentiles.filter((m) => m.agg === 'percentile' && m.of === of).map((m) => m.id)]),
    );
    // Totals' three percentiles are of one value: the question as it is.
    expect(measureSplits(byId('totals'))).toEqual([byId('totals')]);
    // Two values a statement: two latencies, then one.
    expect(measureSplits(byId('latency_by_route'), 2).map((q) => q.measures.length)).toEqual([1, 7, 4]);
    expect(measureSplits(byId('latency_by_route'), 3)).toEqual([byId('latency_by_route')]);
    // One percentile (or none): the question as it is.
    expect(measureSplits(byId('websocket_events'))).toEqual([byId('websocket_events')]);
    expect(measureSplits(byId('client_ips'))).toEqual([byId('client_ips')]);
  });

  it('groups one question by its dimensions as they are: no set pairing, keys cast to text after grouping', () => {
    const compile = compiler({ from: 'logs', where: [] }, { top: 7 });
    for (const q of QUESTIONS) {
      const sql = compile([q]).sql;
      expect(sql, q.id).not.toContain('CROSS JOIN');
      expect(sql, q.id).not.toContain('set_id IN');
    }
    // The status code is grouped as a number, and made text once per group.
    const status = compile([QUESTIONS.find((q) => q.id === 'status_codes')!]).sql;
    expect(status).toMatch(/\(status\) AS k1/);
    expect(status).toContain('CAST(k1 AS VARCHAR) AS k1');
    // The whole statement still pairs every record with every set (Athena's single scan).
    expect(compile().sql).toContain('CROSS JOIN (VALUES (1), (2)');
  });

  it('counts the records of a classifying question by the columns it reads, then classifies the counts (Question.preGroup)', () => {
    const compile = compiler({ from: 'logs', where: [] }, { top: 7 });
    const auth = compile([QUESTIONS.find((q) => q.id === 'auth_methods')!]).sql;
    // Every column the CASE and the 401/403 condition read, counted once (those it only tests for
    // null, the API key id among them, as TRUE or null); the CASE over the counts.
    const presence = (k: string) => `CASE WHEN ${k} IS NOT NULL THEN TRUE END AS ${k}`;
    const columns = ['status', ...['authorizerPrincipalId', 'identityApiKeyId', 'identityCognitoIdentityId', 'identityUserArn', 'sub', 'authorizeStatus', 'authorizerStatus'].map(presence)];
    expect(auth).toContain(`SELECT ${columns.join(', ')}, count(*) AS __n\n      FROM records\n      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8\n    ) AS counted`);
    // A source that already holds a column as TRUE or null (the load's presence columns) is counted
    // by it as it is; the API key id, held by value, is still made TRUE or null.
    const kept = new Set(['authorizerPrincipalId', 'identityCognitoIdentityId', 'identityUserArn', 'sub', 'authorizeStatus', 'authorizerStatus']);
    const onSource = compiler({ from: 'logs', where: [], presenceOnly: kept }, { top: 7 })([QUESTIONS.find((q) => q.id === 'auth_methods')!]).sql;
    const bare = ['status', 'authorizerPrincipalId', presence('identityApiKeyId'), 'identityCognitoIdentityId', 'identityUserArn', 'sub', 'authorizeStatus', 'authorizerStatus'];
    expect(onSource).toContain(`SELECT ${bare.join(', ')}, count(*) AS __n\n      FROM records`);
    // The customers' API key is shown: counted by its value.
    expect(compile([QUESTIONS.find((q) => q.id === 'customers')!]).sql).toMatch(/SELECT status, errorResponseType, identityApiKeyId, usagePlanName, apiKeyName, customerId, count/);
    expect(auth).toContain('CAST(COALESCE(sum(__n) FILTER (WHERE status IN (401, 403)), 0) AS BIGINT) AS m_authFailures');
    // The question's own condition keeps records before they are counted.
    expect(compile([QUESTIONS.find((q) => q.id === 'client_errors')!]).sql).toMatch(/FROM records\n\s*WHERE \(status BETWEEN 400 AND 499\)\n\s*GROUP BY/);
    // Questions with a value per request (addresses, agents, times) or percentiles are grouped as they are.
    for (const id of ['client_ips', 'user_agents', 'requests_over_time', 'latency_by_route', 'totals']) expect(compile([QUESTIONS.find((q) => q.id === id)!]).sql, id).not.toContain('__n');
  });

  it('answers from counted groups as from the records: no matching record counts 0, minimums and maximums of the records', async () => {
    const question: Question = {
      ...QUESTIONS.find((q) => q.id === 'auth_methods')!,
      measures: [...QUESTIONS.find((q) => q.id === 'auth_methods')!.measures, ...QUESTIONS.find((q) => q.id === 'totals')!.measures.filter((m) => m.agg === 'min' || m.agg === 'max')],
    };
    const rows = `(VALUES ('a', NULL, 200, 5), ('a', NULL, 200, 9), (NULL, NULL, 403, 7), (NULL, 'key', 200, 3)) AS t(sub, identityApiKeyId, status, requestTimeEpoch)`;
    const source = { from: `(SELECT *, NULL AS authorizerPrincipalId, NULL AS identityCognitoIdentityId, NULL AS identityUserArn, NULL AS authorizeStatus, NULL AS authorizerStatus FROM ${rows}) AS logs`, where: [] };
    await withEngine(async (engine) => {
      const counted = compiler(source, { top: 10 })([question]);
      expect(counted.sql).toContain('__n');
      const plain = compiler(source, { top: 10 })([{ ...question, preGroup: false }]);
      const [a, b] = [await engine.all(counted.sql), await engine.all(plain.sql)];
      expect(a).toEqual(b);
      // (The share of all requests is of the totals question, not asked here.)
      expect(decodeResults(counted, a)[0]!.rows).toEqual([
        { authMethod: 'Cognito user pool', withApiKey: 'without API key', requests: 2, authFailures: 0, firstSeen: 5, lastSeen: 9, share: null },
        { authMethod: 'API key only', withApiKey: 'with API key', requests: 1, authFailures: 0, firstSeen: 3, lastSeen: 3, share: null },
        { authMethod: 'None', withApiKey: 'without API key', requests: 1, authFailures: 1, firstSeen: 7, lastSeen: 7, share: null },
      ]);
    });
    // A percentile needs every value: a counted question with one is refused, not answered wrongly.
    const latency = { ...QUESTIONS.find((q) => q.id === 'websocket_events')!, preGroup: true };
    expect(() => compiler(source, { top: 10 })([latency])).toThrow(/percentile needs every value/);
  });

  it('finds the top N source addresses by counting first, then measures those keys only (Question.topFirst)', () => {
    const compile = compiler({ from: 'logs', where: [] }, { top: 7 });
    const ips = compile([QUESTIONS.find((q) => q.id === 'client_ips')!]).sql;
    expect(ips).toContain('top_keys AS (\n  SELECT (ip) AS k1, count(*) AS n\n  FROM records\n  GROUP BY 1\n  ORDER BY n DESC, k1 ASC NULLS LAST\n  LIMIT 7\n)');
    expect(ips).toContain('FROM records\n    SEMI JOIN top_keys ON (ip) IS NOT DISTINCT FROM top_keys.k1');
    // It works for any text key (the agents, though they are measured whole: see questions.ts).
    expect(compile([{ ...QUESTIONS.find((q) => q.id === 'user_agents')!, topFirst: true }]).sql).toContain('SEMI JOIN top_keys ON (identityUserAgent) IS NOT DISTINCT FROM top_keys.k1');
    expect(compile([QUESTIONS.find((q) => q.id === 'user_agents')!]).sql).not.toContain('top_keys');
    // Only where the ranking is the count alone: a question ranked otherwise is refused, not answered wrongly.
    for (const id of ['requests_over_time', 'server_errors_by_route', 'status_codes'] as const) {
      expect(() => compile([{ ...QUESTIONS.find((q) => q.id === id)!, topFirst: true }]), id).toThrow(/topFirst needs/);
    }
    // The whole statement (Athena) is unchanged.
    expect(compile().sql).not.toContain('top_keys');
    // A source with many values in a column (ReportSource.manyValues) counts the top keys of a question keyed by it first.
    const many = compiler({ from: 'logs', where: [], manyValues: new Set(['identityUserAgent']) }, { top: 7 });
    expect(many([QUESTIONS.find((q) => q.id === 'user_agents')!]).sql).toContain('SEMI JOIN top_keys ON (identityUserAgent) IS NOT DISTINCT FROM top_keys.k1');
    // Not a question keyed by other columns, nor one ranked otherwise (the routes by their latency read no agent), nor the whole statement.
    for (const id of ['client_errors', 'latency_by_route', 'requests_over_time'] as const) expect(many([QUESTIONS.find((q) => q.id === id)!]).sql, id).not.toContain('top_keys');
    expect(many().sql).not.toContain('top_keys');
    const ranked = { ...QUESTIONS.find((q) => q.id === 'user_agents')!, orderBy: [{ column: 's5xx', desc: true }] };
    expect(many([ranked]).sql).not.toContain('top_keys');
  });

  it('keeps the same top N as measuring every key: ties broken by the key, a missing value a key of its own', async () => {
    const question = QUESTIONS.find((q) => q.id === 'client_ips')!;
    const ips = ["'b'", "'b'", "'a'", "'a'", 'NULL', 'NULL', "'c'", "'d'", "'d'", "'d'"];
    const source = {
      from: `(SELECT ip, CAST(CASE WHEN ip = 'a' THEN 503 ELSE 200 END AS INTEGER) AS status, NULL AS errorResponseType, NULL AS wafResponseCode FROM (VALUES ${ips.map((v) => `(${v})`).join(', ')}) AS t(ip)) AS logs`,
      where: [],
    };
    await withEngine(async (engine) => {
      for (const top of [1, 2, 3, 4, 5, 10]) {
        const first = compiler(source, { top })([question]);
        const every = compiler(source, { top })([{ ...question, topFirst: false }]);
        expect(first.sql).toContain('top_keys');
        const rows = await engine.all(withTopN(first.sql));
        expect(rows, `top ${top}`).toEqual(await engine.all(withTopN(every.sql)));
        expect(rows).toHaveLength(Math.min(top, 5));
      }
      const three = decodeResults(compiler(source, { top: 3 })([question]), await engine.all(withTopN(compiler(source, { top: 3 })([question]).sql)));
      expect(three[0]!.rows.map((r) => [r.ip, r.requests, r.s5xx])).toEqual([
        ['d', 3, 0],
        ['a', 2, 2],
        ['b', 2, 0],
      ]);
    });
  });

  it('keeps the top N of every "top" question by ORDER BY and LIMIT, and leaves the others as compiled', () => {
    const compile = compiler({ from: 'logs', where: [] }, { top: 7 });
    for (const q of QUESTIONS) {
      const sql = compile([q]).sql;
      const rewritten = withTopN(sql);
      if (q.rows === 'top') {
        expect(rewritten, q.id).toContain('LIMIT 7');
        expect(rewritten, q.id).not.toContain('row_number()');
      } else expect(rewritten, q.id).toBe(sql);
    }
    // The whole statement ranks many questions at once: not a one-question top N.
    expect(withTopN(compile().sql)).toBe(compile().sql);
  });
});

/** The fixture's first day with its first gzip object cut in half, and a line of the second to write elsewhere. */
function dayWithDamagedObject(name: string): { dir: string; gz: string[]; line: string | undefined } {
  const dir = copyOfDay(name, 1);
  const gz = readdirSync(dir).filter((f) => f.endsWith('.gz'));
  const whole = readFileSync(join(dir, gz[0]!));
  writeFileSync(join(dir, gz[0]!), whole.subarray(0, Math.floor(whole.length / 2)));
  return { dir, gz, line: gunzipSync(readFileSync(join(dir, gz[1]!))).toString('utf8').split('\n')[0] };
}

describe('the load', () => {
  it('keeps the records in a table when their estimated size fits in memory, else in a Parquet file in the scratch folder', () => {
    const MiB = 1024 ** 2;
    const files = (gzip: number, plain = 0, parquet = 0) => ({ bytesOf: { gzip, plain, parquet } });
    // A day of 1 million requests (156 MiB of gzip objects) is a table of about 421 MiB.
    expect(tableBytes(files(156 * MiB)) / MiB).toBeCloseTo(421, 0);
    expect(scratchFor(files(156 * MiB), '/tmp/s', 'records')).toEqual({ kind: 'table', name: 'records' });
    expect(scratchFor(files(170 * MiB), '/tmp/s', 'records-readable')).toEqual({ kind: 'file', path: join('/tmp/s', 'records-readable.parquet') });
    // Each format by its own ratio: plain JSON lines are about 12 times the size of their gzip.
    expect(scratchFor(files(0, 2000 * MiB), '/tmp/s', 'records').kind).toBe('table');
    expect(scratchFor(files(0, 0, 70 * MiB), '/tmp/s', 'records').kind).toBe('file');
    expect(scratchFor(files(100 * MiB, 900 * MiB), '/tmp/s', 'records').kind).toBe('file');
    // The limit is the caller's to lower (the tests of the file's path) or raise.
    expect(scratchFor(files(1), '/tmp/s', 'records', 0).kind).toBe('file');
    expect(scratchFor(files(170 * MiB), '/tmp/s', 'records-readable', IN_MEMORY_BYTES * 2)).toEqual({ kind: 'table', name: 'records_readable' });
  });

  for (const scratch of SCRATCHES) {
    it(`writes records that answer as the files read directly, through a failed strict read and the per-file pass (damaged files read leniently), in a ${scratch.kind}`, async () => {
      const { dir, line } = dayWithDamagedObject(`damaged-${scratch.kind}`);
      writeFileSync(join(dir, 'bad.jsonl'), `${line}\n{"requestId": oops\n${line}\n`);
      const files = await findLogFiles(dir);
      const kept = fieldsKept(compiler({ from: 'logs', where: [] }, { top: 10 })().sql);
      await withEngine(async (engine) => {
        const survey = await surveyLogs(engine, files, kept, scratch.options);
        expect(survey.records).toBeGreaterThan(0);
        expect(survey.skips.map((k) => k.reason)).toEqual([expect.stringMatching(/^damaged/), expect.stringMatching(/^damaged/)]);
        const skipped = survey.skips.map((k) => k.file);
        expect(skipped).toEqual([...skipped].sort());
        // The second attempt's records are the ones read; the first attempt left nothing behind.
        if (scratch.kind === 'file') {
          expect(readdirSync(engine.scratch)).toEqual(['records-readable.parquet']);
          expect(await tables(engine)).toEqual([]);
        } else {
          expect(readdirSync(engine.scratch)).toEqual([]);
          expect(await tables(engine)).toEqual(['records_readable']);
        }
        expect(survey.source.from).toContain(scratch.kind === 'file' ? 'read_parquet(' : 'FROM "records_readable"');
        const loaded = compiler(survey.source, { top: 10 })();
        const direct = compiler(duckDbSource(survey.plan), { top: 10 })();
        const answers = decodeResults(loaded, await engine.all(loaded.sql));
        expect(answers).toEqual(decodeResults(direct, await engine.all(direct.sql)));
        expect(answers.find((q) => q.id === 'totals')!.rows[0]!.requests).toBe(survey.records);
      });
    });
  }

  for (const scratch of SCRATCHES) {
    it(`counts every file's lines under its own name, whichever read it came from (Parquet, gzip strict and lenient, plain JSON), in a ${scratch.kind}`, async () => {
      const { dir, gz, line } = dayWithDamagedObject(`every-read-${scratch.kind}`);
      writeFileSync(join(dir, 'plain.jsonl'), `${line}\n{"foo": 1}\n${line}\n`);
      writeFileSync(join(dir, 'other.jsonl'), '{"foo": 1}\n{"foo": 2}\n');
      const kept = fieldsKept(compiler({ from: 'logs', where: [] }, { top: 10 })().sql);
      await withEngine(async (engine) => {
        // One object of the columnar layout (the Glue table's lowercase columns), made from another gzip object.
        const select = RECORD_FIELDS.map((f) => `"${f.key}" AS ${f.key.toLowerCase()}`).join(', ');
        await engine.all(`COPY (SELECT ${select} FROM ${duckDbSource({ gzip: [join(dir, gz[2]!)], plain: [] }).from}) TO '${join(dir, 'columnar.parquet')}' (FORMAT parquet)`);
        const survey = await surveyLogs(engine, await findLogFiles(dir), kept, scratch.options);
        expect(survey.source.from).toContain(scratch.kind === 'file' ? 'read_parquet(' : 'FROM "records_readable"');
        expect([survey.plan.parquet?.length, survey.plan.gzip.length, survey.plan.lenient?.size, survey.plan.plain.length]).toEqual([1, gz.length, 1, 2]);
        // Each file read on its own, by its path: what the loaded records must say of it.
        const direct = new Map((await engine.all(surveySql(survey.plan))).map(([file, lines, records, first, last]) => [file as string, { lines: Number(lines), records: Number(records), first, last }]));
        const reasons = new Map(survey.skips.map((k) => [k.file, k]));
        expect(reasons.get(join(dir, 'plain.jsonl'))).toEqual({ file: join(dir, 'plain.jsonl'), reason: '1 line(s) that are not access-log records (no requestId)', lines: 1 });
        expect(reasons.get(join(dir, 'other.jsonl'))).toEqual({ file: join(dir, 'other.jsonl'), reason: 'no access-log records (JSON lines without a requestId)', lines: 2 });
        const damaged = reasons.get(join(dir, gz[0]!));
        expect(damaged?.reason).toMatch(new RegExp(`^damaged \\(.*\\): read ${direct.get(join(dir, gz[0]!))!.records} record\\(s\\)`));
        expect(survey.skips).toHaveLength(3);
        const all = [...direct.values()];
        expect(survey.records).toBe(all.reduce((n, f) => n + f.records, 0));
        expect(survey.firstMs).toBe(Math.min(...all.filter((f) => f.first !== null).map((f) => Number(f.first))));
        expect(survey.lastMs).toBe(Math.max(...all.filter((f) => f.last !== null).map((f) => Number(f.last))));
      });
    });
  }

  it('says the scratch file cannot be written (naming the folder) instead of calling the logs damaged', async () => {
    await withEngine(async (engine) => {
      // A folder where the file should go: the engine cannot open it for writing, as with a full disk.
      mkdirSync(join(engine.scratch, 'records.parquet'));
      const running = surveyLogs(engine, await findLogFiles(FIXTURE), {}, { inMemoryBytes: 0 });
      await expect(running).rejects.toMatchObject({ code: 'ScratchUnwritable', message: expect.stringContaining(engine.scratch) });
    });
  });

  for (const kept of SCRATCHES) {
    it(`writes the records of files with no access-log record as records that read as none, in a ${kept.kind}`, async () => {
      const dir = join(scratch, `empty-${kept.kind}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'other.jsonl'), '{"foo": 1}\n');
      await withEngine(async (engine) => {
        const survey = await surveyLogs(engine, await findLogFiles(dir), {}, kept.options);
        expect(readdirSync(engine.scratch)).toEqual(kept.kind === 'file' ? ['records.parquet'] : []);
        expect(survey.records).toBe(0);
        expect(survey.skips.map((k) => k.reason)).toEqual([expect.stringMatching(/^no access-log records/)]);
        const loaded = compiler(survey.source, { top: 10 })();
        const direct = compiler(duckDbSource(survey.plan), { top: 10 })();
        const answers = decodeResults(loaded, await engine.all(loaded.sql));
        expect(answers).toEqual(decodeResults(direct, await engine.all(direct.sql)));
        expect(answers.find((q) => q.id === 'totals')!.rows.map((r) => r.requests)).toEqual([0]);
      });
    });
  }

  it('writes a column with more distinct values than the dictionary limit without a dictionary (length-prefixed text, Parquet version 2), and the columns questions group by as dictionaries', async () => {
    const dir = join(scratch, 'distinct');
    mkdirSync(dir, { recursive: true });
    // One row group: 100,000 requests from 5,000 addresses, 20 each (over our limit of 4,096 and under DuckDB's own, 24,576, which writes them as a dictionary), and 3 stages;
    // every tenth request from curl, each other with an agent of its own (90,000 tied at one request).
    const agent = (i: number) => (i % 10 === 0 ? 'curl/8' : `agent-${i}`);
    const lines = Array.from({ length: 100_000 }, (_, i) =>
      JSON.stringify({ requestId: `r${i}`, requestTimeEpoch: 1_764_547_200_000 + 10 * i, ip: `10.0.${(i % 5000) >> 8}.${i % 5000 & 255}`, stage: `s${i % 3}`, status: i % 7 === 0 ? 503 : 200, identityUserAgent: agent(i) }),
    );
    writeFileSync(join(dir, 'many.jsonl'), `${lines.join('\n')}\n`);
    const kept = fieldsKept(compiler({ from: 'logs', where: [] }, { top: 10 })().sql);
    await withEngine(async (engine) => {
      const survey = await surveyLogs(engine, await findLogFiles(dir), kept, { inMemoryBytes: 0 });
      expect(survey.records).toBe(100_000);
      const file = join(engine.scratch, 'records.parquet');
      const encodings = new Map((await engine.all(`SELECT path_in_schema, encodings FROM parquet_metadata('${file}')`)).map(([c, e]) => [c, e]));
      // Version 2 encodings (loadSql): text past the dictionary limit length-prefixed, the request times as deltas.
      expect(encodings.get('ip')).toBe('DELTA_LENGTH_BYTE_ARRAY');
      expect(encodings.get('identityUserAgent')).toBe('DELTA_LENGTH_BYTE_ARRAY');
      expect(encodings.get('stage')).toBe('RLE_DICTIONARY');
      expect(encodings.get('requestTimeEpoch')).toBe('DELTA_BINARY_PACKED');
      const ips = compiler(survey.source, { top: 3 })([QUESTIONS.find((q) => q.id === 'client_ips')!]);
      expect(decodeResults(ips, await engine.all(withTopN(ips.sql)))[0]!.rows.map((r) => [r.ip, r.requests])).toEqual([
        ['10.0.0.0', 20],
        ['10.0.0.1', 20],
        ['10.0.0.10', 20],
      ]);
      // The columns written without a dictionary are the ones with many values (not the stages, nor the presence-only ids, nulls only here).
      expect([...(survey.source.manyValues ?? [])]).toEqual(['identityUserAgent', 'ip']);
      // So the top user agents are counted first (compile.ts, countsFirst), with the same answer as measuring every agent.
      const agents = QUESTIONS.find((q) => q.id === 'user_agents')!;
      const first = compiler(survey.source, { top: 4 })([agents]);
      const { manyValues: _, ...asBefore } = survey.source;
      const every = compiler(asBefore, { top: 4 })([agents]);
      expect(first.sql).toContain('SEMI JOIN top_keys ON (identityUserAgent)');
      expect(every.sql).not.toContain('top_keys');
      const rows = await engine.all(withTopN(first.sql));
      expect(rows).toEqual(await engine.all(withTopN(every.sql)));
      expect(decodeResults(first, rows)[0]!.rows.map((r) => [r.userAgent, r.requests, r.s5xx])).toEqual([
        // Every 70th request is curl's and a 503.
        ['curl/8', 10_000, 1429],
        ['agent-1', 1, 0],
        ['agent-10001', 1, 0],
        ['agent-10002', 1, 0],
      ]);
    });
    // Loaded as a table (no Parquet footer to read), no column is said to have many values.
    await withEngine(async (engine) => {
      const survey = await surveyLogs(engine, await findLogFiles(dir), kept);
      expect(survey.source.from).not.toContain('read_parquet');
      expect(survey.source.manyValues).toBeUndefined();
    });
  });

  it('keeps the authentication ids the statement only tests for null as TRUE/null, and a filtered field as its value', () => {
    const plain = fieldsKept(compiler({ from: 'logs', where: [] }, { top: 10 })().sql);
    expect([...plain.presence].sort()).toEqual(['authorizeStatus', 'authorizerPrincipalId', 'authorizerStatus', 'identityCognitoIdentityId', 'identityUserArn', 'sub']);
    // identityApiKeyId is tested for null but also shown (the API key column): kept whole.
    expect(plain.keep.has('identityApiKeyId') && !plain.presence.has('identityApiKeyId')).toBe(true);
    expect(plain.keep.has('customerId') && !plain.presence.has('customerId')).toBe(true);
  });
});

describe('a forced exit (a second Ctrl+C exits at once, without closing the engine)', () => {
  it('still removes the engine\'s files: the scratch folder and the temp folder', async () => {
    const script = join(scratch, 'forced-exit.mts');
    const engineTs = fileURLToPath(new URL('../../src/engines/engine.ts', import.meta.url));
    writeFileSync(
      script,
      [
        `import { openDuckDb, resolveDuckDb } from ${JSON.stringify(engineTs)};`,
        `const engine = await openDuckDb(resolveDuckDb([${JSON.stringify(import.meta.url)}])!);`,
        `await engine.all(\`COPY (SELECT range AS i FROM range(100000)) TO '\${engine.scratch}/records.parquet' (FORMAT parquet)\`);`,
        'console.log(engine.scratch);',
        'process.exit(130);',
      ].join('\n'),
    );
    const r = await runNode(['--import', 'tsx', script], { env: { ...process.env } });
    expect(r.code).toBe(130);
    const folder = r.stdout.trim();
    expect(folder).toContain('records-');
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(join(folder, '..'))).toBe(false);
  }, 30_000);
});

describe('scripts/profile-report.ts', () => {
  it('times discovery, the load, the survey and every question of the shipped sample', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const r = await runNode(['--import', 'tsx', join(root, 'scripts/profile-report.ts'), join(root, 'assets/sample')], { env: { ...process.env }, cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/s {2}discovery: 95 gzip, 0 plain, 0 Parquet file\(s\)/);
    expect(r.stdout).toMatch(/s {2}load \(a table in memory\)/);
    for (const q of QUESTIONS) expect(r.stdout).toContain(q.id);
    expect(r.stdout).toMatch(/in all; 4,200 records; peak RSS \d+ MiB/);
  }, 30_000);
});

describe('Ctrl+C', () => {
  for (const { kind, options } of SCRATCHES) {
    it(`stops the load into a ${kind}: the statement running and every one after it; no partial file is left, and closing leaves no folder behind`, async () => {
      const dir = copyOfDay(`many-${kind}`, 20);
      let scratchDir = '';
      await withEngine(async (engine) => {
        scratchDir = engine.scratch;
        const files = await findLogFiles(dir);
        const running = surveyLogs(engine, files, {}, options);
        setTimeout(() => engine.interrupt(), 20);
        await expect(running).rejects.toBeInstanceOf(CancelledError);
        await expect(engine.all('SELECT 1')).rejects.toThrow(/interrupt/i);
        expect(readdirSync(scratchDir)).toEqual([]);
      });
      expect(existsSync(scratchDir)).toBe(false);
    });
  }
});
