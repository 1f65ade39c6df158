/**
 * Connecting stages: for each, read what it has now, store that in the log bucket (before any
 * change), patch destination and format in one UpdateStage, then read the stage back to verify.
 * Stages run concurrently; the API Gateway adapter's token bucket keeps every call inside the
 * account's 10 requests/second budget, and a stage that fails does not stop the others.
 */
import type { AccessLogSettings, ApiGatewayApi } from '../../aws/apigateway.js';
import { settleLimit } from '../../aws/throttle.js';
import { CancelledError, isAppError, UserError } from '../../errors.js';
import {
  connectPatch,
  decideConnect,
  restorePatch,
  sameSettings,
  stageKey,
  type StageRef,
  type StageStateRecord,
} from '../../core/stage-patch.js';
import type { Io } from '../../ui/io.js';

/** Where the previous settings of connected stages are kept (the log bucket's `_state/`). */
export interface StageStateStore {
  get(ref: StageRef): Promise<StageStateRecord | null>;
  put(record: StageStateRecord): Promise<void>;
  delete(ref: StageRef): Promise<void>;
  list(): Promise<StageStateRecord[]>;
}

export type ConnectOutcome = 'connected' | 'updated' | 'unchanged' | 'failed' | 'skipped';

export interface StageResult {
  ref: StageRef;
  outcome: ConnectOutcome;
  previous?: AccessLogSettings | null;
  error?: string;
}

export interface ConnectOptions {
  target: AccessLogSettings;
  project: string;
  region: string;
  callerArn: string;
  /** Stages worked on at once. The token bucket, not this, sets the pace. */
  concurrency?: number;
  /**
   * Our own earlier destinations (the old stream of an upgrade): a stage that delivers to one is
   * moved, and its saved original settings are kept, so disconnecting restores what the user had.
   */
  moveFrom?: readonly string[];
}

export interface ConnectDeps {
  apigw: ApiGatewayApi;
  state: StageStateStore;
  io: Io;
  signal: AbortSignal;
  now: () => number;
}

export const CONNECT_CONCURRENCY = 10;

async function connectOne(ref: StageRef, options: ConnectOptions, deps: ConnectDeps): Promise<StageResult> {
  if (deps.signal.aborted) return { ref, outcome: 'skipped' };
  const current = await deps.apigw.getStage(ref.apiId, ref.stageName);
  if (current.accessLog && options.moveFrom?.includes(current.accessLog.destinationArn)) return moveOne(ref, options, deps);
  const decision = decideConnect(current, options.target);
  if (decision.action === 'noop') return { ref, outcome: 'unchanged' };
  // Past this point a stage is saved and patched together: Ctrl+C never leaves a record without the patch.
  if (deps.signal.aborted) return { ref, outcome: 'skipped' };
  if (decision.action === 'connect') {
    await deps.state.put({
      schemaVersion: 1,
      project: options.project,
      region: options.region,
      apiId: ref.apiId,
      stageName: ref.stageName,
      previous: decision.previous,
      applied: options.target,
      connectedAt: new Date(deps.now()).toISOString(),
      connectedBy: options.callerArn,
    });
  }
  await deps.apigw.updateStage(ref.apiId, ref.stageName, connectPatch(options.target));
  await verify(ref, options.target, deps);
  return decision.action === 'connect' ? { ref, outcome: 'connected', previous: decision.previous } : { ref, outcome: 'updated' };
}

/** A stage on our old stream: patched onto the new one; its record keeps the original settings. */
async function moveOne(ref: StageRef, options: ConnectOptions, deps: ConnectDeps): Promise<StageResult> {
  if (deps.signal.aborted) return { ref, outcome: 'skipped' };
  const record = await deps.state.get(ref);
  await deps.state.put({
    schemaVersion: 1,
    project: options.project,
    region: options.region,
    apiId: ref.apiId,
    stageName: ref.stageName,
    // Every connect saves a record first; without one (deleted by hand) the original is unknown, and
    // restoring the old stream, which is ours and about to go, would be wrong: no access logs.
    previous: record ? record.previous : null,
    applied: options.target,
    connectedAt: record ? record.connectedAt : new Date(deps.now()).toISOString(),
    connectedBy: record ? record.connectedBy : options.callerArn,
  });
  await deps.apigw.updateStage(ref.apiId, ref.stageName, connectPatch(options.target));
  await verify(ref, options.target, deps);
  return { ref, outcome: 'updated' };
}

async function verify(ref: StageRef, expected: AccessLogSettings | null, deps: ConnectDeps): Promise<void> {
  const after = await deps.apigw.getStage(ref.apiId, ref.stageName);
  if (!sameSettings(after.accessLog ?? null, expected)) {
    throw new UserError('VerifyFailed', `Stage ${stageKey(ref)} did not keep the new access-log settings.`, {
      resolution: 'Another process may have changed the stage at the same time; run the command again.',
    });
  }
}

function describeError(e: unknown): string {
  if (isAppError(e)) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Connects every stage; never throws for one stage's failure (see each result). */
export async function connectStages(stages: readonly StageRef[], options: ConnectOptions, deps: ConnectDeps): Promise<StageResult[]> {
  let done = 0;
  return deps.io.step(
    `Connecting ${stages.length} stage${stages.length === 1 ? '' : 's'}`,
    async (handle) => {
      const settled = await settleLimit(stages, options.concurrency ?? CONNECT_CONCURRENCY, async (ref) => {
        const r = await connectOne(ref, options, deps);
        handle.update(`Connecting stages (${++done} of ${stages.length})`);
        return r;
      });
      return settled.map((s, i): StageResult => {
        const ref = stages[i] as StageRef;
        if (s.ok) return s.value;
        if (s.error instanceof CancelledError) return { ref, outcome: 'skipped' };
        return { ref, outcome: 'failed', error: describeError(s.error) };
      });
    },
    (results) => summarizeCounts(results),
  );
}

export interface DisconnectResult {
  ref: StageRef;
  outcome: 'restored' | 'not-connected' | 'changed-since' | 'gone' | 'failed' | 'skipped';
  /** What the stage pointed at when we looked (for changed-since). */
  current?: AccessLogSettings | null;
  restored?: AccessLogSettings | null;
  error?: string;
}

/**
 * Restores one stage's previous settings exactly, then drops its record. A stage that no longer
 * points at what we applied is not touched unless `overwriteChanged` says so.
 */
export async function disconnectOne(
  ref: StageRef,
  record: StageStateRecord | null,
  deps: ConnectDeps,
  overwriteChanged: (current: AccessLogSettings | null) => Promise<boolean>,
): Promise<DisconnectResult> {
  if (deps.signal.aborted) return { ref, outcome: 'skipped' };
  if (!record) return { ref, outcome: 'not-connected' };
  let current: AccessLogSettings | null;
  try {
    current = (await deps.apigw.getStage(ref.apiId, ref.stageName)).accessLog ?? null;
  } catch (e) {
    // The stage (or its API) was deleted: nothing to restore; its record goes.
    if (isAppError(e) && e.code === 'NotFoundException') {
      await deps.state.delete(ref);
      return { ref, outcome: 'gone' };
    }
    throw e;
  }
  if (!current || current.destinationArn !== record.applied.destinationArn) {
    if (!(await overwriteChanged(current))) return { ref, outcome: 'changed-since', current };
  }
  await deps.apigw.updateStage(ref.apiId, ref.stageName, restorePatch(record.previous));
  await verify(ref, record.previous, deps);
  await deps.state.delete(ref);
  return { ref, outcome: 'restored', restored: record.previous };
}

export function summarizeCounts(results: readonly { outcome: string }[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return [...counts.entries()].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** The command that connects the stages a run left failed or not done. */
export function retryCommand(region: string, project: string, refs: readonly StageRef[], replaceExistingLogs: boolean): string {
  return `npx apigw-log-analytics connect-stage --region ${region} --project ${project}${replaceExistingLogs ? ' --replace-existing-logs' : ''} ${refs
    .map((r) => `--stage ${stageKey(r)}`)
    .join(' ')} --yes`;
}

/**
 * After connecting: a Ctrl+C or failed stages end the command non-zero, saying what was done,
 * what was not, and the command that finishes the job. Stages already printed as results.
 */
export function throwIfIncomplete(results: readonly StageResult[], signal: AbortSignal, retry: (refs: StageRef[]) => string): void {
  const done = results.filter((s) => s.outcome === 'connected' || s.outcome === 'updated').map((s) => stageKey(s.ref));
  const failed = results.filter((s) => s.outcome === 'failed');
  const notDone = results.filter((s) => s.outcome === 'failed' || s.outcome === 'skipped');
  if (signal.aborted && notDone.length > 0) {
    throw new CancelledError('Cancelled while connecting stages.', {
      details: [`Connected: ${done.join(', ') || 'none'}.`, `Not done: ${notDone.map((s) => stageKey(s.ref)).join(', ')}.`],
      resolution: `Finish with: ${retry(notDone.map((s) => s.ref))}`,
    });
  }
  if (failed.length > 0) {
    throw new UserError('StagesFailed', `${failed.length} of ${results.length} stages could not be connected${done.length ? '; the others are' : ''}.`, {
      details: failed.map((f) => `${stageKey(f.ref)}: ${f.error ?? 'failed'}`),
      resolution: `Retry them: ${retry(notDone.map((s) => s.ref))}`,
    });
  }
}

export function renderStageResults(results: readonly StageResult[]): string[] {
  const label: Record<ConnectOutcome, string> = {
    connected: 'connected',
    updated: 'format updated',
    unchanged: 'already connected',
    failed: 'FAILED',
    skipped: 'not done (cancelled)',
  };
  return results.map((r) => `  ${stageKey(r.ref)}  ${label[r.outcome]}`);
}
