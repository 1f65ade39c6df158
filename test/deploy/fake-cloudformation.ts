/**
 * A small in-memory CloudFormation behind aws-sdk-client-mock: one stack, its event history
 * (DescribeStackEvents newest first, paged by 100 like the service), and scripted operations. An
 * operation (execute, delete, continue rollback) advances one step per DescribeStacks poll, so a
 * test says what the stack goes through and the engine discovers it the way it would in AWS.
 */
import type { AwsStub } from 'aws-sdk-client-mock';
import {
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Change,
  type Stack,
  type StackEvent,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type CloudFormationClientResolvedConfig,
} from '@aws-sdk/client-cloudformation';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const STACK_NAME = 'apigw-log-analytics-shop';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK_NAME}/0a1b2c3d`;
export const CS_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/cs/9f8e7d`;

/** [logicalId, resourceType, status, reason?] */
export type EventSpec = [string, string, string, string?];

export interface Step {
  /** The stack's status after this step. */
  status: string;
  reason?: string;
  events?: EventSpec[];
  outputs?: Record<string, string>;
  /** Runs when the step is applied (for example: press Ctrl+C). */
  onApply?: () => void;
}

export interface ChangeSetScript {
  /** DescribeChangeSet answers CREATE_IN_PROGRESS this many times first. */
  pendingPolls?: number;
  status: 'CREATE_COMPLETE' | 'FAILED';
  reason?: string;
  changes?: Change[];
  /** Returned in pages of this size (NextToken). */
  pageSize?: number;
}

interface StackState {
  status: string;
  reason?: string;
  tags: Record<string, string>;
  outputs: Record<string, string>;
  parameters?: Record<string, string>;
}

const T0 = Date.UTC(2026, 10, 25, 11, 0, 0);

export class FakeCloudFormation {
  stack: StackState | null = null;
  /** Oldest first. */
  history: StackEvent[] = [];
  changeSet: ChangeSetScript = { status: 'CREATE_COMPLETE', changes: [] };
  onExecute: Step[] = [];
  onDelete: Step[] = [{ status: 'DELETE_IN_PROGRESS' }, { status: 'DELETE_COMPLETE' }];
  onContinueRollback: Step[] = [{ status: 'UPDATE_ROLLBACK_IN_PROGRESS' }, { status: 'UPDATE_ROLLBACK_COMPLETE' }];
  /** Steps applied while the stack is busy before the deploy starts (an operation someone else runs). */
  running: Step[] = [];
  private clock = T0;
  private seq = 0;
  private changeSetPolls = 0;
  private changeSetCreatedAt: Date | undefined;

  constructor(private readonly mock: AwsStub<ServiceInputTypes, ServiceOutputTypes, CloudFormationClientResolvedConfig>) {}

  /** A stack that already exists, with an event history. */
  withStack(status: string, options: { tags?: Record<string, string>; outputs?: Record<string, string>; reason?: string; events?: EventSpec[] } = {}): this {
    this.stack = { status, tags: options.tags ?? { 'apigw-log-analytics:project': 'shop' }, outputs: options.outputs ?? {} };
    if (options.reason) this.stack.reason = options.reason;
    this.event(STACK_NAME, 'AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS', 'User Initiated');
    for (const e of options.events ?? []) this.event(...e);
    this.event(STACK_NAME, 'AWS::CloudFormation::Stack', status);
    return this;
  }

  event(logicalId: string, type: string, status: string, reason?: string): void {
    this.clock += 1000;
    const isStack = logicalId === STACK_NAME;
    this.history.push({
      StackId: STACK_ID,
      StackName: STACK_NAME,
      EventId: `ev-${++this.seq}`,
      LogicalResourceId: logicalId,
      PhysicalResourceId: isStack ? STACK_ID : `${logicalId.toLowerCase()}-physical`,
      ResourceType: type,
      ResourceStatus: status as StackEvent['ResourceStatus'],
      Timestamp: new Date(this.clock),
      ...(reason ? { ResourceStatusReason: reason } : {}),
    });
  }

  private apply(step: Step): void {
    for (const e of step.events ?? []) this.event(...e);
    this.event(STACK_NAME, 'AWS::CloudFormation::Stack', step.status, step.reason);
    if (this.stack) {
      this.stack.status = step.status;
      if (step.reason) this.stack.reason = step.reason;
      else delete this.stack.reason;
      if (step.outputs) this.stack.outputs = step.outputs;
    }
    step.onApply?.();
  }

  private missing(id: string): Error {
    return Object.assign(new Error(`Stack with id ${id} does not exist`), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
  }

  /** Other stacks of the account, returned by listings only. */
  otherStacks: Stack[] = [];
  private pendingParameters: Record<string, string> = {};

  private describe(): Stack {
    const st = this.stack as StackState;
    return {
      StackName: STACK_NAME,
      StackId: STACK_ID,
      StackStatus: st.status as Stack['StackStatus'],
      CreationTime: new Date(T0),
      ...(st.reason ? { StackStatusReason: st.reason } : {}),
      Tags: Object.entries(st.tags).map(([Key, Value]) => ({ Key, Value })),
      Outputs: Object.entries(st.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      Parameters: Object.entries(st.parameters ?? {}).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    };
  }

  install(): this {
    const m = this.mock;
    m.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
      const next = this.running.shift();
      if (next) this.apply(next);
      if (input.StackName === undefined) {
        // A listing (no name): every stack that is not deleted, like the service.
        const mine = this.stack && this.stack.status !== 'DELETE_COMPLETE' ? [this.describe()] : [];
        return { Stacks: [...mine, ...this.otherStacks] };
      }
      const byId = input.StackName === STACK_ID;
      if (!this.stack || (!byId && this.stack.status === 'DELETE_COMPLETE') || (input.StackName !== STACK_NAME && !byId)) {
        throw this.missing(input.StackName ?? '');
      }
      return { Stacks: [this.describe()] };
    });
    m.on(CreateChangeSetCommand).callsFake((input: { ChangeSetType?: string; Tags?: Array<{ Key: string; Value: string }>; Parameters?: Array<{ ParameterKey?: string; ParameterValue?: string }> }) => {
      this.pendingParameters = Object.fromEntries((input.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? '']));
      if (input.ChangeSetType === 'CREATE') {
        if (this.stack && this.stack.status !== 'REVIEW_IN_PROGRESS' && this.stack.status !== 'DELETE_COMPLETE') {
          throw Object.assign(new Error(`Stack [${STACK_NAME}] already exists`), { name: 'AlreadyExistsException', $metadata: { httpStatusCode: 400 } });
        }
        if (!this.stack || this.stack.status === 'DELETE_COMPLETE') {
          this.stack = { status: 'REVIEW_IN_PROGRESS', tags: Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value])), outputs: {} };
          this.event(STACK_NAME, 'AWS::CloudFormation::Stack', 'REVIEW_IN_PROGRESS', 'User Initiated');
        }
      }
      this.clock += 1000;
      this.changeSetCreatedAt = new Date(this.clock);
      return { Id: CS_ID, StackId: STACK_ID };
    });
    m.on(DescribeChangeSetCommand).callsFake((input: { NextToken?: string }) => {
      const cs = this.changeSet;
      const base = {
        ChangeSetId: CS_ID,
        ChangeSetName: 'cs',
        StackId: STACK_ID,
        StackName: STACK_NAME,
        CreationTime: this.changeSetCreatedAt,
      };
      if (this.changeSetPolls++ < (cs.pendingPolls ?? 0)) return { ...base, Status: 'CREATE_IN_PROGRESS', ExecutionStatus: 'UNAVAILABLE' };
      const changes = cs.changes ?? [];
      const size = cs.pageSize ?? 1000;
      const offset = input.NextToken ? Number(input.NextToken) : 0;
      const page = changes.slice(offset, offset + size);
      return {
        ...base,
        Status: cs.status,
        ExecutionStatus: cs.status === 'CREATE_COMPLETE' ? 'AVAILABLE' : 'UNAVAILABLE',
        ...(cs.reason ? { StatusReason: cs.reason } : {}),
        Changes: page,
        ...(offset + size < changes.length ? { NextToken: String(offset + size) } : {}),
      };
    });
    m.on(ExecuteChangeSetCommand).callsFake(() => {
      if (this.stack) this.stack.parameters = this.pendingParameters;
      this.running = [...this.onExecute];
      return {};
    });
    m.on(DeleteChangeSetCommand).resolves({});
    m.on(DeleteStackCommand).callsFake(() => {
      if (this.stack?.status === 'REVIEW_IN_PROGRESS') this.stack.status = 'DELETE_COMPLETE';
      else this.running = [...this.onDelete];
      return {};
    });
    m.on(ContinueUpdateRollbackCommand).callsFake(() => {
      this.running = [...this.onContinueRollback];
      return {};
    });
    m.on(DescribeStackEventsCommand).callsFake((input: { NextToken?: string }) => {
      if (!this.stack) throw this.missing(STACK_NAME);
      const newestFirst = [...this.history].reverse();
      const offset = input.NextToken ? Number(input.NextToken) : 0;
      const page = newestFirst.slice(offset, offset + 100);
      return { StackEvents: page, ...(offset + 100 < newestFirst.length ? { NextToken: String(offset + 100) } : {}) };
    });
    return this;
  }
}

export function change(action: 'Add' | 'Modify' | 'Remove', logicalId: string, type: string, replacement?: 'True' | 'False' | 'Conditional'): Change {
  return {
    Type: 'Resource',
    ResourceChange: {
      Action: action,
      LogicalResourceId: logicalId,
      ResourceType: type,
      ...(replacement ? { Replacement: replacement } : {}),
      ...(action === 'Modify' ? { Scope: ['Properties'] } : {}),
    },
  };
}
