/**
 * The report over the loaded table, one statement per question.
 *
 * The compiled statement pairs every record with every question (a cross join with 13 sets) so
 * that Athena reads the records once. On the loaded table that buys nothing and costs much: each
 * record goes through the grouping 13 times, and every measure's FILTER is evaluated on every one
 * of those rows. So the local engine compiles each question on its own (the same compiler, the
 * same grouping, ranking and top N) and lays its rows out as the whole statement's would be (its
 * set id, keys k1..kN, one column per measure id), so the answers are decoded as before.
 */
import type { CompiledReport } from '../core/questions/compile.js';
import type { Question } from '../core/questions/questions.js';
import { CancelledError } from '../errors.js';

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
 * Runs `compile([q])` for each question of `whole` in turn and returns the rows the whole
 * statement would have returned. Stops between statements once `signal` is aborted (Ctrl+C
 * interrupts the running one).
 */
export async function runPerQuestion(
  whole: CompiledReport,
  compile: (questions: readonly Question[]) => CompiledReport,
  run: (sql: string) => Promise<unknown[][]>,
  signal?: AbortSignal,
): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (const [i, q] of whole.questions.entries()) {
    if (signal?.aborted) throw new CancelledError('Stopped reading the logs.');
    const part = compile([q]);
    out.push(...inWholeLayout(whole, part, i + 1, await run(part.sql)));
  }
  return out;
}
