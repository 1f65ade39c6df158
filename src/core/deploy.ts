/**
 * The deploy engine: one stack, through a change set, the way CDK and SAM do it. Stage the template
 * in the artifacts bucket; bring the stack into a state that can take a change set (waiting,
 * deleting a failed first install, continuing a stuck rollback — asking before anything
 * destructive); create the change set; an empty one is success; show what it changes and let the
 * caller confirm; execute; follow the stack's events; on failure, name the first resources that
 * failed and why. Ctrl+C stops the waiting, never the CloudFormation operation, and says so.
 *
 * Commands call `deployStack` / `removeStack` with their own confirm hooks (a prompt, or --yes).
 * The engine prints nothing itself: it reports through the context's IoHost (./io-host.ts).
 */
import type { CloudFormationApi, ChangeSetDescription, ChangeSetRef, ResourceChangeSummary, StackEventSummary, StackSummary } from '../aws/cloudformation.js';
import type { S3Api, StagedTemplate } from '../aws/s3.js';
import type { Now, Sleep } from '../aws/throttle.js';
import { AbortError, CancelledError, UserError, isAppError } from '../errors.js';
import type { IoHost, StackActivityFeed } from './io-host.js';
import { TAG_PROJECT, TOOL } from './names.js';
import {
  decidePreDeploy,
  formatFailure,
  isDeploySuccess,
  isReviewInProgress,
  rootCauseFailures,
  type ResourceFailure,
} from './stack-status.js';

/** What the engine runs with; a command's RunContext is one. */
export interface DeployContext {
  /** Where progress goes (the terminal, for a command). */
  ioHost: IoHost;
  sleep: Sleep;
  now: Now;
  /** Aborted on Ctrl+C. */
  signal: AbortSignal;
}

export interface DeployTiming {
  changeSetPollMs?: number;
  changeSetMaxWaitMs?: number;
  stackPollMs?: number;
  /** For the deployment itself and for any wait before it. */
  stackMaxWaitMs?: number;
}

export interface DeployRequest {
  stackName: string;
  /** The account deployed to: owner of the artifacts bucket. */
  account: string;
  /** The template JSON; staged in S3 and passed as TemplateURL. */
  templateBody: string;
  parameters: Record<string, string>;
  /** Stack tags (propagated to resources). A TAG_PROJECT tag also guards against deploying over someone else's stack. */
  tags: Record<string, string>;
  /** Used in the commands suggested by messages (`init --project <p>`). */
  project?: string;
  /** Change set description. */
  description?: string;
  timing?: DeployTiming;
}

/** A step that destroys something, asked about before it is taken. */
export interface DestructiveStep {
  action: 'delete-stack' | 'continue-rollback';
  stackName: string;
  status: string;
  /** A yes/no question for a prompt. */
  question: string;
  reason: string;
}

export interface ChangeSummary {
  stackName: string;
  stackId: string;
  changeSetName: string;
  changeSetId: string;
  type: 'CREATE' | 'UPDATE';
  add: number;
  modify: number;
  remove: number;
  /** Modifications that replace the resource (Replacement True). */
  replace: number;
  /** Modifications that may replace it (Replacement Conditional). */
  mayReplace: number;
  /** Import, Dynamic, SyncWithActual. */
  other: number;
  changes: ResourceChangeSummary[];
}

export interface DeployDeps {
  cfn: CloudFormationApi;
  s3: S3Api;
  /** Asked before a destructive step; false stops with AbortError and nothing is touched. */
  confirm: (step: DestructiveStep) => Promise<boolean>;
  /** Asked with the change summary before executing; false removes the change set and stops with AbortError. Default: go ahead. */
  confirmChangeSet?: (summary: ChangeSummary) => Promise<boolean>;
}

export interface DeployResult {
  stackName: string;
  stackId: string;
  operation: 'create' | 'update' | 'none';
  noChanges: boolean;
  /** Final stack status (CREATE_COMPLETE, UPDATE_COMPLETE, or the unchanged status). */
  status: string;
  outputs: Record<string, string>;
  /** Null for a no-op. */
  changes: ChangeSummary | null;
  template: StagedTemplate;
}

const DEFAULTS: Required<DeployTiming> = {
  changeSetPollMs: 2_000,
  changeSetMaxWaitMs: 10 * 60_000,
  stackPollMs: 5_000,
  stackMaxWaitMs: 60 * 60_000,
};

/** CDK's test (`changeSetHasNoChanges`): a FAILED change set with one of these reasons is an up-to-date stack. */
const NO_CHANGES_REASONS = ["The submitted information didn't contain changes", 'No updates are to be performed.'];

export function isNoChangesChangeSet(cs: Pick<ChangeSetDescription, 'status' | 'statusReason'>): boolean {
  return cs.status === 'FAILED' && NO_CHANGES_REASONS.some((r) => (cs.statusReason ?? '').startsWith(r));
}

export function summarizeChanges(cs: ChangeSetDescription, type: 'CREATE' | 'UPDATE'): ChangeSummary {
  const s: ChangeSummary = {
    stackName: cs.stackName,
    stackId: cs.stackId,
    changeSetName: cs.changeSetName,
    changeSetId: cs.changeSetId,
    type,
    add: 0,
    modify: 0,
    remove: 0,
    replace: 0,
    mayReplace: 0,
    other: 0,
    changes: cs.changes,
  };
  for (const c of cs.changes) {
    if (c.action === 'Add') s.add++;
    else if (c.action === 'Remove') s.remove++;
    else if (c.action === 'Modify') {
      s.modify++;
      if (c.replacement === 'True') s.replace++;
      else if (c.replacement === 'Conditional') s.mayReplace++;
    } else s.other++;
  }
  return s;
}

const MAX_LISTED_CHANGES = 40;

/** The header and one line per change: `+ Type LogicalId`, `~` modify, `-` remove, with replacement noted. */
export function formatChangeSummary(s: ChangeSummary): string[] {
  const counts = [`${s.add} to add`, `${s.modify} to modify${s.replace ? ` (${s.replace} replaced)` : ''}${s.mayReplace ? ` (${s.mayReplace} may be replaced)` : ''}`, `${s.remove} to remove`];
  if (s.other) counts.push(`${s.other} other`);
  const header = s.type === 'CREATE' ? `Stack ${s.stackName} will be created: ${counts[0]}` : `Changes to stack ${s.stackName}: ${counts.join(', ')}`;
  const sign: Record<string, string> = { Add: '+', Modify: '~', Remove: '-' };
  const lines = s.changes.slice(0, MAX_LISTED_CHANGES).map((c) => {
    const note = c.replacement === 'True' ? '  (replacement)' : c.replacement === 'Conditional' ? '  (may be replaced)' : '';
    const action = sign[c.action] ?? `${c.action}:`;
    return `  ${action} ${c.resourceType.padEnd(34)} ${c.logicalId}${note}`.trimEnd();
  });
  if (s.changes.length > MAX_LISTED_CHANGES) lines.push(`  … and ${s.changes.length - MAX_LISTED_CHANGES} more`);
  return [header, ...lines];
}

function commands(project: string | undefined) {
  const p = project ? ` --project ${project}` : '';
  return { init: `${TOOL} init${p}`, status: `${TOOL} status${p}`, uninstall: `${TOOL} uninstall${p}` };
}

type Commands = ReturnType<typeof commands>;

const rerun = (cmd: Commands) => `Run \`${cmd.init}\` again to continue.`;

/**
 * Follows one operation's events: each poll reads only events newer than the last one seen (or,
 * on the first poll, than `start`), keeps them for the failure report and feeds them to the view.
 */
function followEvents(cfn: CloudFormationApi, stackId: string, start: { afterEventId?: string | undefined; since?: Date | undefined }) {
  const events: StackEventSummary[] = [];
  let lastEventId = start.afterEventId;
  return {
    events,
    async poll(feed: StackActivityFeed): Promise<void> {
      const fresh = await cfn.stackEvents(stackId, {
        ...(lastEventId ? { afterEventId: lastEventId } : {}),
        ...(start.since ? { since: start.since } : {}),
        // With neither bound (an endpoint that reports no times or events), do not replay the whole history.
        ...(!lastEventId && !start.since ? { maxPages: 1 } : {}),
      });
      if (fresh.length === 0) return;
      events.push(...fresh);
      lastEventId = fresh[fresh.length - 1]!.eventId;
      feed.push(fresh);
    },
  };
}

/** Best effort: a cleanup failure must not hide the error that led to it. */
async function quietly(ctx: DeployContext, what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    ctx.ioHost.debug(`Could not ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Runs `work`; Ctrl+C during it (a cancel AppError) becomes the error `cancelled` returns, after any cleanup it does. */
async function onCancel<T>(work: () => Promise<T>, cancelled: () => Error | Promise<Error>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isAppError(e) && e.kind === 'cancel') throw await cancelled();
    throw e;
  }
}

/** What every step of one deployment works with. */
interface Deployment {
  request: DeployRequest;
  ctx: DeployContext;
  deps: DeployDeps;
  timing: Required<DeployTiming>;
  cmd: Commands;
  /** The stack's name, for messages and the first calls. */
  name: string;
}

/** A change set this run created, and how to leave nothing behind when it is not executed. */
interface PendingChangeSet {
  type: 'CREATE' | 'UPDATE';
  name: string;
  ref: ChangeSetRef;
  drop(): Promise<void>;
}

export async function deployStack(request: DeployRequest, ctx: DeployContext, deps: DeployDeps): Promise<DeployResult> {
  const d: Deployment = { request, ctx, deps, timing: { ...DEFAULTS, ...request.timing }, cmd: commands(request.project), name: request.stackName };
  const template = await stageTemplate(d);
  const prior = await prepareStack(d);
  const changeSet = await createChangeSet(d, template, changeSetType(prior));
  const description = await waitForChangeSet(d, changeSet);
  if (isNoChangesChangeSet(description)) return upToDate(d, changeSet, prior, template);
  if (description.status !== 'CREATE_COMPLETE') {
    await changeSet.drop();
    throw changeSetFailure(d.name, changeSet, description, d.cmd);
  }
  const summary = await reviewChangeSet(d, changeSet, description);
  const final = await executeChangeSet(d, changeSet, description);
  return {
    stackName: d.name,
    stackId: changeSet.ref.stackId,
    operation: changeSet.type === 'CREATE' ? 'create' : 'update',
    noChanges: false,
    status: final.status,
    outputs: final.outputs,
    changes: summary,
    template,
  };
}

async function stageTemplate({ request, ctx, deps: { s3 } }: Deployment): Promise<StagedTemplate> {
  return ctx.ioHost.step(
    'Staging the template in S3',
    async () => {
      const bucket = await s3.ensureArtifactsBucket({ account: request.account });
      return s3.uploadTemplate(bucket.name, request.templateBody, { expectedOwner: request.account });
    },
    (t) => `Staged the template (${Math.round(t.bytes / 1024)} KB) in s3://${t.bucket}`,
  );
}

/** A missing stack, or the empty REVIEW_IN_PROGRESS stack an unexecuted CREATE change set left, takes a CREATE change set. */
export function changeSetType(prior: Pick<StackSummary, 'status'> | null): 'CREATE' | 'UPDATE' {
  return prior === null || isReviewInProgress(prior.status) ? 'CREATE' : 'UPDATE';
}

async function createChangeSet(d: Deployment, template: StagedTemplate, type: 'CREATE' | 'UPDATE'): Promise<PendingChangeSet> {
  const { request, ctx, name } = d;
  const { cfn } = d.deps;
  const changeSetName = `${TOOL}-${ctx.now()}`;
  const ref = await cfn.createChangeSet({
    stackName: name,
    changeSetName,
    changeSetType: type,
    templateUrl: template.url,
    parameters: request.parameters,
    tags: request.tags,
    ...(request.description ? { description: request.description } : {}),
  });
  const drop = async () => {
    await quietly(ctx, `delete change set ${changeSetName}`, () => cfn.deleteChangeSet(ref.stackId, ref.changeSetId));
    // A CREATE change set made an empty REVIEW_IN_PROGRESS stack; leave nothing behind.
    if (type === 'CREATE') await quietly(ctx, `delete the empty stack ${name}`, () => cfn.deleteStack(ref.stackId));
  };
  return { type, name: changeSetName, ref, drop };
}

async function waitForChangeSet({ ctx, deps: { cfn }, timing, name, cmd }: Deployment, changeSet: PendingChangeSet): Promise<ChangeSetDescription> {
  const { ref } = changeSet;
  return onCancel(
    () =>
      ctx.ioHost.step(`Creating a change set for stack ${name}`, () =>
        cfn.waitForChangeSet(ref.stackId, ref.changeSetId, {
          signal: ctx.signal,
          sleep: ctx.sleep,
          now: ctx.now,
          pollMs: timing.changeSetPollMs,
          maxWaitMs: timing.changeSetMaxWaitMs,
        }),
      ),
    async () => {
      await changeSet.drop();
      return new CancelledError(`Cancelled before stack ${name} was changed; the change set was removed.`, {
        resolution: `Run \`${cmd.init}\` again when you are ready.`,
      });
    },
  );
}

/** An empty change set: remove it and report the stack as it is. */
async function upToDate({ ctx, deps: { cfn }, name }: Deployment, changeSet: PendingChangeSet, prior: StackSummary | null, template: StagedTemplate): Promise<DeployResult> {
  const { ref } = changeSet;
  await quietly(ctx, `delete change set ${changeSet.name}`, () => cfn.deleteChangeSet(ref.stackId, ref.changeSetId));
  const stack = await cfn.describeStack(ref.stackId);
  ctx.ioHost.success(`No changes: stack ${name} is up to date.`);
  return {
    stackName: name,
    stackId: ref.stackId,
    operation: 'none',
    noChanges: true,
    status: stack?.status ?? prior?.status ?? 'UNKNOWN',
    outputs: stack?.outputs ?? prior?.outputs ?? {},
    changes: null,
    template,
  };
}

/** The error for a change set CloudFormation could not prepare (the change set is already removed). */
export function changeSetFailure(
  name: string,
  changeSet: Pick<PendingChangeSet, 'type' | 'name'>,
  description: Pick<ChangeSetDescription, 'status' | 'statusReason'>,
  cmd: Commands,
): UserError {
  return new UserError('ChangeSetFailed', `CloudFormation could not prepare the changes to stack ${name}: ${description.statusReason ?? description.status}`, {
    details: [`Change set ${changeSet.name}: ${description.status}`],
    resolution:
      changeSet.type === 'UPDATE'
        ? `Nothing was changed. Check the reason above (a permission, a quota, a resource changed outside CloudFormation), then run \`${cmd.init}\` again; \`${cmd.status}\` shows the installation.`
        : `Nothing was created. Check the reason above (a permission, a quota, a name already taken), then run \`${cmd.init}\` again.`,
  });
}

/** Shows what the change set changes and asks the caller's hook; anything but a yes removes it and stops. */
async function reviewChangeSet({ ctx, deps, name }: Deployment, changeSet: PendingChangeSet, description: ChangeSetDescription): Promise<ChangeSummary> {
  const summary = summarizeChanges(description, changeSet.type);
  for (const line of formatChangeSummary(summary)) ctx.ioHost.info(line);
  let go: boolean;
  try {
    go = deps.confirmChangeSet ? await deps.confirmChangeSet(summary) : true;
    if (go && ctx.signal.aborted) throw new CancelledError(`Cancelled before stack ${name} was changed; the change set was removed.`);
  } catch (e) {
    // Ctrl+C at the prompt (or a hook that throws) leaves nothing behind either.
    await changeSet.drop();
    throw e;
  }
  if (!go) {
    await changeSet.drop();
    throw new AbortError(`Nothing was changed: the change set for stack ${name} was discarded.`);
  }
  return summary;
}

/** Executes the change set and follows the stack until it settles; returns it only when the deployment succeeded. */
async function executeChangeSet(d: Deployment, changeSet: PendingChangeSet, description: ChangeSetDescription): Promise<StackSummary> {
  const { ctx, timing, name } = d;
  const { cfn } = d.deps;
  const { ref, type } = changeSet;
  // Stream only this operation's events: those after the newest one now, and not older than the change set.
  const tail = followEvents(cfn, ref.stackId, { afterEventId: await cfn.latestEventId(ref.stackId), since: description.creationTime });
  await cfn.executeChangeSet(ref.stackId, ref.changeSetId, { clientRequestToken: `${changeSet.name}-execute` });
  const verb = type === 'CREATE' ? 'Creating' : 'Updating';
  let final: StackSummary | null;
  try {
    final = await ctx.ioHost.monitorStack(
      {
        stackName: name,
        verb,
        total: description.changes.length,
        succeeded: (s) => s !== null && isDeploySuccess(s.status),
        done: (s) => `Stack ${name} ${type === 'CREATE' ? 'created' : 'updated'} (${s?.status ?? ''})`,
      },
      (feed) =>
        cfn.waitForStackStable(ref.stackId, {
          signal: ctx.signal,
          sleep: ctx.sleep,
          now: ctx.now,
          pollMs: timing.stackPollMs,
          maxWaitMs: timing.stackMaxWaitMs,
          waitThroughReview: true,
          // OnStackFailure DELETE: a failed create passes through CREATE_FAILED on its way to DELETE_COMPLETE.
          ...(type === 'CREATE' ? { passThrough: ['CREATE_FAILED'] } : {}),
          onPoll: () => tail.poll(feed),
        }),
    );
  } catch (e) {
    throw executionWaitError(e, d, verb, tail.events);
  }
  if (!final || !isDeploySuccess(final.status)) throw deployFailure(name, type, final, tail.events, d.cmd);
  return final;
}

/** Following the execution stopped early: Ctrl+C, or the wait's time limit. Any other error is returned as it is. */
export function executionWaitError(
  e: unknown,
  d: Pick<Deployment, 'name' | 'cmd'> & { timing: Pick<Required<DeployTiming>, 'stackMaxWaitMs'> },
  verb: 'Creating' | 'Updating',
  events: readonly StackEventSummary[],
): unknown {
  const { name, cmd } = d;
  if (isAppError(e) && e.kind === 'cancel') {
    return new CancelledError(`Stopped watching. CloudFormation is still ${verb.toLowerCase()} stack ${name}; it finishes (or rolls back) on its own.`, {
      details: [`See it with \`${cmd.status}\` or in the CloudFormation console (stack ${name}).`],
      resolution: `Run \`${cmd.init}\` again: it waits for the stack to settle, then finishes the job.`,
    });
  }
  if (isAppError(e) && e.code === 'WaitTimeout') {
    return new UserError('WaitTimeout', `Stopped waiting for stack ${name} after ${Math.round(d.timing.stackMaxWaitMs / 60_000)} min; CloudFormation is still working on it.`, {
      details: rootCauseFailures(events).map(formatFailure),
      resolution: `See where it is with \`${cmd.status}\`; run \`${cmd.init}\` again once it has settled.`,
    });
  }
  return e;
}

function deployFailure(
  name: string,
  type: 'CREATE' | 'UPDATE',
  final: StackSummary | null,
  events: readonly StackEventSummary[],
  cmd: Commands,
): UserError {
  const status = final?.status ?? 'DELETE_COMPLETE';
  const failures = rootCauseFailures(events);
  const details = failures.length > 0 ? failures.map(formatFailure) : [`${name}: ${final?.statusReason ?? status}`];
  let message: string;
  let resolution: string;
  switch (status) {
    case 'DELETE_COMPLETE':
      message = `Creating stack ${name} failed; CloudFormation removed what it had created.`;
      resolution = `Fix the cause above, then run \`${cmd.init}\` again.`;
      break;
    case 'ROLLBACK_COMPLETE':
      message = `Creating stack ${name} failed and was rolled back.`;
      resolution = `Fix the cause above, then run \`${cmd.init}\` again (it offers to delete the failed stack first), or remove it with \`${cmd.uninstall}\`.`;
      break;
    case 'UPDATE_ROLLBACK_COMPLETE':
      message = `Updating stack ${name} failed; CloudFormation rolled it back to the previous version, which keeps working.`;
      resolution = `Fix the cause above, then run \`${cmd.init}\` again; \`${cmd.status}\` shows the installation.`;
      break;
    case 'UPDATE_ROLLBACK_FAILED':
      message = `Updating stack ${name} failed, and so did the rollback (UPDATE_ROLLBACK_FAILED).`;
      resolution = `Run \`${cmd.init}\` again: it continues the rollback first. If that fails too, remove the installation with \`${cmd.uninstall}\`.`;
      break;
    case 'DELETE_FAILED':
      message = `Creating stack ${name} failed, and CloudFormation could not remove what it had created (DELETE_FAILED).`;
      resolution = `Run \`${cmd.uninstall}\` to remove it, then \`${cmd.init}\` again.`;
      break;
    default:
      message = `${type === 'CREATE' ? 'Creating' : 'Updating'} stack ${name} failed (${status}).`;
      resolution = `See \`${cmd.status}\`, then run \`${cmd.init}\` again or \`${cmd.uninstall}\`.`;
  }
  return new UserError('DeployFailed', message, { details, resolution });
}

/**
 * Brings the stack into a state a change set can be applied to, and returns it: null or
 * REVIEW_IN_PROGRESS (create), or an updatable stack. Waits out other operations; asks before
 * deleting a failed install or continuing a stuck rollback.
 */
async function prepareStack(d: Deployment): Promise<StackSummary | null> {
  const { request, ctx, name } = d;
  let continuedRollback = false;
  // Each step moves the stack towards a state that can take a change set; a few rounds always suffice.
  for (let round = 0; round < 5; round++) {
    const stack = await d.deps.cfn.describeStack(name);
    if (stack) assertOurStack(stack, request.tags[TAG_PROJECT], name);
    const decision = decidePreDeploy(stack?.status ?? null, name);
    ctx.ioHost.debug(`Stack ${name}: ${decision.reason}; next: ${decision.action}`);
    switch (decision.action) {
      case 'create':
      case 'update':
        return stack;
      case 'refuse':
        throw new UserError('StackUnusable', `Cannot deploy: ${decision.reason}.`, { resolution: decision.resolution });
      case 'wait':
        await waitForBusyStack(d, stack!);
        break;
      case 'delete-then-create':
        await deleteFailedStack(d, stack!, decision);
        break;
      case 'continue-rollback-then-update':
        if (continuedRollback) throw await rollbackFailure(d, stack!);
        await continueRollback(d, stack!, decision);
        continuedRollback = true;
        break;
    }
  }
  throw new UserError('StackUnsettled', `Stack ${name} did not reach a state that can be deployed to.`, {
    resolution: `\`${d.cmd.status}\` shows its state. ${rerun(d.cmd)}`,
  });
}

/** Refuses a stack of that name that another project (or another tool) owns; an empty REVIEW_IN_PROGRESS stack is nobody's. */
export function assertOurStack(stack: Pick<StackSummary, 'status' | 'tags'>, wantedProject: string | undefined, name: string): void {
  if (!isReviewInProgress(stack.status) && wantedProject !== undefined && stack.tags[TAG_PROJECT] !== wantedProject) {
    throw new UserError('StackNotOurs', `A stack named ${name} already exists, and it is not the ${TOOL} installation of project "${wantedProject}".`, {
      resolution: 'Choose another project name with --project, or remove that stack if it is a leftover.',
    });
  }
}

function stackWaitOptions({ ctx, timing }: Deployment) {
  return { signal: ctx.signal, sleep: ctx.sleep, now: ctx.now, pollMs: timing.stackPollMs, maxWaitMs: timing.stackMaxWaitMs };
}

async function waitForBusyStack(d: Deployment, stack: StackSummary): Promise<void> {
  const { name, cmd } = d;
  await onCancel(
    () => d.ctx.ioHost.step(`Waiting for stack ${name} to finish ${stack.status}`, () => d.deps.cfn.waitForStackStable(stack.stackId, stackWaitOptions(d))),
    () =>
      new CancelledError(`Stopped waiting. Stack ${name} is still busy (${stack.status}) in CloudFormation; this run changed nothing.`, {
        resolution: `\`${cmd.status}\` shows where it is. ${rerun(cmd)}`,
      }),
  );
}

async function deleteFailedStack(d: Deployment, stack: StackSummary, decision: { question: string; reason: string }): Promise<void> {
  const { request, ctx, deps, timing, name, cmd } = d;
  if (!(await deps.confirm({ action: 'delete-stack', stackName: name, status: stack.status, question: decision.question, reason: decision.reason }))) {
    throw new AbortError(`Nothing was changed: stack ${name} is still ${stack.status}.`, {
      resolution: `Remove it with \`${cmd.uninstall}\`, or run \`${cmd.init}\` again and agree to delete it.`,
    });
  }
  const removed = await removeStack({ stackName: stack.stackId, displayName: name, project: request.project, resumeCommand: cmd.init, timing }, ctx, { cfn: deps.cfn });
  if (removed.outcome === 'failed') {
    throw new UserError('StackDeleteFailed', `Could not delete the failed stack ${name} (DELETE_FAILED).`, {
      details: removed.failures.map(formatFailure),
      resolution: `Run \`${cmd.uninstall}\`: it can leave the stuck resources behind. Then run \`${cmd.init}\` again.`,
    });
  }
}

/** A rollback this run continued failed again: name the resources, and the command that skips them. */
async function rollbackFailure({ deps: { cfn }, name, cmd }: Deployment, stack: StackSummary): Promise<UserError> {
  const failures = rootCauseFailures(await cfn.stackEvents(stack.stackId, { maxPages: 2 }));
  const skip = failures.map((f) => f.logicalId).join(' ');
  return new UserError('RollbackFailed', `CloudFormation could not roll back stack ${name} (UPDATE_ROLLBACK_FAILED).`, {
    details: failures.map(formatFailure),
    resolution:
      `Fix the resources above, or skip them: aws cloudformation continue-update-rollback --stack-name ${name}` +
      `${skip ? ` --resources-to-skip ${skip}` : ''}; then run \`${cmd.init}\` again. Or remove everything with \`${cmd.uninstall}\`.`,
  });
}

async function continueRollback(d: Deployment, stack: StackSummary, decision: { question: string; reason: string }): Promise<void> {
  const { ctx, deps, name, cmd } = d;
  if (!(await deps.confirm({ action: 'continue-rollback', stackName: name, status: stack.status, question: decision.question, reason: decision.reason }))) {
    throw new AbortError(`Nothing was changed: stack ${name} is still UPDATE_ROLLBACK_FAILED.`, {
      resolution: `Run \`${cmd.init}\` again and agree to continue the rollback, or remove it with \`${cmd.uninstall}\`.`,
    });
  }
  await deps.cfn.continueUpdateRollback(stack.stackId);
  await onCancel(
    () => ctx.ioHost.step(`Continuing the rollback of stack ${name}`, () => deps.cfn.waitForStackStable(stack.stackId, stackWaitOptions(d))),
    () => new CancelledError(`Stopped waiting. CloudFormation is still rolling back stack ${name}.`, { resolution: `\`${cmd.status}\` shows where it is. ${rerun(cmd)}` }),
  );
}

export interface RemoveStackRequest {
  /** Name or id (an id keeps working after the stack is deleted). */
  stackName: string;
  /** For messages, when stackName is an id. */
  displayName?: string;
  project?: string;
  /** Only for a stack in DELETE_FAILED: logical ids to leave behind. */
  retainResources?: string[];
  /** Only for a stack in DELETE_FAILED: FORCE_DELETE_STACK. */
  forceDelete?: boolean;
  /** The command that finishes the job after Ctrl+C (default: uninstall). */
  resumeCommand?: string;
  timing?: DeployTiming;
}

export interface RemoveStackResult {
  /** deleted; not-found (nothing to delete); failed (DELETE_FAILED: see failures). */
  outcome: 'deleted' | 'not-found' | 'failed';
  stackId?: string;
  failures: ResourceFailure[];
}

/**
 * Deletes a stack and follows its events until it is gone. A DELETE_FAILED outcome is returned, not
 * thrown, with the resources that could not be deleted, so the caller can offer RetainResources
 * or a forced delete.
 */
export async function removeStack(request: RemoveStackRequest, ctx: DeployContext, deps: { cfn: CloudFormationApi }): Promise<RemoveStackResult> {
  const { cfn } = deps;
  const timing = { ...DEFAULTS, ...request.timing };
  const name = request.displayName ?? request.stackName;
  const cmd = commands(request.project);
  const resume = request.resumeCommand ?? cmd.uninstall;
  const stack = await cfn.describeStack(request.stackName);
  if (!stack || stack.status === 'DELETE_COMPLETE') return { outcome: 'not-found', failures: [] };
  const stackId = stack.stackId;
  const tail = followEvents(cfn, stackId, { afterEventId: await cfn.latestEventId(stackId) });
  await cfn.deleteStack(stackId, {
    ...(request.retainResources?.length ? { retainResources: request.retainResources } : {}),
    ...(request.forceDelete ? { forceDelete: true } : {}),
  });
  const final = await onCancel(
    () =>
      ctx.ioHost.monitorStack<StackSummary | null>(
        { stackName: name, verb: 'Deleting', succeeded: (s) => s === null || s.status === 'DELETE_COMPLETE', done: () => `Stack ${name} deleted` },
        (feed) =>
          cfn.waitForStackStable(stackId, {
            signal: ctx.signal,
            sleep: ctx.sleep,
            now: ctx.now,
            pollMs: timing.stackPollMs,
            maxWaitMs: timing.stackMaxWaitMs,
            onPoll: () => tail.poll(feed),
          }),
      ),
    () =>
      new CancelledError(`Stopped watching. CloudFormation is still deleting stack ${name}; it finishes on its own.`, {
        resolution: `\`${cmd.status}\` shows where it is; run \`${resume}\` again to finish the job.`,
      }),
  );
  if (!final || final.status === 'DELETE_COMPLETE') return { outcome: 'deleted', stackId, failures: [] };
  const failures = rootCauseFailures(tail.events, 20);
  if (failures.length === 0 && final.statusReason) {
    failures.push({ logicalId: name, resourceType: 'AWS::CloudFormation::Stack', status: final.status, reason: final.statusReason });
  }
  return { outcome: 'failed', stackId, failures };
}
