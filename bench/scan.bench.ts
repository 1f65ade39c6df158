/**
 * `npm run bench -- scan`: what one load of each dashboard sheet scans in Athena, and what it
 * costs, at 1 million, 10 million, 100 million and 1 billion requests a day, for three layouts:
 *
 * - `gzip JSON` (the layout before issue 16): every visual reads every byte of its 7 days;
 * - `Parquet`: the same visuals over Firehose's Parquet, each reading only its columns;
 * - `Parquet + rollup`: the visuals the hourly rollup can answer read it (src/core/rollup.ts);
 *   the others read their Parquet columns; the raw-requests sheet reads a narrow window. The stack
 *   builds the rollup table, but the dashboard does not read it, nor narrow the raw sheet, yet: this
 *   layout is the design, priced before it is built.
 *
 * Bytes per record are measured here, not assumed: a generated hour of traffic (the seeded
 * generator through the enrichment Lambda) is cut into objects of the size Firehose writes at each
 * rate (one per 60 s buffer, at most 64 MB of input), gzip-compressed as today, and written as
 * Snappy Parquet by DuckDB, whose `parquet_metadata` gives each column chunk's compressed size.
 * The rollup is built with the SQL the stack runs, and written as Parquet too.
 */
import { mkdtempSync, rmSync, writeFileSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { generateAccessLogRecords } from '../scripts/sample-data.js';
import { RECORD_FIELDS } from '../src/core/log-format.js';
import { rollupSelectSql, ROLLUP_ANSWERS } from '../src/core/rollup.js';
import { formatBytes, sheetScans, type Source, type VisualQuery } from '../src/core/scan-cost.js';
import { rollupCanAnswer, visualReads, type VisualRead } from '../src/template/quicksight/reads.js';
import { DEFAULT_DAYS, SHEETS } from '../src/template/quicksight/definition/dashboard.js';
import { DEFAULTS } from '../src/template/pipeline.js';
import { transformRecords } from '../scripts/make-sample.js';

const SAMPLE_RECORDS = 150_000;
const RATES = [1e6, 1e7, 1e8, 1e9] as const;
const BUFFER_SECONDS = 60;
const BUFFER_BYTES = 64 * 1024 ** 2;
/** The raw-requests sheet's narrow default window in the new layout. */
export const RAW_WINDOW_HOURS = 1;
const CUTOFF = DEFAULTS.athenaBytesScannedCutoff;

interface Measured {
  jsonBytesPerRecord: number;
  gzipBytesPerRecord: number;
  parquetByColumn: Record<string, number>;
  parquetOverheadPerRecord: number;
}

async function rows(c: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await c.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
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
  let json = 0;
  for (let i = 0; i < objects; i++) {
    const body = Buffer.from(lines.slice(i * size, (i + 1) * size).join(''), 'utf8');
    json += body.length;
    gz += gzipSync(body).length;
  }
  const pq = join(dir, `pq-${size}`);
  await c.run(`CREATE OR REPLACE TABLE chunks AS SELECT range AS i FROM range(${objects})`);
  for (let i = 0; i < objects; i++) {
    await c.run(
      `COPY (SELECT * EXCLUDE (rn) FROM raw WHERE rn >= ${i * size} AND rn < ${(i + 1) * size}) TO '${pq}-${i}.parquet' (FORMAT parquet, COMPRESSION snappy)`,
    );
  }
  const chunks = await rows(c, `SELECT path_in_schema AS col, sum(total_compressed_size)::BIGINT AS bytes FROM parquet_metadata('${pq}-*.parquet') GROUP BY 1`);
  const parquetByColumn: Record<string, number> = {};
  let inChunks = 0;
  for (const r of chunks) {
    parquetByColumn[String(r.col)] = Number(r.bytes) / records;
    inChunks += Number(r.bytes);
  }
  const fileBytes = readdirSync(dir)
    .filter((f) => f.startsWith(`pq-${size}-`))
    .reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  return { jsonBytesPerRecord: json / records, gzipBytesPerRecord: gz / records, parquetByColumn, parquetOverheadPerRecord: (fileBytes - inChunks) / records };
}

/** Rollup rows and Parquet bytes per hour, at `n` requests in the hour. */
async function rollupPerHour(c: DuckDBConnection, dir: string, n: number): Promise<{ rows: number; bytes: number }> {
  const file = join(dir, `rollup-${n}.parquet`);
  await c.run(`COPY (${rollupSelectSql(`(SELECT * FROM raw WHERE rn < ${n})`, 'true')}) TO '${file}' (FORMAT parquet, COMPRESSION snappy)`);
  const [r] = await rows(c, `SELECT count(*)::BIGINT AS n FROM '${file}'`);
  return { rows: Number(r!.n), bytes: statSync(file).size };
}

const covered = (v: VisualRead): boolean => rollupCanAnswer(v, ROLLUP_ANSWERS);

function queries(layout: string, reads: readonly VisualRead[], m: Measured, rollupBytesPerHour: number): VisualQuery[] {
  const parquet: Source = { kind: 'columns', bytesPerRecordByColumn: m.parquetByColumn, overheadBytesPerRecord: m.parquetOverheadPerRecord };
  return reads.map((v) => {
    const base = { sheetId: v.sheetId, visualId: v.visualId, columns: v.columns, windowHours: DEFAULT_DAYS * 24 };
    if (layout === 'gzip JSON') return { ...base, source: { kind: 'whole-rows', bytesPerRecord: m.gzipBytesPerRecord } };
    if (layout === 'Parquet') return { ...base, source: parquet };
    if (v.sheetId === SHEETS.raw.id) return { ...base, source: parquet, windowHours: RAW_WINDOW_HOURS };
    return covered(v) ? { ...base, source: { kind: 'rollup', bytesPerHour: rollupBytesPerHour } } : { ...base, source: parquet };
  });
}

const money = (n: number): string => (n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);
const pad = (s: string, n: number): string => s.padEnd(n);

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
    const rollupSizes = [10_000, 50_000, SAMPLE_RECORDS];
    const rollups = await Promise.all(rollupSizes.map((n) => rollupPerHour(c, dir, n)));
    console.log(
      `rollup per hour: ${rollupSizes.map((n, i) => `${rollups[i]!.rows} rows, ${formatBytes(rollups[i]!.bytes)} at ${n.toLocaleString('en-US')} requests`).join('; ')}`,
    );
    const rollupBytes = rollups.at(-1)!.bytes;
    console.log(`  (above ${SAMPLE_RECORDS.toLocaleString('en-US')} requests an hour the bench uses the largest measurement: rows grow with distinct dimension values, not with requests)`);
    console.log(`visuals answered by the rollup: ${reads.filter((v) => v.sheetId !== SHEETS.raw.id && covered(v)).length} of ${reads.length - 1} aggregate visuals`);
    console.log('"Parquet + rollup" is the design: the stack keeps the rollup table, the dashboard does not read it (nor narrow the raw sheet) yet');
    console.log(`date window: ${DEFAULT_DAYS} days (raw-requests sheet in the design: ${RAW_WINDOW_HOURS} h); cutoff ${formatBytes(CUTOFF)} per query; Athena $5/TB, 10 MB minimum per query\n`);
    const sizeCache = new Map<number, Measured>();
    for (const rate of RATES) {
      const size = recordsPerObject(rate, jsonPerRecord);
      if (!sizeCache.has(size)) sizeCache.set(size, await measure(c, dir, lines, size));
      const m = sizeCache.get(size)!;
      const parquetAll = Object.values(m.parquetByColumn).reduce((s, b) => s + b, 0) + m.parquetOverheadPerRecord;
      console.log(
        `### ${rate.toLocaleString('en-US')} requests a day: objects of ${size.toLocaleString('en-US')} records; bytes per record: JSON ${jsonPerRecord.toFixed(0)}, gzip ${m.gzipBytesPerRecord.toFixed(1)}, Parquet ${parquetAll.toFixed(1)}`,
      );
      console.log(`${pad('layout', 18)}${pad('sheet', 20)}${pad('queries', 9)}${pad('scanned', 11)}${pad('price', 10)}${pad('largest query', 15)}over cutoff`);
      for (const layout of ['gzip JSON', 'Parquet', 'Parquet + rollup']) {
        for (const s of sheetScans(queries(layout, reads, m, rollupBytes), rate, CUTOFF)) {
          console.log(
            `${pad(layout, 18)}${pad(s.sheetId, 20)}${pad(String(s.queries.length), 9)}${pad(formatBytes(s.bytes), 11)}${pad(money(s.price), 10)}${pad(formatBytes(s.largestBytes), 15)}${s.overCutoff === 0 ? '-' : `${s.overCutoff} OVER`}`,
          );
        }
      }
      console.log('');
    }
    console.log('Parquet bytes per record by column (objects of the 1 billion a day rate):');
    const big = sizeCache.get(recordsPerObject(1e9, jsonPerRecord))!;
    console.log(
      Object.entries(big.parquetByColumn)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', '),
    );
  } finally {
    c.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
