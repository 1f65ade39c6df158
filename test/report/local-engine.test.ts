/**
 * How the local engine answers at scale, held to what it answered before: one statement per
 * question (its top N by ORDER BY and LIMIT) gives exactly the rows of the whole statement; a load
 * in batches (each compressed by a checkpoint) gives the same table as one; fields the statement
 * only tests for null are kept as TRUE/null; Ctrl+C stops every statement after it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { compileReport, type ReportSource } from '../../src/core/questions/compile.js';
import { DUCKDB, type Dialect } from '../../src/core/questions/dialect.js';
import { parseFilters } from '../../src/core/questions/filters.js';
import { QUESTIONS, type Question } from '../../src/core/questions/questions.js';
import { decodeResults } from '../../src/core/questions/results.js';
import { openDuckDb, resolveDuckDb, type SqlEngine } from '../../src/engines/engine.js';
import { allFiles, fieldsKept, findLogFiles } from '../../src/engines/local-files.js';
import { measureSplits, runPerQuestion, withTopN } from '../../src/engines/per-question.js';
import { splitPlan, surveyLogs } from '../../src/engines/survey.js';
import { CancelledError } from '../../src/errors.js';
import { FIXTURE } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'report-local-engine-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const WINDOW = { fromMs: Date.UTC(2025, 0, 6, 22), toMs: Date.UTC(2025, 0, 7, 6) };

/** DuckDB with every percentile an aggregate of its own, as the statement was before Dialect.percentiles. */
const ONE_BY_ONE: Dialect = { ...DUCKDB, percentiles: undefined };

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

const ONE_FILE_A_BATCH = { batchBytes: 1, uncompressedBelow: 0 };

/** The fixture's first day `times` times over, in a folder of its own. */
function copyOfDay(name: string, times: number): string {
  const dir = join(scratch, name);
  const src = join(FIXTURE, 'logs', 'dt=2025-01-06');
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < times; i++) for (const f of readdirSync(src).filter((n) => n.endsWith('.gz'))) copyFileSync(join(src, f), join(dir, `${i}-${f}`));
  return dir;
}

describe('one statement per question', () => {
  for (const o of [{ top: 10 }, { top: 2, window: WINDOW }, { top: 3, customer: 'cust-0001' }]) {
    it(`answers exactly as the whole statement (${JSON.stringify(o)})`, async () => {
      await withEngine(async (engine) => {
        const survey = await surveyLogs(engine, await findLogFiles(FIXTURE), fieldsKept(compiler({ from: 'logs', where: [] }, o)().sql));
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
        // Not an empty answer that agrees with itself, and the top N kept.
        expect(actual.find((q) => q.id === 'client_ips')!.rows.length).toBe(o.top);
        expect(actual.find((q) => q.id === 'totals')!.rows[0]!.requests).toBeGreaterThan(o.top);
      });
    });
  }

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

describe('the load', () => {
  it('in batches of one file, each compressed, holds what one batch holds (damaged files read leniently)', async () => {
    const dir = copyOfDay('damaged', 1);
    const gz = readdirSync(dir).filter((f) => f.endsWith('.gz'));
    const whole = readFileSync(join(dir, gz[0]!));
    writeFileSync(join(dir, gz[0]!), whole.subarray(0, Math.floor(whole.length / 2)));
    const line = gunzipSync(readFileSync(join(dir, gz[1]!))).toString('utf8').split('\n')[0];
    writeFileSync(join(dir, 'bad.jsonl'), `${line}\n{"requestId": oops\n${line}\n`);
    const files = await findLogFiles(dir);
    const kept = fieldsKept(compiler({ from: 'logs', where: [] }, { top: 10 })().sql);
    const [one, many] = await Promise.all(
      [undefined, ONE_FILE_A_BATCH].map((batches) =>
        withEngine(async (engine) => {
          const survey = await surveyLogs(engine, files, kept, batches);
          const whole = compiler(survey.source, { top: 10 })();
          return { survey, answers: decodeResults(whole, await engine.all(whole.sql)) };
        }),
      ),
    );
    expect(many!.survey.records).toBeGreaterThan(0);
    expect(many!.survey.skips.map((k) => k.reason)).toEqual([expect.stringMatching(/^damaged/), expect.stringMatching(/^damaged/)]);
    const skipped = many!.survey.skips.map((k) => k.file);
    expect(skipped).toEqual([...skipped].sort());
    expect(many).toEqual(one);
  });

  it('splits a plan into batches that hold every file once, in order, leniency kept', () => {
    const lenient = new Set(['b.json']);
    const plan = { gzip: ['1.gz', '2.gz', '3.gz'], plain: ['a.json', 'b.json'], parquet: ['p.parquet'], lenient };
    for (const parts of [1, 2, 4, 100]) {
      const batches = splitPlan(plan, parts);
      expect(batches.flatMap((b) => allFiles(b))).toEqual(allFiles(plan));
      expect(batches.every((b) => b.lenient === lenient)).toBe(true);
    }
    expect(splitPlan(plan, 1)).toHaveLength(3);
    expect(splitPlan(plan, 100)).toHaveLength(6);
  });

  it('keeps the authentication ids the statement only tests for null as TRUE/null, and a filtered field as its value', () => {
    const plain = fieldsKept(compiler({ from: 'logs', where: [] }, { top: 10 })().sql);
    expect([...plain.presence].sort()).toEqual(['authorizeStatus', 'authorizerPrincipalId', 'authorizerStatus', 'identityCognitoIdentityId', 'identityUserArn', 'sub']);
    // identityApiKeyId is tested for null but also shown (the API key column): kept whole.
    expect(plain.keep.has('identityApiKeyId') && !plain.presence.has('identityApiKeyId')).toBe(true);
    expect(plain.keep.has('customerId') && !plain.presence.has('customerId')).toBe(true);
  });
});

describe('Ctrl+C', () => {
  it('stops the load: the statement running and every one after it', async () => {
    // Enough files for several batches, so the interrupt lands between statements too.
    const dir = copyOfDay('many', 20);
    await withEngine(async (engine) => {
      const files = await findLogFiles(dir);
      const running = surveyLogs(engine, files, {}, ONE_FILE_A_BATCH);
      setTimeout(() => engine.interrupt(), 20);
      await expect(running).rejects.toBeInstanceOf(CancelledError);
      await expect(engine.all('SELECT 1')).rejects.toThrow(/interrupt/i);
    });
  });
});
