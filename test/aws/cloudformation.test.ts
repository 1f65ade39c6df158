import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import type { CloudFormationApi } from '../../src/aws/cloudformation.js';
import { isAppError, type AppError } from '../../src/errors.js';
import { createTestContext, type TestHarness } from '../helpers/context.js';

const cfn = mockClient(CloudFormationClient);
const NAME = 'apigw-log-analytics-shop';
const ID = `arn:aws:cloudformation:us-east-1:111122223333:stack/${NAME}/abc`;

let h: TestHarness;
let api: CloudFormationApi;

beforeEach(async () => {
  cfn.reset();
  h = createTestContext();
  api = await (await h.ctx.aws()).cloudFormation();
});

const missing = () => Object.assign(new Error(`Stack with id ${NAME} does not exist`), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } });

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

function events(from: number, to: number, baseSeconds = 0): StackEvent[] {
  // Newest first, as DescribeStackEvents returns them.
  const out: StackEvent[] = [];
  for (let i = to; i >= from; i--) {
    out.push({
      StackId: ID,
      StackName: NAME,
      EventId: `e${i}`,
      LogicalResourceId: `R${i}`,
      ResourceType: 'AWS::S3::Bucket',
      ResourceStatus: 'CREATE_COMPLETE',
      Timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, baseSeconds + i)),
    });
  }
  return out;
}

describe('describeStack', () => {
  it('returns null for the "does not exist" ValidationError', async () => {
    cfn.on(DescribeStacksCommand).rejects(missing());
    expect(await api.describeStack(NAME)).toBeNull();
  });

  it('maps other errors to a UserError naming the action', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('User: x is not authorized to perform: cloudformation:DescribeStacks on resource: y'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const err = await failure(api.describeStack(NAME));
    expect(err.code).toBe('AccessDenied');
    expect(err.resolution).toContain('cloudformation:DescribeStacks');
  });

  it('maps a stack to plain data', async () => {
    cfn.on(DescribeStacksCommand, { StackName: NAME }).resolves({
      Stacks: [
        {
          StackName: NAME,
          StackId: ID,
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date('2026-01-01T00:00:00Z'),
          LastUpdatedTime: new Date('2026-02-01T00:00:00Z'),
          Outputs: [{ OutputKey: 'LogBucketName', OutputValue: 'b' }],
          Tags: [{ Key: 'apigw-log-analytics:project', Value: 'shop' }],
        },
      ],
    });
    expect(await api.describeStack(NAME)).toEqual({
      stackName: NAME,
      stackId: ID,
      status: 'UPDATE_COMPLETE',
      outputs: { LogBucketName: 'b' },
      tags: { 'apigw-log-analytics:project': 'shop' },
      parameters: {},
      lastUpdated: new Date('2026-02-01T00:00:00Z'),
    });
  });
});

describe('describeChangeSet', () => {
  it('reads every page of Changes', async () => {
    const rc = (id: string, action: 'Add' | 'Modify') => ({ Type: 'Resource' as const, ResourceChange: { Action: action, LogicalResourceId: id, ResourceType: 'AWS::IAM::Role' } });
    cfn
      .on(DescribeChangeSetCommand, { NextToken: undefined })
      .resolves({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', ChangeSetId: 'cs-id', Changes: [rc('A', 'Add')], NextToken: 't2' })
      .on(DescribeChangeSetCommand, { NextToken: 't2' })
      .resolves({ Status: 'CREATE_COMPLETE', Changes: [rc('B', 'Modify')] });
    const cs = await api.describeChangeSet(ID, 'cs');
    expect(cs.changes.map((c) => [c.action, c.logicalId])).toEqual([
      ['Add', 'A'],
      ['Modify', 'B'],
    ]);
    expect(cfn.commandCalls(DescribeChangeSetCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: ID, ChangeSetName: 'cs', NextToken: undefined },
      { StackName: ID, ChangeSetName: 'cs', NextToken: 't2' },
    ]);
  });
});

describe('stackEvents', () => {
  it('pages back to the given event id and returns oldest first', async () => {
    cfn
      .on(DescribeStackEventsCommand, { NextToken: undefined })
      .resolves({ StackEvents: events(101, 200), NextToken: 'p2' })
      .on(DescribeStackEventsCommand, { NextToken: 'p2' })
      .resolves({ StackEvents: events(1, 100), NextToken: 'p3' });
    const out = await api.stackEvents(ID, { afterEventId: 'e90' });
    expect(out.map((e) => e.eventId)).toEqual(Array.from({ length: 110 }, (_, i) => `e${i + 91}`));
    expect(cfn.commandCalls(DescribeStackEventsCommand)).toHaveLength(2); // never asked for p3
  });

  it('stops at events older than `since`', async () => {
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: events(1, 10), NextToken: 'more' });
    const out = await api.stackEvents(ID, { since: new Date(Date.UTC(2026, 0, 1, 0, 0, 8)) });
    expect(out.map((e) => e.eventId)).toEqual(['e8', 'e9', 'e10']);
    expect(cfn.commandCalls(DescribeStackEventsCommand)).toHaveLength(1);
  });

  it('is empty for a stack that does not exist', async () => {
    cfn.on(DescribeStackEventsCommand).rejects(missing());
    expect(await api.stackEvents(NAME)).toEqual([]);
  });

  it('marks the stack\'s own events', async () => {
    cfn.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        { StackId: ID, StackName: NAME, EventId: 'x', LogicalResourceId: NAME, PhysicalResourceId: ID, ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'CREATE_COMPLETE', Timestamp: new Date() },
      ],
    });
    expect((await api.stackEvents(ID))[0]).toMatchObject({ isStackEvent: true, logicalId: NAME, status: 'CREATE_COMPLETE' });
  });
});

describe('deleteStack and continueUpdateRollback', () => {
  it('send only the options asked for', async () => {
    cfn.on(DeleteStackCommand).resolves({});
    cfn.on(ContinueUpdateRollbackCommand).resolves({});
    await api.deleteStack(NAME);
    await api.deleteStack(NAME, { retainResources: ['LogBucket'] });
    await api.deleteStack(NAME, { forceDelete: true, clientRequestToken: 'tok' });
    await api.continueUpdateRollback(NAME, { resourcesToSkip: ['Dashboard'] });
    expect(cfn.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: NAME },
      { StackName: NAME, RetainResources: ['LogBucket'] },
      { StackName: NAME, DeletionMode: 'FORCE_DELETE_STACK', ClientRequestToken: 'tok' },
    ]);
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)[0]!.args[0].input).toEqual({ StackName: NAME, ResourcesToSkip: ['Dashboard'] });
  });
});

describe('waits', () => {
  const stack = (status: string) => ({ Stacks: [{ StackName: NAME, StackId: ID, StackStatus: status as 'CREATE_COMPLETE', CreationTime: new Date() }] });

  it('waitForStackStable polls with the injected sleep until the stack settles, reporting each poll', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('UPDATE_IN_PROGRESS'))
      .resolvesOnce(stack('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'))
      .resolves(stack('UPDATE_COMPLETE'));
    const polls: string[] = [];
    const s = await api.waitForStackStable(ID, { pollMs: 3000, onPoll: (x) => void polls.push(x?.status ?? 'gone') });
    expect(s?.status).toBe('UPDATE_COMPLETE');
    expect(polls).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE']);
    expect(h.clock.sleeps).toEqual([3000, 3000]);
  });

  it('waitForStackStable returns null when the stack is gone, and stops at REVIEW_IN_PROGRESS unless told otherwise', async () => {
    cfn.on(DescribeStacksCommand).rejectsOnce(missing()).resolves(stack('REVIEW_IN_PROGRESS'));
    expect(await api.waitForStackStable(NAME)).toBeNull();
    expect((await api.waitForStackStable(NAME))?.status).toBe('REVIEW_IN_PROGRESS');
  });

  it('gives up after the maximum wait with a WaitTimeout error', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('CREATE_IN_PROGRESS'));
    const err = await failure(api.waitForStackStable(ID, { pollMs: 60_000, maxWaitMs: 5 * 60_000 }));
    expect(err.code).toBe('WaitTimeout');
    expect(err.message).toBe(`Gave up waiting for stack ${NAME} after 5 min.`);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(6);
  });

  it('stops with CancelledError when the signal is aborted, even if sleep itself does not reject', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('CREATE_IN_PROGRESS'));
    let polls = 0;
    const err = await failure(
      api.waitForStackStable(ID, {
        signal: h.abort.signal,
        onPoll: () => {
          if (++polls === 3) h.abort.abort();
        },
      }),
    );
    expect(err.kind).toBe('cancel');
    expect(polls).toBe(3);
  });

  it('turns a real sleep rejected by Ctrl+C into CancelledError', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('CREATE_IN_PROGRESS'));
    const sleep = () => {
      h.abort.abort();
      return Promise.reject(new Error('timer aborted'));
    };
    const err = await failure(api.waitForStackStable(ID, { signal: h.abort.signal, sleep }));
    expect(err.kind).toBe('cancel');
  });

  it('waitForChangeSet returns a FAILED change set instead of throwing, reading one page while pending', async () => {
    cfn
      .on(DescribeChangeSetCommand)
      .resolvesOnce({ Status: 'CREATE_PENDING', NextToken: 'x' })
      .resolvesOnce({ Status: 'CREATE_IN_PROGRESS', NextToken: 'x' })
      .resolves({ Status: 'FAILED', StatusReason: "The submitted information didn't contain changes." });
    const cs = await api.waitForChangeSet(ID, 'cs');
    expect(cs).toMatchObject({ status: 'FAILED', statusReason: "The submitted information didn't contain changes." });
    expect(cfn.commandCalls(DescribeChangeSetCommand).every((c) => c.args[0].input.NextToken === undefined)).toBe(true);
    expect(h.clock.sleeps).toEqual([2000, 2000]);
  });
});
