/**
 * The two SQL dialects the report's questions are compiled to: Athena (engine v3, Trino) on the
 * installation's Glue table, and DuckDB on local files. Everything the questions write is plain
 * SQL both accept (CASE, FILTER clauses on aggregates, VALUES, window functions, `||`); only what
 * differs lives here.
 */

export interface Dialect {
  readonly name: 'athena' | 'duckdb';
  /** Integer division of two integer expressions (Trino's `/` on integers; DuckDB's `//`). */
  intDiv(a: string, b: string): string;
  /**
   * One percentile (0 to 1) of a numeric expression, as a double. Athena's `approx_percentile`
   * is approximate (about 1% rank error, the documented bound); DuckDB's `quantile_cont` is exact
   * with linear interpolation.
   */
  percentile(expr: string, fraction: number): string;
  /**
   * Several percentiles of one expression as a list (indexed from 1), the same values as
   * `percentile` gives one at a time, or absent. DuckDB's `quantile_cont` with a list of fractions
   * keeps the values once for all of them (and selects them in one buffer), where one aggregate per
   * fraction keeps a copy each: the nine latency percentiles by route took a third less time and
   * a third of the memory as three lists.
   */
  percentiles?(expr: string, fractions: readonly number[]): string;
  /** Cast to text. */
  text(expr: string): string;
}

export const ATHENA: Dialect = {
  name: 'athena',
  intDiv: (a, b) => `(${a} / ${b})`,
  percentile: (e, q) => `approx_percentile(CAST(${e} AS DOUBLE), ${q})`,
  text: (e) => `CAST(${e} AS VARCHAR)`,
};

/**
 * DuckDB's `quantile_cont` takes the latencies (INTEGER columns) as they are: it interpolates
 * integers in DOUBLE, so the answers are the same doubles as those of the values cast to DOUBLE
 * (test/report/local-engine.test.ts checks it, extremes and ties included), and selecting among
 * 4-byte integers instead of 8-byte doubles takes a third of the time (1.4 million values, 26 ms
 * against 87 ms; the totals' statement of `report --local` at a million requests, 121 ms against 72 ms).
 */
export const DUCKDB: Dialect = {
  name: 'duckdb',
  intDiv: (a, b) => `(${a} // ${b})`,
  percentile: (e, q) => `quantile_cont(${e}, ${q})`,
  percentiles: (e, qs) => `quantile_cont(${e}, [${qs.join(', ')}])`,
  text: (e) => `CAST(${e} AS VARCHAR)`,
};

/**
 * A string literal, standard SQL quoting (a quote is doubled). Both dialects read backslashes in
 * '...' literally. Control characters are refused rather than escaped: no valid filter value
 * contains one.
 */
export function sqlString(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`control character in SQL literal: ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted identifier ("a""b"), for database and table names that come from stack outputs. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
