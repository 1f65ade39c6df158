/**
 * CloudFormation adapter: the calls the deploy engine, `status` and `uninstall` make, each mapped
 * to plain data, and the polling waits. The waits are ours rather than the SDK waiters: they use
 * the run's injectable sleep and clock (tests run instantly on a virtual clock), stop on Ctrl+C,
 * report each poll, and return the final state instead of throwing on a FAILED change set.
 */
import {
  CloudFormationClient,
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
} from '@aws-sdk/client-cloudformation';
import type { ClientSettings } from './settings.js';
import { callAws } from './call.js';
import type { Now, Sleep } from './throttle.js';
import { CancelledError, UserError } from '../errors.js';

export interface StackSummary {
  stackName: string;
  stackId: string;
  status: string;
  statusReason?: string;
  tags: Record<string, string>;
  outputs: Record<string, string>;
  parameters: Record<string, string>;
  lastUpdated?: Date;
}

export interface CreateChangeSetRequest {
  stackName: string;
  /** Must match [a-zA-Z][-a-zA-Z0-9]*, at most 128 characters. */
  changeSetName: string;
  changeSetType: 'CREATE' | 'UPDATE';
  /** An https:// S3 URL of the staged template. */
  templateUrl: string;
  parameters?: Record<string, string>;
  tags?: Record<string, string>;
  description?: string;
}

export interface ChangeSetRef {
  changeSetId: string;
  stackId: string;
}

export interface ResourceChangeSummary {
  /** Add, Modify, Remove, Import, Dynamic, SyncWithActual. */
  action: string;
  logicalId: string;
  resourceType: string;
  physicalId?: string;
  /** For Modify: True, False or Conditional. */
  replacement?: string;
  /** For Modify: what changes (Properties, Tags, Metadata…). */
  scope: string[];
}

export interface ChangeSetDescription {
  changeSetId: string;
  changeSetName: string;
  stackId: string;
  stackName: string;
  /** CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, DELETE_*, FAILED. */
  status: string;
  statusReason?: string;
  /** UNAVAILABLE, AVAILABLE, EXECUTE_IN_PROGRESS, EXECUTE_COMPLETE, EXECUTE_FAILED, OBSOLETE. */
  executionStatus: string;
  creationTime?: Date;
  /** Every page of Changes. */
  changes: ResourceChangeSummary[];
}

export interface StackEventSummary {
  eventId: string;
  stackId: string;
  stackName: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  status: string;
  reason?: string;
  timestamp: Date;
  /** The event is about the stack itself, not one of its resources. */
  isStackEvent: boolean;
}

export interface DeleteStackOptions {
  /** Only for a stack in DELETE_FAILED: logical ids to leave behind. */
  retainResources?: string[];
  /** Only for a stack in DELETE_FAILED: DeletionMode FORCE_DELETE_STACK (every resource that failed is left behind). */
  forceDelete?: boolean;
  clientRequestToken?: string;
}

export interface StackEventsOptions {
  /** Stop at events older than this (server time, for example a change set's CreationTime). */
  since?: Date;
  /** Stop at this event (exclusive): the newest event already seen. */
  afterEventId?: string;
  /** Safety bound on pages read (100 events each). Default 50. */
  maxPages?: number;
}

export interface WaitOptions {
  /** Aborted on Ctrl+C: the wait stops with a CancelledError. */
  signal?: AbortSignal;
  /** Give up after this long (a UserError with code WaitTimeout). */
  maxWaitMs?: number;
  pollMs?: number;
  /** Overrides of the run's sleep and clock. */
  sleep?: Sleep;
  now?: Now;
}

export interface StackWaitOptions extends WaitOptions {
  /** Called after every poll with the stack as it is then (null when it does not exist). */
  onPoll?: (stack: StackSummary | null) => void | Promise<void>;
  /** Also wait while the stack is in REVIEW_IN_PROGRESS (right after ExecuteChangeSet on a new stack). */
  waitThroughReview?: boolean;
  /** Further statuses that are only a passage, such as CREATE_FAILED on the way to DELETE_COMPLETE for OnStackFailure DELETE. */
  passThrough?: readonly string[];
}

export interface CloudFormationApi {
  /** Every stack in the region that is not deleted (DescribeStacks, all pages). */
  listStacks(): Promise<StackSummary[]>;
  /** One stack by name or id, or null when it does not exist. By id, a deleted stack comes back as DELETE_COMPLETE. */
  describeStack(nameOrId: string): Promise<StackSummary | null>;
  /** Starts creating a change set (CAPABILITY_NAMED_IAM; a CREATE one deletes the stack if its creation fails). */
  createChangeSet(request: CreateChangeSetRequest): Promise<ChangeSetRef>;
  /** The change set with every page of its Changes. */
  describeChangeSet(stackNameOrId: string, changeSetNameOrId: string): Promise<ChangeSetDescription>;
  executeChangeSet(stackNameOrId: string, changeSetNameOrId: string, options?: { clientRequestToken?: string }): Promise<void>;
  deleteChangeSet(stackNameOrId: string, changeSetNameOrId: string): Promise<void>;
  deleteStack(stackNameOrId: string, options?: DeleteStackOptions): Promise<void>;
  continueUpdateRollback(stackNameOrId: string, options?: { resourcesToSkip?: string[]; clientRequestToken?: string }): Promise<void>;
  /** Events newer than `since` / `afterEventId`, oldest first. Empty when the stack does not exist. */
  stackEvents(stackNameOrId: string, options?: StackEventsOptions): Promise<StackEventSummary[]>;
  /** The id of the stack's newest event, the starting point for streaming an operation's events. */
  latestEventId(stackNameOrId: string): Promise<string | undefined>;
  /** Waits until the change set is no longer pending or being created; returns it (also when FAILED). */
  waitForChangeSet(stackNameOrId: string, changeSetNameOrId: string, options?: WaitOptions): Promise<ChangeSetDescription>;
  /** Waits until the stack is in no *_IN_PROGRESS state; returns it, or null when it does not exist. */
  waitForStackStable(stackNameOrId: string, options?: StackWaitOptions): Promise<StackSummary | null>;
}

export const CHANGE_SET_POLL_MS = 2_000;
export const STACK_POLL_MS = 5_000;
export const CHANGE_SET_MAX_WAIT_MS = 10 * 60_000;
export const STACK_MAX_WAIT_MS = 60 * 60_000;

export function toStackSummary(s: Stack): StackSummary {
  const tags: Record<string, string> = {};
  for (const t of s.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  const outputs: Record<string, string> = {};
  for (const o of s.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? '';
  const parameters: Record<string, string> = {};
  for (const p of s.Parameters ?? []) if (p.ParameterKey) parameters[p.ParameterKey] = p.ParameterValue ?? '';
  const out: StackSummary = {
    stackName: s.StackName ?? '',
    stackId: s.StackId ?? '',
    status: s.StackStatus ?? 'UNKNOWN',
    tags,
    outputs,
    parameters,
  };
  if (s.StackStatusReason) out.statusReason = s.StackStatusReason;
  const updated = s.LastUpdatedTime ?? s.CreationTime;
  if (updated) out.lastUpdated = updated;
  return out;
}

export function toResourceChange(c: Change): ResourceChangeSummary | undefined {
  const rc = c.ResourceChange;
  if (!rc) return undefined;
  const out: ResourceChangeSummary = {
    action: rc.Action ?? 'Unknown',
    logicalId: rc.LogicalResourceId ?? '',
    resourceType: rc.ResourceType ?? '',
    scope: rc.Scope ?? [],
  };
  if (rc.PhysicalResourceId) out.physicalId = rc.PhysicalResourceId;
  if (rc.Replacement) out.replacement = rc.Replacement;
  return out;
}

export function toStackEvent(e: StackEvent): StackEventSummary {
  const out: StackEventSummary = {
    eventId: e.EventId ?? '',
    stackId: e.StackId ?? '',
    stackName: e.StackName ?? '',
    logicalId: e.LogicalResourceId ?? '',
    resourceType: e.ResourceType ?? '',
    status: e.ResourceStatus ?? '',
    timestamp: e.Timestamp ?? new Date(0),
    isStackEvent: e.ResourceType === 'AWS::CloudFormation::Stack' && (e.PhysicalResourceId === e.StackId || e.LogicalResourceId === e.StackName),
  };
  if (e.PhysicalResourceId) out.physicalId = e.PhysicalResourceId;
  if (e.ResourceStatusReason) out.reason = e.ResourceStatusReason;
  return out;
}

/** The name inside a stack ARN (arn:…:stack/<name>/<uuid>), or the input when it is already a name. */
export function stackDisplayName(nameOrId: string): string {
  return /^arn:[^:]+:cloudformation:[^:]*:\d*:stack\/([^/]+)\//.exec(nameOrId)?.[1] ?? nameOrId;
}

/** CloudFormation's answer for a stack that is not there: a ValidationError "Stack with id X does not exist". */
export function isStackMissingError(e: unknown): boolean {
  const err = e as { name?: string; Code?: string; message?: string } | null;
  const name = err?.name === 'Error' ? err.Code : (err?.name ?? err?.Code);
  return name === 'ValidationError' && /does not exist/i.test(err?.message ?? '');
}


/**
 * Polls `check` until it returns a value (not undefined), sleeping `pollMs` between polls, up to
 * `maxWaitMs`. Checks the abort signal around every sleep, so a test sleep that never rejects still
 * cancels, and a real one (which rejects on abort) is turned into our CancelledError.
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { sleep: Sleep; now: Now; pollMs: number; maxWaitMs: number; signal?: AbortSignal | undefined },
): Promise<T> {
  const start = options.now();
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError(`Stopped waiting for ${what}.`);
    const value = await check();
    if (value !== undefined) return value;
    if (options.now() - start >= options.maxWaitMs) {
      const minutes = Math.round(options.maxWaitMs / 60_000);
      throw new UserError('WaitTimeout', `Gave up waiting for ${what} after ${minutes >= 1 ? `${minutes} min` : `${options.maxWaitMs} ms`}.`, {
        resolution: 'CloudFormation may still be working on it. Check with `apigw-log-analytics status`, then run the command again.',
      });
    }
    if (options.signal?.aborted) throw new CancelledError(`Stopped waiting for ${what}.`);
    try {
      await options.sleep(options.pollMs);
    } catch (e) {
      if (options.signal?.aborted) throw new CancelledError(`Stopped waiting for ${what}.`);
      throw e;
    }
  }
}

const CHANGE_SET_PENDING = new Set(['CREATE_PENDING', 'CREATE_IN_PROGRESS']);

export function createCloudFormation(settings: ClientSettings): CloudFormationApi {
  const client = new CloudFormationClient(settings.clientConfig);

  const describeStack = async (nameOrId: string): Promise<StackSummary | null> => {
    const out = await callAws(settings, `reading stack ${nameOrId} (cloudformation:DescribeStacks)`, async () => {
      try {
        return await client.send(new DescribeStacksCommand({ StackName: nameOrId }));
      } catch (e) {
        if (isStackMissingError(e)) return null;
        throw e;
      }
    });
    const stack = out?.Stacks?.[0];
    return stack ? toStackSummary(stack) : null;
  };

  const describeChangeSet = async (stack: string, changeSet: string, allPages: boolean): Promise<ChangeSetDescription> => {
    let token: string | undefined;
    let first: ChangeSetDescription | undefined;
    do {
      const page = await callAws(settings, `reading change set ${changeSet} (cloudformation:DescribeChangeSet)`, () =>
        client.send(new DescribeChangeSetCommand({ StackName: stack, ChangeSetName: changeSet, NextToken: token })),
      );
      const changes = (page.Changes ?? []).map(toResourceChange).filter((c): c is ResourceChangeSummary => c !== undefined);
      if (!first) {
        first = {
          changeSetId: page.ChangeSetId ?? changeSet,
          changeSetName: page.ChangeSetName ?? changeSet,
          stackId: page.StackId ?? stack,
          stackName: page.StackName ?? stack,
          status: page.Status ?? 'UNKNOWN',
          executionStatus: page.ExecutionStatus ?? 'UNAVAILABLE',
          changes,
        };
        if (page.StatusReason) first.statusReason = page.StatusReason;
        if (page.CreationTime) first.creationTime = page.CreationTime;
      } else {
        first.changes.push(...changes);
      }
      token = allPages ? page.NextToken : undefined;
    } while (token);
    return first;
  };

  const stackEvents = async (nameOrId: string, options: StackEventsOptions = {}): Promise<StackEventSummary[]> => {
    const newestFirst: StackEventSummary[] = [];
    const maxPages = options.maxPages ?? 50;
    let token: string | undefined;
    let pages = 0;
    outer: do {
      const page = await callAws(settings, `reading the events of stack ${nameOrId} (cloudformation:DescribeStackEvents)`, async () => {
        try {
          return await client.send(new DescribeStackEventsCommand({ StackName: nameOrId, NextToken: token }));
        } catch (e) {
          if (isStackMissingError(e)) return null;
          throw e;
        }
      });
      if (!page) break;
      pages++;
      for (const raw of page.StackEvents ?? []) {
        const event = toStackEvent(raw);
        if (options.afterEventId && event.eventId === options.afterEventId) break outer;
        if (options.since && event.timestamp.getTime() < options.since.getTime()) break outer;
        newestFirst.push(event);
      }
      token = page.NextToken;
    } while (token && pages < maxPages);
    return newestFirst.reverse();
  };

  const clock = (options: WaitOptions | undefined) => ({ sleep: options?.sleep ?? settings.sleep, now: options?.now ?? settings.now });

  return {
    async listStacks() {
      const stacks: StackSummary[] = [];
      let token: string | undefined;
      do {
        const page = await callAws(settings, 'listing CloudFormation stacks (cloudformation:DescribeStacks)', () =>
          client.send(new DescribeStacksCommand({ NextToken: token })),
        );
        for (const s of page.Stacks ?? []) stacks.push(toStackSummary(s));
        token = page.NextToken;
      } while (token);
      return stacks;
    },

    describeStack,

    async createChangeSet(request) {
      const out = await callAws(settings, `creating a change set for stack ${request.stackName} (cloudformation:CreateChangeSet)`, () =>
        client.send(
          new CreateChangeSetCommand({
            StackName: request.stackName,
            ChangeSetName: request.changeSetName,
            ChangeSetType: request.changeSetType,
            TemplateURL: request.templateUrl,
            Parameters: Object.entries(request.parameters ?? {}).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
            Tags: Object.entries(request.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
            Capabilities: ['CAPABILITY_NAMED_IAM'],
            // A failed first deployment removes itself instead of leaving a ROLLBACK_COMPLETE stack that can only be deleted.
            ...(request.changeSetType === 'CREATE' ? { OnStackFailure: 'DELETE' as const } : {}),
            ...(request.description ? { Description: request.description } : {}),
          }),
        ),
      );
      return { changeSetId: out.Id ?? request.changeSetName, stackId: out.StackId ?? request.stackName };
    },

    describeChangeSet: (stack, changeSet) => describeChangeSet(stack, changeSet, true),

    async executeChangeSet(stack, changeSet, options = {}) {
      await callAws(settings, `executing change set ${changeSet} (cloudformation:ExecuteChangeSet)`, () =>
        client.send(
          new ExecuteChangeSetCommand({
            StackName: stack,
            ChangeSetName: changeSet,
            ...(options.clientRequestToken ? { ClientRequestToken: options.clientRequestToken } : {}),
          }),
        ),
      );
    },

    async deleteChangeSet(stack, changeSet) {
      await callAws(settings, `deleting change set ${changeSet} (cloudformation:DeleteChangeSet)`, () =>
        client.send(new DeleteChangeSetCommand({ StackName: stack, ChangeSetName: changeSet })),
      );
    },

    async deleteStack(stack, options = {}) {
      await callAws(settings, `deleting stack ${stack} (cloudformation:DeleteStack)`, () =>
        client.send(
          new DeleteStackCommand({
            StackName: stack,
            ...(options.retainResources?.length ? { RetainResources: options.retainResources } : {}),
            ...(options.forceDelete ? { DeletionMode: 'FORCE_DELETE_STACK' as const } : {}),
            ...(options.clientRequestToken ? { ClientRequestToken: options.clientRequestToken } : {}),
          }),
        ),
      );
    },

    async continueUpdateRollback(stack, options = {}) {
      await callAws(settings, `continuing the rollback of stack ${stack} (cloudformation:ContinueUpdateRollback)`, () =>
        client.send(
          new ContinueUpdateRollbackCommand({
            StackName: stack,
            ...(options.resourcesToSkip?.length ? { ResourcesToSkip: options.resourcesToSkip } : {}),
            ...(options.clientRequestToken ? { ClientRequestToken: options.clientRequestToken } : {}),
          }),
        ),
      );
    },

    stackEvents,

    async latestEventId(stack) {
      const page = await callAws(settings, `reading the events of stack ${stack} (cloudformation:DescribeStackEvents)`, async () => {
        try {
          return await client.send(new DescribeStackEventsCommand({ StackName: stack }));
        } catch (e) {
          if (isStackMissingError(e)) return null;
          throw e;
        }
      });
      return page?.StackEvents?.[0]?.EventId;
    },

    async waitForChangeSet(stack, changeSet, options) {
      const { sleep, now } = clock(options);
      const pending = await pollUntil(
        `change set ${changeSet.split('/')[1] ?? changeSet} of stack ${stackDisplayName(stack)}`,
        async () => {
          // While it is being created, one page is enough to read its status.
          const cs = await describeChangeSet(stack, changeSet, false);
          return CHANGE_SET_PENDING.has(cs.status) ? undefined : cs;
        },
        { sleep, now, pollMs: options?.pollMs ?? CHANGE_SET_POLL_MS, maxWaitMs: options?.maxWaitMs ?? CHANGE_SET_MAX_WAIT_MS, signal: options?.signal },
      );
      return pending.status === 'CREATE_COMPLETE' ? describeChangeSet(stack, changeSet, true) : pending;
    },

    async waitForStackStable(stack, options) {
      const { sleep, now } = clock(options);
      const result = await pollUntil<{ stack: StackSummary | null }>(
        `stack ${stackDisplayName(stack)}`,
        async () => {
          const s = await describeStack(stack);
          await options?.onPoll?.(s);
          if (!s) return { stack: null };
          const busy =
            (s.status.endsWith('_IN_PROGRESS') && (s.status !== 'REVIEW_IN_PROGRESS' || options?.waitThroughReview === true)) ||
            (options?.passThrough?.includes(s.status) ?? false);
          return busy ? undefined : { stack: s };
        },
        { sleep, now, pollMs: options?.pollMs ?? STACK_POLL_MS, maxWaitMs: options?.maxWaitMs ?? STACK_MAX_WAIT_MS, signal: options?.signal },
      );
      return result.stack;
    },
  };
}
