/**
 * Connecting stages: for each, read what it has now, store that in the log bucket (before any
 * change), patch destination and format in one UpdateStage, then read the stage back to verify.
 * Stages run concurrently; the API Gateway adapter's token bucket keeps every call inside the
 * account's 10 requests/second budget, and a stage that fails does not stop the others.
 */
import type { AccessLogSettings, ApiGatewayApi, StageSummary } from '../../aws/apigateway.js';
import type { ApiGatewayV2Api } from '../../aws/apigatewayv2.js';
import { accessLogFormatFor, type V2Kind } from '../../core/log-format.js';
import { OUTPUT_KEYS } from '../../core/outputs.js';
import { settleLimit } from '../../aws/throttle.js';
import { CancelledError, isAppError, UserError } from '../../errors.js';
import {
  connectPatch,
  decideConnect,
  isV2,
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
  /** What REST stages get: the Firehose stream and the REST format. */
  target: AccessLogSettings;
  /** What HTTP and WebSocket stages get: the installation's log group and the kind's format. */
  v2Targets?: Partial<Record<V2Kind, AccessLogSettings>>;
  project: string;
  region: string;
  callerArn: string;
  /** Stages worked on at once. The token bucket, not this, sets the pace. */
  concurrency?: number;
}

export interface ConnectDeps {
  apigw: ApiGatewayApi;
  /** Needed only for HTTP and WebSocket stages (refs with an apiKind). */
  apigwV2?: ApiGatewayV2Api;
  state: StageStateStore;
  io: Io;
  signal: AbortSignal;
  now: () => number;
}

export const CONNECT_CONCURRENCY = 10;

/** What HTTP and WebSocket stages get, from an installation's outputs (none before the bridge). */
export function v2TargetsOf(outputs: Readonly<Record<string, string>>): Partial<Record<V2Kind, AccessLogSettings>> {
  const destinationArn = outputs[OUTPUT_KEYS.accessLogGroupArn];
  if (!destinationArn) return {};
  return {
    HTTP: { destinationArn, format: accessLogFormatFor('HTTP') },
    WEBSOCKET: { destinationArn, format: accessLogFormatFor('WEBSOCKET') },
  };
}

function v2Api(ref: StageRef, deps: ConnectDeps): ApiGatewayV2Api {
  if (!deps.apigwV2) throw new Error(`internal: stage ${stageKey(ref)} is an ${ref.apiKind ?? 'REST'} stage but no apigatewayv2 adapter was given`);
  return deps.apigwV2;
}

/** A stage's current settings, from the API that owns its kind. */
export function readStage(ref: StageRef, deps: Pick<ConnectDeps, 'apigw' | 'apigwV2'>): Promise<StageSummary> {
  return isV2(ref) ? v2Api(ref, deps as ConnectDeps).getStage(ref.apiId, ref.stageName) : deps.apigw.getStage(ref.apiId, ref.stageName);
}

/**
 * Sets a stage's access-log destination and format, or (null) removes its access logging: REST
 * with UpdateStage patch operations, HTTP and WebSocket with UpdateStage AccessLogSettings or
 * DeleteAccessLogSettings.
 */
export async function writeAccessLog(ref: StageRef, settings: AccessLogSettings | null, deps: Pick<ConnectDeps, 'apigw' | 'apigwV2'>): Promise<void> {
  if (isV2(ref)) await v2Api(ref, deps as ConnectDeps).setAccessLog(ref.apiId, ref.stageName, settings);
  else await deps.apigw.updateStage(ref.apiId, ref.stageName, settings ? connectPatch(settings) : restorePatch(null));
}

/** The settings a stage of this kind gets, or an error naming what is missing. */
function targetOf(ref: StageRef, options: ConnectOptions): AccessLogSettings {
  if (!isV2(ref)) return options.target;
  const target = options.v2Targets?.[ref.apiKind];
  if (!target) {
    throw new UserError('NoLogGroup', `Installation ${options.project} has no log group for ${ref.apiKind === 'HTTP' ? 'HTTP' : 'WebSocket'} API stages.`, {
      resolution: `It was deployed before HTTP and WebSocket support: run \`apigw-log-analytics init --project ${options.project}\` to upgrade it, then connect the stage again.`,
    });
  }
  return target;
}

async function connectOne(ref: StageRef, options: ConnectOptions, deps: ConnectDeps): Promise<StageResult> {
  if (deps.signal.aborted) return { ref, outcome: 'skipped' };
  const target = targetOf(ref, options);
  const current = await readStage(ref, deps);
  const decision = decideConnect(current, target);
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
      ...(isV2(ref) ? { apiKind: ref.apiKind } : {}),
      previous: decision.previous,
      applied: target,
      connectedAt: new Date(deps.now()).toISOString(),
      connectedBy: options.callerArn,
    });
  }
  await writeAccessLog(ref, target, deps);
  await verify(ref, target, deps);
  return decision.action === 'connect' ? { ref, outcome: 'connected', previous: decision.previous } : { ref, outcome: 'updated' };
}

async function verify(ref: StageRef, expected: AccessLogSettings | null, deps: ConnectDeps): Promise<void> {
  const after = await readStage(ref, deps);
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
  // The record knows the stage's kind; a --stage value does not.
  const stage: StageRef = record.apiKind ? { ...ref, apiKind: record.apiKind } : ref;
  let current: AccessLogSettings | null;
  try {
    current = (await readStage(stage, deps)).accessLog ?? null;
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
  await writeAccessLog(stage, record.previous, deps);
  await verify(stage, record.previous, deps);
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
