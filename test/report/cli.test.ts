/**
 * `report` through the built binary, as a user runs it: the README's no-AWS command on the
 * committed sample, exit codes and streams, and (from a copy of the package without node_modules,
 * as npx installs it) proof that the engine is not bundled and is never installed without consent.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportData } from '../../src/core/report/model.js';
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

describe('apigw-log-analytics report (built binary)', () => {
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

  it('report --help lists the sources, window, filters and outputs', async () => {
    const r = await runBin(ROOT, ['report', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--local <path>', '--from-bucket', '--since <duration>', '--from <time>', '--to <time>', '--stage <stage>', '--domain <name>', '--customer <id>', '--usage-plan <name>', '--top <n>', '--json', '--csv <dir>', '--html <file>', '-y, --yes']) {
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
