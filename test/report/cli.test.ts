/**
 * `report` through the built binary, as a user runs it: the README's no-AWS command on the
 * committed sample, exit codes and streams, and (from a copy of the package without node_modules,
 * as npx installs it) proof that the engine is not bundled and is never installed without consent.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportData } from '../../src/core/questions/model.js';
import { cleanEnv, runNode, type BinResult } from '../helpers/run-bin.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'report-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({ HOME: join(scratch, 'home'), APIGW_LOG_ANALYTICS_CACHE_DIR: join(scratch, 'cache'), ...extra });
}

function runBin(root: string, args: string[], cwd = ROOT): Promise<BinResult> {
  return runNode([join(root, 'bin', 'apigw-log-analytics.js'), ...args], { env: env(), cwd });
}

/** The sample's objects `times` over (about 0.65 MB each time), for a load that lasts. */
function manyCopiesOfSample(times: number): string {
  const dir = join(scratch, `sample-x${times}`);
  mkdirSync(dir, { recursive: true });
  const objects = readdirSync(join(ROOT, 'assets/sample'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  for (let i = 0; i < times; i++) for (const e of objects) copyFileSync(join(e.parentPath, e.name), join(dir, `${i}-${e.name}`));
  return dir;
}

describe('apigw-log-analytics report (built binary)', () => {
  it('Ctrl+C while the files load: exit 130, and nothing the engine wrote is left in the temp folder', async () => {
    const logs = manyCopiesOfSample(60);
    const temp = mkdtempSync(join(scratch, 'tmp-'));
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'apigw-log-analytics.js'), 'report', '--local', logs, '--json'], {
        env: env({ TMPDIR: temp, TMP: temp, TEMP: temp }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!sent && stderr.includes('Querying')) {
          sent = true;
          // The engine is loading by now: its scratch folder exists.
          setTimeout(() => child.kill('SIGINT'), 300);
        }
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Cancelled.');
    expect(readdirSync(temp).filter((n) => n.startsWith('apigw-log-analytics-'))).toEqual([]);
  }, 60_000);

  it('report --local assets/sample --json: exit 0, the report on stdout, progress on stderr', async () => {
    const r = await runBin(ROOT, ['report', '--local', 'assets/sample', '--json']);
    expect(r.stderr).not.toContain('To fix');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ReportData;
    expect(report.source).toMatchObject({ kind: 'local', path: 'assets/sample', files: 95 });
    expect(report.questions.find((q) => q.id === 'totals')?.rows[0]).toMatchObject({ requests: 4200 });
    // The sample's HTTP and WebSocket rows (through CloudWatch Logs envelopes and the Lambda) show.
    expect(report.questions.find((q) => q.id === 'api_kinds')?.rows.map((r) => [r.apiKind, r.requests])).toEqual([
      ['REST', 3000],
      ['HTTP', 600],
      ['WEBSOCKET', 600],
    ]);
    const ws = report.questions.find((q) => q.id === 'websocket_events')?.rows ?? [];
    expect(new Set(ws.map((r) => r.eventType))).toEqual(new Set(['CONNECT', 'MESSAGE', 'DISCONNECT']));
    expect(ws.map((r) => r.routeKey)).toEqual(expect.arrayContaining(['$connect', 'sendMessage', '$disconnect']));
    expect(report.questions.map((q) => q.id)).toHaveLength(13);
    expect(r.stderr).toMatch(/Querying \d+ KB of logs/);
    // One time convention: every point in time an ISO 8601 UTC string (docs/report-json.md).
    expect(report.schemaVersion).toBe(2);
    expect(report.questions.find((q) => q.id === 'totals')?.rows[0]).toMatchObject({ firstSeen: '2025-01-05T23:22:16.929Z', lastSeen: '2025-01-06T23:21:32.012Z' });
    const series = report.questions.find((q) => q.id === 'requests_over_time')!.rows;
    expect(series[0]?.bucket).toBe('2025-01-05T23:00:00Z');
    expect(series.every((row) => typeof row.bucket === 'string' && /Z$/.test(row.bucket))).toBe(true);
  }, 60_000);

  it('--local assets/sample reads the sample shipped in the package from any folder (the README\'s first command)', async () => {
    const r = await runBin(ROOT, ['report', '--local', 'assets/sample', '--json'], scratch);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Reading the sample logs shipped with apigw-log-analytics (${join(ROOT, 'assets', 'sample')}).`);
    expect((JSON.parse(r.stdout) as ReportData).source).toMatchObject({ kind: 'local', path: join(ROOT, 'assets', 'sample'), files: 95 });
  }, 60_000);

  it('a bad flag value is a usage error (exit 2) that names the flag', async () => {
    const r = await runBin(ROOT, ['report', '--local', 'assets/sample', '--since', '5x']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--since "5x" is not a duration.');
    expect(r.stderr).toContain('for example --since 24h, 7d or 30d');
  }, 30_000);

  it('an output path that cannot be written is a usage error (exit 2) before any AWS call or query', async () => {
    const html = await runBin(ROOT, ['report', '--html', '/nonexistent/dir/r.html']);
    expect(html.code).toBe(2);
    expect(html.stderr).toContain('--html /nonexistent/dir/r.html: the folder /nonexistent/dir does not exist.');
    expect(html.stderr).not.toMatch(/credentials|Finding the installation/i);
    const csv = await runBin(ROOT, ['report', '--local', 'assets/sample', '--csv', '/etc/passwd']);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('--csv /etc/passwd: is a file, not a folder');
    expect(csv.stderr).not.toContain('Querying');
    expect(csv.stdout).toBe('');
  }, 30_000);

  it('a folder with one truncated .gz: exit 0, the rest reported, the file named on stderr', async () => {
    const src = join(ROOT, 'assets', 'sample');
    const dir = join(scratch, 'truncated');
    mkdirSync(dir, { recursive: true });
    const files = readdirSync(src, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
    files.slice(0, 4).forEach((f, i) => writeFileSync(join(dir, `part-${i}.gz`), readFileSync(f)));
    const whole = readFileSync(join(dir, 'part-0.gz'));
    writeFileSync(join(dir, 'part-0.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    const r = await runBin(ROOT, ['report', '--local', dir, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${join(dir, 'part-0.gz')}: damaged (`);
    const report = JSON.parse(r.stdout) as ReportData;
    expect(report.source).toMatchObject({ files: 4, skipped: [{ file: join(dir, 'part-0.gz') }] });
    expect(report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests).toBeGreaterThan(0);
    const strict = await runBin(ROOT, ['report', '--local', dir, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('--strict makes that a failure');
    expect(strict.stdout).toBe('');
  }, 60_000);

  it('several paths: --local a --local b, and --local x.gz y.gz as a shell expands logs/*.gz', async () => {
    const src = join(ROOT, 'assets', 'sample');
    const files = readdirSync(src, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
    const repeated = await runBin(ROOT, ['report', '--local', files[0]!, '--local', files[1]!, '--json']);
    expect(repeated.stderr).not.toContain('To fix');
    expect((JSON.parse(repeated.stdout) as ReportData).source).toMatchObject({ files: 2 });
    const expanded = await runBin(ROOT, ['report', '--local', ...files.slice(0, 5), '--json']);
    expect(expanded.code).toBe(0);
    expect((JSON.parse(expanded.stdout) as ReportData).source).toMatchObject({ files: 5 });
  }, 60_000);

  it('AWS\'s documented JSON example format (text requestTime only) is read with its times', async () => {
    const dir = join(scratch, 'standard');
    mkdirSync(dir, { recursive: true });
    const line = (id: string, time: string) =>
      JSON.stringify({ requestId: id, ip: '192.0.2.1', caller: '-', user: '-', requestTime: time, httpMethod: 'GET', resourcePath: '/pets', status: '200', protocol: 'HTTP/1.1', responseLength: '42' });
    writeFileSync(join(dir, 'access.log'), `${line('a', '06/Jan/2025:22:00:41 +0000')}\n${line('b', '07/Jan/2025:09:15:07 +0000')}\n`);
    const r = await runBin(ROOT, ['report', '--local', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/First request\s+2025-01-06T22:00:41Z/);
    expect(r.stdout).toMatch(/Last request\s+2025-01-07T09:15:07Z/);
    expect(r.stdout).toMatch(/2025-01-06 22:00Z\s+1/);
  }, 60_000);

  it('report --help lists the sources, window, filters and outputs', async () => {
    const r = await runBin(ROOT, ['report', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--local <paths...>', '--strict', '--from-bucket', '--since <duration>', '--from <time>', '--to <time>', '--stage <stage>', '--domain <name>', '--customer <id>', '--usage-plan <name>', '--top <n>', '--json', '--csv <dir>', '--html <file>', '-y, --yes']) {
      expect(r.stdout).toContain(flag);
    }
  }, 30_000);

  it('installed without node_modules (as npx does), it does not carry the engine and will not fetch it unasked', async () => {
    const pkg = join(scratch, 'package');
    for (const part of ['bin', 'dist', 'package.json', 'assets/sample']) cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
    expect(existsSync(join(pkg, 'node_modules'))).toBe(false);
    const r = await runBin(pkg, ['report', '--local', 'assets/sample'], scratch);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Reading the sample logs shipped with apigw-log-analytics (${join(pkg, 'assets', 'sample')}).`);
    expect(r.stderr).toContain('Reading logs locally needs the DuckDB engine (@duckdb/node-api@');
    expect(r.stderr).toContain('Run again with --yes to install it');
    expect(existsSync(join(scratch, 'cache')) ? readdirSync(join(scratch, 'cache')) : []).toEqual([]);
    // The bundle has no DuckDB code: only the computed-path loader.
    const chunks = readdirSync(join(pkg, 'dist', 'chunks'));
    expect(chunks.some((c) => /duckdb/i.test(c))).toBe(false);
  }, 30_000);
});
