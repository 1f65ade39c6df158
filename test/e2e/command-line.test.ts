/**
 * The built binary's command line, as a user's shell runs it: no command, a profile that does not
 * exist, --endpoint-url over real HTTP, and bad values refused before any request is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAwsStub, type AwsStub } from '../helpers/aws-stub.js';
import { cleanEnv, runNode, type BinResult } from '../helpers/run-bin.js';

const BIN = fileURLToPath(new URL('../../bin/apigw-log-analytics.js', import.meta.url));
const runBin = (args: string[], env: NodeJS.ProcessEnv): Promise<BinResult> => runNode([BIN, ...args], { env });

describe('the built binary: command line', () => {
  let stub: AwsStub;
  beforeAll(async () => {
    stub = await startAwsStub({
      GetCallerIdentity: () => ({ query: { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/e2e', UserId: 'AIDAE2E' } }),
      DescribeStacks: () => ({ query: { Stacks: [] } }),
      'GET /restapis': () => ({ json: { item: [] } }),
    });
  });
  afterAll(() => stub.close());
  const keys = { AWS_ACCESS_KEY_ID: 'AKIAE2E', AWS_SECRET_ACCESS_KEY: 'secret' };

  it('with no arguments prints the usage on stderr and exits 2; --help is stdout and 0', async () => {
    const none = await runBin([], cleanEnv());
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage: apigw-log-analytics');
    const asked = await runBin(['--help'], cleanEnv());
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain('Usage: apigw-log-analytics');
  });

  it('--endpoint-url sends every call to that endpoint, without AWS_ENDPOINT_URL', async () => {
    const before = stub.requests.length;
    const r = await runBin(['status', '--json', '--region', 'eusc-de-east-1', '--endpoint-url', stub.url], cleanEnv(keys));
    expect(r.stderr).not.toContain('✖');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { account: string }).account).toBe('111122223333');
    expect(stub.requests.slice(before).map((q) => q.operation).sort()).toEqual(['DescribeStacks', 'GET /restapis', 'GET /v2/apis', 'GetCallerIdentity']);
  });

  it('--profile doesnotexist names the profile and the files searched, exit 2, no request sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-aws-'));
    writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\n');
    const before = stub.requests.length;
    const r = await runBin(['status', '--profile', 'doesnotexist', '--endpoint-url', stub.url], cleanEnv({ ...keys, AWS_CONFIG_FILE: join(dir, 'config') }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`AWS profile "doesnotexist" (--profile doesnotexist) was not found in ${join(dir, 'config')} (AWS_CONFIG_FILE)`);
    expect(r.stdout).toBe('');
    expect(stub.requests.length).toBe(before);
  });

  it('init --no-interactive with bad and missing flags: every problem at once, exit 2, no request sent', async () => {
    const before = stub.requests.length;
    const r = await runBin(['init', '--no-interactive', '--region', 'us-east-1', '--endpoint-url', stub.url, '--stage', 'x'], cleanEnv(keys));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('3 problems with the command line');
    expect(r.stderr).toContain('--stage "x" is not API_ID/STAGE');
    expect(r.stderr).toContain('--project NAME is missing');
    expect(r.stderr).toContain('--yes is missing');
    expect(stub.requests.length).toBe(before);
  });
});
