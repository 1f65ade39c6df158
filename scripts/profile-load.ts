/**
 * What keeping the records and grouping them cost, against the scan floor: the numbers behind
 * docs/report-bench.md's "Why 1.5x is out of reach on every set". In one process, alternated,
 * each statement timed (wall and this process's CPU, which includes the engine's threads):
 *
 * - `floor`: the bench's scan floor (scanFloorSql: the load's reads, counting the values);
 * - `typed`: the same reads typed as the load types them, every typed value counted, nothing kept;
 * - `table`: the load into the in-memory table (loadSql, as for about 1.5 million records or fewer);
 * - `file`: the load into the scratch Parquet file (loadSql, as for more).
 *
 * Then, over the last scratch file, for the source IP and the user agent: reading the column,
 * counting by 64-bit hash, counting by the text, and a heap of the 10 smallest values.
 *
 *   npx tsx scripts/profile-load.ts FOLDER [RUNS]
 *
 * (The bench's data sets are kept in the temp folder: $TMPDIR/apigw-log-analytics-bench/report-*\/logs.)
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { compileReport } from '../src/core/questions/compile.js';
import { DUCKDB } from '../src/core/questions/dialect.js';
import { parseFilters } from '../src/core/questions/filters.js';
import { openDuckDb } from '../src/engines/engine.js';
import { ACCESS_COLUMN, fieldsKept, findLogFiles, loadSql, loaded, scanFloorSql, type Scratch } from '../src/engines/local-files.js';

const [folder, runsArg] = process.argv.slice(2);
if (!folder) throw new Error('Usage: npx tsx scripts/profile-load.ts FOLDER [RUNS]');
const runs = Number(runsArg ?? 3);

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const secs = (ms: number): string => `${(ms / 1000).toFixed(2).padStart(6)} s`;
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const files = await findLogFiles(folder);
const kept = fieldsKept(compileReport({ dialect: DUCKDB, source: { from: 'logs', where: [] }, window: null, filters: parseFilters({}), top: 10 }).sql);
const engine = await openDuckDb(createRequire(import.meta.url)('@duckdb/node-api'));
const table: Scratch = { kind: 'table', name: 'profile_records' };
const file: Scratch = { kind: 'file', path: join(engine.scratch, 'profile-records.parquet') };
// The load's SELECT, without the statement that keeps it.
const tableLoad = loadSql(table, files, kept);
const keptAs = `CREATE OR REPLACE TABLE ${loaded(table)} AS `;
if (!tableLoad.startsWith(keptAs)) throw new Error(`loadSql no longer starts with ${keptAs}: update this script`);
const typed = tableLoad.slice(keptAs.length);
const statements: Record<string, string> = {
  floor: scanFloorSql(files, kept.keep),
  typed: `SELECT ${[...kept.keep].map((k) => `count("${k}")`).join(' + ')} FROM ${typed}`,
  table: tableLoad,
  file: loadSql(file, files, kept),
};

const times = new Map<string, Array<{ wall: number; cpu: number }>>();
async function timed(label: string, sql: string): Promise<void> {
  const wall0 = performance.now();
  const cpu0 = cpuMs();
  await engine.all(sql);
  const t = { wall: performance.now() - wall0, cpu: cpuMs() - cpu0 };
  times.set(label, [...(times.get(label) ?? []), t]);
  console.log(`${secs(t.wall)}  CPU ${secs(t.cpu)}  ${label}`);
}

try {
  console.log(`${files.gzip.length} gzip, ${files.plain.length} plain, ${files.parquet.length} Parquet file(s); ${kept.keep.size} fields kept`);
  for (let run = 0; run < runs; run++) {
    for (const [label, sql] of Object.entries(statements)) {
      if (label === 'table') await engine.all(`DROP TABLE IF EXISTS "${table.name}"`);
      await timed(label, sql);
    }
  }
  await engine.all(`DROP TABLE IF EXISTS "${table.name}"`);
  const records = `${loaded(file)} WHERE ${ACCESS_COLUMN}`;
  for (const column of ['ip', 'identityUserAgent']) {
    const c = `"${column}"`;
    await timed(`${column}: read the column`, `SELECT count(${c}), sum(length(${c})) FROM ${records}`);
    await timed(`${column}: count by 64-bit hash`, `SELECT count(*) FROM (SELECT hash(${c}), count(*) FROM ${records} GROUP BY 1)`);
    await timed(`${column}: count by the text`, `SELECT count(*) FROM (SELECT ${c}, count(*) FROM ${records} GROUP BY 1)`);
    await timed(`${column}: the 10 smallest values (a heap)`, `SELECT ${c} FROM ${records} ORDER BY 1 LIMIT 10`);
  }
  console.log('medians:');
  for (const label of Object.keys(statements)) {
    const t = times.get(label) ?? [];
    console.log(`${secs(median(t.map((x) => x.wall)))}  CPU ${secs(median(t.map((x) => x.cpu)))}  ${label}`);
  }
  console.log(`scratch file: ${file.path} (removed with the engine's scratch folder)`);
} finally {
  engine.close();
}
