/**
 * The built binary, run as a user runs it: exit codes, and which stream each line went to. Needs
 * `npm run build` first (the `pretest`-style global setup does it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startAwsStub, type AwsStub } from '../helpers/aws-stub.js';
import { cleanEnv, runNode, type BinResult } from '../helpers/run-bin.js';

const BIN = fileURLToPath(new URL('../../bin/apigw-log-analytics.js', import.meta.url));

const baseEnv = cleanEnv;

function runBin(args: string[], env: NodeJS.ProcessEnv): Promise<BinResult> {
  return runNode([BIN, ...args], { env });
}

describe('the built binary', () => {
  it('--help prints usage on stdout and exits 0', async () => {
    const r = await runBin(['--help'], baseEnv());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: apigw-log-analytics [options] [command]');
    expect(r.stdout).toContain('status');
    expect(r.stderr).toBe('');
  });

  it('--version prints the package version', async () => {
    const r = await runBin(['--version'], baseEnv());
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.stderr).toBe('');
  });

  it('an unknown command exits 2 with the error on stderr', async () => {
    const r = await runBin(['frobnicate'], baseEnv());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("error: unknown command 'frobnicate'");
  });

  it('status with no credentials exits 1 with a fix on stderr, nothing on stdout, and no SDK warning', async () => {
    const r = await runBin(['status', '--region', 'us-east-1'], baseEnv());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('No AWS credentials were found');
    expect(r.stderr).toContain('To fix:');
    expect(r.stderr).not.toMatch(/Warning|at .*\.js:\d+/);
  });

  it.each([
    ['18.20.0', false],
    ['20.18.1', false],
    ['20.19.0', true],
    ['21.7.3', false],
    ['22.11.0', false],
    ['22.12.0', true],
    ['24.0.0', true],
  ])('the Node.js gate: %s supported=%s', async (version, supported) => {
    // The shim reads process.versions before importing anything; pretend to be another Node.js.
    const pretend = `Object.defineProperty(process,'versions',{value:{...process.versions,node:'${version}'}});Object.defineProperty(process,'version',{value:'v${version}'});process.argv=[process.argv[0],${JSON.stringify(BIN)},'--version'];await import(${JSON.stringify(pathToFileURL(BIN).href)});`;
    const r = await runNode(['--input-type=module', '-e', pretend], { env: baseEnv() });
    if (supported) {
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    } else {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`apigw-log-analytics needs Node.js 20.19+, 22.12+ or 24 (this is v${version}). Install a current LTS from https://nodejs.org.\n`);
    }
  });

  describe('against a local AWS stub through AWS_ENDPOINT_URL', () => {
    let stub: AwsStub;
    beforeAll(async () => {
      stub = await startAwsStub({
        GetCallerIdentity: () => ({ query: { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/e2e', UserId: 'AIDAE2E' } }),
        DescribeStacks: () => ({ query: { Stacks: [] } }),
        'GET /restapis': () => ({ json: { item: [{ id: 'abc123', name: 'orders' }] } }),
        'GET /restapis/abc123/stages': () => ({
          json: { item: [{ stageName: 'prod', accessLogSettings: { destinationArn: 'arn:aws:logs:us-east-1:111122223333:log-group:orders', format: '$context.requestId' } }] },
        }),
        'GET /v2/apis': () => ({ json: { items: [{ apiId: 'ws12345678', name: 'chat', protocolType: 'WEBSOCKET', routeSelectionExpression: '$request.body.action' }] } }),
        'GET /v2/apis/ws12345678/stages': () => ({ json: { items: [{ stageName: 'prod', autoDeploy: true }] } }),
      });
    });
    afterAll(() => stub.close());

    it('status --json prints only JSON on stdout', async () => {
      const r = await runBin(
        ['status', '--json', '--region', 'us-east-1'],
        baseEnv({ AWS_ENDPOINT_URL: stub.url, AWS_ACCESS_KEY_ID: 'AKIAE2E', AWS_SECRET_ACCESS_KEY: 'secret' }),
      );
      expect(r.stderr).not.toContain('✖');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { account: string; restApis: Array<{ stages: Array<{ accessLogs: { kind: string } }> }> };
      expect(report.account).toBe('111122223333');
      expect(report.restApis[0]?.stages[0]?.accessLogs.kind).toBe('cloudwatch');
      expect((report as unknown as { v2Apis: unknown }).v2Apis).toEqual([{ id: 'ws12345678', name: 'chat', kind: 'WEBSOCKET', stages: [{ name: 'prod', accessLogs: { kind: 'none' }, autoDeploy: true }] }]);
      expect(stub.requests.map((q) => q.operation).sort()).toEqual(['DescribeStacks', 'GET /restapis', 'GET /restapis/abc123/stages', 'GET /v2/apis', 'GET /v2/apis/ws12345678/stages', 'GetCallerIdentity']);
    });
  });

  describe('uninstall --dry-run --json against the local stub', () => {
    let stub: AwsStub;
    const bucket = 'apigw-log-analytics-shop-logbucket-abc123';
    const stream = 'arn:aws:firehose:us-east-1:111122223333:deliverystream/amazon-apigateway-shop';
    const state = JSON.stringify({
      schemaVersion: 1, project: 'shop', region: 'us-east-1', apiId: 'abc1234567', stageName: 'prod',
      previous: null, applied: { destinationArn: stream, format: 'x' }, connectedAt: '2026-11-01T00:00:00Z', connectedBy: 'arn',
    });
    beforeAll(async () => {
      stub = await startAwsStub({
        GetCallerIdentity: () => ({ query: { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/e2e', UserId: 'AIDAE2E' } }),
        DescribeStacks: () => ({
          query: {
            Stacks: [
              {
                StackName: 'apigw-log-analytics-shop',
                StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/apigw-log-analytics-shop/guid',
                StackStatus: 'CREATE_COMPLETE',
                CreationTime: new Date('2026-11-01T00:00:00Z'),
                Tags: [{ Key: 'apigw-log-analytics:project', Value: 'shop' }, { Key: 'apigw-log-analytics:version', Value: '0.1.0' }],
                Outputs: [
                  { OutputKey: 'LogBucketName', OutputValue: bucket },
                  { OutputKey: 'DeliveryStreamArn', OutputValue: stream },
                  { OutputKey: 'DeliveryStreamName', OutputValue: 'amazon-apigateway-shop' },
                ],
              },
            ],
          },
        }),
        'GET /restapis': () => ({ json: { item: [{ id: 'abc1234567', name: 'orders' }] } }),
        'GET /restapis/abc1234567/stages': () => ({ json: { item: [{ stageName: 'prod', accessLogSettings: { destinationArn: stream, format: 'x' } }] } }),
        [`HEAD /${bucket}`]: () => ({ xml: '' }),
        [`GET /${bucket}`]: (req) => {
          const prefix = req.query.prefix ?? '';
          const objects = [
            { Key: '_state/stages/abc1234567/prod.json', Size: state.length },
            { Key: 'logs/dt=2026-11-24/a.json.gz', Size: 4096 },
          ].filter((o) => o.Key.startsWith(prefix));
          return {
            xml: `<ListBucketResult><Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${objects.length}</KeyCount><IsTruncated>false</IsTruncated>${objects
              .map((o) => `<Contents><Key>${o.Key}</Key><Size>${o.Size}</Size><LastModified>2026-11-24T10:00:00.000Z</LastModified></Contents>`)
              .join('')}</ListBucketResult>`,
          };
        },
        [`GET /${bucket}/_state/stages/abc1234567/prod.json`]: () => ({ json: JSON.parse(state) }),
      });
    });
    afterAll(() => stub.close());

    it('prints the plan as JSON, exits 0 and sends only reads', async () => {
      const r = await runBin(
        ['uninstall', '--project', 'shop', '--dry-run', '--json', '--region', 'us-east-1'],
        baseEnv({ AWS_ENDPOINT_URL: stub.url, AWS_ACCESS_KEY_ID: 'AKIAE2E', AWS_SECRET_ACCESS_KEY: 'secret' }),
      );
      expect(r.stderr).toContain('Dry run: nothing was changed.');
      expect(r.code).toBe(0);
      const plan = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(plan).toMatchObject({
        project: 'shop',
        stack: { name: 'apigw-log-analytics-shop', status: 'CREATE_COMPLETE' },
        stages: [{ stage: 'abc1234567/prod', restoreTo: 'no access logs', saved: true }],
        bucket: { name: bucket, objects: 2, action: 'keep' },
        artifactsBucket: { name: 'apigw-log-analytics-artifacts-111122223333-us-east-1', action: 'delete' },
      });
      const methods = stub.requests.map((q) => (q.operation.includes(' ') ? q.method : q.operation));
      expect(methods.every((m) => ['GET', 'HEAD', 'GetCallerIdentity', 'DescribeStacks'].includes(m))).toBe(true);
    });
  });
});
