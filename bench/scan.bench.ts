/**
 * `npm run bench -- scan`: what one load of each dashboard sheet scans in Athena, and what it
 * costs, at 1 million, 10 million, 100 million and 1 billion requests a day, for three layouts:
 *
 * - `gzip JSON` (the layout before issue 16): every visual, the raw sheet's included, reads every
 *   byte of its 7 days;
 * - `Parquet` (raw only): the same visuals answered from the raw Parquet table, each reading only
 *   its raw columns for 7 days (a rollup column stands for the raw column it is built from);
 * - `as built` (the dashboard now): each visual reads the table its dataset reads
 *   (src/template/quicksight/reads.ts): the hourly rollup, the hourly top values, or, on the
 *   raw-requests sheet, the raw table for the hours of its own window.
 *
 * Bytes are measured here, not assumed. A generated hour of traffic (the seeded generator through
 * the enrichment Lambda) is cut into objects of the size Firehose writes at each rate (one per 60 s
 * buffer, at most 64 MB of input), gzip-compressed as before, and written as Snappy Parquet by
 * DuckDB, whose `parquet_metadata` gives each column chunk's compressed size. The rollup and the
 * top values are built from the same hour with the SQL the stack runs, written as Parquet too, and
 * measured the same way, column by column, per row.
 *
 * A rollup's size does not follow the requests: it follows the rows an hour, the distinct
 * combinations of its dimensions (rollup) or the busiest values kept (top values). How the bench
 * takes those rows to 1 billion requests a day is printed with the results.
 */
import { mkdtempSync, rmSync, writeFileSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { generateAccessLogRecords } from '../scripts/sample-data.js';
import { RECORD_FIELDS } from '../src/core/log-format.js';
import { rollupSelectSql } from '../src/core/rollup.js';
import { formatBytes, sheetScans, type Source, type VisualQuery } from '../src/core/scan-cost.js';
import { visualReads, type VisualRead } from '../src/template/quicksight/reads.js';
import { DEFAULT_DAYS, RAW_WINDOW_FILTER, SHEETS } from '../src/template/quicksight/definition/dashboard.js';
import { DEFAULTS } from '../src/template/pipeline.js';
import { transformRecords } from '../scripts/make-sample.js';
import { rawEquivalent, topValuesSql, topValuesRowsPerHour } from './scan-tables.js';

const SAMPLE_RECORDS = 150_000;
const RATES = [1e6, 1e7, 1e8, 1e9] as const;
const BUFFER_SECONDS = 60;
const BUFFER_BYTES = 64 * 1024 ** 2;
/**
 * Hours of raw partitions the raw-requests sheet reads by default: its filter keeps the last
 * RAW_WINDOW_FILTER.lastHours on `loghour`, the hour partition, which touches at most that many
 * whole hours plus the current one.
 */
export const RAW_WINDOW_HOURS = RAW_WINDOW_FILTER.lastHours + 1;
const CUTOFF = DEFAULTS.athenaBytesScannedCutoff;
/** The acceptance of issue 16: a load of each aggregate sheet under 1 GB at 1 billion requests a day. */
const SHEET_LIMIT = 1e9;
const LAYOUTS = ['gzip JSON', 'Parquet', 'as built'] as const;
type Layout = (typeof LAYOUTS)[number];

interface Measured {
  gzipBytesPerRecord: number;
  parquetByColumn: Record<string, number>;
  parquetOverheadPerRecord: number;
}

/** A table built from the sample hour: its rows, and Parquet bytes per row by column. */
export interface TableSize {
  rows: number;
  bytesPerRow: Record<string, number>;
  fileBytes: number;
}

async function rows(c: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await c.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
}

/** Compressed column-chunk bytes by column of the Parquet files matching `glob`. */
async function columnBytes(c: DuckDBConnection, glob: string): Promise<Record<string, number>> {
  const chunks = await rows(c, `SELECT path_in_schema AS col, sum(total_compressed_size)::BIGINT AS bytes FROM parquet_metadata('${glob}') GROUP BY 1`);
  return Object.fromEntries(chunks.map((r) => [String(r.col), Number(r.bytes)]));
}

/** Records per object Firehose writes at this rate: a buffer interval's worth, at most 64 MB. */
function recordsPerObject(perDay: number, jsonBytesPerRecord: number): number {
  return Math.max(1, Math.min(Math.round((perDay / 86_400) * BUFFER_SECONDS), Math.floor(BUFFER_BYTES / jsonBytesPerRecord)));
}

async function loadSample(c: DuckDBConnection, dir: string): Promise<string[]> {
  const raws = generateAccessLogRecords({ count: SAMPLE_RECORDS, seed: 16, startMs: Date.UTC(2026, 10, 2, 10), spanMs: 3_600_000 });
  const lines = await transformRecords(raws);
  const file = join(dir, 'records.json');
  writeFileSync(file, lines.join(''));
  const columns = RECORD_FIELDS.map((f) => `'${f.key}': '${f.type === 'string' ? 'VARCHAR' : f.type === 'int' ? 'INTEGER' : 'BIGINT'}'`).join(', ');
  const select = RECORD_FIELDS.map((f) => `"${f.key}" AS ${f.key.toLowerCase()}`).join(', ');
  await c.run(`CREATE TABLE raw AS SELECT row_number() OVER () - 1 AS rn, ${select} FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}})`);
  return lines;
}

/** Sizes per record when the sample is cut into objects of `size` records. */
async function measure(c: DuckDBConnection, dir: string, lines: string[], size: number): Promise<Measured> {
  const objects = Math.max(1, Math.min(40, Math.floor(SAMPLE_RECORDS / size)));
  const records = objects * size;
  let gz = 0;
  for (let i = 0; i < objects; i++) gz += gzipSync(Buffer.from(lines.slice(i * size, (i + 1) * size).join(''), 'utf8')).length;
  const pq = join(dir, `pq-${size}`);
  for (let i = 0; i < objects; i++) {
    await c.run(`COPY (SELECT * EXCLUDE (rn) FROM raw WHERE rn >= ${i * size} AND rn < ${(i + 1) * size}) TO '${pq}-${i}.parquet' (FORMAT parquet, COMPRESSION snappy)`);
  }
  const bytes = await columnBytes(c, `${pq}-*.parquet`);
  const inChunks = Object.values(bytes).reduce((s, b) => s + b, 0);
  const fileBytes = readdirSync(dir)
    .filter((f) => f.startsWith(`pq-${size}-`))
    .reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  const parquetByColumn = Object.fromEntries(Object.entries(bytes).map(([k, b]) => [k, b / records]));
  return { gzipBytesPerRecord: gz / records, parquetByColumn, parquetOverheadPerRecord: (fileBytes - inChunks) / records };
}

/** Builds a table from the first `n` requests of the hour with `sql(source)`, as one Parquet file (one hour, as the stack's INSERT writes it). */
async function buildTable(c: DuckDBConnection, dir: string, name: string, n: number, sql: (source: string) => string): Promise<TableSize> {
  const file = join(dir, `${name}-${n}.parquet`);
  await c.run(`COPY (${sql(`(SELECT * FROM raw WHERE rn < ${n})`)}) TO '${file}' (FORMAT parquet, COMPRESSION snappy)`);
  const [r] = await rows(c, `SELECT count(*)::BIGINT AS n FROM '${file}'`);
  const count = Number(r!.n);
  const bytes = await columnBytes(c, file);
  return { rows: count, bytesPerRow: Object.fromEntries(Object.entries(bytes).map(([k, b]) => [k, b / count])), fileBytes: statSync(file).size };
}

/**
 * Rollup rows an hour at `requestsPerHour`: the measured rows at the largest sample, grown along
 * the power law through the two largest measurements (rows = distinct dimension combinations, which
 * grow ever slower with requests; the sample's slope says how slowly).
 */
function rollupRowsAt(requestsPerHour: number, sizes: ReadonlyArray<[number, TableSize]>): { rows: number; exponent: number } {
  const [n1, a] = sizes.at(-2)!;
  const [n2, b] = sizes.at(-1)!;
  const exponent = Math.max(0, Math.log(b.rows / a.rows) / Math.log(n2 / n1));
  return { rows: b.rows * Math.max(1, requestsPerHour / n2) ** exponent, exponent };
}

interface Sources {
  parquet: Source;
  hourly: Source;
  top: Source;
}

function queries(layout: Layout, reads: readonly VisualRead[], m: Measured, s: Sources): VisualQuery[] {
  return reads.map((v) => {
    const base = { sheetId: v.sheetId, visualId: v.visualId, windowHours: DEFAULT_DAYS * 24 };
    if (layout === 'gzip JSON') return { ...base, columns: [], source: { kind: 'whole-rows', bytesPerRecord: m.gzipBytesPerRecord } };
    if (layout === 'Parquet') return { ...base, columns: rawEquivalent(v), source: s.parquet };
    if (v.dataset === 'logs') return { ...base, columns: v.columns, source: s.parquet, windowHours: RAW_WINDOW_HOURS };
    return { ...base, columns: v.columns, source: v.dataset === 'hourly' ? s.hourly : s.top };
  });
}

const money = (n: number): string => (n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);
const pad = (s: string, n: number): string => s.padEnd(n);
const perColumnLine = (sizes: Record<string, number>, digits = 2): string =>
  Object.entries(sizes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(digits)}`)
    .join(', ');

/** The sample hour with every consumer split in ten (customer, API key name and id suffixed by rn % 10): ten times the consumers, the same requests. */
const TEN_TIMES_CONSUMERS = (src: string): string =>
  `(SELECT * REPLACE (customerid || '-' || (rn % 10) AS customerid, apikeyname || '-' || (rn % 10) AS apikeyname, identityapikeyid || '-' || (rn % 10) AS identityapikeyid) FROM ${src})`;

async function measureTables(c: DuckDBConnection, dir: string) {
  const rollupSizes: Array<[number, TableSize]> = [];
  for (const n of [10_000, 50_000, SAMPLE_RECORDS]) rollupSizes.push([n, await buildTable(c, dir, 'rollup', n, (src) => rollupSelectSql(src, 'true'))]);
  const wider = await buildTable(c, dir, 'rollup-wide', SAMPLE_RECORDS, (src) => rollupSelectSql(TEN_TIMES_CONSUMERS(src), 'true'));
  const top = await buildTable(c, dir, 'top', SAMPLE_RECORDS, topValuesSql);
  const topGroups = await topValuesRowsPerHour(c, SAMPLE_RECORDS);
  return { rollupSizes, wider, top, topGroups };
}

function printTables(t: Awaited<ReturnType<typeof measureTables>>, hourAt1B: number): void {
  const line = t.rollupSizes.map(([n, s]) => `${s.rows} rows, ${formatBytes(s.fileBytes)} at ${n.toLocaleString('en-US')} requests`).join('; ');
  const { rows: r1b, exponent } = rollupRowsAt(hourAt1B, t.rollupSizes);
  console.log(`rollup (access_logs_hourly) per hour, measured: ${line}`);
  console.log(
    `  to other rates the bench grows the rows as rows x (requests / ${SAMPLE_RECORDS.toLocaleString('en-US')})^${exponent.toFixed(3)} (the slope of the two largest measurements): ${Math.round(r1b).toLocaleString('en-US')} rows an hour at 1 billion a day.`,
  );
  console.log('  Rows are distinct combinations of the dimensions: they grow with the distinct routes, consumers, error messages and statuses an API has, not with its requests; an API with more of them has more rows (see the headroom below).');
  console.log(`  the same hour with ten times the consumers (each customer and API key split in ten): ${t.wider.rows} rows, ${formatBytes(t.wider.fileBytes)} (${(t.wider.rows / t.rollupSizes.at(-1)![1].rows).toFixed(1)}x the rows)`);
  console.log(
    `top values (access_logs_top_hourly) per hour, measured: ${t.top.rows} rows, ${formatBytes(t.top.fileBytes)} at ${SAMPLE_RECORDS.toLocaleString('en-US')} requests; at every rate the bench prices the upper bound, ${t.topGroups.groups} (API, stage, kind) groups x ${t.topGroups.limit} values = ${t.topGroups.rows.toLocaleString('en-US')} rows an hour (each group's busiest ${t.topGroups.limit}; more APIs or stages, more groups)`,
  );
}

function printRate(rate: number, size: number, m: Measured, reads: readonly VisualRead[], s: Sources): ReturnType<typeof sheetScans> {
  const parquetAll = Object.values(m.parquetByColumn).reduce((x, b) => x + b, 0) + m.parquetOverheadPerRecord;
  console.log(`### ${rate.toLocaleString('en-US')} requests a day: objects of ${size.toLocaleString('en-US')} records; bytes per record: gzip ${m.gzipBytesPerRecord.toFixed(1)}, Parquet ${parquetAll.toFixed(1)}`);
  console.log(`${pad('layout', 12)}${pad('sheet', 17)}${pad('queries', 9)}${pad('scanned', 11)}${pad('price', 10)}${pad('largest query', 15)}over cutoff`);
  let asBuilt: ReturnType<typeof sheetScans> = [];
  for (const layout of LAYOUTS) {
    const scans = sheetScans(queries(layout, reads, m, s), rate, CUTOFF);
    if (layout === 'as built') asBuilt = scans;
    for (const x of scans) {
      console.log(
        `${pad(layout, 12)}${pad(x.sheetId, 17)}${pad(String(x.queries.length), 9)}${pad(formatBytes(x.bytes), 11)}${pad(money(x.price), 10)}${pad(formatBytes(x.largestBytes), 15)}${x.overCutoff === 0 ? '-' : `${x.overCutoff} OVER`}`,
      );
    }
  }
  console.log('');
  return asBuilt;
}

/** The as-built scans at `rate` with the rollup of ten times the consumers: its rows grown by the factor measured on the sample hour, its bytes per row as measured. */
function widerConsumers(reads: readonly VisualRead[], m: Measured, s: Sources, t: Awaited<ReturnType<typeof measureTables>>, rate: number): string {
  if (s.hourly.kind !== 'rollup') throw new Error('the hourly source is a rollup');
  const factor = t.wider.rows / t.rollupSizes.at(-1)![1].rows;
  const hourly: Source = { kind: 'rollup', rowsPerHour: s.hourly.rowsPerHour * factor, bytesPerRowByColumn: t.wider.bytesPerRow };
  const scans = sheetScans(queries('as built', reads, m, { ...s, hourly }), rate, CUTOFF).filter((x) => x.sheetId !== SHEETS.raw.id);
  const heaviest = scans.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return `${Math.round(hourly.rowsPerHour).toLocaleString('en-US')} rows an hour; heaviest aggregate sheet ${heaviest.sheetId} ${formatBytes(heaviest.bytes)}, ${scans.reduce((n, x) => n + x.overCutoff, 0)} queries over the cutoff`;
}

/** Whether issue 16's acceptance holds at 1 billion a day, and how many rollup rows an hour it would take to break it. */
function printAcceptance(scans: ReturnType<typeof sheetScans>, rollupRows: number, wider: string): void {
  const aggregate = scans.filter((x) => x.sheetId !== SHEETS.raw.id);
  const over = scans.reduce((n, x) => n + x.overCutoff, 0);
  const heaviest = aggregate.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  console.log(`acceptance at 1 billion a day (as built): queries over the ${formatBytes(CUTOFF)} cutoff: ${over}; largest aggregate sheet load: ${heaviest.sheetId} ${formatBytes(heaviest.bytes)} (${heaviest.bytes < SHEET_LIMIT ? 'under' : 'OVER'} 1 GB)`);
  console.log(`  headroom: the rollup may grow to about ${Math.floor((rollupRows * SHEET_LIMIT) / heaviest.bytes).toLocaleString('en-US')} rows an hour before the heaviest sheet load reaches 1 GB (scans grow linearly with rows)`);
  console.log(`  with ten times the consumers (rows grown by the measured factor): ${wider}`);
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'apigw-scan-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await instance.connect();
  try {
    const t0 = performance.now();
    const lines = await loadSample(c, dir);
    console.log(`sample: ${SAMPLE_RECORDS.toLocaleString('en-US')} generated requests in one hour, through the enrichment Lambda (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const reads = visualReads();
    const jsonPerRecord = lines.reduce((s, l) => s + Buffer.byteLength(l), 0) / lines.length;
    const tables = await measureTables(c, dir);
    printTables(tables, 1e9 / 24);
    const onDataset = (d: string) => reads.filter((v) => v.dataset === d).length;
    console.log(`visuals: ${onDataset('hourly')} read the rollup, ${onDataset('top')} the top values, ${onDataset('logs')} the raw table (the raw-requests sheet, ${RAW_WINDOW_HOURS} hour partitions at most)`);
    console.log(`date window: ${DEFAULT_DAYS} days; cutoff ${formatBytes(CUTOFF)} per query; Athena $5/TB, 10 MB minimum per query\n`);
    const sizeCache = new Map<number, Measured>();
    let asBuilt: ReturnType<typeof sheetScans> = [];
    let rollupRows = 0;
    let wider = '';
    for (const rate of RATES) {
      const size = recordsPerObject(rate, jsonPerRecord);
      if (!sizeCache.has(size)) sizeCache.set(size, await measure(c, dir, lines, size));
      const m = sizeCache.get(size)!;
      rollupRows = rollupRowsAt(rate / 24, tables.rollupSizes).rows;
      const sources: Sources = {
        parquet: { kind: 'columns', bytesPerRecordByColumn: m.parquetByColumn, overheadBytesPerRecord: m.parquetOverheadPerRecord },
        hourly: { kind: 'rollup', rowsPerHour: rollupRows, bytesPerRowByColumn: tables.rollupSizes.at(-1)![1].bytesPerRow },
        top: { kind: 'rollup', rowsPerHour: tables.topGroups.rows, bytesPerRowByColumn: tables.top.bytesPerRow },
      };
      asBuilt = printRate(rate, size, m, reads, sources);
      if (rate === RATES.at(-1)) wider = widerConsumers(reads, m, sources, tables, rate);
    }
    printAcceptance(asBuilt, rollupRows, wider);
    console.log('\nParquet bytes per record by column (raw table, objects of the 1 billion a day rate):');
    console.log(perColumnLine(sizeCache.get(recordsPerObject(1e9, jsonPerRecord))!.parquetByColumn));
    console.log(`Parquet bytes per row by column (rollup, ${tables.rollupSizes.at(-1)![1].rows} rows):`);
    console.log(perColumnLine(tables.rollupSizes.at(-1)![1].bytesPerRow));
    console.log(`Parquet bytes per row by column (top values, ${tables.top.rows} rows):`);
    console.log(perColumnLine(tables.top.bytesPerRow));
  } finally {
    c.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
