/**
 * The built binary under the faults of issue 13: a silent endpoint, Ctrl+C while it waits, a
 * reader that closes the pipe early, and an answer that is not from AWS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startAwsStub, type AwsStub } from '../helpers/aws-stub.js';
import { cleanEnv, runNode } from '../helpers/run-bin.js';

const BIN = fileURLToPath(new URL('../../bin/apigw-log-analytics.js', import.meta.url));
const CREDS = { AWS_ACCESS_KEY_ID: 'AKIAE2E', AWS_SECRET_ACCESS_KEY: 'secret' };

/** Accepts every connection and never answers. */
async function startSilentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the binary; `onStderr` sees stderr as it comes (to send Ctrl+C at the right moment). */
function start(args: string[], env: NodeJS.ProcessEnv, onStderr?: (soFar: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like `cmd | head -1`: reads the first chunk of stdout, then closes the pipe. */
function startClosingEarly(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.once('data', () => child.stdout.destroy());
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: '', stderr }));
  });
}

describe('a silent endpoint (accepts, never answers)', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  beforeAll(async () => (silent = await startSilentServer()));
  afterAll(() => silent.close());

  it('status ends after the read timeout with a message naming the service and the endpoint', async () => {
    const r = await start(['status', '--region', 'us-east-1', '--cli-read-timeout', '1'], cleanEnv({ AWS_ENDPOINT_URL: silent.url, ...CREDS }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`STS at ${silent.url} did not answer within 1 s while checking your AWS identity`);
    expect(r.stderr).toContain('--cli-read-timeout SECONDS (0 waits for ever)');
  });

  // Every command's first AWS call meets the silent endpoint: each ends within the timeout (the SDK
  // retries a timed-out attempt twice: about 3 s here) with the same message, and changes nothing.
  it.each([
    [['connect-stage', '--project', 'shop', '--stage', 'a1b2c3d4e5/prod', '--yes']],
    [['disconnect-stage', '--project', 'shop', '--all-stages', '--yes']],
    [['uninstall', '--project', 'shop', '--yes']],
    [['init', '--project', 'shop', '--all-stages', '--no-dashboard', '--yes']],
    [['report', '--project', 'shop', '--since', '24h']],
  ])('%j ends after the read timeout with the same message', async (args) => {
    const started = Date.now();
    const r = await start([...args, '--region', 'us-east-1', '--cli-read-timeout', '1'], cleanEnv({ AWS_ENDPOINT_URL: silent.url, ...CREDS }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`at ${silent.url.replace(/[.:/]/g, '\\$&')} did not answer within 1 s`));
    // Generous against a loaded machine; without a working timeout it would wait for ever.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it('with --cli-read-timeout 0 it waits, and the first Ctrl+C ends a read-only command (exit 130)', async () => {
    let sent = false;
    const r = await start(['status', '--region', 'us-east-1', '--cli-read-timeout', '0'], cleanEnv({ AWS_ENDPOINT_URL: silent.url, ...CREDS }), (soFar, child) => {
      if (!sent && soFar.includes('Checking credentials')) {
        sent = true;
        // Long enough that a 1 s timeout would have ended it; then one Ctrl+C.
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Cancelled.');
    expect(r.stderr).not.toContain('did not answer');
  });
});

describe('bad timeout values', () => {
  it.each(['--cli-read-timeout', '--cli-connect-timeout'])('%s abc exits 2 naming the flag and changes nothing', async (flag) => {
    const r = await runNode([BIN, 'status', flag, 'abc'], { env: cleanEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
    expect(r.stderr).toContain('"abc" is not a number of seconds');
  });
});

describe('a reader that closes the pipe early', () => {
  it.each([[['--help']], [['init', '--help']], [['help']]])('%j | head -1 exits 0 in 50 runs out of 50', async (args) => {
    const codes: Array<number | null> = [];
    const errors: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const runs = await Promise.all(Array.from({ length: 10 }, () => startClosingEarly(args)));
      for (const r of runs) {
        codes.push(r.code);
        if (r.stderr) errors.push(r.stderr);
      }
    }
    expect(errors).toEqual([]);
    expect(codes.filter((c) => c !== 0)).toEqual([]);
    expect(codes).toHaveLength(50);
  }, 120_000);
});

describe('an answer that is not from AWS', () => {
  let stub: AwsStub;
  beforeAll(async () => {
    stub = await startAwsStub({
      '*': () => ({ status: 404, html: '<html><head><title>404 Not Found</title></head><body>nginx</body></html>' }),
    });
  });
  afterAll(() => stub.close());

  it('a 404 page from a wrong endpoint: says what came back and from where, not "a bug"', async () => {
    const r = await start(['status', '--region', 'us-east-1'], cleanEnv({ AWS_ENDPOINT_URL: stub.url, ...CREDS }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The answer from STS at ${stub.url} while checking your AWS identity did not come from AWS: HTTP 404, text/html`);
    expect(r.stderr).toContain('AWS_ENDPOINT_URL');
    expect(r.stderr).not.toMatch(/bug|\$response/);
  });
});

describe('a proxy page where API Gateway should answer', () => {
  let stub: AwsStub;
  beforeAll(async () => {
    stub = await startAwsStub({
      GetCallerIdentity: () => ({ query: { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/e2e', UserId: 'AIDAE2E' } }),
      DescribeStacks: () => ({ query: { Stacks: [] } }),
      '*': () => ({ status: 200, html: '<html><head><title>Corporate proxy: sign in</title></head><body>Please sign in</body></html>' }),
    });
  });
  afterAll(() => stub.close());

  it('says an HTML page came back from that endpoint, not "inspect $response"', async () => {
    const r = await start(['status', '--region', 'us-east-1'], cleanEnv({ AWS_ENDPOINT_URL: stub.url, ...CREDS }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The answer from API Gateway at ${stub.url}`);
    expect(r.stderr).toContain('did not come from AWS: HTTP 200, text/html; charset=utf-8, starting "<html><hea');
    expect(r.stderr).not.toMatch(/bug in apigw-log-analytics|\$response/);
  });
});
