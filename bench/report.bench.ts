/**
 * `report --local` at 1 and 5 million requests: wall time and peak memory of the built CLI, as a
 * user runs it (a fresh process: Node start, engine load, file discovery, reading and answering
 * every question), against the DuckDB scan floor of the same files measured in the same run.
 * Targets (issue 16): at most 1.5x the floor at 1M and 5M, peak memory under 1 GiB at 5M whatever
 * the number of distinct source IPs and user agents.
 *
 * The scan floor: a fresh Node process that opens DuckDB with the report's settings
 * (duckDbConfig, src/engines/engine.ts) and runs scanFloorSql (src/engines/local-files.ts): the
 * same read_json / read_parquet calls over the same files with the same reader options, reading
 * the same columns the report loads, with a trivial aggregate (count of lines and of the non-null
 * values of every one of those columns) instead of typing, storing and answering. Both processes
 * are timed from spawn to exit and measured by their own peak RSS (Node and DuckDB's native memory).
 * Runs alternate floor and report, so both see the same machine; the ratio is of their medians.
 * Both processes' CPU time (user and system, every thread) is printed too: on a shared machine it
 * moves less than wall time, and its ratio says how much work the report adds to the scan.
 *
 * The data sets, made once and kept in the temp folder, keyed by the code that makes them:
 *   1M           a day of traffic made by scripts/make-sample.ts (the generator through the
 *                enrichment Lambda), one gzip object per minute as Firehose delivers at that volume,
 *                1,464 in all; 1M REST requests plus the HTTP and WebSocket rows the sample adds.
 *   5M           derived from 1M (making 5M through the Lambda takes about 15 minutes on two
 *                cores): each object holds its lines five times, copies 2 to 5 under their own
 *                request ids. Same objects, same day, five times the rows.
 *   5M unique    5M with every request's source IP and user agent its own (10.x.y.z; the agent
 *                with ` req/<n>` appended): the distinct values the top-IP and top-agent questions
 *                group are as many as the requests.
 *   5M Parquet   5M in Firehose's columnar layout (logs/parquet/dt=/hour=/, the Glue table's
 *                lowercase typed columns, snappy), one Parquet object per gzip object, written by DuckDB.
 * `REPORT_BENCH_SETS=1M,5M` runs only those; `REPORT_BENCH_RUNS` sets the runs per set (3; 0 makes the sets only).
 */
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeSampleObjects, writeSampleObjects, LAMBDA_PATH } from '../scripts/make-sample.js';
import { compileReport } from '../src/core/questions/compile.js';
import { DUCKDB } from '../src/core/questions/dialect.js';
import { parseFilters } from '../src/core/questions/filters.js';
import { RECORD_FIELDS } from '../src/core/log-format.js';
import { duckDbConfig } from '../src/engines/engine.js';
import { duckDbSource, fieldsKept, findLogFiles, scanFloorSql } from '../src/engines/local-files.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BASE_RECORDS = 1_000_000;
const HOURS = 24;
const RUNS = Number(process.env.REPORT_BENCH_RUNS ?? 3);
const TARGET_RATIO = 1.5;
const TARGET_BYTES = 1024 ** 3;
const CACHE = join(tmpdir(), 'apigw-log-analytics-bench');

interface DataSet {
  dir: string;
  /** Rows the files hold (every one an access-log record). */
  rows: number;
}

function codeKey(extra: string): string {
  const h = createHash('sha256');
  for (const f of [join(ROOT, 'scripts/sample-data.ts'), LAMBDA_PATH, join(ROOT, 'scripts/make-sample.ts')]) h.update(readFileSync(f));
  h.update(extra);
  return h.digest('hex').slice(0, 16);
}

/**
 * The set `name`, made by `make` (which returns its row count) unless already complete. `version`
 * names how it is made: change it with the code that makes it.
 */
async function cached(name: string, version: string, make: (dir: string) => Promise<number>): Promise<DataSet> {
  const dir = join(CACHE, `report-${name.replace(/\W+/g, '-')}-${codeKey(version)}`);
  const done = join(dir, '.complete');
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const t0 = performance.now();
    const rows = await make(dir);
    writeFileSync(done, JSON.stringify({ made: new Date().toISOString(), rows }));
    console.log(`made ${name} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return { dir, rows: (JSON.parse(readFileSync(done, 'utf8')) as { rows: number }).rows };
}

/** A day of traffic through the Lambda, an hour at a time, so memory stays small. */
async function generate(dir: string): Promise<number> {
  const perHour = BASE_RECORDS / HOURS;
  let rows = 0;
  for (let hour = 0; hour < HOURS; hour++) {
    const count = Math.round(perHour * (hour + 1)) - Math.round(perHour * hour);
    const objects = await makeSampleObjects({ count, seed: 1000 + hour, startMs: Date.UTC(2026, 10, 2, hour), spanMs: 3_600_000, bufferMs: 60_000, streamName: 'amazon-apigateway-bench' });
    // Object names carry the hour's seed, so two hours never collide.
    writeSampleObjects(dir, objects);
    rows += objects.reduce((n, o) => n + o.records, 0);
  }
  return rows;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** `fn` over `items`, `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** Line `line` of copy `copy` (0 is the original), request `n` of the derived set. */
function copyLine(line: string, copy: number, n: number, unique: boolean): string {
  let out = copy === 0 ? line : line.replace(/"requestId":"([^"]*)"/, `"requestId":"$1-${copy}"`);
  if (unique) {
    out = out
      .replace(/"ip":"[^"]*"/, `"ip":"10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}"`)
      // The agent as a JSON string: its escaped quotes and backslashes kept as they are.
      .replace(/"identityUserAgent":"((?:[^"\\]|\\.)*)"/, `"identityUserAgent":"$1 req/${n}"`);
  }
  return out;
}

/** Every object of `from` with its lines `copies` times; returns the rows written. */
async function deriveCopies(from: DataSet, dir: string, copies: number, unique: boolean): Promise<number> {
  let n = 0;
  await eachLimited(filesUnder(from.dir), 4, async (file) => {
    const lines = (await promisify(gunzip)(await readFile(file))).toString('utf8').split('\n').filter((l) => l.length > 0);
    const out: string[] = [];
    for (let copy = 0; copy < copies; copy++) for (const line of lines) out.push(copyLine(line, copy, n++, unique), '\n');
    const target = join(dir, relative(from.dir, file));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await promisify(gzip)(Buffer.from(out.join(''), 'utf8')));
  });
  return n;
}

/** Each gzip object of `from` as one Parquet object of the Glue table's columns, under logs/parquet/dt=/hour=/. */
async function toParquet(from: DataSet, dir: string): Promise<number> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const select = RECORD_FIELDS.map((f) => `"${f.key}" AS ${f.key.toLowerCase()}`).join(', ');
  try {
    for (const file of filesUnder(from.dir)) {
      // The object's name carries its minute (…-yyyy-MM-dd-HH-mm-ss-<id>.gz): its day and hour folder.
      const [, day, hour] = /-(\d{4}-\d{2}-\d{2})-(\d{2})-\d{2}-\d{2}-/.exec(basename(file)) ?? [];
      const folder = join(dir, 'logs', 'parquet', `dt=${day}`, `hour=${hour}`);
      mkdirSync(folder, { recursive: true });
      const source = duckDbSource({ gzip: [file], plain: [] });
      await c.run(`COPY (SELECT ${select} FROM ${source.from}) TO '${join(folder, basename(file, '.gz'))}.parquet' (FORMAT parquet, COMPRESSION snappy)`);
    }
  } finally {
    c.closeSync();
    db.closeSync();
  }
  return from.rows;
}

/** Records the child's own peak RSS and CPU time (Node's and DuckDB's threads alike) when it exits. */
const RSS_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    'import { writeFileSync } from "node:fs"; process.on("exit", () => { const u = process.resourceUsage(); writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ rss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })); });',
  );

/** The floor's process: DuckDB opened with the given settings, one statement, its answer on stdout. */
const FLOOR_SCRIPT = [
  'import { readFileSync } from "node:fs";',
  'import { DuckDBInstance } from "@duckdb/node-api";',
  'const { config, sql } = JSON.parse(readFileSync(process.env.BENCH_FLOOR_FILE, "utf8"));',
  'const db = await DuckDBInstance.create(":memory:", config);',
  'const c = await db.connect();',
  'const rows = (await c.runAndReadAll(sql)).getRowsJS();',
  'console.log(JSON.stringify(rows, (_, v) => (typeof v === "bigint" ? Number(v) : v)));',
  'c.closeSync(); db.closeSync();',
].join('\n');

interface Run {
  ms: number;
  peakBytes: number;
  /** CPU time, user and system: less sensitive than wall time to other work on the machine. */
  cpuMs: number;
  stdout: string;
}

async function timed(args: string[], env: Record<string, string>): Promise<Run> {
  const rssFile = join(CACHE, `rss-${process.pid}.txt`);
  const t0 = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RSS_HOOK, ...args], { cwd: ROOT, env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`${args.join(' ').slice(0, 200)} exited ${code}:\n${stderr}`);
  const { rss, cpuMs } = JSON.parse(readFileSync(rssFile, 'utf8')) as { rss: number; cpuMs: number };
  rmSync(rssFile, { force: true });
  return { ms, peakBytes: rss, cpuMs, stdout };
}

async function reportRun(set: DataSet): Promise<Run> {
  const run = await timed([join(ROOT, 'bin', 'apigw-log-analytics.js'), 'report', '--local', set.dir, '--json'], {});
  const report = JSON.parse(run.stdout) as { questions: Array<{ id: string; rows: Array<Record<string, unknown>> }> };
  const requests = Number(report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests);
  if (requests !== set.rows) throw new Error(`the report counted ${requests} requests, not ${set.rows}`);
  return run;
}

/** The statement file of the floor: the report's settings and scanFloorSql over the files it finds. */
async function floorFile(set: DataSet): Promise<string> {
  const files = await findLogFiles(set.dir);
  const sql = compileReport({ dialect: DUCKDB, source: { from: 'logs', where: [] }, window: null, filters: parseFilters({}), top: 10 }).sql;
  const temp = await mkdtemp(join(tmpdir(), 'apigw-log-analytics-floor-'));
  const file = join(temp, 'floor.json');
  writeFileSync(file, JSON.stringify({ config: duckDbConfig(temp), sql: scanFloorSql(files, fieldsKept(sql).keep) }));
  return file;
}

async function floorRun(set: DataSet, file: string): Promise<Run> {
  const run = await timed(['--input-type=module', '-e', FLOOR_SCRIPT], { BENCH_FLOOR_FILE: file });
  const lines = (JSON.parse(run.stdout) as number[][])[0]?.[0];
  if (lines !== set.rows) throw new Error(`the floor read ${lines} lines, not ${set.rows}`);
  return run;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const mib = (b: number): string => `${(b / 1024 ** 2).toFixed(0)} MiB`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function measure(name: string, set: DataSet): Promise<void> {
  const file = await floorFile(set);
  const floors: Run[] = [];
  const reports: Run[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      floors.push(await floorRun(set, file));
      reports.push(await reportRun(set));
      console.log(`  ${name} run ${i + 1}: floor ${secs(floors[i]!.ms)}, report ${secs(reports[i]!.ms)} (CPU ${secs(floors[i]!.cpuMs)} and ${secs(reports[i]!.cpuMs)}; report peak ${mib(reports[i]!.peakBytes)})`);
    }
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
  summarize(name, set, floors, reports);
}

function summarize(name: string, set: DataSet, floors: readonly Run[], reports: readonly Run[]): void {
  const of = (runs: readonly Run[], k: 'ms' | 'cpuMs') => median(runs.map((r) => r[k]));
  const ratio = of(reports, 'ms') / of(floors, 'ms');
  const peak = Math.max(...reports.map((r) => r.peakBytes));
  const ok = (v: boolean) => (v ? 'within target' : 'OVER TARGET');
  console.log(
    `${name}: ${set.rows.toLocaleString('en-US')} rows; report median ${secs(of(reports, 'ms'))}, floor median ${secs(of(floors, 'ms'))}: ` +
      `ratio ${ratio.toFixed(2)}x (${ok(ratio <= TARGET_RATIO)}: <= ${TARGET_RATIO}x); CPU time ${secs(of(reports, 'cpuMs'))} vs ${secs(of(floors, 'cpuMs'))} (${(of(reports, 'cpuMs') / of(floors, 'cpuMs')).toFixed(2)}x); ` +
      `peak RSS report ${mib(peak)} (${ok(peak < TARGET_BYTES)}: < 1 GiB), floor ${mib(Math.max(...floors.map((r) => r.peakBytes)))}`,
  );
}

export default async function bench(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) {
    console.log('building dist/ (npm run build) first');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }
  const base = await cached('1000000', `${BASE_RECORDS}/${HOURS}/v2`, generate);
  const five = () => cached('5M', '5M/v1', (dir) => deriveCopies(base, dir, 5, false));
  const sets: Record<string, () => Promise<DataSet>> = {
    '1M': () => Promise.resolve(base),
    '5M': five,
    '5M unique': () => cached('5M unique', '5M unique/v2', (dir) => deriveCopies(base, dir, 5, true)),
    '5M Parquet': async () => {
      const from = await five();
      return cached('5M Parquet', '5M Parquet/v1', (dir) => toParquet(from, dir));
    },
  };
  const only = process.env.REPORT_BENCH_SETS?.split(',').map((s) => s.trim());
  for (const [name, get] of Object.entries(sets)) {
    if (only && !only.includes(name)) continue;
    const set = await get();
    const files = filesUnder(set.dir);
    const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    console.log(`${name}: ${files.length} objects, ${mib(bytes)}`);
    if (RUNS > 0) await measure(name, set);
  }
}
