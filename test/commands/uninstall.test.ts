import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import {
  S3Client,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  DeleteObjectCommand,
} from '@aws-sdk/client-s3';
import { runUninstall } from '../../src/commands/uninstall/run.js';
import type { UninstallOptions } from '../../src/commands/uninstall/index.js';
import { accessLogFormat } from '../../src/core/log-format.js';
import { OUTPUT_KEYS } from '../../src/core/outputs.js';
import { isAppError } from '../../src/errors.js';
import { createInterrupts } from '../../src/interrupts.js';
import { createTestContext, ScriptedPrompter } from '../helpers/context.js';
import { installFakeApiGateway, type FakeAccount } from '../helpers/fake-apigw.js';
import { FakeS3 } from '../helpers/fake-s3.js';
import { FakeCloudFormation } from '../deploy/fake-cloudformation.js';
import { ACCOUNT, CALLER_ARN, bucketOf, streamArnOf } from '../helpers/aws-fixtures.js';

const sts = mockClient(STSClient);
const apigw = mockClient(APIGatewayClient);
const cfnMock = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);

const BUCKET = bucketOf('shop');
const ARTIFACTS = `apigw-log-analytics-artifacts-${ACCOUNT}-us-east-1`;
const OURS = { destinationArn: streamArnOf('shop'), format: accessLogFormat() };
const CW = { destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/api/orders`, format: '$context.requestId' };
const OUTPUTS = {
  [OUTPUT_KEYS.bucketName]: BUCKET,
  [OUTPUT_KEYS.deliveryStreamArn]: streamArnOf('shop'),
  [OUTPUT_KEYS.deliveryStreamName]: 'amazon-apigateway-shop',
};

let account: FakeAccount;
let fakeS3: FakeS3;
let cfn: FakeCloudFormation;

beforeEach(() => {
  for (const m of [sts, apigw, cfnMock, s3]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AROA' });
  account = {
    apis: [{ id: 'a1b2c3d4e5', name: 'orders', stages: [{ stageName: 'prod', accessLogSettings: { ...OURS } }, { stageName: 'dev', accessLogSettings: { ...OURS } }] }],
  };
  installFakeApiGateway(apigw, account);
  fakeS3 = new FakeS3().bucket(BUCKET, { 'apigw-log-analytics:project': 'shop' }).bucket(ARTIFACTS).install(s3);
  fakeS3.put(ARTIFACTS, 'templates/abc.json', '{}');
  fakeS3.put(BUCKET, 'logs/dt=2026-11-24/a.json.gz', 'x'.repeat(2048));
  fakeS3.put(
    BUCKET,
    '_state/stages/a1b2c3d4e5/prod.json',
    JSON.stringify({ schemaVersion: 1, project: 'shop', region: 'us-east-1', apiId: 'a1b2c3d4e5', stageName: 'prod', previous: CW, applied: OURS, connectedAt: '', connectedBy: CALLER_ARN }),
  );
  cfn = new FakeCloudFormation(cfnMock).withStack('CREATE_COMPLETE', { outputs: OUTPUTS }).install();
});

const opts = (o: Partial<UninstallOptions> = {}): UninstallOptions => ({ project: 'shop', purgeBucket: false, retainStuckResources: false, yes: true, dryRun: false, json: false, ...o });

describe('uninstall', () => {
  it('restores every connected stage, deletes the stack, keeps the bucket and says so', async () => {
    const h = createTestContext();
    const r = await runUninstall(opts(), h.ctx);
    expect(r.stages).toEqual([
      { stage: 'a1b2c3d4e5/dev', outcome: 'turned-off' },
      { stage: 'a1b2c3d4e5/prod', outcome: 'restored' },
    ]);
    expect(account.apis[0]!.stages[0]!.accessLogSettings).toEqual(CW);
    expect(account.apis[0]!.stages[1]!.accessLogSettings).toBeUndefined();
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(r.stack).toBe('deleted');
    expect(r.bucket).toEqual({ name: BUCKET, outcome: 'kept' });
    expect(fakeS3.buckets.has(BUCKET)).toBe(true);
    expect(fakeS3.get(BUCKET, 'logs/dt=2026-11-24/a.json.gz')).toBeDefined();
    expect(h.out('stdout')).toContain(`Log bucket ${BUCKET} kept (2 objects, 4.9 KiB); delete it with: npx apigw-log-analytics uninstall --region us-east-1 --project shop --purge-bucket --yes`);
    // The last installation in the region takes the artifacts bucket with it.
    expect(r.artifactsBucket).toBe('deleted');
    expect(fakeS3.buckets.has(ARTIFACTS)).toBe(false);
  });

  it('--purge-bucket empties a versioned bucket of over 1,000 versions and delete markers through paging, then deletes it', async () => {
    for (let i = 0; i < 1200; i++) fakeS3.put(BUCKET, `logs/dt=2026-11-2${i % 5}/obj-${String(i).padStart(5, '0')}.json.gz`, 'y');
    for (let i = 0; i < 300; i++) fakeS3.deleteMarker(BUCKET, `logs/dt=2026-11-20/obj-${String(i * 5).padStart(5, '0')}.json.gz`);
    const h = createTestContext();
    const r = await runUninstall(opts({ purgeBucket: true }), h.ctx);
    expect(r.bucket).toMatchObject({ name: BUCKET, outcome: 'purged' });
    expect(r.bucket?.versionsDeleted).toBe(1 + 1 + 1200 + 300 + 1); // log, state record (and its delete marker on restore), 1,200 objects, 300 markers
    expect(fakeS3.buckets.has(BUCKET)).toBe(false);
    const listings = s3.commandCalls(ListObjectVersionsCommand).filter((c) => c.args[0].input.Bucket === BUCKET);
    expect(listings.length).toBeGreaterThan(1);
    for (const c of s3.commandCalls(DeleteObjectsCommand)) expect(c.args[0].input.Delete!.Objects!.length).toBeLessThanOrEqual(1000);
    expect(s3.commandCalls(DeleteBucketCommand).map((c) => c.args[0].input.Bucket)).toEqual([BUCKET, ARTIFACTS]);
  });

  it('--dry-run sends no mutating call and shows the plan', async () => {
    const h = createTestContext();
    const r = await runUninstall(opts({ dryRun: true, json: true }), h.ctx);
    expect(r.plan).toMatchObject({
      project: 'shop',
      stack: { name: 'apigw-log-analytics-shop', status: 'CREATE_COMPLETE' },
      stages: [
        { stage: 'a1b2c3d4e5/dev', action: 'turn-off', restoreTo: 'no access logs', saved: false },
        { stage: 'a1b2c3d4e5/prod', action: 'restore', restoreTo: 'CloudWatch Logs /api/orders', saved: true },
      ],
      bucket: { name: BUCKET, objects: 2, action: 'keep' },
      artifactsBucket: { name: ARTIFACTS, action: 'delete' },
    });
    expect(JSON.parse(h.out('stdout'))).toEqual(JSON.parse(JSON.stringify(r.plan)));
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });

  it('stops before deleting the stack when a stage cannot be restored, and a re-run finishes the job', async () => {
    let throttle = true;
    installFakeApiGateway(apigw, account, { admit: (op) => !(throttle && op === 'UpdateStage') });
    const h = createTestContext();
    const err = await runUninstall(opts(), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('StagesNotRestored');
    expect(isAppError(err) && err.resolution).toBe('Run again to finish: npx apigw-log-analytics uninstall --region us-east-1 --project shop --yes');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    throttle = false;
    const again = await runUninstall(opts(), createTestContext().ctx);
    expect(again.stack).toBe('deleted');
    expect(account.apis[0]!.stages[0]!.accessLogSettings).toEqual(CW);
  });

  it('after the stack is gone, --purge-bucket finds the retained bucket by its tag and deletes it', async () => {
    await runUninstall(opts(), createTestContext().ctx);
    const r = await runUninstall(opts({ purgeBucket: true }), createTestContext().ctx);
    expect(r.stack).toBeNull();
    expect(r.bucket).toMatchObject({ name: BUCKET, outcome: 'purged' });
    expect(fakeS3.buckets.has(BUCKET)).toBe(false);
  });

  it('--purge-bucket removes every bucket the project kept, listing each in the plan', async () => {
    const OLD = 'apigw-log-analytics-shop-logbucket-old999';
    fakeS3.bucket(OLD, { 'apigw-log-analytics:project': 'shop' });
    fakeS3.put(OLD, 'logs/dt=2026-10-01/a.json.gz', 'old data');
    fakeS3.bucket('apigw-log-analytics-other-logbucket-x1', { 'apigw-log-analytics:project': 'other' });
    const h = createTestContext();
    const r = await runUninstall(opts({ purgeBucket: true }), h.ctx);
    expect(r.plan.bucket).toMatchObject({ name: BUCKET, action: 'purge' });
    expect(r.plan.retainedBuckets).toEqual([{ name: OLD, objects: 1, bytes: 8, action: 'purge' }]);
    expect(h.out('stderr')).toContain(`Kept earlier DELETE ${OLD} and all 1 objects (8 B), every version`);
    expect(r.retainedBuckets).toEqual([{ name: OLD, outcome: 'purged' }]);
    expect(fakeS3.buckets.has(BUCKET)).toBe(false);
    expect(fakeS3.buckets.has(OLD)).toBe(false);
    expect(fakeS3.buckets.has('apigw-log-analytics-other-logbucket-x1')).toBe(true);
  });

  it('after the stack is gone, --purge-bucket removes every kept bucket of the project', async () => {
    await runUninstall(opts(), createTestContext().ctx);
    const OLD = 'apigw-log-analytics-shop-logbucket-old999';
    fakeS3.bucket(OLD, { 'apigw-log-analytics:project': 'shop' });
    const r = await runUninstall(opts({ purgeBucket: true }), createTestContext().ctx);
    expect([r.bucket?.name, ...r.retainedBuckets.map((b) => b.name)].sort()).toEqual([BUCKET, OLD]);
    expect(fakeS3.buckets.has(BUCKET) || fakeS3.buckets.has(OLD)).toBe(false);
  });

  it('after the stack is gone, without --purge-bucket, says the bucket is kept', async () => {
    await runUninstall(opts(), createTestContext().ctx);
    const h = createTestContext();
    const r = await runUninstall(opts(), h.ctx);
    expect(r.bucket).toEqual({ name: BUCKET, outcome: 'kept' });
    expect(h.out('stdout')).toContain(`shop is already uninstalled; its log bucket ${BUCKET} is kept (--purge-bucket deletes it).`);
  });

  it('a stack stuck in DELETE_FAILED: names what is stuck, and --retain-stuck-resources deletes the rest', async () => {
    cfn.onDelete = [
      { status: 'DELETE_IN_PROGRESS' },
      { status: 'DELETE_FAILED', events: [['DataSet', 'AWS::QuickSight::DataSet', 'DELETE_FAILED', 'Access denied for operation']] },
    ];
    const err = await runUninstall(opts(), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('DeleteFailed');
    expect(isAppError(err) && err.details).toEqual(['DataSet (AWS::QuickSight::DataSet): Access denied for operation']);
    expect(isAppError(err) && err.resolution).toContain('--retain-stuck-resources');
    cfn.onDelete = [
      { status: 'DELETE_IN_PROGRESS' },
      { status: 'DELETE_FAILED', events: [['DataSet', 'AWS::QuickSight::DataSet', 'DELETE_FAILED', 'Access denied for operation']] },
    ];
    const first = cfnMock.commandCalls(DeleteStackCommand).length;
    let calls = 0;
    cfnMock.on(DeleteStackCommand).callsFake((input: { RetainResources?: string[] }) => {
      calls++;
      cfn.running = input.RetainResources ? [{ status: 'DELETE_IN_PROGRESS' }, { status: 'DELETE_COMPLETE' }] : [...cfn.onDelete];
      return {};
    });
    const r = await runUninstall(opts({ retainStuckResources: true }), createTestContext().ctx);
    expect(r.stack).toBe('deleted-with-retained-resources');
    expect(calls).toBe(2);
    expect(cfnMock.commandCalls(DeleteStackCommand).slice(first).map((c) => c.args[0].input.RetainResources)).toEqual([undefined, ['DataSet']]);
  });

  describe('when the saved settings cannot be read (issue 13 §1)', () => {
    const pointingAtStream = () => account.apis[0]!.stages.filter((s) => s.accessLogSettings?.destinationArn === OURS.destinationArn).map((s) => s.stageName);

    it('the log bucket was deleted by hand: the plan says both stages will log nothing, and that is exactly what happens before the stack goes', async () => {
      fakeS3.buckets.delete(BUCKET);
      const h = createTestContext();
      const r = await runUninstall(opts(), h.ctx);
      expect(r.plan.stages).toEqual([
        { stage: 'a1b2c3d4e5/dev', action: 'turn-off', restoreTo: 'no access logs', saved: false, note: `its saved settings were in ${BUCKET}, which no longer exists` },
        { stage: 'a1b2c3d4e5/prod', action: 'turn-off', restoreTo: 'no access logs', saved: false, note: `its saved settings were in ${BUCKET}, which no longer exists` },
      ]);
      expect(r.stages).toEqual([
        { stage: 'a1b2c3d4e5/dev', outcome: 'turned-off' },
        { stage: 'a1b2c3d4e5/prod', outcome: 'turned-off' },
      ]);
      expect(pointingAtStream()).toEqual([]);
      expect(r.stack).toBe('deleted');
      expect(h.out('stderr')).toContain(`a1b2c3d4e5/prod: turn access logs off (its saved settings were in ${BUCKET}, which no longer exists)`);
    });

    it('the bucket is gone and a person answers: the question says the stages will log nothing, and "no" changes nothing', async () => {
      fakeS3.buckets.delete(BUCKET);
      const prompter = new ScriptedPrompter([{ match: /Uninstall shop\? 2 stages have no saved settings and will log nothing/, answer: false }]);
      const err = await runUninstall(opts({ yes: false }), createTestContext({ interactive: true, prompter }).ctx).catch((e: unknown) => e);
      expect(isAppError(err) && err.kind).toBe('abort');
      expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
      expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    });

    it('HeadBucket answers 403: stops before touching any stage or the stack, and says why and what to run', async () => {
      fakeS3.forbidden.add(BUCKET);
      const h = createTestContext();
      const err = await runUninstall(opts(), h.ctx).catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('SavedSettingsUnreadable');
      expect(isAppError(err) && err.message).toContain('2 connected stages (a1b2c3d4e5/dev, a1b2c3d4e5/prod) still send logs to this installation');
      expect(isAppError(err) && err.resolution).toContain(`s3:ListBucket, s3:GetObject and s3:DeleteObject on ${BUCKET}`);
      expect(isAppError(err) && err.resolution).toContain('npx apigw-log-analytics uninstall --region us-east-1 --project shop --yes');
      expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
      expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
      expect(pointingAtStream()).toEqual(['prod', 'dev']);
      expect(h.out('stderr')).toContain('a1b2c3d4e5/prod: CANNOT RESTORE');
    });

    it('HeadBucket answers 403 in a dry run: the plan says uninstall would stop', async () => {
      fakeS3.forbidden.add(BUCKET);
      const h = createTestContext();
      const r = await runUninstall(opts({ dryRun: true }), h.ctx);
      expect(r.plan.blocked).toContain('cannot be read');
      expect(h.out('stdout')).toContain('Uninstall stops before changing anything');
    });

    it('a stage saved in the bucket that now logs elsewhere: its record is dropped, the stage is left alone, and the stack goes', async () => {
      account.apis[0]!.stages[0]!.accessLogSettings = { ...CW, destinationArn: CW.destinationArn.replace('orders', 'mine') };
      const r = await runUninstall(opts(), createTestContext().ctx);
      expect(r.plan.stages[1]).toMatchObject({ stage: 'a1b2c3d4e5/prod', action: 'forget', note: 'now sends to CloudWatch Logs /api/mine; left as it is' });
      expect(r.stages).toEqual([
        { stage: 'a1b2c3d4e5/dev', outcome: 'turned-off' },
        { stage: 'a1b2c3d4e5/prod', outcome: 'forgotten' },
      ]);
      expect(account.apis[0]!.stages[0]!.accessLogSettings?.destinationArn).toContain('/api/mine');
      expect(fakeS3.get(BUCKET, '_state/stages/a1b2c3d4e5/prod.json')).toBeUndefined();
      expect(r.stack).toBe('deleted');
    });
  });

  describe('Ctrl+C (issue 13 §4)', () => {
    function sigint(setTimer?: (f: () => void) => void) {
      const written: string[] = [];
      const exits: number[] = [];
      const abort = new AbortController();
      const { interrupts, onSigint } = createInterrupts({
        abort: () => abort.abort(),
        write: (t) => written.push(t),
        exit: (c) => exits.push(c),
        ...(setTimer ? { setTimer } : {}),
      });
      const h = createTestContext({ interrupts, signal: abort.signal });
      return { h, written, exits, onSigint };
    }

    it('while stages are being restored: the first says what a second would leave behind and the command goes on to a safe point; the second exits 130', async () => {
      const s = sigint();
      let pressed = 0;
      installFakeApiGateway(apigw, account, { before: (op) => void (op === 'UpdateStage' && pressed++ === 0 && s.onSigint()) });
      await runUninstall(opts(), s.h.ctx).catch((e: unknown) => e);
      expect(s.written.join('')).toContain(
        'Cancelling at the next safe point. Ctrl+C again stops at once and leaves the uninstall half done: some stages restored, the stack perhaps still deleting in CloudFormation (it carries on). Run again to finish: npx apigw-log-analytics uninstall --region us-east-1 --project shop --yes',
      );
      expect(s.exits).toEqual([]);
      s.onSigint();
      expect(s.exits).toEqual([130]);
    });

    it('while it only reads (looking for stages): the first Ctrl+C ends it', async () => {
      const s = sigint((f) => f());
      installFakeApiGateway(apigw, account, { before: (op) => void (op === 'GetRestApis' && s.onSigint()) });
      await runUninstall(opts(), s.h.ctx).catch((e: unknown) => e);
      expect(s.written.join('')).toContain('Cancelled.');
      expect(s.exits[0]).toBe(130);
    });
  });

  it('an unknown project lists the installations that exist', async () => {
    const err = await runUninstall(opts({ project: 'nope' }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('InstallationNotFound');
    expect(isAppError(err) && err.resolution).toContain('Installations in us-east-1: shop');
  });

  it('without --yes and without a terminal changes nothing', async () => {
    const err = await runUninstall(opts({ yes: false }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.resolution).toContain('--yes');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });
});

