/**
 * What one load of a dashboard sheet costs in Athena: for each visual, the bytes its query scans,
 * its price, and whether it crosses the workgroup's per-query cutoff. `npm run bench -- scan`
 * feeds it bytes per record measured on generated data (bench/scan.bench.ts); the plan's cost
 * estimate (cost.ts) uses the same prices.
 *
 * Athena bills "$5.00 per TB of data scanned", rounded up to the nearest megabyte, "with a 10 MB
 * minimum per query" (https://aws.amazon.com/athena/pricing/). A query over gzip JSON reads every
 * byte of every object in the partitions it names; a query over Parquet reads only the column
 * chunks of the columns it names (https://docs.aws.amazon.com/athena/latest/ug/columnar-storage.html).
 */

import { athenaQueryDollars, PRICES } from './cost.js';

export const ATHENA_PRICE_PER_TB = PRICES.athenaPerTb;
export const ATHENA_MINIMUM_BYTES = PRICES.athenaMinimumMbPerQuery * 1024 ** 2;

/** Dollars Athena bills for one query that scans `bytes`. */
export const athenaQueryPrice = athenaQueryDollars;

/** How a visual's query is answered in a layout. */
export type Source =
  /** Reads every byte of the raw objects in its window (gzip JSON). */
  | { kind: 'whole-rows'; bytesPerRecord: number }
  /** Reads the named columns of the raw records in its window (Parquet). */
  | { kind: 'columns'; bytesPerRecordByColumn: Readonly<Record<string, number>>; overheadBytesPerRecord?: number }
  /** Reads the named columns of a rollup table: its rows per hour of window, and bytes per row of each column. */
  | { kind: 'rollup'; rowsPerHour: number; bytesPerRowByColumn: Readonly<Record<string, number>> };

export interface VisualQuery {
  sheetId: string;
  visualId: string;
  /** Glue columns the query names. */
  columns: readonly string[];
  source: Source;
  /** Hours of data in the visual's default window. */
  windowHours: number;
}

export interface QueryScan {
  visualId: string;
  bytes: number;
  price: number;
  overCutoff: boolean;
}

export interface SheetScan {
  sheetId: string;
  queries: QueryScan[];
  bytes: number;
  price: number;
  largestBytes: number;
  overCutoff: number;
}

/** Bytes one visual's query scans at this many requests a day. */
export function queryBytes(q: VisualQuery, requestsPerDay: number): number {
  const records = (requestsPerDay * q.windowHours) / 24;
  switch (q.source.kind) {
    case 'whole-rows':
      return records * q.source.bytesPerRecord;
    case 'columns':
      return records * bytesPerRow(q.columns, q.source.bytesPerRecordByColumn, q.source.overheadBytesPerRecord ?? 0);
    case 'rollup':
      return q.windowHours * q.source.rowsPerHour * bytesPerRow(q.columns, q.source.bytesPerRowByColumn, 0);
  }
}

/** Bytes of one row in the named columns; refuses a column it has no size for. */
function bytesPerRow(columns: readonly string[], perColumn: Readonly<Record<string, number>>, overhead: number): number {
  return columns.reduce((sum, c) => {
    const b = perColumn[c];
    if (b === undefined) throw new Error(`no measured size for column "${c}"`);
    return sum + b;
  }, overhead);
}

/** One load of each sheet: every visual's query, in order. */
export function sheetScans(queries: readonly VisualQuery[], requestsPerDay: number, cutoffBytes: number): SheetScan[] {
  const bySheet = new Map<string, QueryScan[]>();
  for (const q of queries) {
    const bytes = queryBytes(q, requestsPerDay);
    const list = bySheet.get(q.sheetId) ?? [];
    list.push({ visualId: q.visualId, bytes, price: athenaQueryPrice(bytes), overCutoff: bytes > cutoffBytes });
    bySheet.set(q.sheetId, list);
  }
  return [...bySheet.entries()].map(([sheetId, qs]) => ({
    sheetId,
    queries: qs,
    bytes: qs.reduce((s, q) => s + q.bytes, 0),
    price: qs.reduce((s, q) => s + q.price, 0),
    largestBytes: Math.max(...qs.map((q) => q.bytes)),
    overCutoff: qs.filter((q) => q.overCutoff).length,
  }));
}

/** Bytes in binary units, as the tables print them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
