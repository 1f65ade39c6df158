import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient, GetRestApisCommand, GetStagesCommand, TooManyRequestsException } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { QuickSightClient, DescribeDashboardCommand } from '@aws-sdk/client-quicksight';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { installedStack, logGroupArnOf } from '../helpers/aws-fixtures.js';
import { installFakeApiGatewayV2 } from '../helpers/fake-apigw.js';
import { accessLogFormatFor } from '../../src/core/log-format.js';
import { runStatus } from '../../src/commands/status/run.js';
import { createTestContext } from '../helpers/context.js';
import { isAppError } from '../../src/errors.js';

const sts = mockClient(STSClient);
const apigw = mockClient(APIGatewayClient);
const cfn = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const cw = mockClient(CloudWatchClient);
const apigw2 = mockClient(ApiGatewayV2Client);
const qs = mockClient(QuickSightClient);

const ACCOUNT = '111122223333';
const CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane`;

beforeEach(() => {
  sts.reset();
  apigw.reset();
  cfn.reset();
  s3.reset();
  cw.reset();
  qs.reset();
  apigw2.reset();
  installFakeApiGatewayV2(apigw2, { apis: [] });
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER, UserId: 'AROA:jane' });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [] });
});
afterEach(() => undefined);

describe('status', () => {
  it('reports an empty region as a normal answer', async () => {
    apigw.on(GetRestApisCommand).resolves({ items: [] });
    const h = createTestContext();
    const report = await runStatus({ json: false }, h.ctx);
    expect(report).toEqual({ schemaVersion: 1, account: ACCOUNT, callerArn: CALLER, region: 'us-east-1', installations: [], restApis: [], v2Apis: [] });
    expect(h.out('stdout')).toContain('none in this region (run `apigw-log-analytics init` to create one)');
    expect(h.out('stdout')).toContain(`Account  ${ACCOUNT}`);
    expect(h.out('stderr')).toContain('Checking credentials');
    expect(h.out('stdout')).not.toContain('Checking credentials');
  });

  it('pages through REST APIs and classifies every destination', async () => {
    apigw
      .on(GetRestApisCommand, { position: undefined })
      .resolves({ items: [{ id: 'a1', name: 'orders' }], position: 'p2' })
      .on(GetRestApisCommand, { position: 'p2' })
      .resolves({ items: [{ id: 'b2', name: 'billing' }, { id: 'c3', name: 'catalog' }] });
    apigw
      .on(GetStagesCommand, { restApiId: 'a1' })
      .resolves({
        item: [
          { stageName: 'prod', accessLogSettings: { destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/api/orders`, format: '$context.requestId' } },
          { stageName: 'dev' },
        ],
      })
      .on(GetStagesCommand, { restApiId: 'b2' })
      .resolves({
        item: [{ stageName: 'prod', accessLogSettings: { destinationArn: `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/amazon-apigateway-other`, format: 'x' } }],
      })
      .on(GetStagesCommand, { restApiId: 'c3' })
      .resolves({
        item: [{ stageName: 'v1', accessLogSettings: { destinationArn: `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/amazon-apigateway-shop`, format: 'x' } }],
      });
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'apigw-log-analytics-shop',
          StackId: 'id',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date('2026-11-01T00:00:00Z'),
          Tags: [
            { Key: 'apigw-log-analytics:project', Value: 'shop' },
            { Key: 'apigw-log-analytics:version', Value: '0.1.0' },
          ],
        },
        { StackName: 'unrelated', StackId: 'id2', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() },
      ],
    });
    const h = createTestContext();
    const report = await runStatus({ json: true }, h.ctx);
    expect(apigw.commandCalls(GetRestApisCommand).map((c) => c.args[0].input)).toEqual([
      { limit: 500, position: undefined },
      { limit: 500, position: 'p2' },
    ]);
    expect(report.installations).toEqual([
      expect.objectContaining({ project: 'shop', stackName: 'apigw-log-analytics-shop', stackStatus: 'CREATE_COMPLETE', version: '0.1.0' }),
    ]);
    expect(report.installations[0]!.health.connectedStages).toEqual(['c3/v1']);
    const byApi = Object.fromEntries(report.restApis.map((a) => [a.id, a.stages.map((s) => [s.name, s.accessLogs.kind])]));
    expect(byApi).toEqual({
      a1: [
        ['dev', 'none'],
        ['prod', 'cloudwatch'],
      ],
      b2: [['prod', 'firehose']],
      c3: [['v1', 'installation']],
    });
    // --json writes only JSON to stdout, and it parses back to the report.
    expect(JSON.parse(h.out('stdout'))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('retries a throttled API Gateway call and then succeeds', async () => {
    apigw
      .on(GetRestApisCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Too Many Requests', $metadata: { httpStatusCode: 429 } }))
      .resolves({ items: [{ id: 'a1', name: 'orders' }] });
    apigw.on(GetStagesCommand).resolves({ item: [] });
    const h = createTestContext();
    const report = await runStatus({ json: true }, h.ctx);
    expect(report.restApis).toHaveLength(1);
    expect(apigw.commandCalls(GetRestApisCommand)).toHaveLength(2);
    expect(h.clock.sleeps.some((ms) => ms >= 125)).toBe(true);
  });

  it('maps expired credentials to a message with a fix', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken', $metadata: { httpStatusCode: 403 } }));
    apigw.on(GetRestApisCommand).resolves({ items: [] });
    const h = createTestContext();
    const err = await runStatus({ json: false }, h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('ExpiredCredentials');
    expect(isAppError(err) && err.resolution).toMatch(/aws sso login/);
    expect(h.out('stdout')).toBe('');
  });

  it('fails with the missing-region error when no region is configured', async () => {
    const h = createTestContext({ env: { AWS_REGION: undefined } });
    const err = await runStatus({ json: false }, h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('MissingRegion');
    expect(sts.calls()).toHaveLength(0);
  });

  describe('health verdicts', () => {
    const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
    beforeEach(() => {
      apigw.on(GetRestApisCommand).resolves({ items: [{ id: 'a1b2c3d4e5', name: 'orders' }] });
      apigw.on(GetStagesCommand).resolves({
        item: [{ stageName: 'prod', accessLogSettings: { destinationArn: 'arn:aws:firehose:us-east-1:111122223333:deliverystream/amazon-apigateway-shop', format: 'x' } }],
      });
      cfn.on(DescribeStacksCommand).resolves({ Stacks: [installedStack('shop')] });
    });

    async function verdict() {
      const h = createTestContext({ startMs: NOW });
      const report = await runStatus({ json: false }, h.ctx);
      return { health: report.installations[0]!.health, out: h.out('stdout') };
    }

    it('a fresh install with no data', async () => {
      const { health, out } = await verdict();
      expect(health.verdict).toBe('no data yet');
      expect(out.split('\n')[0]).toBe('○ shop: no data yet (no access logs delivered in the last 3 days; they arrive about a minute after a request)');
      expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix)).toEqual(
        expect.arrayContaining(['logs/dt=2026-11-25/', 'logs/dt=2026-11-24/', 'logs/dt=2026-11-23/', 'errors/', '_state/stages/']),
      );
    });

    it('a healthy one', async () => {
      s3.on(ListObjectsV2Command, { Prefix: 'logs/dt=2026-11-25/' }).resolves({
        Contents: [
          { Key: 'logs/dt=2026-11-25/a.json.gz', Size: 10, LastModified: new Date(NOW - 600_000) },
          { Key: 'logs/dt=2026-11-25/b.json.gz', Size: 10, LastModified: new Date(NOW - 120_000) },
        ],
      });
      cw.on(GetMetricDataCommand).resolves({
        MetricDataResults: [
          { Id: 'incoming', Values: [5000] },
          { Id: 'delivery', Values: [1] },
          { Id: 'processing', Values: [1] },
          { Id: 'lambdaErrors', Values: [0] },
        ],
      });
      const { health, out } = await verdict();
      expect(health).toMatchObject({ verdict: 'healthy', reason: 'newest access log delivered 2 min ago', newestLog: { key: 'logs/dt=2026-11-25/b.json.gz', ageSeconds: 120 } });
      expect(out.split('\n')[0]).toBe('● shop: healthy (newest access log delivered 2 min ago)');
      expect(out).toContain('5000 records in; delivery 100.0%');
      expect(cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!.map((q) => q.MetricStat!.Metric!.MetricName)).toEqual([
        'IncomingRecords',
        'DeliveryToS3.Success',
        'ExecuteProcessing.Success',
      ]);
    });

    it('one with processing failures', async () => {
      s3.on(ListObjectsV2Command, { Prefix: 'logs/dt=2026-11-25/' }).resolves({ Contents: [{ Key: 'logs/dt=2026-11-25/a.json.gz', Size: 1, LastModified: new Date(NOW - 60_000) }] });
      s3.on(ListObjectsV2Command, { Prefix: 'errors/' }).resolves({
        Contents: [
          { Key: 'errors/processing-failed/2026/11/25/x', Size: 1, LastModified: new Date(NOW - 3_600_000) },
          { Key: 'errors/processing-failed/2026/11/20/y', Size: 1, LastModified: new Date(NOW - 5 * 86_400_000) },
        ],
      });
      const { health, out } = await verdict();
      expect(health.verdict).toBe('degraded');
      expect(health.errorObjectsLastDay).toBe(1);
      expect(out.split('\n')[0]).toContain('▲ shop: degraded (1 failed batch under errors/ in the last day');
    });

    it('one whose stack rolled back', async () => {
      cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ ...installedStack('shop', 'ROLLBACK_COMPLETE'), Outputs: [] }] });
      const { health, out } = await verdict();
      expect(health).toMatchObject({ verdict: 'broken', reason: 'the stack is ROLLBACK_COMPLETE' });
      expect(out.split('\n')[0]).toBe('✖ shop: broken (the stack is ROLLBACK_COMPLETE)');
      expect(s3.calls()).toHaveLength(0);
    });

    it('reads the dashboard state when the stack has one', async () => {
      cfn.on(DescribeStacksCommand).resolves({
        Stacks: [{ ...installedStack('shop'), Outputs: [...installedStack('shop').Outputs!, { OutputKey: 'QuickSightDashboardId', OutputValue: 'shop-dashboard' }] }],
      });
      qs.on(DescribeDashboardCommand).resolves({ Dashboard: { Version: { Status: 'CREATION_FAILED', Errors: [{ Type: 'COLUMN_TYPE_MISMATCH', Message: 'x' }] } } });
      const { health } = await verdict();
      expect(health.dashboard).toEqual({ id: 'shop-dashboard', url: null, status: 'CREATION_FAILED' });
      expect(health.verdict).toBe('degraded');
      expect(qs.commandCalls(DescribeDashboardCommand)[0]!.args[0].input).toEqual({ AwsAccountId: ACCOUNT, DashboardId: 'shop-dashboard' });
    });

    it('--project that does not exist lists the ones that do', async () => {
      const h = createTestContext();
      const err = await runStatus({ json: false, project: 'nope' }, h.ctx).catch((e: unknown) => e);
      expect(isAppError(err) && err.resolution).toContain('Installations in us-east-1: shop');
    });
  });

  it('lists HTTP and WebSocket stages and says when their logs stop reaching Firehose', async () => {
    apigw.on(GetRestApisCommand).resolves({ items: [] });
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [installedStack('shop')] });
    installFakeApiGatewayV2(apigw2, {
      apis: [
        { id: 'httpapi001', name: 'webhooks', protocol: 'HTTP', stages: [{ StageName: '$default', AutoDeploy: true, AccessLogSettings: { DestinationArn: logGroupArnOf('shop'), Format: accessLogFormatFor('HTTP') } }] },
        { id: 'wsapi00001', name: 'chat', protocol: 'WEBSOCKET', stages: [{ StageName: 'prod' }] },
      ],
    });
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'incoming', Values: [120] },
        { Id: 'forwarded', Values: [0] },
        { Id: 'errors', Values: [0] },
      ],
    });
    const h = createTestContext();
    const report = await runStatus({ json: false }, h.ctx);
    expect(report.v2Apis).toEqual([
      { id: 'wsapi00001', name: 'chat', kind: 'WEBSOCKET', stages: [{ name: 'prod', accessLogs: { kind: 'none' }, autoDeploy: false }] },
      { id: 'httpapi001', name: 'webhooks', kind: 'HTTP', stages: [{ name: '$default', accessLogs: expect.objectContaining({ kind: 'installation', project: 'shop' }), autoDeploy: true }] },
    ]);
    const health = report.installations[0]!.health;
    expect(health.connectedStages).toEqual(['httpapi001/$default']);
    expect(health.bridge).toEqual({ connectedStages: 1, incomingEvents: 120, forwardedEvents: 0, deliveryErrors: 0 });
    expect(health.problems).toContain('HTTP/WebSocket access logs reach the log group but none was forwarded to Firehose in the last hour');
    const logsQuery = cw.commandCalls(GetMetricDataCommand).flatMap((c) => c.args[0].input.MetricDataQueries ?? []).find((q) => q.Id === 'incoming' && q.MetricStat?.Metric?.Namespace === 'AWS/Logs');
    expect(logsQuery?.MetricStat?.Metric?.Dimensions).toEqual([{ Name: 'LogGroupName', Value: '/aws/vendedlogs/apigw-log-analytics/shop' }]);
    const out = h.out('stdout');
    expect(out).toContain('HTTP and WebSocket API stages (2 APIs, 2 stages)');
    expect(out).toContain('v2 bridge   last hour: 120 log events in, 0 forwarded to Firehose, 0 delivery errors');
  });
});
