/**
 * The scan benchmark's view of the two rollup tables: the top-values table built from the sample
 * hour, how many rows an hour it is priced at, and which raw columns a visual would read if it were
 * answered from the raw table instead (the "Parquet" layout of bench/scan.bench.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { AUTH_METHODS } from '../src/core/classifications.js';
import { RECORD_FIELDS } from '../src/core/log-format.js';
import { LATENCY_METRICS } from '../src/core/rollup.js';
import { TOP_VALUE_KINDS, TOP_VALUES_LIMIT, topValuesSelectSql } from '../src/core/top-values.js';
import { buildDashboard } from '../src/template/quicksight/definition/dashboard.js';
import type { VisualRead } from '../src/template/quicksight/reads.js';

/** The top-values SELECT the stack runs, over `source` (every row of the sample hour). */
export const topValuesSql = (source: string): string => topValuesSelectSql(source, 'true');

/**
 * Top-values rows an hour, priced at their upper bound: every (API, stage, kind) group of the
 * sample hour full, at TOP_VALUES_LIMIT values (at a billion requests a day every kind has more
 * distinct values an hour than that).
 */
export async function topValuesRowsPerHour(c: DuckDBConnection, n: number): Promise<{ groups: number; limit: number; rows: number }> {
  const reader = await c.runAndReadAll(`SELECT count(*)::BIGINT AS g FROM (SELECT DISTINCT apiid, stage, kind FROM (${topValuesSql(`(SELECT * FROM raw WHERE rn < ${n})`)}))`);
  const groups = Number((reader.getRowObjectsJS()[0] as { g: bigint }).g);
  return { groups, limit: TOP_VALUES_LIMIT, rows: groups * TOP_VALUES_LIMIT };
}

const RAW_COLUMNS = new Set(RECORD_FIELDS.map((f) => f.key.toLowerCase()));
/** Raw columns an SQL expression over the raw table names. */
const rawColumnsOf = (sql: string | null): string[] => [...new Set((sql ?? '').match(/[a-z_]+/g) ?? [])].filter((w) => RAW_COLUMNS.has(w));

/** The kind a top-values visual keeps, from its fixed filter on `kind`. */
function kindsByVisual(): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of buildDashboard().definition.FilterGroups ?? []) {
    for (const f of g.Filters ?? []) {
      const cat = f.CategoryFilter;
      const kind = cat?.Column?.ColumnName === 'kind' ? cat.Configuration?.FilterListConfiguration?.CategoryValues?.[0] : undefined;
      if (!kind) continue;
      for (const s of g.ScopeConfiguration?.SelectedSheets?.SheetVisualScopingConfigurations ?? []) for (const id of s.VisualIds ?? []) out.set(id, kind);
    }
  }
  return out;
}
const KINDS = kindsByVisual();

const TIME_COLUMNS = new Set(['hour_ms', 'first_request_ms', 'last_request_ms']);
const AUTH_COLUMNS = [...new Set(AUTH_METHODS.flatMap((m) => m.anyPresent.map((k) => k.toLowerCase())))];

/** The raw column(s) one rollup column is built from. */
function rawOf(column: string, kind: (typeof TOP_VALUE_KINDS)[number] | undefined): string[] {
  if (TIME_COLUMNS.has(column)) return ['requesttimeepoch'];
  if (column === 'requests') return ['requestid'];
  if (column === 'client_errors' || column === 'server_errors') return ['status'];
  if (column === 'authmethod') return AUTH_COLUMNS;
  const metric = LATENCY_METRICS.find((m) => column.startsWith(`${m}_`));
  if (metric) return [metric];
  if (kind && column === 'kind') return rawColumnsOf(kind.where);
  if (kind && column === 'value') return [kind.value];
  if (kind && column === 'detail') return rawColumnsOf(kind.detail);
  return [column];
}

/** The raw columns a visual would read, answered from the raw table (the layout before the rollups). */
export function rawEquivalent(read: VisualRead): string[] {
  if (read.dataset === 'logs') return read.columns;
  const kind = read.dataset === 'top' ? TOP_VALUE_KINDS.find((k) => k.kind === KINDS.get(read.visualId)) : undefined;
  if (read.dataset === 'top' && !kind) throw new Error(`top-values visual ${read.visualId} has no kind filter`);
  return [...new Set(read.columns.flatMap((c) => rawOf(c, kind)))].sort();
}
