/**
 * Turns the compiled statement's result rows (from Athena: every value a string or null; from
 * DuckDB: numbers, bigints, strings) back into one typed table per question, and computes the
 * derived columns (rates, shares) the same way for every source.
 */
import type { CompiledReport } from './compile.js';
import { questionColumns, type Column, type ColumnType, type Question, type QuestionId } from './questions.js';

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

export interface QuestionResult {
  id: QuestionId;
  title: string;
  description: string;
  columns: Column[];
  rows: Row[];
}

/** Beyond this many buckets (files spanning years, hourly) the series is left as the query gave it. */
const MAX_FILLED_BUCKETS = 100_000;

/** Percentiles are rounded to 0.1 ms: finer digits are noise, and Athena's are approximate anyway. */
const MS_DIGITS = 1;

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function decodeCell(v: unknown, type: ColumnType): Cell {
  if (type === 'text') return v === null || v === undefined ? null : String(v);
  const n = toNumber(v);
  if (n === null) return type === 'count' ? 0 : null;
  if (type === 'ms') return Math.round(n * 10 ** MS_DIGITS) / 10 ** MS_DIGITS;
  return n;
}

/**
 * `rows` are positional: set_id, k1..kN, then one value per measure in `compiled.measureIds` order.
 */
export function decodeResults(compiled: CompiledReport, rows: readonly (readonly unknown[])[]): QuestionResult[] {
  const bySet = new Map<number, Array<readonly unknown[]>>();
  for (const r of rows) {
    const id = toNumber(r[0]);
    if (id === null) continue;
    const list = bySet.get(id) ?? [];
    list.push(r);
    bySet.set(id, list);
  }
  const measureIndex = new Map(compiled.measureIds.map((id, i) => [id, 1 + compiled.keyCount + i]));
  const decoded = compiled.questions.map((q, i) => {
    const raw = bySet.get(i + 1) ?? [];
    const out: Row[] = raw.map((r) => {
      const row: Row = {};
      q.dimensions.forEach((d, k) => (row[d.id] = decodeCell(r[1 + k], d.type)));
      for (const m of q.measures) row[m.id] = decodeCell(r[measureIndex.get(m.id) as number], m.type);
      return row;
    });
    // An empty window still has totals: zero requests.
    if (out.length === 0 && q.dimensions.length === 0) {
      const row: Row = {};
      for (const m of q.measures) row[m.id] = decodeCell(null, m.type);
      out.push(row);
    }
    return { q, rows: out };
  });
  const totals = decoded.find((d) => d.q.id === 'totals')?.rows[0];
  return decoded.map(({ q, rows: out }) => finish(q, out, totals));
}

function finish(q: Question, rows: Row[], totals: Row | undefined): QuestionResult {
  for (const row of rows) {
    for (const d of q.derived ?? []) row[d.id] = d.compute(row, totals);
  }
  return { id: q.id, title: q.title, description: q.description, columns: questionColumns(q), rows };
}

/**
 * The time series with a zero row for every bucket that had no request, from the window's first
 * bucket to its last (or the data's, with no window), so a chart shows a gap as zero rather than
 * a line drawn across it.
 */
export function fillTimeSeries(result: QuestionResult, bucketMs: number, window: { fromMs: number; toMs: number } | null): QuestionResult {
  const timed = result.rows.filter((r) => typeof r.bucket === 'number');
  // Records without a request time (a malformed line) keep their own row, after the series.
  const untimed = result.rows.filter((r) => typeof r.bucket !== 'number');
  const known = timed.map((r) => r.bucket as number);
  if (known.length === 0 && !window) return result;
  const first = window ? Math.floor(window.fromMs / bucketMs) * bucketMs : Math.min(...known);
  const last = window ? Math.floor((window.toMs - 1) / bucketMs) * bucketMs : Math.max(...known);
  if ((last - first) / bucketMs > MAX_FILLED_BUCKETS) return result;
  const byBucket = new Map(timed.map((r) => [r.bucket as number, r]));
  const rows: Row[] = [];
  for (let b = first; b <= last; b += bucketMs) {
    const row = byBucket.get(b);
    if (row) rows.push(row);
    else {
      const zero: Row = {};
      for (const c of result.columns) zero[c.id] = c.type === 'count' ? 0 : null;
      zero.bucket = b;
      rows.push(zero);
    }
  }
  return { ...result, rows: [...rows, ...untimed] };
}

/**
 * A question's columns as displayed: a latency's p50, p90 and p99 grouped into one entry (`trio`,
 * its label without " p50"), every other column on its own. The text and HTML renderers share it.
 */
export type DisplayColumn = { kind: 'trio'; label: string; ids: [string, string, string] } | { kind: 'single'; column: Column };

export function displayColumns(q: QuestionResult): DisplayColumn[] {
  const out: DisplayColumn[] = [];
  const ids = new Set(q.columns.map((c) => c.id));
  const done = new Set<string>();
  for (const c of q.columns) {
    if (done.has(c.id)) continue;
    const base = /^(.*)P50$/.exec(c.id)?.[1];
    if (c.type === 'ms' && base && ids.has(`${base}P90`) && ids.has(`${base}P99`)) {
      const trio: [string, string, string] = [`${base}P50`, `${base}P90`, `${base}P99`];
      trio.forEach((id) => done.add(id));
      out.push({ kind: 'trio', label: c.label.replace(/ p50$/, ''), ids: trio });
    } else out.push({ kind: 'single', column: c });
  }
  return out;
}
