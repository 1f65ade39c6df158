/**
 * Pure predicates over CloudFormation stack statuses, and the decision of what to do with a stack
 * in a given state before deploying to it. No AWS calls: the deploy engine applies the decision.
 * Which states allow what comes from the CloudFormation API reference (aws-facts.md §10) and
 * CDK's `stack-status.ts` / `cfn-api.ts`.
 */

export const isInProgress = (status: string): boolean => status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';

/** A stack made by a CREATE change set that was never executed: it has no resources. */
export const isReviewInProgress = (status: string): boolean => status === 'REVIEW_IN_PROGRESS';

export const isDeleted = (status: string): boolean => status === 'DELETE_COMPLETE';

/** The deployment asked for went through. */
export const isDeploySuccess = (status: string): boolean =>
  status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE';

/** A failed operation was undone: the stack is stable but did not take the change. */
export const isRolledBack = (status: string): boolean =>
  status === 'ROLLBACK_COMPLETE' || status === 'UPDATE_ROLLBACK_COMPLETE' || status === 'IMPORT_ROLLBACK_COMPLETE';

/** A failed first creation: the stack has no working resources and can only be deleted. */
export const isCreationFailure = (status: string): boolean =>
  status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'CREATE_FAILED';

/** Stable states an UPDATE change set can be applied to. */
const UPDATABLE = new Set([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
  // Only reachable with rollback disabled; CloudFormation lets such a stack be updated again.
  'UPDATE_FAILED',
]);

export const isUpdatable = (status: string): boolean => UPDATABLE.has(status);

export type PreDeployDecision =
  /** Nothing there (or an abandoned CREATE change set's empty stack): CREATE change set. */
  | { action: 'create'; reason: string }
  | { action: 'update'; reason: string }
  /** Another operation is running: wait for it, then decide again. */
  | { action: 'wait'; reason: string }
  /** Only deletion is possible; ask first (confirm), delete, wait, then create. */
  | { action: 'delete-then-create'; confirm: true; reason: string; question: string }
  /** ContinueUpdateRollback brings it to UPDATE_ROLLBACK_COMPLETE, which can be updated; ask first. */
  | { action: 'continue-rollback-then-update'; confirm: true; reason: string; question: string }
  /** A state the CLI will not touch; a person must look. */
  | { action: 'refuse'; reason: string; resolution: string };

/**
 * What to do with a stack in `status` (null: it does not exist) before deploying `stackName`.
 * REVIEW_IN_PROGRESS is treated as new, as CDK does: CloudFormation accepts another CREATE change
 * set on it, and executing ours removes the abandoned one. Deleting it first would work too, but
 * costs a wait for nothing.
 */
export function decidePreDeploy(status: string | null, stackName: string): PreDeployDecision {
  if (status === null || isDeleted(status)) return { action: 'create', reason: `stack ${stackName} does not exist yet` };
  if (isReviewInProgress(status)) {
    return { action: 'create', reason: `stack ${stackName} is only a leftover of a change set that was never executed (REVIEW_IN_PROGRESS)` };
  }
  if (isInProgress(status)) return { action: 'wait', reason: `stack ${stackName} is busy (${status})` };
  if (isUpdatable(status)) return { action: 'update', reason: `stack ${stackName} exists (${status})` };
  if (isCreationFailure(status)) {
    return {
      action: 'delete-then-create',
      confirm: true,
      reason: `stack ${stackName} failed to create (${status}) and can only be deleted`,
      question: `Stack ${stackName} is left over from a failed install (${status}) and holds no data. Delete it and install again?`,
    };
  }
  if (status === 'DELETE_FAILED') {
    return {
      action: 'delete-then-create',
      confirm: true,
      reason: `a deletion of stack ${stackName} failed (DELETE_FAILED); the stack can only be deleted`,
      question: `Stack ${stackName} is half deleted (DELETE_FAILED). Retry the deletion, then install again?`,
    };
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return {
      action: 'continue-rollback-then-update',
      confirm: true,
      reason: `stack ${stackName} could not roll back a failed update (UPDATE_ROLLBACK_FAILED)`,
      question: `Stack ${stackName} is stuck after a failed update (UPDATE_ROLLBACK_FAILED). Continue the rollback, then update it?`,
    };
  }
  return {
    action: 'refuse',
    reason: `stack ${stackName} is in a state this CLI does not handle (${status})`,
    resolution: `Look at the stack's events in the CloudFormation console, fix or delete it, then run the command again.`,
  };
}

/** A resource that failed, with CloudFormation's reason: what a person needs to fix a deployment. */
export interface ResourceFailure {
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string;
  physicalId?: string;
}

interface EventLike {
  logicalId: string;
  resourceType: string;
  status: string;
  reason?: string;
  physicalId?: string;
  isStackEvent: boolean;
}

/**
 * CloudFormation cancels every other resource once one fails ("Resource creation cancelled"); those
 * are consequences, not causes.
 */
export function isCancellation(e: { reason?: string }): boolean {
  return /cancell?ed/i.test(e.reason ?? '');
}

/**
 * The first failures of an operation, oldest first, one per resource: the root causes. Skips the
 * stack's own events (they only say "The following resource(s) failed…") and cancellations.
 */
export function rootCauseFailures(events: readonly EventLike[], limit = 3): ResourceFailure[] {
  const out: ResourceFailure[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (e.isStackEvent || !e.status.endsWith('_FAILED') || isCancellation(e) || seen.has(e.logicalId)) continue;
    seen.add(e.logicalId);
    const failure: ResourceFailure = { logicalId: e.logicalId, resourceType: e.resourceType, status: e.status, reason: e.reason ?? '(no reason given)' };
    if (e.physicalId) failure.physicalId = e.physicalId;
    out.push(failure);
    if (out.length >= limit) break;
  }
  return out;
}

export function formatFailure(f: ResourceFailure): string {
  return `${f.logicalId} (${f.resourceType}) ${f.status}: ${f.reason}`;
}
