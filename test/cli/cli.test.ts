import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import stripAnsi from 'strip-ansi';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, earlyFlags } from '../../src/main.js';
import { createProgram } from '../../src/cli.js';
import type { AwsTarget } from '../../src/aws/config.js';
import { createAwsServices } from '../../src/aws/clients.js';
import { RecordingStream, type Recorded, createTestContext } from '../helpers/context.js';
import { CancelledError, UserError } from '../../src/errors.js';

// Matches the escape sequence that starts an ANSI colour code.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

const sts = mockClient(STSClient);
const apigw = mockClient(APIGatewayClient);
const cfn = mockClient(CloudFormationClient);

beforeEach(() => {
  sts.reset();
  apigw.reset();
  cfn.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/ci', UserId: 'AIDA' });
  apigw.on(GetRestApisCommand).resolves({ items: [] });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [] });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  targets: AwsTarget[];
  timeouts: unknown[];
  prompterBuilt: boolean;
}

async function cli(args: string[], env: Record<string, string | undefined> = { AWS_REGION: 'us-east-1' }, tty = false): Promise<Run> {
  const records: Recorded[] = [];
  const targets: AwsTarget[] = [];
  const timeouts: unknown[] = [];
  let prompterBuilt = false;
  const code = await run(
    { argv: ['node', 'apigw-log-analytics', ...args], env, stdout: new RecordingStream('stdout', records, tty), stderr: new RecordingStream('stderr', records, tty), stdinIsTTY: tty },
    {
      createAws: (target, options) => {
        targets.push(target);
        timeouts.push(options?.timeouts);
        return createAwsServices({ target, sleep: () => Promise.resolve(), now: () => 0 });
      },
      createPrompter: () => {
        prompterBuilt = true;
        throw new Error('no prompts in this test');
      },
    },
  );
  const text = (s: string) => records.filter((r) => r.stream === s).map((r) => r.text).join('');
  return { code, stdout: text('stdout'), stderr: text('stderr'), targets, timeouts, prompterBuilt };
}

/** A shared config file with the profiles the tests name. */
function awsConfig(text = '[default]\nregion = us-east-1\n[profile ops]\nregion = eu-west-2\n[profile dev]\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'apigw-cli-'));
  writeFileSync(join(dir, 'config'), text);
  return join(dir, 'config');
}

describe('global options', () => {
  it('--cli-read-timeout and --cli-connect-timeout set every AWS call\'s timeouts in seconds, 60 each by default, 0 for none', async () => {
    expect((await cli(['status'])).timeouts).toEqual([{ connectMs: 60_000, readMs: 60_000 }]);
    expect((await cli(['--cli-read-timeout', '2.5', 'status', '--cli-connect-timeout', '0'])).timeouts).toEqual([{ connectMs: 0, readMs: 2500 }]);
    const bad = await cli(['status', '--cli-read-timeout', '-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--cli-read-timeout <seconds>' argument '-1' is invalid. \"-1\" is not a number of seconds (0 or more; 0 waits for ever).");
    expect(bad.targets).toEqual([]);
  });

  it('--region and --profile decide the target', async () => {
    const r = await cli(['status', '--region', 'eu-west-2', '--profile', 'ops'], { AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: awsConfig() });
    expect(r.code).toBe(0);
    expect(r.targets).toEqual([{ region: 'eu-west-2', profile: 'ops' }]);
  });

  it('accepts global options before the command too', async () => {
    const r = await cli(['--region', 'ap-south-1', 'status']);
    expect(r.targets).toEqual([{ region: 'ap-south-1', profile: undefined }]);
  });

  it('falls back to AWS_REGION and AWS_PROFILE', async () => {
    const r = await cli(['status'], { AWS_REGION: 'sa-east-1', AWS_PROFILE: 'dev', AWS_CONFIG_FILE: awsConfig() });
    expect(r.targets).toEqual([{ region: 'sa-east-1', profile: 'dev' }]);
  });

  it('AWS_DEFAULT_REGION is honoured when AWS_REGION is not set', async () => {
    const r = await cli(['status'], { AWS_DEFAULT_REGION: 'ca-central-1' });
    expect(r.targets[0]?.region).toBe('ca-central-1');
  });

  it('rejects a malformed --region with exit 2 and names the flag', async () => {
    const r = await cli(['status', '--region', 'Ireland']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--region <region>' argument 'Ireland' is invalid");
    expect(r.targets).toEqual([]);
  });

  it('-v, -vv and --verbose count up; --no-color and --no-interactive parse', () => {
    const h = createTestContext();
    const program = createProgram(h.app);
    program.parseOptions(['-vv', '--verbose', '--no-color', '--no-interactive']);
    expect(program.opts()).toMatchObject({ verbose: 3, color: false, interactive: false });
    expect(earlyFlags(['-vv', '--verbose', '--no-color'])).toEqual({ noColor: true, verbosity: 3 });
    expect(earlyFlags(['status', '--', '-v'])).toEqual({ noColor: false, verbosity: 0 });
  });

  it('--no-interactive on a terminal never builds a prompter; a terminal without it does', async () => {
    expect((await cli(['status', '--no-interactive'], { AWS_REGION: 'us-east-1' }, true)).prompterBuilt).toBe(false);
    expect((await cli(['status'], { AWS_REGION: 'us-east-1', CI: 'true' }, true)).prompterBuilt).toBe(false);
    await cli(['status'], { AWS_REGION: 'us-east-1' }, true).catch(() => undefined);
  });

  it('--no-color and NO_COLOR keep escape codes out even with FORCE_COLOR unset on a TTY', async () => {
    const noColor = await cli(['status', '--no-color'], { AWS_REGION: 'us-east-1' }, false);
    expect(noColor.stdout + noColor.stderr).not.toMatch(ANSI);
    const forced = await cli(['status'], { AWS_REGION: 'us-east-1', FORCE_COLOR: '1' });
    expect(forced.stdout).toMatch(ANSI);
    const both = await cli(['status', '--no-color'], { AWS_REGION: 'us-east-1', FORCE_COLOR: '1' });
    expect(both.stdout).not.toMatch(ANSI);
  });
});

describe('exit codes and streams', () => {
  it('0 for --help (on stdout) and --version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: apigw-log-analytics');
    expect(help.stderr).toBe('');
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe('0.1.0');
  });

  it('help for a command lists every option and an example', async () => {
    const r = await cli(['status', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--project <name>', '--json', 'Example:', 'Permissions:']) expect(r.stdout).toContain(flag);
  });

  it('2 for an unknown command or option, on stderr', async () => {
    const unknown = await cli(['deploy-everything']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'deploy-everything'");
    expect(unknown.stdout).toBe('');
    const badOption = await cli(['status', '--frobnicate']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("unknown option '--frobnicate'");
  });

  it('1 for a failed operation, with the message and its fix on stderr only', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const r = await cli(['status']);
    expect(r.code).toBe(1);
    expect(stripAnsi(r.stderr)).toContain('✖ No AWS credentials were found');
    expect(r.stderr).toContain('To fix:');
    expect(r.stdout).toBe('');
  });

  it('1 for a missing region', async () => {
    const r = await cli(['status'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No AWS region is configured.');
  });

  it('130 for Ctrl+C, as a soft line', async () => {
    const records: Recorded[] = [];
    const code = await run(
      { argv: ['node', 'x', 'status'], env: { AWS_REGION: 'us-east-1' }, stdout: new RecordingStream('stdout', records), stderr: new RecordingStream('stderr', records), stdinIsTTY: false },
      { createAws: () => { throw new CancelledError(); } },
    );
    expect(code).toBe(130);
    expect(records.map((r) => r.text).join('')).toContain('! Cancelled.');
  });

  it('shows the cause stack only with -v', async () => {
    const boom = new UserError('X', 'it broke', { cause: new Error('root cause') });
    const quiet: Recorded[] = [];
    await run({ argv: ['node', 'x', 'status'], env: { AWS_REGION: 'us-east-1' }, stdout: new RecordingStream('stdout', quiet), stderr: new RecordingStream('stderr', quiet), stdinIsTTY: false }, { createAws: () => { throw boom; } });
    expect(quiet.map((r) => r.text).join('')).not.toContain('root cause');
    const loud: Recorded[] = [];
    await run({ argv: ['node', 'x', 'status', '-v'], env: { AWS_REGION: 'us-east-1' }, stdout: new RecordingStream('stdout', loud), stderr: new RecordingStream('stderr', loud), stdinIsTTY: false }, { createAws: () => { throw boom; } });
    expect(loud.map((r) => r.text).join('')).toContain('Error: root cause');
  });
});
