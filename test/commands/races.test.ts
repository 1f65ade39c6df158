/**
 * Two runs at once on one stage (issue 13 §2): each interleaving must end with the stage's
 * original settings restorable. The second run is started from inside the first one's AWS call
 * (the fakes' `before` hooks), so the interleaving is exact, and both run through the commands.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { runConnectStage } from '../../src/commands/connect-stage/run.js';
import { runDisconnectStage } from '../../src/commands/disconnect-stage/run.js';
import { runUninstall } from '../../src/commands/uninstall/run.js';
import { connectStages } from '../../src/commands/shared/connect.js';
import { s3StateStore } from '../../src/commands/shared/state-store.js';
import { accessLogFormat } from '../../src/core/log-format.js';
import { createTestContext } from '../helpers/context.js';
import { installFakeApiGateway, type FakeAccount } from '../helpers/fake-apigw.js';
import { FakeS3 } from '../helpers/fake-s3.js';
import { FakeCloudFormation } from '../deploy/fake-cloudformation.js';
import { ACCOUNT, CALLER_ARN, bucketOf, installedStack, streamArnOf } from '../helpers/aws-fixtures.js';
import { OUTPUT_KEYS } from '../../src/core/outputs.js';

const sts = mockClient(STSClient);
const apigw = mockClient(APIGatewayClient);
const cfnMock = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);

const BUCKET = bucketOf('shop');
const KEY = '_state/stages/a1b2c3d4e5/prod.json';
const OURS = { destinationArn: streamArnOf('shop'), format: accessLogFormat() };
const CW = { destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/api/orders`, format: '$context.requestId' };

let account: FakeAccount;
let fakeS3: FakeS3;
/** Runs once, before the first call of `op` that `when` accepts. */
let hook: { op: string; when?: (input: Record<string, unknown>) => boolean; run: () => Promise<unknown> } | null;

const prod = () => account.apis[0]!.stages[0]!;
const saved = () => {
  const body = fakeS3.get(BUCKET, KEY);
  return body === undefined ? undefined : (JSON.parse(body) as { previous: unknown });
};

/** What the run started in the middle ended with (a result, or the error it threw). */
let inner: unknown;

async function fire(op: string, input: Record<string, unknown>): Promise<void> {
  const h = hook;
  if (h && h.op === op && (!h.when || h.when(input))) {
    hook = null;
    inner = await h.run().catch((e: unknown) => e);
  }
}

function connectedWithRecord(): void {
  prod().accessLogSettings = { ...OURS };
  fakeS3.put(
    BUCKET,
    KEY,
    JSON.stringify({ schemaVersion: 1, project: 'shop', region: 'us-east-1', apiId: 'a1b2c3d4e5', stageName: 'prod', previous: CW, applied: OURS, connectedAt: '', connectedBy: CALLER_ARN }),
  );
}

const connect = () =>
  runConnectStage({ project: 'shop', stage: ['a1b2c3d4e5/prod'], allStages: false, replaceExistingLogs: true, yes: true, dryRun: false, json: false }, createTestContext().ctx);
const disconnect = (overwriteChanged = false) =>
  runDisconnectStage({ project: 'shop', stage: ['a1b2c3d4e5/prod'], allStages: false, overwriteChanged, yes: true, dryRun: false, json: false }, createTestContext().ctx);
const uninstall = () => runUninstall({ project: 'shop', purgeBucket: false, retainStuckResources: false, yes: true, dryRun: false, json: false }, uninstallContext());

beforeEach(() => {
  for (const m of [sts, apigw, cfnMock, s3]) m.reset();
  hook = null;
  inner = undefined;
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AROA' });
  cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [installedStack('shop')] });
  account = { apis: [{ id: 'a1b2c3d4e5', name: 'orders', stages: [{ stageName: 'prod', accessLogSettings: { ...CW } }] }] };
  installFakeApiGateway(apigw, account, { before: fire });
  fakeS3 = new FakeS3().bucket(BUCKET).install(s3);
  fakeS3.before = fire;
});

describe('two runs at once on one stage', () => {
  it('connect inside disconnect (disconnect restored, then connect saved and connected, then disconnect dropped the record): the record stays', async () => {
    connectedWithRecord();
    hook = { op: 'DeleteObject', run: connect };
    const r = await disconnect();
    expect(inner).toMatchObject({ stages: [{ outcome: 'connected' }] });
    expect(r.stages[0]!.outcome).toBe('reconnected');
    expect(prod().accessLogSettings).toEqual(OURS);
    expect(saved()?.previous).toEqual(CW);
    // ...so a later uninstall puts CloudWatch back, not "no logs".
    await uninstall();
    expect(prod().accessLogSettings).toEqual(CW);
  });

  it('disconnect --overwrite-changed inside connect, between saving and patching (it drops the record): connect saves the settings again', async () => {
    hook = { op: 'UpdateStage', when: (i) => JSON.stringify(i).includes('deliverystream'), run: () => disconnect(true) };
    await connect();
    expect(inner).toMatchObject({ stages: [{ outcome: 'restored' }] });
    expect(prod().accessLogSettings).toEqual(OURS);
    expect(saved()?.previous).toEqual(CW);
  });

  // A format update happens when init upgrades an installation; it goes through connectStages.
  it.each([
    ['after connect read the stage (connect reads again and saves CloudWatch)', 'GetObject'],
    ['between saving and patching (connect saves the settings again)', 'UpdateStage'],
  ])('disconnect inside a format update, %s', async (_label, op) => {
    connectedWithRecord();
    prod().accessLogSettings = { ...OURS, format: '{"old":"$context.requestId"}' };
    hook = { op, when: (i) => op !== 'UpdateStage' || JSON.stringify(i).includes('deliverystream'), run: () => disconnect() };
    const h = createTestContext();
    const aws = await h.ctx.aws();
    const results = await connectStages(
      [{ apiId: 'a1b2c3d4e5', stageName: 'prod' }],
      { target: OURS, project: 'shop', region: 'us-east-1', callerArn: CALLER_ARN },
      { apigw: await aws.apiGateway(), state: s3StateStore(await aws.s3(), BUCKET, ACCOUNT), io: h.ctx.io, signal: h.ctx.signal, now: h.ctx.now },
    );
    expect(inner).toMatchObject({ stages: [{ outcome: 'restored' }] });
    expect(results[0]!.outcome).not.toBe('failed');
    expect(prod().accessLogSettings).toEqual(OURS);
    expect(saved()?.previous).toEqual(CW);
  });

  it('connect inside connect: both save CloudWatch as the previous settings, never each other\'s stream', async () => {
    hook = { op: 'PutObject', run: connect };
    await connect();
    expect(inner).toMatchObject({ stages: [{ outcome: 'connected' }] });
    expect(prod().accessLogSettings).toEqual(OURS);
    expect(saved()?.previous).toEqual(CW);
  });

  it('disconnect inside uninstall (both restore, one drops the record): the stage ends on CloudWatch and the stack goes', async () => {
    connectedWithRecord();
    hook = { op: 'UpdateStage', run: () => disconnect() };
    const r = await uninstall();
    expect(inner).toMatchObject({ stages: [{ outcome: 'restored' }] });
    expect(r.stages).toEqual([{ stage: 'a1b2c3d4e5/prod', outcome: 'restored' }]);
    expect(r.stack).toBe('deleted');
    expect(prod().accessLogSettings).toEqual(CW);
  });

  it('disconnect inside uninstall, after uninstall planned the stage and before it restores it: uninstall does not stop for a stage that is already back', async () => {
    connectedWithRecord();
    hook = { op: 'GetStage', run: () => disconnect() };
    const r = await uninstall();
    expect(inner).toMatchObject({ stages: [{ outcome: 'restored' }] });
    expect(r.stages).toEqual([{ stage: 'a1b2c3d4e5/prod', outcome: 'changed-since' }]);
    expect(r.stack).toBe('deleted');
    expect(prod().accessLogSettings).toEqual(CW);
  });

  it('connect inside uninstall, after the stages were restored: the stack is not deleted and the record is kept', async () => {
    connectedWithRecord();
    let scans = 0;
    hook = { op: 'GetRestApis', when: () => ++scans === 2, run: connect };
    const err = await uninstall().catch((e: unknown) => e);
    expect(inner).toMatchObject({ stages: [{ outcome: 'connected' }] });
    expect((err as { code?: string }).code).toBe('StagesStillConnected');
    expect(prod().accessLogSettings).toEqual(OURS);
    expect(saved()?.previous).toEqual(CW);
  });
});

function uninstallContext() {
  new FakeCloudFormation(cfnMock).withStack('CREATE_COMPLETE', { outputs: { [OUTPUT_KEYS.bucketName]: BUCKET, [OUTPUT_KEYS.deliveryStreamArn]: OURS.destinationArn, [OUTPUT_KEYS.deliveryStreamName]: 'amazon-apigateway-shop' } }).install();
  return createTestContext().ctx;
}
