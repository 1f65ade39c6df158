import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { runConnectStage } from '../../src/commands/connect-stage/run.js';
import type { ConnectStageOptions } from '../../src/commands/connect-stage/index.js';
import { accessLogFormat } from '../../src/core/log-format.js';
import { isAppError } from '../../src/errors.js';
import { createTestContext, ScriptedPrompter } from '../helpers/context.js';
import { installFakeApiGateway, installFakeApiGatewayV2, type FakeAccount } from '../helpers/fake-apigw.js';
import { FakeS3 } from '../helpers/fake-s3.js';
import { ACCOUNT, CALLER_ARN, bucketOf, installedStack, streamArnOf } from '../helpers/aws-fixtures.js';

const sts = mockClient(STSClient);
const apigw = mockClient(APIGatewayClient);
const apigw2 = mockClient(ApiGatewayV2Client);
const cfn = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);

const CW = { destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/api/orders`, format: '$context.requestId' };
let account: FakeAccount;
let fakeS3: FakeS3;

beforeEach(() => {
  for (const m of [sts, apigw, apigw2, cfn, s3]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AROA' });
  installFakeApiGatewayV2(apigw2, { apis: [{ id: 'httpapi001', name: 'webhooks', protocol: 'HTTP', stages: [] }] });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [installedStack('shop'), installedStack('billing')] });
  account = {
    apis: [
      { id: 'a1b2c3d4e5', name: 'orders', stages: [{ stageName: 'prod', accessLogSettings: { ...CW } }, { stageName: 'dev' }] },
      { id: 'f6g7h8i9j0', name: 'catalog', stages: [{ stageName: 'v1', accessLogSettings: { destinationArn: streamArnOf('shop'), format: accessLogFormat() } }] },
    ],
  };
  installFakeApiGateway(apigw, account);
  fakeS3 = new FakeS3().bucket(bucketOf('shop')).bucket(bucketOf('billing')).install(s3);
});

const opts = (o: Partial<ConnectStageOptions>): ConnectStageOptions => ({ allStages: false, replaceExistingLogs: false, yes: true, dryRun: false, json: false, ...o });

describe('connect-stage', () => {
  it('connects a stage to the named installation and saves its previous settings first', async () => {
    const h = createTestContext();
    const r = await runConnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/dev'] }), h.ctx);
    expect(r.stages).toEqual([{ stage: 'a1b2c3d4e5/dev', from: 'not logging', outcome: 'connected' }]);
    expect(apigw.commandCalls(UpdateStageCommand)[0]!.args[0].input.patchOperations).toEqual([
      { op: 'replace', path: '/accessLogSettings/destinationArn', value: streamArnOf('shop') },
      { op: 'replace', path: '/accessLogSettings/format', value: accessLogFormat() },
    ]);
    const saved = JSON.parse(fakeS3.get(bucketOf('shop'), '_state/stages/a1b2c3d4e5/dev.json')!) as { previous: unknown; project: string };
    expect(saved).toMatchObject({ previous: null, project: 'shop' });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({ ExpectedBucketOwner: ACCOUNT });
    expect(h.out('stdout')).toContain('a1b2c3d4e5/dev  connected');
  });

  it('says which installations exist when --project names none', async () => {
    const h = createTestContext();
    const err = await runConnectStage(opts({ project: 'nope', stage: ['a1b2c3d4e5/dev'] }), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('InstallationNotFound');
    expect(isAppError(err) && err.resolution).toContain('Installations in us-east-1: billing, shop');
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });

  it('asks which installation when there are several and it may prompt', async () => {
    const prompter = new ScriptedPrompter([{ match: /Which installation/, answer: 'shop' }]);
    const h = createTestContext({ interactive: true, prompter });
    const r = await runConnectStage(opts({ stage: ['a1b2c3d4e5/dev'] }), h.ctx);
    expect(r.project).toBe('shop');
  });

  it('"Connect them?" defaults to no: a stray Enter changes nothing', async () => {
    const prompter = new ScriptedPrompter([{ match: /Connect them/, answer: false }]);
    const err = await runConnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/dev'], yes: false }), createTestContext({ interactive: true, prompter }).ctx).catch((e: unknown) => e);
    expect(prompter.asked.map((a) => [a.kind, a.default])).toEqual([['confirm', false]]);
    expect(isAppError(err) && err.kind).toBe('abort');
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });

  it('is a no-op for a stage that is already connected', async () => {
    const h = createTestContext();
    const r = await runConnectStage(opts({ project: 'shop', stage: ['f6g7h8i9j0/v1'] }), h.ctx);
    expect(r.stages).toEqual([{ stage: 'f6g7h8i9j0/v1', from: 'apigw-log-analytics (shop)', outcome: 'already-connected' }]);
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('needs --replace-existing-logs without a terminal for a stage logging elsewhere', async () => {
    const h = createTestContext();
    const err = await runConnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/prod'] }), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('ReplaceNeedsConsent');
    expect(isAppError(err) && err.details).toEqual([`orders (a1b2c3d4e5) / prod: CloudWatch Logs /api/orders`]);
    expect(isAppError(err) && err.resolution).toContain('--replace-existing-logs');
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });

  it('with consent, saves the CloudWatch settings before switching', async () => {
    const h = createTestContext();
    await runConnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/prod'], replaceExistingLogs: true }), h.ctx);
    const saved = JSON.parse(fakeS3.get(bucketOf('shop'), '_state/stages/a1b2c3d4e5/prod.json')!) as { previous: unknown };
    expect(saved.previous).toEqual(CW);
  });

  it('rejects missing stages and APIs, naming the values', async () => {
    const h = createTestContext();
    const err = await runConnectStage(opts({ project: 'shop', stage: ['httpapi001/$default', 'a1b2c3d4e5/qa', 'zzzzzzzzzz/v1'] }), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.exitCode).toBe(2);
    expect(isAppError(err) && err.details).toEqual([
      '--stage httpapi001/$default: HTTP API httpapi001 (webhooks) has no stages',
      '--stage a1b2c3d4e5/qa: REST API a1b2c3d4e5 (orders) has no stage "qa"; it has dev, prod',
      '--stage zzzzzzzzzz/v1: there is no REST, HTTP or WebSocket API zzzzzzzzzz in this region',
    ]);
    // A value that is not ID/NAME at all is refused before any AWS call.
    const calls = sts.calls().length;
    const shape = await runConnectStage(opts({ project: 'shop', stage: ['bad'] }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(shape) && shape.message).toBe('--stage "bad" is not API_ID/STAGE (for example a1b2c3d4e5/prod).');
    expect(sts.calls()).toHaveLength(calls);
  });

  it('--dry-run sends no mutating call', async () => {
    const h = createTestContext();
    const r = await runConnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/dev'], dryRun: true, json: true }), h.ctx);
    expect(r).toEqual({ project: 'shop', dryRun: true, stages: [{ stage: 'a1b2c3d4e5/dev', from: 'not logging', outcome: 'planned' }] });
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
    expect(JSON.parse(h.out('stdout'))).toEqual(r);
  });

  it('without --yes and without a terminal, fails naming --yes and changes nothing', async () => {
    const h = createTestContext();
    const err = await runConnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/dev'], yes: false }), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.resolution).toContain('--yes');
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });
});
