/**
 * `report --local` over 1,000,000 requests: wall time and peak memory of the built CLI, as a user
 * runs it (a fresh process: Node start, engine load, reading and answering every question).
 * Target on the 2-core CI machine: under 10 s and under 1 GB.
 *
 * The data is a day of traffic made by scripts/make-sample.ts (the generator through the
 * enrichment Lambda), in Firehose's shape at that volume: one gzip object per minute, 1,440 in
 * all. It is made once and kept in the temp folder, keyed by the code that makes it.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSampleObjects, writeSampleObjects, LAMBDA_PATH } from '../scripts/make-sample.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RECORDS = 1_000_000;
const HOURS = 24;
const RUNS = 3;
const TARGET_MS = 10_000;
const TARGET_BYTES = 1024 ** 3;

function datasetKey(): string {
  const h = createHash('sha256');
  for (const f of [join(ROOT, 'scripts/sample-data.ts'), LAMBDA_PATH, join(ROOT, 'scripts/make-sample.ts')]) h.update(readFileSync(f));
  // v2: the .complete marker records how many rows the data set holds.
  h.update(`${RECORDS}/${HOURS}/v2`);
  return h.digest('hex').slice(0, 16);
}

/** Makes (or reuses) the data set; an hour at a time, so memory stays small. */
async function dataset(): Promise<{ dir: string; files: number; bytes: number; rows: number; madeMs: number | null }> {
  const dir = join(tmpdir(), 'apigw-log-analytics-bench', `report-${RECORDS}-${datasetKey()}`);
  const done = join(dir, '.complete');
  let madeMs: number | null = null;
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const t0 = performance.now();
    const perHour = RECORDS / HOURS;
    let rows = 0;
    for (let hour = 0; hour < HOURS; hour++) {
      const count = Math.round(perHour * (hour + 1)) - Math.round(perHour * hour);
      const objects = await makeSampleObjects({
        count,
        seed: 1000 + hour,
        startMs: Date.UTC(2026, 10, 2, hour),
        spanMs: 3_600_000,
        bufferMs: 60_000,
        streamName: 'amazon-apigateway-bench',
      });
      // Object names carry the hour's seed, so two hours never collide.
      writeSampleObjects(dir, objects);
      rows += objects.reduce((n, o) => n + o.records, 0);
    }
    // REST requests plus the HTTP and WebSocket rows the sample adds (scripts/make-sample.ts, V2_SHARE).
    writeFileSync(done, JSON.stringify({ made: new Date().toISOString(), rows }));
    madeMs = performance.now() - t0;
  }
  let files = 0;
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) walk(join(d, e.name));
      else {
        files++;
        bytes += statSync(join(d, e.name)).size;
      }
    }
  };
  walk(dir);
  const { rows } = JSON.parse(readFileSync(done, 'utf8')) as { rows: number };
  return { dir, files, bytes, rows, madeMs };
}

/** Records the child's own peak RSS (Node and DuckDB's native memory alike) when it exits. */
const RSS_HOOK =
  'data:text/javascript,' +
  encodeURIComponent('import { writeFileSync } from "node:fs"; process.on("exit", () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));');

async function runOnce(dir: string, rssFile: string): Promise<{ ms: number; peakBytes: number; requests: number }> {
  const t0 = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RSS_HOOK, join(ROOT, 'bin', 'apigw-log-analytics.js'), 'report', '--local', dir, '--json'], {
      cwd: ROOT,
      env: { ...process.env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`report --local exited ${code}:\n${stderr}`);
  const report = JSON.parse(stdout) as { questions: Array<{ id: string; rows: Array<Record<string, unknown>> }> };
  const requests = Number(report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests);
  return { ms, peakBytes: Number(readFileSync(rssFile, 'utf8')), requests };
}

export default async function bench(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) {
    console.log('building dist/ (npm run build) first');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }
  const data = await dataset();
  console.log(
    `data: ${RECORDS.toLocaleString('en-US')} REST requests and ${(data.rows - RECORDS).toLocaleString('en-US')} HTTP and WebSocket ones over ${HOURS} h, ${data.files} gzip objects, ${(data.bytes / 1024 ** 2).toFixed(1)} MiB` +
      (data.madeMs === null ? ' (cached)' : ` (made in ${(data.madeMs / 1000).toFixed(1)} s)`),
  );
  const rssFile = join(data.dir, '..', `rss-${process.pid}.txt`);
  const runs: Array<{ ms: number; peakBytes: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await runOnce(data.dir, rssFile);
    if (r.requests !== data.rows) throw new Error(`the report counted ${r.requests} requests, not ${data.rows}`);
    runs.push(r);
    console.log(`run ${i + 1}: ${(r.ms / 1000).toFixed(2)} s, peak RSS ${(r.peakBytes / 1024 ** 2).toFixed(0)} MiB`);
  }
  rmSync(rssFile, { force: true });
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  const peak = Math.max(...runs.map((r) => r.peakBytes));
  const ok = (v: boolean) => (v ? 'within target' : 'OVER TARGET');
  console.log(`report --local, ${data.rows.toLocaleString('en-US')} requests: median ${(median / 1000).toFixed(2)} s (${ok(median < TARGET_MS)}: < 10 s), best ${(times[0]! / 1000).toFixed(2)} s`);
  console.log(`peak memory: ${(peak / 1024 ** 2).toFixed(0)} MiB (${ok(peak < TARGET_BYTES)}: < 1 GiB)`);
}
