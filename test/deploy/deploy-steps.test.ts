/**
 * The deploy engine's steps that are decisions on their own (no AWS), and its port: the engine
 * reports only through the context's IoHost, so a host that records shows everything it says.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetBucketTaggingCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { StackEventSummary } from '../../src/aws/cloudformation.js';
import { assertOurStack, changeSetFailure, changeSetType, deployStack, executionWaitError } from '../../src/core/deploy.js';
import type { IoHost, StackOperation } from '../../src/core/io-host.js';
import { CancelledError, UserError, isAppError } from '../../src/errors.js';
import { cliIoHost } from '../../src/ui/io-host.js';
import { createTestContext } from '../helpers/context.js';
import { ACCOUNT, FakeCloudFormation, STACK_NAME, change } from './fake-cloudformation.js';

const cmd = {
  init: 'apigw-log-analytics init --project shop',
  status: 'apigw-log-analytics status --project shop',
  uninstall: 'apigw-log-analytics uninstall --project shop',
};

function event(logicalId: string, status: string, reason?: string): StackEventSummary {
  return {
    eventId: logicalId,
    stackId: 'id',
    stackName: STACK_NAME,
    logicalId,
    resourceType: 'AWS::Lambda::Function',
    status,
    timestamp: new Date(Date.UTC(2026, 10, 25, 12, 0, 0)),
    isStackEvent: false,
    ...(reason ? { reason } : {}),
  };
}

describe('changeSetType', () => {
  it('creates when there is no stack or only the empty stack of an unexecuted CREATE change set', () => {
    expect(changeSetType(null)).toBe('CREATE');
    expect(changeSetType({ status: 'REVIEW_IN_PROGRESS' })).toBe('CREATE');
  });

  it('updates a stack that exists', () => {
    expect(changeSetType({ status: 'UPDATE_ROLLBACK_COMPLETE' })).toBe('UPDATE');
    expect(changeSetType({ status: 'CREATE_COMPLETE' })).toBe('UPDATE');
  });
});

describe('assertOurStack', () => {
  const ours = { 'apigw-log-analytics:project': 'shop' };

  it('accepts the project’s own stack, an empty REVIEW_IN_PROGRESS stack, and any stack when no project is asked for', () => {
    expect(() => assertOurStack({ status: 'CREATE_COMPLETE', tags: ours }, 'shop', STACK_NAME)).not.toThrow();
    expect(() => assertOurStack({ status: 'REVIEW_IN_PROGRESS', tags: {} }, 'shop', STACK_NAME)).not.toThrow();
    expect(() => assertOurStack({ status: 'CREATE_COMPLETE', tags: {} }, undefined, STACK_NAME)).not.toThrow();
  });

  it('refuses a stack of that name that belongs to another project or to nobody', () => {
    for (const tags of [{ 'apigw-log-analytics:project': 'orders' }, {}] as Array<Record<string, string>>) {
      let err: unknown;
      try {
        assertOurStack({ status: 'UPDATE_COMPLETE', tags }, 'shop', STACK_NAME);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).code).toBe('StackNotOurs');
      expect((err as UserError).message).toBe(`A stack named ${STACK_NAME} already exists, and it is not the apigw-log-analytics installation of project "shop".`);
    }
  });
});

describe('changeSetFailure', () => {
  it('says nothing was changed for an update and nothing was created for a create, with the reason and the change set', () => {
    const update = changeSetFailure(STACK_NAME, { type: 'UPDATE', name: 'cs-1' }, { status: 'FAILED', statusReason: 'Access denied' }, cmd);
    expect(update.code).toBe('ChangeSetFailed');
    expect(update.message).toBe(`CloudFormation could not prepare the changes to stack ${STACK_NAME}: Access denied`);
    expect(update.details).toEqual(['Change set cs-1: FAILED']);
    expect(update.resolution).toMatch(/^Nothing was changed\. .*`apigw-log-analytics status --project shop` shows the installation\.$/);

    const create = changeSetFailure(STACK_NAME, { type: 'CREATE', name: 'cs-2' }, { status: 'FAILED' }, cmd);
    expect(create.message).toBe(`CloudFormation could not prepare the changes to stack ${STACK_NAME}: FAILED`);
    expect(create.resolution).toMatch(/^Nothing was created\. .*run `apigw-log-analytics init --project shop` again\.$/);
  });
});

describe('executionWaitError', () => {
  const d = { name: STACK_NAME, cmd, timing: { stackMaxWaitMs: 90 * 60_000 } };

  it('turns Ctrl+C into "still creating/updating, run init again"', () => {
    const e = executionWaitError(new CancelledError('Cancelled.'), d, 'Updating', []);
    expect(isAppError(e) && e.kind).toBe('cancel');
    expect((e as CancelledError).message).toBe(`Stopped watching. CloudFormation is still updating stack ${STACK_NAME}; it finishes (or rolls back) on its own.`);
    expect((e as CancelledError).resolution).toBe('Run `apigw-log-analytics init --project shop` again: it waits for the stack to settle, then finishes the job.');
  });

  it('turns the wait limit into WaitTimeout with the minutes and the failures seen so far', () => {
    const timeout = new UserError('WaitTimeout', 'Timed out.');
    const e = executionWaitError(timeout, d, 'Creating', [event('Enricher', 'CREATE_FAILED', 'Rate exceeded')]) as UserError;
    expect(e).not.toBe(timeout);
    expect(e.code).toBe('WaitTimeout');
    expect(e.message).toBe(`Stopped waiting for stack ${STACK_NAME} after 90 min; CloudFormation is still working on it.`);
    expect(e.details).toHaveLength(1);
    expect(e.details[0]).toContain('Rate exceeded');
  });

  it('passes any other error through unchanged', () => {
    const other = new Error('socket hang up');
    expect(executionWaitError(other, d, 'Creating', [])).toBe(other);
  });
});

describe('the IoHost port', () => {
  const cfnMock = mockClient(CloudFormationClient);
  const s3Mock = mockClient(S3Client);

  beforeEach(() => {
    cfnMock.reset();
    s3Mock.reset();
    s3Mock.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'apigw-log-analytics:purpose', Value: 'artifacts' }] });
    s3Mock.on(PutObjectCommand).resolves({});
  });

  /** A host that records what the engine reports and runs the work as the terminal one would. */
  function recordingHost() {
    const said: string[] = [];
    const operations: Array<StackOperation<unknown>> = [];
    const host: IoHost = {
      async step(title, work, done) {
        said.push(`step: ${title}`);
        const value = await work();
        if (done) said.push(`done: ${done(value)}`);
        return value;
      },
      info: (m) => said.push(`info: ${m}`),
      success: (m) => said.push(`success: ${m}`),
      debug: (m) => said.push(`debug: ${m}`),
      async monitorStack(operation, watch) {
        operations.push(operation as StackOperation<unknown>);
        said.push(`monitor: ${operation.verb} ${operation.stackName} (${operation.total ?? '?'})`);
        const value = await watch({ push: (events) => said.push(...events.map((e) => `event: ${e.logicalId} ${e.status}`)) });
        said.push(`monitor end: ${operation.done?.(value) ?? ''}`);
        return value;
      },
    };
    return { host, said, operations };
  }

  it('deployStack writes nothing to the terminal itself: every line goes through the host it is given', async () => {
    const h = createTestContext({ region: 'us-east-1' });
    const fake = new FakeCloudFormation(cfnMock);
    fake.changeSet = { pendingPolls: 0, status: 'CREATE_COMPLETE', changes: [change('Add', 'LogBucket', 'AWS::S3::Bucket')] };
    fake.onExecute = [{ status: 'CREATE_COMPLETE', events: [['LogBucket', 'AWS::S3::Bucket', 'CREATE_COMPLETE']] }];
    fake.install();
    const aws = await h.ctx.aws();
    const { host, said, operations } = recordingHost();

    const result = await deployStack(
      { stackName: STACK_NAME, account: ACCOUNT, templateBody: '{}', parameters: {}, tags: { 'apigw-log-analytics:project': 'shop' }, project: 'shop' },
      { ...h.ctx, ioHost: host },
      { cfn: await aws.cloudFormation(), s3: await aws.s3(), confirm: () => Promise.resolve(true) },
    );

    expect(result.operation).toBe('create');
    expect(h.out('stderr')).toBe('');
    expect(h.out('stdout')).toBe('');
    expect(said.filter((l) => !l.startsWith('debug: '))).toEqual([
      'step: Staging the template in S3',
      expect.stringMatching(/^done: Staged the template \(0 KB\) in s3:\/\/apigw-log-analytics-artifacts-/),
      `step: Creating a change set for stack ${STACK_NAME}`,
      `info: Stack ${STACK_NAME} will be created: 1 to add`,
      `info:   + ${'AWS::S3::Bucket'.padEnd(34)} LogBucket`,
      `monitor: Creating ${STACK_NAME} (1)`,
      'event: LogBucket CREATE_COMPLETE',
      `event: ${STACK_NAME} CREATE_COMPLETE`,
      `monitor end: Stack ${STACK_NAME} created (CREATE_COMPLETE)`,
    ]);
    expect(operations[0]!.succeeded?.({ status: 'CREATE_COMPLETE' })).toBe(true);
    expect(operations[0]!.succeeded?.({ status: 'ROLLBACK_COMPLETE' })).toBe(false);
    expect(operations[0]!.succeeded?.(null)).toBe(false);
  });

  it('the terminal host (cliIoHost) prints a step and a stack operation the way Io and the stack progress view do', async () => {
    const h = createTestContext();
    const host = cliIoHost(h.ctx.io);

    await host.step('Staging', () => Promise.resolve(3), (n) => `Staged ${n}`);
    host.info('a line');
    await host.monitorStack({ stackName: 's', verb: 'Deleting', succeeded: () => true, done: () => 'Stack s deleted' }, (feed) => {
      feed.push([event('Fn', 'DELETE_COMPLETE')]);
      return Promise.resolve(null);
    });

    const err = h.out('stderr');
    expect(err).toContain('Staged 3');
    expect(err).toContain('a line');
    expect(err).toMatch(/ {2}12:00:00 {2}AWS::Lambda::Function +Fn +DELETE_COMPLETE/);
    expect(err).toContain('Stack s deleted');
  });
});
