/**
 * The report over the loaded records (survey.ts), one statement per question.
 *
 * The compiled statement pairs every record with every question (a cross join with 13 sets) so
 * that Athena reads the records once. On the loaded records that buys nothing and costs much:
 * each record goes through the grouping 13 times, and every measure's FILTER is evaluated on every
 * one of those rows. So the local engine compiles each question on its own (the same compiler: a
 * statement of one question groups by the question's dimensions directly, with the same
 * predicates, measures, ranking and top N) and lays its rows out as the whole statement's would
 * be (its set id, keys k1..kN, one column per measure id), so the answers are decoded as before.
 * Each statement reads only the columns of its question from the loaded records (a table in
 * memory, or the Parquet file of a load too large for it: local-files.ts scratchFor).
 */
import type { CompiledReport } from '../core/questions/compile.js';
import type { Measure, Question } from '../core/questions/questions.js';
import { mapConcurrent } from './local-files.js';

/** `part`'s rows (one question's statement) in `whole`'s layout, as set `setId`. */
export function inWholeLayout(whole: CompiledReport, part: CompiledReport, setId: number, rows: readonly (readonly unknown[])[]): unknown[][] {
  const keys = Array.from({ length: whole.keyCount }, (_, k) => (k < part.keyCount ? 1 + k : -1));
  const measures = whole.measureIds.map((id) => {
    const at = part.measureIds.indexOf(id);
    return at < 0 ? -1 : 1 + part.keyCount + at;
  });
  return rows.map((r) => [setId, ...[...keys, ...measures].map((i) => (i < 0 ? null : r[i]))]);
}

/**
 * The tail of a one-question statement that keeps the question's top N: every group numbered by a
 * window function, then all but N dropped. With one question in the statement that is ORDER BY
 * and LIMIT, which the engine answers with a heap of N rows instead of sorting every group: with
 * every request from its own address, the top source IPs sorted millions of groups (and held them
 * all in memory) to keep ten. The order is total (the keys break every tie), so the rows are the same.
 */
const RANKED_TOP =
  /ranked AS \(\n {2}SELECT g\.\*, row_number\(\) OVER \(\n {6}PARTITION BY set_id\n {6}ORDER BY ([^]*?)\n {4}\) AS rn\n {2}FROM grouped g\n((?: {2}WHERE .*\n)?)\)\nSELECT (.*)\nFROM ranked\nWHERE set_id NOT IN \(1\) OR rn <= (\d+)\nORDER BY set_id, rn$/;

/** A one-question statement with its top N kept by ORDER BY and LIMIT; any other statement as it is. */
export function withTopN(sql: string): string {
  return sql.replace(RANKED_TOP, (_, order: string, where: string, columns: string, n: string) =>
    ['ranked AS (', '  SELECT g.*', '  FROM grouped g', `${where}  ORDER BY ${order}`, `  LIMIT ${n}`, ')', `SELECT ${columns}`, 'FROM ranked', `ORDER BY ${order}`].join('\n'),
  );
}

/**
 * A question as statements of at most `perStatement` percentile values each: DuckDB holds every
 * value of a percentile's groups until the statement ends, outside its memory limit, one copy per
 * value (the percentiles of one value, as one list: Dialect.percentiles): the nine latency
 * percentiles by route, one copy each, held 9 x 8 bytes per record (500 MB at 7 million records,
 * the peak over 1 GB) at once. Each statement keeps the measures the question is ranked and
 * filtered by, so each finds the same groups in the same order; each costs a pass over the loaded records,
 * so they are only split when their values would not fit PERCENTILE_BYTES.
 */
export function measureSplits(q: Question, perStatement = 1): Question[] {
  const values = new Map<string, Measure[]>();
  for (const m of q.measures) if (m.agg === 'percentile') values.set(`${m.of}\n${m.where ?? ''}`, [...(values.get(`${m.of}\n${m.where ?? ''}`) ?? []), m]);
  if (values.size <= perStatement) return [q];
  const ranking = new Set([...q.orderBy.map((o) => o.column), ...(q.nonZero ? [q.nonZero] : [])]);
  const rest = q.measures.filter((m) => m.agg !== 'percentile');
  const kept = q.measures.filter((m) => ranking.has(m.id) && m.agg !== 'percentile');
  const each = [...values.values()];
  const groups = Array.from({ length: Math.ceil(each.length / perStatement) }, (_, i) => each.slice(i * perStatement, (i + 1) * perStatement).flat());
  return [...(rest.length ? [{ ...q, measures: rest }] : []), ...groups.map((ps) => ({ ...q, measures: [...kept, ...ps] }))];
}

/** The rows of one question's statements (in the whole layout) as one: each measure from the statement that computed it, rows matched by their keys. */
function merged(whole: CompiledReport, parts: ReadonlyArray<{ part: CompiledReport; rows: unknown[][] }>): unknown[][] {
  const [first, ...others] = parts;
  if (!first) return [];
  const keysOf = (r: readonly unknown[]) => JSON.stringify(r.slice(1, 1 + whole.keyCount));
  const byKeys = new Map(first.rows.map((r) => [keysOf(r), r]));
  for (const { part, rows } of others) {
    const columns = part.measureIds.map((id) => 1 + whole.keyCount + whole.measureIds.indexOf(id));
    for (const r of rows) {
      const target = byKeys.get(keysOf(r));
      if (target) for (const c of columns) target[c] = r[c];
    }
  }
  return first.rows;
}

/**
 * The key a question groups its records by: questions with the same one are answered by one
 * statement that groups the records once (compile.ts, sharedGroupingSql): the top routes, 5xx by
 * route and latency by route all group by API, stage, method and route, the costliest grouping of
 * the report (four text columns), three passes where one does.
 */
function groupingOf(q: Question): string {
  return JSON.stringify([q.where ?? null, q.dimensions.map((d) => [d.id, d.type])]);
}

/**
 * Runs the questions of `whole` a statement each, or one statement for questions that group
 * alike (groupingOf), each question's percentiles apart when `records` make them large
 * (measureSplits; such a question has statements of its own), and returns the rows the whole
 * statement would have returned. (Ctrl+C interrupts the engine, which then refuses the rest.)
 */
export async function runPerQuestion(
  whole: CompiledReport,
  compile: (questions: readonly Question[]) => CompiledReport,
  run: (sql: string) => Promise<unknown[][]>,
  records: number,
): Promise<unknown[][]> {
  const perStatement = Math.max(1, Math.floor(PERCENTILE_BYTES / (8 * Math.max(1, records))));
  const jobs: Array<{ setIds: number[]; questions: Question[] }> = [];
  const alike = new Map<string, { setIds: number[]; questions: Question[] }>();
  whole.questions.forEach((q, i) => {
    const splits = measureSplits(q, perStatement);
    if (splits.length > 1) {
      for (const split of splits) jobs.push({ setIds: [i + 1], questions: [split] });
      return;
    }
    const key = groupingOf(q);
    const job = alike.get(key);
    if (job) {
      job.setIds.push(i + 1);
      job.questions.push(q);
    } else {
      const fresh = { setIds: [i + 1], questions: [q] };
      alike.set(key, fresh);
      jobs.push(fresh);
    }
  });
  // Two at a time: the engine runs them side by side (openDuckDb's two connections).
  const done = await mapConcurrent(jobs, STATEMENTS_AT_ONCE, async ({ setIds, questions }) => {
    const part = compile(questions);
    const rows = await run(withTopN(part.sql));
    // The statement's set j is the whole statement's set setIds[j - 1].
    return setIds.map((setId, j) => ({ setId, part, rows: inWholeLayout(whole, part, setId, rows.filter((r) => Number(r[0]) === j + 1)) }));
  });
  const bySet = done.flat();
  return whole.questions.flatMap((_, i) => merged(whole, bySet.filter((d) => d.setId === i + 1)));
}

/**
 * Bytes of percentile values one statement may hold (counted as 8 a record per value a percentile
 * is of, as when the values were cast to DOUBLE; the latencies are now held as the INTEGERs they
 * are, 4 bytes, so the bound is twice what is held):
 * 11 million records keep every question whole (the latencies by route in one statement, not
 * three passes over the same four-text-column grouping); 15 million split the three latencies two
 * and one. At 7 million records with every IP and user agent distinct the report peaked at 715
 * to 849 MiB in the runs of 2026-12-02 with the latencies whole (npm run bench -- report).
 */
export const PERCENTILE_BYTES = 256 * 1024 ** 2;

/** Statements given to the engine at once. */
export const STATEMENTS_AT_ONCE = 2;
