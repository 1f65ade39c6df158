/**
 * `report` in a terminal, through the built binary under a real pty (util-linux `script`): a pty
 * that reports 0 columns ends with bounded output, an 80-column terminal gets no line over 80, and
 * hostile logged values never reach stdout as control or bidirectional characters.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import stripAnsi from 'strip-ansi';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runNode } from '../helpers/run-bin.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'apigw-log-analytics.js');
const SCRIPT = '/usr/bin/script';
const scratch = mkdtempSync(join(tmpdir(), 'report-terminal-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const env = () => cleanEnv({ HOME: join(scratch, 'home'), APIGW_LOG_ANALYTICS_CACHE_DIR: join(scratch, 'cache') });
const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

interface PtyResult {
  code: number | null;
  output: string;
  bytes: number;
  killed: boolean;
}

/**
 * Runs the binary on a pty of `cols` x `rows` (set with stty inside the pty), stdout redirected
 * to `stdoutFile` when given. Killed after `limitMs`, and reading stops at `maxBytes`, so a loop
 * shows up as a failed assertion rather than a hung suite.
 */
function runOnPty(args: string[], cols: number, opts: { stdoutFile?: string; quietStderr?: boolean; limitMs?: number; maxBytes?: number } = {}): Promise<PtyResult> {
  const command = [`stty cols ${cols} rows ${cols === 0 ? 0 : 40}`, `${shellQuote(process.execPath)} ${[BIN, ...args].map(shellQuote).join(' ')}${opts.stdoutFile ? ` > ${shellQuote(opts.stdoutFile)}` : ''}${opts.quietStderr ? ' 2>/dev/null' : ''}`].join('; ');
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], { env: env(), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let bytes = 0;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(kill, opts.limitMs ?? 60_000);
    const take = (d: Buffer) => {
      bytes += d.length;
      if (output.length < 200_000) output += d.toString('utf8');
      if (bytes > (opts.maxBytes ?? 5_000_000)) kill();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, bytes, killed });
    });
  });
}

const hasScript = existsSync(SCRIPT);

describe.skipIf(!hasScript)('report on a pty (built binary)', () => {
  it('a terminal of 0 columns: the command ends, with a few lines of progress (no spinner loop)', async () => {
    const r = await runOnPty(['report', '--local', 'assets/sample'], 0, { stdoutFile: '/dev/null', limitMs: 45_000, maxBytes: 1_000_000 });
    expect(r.killed, `output so far (${r.bytes} bytes): ${JSON.stringify(r.output.slice(0, 300))}`).toBe(false);
    expect(r.code).toBe(0);
    expect(r.bytes).toBeLessThan(2_000);
    expect(r.output).toContain('Querying');
    expect(r.output).not.toContain('\u001b[1A');
  }, 60_000);

  it('an 80-column terminal: no line of the report is over 80 characters, and hidden columns are named', async () => {
    // The report (stdout) on the terminal; progress (stderr, a spinner there) is not the report.
    const r = await runOnPty(['report', '--local', 'assets/sample'], 80, { quietStderr: true, limitMs: 45_000 });
    expect(r.code).toBe(0);
    const lines = stripAnsi(r.output).replaceAll('\r', '').split('\n');
    const long = lines.filter((l) => [...l].length > 80);
    expect(long).toEqual([]);
    expect(r.output).toContain('Latency by route');
    expect(r.output).toMatch(/Not shown at 80 columns: .*integration p50\/p90\/p99 ms/s);
    expect(r.output).toContain('…');
  }, 60_000);
});

describe('report of hostile logged values (built binary)', () => {
  const dir = join(scratch, 'hostile');
  mkdirSync(dir, { recursive: true });
  const hostile = [
    '\u001b]0;pwned\u0007',
    '\u001b]52;c;cm0gLXJmIH4=\u0007',
    '\u001b[2J\u001b[H',
    'forged\nGET /admin 200',
    'evil\u202egnp.exe',
    'iso\u2066late\u2069',
    'c1\u009b31m',
    'del\u007f nul\u0000 tab\t',
  ];
  const lines = hostile.map((v, i) =>
    JSON.stringify({
      apiId: 'a1b2c3d4e5',
      stage: `prod${v}`,
      requestId: `r${i}`,
      ip: `10.0.0.${i}`,
      httpMethod: 'GET',
      resourcePath: `/p${v}`,
      status: '200',
      identityUserAgent: `agent${v}`,
      identityApiKeyId: `key${i}`,
      apiKeyName: `key${v}`,
      customerId: `cust${v}`,
      requestTimeEpoch: String(Date.UTC(2026, 10, 20, 10, i)),
    }),
  );
  writeFileSync(join(dir, 'hostile.json'), `${lines.join('\n')}\n`);

  it('stdout has no control or bidirectional character other than the newlines that end lines', async () => {
    const r = await runNode([BIN, 'report', '--local', dir, '--top', '20'], { env: env(), cwd: ROOT });
    expect(r.stderr).not.toContain('To fix');
    expect(r.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
    const bad = r.stdout.split('\n').filter((l) => unsafe.test(l));
    expect(bad).toEqual([]);
    // The values are still there, escaped visibly.
    expect(r.stdout).toContain('agent\\x1b]0;pwned\\x07');
    expect(r.stdout).toContain('evil\\u202egnp.exe');
    expect(r.stdout).toContain('forged\\x0aGET /admin 200');
  }, 60_000);
});
