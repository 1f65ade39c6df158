import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import {
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { GetBucketTaggingCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { deployStack, removeStack, type DeployDeps, type DeployRequest, type DestructiveStep } from '../../src/core/deploy.js';
import { CancelledError, isAppError, type AppError } from '../../src/errors.js';
import { createTestContext, type TestHarness } from '../helpers/context.js';
import { ACCOUNT, CS_ID, FakeCloudFormation, STACK_ID, STACK_NAME, change } from './fake-cloudformation.js';

const cfnMock = mockClient(CloudFormationClient);
const s3Mock = mockClient(S3Client);

const TEMPLATE = JSON.stringify({ Resources: { LogBucket: { Type: 'AWS::S3::Bucket' } } });
const SHA = createHash('sha256').update(TEMPLATE).digest('hex');
const BUCKET = `apigw-log-analytics-artifacts-${ACCOUNT}-us-east-1`;
const TEMPLATE_URL = `https://${BUCKET}.s3.us-east-1.amazonaws.com/templates/${SHA}.json`;
const TAGS = { 'apigw-log-analytics:project': 'shop', 'apigw-log-analytics:version': '0.2.0' };

const request: DeployRequest = {
  stackName: STACK_NAME,
  account: ACCOUNT,
  templateBody: TEMPLATE,
  parameters: { ProjectName: 'shop', RetentionDays: '90' },
  tags: TAGS,
  project: 'shop',
};

const OUTPUTS = { LogBucketName: 'shop-logs', DeliveryStreamName: 'amazon-apigateway-shop' };

let fake: FakeCloudFormation;
let h: TestHarness;

beforeEach(() => {
  cfnMock.reset();
  s3Mock.reset();
  s3Mock.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'apigw-log-analytics:purpose', Value: 'artifacts' }] });
  s3Mock.on(PutObjectCommand).resolves({});
  fake = new FakeCloudFormation(cfnMock);
  h = createTestContext({ region: 'us-east-1' });
});

async function deps(overrides: Partial<DeployDeps> = {}): Promise<DeployDeps & { asked: DestructiveStep[] }> {
  const aws = await h.ctx.aws();
  const asked: DestructiveStep[] = [];
  return {
    cfn: await aws.cloudFormation(),
    s3: await aws.s3(),
    confirm: (step) => {
      asked.push(step);
      return Promise.resolve(true);
    },
    asked,
    ...overrides,
  };
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

const createSteps = [
  { status: 'CREATE_IN_PROGRESS', events: [['LogBucket', 'AWS::S3::Bucket', 'CREATE_IN_PROGRESS']] as Array<[string, string, string, string?]> },
  {
    status: 'CREATE_IN_PROGRESS',
    events: [
      ['LogBucket', 'AWS::S3::Bucket', 'CREATE_COMPLETE'],
      ['DeliveryStream', 'AWS::KinesisFirehose::DeliveryStream', 'CREATE_IN_PROGRESS'],
    ] as Array<[string, string, string, string?]>,
  },
  { status: 'CREATE_COMPLETE', events: [['DeliveryStream', 'AWS::KinesisFirehose::DeliveryStream', 'CREATE_COMPLETE']] as Array<[string, string, string, string?]>, outputs: OUTPUTS },
];

describe('deployStack: create and update', () => {
  it('creates a new stack through a CREATE change set and streams its events', async () => {
    fake.changeSet = {
      pendingPolls: 2,
      status: 'CREATE_COMPLETE',
      changes: [change('Add', 'LogBucket', 'AWS::S3::Bucket'), change('Add', 'DeliveryStream', 'AWS::KinesisFirehose::DeliveryStream')],
    };
    fake.onExecute = createSteps;
    fake.install();
    const d = await deps();
    const seen: unknown[] = [];
    d.confirmChangeSet = (s) => {
      seen.push(s);
      return Promise.resolve(true);
    };
    const changeSetName = `apigw-log-analytics-${h.clock.now}`;

    const result = await deployStack(request, h.ctx, d);

    expect(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: `templates/${SHA}.json`,
      Body: TEMPLATE,
      ContentType: 'application/json',
      ExpectedBucketOwner: ACCOUNT,
    });
    expect(cfnMock.commandCalls(CreateChangeSetCommand).map((c) => c.args[0].input)).toEqual([
      {
        StackName: STACK_NAME,
        ChangeSetName: changeSetName,
        ChangeSetType: 'CREATE',
        TemplateURL: TEMPLATE_URL,
        Parameters: [
          { ParameterKey: 'ProjectName', ParameterValue: 'shop' },
          { ParameterKey: 'RetentionDays', ParameterValue: '90' },
        ],
        Tags: [
          { Key: 'apigw-log-analytics:project', Value: 'shop' },
          { Key: 'apigw-log-analytics:version', Value: '0.2.0' },
        ],
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        OnStackFailure: 'DELETE',
      },
    ]);
    expect(cfnMock.commandCalls(ExecuteChangeSetCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: STACK_ID, ChangeSetName: CS_ID, ClientRequestToken: `${changeSetName}-execute` },
    ]);
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(result).toMatchObject({ operation: 'create', noChanges: false, status: 'CREATE_COMPLETE', outputs: OUTPUTS, stackId: STACK_ID });
    expect(result.template.url).toBe(TEMPLATE_URL);
    expect(result.changes).toMatchObject({ type: 'CREATE', add: 2, modify: 0, remove: 0 });
    expect(seen).toEqual([result.changes]);

    const err = h.out('stderr');
    expect(err).toContain(`Stack ${STACK_NAME} will be created: 2 to add`);
    expect(err).toMatch(/\+ AWS::S3::Bucket\s+LogBucket/);
    // History lines for this operation, in order, and not the REVIEW_IN_PROGRESS event from before it.
    const lines = err.split('\n').filter((l) => /^\s+\d\d:\d\d:\d\d\s/.test(l));
    expect(lines.map((l) => l.trim().split(/\s+/).slice(1, 4).join(' '))).toEqual([
      'AWS::S3::Bucket LogBucket CREATE_IN_PROGRESS',
      `AWS::CloudFormation::Stack ${STACK_NAME} CREATE_IN_PROGRESS`,
      'AWS::S3::Bucket LogBucket CREATE_COMPLETE',
      'AWS::KinesisFirehose::DeliveryStream DeliveryStream CREATE_IN_PROGRESS',
      `AWS::CloudFormation::Stack ${STACK_NAME} CREATE_IN_PROGRESS`,
      'AWS::KinesisFirehose::DeliveryStream DeliveryStream CREATE_COMPLETE',
      `AWS::CloudFormation::Stack ${STACK_NAME} CREATE_COMPLETE`,
    ]);
    expect(err).toContain(`✔ Stack ${STACK_NAME} created (CREATE_COMPLETE)\n`);
    // Polls waited with the injected sleep: change set at 2 s, stack at 5 s.
    expect(h.clock.sleeps).toEqual([2000, 2000, 5000, 5000]);
  });

  it('updates an existing stack, shows replacements, and asks with the summary', async () => {
    fake.withStack('UPDATE_COMPLETE', { tags: TAGS, outputs: { LogBucketName: 'old' } });
    fake.changeSet = {
      status: 'CREATE_COMPLETE',
      changes: [
        change('Modify', 'EnrichmentFunction', 'AWS::Lambda::Function', 'False'),
        change('Modify', 'Table', 'AWS::Glue::Table', 'True'),
        change('Modify', 'Dashboard', 'AWS::QuickSight::Dashboard', 'Conditional'),
        change('Add', 'Alarm', 'AWS::CloudWatch::Alarm'),
        change('Remove', 'Crawler', 'AWS::Glue::Crawler'),
      ],
      pageSize: 2,
    };
    fake.onExecute = [
      { status: 'UPDATE_IN_PROGRESS', events: [['Table', 'AWS::Glue::Table', 'UPDATE_IN_PROGRESS']] },
      { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', events: [['Table', 'AWS::Glue::Table', 'UPDATE_COMPLETE']] },
      { status: 'UPDATE_COMPLETE', events: [['Crawler', 'AWS::Glue::Crawler', 'DELETE_COMPLETE']], outputs: OUTPUTS },
    ];
    fake.install();
    const d = await deps();
    const summaries: Array<Record<string, unknown>> = [];
    d.confirmChangeSet = (s) => {
      summaries.push({ ...s });
      return Promise.resolve(true);
    };

    const result = await deployStack(request, h.ctx, d);

    const input = cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(input.ChangeSetType).toBe('UPDATE');
    expect(input).not.toHaveProperty('OnStackFailure');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ type: 'UPDATE', add: 1, modify: 3, remove: 1, replace: 1, mayReplace: 1 });
    expect((summaries[0]!.changes as unknown[]).length).toBe(5); // all three pages of Changes
    expect(result).toMatchObject({ operation: 'update', status: 'UPDATE_COMPLETE', outputs: OUTPUTS });
    const err = h.out('stderr');
    expect(err).toContain(`Changes to stack ${STACK_NAME}: 1 to add, 3 to modify (1 replaced) (1 may be replaced), 1 to remove`);
    expect(err).toMatch(/~ AWS::Glue::Table\s+Table {2}\(replacement\)/);
    expect(err).toMatch(/~ AWS::QuickSight::Dashboard\s+Dashboard {2}\(may be replaced\)/);
    expect(err).toMatch(/- AWS::Glue::Crawler\s+Crawler/);
    // Events from the stack's earlier life are not replayed.
    expect(err).not.toMatch(/CREATE_IN_PROGRESS\s+User Initiated/);
  });

  it.each([
    "The submitted information didn't contain changes. Submit different information to create a change set.",
    'No updates are to be performed.',
  ])('treats an empty change set as success (%s)', async (reason) => {
    fake.withStack('UPDATE_COMPLETE', { tags: TAGS, outputs: OUTPUTS });
    fake.changeSet = { status: 'FAILED', reason };
    fake.install();
    const d = await deps();
    const confirmChangeSet = vi.fn(() => Promise.resolve(true));

    const result = await deployStack(request, h.ctx, { ...d, confirmChangeSet });

    expect(result).toMatchObject({ operation: 'none', noChanges: true, status: 'UPDATE_COMPLETE', outputs: OUTPUTS, changes: null });
    expect(cfnMock.commandCalls(DeleteChangeSetCommand).map((c) => c.args[0].input)).toEqual([{ StackName: STACK_ID, ChangeSetName: CS_ID }]);
    expect(cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(confirmChangeSet).not.toHaveBeenCalled();
    expect(h.out('stderr')).toContain(`No changes: stack ${STACK_NAME} is up to date.`);
  });

  it('discards the change set (and the empty new stack) when the change set is declined', async () => {
    fake.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Add', 'LogBucket', 'AWS::S3::Bucket')] };
    fake.install();
    const d = await deps({ confirmChangeSet: () => Promise.resolve(false) });

    const err = await failure(deployStack(request, h.ctx, d));

    expect(err.kind).toBe('abort');
    expect(err.message).toContain('Nothing was changed');
    expect(cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(cfnMock.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
    expect(cfnMock.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([{ StackName: STACK_ID }]);
  });

  it('removes the change set when Ctrl+C is pressed at the confirmation prompt', async () => {
    fake.withStack('UPDATE_COMPLETE', { tags: TAGS });
    fake.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Modify', 'Table', 'AWS::Glue::Table', 'False')] };
    fake.install();
    const d = await deps({ confirmChangeSet: () => Promise.reject(new CancelledError()) });
    const err = await failure(deployStack(request, h.ctx, d));
    expect(err.kind).toBe('cancel');
    expect(cfnMock.commandCalls(DeleteChangeSetCommand).map((c) => c.args[0].input)).toEqual([{ StackName: STACK_ID, ChangeSetName: CS_ID }]);
    // An existing stack is never deleted for this.
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  it('refuses to deploy over a stack of the same name that is not this project', async () => {
    fake.withStack('CREATE_COMPLETE', { tags: { team: 'payments' } });
    fake.install();
    const err = await failure(deployStack(request, h.ctx, await deps()));
    expect(err.code).toBe('StackNotOurs');
    expect(err.resolution).toContain('--project');
    expect(cfnMock.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });
});

describe('deployStack: failures', () => {
  it('reports a change set that fails for another reason, with its StatusReason, and cleans up', async () => {
    fake.changeSet = {
      pendingPolls: 1,
      status: 'FAILED',
      reason: 'Requires capabilities : [CAPABILITY_AUTO_EXPAND]',
    };
    fake.install();
    const err = await failure(deployStack(request, h.ctx, await deps()));
    expect(err.code).toBe('ChangeSetFailed');
    expect(err.message).toBe(`CloudFormation could not prepare the changes to stack ${STACK_NAME}: Requires capabilities : [CAPABILITY_AUTO_EXPAND]`);
    expect(err.resolution).toContain('apigw-log-analytics init --project shop');
    expect(cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(cfnMock.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
    // The CREATE change set's empty REVIEW_IN_PROGRESS stack is removed too.
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(1);
  });

  it('names the resource that failed a create, not the cancelled ones, when the stack removes itself', async () => {
    fake.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Add', 'LogBucket', 'AWS::S3::Bucket'), change('Add', 'Dashboard', 'AWS::QuickSight::Dashboard')] };
    fake.onExecute = [
      { status: 'CREATE_IN_PROGRESS', events: [['LogBucket', 'AWS::S3::Bucket', 'CREATE_COMPLETE'], ['Role', 'AWS::IAM::Role', 'CREATE_IN_PROGRESS']] },
      {
        status: 'CREATE_FAILED',
        reason: 'The following resource(s) failed to create: [Dashboard, Role].',
        events: [
          ['Dashboard', 'AWS::QuickSight::Dashboard', 'CREATE_FAILED', 'Resource handler returned message: "User arn:aws:quicksight:us-east-1:111122223333:group/default/admins is not found" (HandlerErrorCode: NotFound)'],
          ['Role', 'AWS::IAM::Role', 'CREATE_FAILED', 'Resource creation cancelled'],
        ],
      },
      { status: 'DELETE_IN_PROGRESS', events: [['LogBucket', 'AWS::S3::Bucket', 'DELETE_COMPLETE']] },
      { status: 'DELETE_COMPLETE' },
    ];
    fake.install();

    const err = await failure(deployStack(request, h.ctx, await deps()));

    expect(err.code).toBe('DeployFailed');
    expect(err.message).toBe(`Creating stack ${STACK_NAME} failed; CloudFormation removed what it had created.`);
    expect(err.details).toEqual([
      'Dashboard (AWS::QuickSight::Dashboard) CREATE_FAILED: Resource handler returned message: "User arn:aws:quicksight:us-east-1:111122223333:group/default/admins is not found" (HandlerErrorCode: NotFound)',
    ]);
    expect(err.details.join('\n')).not.toContain('cancelled');
    expect(err.resolution).toBe('Fix the cause above, then run `apigw-log-analytics init --project shop` again.');
  });

  it('explains an update that rolled back, with the failing resource and what to run next', async () => {
    fake.withStack('UPDATE_COMPLETE', { tags: TAGS });
    fake.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Modify', 'DeliveryStream', 'AWS::KinesisFirehose::DeliveryStream', 'False')] };
    fake.onExecute = [
      { status: 'UPDATE_IN_PROGRESS', events: [['DeliveryStream', 'AWS::KinesisFirehose::DeliveryStream', 'UPDATE_FAILED', 'Firehose is not authorized to invoke the Lambda function']] },
      { status: 'UPDATE_ROLLBACK_IN_PROGRESS', reason: 'The following resource(s) failed to update: [DeliveryStream].' },
      { status: 'UPDATE_ROLLBACK_COMPLETE', events: [['DeliveryStream', 'AWS::KinesisFirehose::DeliveryStream', 'UPDATE_COMPLETE']] },
    ];
    fake.install();

    const err = await failure(deployStack(request, h.ctx, await deps()));

    expect(err.message).toContain('rolled it back to the previous version');
    expect(err.details).toEqual(['DeliveryStream (AWS::KinesisFirehose::DeliveryStream) UPDATE_FAILED: Firehose is not authorized to invoke the Lambda function']);
    expect(err.resolution).toContain('`apigw-log-analytics status --project shop`');
    expect(h.out('stderr')).toContain(`✖ Updating stack ${STACK_NAME}`);
  });

  it('on Ctrl+C during the deployment stops waiting and says the stack operation goes on', async () => {
    fake.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Add', 'LogBucket', 'AWS::S3::Bucket')] };
    fake.onExecute = [
      { status: 'CREATE_IN_PROGRESS', events: [['LogBucket', 'AWS::S3::Bucket', 'CREATE_IN_PROGRESS']], onApply: () => h.abort.abort() },
      { status: 'CREATE_COMPLETE' },
    ];
    fake.install();

    const err = await failure(deployStack(request, h.ctx, await deps()));

    expect(err.kind).toBe('cancel');
    expect(err.exitCode).toBe(130);
    expect(err.message).toBe(`Stopped watching. CloudFormation is still creating stack ${STACK_NAME}; it finishes (or rolls back) on its own.`);
    expect(err.details).toEqual([`See it with \`apigw-log-analytics status --project shop\` or in the CloudFormation console (stack ${STACK_NAME}).`]);
    expect(err.resolution).toContain('apigw-log-analytics init --project shop');
    // The operation is left alone: no cancel, no delete.
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(fake.stack?.status).toBe('CREATE_IN_PROGRESS');
  });

  it('gives up after the maximum wait with the failures seen so far and what to run next', async () => {
    fake.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Add', 'LogBucket', 'AWS::S3::Bucket')] };
    fake.onExecute = Array.from({ length: 20 }, () => ({
      status: 'CREATE_IN_PROGRESS',
      events: [['Dashboard', 'AWS::QuickSight::Dashboard', 'CREATE_IN_PROGRESS']] as Array<[string, string, string, string?]>,
    }));
    fake.onExecute[1]!.events = [['Role', 'AWS::IAM::Role', 'CREATE_FAILED', 'Role already exists']];
    fake.install();
    const err = await failure(deployStack({ ...request, timing: { stackPollMs: 60_000, stackMaxWaitMs: 5 * 60_000 } }, h.ctx, await deps()));
    expect(err.code).toBe('WaitTimeout');
    expect(err.message).toBe(`Stopped waiting for stack ${STACK_NAME} after 5 min; CloudFormation is still working on it.`);
    expect(err.details).toEqual(['Role (AWS::IAM::Role) CREATE_FAILED: Role already exists']);
    expect(err.resolution).toContain('apigw-log-analytics status --project shop');
  });

  it('on Ctrl+C while the change set is created removes it and changes nothing', async () => {
    fake.changeSet = { pendingPolls: 5, status: 'CREATE_COMPLETE' };
    fake.install();
    const d = await deps();
    const realSleep = h.ctx.sleep;
    let n = 0;
    const ctx = { ...h.ctx, sleep: (ms: number) => (++n === 2 ? (h.abort.abort(), realSleep(ms)) : realSleep(ms)) };

    const err = await failure(deployStack(request, ctx, d));

    expect(err.kind).toBe('cancel');
    expect(err.message).toBe(`Cancelled before stack ${STACK_NAME} was changed; the change set was removed.`);
    expect(cfnMock.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
    expect(cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });
});

describe('deployStack: the state the stack is in before deploying', () => {
  const addBucket = { status: 'CREATE_COMPLETE' as const, changes: [change('Add', 'LogBucket', 'AWS::S3::Bucket')] };

  it('REVIEW_IN_PROGRESS (an abandoned CREATE change set) is deployed as new, without deleting it first', async () => {
    fake.withStack('REVIEW_IN_PROGRESS', { tags: {} });
    fake.changeSet = addBucket;
    fake.onExecute = [{ status: 'CREATE_COMPLETE', outputs: OUTPUTS }];
    fake.install();
    const d = await deps();
    const result = await deployStack(request, h.ctx, d);
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe('CREATE');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(d.asked).toEqual([]);
    expect(result.operation).toBe('create');
  });

  it('ROLLBACK_COMPLETE asks, deletes the failed stack, waits, then creates', async () => {
    fake.withStack('ROLLBACK_COMPLETE', { tags: TAGS });
    fake.changeSet = addBucket;
    fake.onExecute = [{ status: 'CREATE_COMPLETE', outputs: OUTPUTS }];
    fake.install();
    const d = await deps();

    const result = await deployStack(request, h.ctx, d);

    expect(d.asked).toEqual([
      {
        action: 'delete-stack',
        stackName: STACK_NAME,
        status: 'ROLLBACK_COMPLETE',
        question: `Stack ${STACK_NAME} is left over from a failed install (ROLLBACK_COMPLETE) and holds no data. Delete it and install again?`,
        reason: `stack ${STACK_NAME} failed to create (ROLLBACK_COMPLETE) and can only be deleted`,
      },
    ]);
    expect(cfnMock.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([{ StackName: STACK_ID }]);
    const calls = cfnMock.calls().map((c) => c.args[0].constructor.name);
    expect(calls.indexOf('DeleteStackCommand')).toBeLessThan(calls.indexOf('CreateChangeSetCommand'));
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe('CREATE');
    expect(result.operation).toBe('create');
  });

  it('ROLLBACK_COMPLETE declined: nothing is deleted or deployed', async () => {
    fake.withStack('ROLLBACK_COMPLETE', { tags: TAGS });
    fake.install();
    const err = await failure(deployStack(request, h.ctx, await deps({ confirm: () => Promise.resolve(false) })));
    expect(err.kind).toBe('abort');
    expect(err.message).toBe(`Nothing was changed: stack ${STACK_NAME} is still ROLLBACK_COMPLETE.`);
    expect(err.resolution).toContain('apigw-log-analytics uninstall --project shop');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(cfnMock.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it.each(['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'])(
    '%s: waits for the other operation, then updates',
    async (busy) => {
      fake.withStack(busy, { tags: TAGS });
      fake.running = [{ status: busy }, { status: busy }, { status: 'UPDATE_COMPLETE' }];
      fake.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Modify', 'Table', 'AWS::Glue::Table', 'False')] };
      fake.onExecute = [{ status: 'UPDATE_COMPLETE' }];
      fake.install();
      const d = await deps();
      const result = await deployStack(request, h.ctx, d);
      expect(d.asked).toEqual([]);
      expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe('UPDATE');
      expect(result.operation).toBe('update');
      expect(h.out('stderr')).toContain(`Waiting for stack ${STACK_NAME} to finish ${busy}`);
    },
  );

  it('DELETE_IN_PROGRESS: waits until the stack is gone, then creates', async () => {
    fake.withStack('DELETE_IN_PROGRESS', { tags: TAGS });
    fake.running = [{ status: 'DELETE_IN_PROGRESS' }, { status: 'DELETE_COMPLETE' }];
    fake.changeSet = addBucket;
    fake.onExecute = [{ status: 'CREATE_COMPLETE' }];
    fake.install();
    const result = await deployStack(request, h.ctx, await deps());
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe('CREATE');
    expect(result.operation).toBe('create');
  });

  it('UPDATE_ROLLBACK_FAILED: asks, continues the rollback, then updates', async () => {
    fake.withStack('UPDATE_ROLLBACK_FAILED', { tags: TAGS });
    fake.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Modify', 'Table', 'AWS::Glue::Table', 'False')] };
    fake.onExecute = [{ status: 'UPDATE_COMPLETE' }];
    fake.install();
    const d = await deps();
    const result = await deployStack(request, h.ctx, d);
    expect(d.asked.map((s) => s.action)).toEqual(['continue-rollback']);
    expect(cfnMock.commandCalls(ContinueUpdateRollbackCommand).map((c) => c.args[0].input)).toEqual([{ StackName: STACK_ID }]);
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe('UPDATE');
    expect(result.operation).toBe('update');
  });

  it('UPDATE_ROLLBACK_FAILED that cannot be rolled back: names the stuck resources and the skip command', async () => {
    fake.withStack('UPDATE_ROLLBACK_FAILED', { tags: TAGS });
    fake.onContinueRollback = [
      { status: 'UPDATE_ROLLBACK_IN_PROGRESS' },
      { status: 'UPDATE_ROLLBACK_FAILED', events: [['Dashboard', 'AWS::QuickSight::Dashboard', 'UPDATE_FAILED', 'Dashboard was deleted outside CloudFormation']] },
    ];
    fake.install();
    const err = await failure(deployStack(request, h.ctx, await deps()));
    expect(err.code).toBe('RollbackFailed');
    expect(err.details).toEqual(['Dashboard (AWS::QuickSight::Dashboard) UPDATE_FAILED: Dashboard was deleted outside CloudFormation']);
    expect(err.resolution).toContain(`aws cloudformation continue-update-rollback --stack-name ${STACK_NAME} --resources-to-skip Dashboard`);
    expect(cfnMock.commandCalls(ContinueUpdateRollbackCommand)).toHaveLength(1);
    expect(cfnMock.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it('DELETE_FAILED: asks, retries the deletion, then creates', async () => {
    fake.withStack('DELETE_FAILED', { tags: TAGS });
    fake.changeSet = addBucket;
    fake.onExecute = [{ status: 'CREATE_COMPLETE' }];
    fake.install();
    const d = await deps();
    const result = await deployStack(request, h.ctx, d);
    expect(d.asked.map((s) => [s.action, s.status])).toEqual([['delete-stack', 'DELETE_FAILED']]);
    // A plain retry: never forced, nothing retained without the user choosing it (that is uninstall's job).
    expect(cfnMock.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([{ StackName: STACK_ID }]);
    expect(result.operation).toBe('create');
  });

  it('DELETE_FAILED again: lists what is stuck and points to uninstall', async () => {
    fake.withStack('DELETE_FAILED', { tags: TAGS });
    fake.onDelete = [
      { status: 'DELETE_IN_PROGRESS' },
      { status: 'DELETE_FAILED', events: [['LogBucket', 'AWS::S3::Bucket', 'DELETE_FAILED', 'The bucket you tried to delete is not empty']] },
    ];
    fake.install();
    const err = await failure(deployStack(request, h.ctx, await deps()));
    expect(err.code).toBe('StackDeleteFailed');
    expect(err.details).toEqual(['LogBucket (AWS::S3::Bucket) DELETE_FAILED: The bucket you tried to delete is not empty']);
    expect(err.resolution).toContain('apigw-log-analytics uninstall --project shop');
    expect(cfnMock.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });
});

describe('removeStack', () => {
  it('deletes, follows the events and reports deleted', async () => {
    fake.withStack('CREATE_COMPLETE', { tags: TAGS });
    fake.onDelete = [
      { status: 'DELETE_IN_PROGRESS', events: [['DeliveryStream', 'AWS::KinesisFirehose::DeliveryStream', 'DELETE_COMPLETE']] },
      { status: 'DELETE_COMPLETE' },
    ];
    fake.install();
    const result = await removeStack({ stackName: STACK_NAME, project: 'shop' }, h.ctx, await deps());
    expect(result).toEqual({ outcome: 'deleted', stackId: STACK_ID, failures: [] });
    expect(h.out('stderr')).toMatch(/AWS::KinesisFirehose::DeliveryStream\s+DeliveryStream\s+DELETE_COMPLETE/);
  });

  it('returns the resources that could not be deleted, and passes retain/force options through', async () => {
    fake.withStack('DELETE_FAILED', { tags: TAGS });
    fake.onDelete = [
      { status: 'DELETE_IN_PROGRESS' },
      { status: 'DELETE_FAILED', events: [['LogBucket', 'AWS::S3::Bucket', 'DELETE_FAILED', 'The bucket you tried to delete is not empty']] },
    ];
    fake.install();
    const result = await removeStack({ stackName: STACK_NAME, retainResources: ['LogBucket'], forceDelete: true }, h.ctx, await deps());
    expect(cfnMock.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: STACK_ID, RetainResources: ['LogBucket'], DeletionMode: 'FORCE_DELETE_STACK' },
    ]);
    expect(result.outcome).toBe('failed');
    expect(result.failures).toEqual([
      { logicalId: 'LogBucket', resourceType: 'AWS::S3::Bucket', status: 'DELETE_FAILED', reason: 'The bucket you tried to delete is not empty', physicalId: 'logbucket-physical' },
    ]);
  });

  it('is a no-op for a stack that does not exist', async () => {
    fake.install();
    const result = await removeStack({ stackName: STACK_NAME }, h.ctx, await deps());
    expect(result).toEqual({ outcome: 'not-found', failures: [] });
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });
});
