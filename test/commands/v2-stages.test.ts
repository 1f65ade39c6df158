/**
 * HTTP and WebSocket stages through the commands: connected to the installation's log group,
 * restored exactly by disconnect-stage, and by uninstall; every apigatewayv2 request asserted.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { runConnectStage } from '../../src/commands/connect-stage/run.js';
import { runDisconnectStage } from '../../src/commands/disconnect-stage/run.js';
import { runUninstall } from '../../src/commands/uninstall/run.js';
import type { ConnectStageOptions } from '../../src/commands/connect-stage/index.js';
import { accessLogFormatFor } from '../../src/core/log-format.js';
import { OUTPUT_KEYS } from '../../src/core/outputs.js';
import { isAppError } from '../../src/errors.js';
import { createTestContext } from '../helpers/context.js';
import { installFakeApiGateway, installFakeApiGatewayV2, type FakeV2Account } from '../helpers/fake-apigw.js';
import { FakeS3 } from '../helpers/fake-s3.js';
import { FakeCloudFormation } from '../deploy/fake-cloudformation.js';
import { ACCOUNT, CALLER_ARN, bucketOf, installedStack, logGroupArnOf } from '../helpers/aws-fixtures.js';

const sts = mockClient(STSClient);
const apigw = mockClient(APIGatewayClient);
const apigw2 = mockClient(ApiGatewayV2Client);
const cfnMock = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);

const LOG_GROUP = logGroupArnOf('shop');
const THEIRS = { DestinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/chat/access`, Format: '$context.requestId $context.eventType' };
let v2: FakeV2Account;
let fakeS3: FakeS3;
let log: string[];

const stageOf = (apiId: string, name: string) => v2.apis.find((a) => a.id === apiId)!.stages.find((s) => s.StageName === name)!;
/** Every apigatewayv2 request, as "Command input". */
const requests = () => apigw2.calls().map((c) => `${(c.args[0] as { constructor: { name: string } }).constructor.name} ${JSON.stringify(c.args[0].input)}`);

beforeEach(() => {
  for (const m of [sts, apigw, apigw2, cfnMock, s3]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AROA' });
  installFakeApiGateway(apigw, { apis: [] });
  v2 = {
    apis: [
      { id: 'httpapi001', name: 'webhooks', protocol: 'HTTP', stages: [{ StageName: '$default', AutoDeploy: true }] },
      { id: 'wsapi00001', name: 'chat', protocol: 'WEBSOCKET', stages: [{ StageName: 'prod', AccessLogSettings: { ...THEIRS } }] },
    ],
  };
  log = [];
  installFakeApiGatewayV2(apigw2, v2, { log });
  fakeS3 = new FakeS3().bucket(bucketOf('shop'), { 'apigw-log-analytics:project': 'shop' }).install(s3);
});

const connectOpts = (o: Partial<ConnectStageOptions>): ConnectStageOptions => ({ allStages: false, replaceExistingLogs: false, yes: true, dryRun: false, json: false, project: 'shop', ...o });

describe('HTTP and WebSocket stages', () => {
  beforeEach(() => {
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [installedStack('shop')] });
  });

  it('connect-stage: an HTTP $default stage and, with consent, a WebSocket stage that logged elsewhere; then disconnect-stage restores both exactly', async () => {
    const r = await runConnectStage(connectOpts({ stage: ['httpapi001/$default', 'wsapi00001/prod'], replaceExistingLogs: true }), createTestContext().ctx);
    expect(r.stages.map((s) => [s.stage, s.from, s.outcome])).toEqual([
      ['httpapi001/$default', 'not logging', 'connected'],
      ['wsapi00001/prod', 'CloudWatch Logs /chat/access', 'connected'],
    ]);
    expect(stageOf('httpapi001', '$default').AccessLogSettings).toEqual({ DestinationArn: LOG_GROUP, Format: accessLogFormatFor('HTTP') });
    expect(stageOf('wsapi00001', 'prod').AccessLogSettings).toEqual({ DestinationArn: LOG_GROUP, Format: accessLogFormatFor('WEBSOCKET') });
    // Read (list, then each stage), saved, patched, read back: in that order, per stage.
    expect(log.filter((l) => l.includes('httpapi001/$default'))).toEqual(['GetStage httpapi001/$default', 'UpdateStage httpapi001/$default', 'GetStage httpapi001/$default']);
    expect(requests().filter((x) => x.startsWith('UpdateStageCommand'))).toEqual([
      `UpdateStageCommand ${JSON.stringify({ ApiId: 'httpapi001', StageName: '$default', AccessLogSettings: { DestinationArn: LOG_GROUP, Format: accessLogFormatFor('HTTP') } })}`,
      `UpdateStageCommand ${JSON.stringify({ ApiId: 'wsapi00001', StageName: 'prod', AccessLogSettings: { DestinationArn: LOG_GROUP, Format: accessLogFormatFor('WEBSOCKET') } })}`,
    ]);
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
    const saved = JSON.parse(fakeS3.get(bucketOf('shop'), '_state/stages/wsapi00001/prod.json')!) as Record<string, unknown>;
    expect(saved).toMatchObject({ apiKind: 'WEBSOCKET', previous: { destinationArn: THEIRS.DestinationArn, format: THEIRS.Format }, applied: { destinationArn: LOG_GROUP } });

    apigw2.resetHistory();
    log.length = 0;
    const d = await runDisconnectStage({ allStages: true, yes: true, dryRun: false, json: false, overwriteChanged: false, project: 'shop' }, createTestContext().ctx);
    expect(d.stages.map((s) => [s.stage, s.outcome])).toEqual([
      ['httpapi001/$default', 'restored'],
      ['wsapi00001/prod', 'restored'],
    ]);
    // No settings before: DeleteAccessLogSettings; a log group before: exactly its ARN and format back.
    expect(requests().filter((x) => !x.startsWith('GetStageCommand'))).toEqual([
      `DeleteAccessLogSettingsCommand ${JSON.stringify({ ApiId: 'httpapi001', StageName: '$default' })}`,
      `UpdateStageCommand ${JSON.stringify({ ApiId: 'wsapi00001', StageName: 'prod', AccessLogSettings: { DestinationArn: THEIRS.DestinationArn, Format: THEIRS.Format } })}`,
    ]);
    expect(stageOf('httpapi001', '$default').AccessLogSettings).toBeUndefined();
    expect(stageOf('wsapi00001', 'prod').AccessLogSettings).toEqual(THEIRS);
    expect(fakeS3.get(bucketOf('shop'), '_state/stages/wsapi00001/prod.json')).toBeUndefined();
  });

  it('a WebSocket stage that logged elsewhere needs --replace-existing-logs without a terminal; nothing changes', async () => {
    const err = await runConnectStage(connectOpts({ stage: ['wsapi00001/prod'] }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('ReplaceNeedsConsent');
    expect(isAppError(err) && err.details).toEqual(['chat (wsapi00001) / prod: CloudWatch Logs /chat/access']);
    expect(requests().filter((x) => !x.startsWith('Get'))).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('an installation from before the bridge cannot take a v2 stage: says how to upgrade, changes nothing', async () => {
    const old = installedStack('shop');
    old.Outputs = old.Outputs!.filter((o) => o.OutputKey !== OUTPUT_KEYS.accessLogGroupArn);
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [old] });
    const err = await runConnectStage(connectOpts({ stage: ['httpapi001/$default'] }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('NoLogGroup');
    expect(isAppError(err) && err.resolution).toContain('apigw-log-analytics init --project shop');
    expect(requests().filter((x) => !x.startsWith('Get'))).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('a WebSocket API whose account has no CloudWatch role: the stage fails with the service\'s reason, the others connect', async () => {
    installFakeApiGatewayV2(apigw2, v2, { webSocketLoggingRole: false });
    const err = await runConnectStage(connectOpts({ stage: ['httpapi001/$default', 'wsapi00001/prod'], replaceExistingLogs: true }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('StagesFailed');
    expect(isAppError(err) && err.details.join('\n')).toContain('CloudWatch Logs role ARN must be set in account settings');
    expect(stageOf('httpapi001', '$default').AccessLogSettings?.DestinationArn).toBe(LOG_GROUP);
    expect(stageOf('wsapi00001', 'prod').AccessLogSettings).toEqual(THEIRS);
  });

  it('apigatewayv2 throttling (429) is retried on the run\'s shared budget, and the stage connects', async () => {
    let refused = 0;
    installFakeApiGatewayV2(apigw2, v2, { log, admit: (op) => !(op === 'UpdateStage' && refused++ < 2) });
    const r = await runConnectStage(connectOpts({ stage: ['httpapi001/$default'] }), createTestContext().ctx);
    expect(r.stages).toEqual([{ stage: 'httpapi001/$default', from: 'not logging', outcome: 'connected' }]);
    expect(log.filter((l) => l.startsWith('UpdateStage'))).toEqual(['UpdateStage httpapi001/$default', 'UpdateStage httpapi001/$default', 'UpdateStage httpapi001/$default']);
    expect(stageOf('httpapi001', '$default').AccessLogSettings?.DestinationArn).toBe(LOG_GROUP);
  });

  it('a v2 stage deleted by hand since it was connected: disconnect-stage drops its record and says so', async () => {
    await runConnectStage(connectOpts({ stage: ['httpapi001/$default'] }), createTestContext().ctx);
    v2.apis[0]!.stages = [];
    const d = await runDisconnectStage({ allStages: true, yes: true, dryRun: false, json: false, overwriteChanged: false, project: 'shop' }, createTestContext().ctx);
    expect(d.stages.map((s) => [s.stage, s.outcome])).toEqual([['httpapi001/$default', 'gone']]);
    expect(fakeS3.get(bucketOf('shop'), '_state/stages/httpapi001/$default.json')).toBeUndefined();
    expect(requests().filter((x) => x.startsWith('DeleteAccessLogSettings'))).toEqual([]);
  });

  it('a connected v2 stage shows as this installation\'s: connecting it again changes nothing', async () => {
    stageOf('httpapi001', '$default').AccessLogSettings = { DestinationArn: LOG_GROUP, Format: accessLogFormatFor('HTTP') };
    const r = await runConnectStage(connectOpts({ stage: ['httpapi001/$default'] }), createTestContext().ctx);
    expect(r.stages).toEqual([{ stage: 'httpapi001/$default', from: 'apigw-log-analytics (shop)', outcome: 'already-connected' }]);
    expect(requests().filter((x) => !x.startsWith('Get'))).toEqual([]);
  });
});

describe('uninstall with v2 stages', () => {
  it('restores a saved v2 stage and turns off one that points at our log group without a record, before deleting the stack', async () => {
    const stack = installedStack('shop');
    const outputs = Object.fromEntries(stack.Outputs!.map((o) => [o.OutputKey!, o.OutputValue!]));
    new FakeCloudFormation(cfnMock).withStack('CREATE_COMPLETE', { outputs }).install();
    await runConnectStage(connectOpts({ stage: ['wsapi00001/prod'], replaceExistingLogs: true }), createTestContext().ctx);
    // Someone pointed the HTTP stage at our group by hand (no saved record).
    stageOf('httpapi001', '$default').AccessLogSettings = { DestinationArn: LOG_GROUP, Format: accessLogFormatFor('HTTP') };
    apigw2.resetHistory();
    const r = await runUninstall({ project: 'shop', yes: true, dryRun: false, json: false, purgeBucket: false, retainStuckResources: false }, createTestContext().ctx);
    expect([...r.stages].sort((a, b) => a.stage.localeCompare(b.stage))).toEqual([
      { stage: 'httpapi001/$default', outcome: 'turned-off' },
      { stage: 'wsapi00001/prod', outcome: 'restored' },
    ]);
    expect(requests().filter((x) => !x.startsWith('Get')).sort().reverse()).toEqual([
      `UpdateStageCommand ${JSON.stringify({ ApiId: 'wsapi00001', StageName: 'prod', AccessLogSettings: { DestinationArn: THEIRS.DestinationArn, Format: THEIRS.Format } })}`,
      `DeleteAccessLogSettingsCommand ${JSON.stringify({ ApiId: 'httpapi001', StageName: '$default' })}`,
    ]);
    expect(stageOf('wsapi00001', 'prod').AccessLogSettings).toEqual(THEIRS);
    expect(stageOf('httpapi001', '$default').AccessLogSettings).toBeUndefined();
    expect(r.stack).toBe('deleted');
  });
});
