/**
 * The command line a careful engineer types: checked before any AWS call (exit 2, nothing built),
 * AWS CLI habits (--output, --debug, --endpoint-url), one flag set with aliases, global options in
 * every command's help, regions of every partition, a missing profile named with its files.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, earlyFlags } from '../../src/main.js';
import type { AwsTarget } from '../../src/aws/config.js';
import { isValidRegionName, PARTITIONS, partitionOf, profilesIn } from '../../src/aws/config.js';
import { createAwsServices } from '../../src/aws/clients.js';
import { RecordingStream, type Recorded } from '../helpers/context.js';
import { STATUS_PERMISSIONS, actionsOf } from '../../src/commands/permissions.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  targets: AwsTarget[];
}

/** Runs the CLI in-process; any AWS client built fails the run, so "no target" means "no AWS call". */
async function cli(args: string[], env: Record<string, string | undefined> = { AWS_REGION: 'us-east-1' }): Promise<Run> {
  const records: Recorded[] = [];
  const targets: AwsTarget[] = [];
  const code = await run(
    { argv: ['node', 'apigw-log-analytics', ...args], env, stdout: new RecordingStream('stdout', records), stderr: new RecordingStream('stderr', records), stdinIsTTY: false },
    {
      createAws: (target) => {
        targets.push(target);
        return createAwsServices({ target, sleep: () => Promise.resolve(), now: () => 0 });
      },
      createPrompter: () => {
        throw new Error('no prompts in this test');
      },
    },
  );
  const text = (s: string) => records.filter((r) => r.stream === s).map((r) => r.text).join('');
  return { code, stdout: text('stdout'), stderr: text('stderr'), targets };
}

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'apigw-cfg-'));
  writeFileSync(join(dir, 'config'), text);
  return join(dir, 'config');
}

describe('the command line is checked before any AWS call', () => {
  it('--project "Bad Name!" is exit 2 naming the flag, for every command that takes it', async () => {
    for (const command of ['init', 'status', 'connect-stage', 'disconnect-stage', 'report']) {
      const r = await cli([command, '--project', 'Bad Name!']);
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toMatch(/--project <name>' argument 'Bad Name!' is invalid/);
      expect(r.stderr, command).toContain('Choose a name like "shop"');
      expect(r.targets, command).toEqual([]);
      expect(r.stdout, command).toBe('');
    }
  });

  it('a non-interactive init with nothing given reports every missing flag at once, exit 2', async () => {
    const r = await cli(['init', '--no-interactive']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('3 problems with the command line');
    expect(r.stderr).toContain('--project NAME is missing');
    expect(r.stderr).toContain('--yes is missing');
    expect(r.stderr).toContain('--stage API_ID/STAGE (repeatable) or --all-stages is missing');
    expect(r.targets).toEqual([]);
  });

  it('conflicting and malformed flags are all reported, exit 2, before AWS', async () => {
    const r = await cli(['init', '--project', 'shop', '--yes', '--stage', 'nope', '--all-stages', '--no-dashboard', '--quicksight-group', 'g']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stage and --all-stages cannot be used together');
    expect(r.stderr).toContain('--stage "nope" is not API_ID/STAGE');
    expect(r.stderr).toContain('--no-dashboard cannot be used with --quicksight-group');
    expect(r.targets).toEqual([]);
    const both = await cli(['init', '--project', 'shop', '--yes', '--all-stages', '--quicksight-group', 'g', '--quicksight-user', 'u']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--quicksight-group and --quicksight-user cannot be used together');
    expect(both.targets).toEqual([]);
  });

  it('connect-stage and disconnect-stage check --stage before AWS too', async () => {
    for (const command of ['connect-stage', 'disconnect-stage']) {
      const r = await cli([command, '--stage', 'a1b2c3d4e5/prod', '--all-stages']);
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toContain('--stage and --all-stages cannot be used together');
      expect(r.targets, command).toEqual([]);
    }
  });

  it('report --top abc is a usage error naming the flag', async () => {
    for (const bad of ['abc', '0', '1001', '2.5']) {
      const r = await cli(['report', '--local', 'assets/sample', '--top', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toContain(`option '--top <n>' argument '${bad}' is invalid`);
      expect(r.stderr, bad).toContain('whole number from 1 to 1000');
    }
  });
});

describe('one flag set, and the AWS CLI habits', () => {
  it('disconnect-stage takes --all-stages like init and connect-stage; --all stays as a hidden alias', async () => {
    const help = await cli(['disconnect-stage', '--help']);
    expect(help.stdout).toContain('--all-stages');
    expect(help.stdout).not.toMatch(/--all\s/);
    const alias = await cli(['disconnect-stage', '--all', '--stage', 'a1b2c3d4e5/prod']);
    expect(alias.code).toBe(2);
    expect(alias.stderr).toContain('--stage and --all-stages cannot be used together');
  });

  it('--output json points to --json, exit 2', async () => {
    const r = await cli(['status', '--output', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --json for JSON on stdout');
    expect(r.targets).toEqual([]);
  });

  it('--debug means -vv', () => {
    expect(earlyFlags(['status', '--debug']).verbosity).toBe(2);
  });

  it('--endpoint-url sets the endpoint of every client, as AWS_ENDPOINT_URL does', async () => {
    const r = await cli(['status', '--endpoint-url', 'http://localhost:4566', '--region', 'us-east-1']);
    expect(r.targets).toEqual([{ region: 'us-east-1', profile: undefined, endpointUrl: 'http://localhost:4566' }]);
    const aws = createAwsServices({ target: r.targets[0]!, sleep: () => Promise.resolve(), now: () => 0 });
    const bad = await cli(['status', '--endpoint-url', 'localhost']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('http:// or https:// URL');
    expect(aws.target.endpointUrl).toBe('http://localhost:4566');
  });

  it("every command's help shows the global options --region and --profile", async () => {
    for (const command of ['init', 'status', 'connect-stage', 'disconnect-stage', 'report', 'uninstall']) {
      const r = await cli([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toContain('Global Options:');
      for (const flag of ['--region <region>', '--profile <name>', '--endpoint-url <url>', '--no-interactive']) expect(r.stdout, `${command} ${flag}`).toContain(flag);
    }
  });

  it('status --help lists every permission status needs', async () => {
    const r = await cli(['status', '--help']);
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const action of actionsOf(STATUS_PERMISSIONS)) expect(help).toContain(action);
  });

  it('with no arguments: usage on stderr and exit 2 (a missing command), nothing on stdout', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: apigw-log-analytics');
    expect(r.stdout).toBe('');
    const asked = await cli(['help']);
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain('Usage: apigw-log-analytics');
    expect(asked.stderr).toBe('');
  });
});

describe('regions and profiles', () => {
  it('accepts the region shapes of every AWS partition, the European Sovereign Cloud included', async () => {
    for (const region of ['us-east-1', 'eusc-de-east-1', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'eu-isoe-west-1', 'mx-central-1', 'ap-southeast-7']) {
      expect(isValidRegionName(region), region).toBe(true);
    }
    for (const bad of ['eu-west', 'EU-WEST-1', 'us-east-1a', 'xx-east-1', 'eusc-fr-east-1', 'us_east_1']) expect(isValidRegionName(bad), bad).toBe(false);
    const r = await cli(['status', '--region', 'eusc-de-east-1']);
    expect(r.targets[0]?.region).toBe('eusc-de-east-1');
  });

  it("matches the SDK's own partition data: every region it knows passes, and the patterns are its patterns", async () => {
    // The SDK's copy of aws-sdk-js-v3 util-endpoints partitions.json (not exported, so by path).
    const file = new URL('../../node_modules/@aws-sdk/core/dist-es/submodules/client/util-endpoints/lib/aws/partitions.js', import.meta.url);
    const mod = (await import(file.href)) as {
      partitionsInfo: { partitions: Array<{ id: string; regionRegex: string; regions: Record<string, unknown>; outputs: { dnsSuffix: string } }> };
    };
    expect(Object.keys(PARTITIONS).sort()).toEqual(mod.partitionsInfo.partitions.map((p) => p.id).sort());
    for (const p of mod.partitionsInfo.partitions) {
      expect(PARTITIONS[p.id]?.regions.source.replace(/\\-/g, '-'), p.id).toBe(p.regionRegex.replace(/\\-/g, '-'));
      for (const region of Object.keys(p.regions).filter((r) => !r.endsWith('-global'))) {
        expect(partitionOf(region), region).toEqual({ partition: p.id, dnsSuffix: p.outputs.dnsSuffix });
      }
    }
  });

  it('--profile doesnotexist names the profile and the files searched, exit 2, before any AWS call', async () => {
    const config = configFile('[default]\nregion = us-east-1\n[profile prod]\n');
    const r = await cli(['status', '--profile', 'doesnotexist'], { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('AWS profile "doesnotexist" (--profile doesnotexist) was not found');
    expect(r.stderr).toContain(`${config} (AWS_CONFIG_FILE)`);
    expect(r.stderr).toContain('/nonexistent/credentials (AWS_SHARED_CREDENTIALS_FILE)');
    expect(r.stderr).toContain('Profiles found: default, prod.');
    expect(r.targets).toEqual([]);
    // AWS_PROFILE is left to the SDK, whose chain goes on to web identity and instance credentials.
    const fromEnv = await cli(['status'], { AWS_PROFILE: 'gone', AWS_CONFIG_FILE: config, AWS_REGION: 'us-east-1' });
    expect(fromEnv.targets).toEqual([{ region: 'us-east-1', profile: 'gone' }]);
  });

  it('reads profile names the way the shared files write them', () => {
    expect(profilesIn('[default]\n[profile a]\n[sso-session corp]\n[services x]\n  [ profile b ] # note\n', 'config')).toEqual(['default', 'a', 'b']);
    expect(profilesIn('[default]\n[ci]\n', 'credentials')).toEqual(['default', 'ci']);
  });
});
