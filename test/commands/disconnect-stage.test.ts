import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { S3Client, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { runDisconnectStage } from '../../src/commands/disconnect-stage/run.js';
import type { DisconnectStageOptions } from '../../src/commands/disconnect-stage/index.js';
import { accessLogFormat } from '../../src/core/log-format.js';
import { isAppError } from '../../src/errors.js';
import { createTestContext, ScriptedPrompter } from '../helpers/context.js';
import { installFakeApiGateway, type FakeAccount } from '../helpers/fake-apigw.js';
import { FakeS3 } from '../helpers/fake-s3.js';
import { ACCOUNT, CALLER_ARN, bucketOf, installedStack, streamArnOf } from '../helpers/aws-fixtures.js';

const sts = mockClient(STSClient);
const apigw = mockClient(APIGatewayClient);
const cfn = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);

const OURS = { destinationArn: streamArnOf('shop'), format: accessLogFormat() };
const CW = { destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/api/orders`, format: '$context.requestId' };
let account: FakeAccount;
let fakeS3: FakeS3;

function record(apiId: string, stageName: string, previous: typeof CW | null) {
  fakeS3.put(
    bucketOf('shop'),
    `_state/stages/${apiId}/${stageName}.json`,
    JSON.stringify({ schemaVersion: 1, project: 'shop', region: 'us-east-1', apiId, stageName, previous, applied: OURS, connectedAt: '2026-11-01T00:00:00Z', connectedBy: CALLER_ARN }),
  );
}

beforeEach(() => {
  for (const m of [sts, apigw, cfn, s3]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AROA' });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [installedStack('shop')] });
  account = {
    apis: [
      { id: 'a1b2c3d4e5', name: 'orders', stages: [{ stageName: 'prod', accessLogSettings: { ...OURS } }, { stageName: 'dev', accessLogSettings: { ...OURS } }] },
      { id: 'f6g7h8i9j0', name: 'catalog', stages: [{ stageName: 'v1', accessLogSettings: { ...CW } }] },
    ],
  };
  installFakeApiGateway(apigw, account);
  fakeS3 = new FakeS3().bucket(bucketOf('shop')).install(s3);
  record('a1b2c3d4e5', 'prod', CW);
  record('a1b2c3d4e5', 'dev', null);
});

const opts = (o: Partial<DisconnectStageOptions>): DisconnectStageOptions => ({ allStages: false, overwriteChanged: false, yes: true, dryRun: false, json: false, ...o });

describe('disconnect-stage', () => {
  it('restores CloudWatch settings exactly and drops the record', async () => {
    const h = createTestContext();
    const r = await runDisconnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/prod'] }), h.ctx);
    expect(r.stages).toEqual([{ stage: 'a1b2c3d4e5/prod', outcome: 'restored', restoreTo: 'CloudWatch Logs /api/orders' }]);
    expect(apigw.commandCalls(UpdateStageCommand)[0]!.args[0].input.patchOperations).toEqual([
      { op: 'replace', path: '/accessLogSettings/destinationArn', value: CW.destinationArn },
      { op: 'replace', path: '/accessLogSettings/format', value: CW.format },
    ]);
    expect(account.apis[0]!.stages[0]!.accessLogSettings).toEqual(CW);
    expect(fakeS3.current(bucketOf('shop')).has('_state/stages/a1b2c3d4e5/prod.json')).toBe(false);
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toMatchObject({ Key: '_state/stages/a1b2c3d4e5/prod.json', ExpectedBucketOwner: ACCOUNT });
  });

  it('--all-stages removes the settings of a stage that had none', async () => {
    const h = createTestContext();
    const r = await runDisconnectStage(opts({ project: 'shop', allStages: true }), h.ctx);
    expect(r.stages.map((s) => [s.stage, s.outcome])).toEqual([
      ['a1b2c3d4e5/dev', 'restored'],
      ['a1b2c3d4e5/prod', 'restored'],
    ]);
    const devCall = apigw.commandCalls(UpdateStageCommand).find((c) => c.args[0].input.stageName === 'dev')!;
    expect(devCall.args[0].input.patchOperations).toEqual([{ op: 'remove', path: '/accessLogSettings' }]);
    expect(account.apis[0]!.stages[1]!.accessLogSettings).toBeUndefined();
  });

  it('does not overwrite a stage changed since, says what it points at, and names the flag', async () => {
    account.apis[0]!.stages[0]!.accessLogSettings = { destinationArn: `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/amazon-apigateway-new`, format: 'x' };
    const h = createTestContext();
    const err = await runDisconnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/prod'] }), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('StagesNotRestored');
    expect(isAppError(err) && err.details).toEqual(['a1b2c3d4e5/prod: changed since it was connected; now Firehose amazon-apigateway-new']);
    expect(isAppError(err) && err.resolution).toContain('--overwrite-changed');
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
    expect(fakeS3.current(bucketOf('shop')).has('_state/stages/a1b2c3d4e5/prod.json')).toBe(true);
  });

  it('asks about a changed stage on a terminal and restores it when told to', async () => {
    account.apis[0]!.stages[0]!.accessLogSettings = { destinationArn: `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/amazon-apigateway-new`, format: 'x' };
    const prompter = new ScriptedPrompter([{ match: /now sends access logs to Firehose amazon-apigateway-new/, answer: true }]);
    const h = createTestContext({ interactive: true, prompter });
    const r = await runDisconnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/prod'] }), h.ctx);
    expect(r.stages[0]!.outcome).toBe('restored');
    expect(account.apis[0]!.stages[0]!.accessLogSettings).toEqual(CW);
  });

  it('"Restore them?" defaults to no: a stray Enter changes nothing', async () => {
    const prompter = new ScriptedPrompter([{ match: /Restore them/, answer: false }]);
    const err = await runDisconnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/prod'], yes: false }), createTestContext({ interactive: true, prompter }).ctx).catch((e: unknown) => e);
    expect(prompter.asked.map((a) => [a.kind, a.default])).toEqual([['confirm', false]]);
    expect(isAppError(err) && err.kind).toBe('abort');
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });

  it('drops the record of a stage that no longer exists', async () => {
    account.apis[0]!.stages.splice(0, 1);
    const h = createTestContext();
    const r = await runDisconnectStage(opts({ project: 'shop', stage: ['a1b2c3d4e5/prod'] }), h.ctx);
    expect(r.stages[0]!.outcome).toBe('gone');
    expect(fakeS3.current(bucketOf('shop')).has('_state/stages/a1b2c3d4e5/prod.json')).toBe(false);
  });

  it('--dry-run sends no mutating call', async () => {
    const h = createTestContext();
    const r = await runDisconnectStage(opts({ project: 'shop', allStages: true, dryRun: true }), h.ctx);
    expect(r.dryRun).toBe(true);
    expect(r.stages.map((s) => s.restoreTo)).toEqual(['no access logs', 'CloudWatch Logs /api/orders']);
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('without flags and without a terminal, names --stage and --all-stages', async () => {
    const h = createTestContext();
    const err = await runDisconnectStage(opts({ project: 'shop' }), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.resolution).toMatch(/--stage API_ID\/STAGE.*--all-stages/);
  });
});
