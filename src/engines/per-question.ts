/**
 * The report over the loaded table, one statement per question.
 *
 * The compiled statement pairs every record with every question (a cross join with 13 sets) so
 * that Athena reads the records once. On the loaded table that buys nothing and costs much: each
 * record goes through the grouping 13 times, and every measure's FILTER is evaluated on every one
 * of those rows. So the local engine compiles each question on its own (the same compiler, the
 * same grouping, ranking and top N) and lays its rows out as the whole statement's would be (its
 * set id, keys k1..kN, one column per measure id), so the answers are decoded as before.
 * (src/core/questions/compile.ts still says the local engine runs the whole statement: it runs its
 * questions one at a time.)
 */
import type { CompiledReport } from '../core/questions/compile.js';
import type { Question } from '../core/questions/questions.js';

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
 * Runs `compile([q])` for each question of `whole` in turn and returns the rows the whole
 * statement would have returned. (Ctrl+C interrupts the engine, which then refuses the rest.)
 */
export async function runPerQuestion(
  whole: CompiledReport,
  compile: (questions: readonly Question[]) => CompiledReport,
  run: (sql: string) => Promise<unknown[][]>,
): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (const [i, q] of whole.questions.entries()) {
    const part = compile([q]);
    out.push(...inWholeLayout(whole, part, i + 1, await run(withTopN(part.sql))));
  }
  return out;
}
