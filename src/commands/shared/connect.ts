/**
 * Connecting stages: for each, read what it has now, store that in the log bucket (before any
 * change), patch destination and format in one UpdateStage, then read the stage back to verify.
 * Stages run concurrently; the API Gateway adapter's token bucket keeps every call inside the
 * account's 10 requests/second budget, and a stage that fails does not stop the others.
 *
 * Two runs at once (two people, or connect-stage racing disconnect-stage or uninstall) must never
 * leave a stage pointing at our stream without a record of its original settings. The record
 * store is conditional (create only if absent, replace or delete only the version read), and:
 * - connect writes the record before it patches, and after patching makes sure a record still
 *   exists (a disconnect that ran in between restored the stage and dropped the record; the
 *   settings it restored are the ones connect saved, so connect saves them again);
 * - disconnect restores, then deletes only the version it read: if a connect rewrote the record
 *   meanwhile, the delete fails and the record stays with the stage it describes.
 * Every record written carries a fresh `revision`, so its ETag changes even when nothing else does.
 */
import { randomUUID } from 'node:crypto';
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
  type ConnectDecision,
  restorePatch,
  sameSettings,
  stageKey,
  type StageRef,
  type StageStateRecord,
} from '../../core/stage-patch.js';
import type { Io } from '../../ui/io.js';

export interface StoredStageState {
  record: StageStateRecord;
  /** The version read, for a conditional replace or delete. */
  etag: string;
}

/**
 * Where the previous settings of connected stages are kept (the log bucket's `_state/`). Writes
 * are conditional: 'precondition-failed' and 'conflict' mean another run changed the record first.
 */
export interface StageStateStore {
  get(ref: StageRef): Promise<StoredStageState | null>;
  /** Only when there is no record yet. */
  create(record: StageStateRecord): Promise<'written' | 'precondition-failed' | 'conflict'>;
  /** Only when the record is still the version `etag`. */
  replace(record: StageStateRecord, etag: string): Promise<'written' | 'precondition-failed' | 'conflict'>;
  /** Only when the record is still the version `etag`; 'gone' when it was deleted already. */
  delete(ref: StageRef, etag: string): Promise<'deleted' | 'gone' | 'precondition-failed' | 'conflict'>;
  list(): Promise<StoredStageState[]>;
}

/** Reads before a conditional write lost to another run; after that many, the stage is reported failed. */
export const STATE_WRITE_ATTEMPTS = 5;

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
  /**
   * Our own earlier destinations (the old stream of an upgrade, src/core/layout-upgrade.ts): a
   * stage that delivers to one is moved, and its saved original settings are kept, so disconnecting
   * restores what the user had before the first connect.
   */
  moveFrom?: readonly string[];
}

/** What connecting does to a stage: decideConnect's answer, or a move off our old stream. */
type Decision = Exclude<ConnectDecision, { action: 'noop' }> | { action: 'move' };

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

/** What stopping at once leaves, for the Ctrl+C notice (src/interrupts.ts). */
export const CONNECT_LEFT_BEHIND =
  'the stages being connected half done: each has its previous settings saved and may or may not be switched yet (running the command again finishes them; disconnect-stage undoes them).';
export const RESTORE_LEFT_BEHIND =
  'the stages being restored half done: each is either still connected or back on its previous settings, and its saved settings are kept until it is (running the command again finishes them).';

/** What HTTP and WebSocket stages get, from an installation's outputs (none before the bridge). */
export function v2TargetsOf(outputs: Readonly<Record<string, string>>): Partial<Record<V2Kind, AccessLogSettings>> {
  const destinationArn = outputs[OUTPUT_KEYS.accessLogGroupArn];
  if (!destinationArn) return {};
  return {
    HTTP: { destinationArn, format: accessLogFormatFor('HTTP') },
    WEBSOCKET: { destinationArn, format: accessLogFormatFor('WEBSOCKET') },
  };
}

function v2Api(ref: StageRef, deps: Pick<ConnectDeps, 'apigwV2'>): ApiGatewayV2Api {
  if (!deps.apigwV2) throw new Error(`internal: stage ${stageKey(ref)} is an ${ref.apiKind ?? 'REST'} stage but no apigatewayv2 adapter was given`);
  return deps.apigwV2;
}

/** A stage's current settings, from the API that owns its kind. */
export function readStage(ref: StageRef, deps: Pick<ConnectDeps, 'apigw' | 'apigwV2'>): Promise<StageSummary> {
  return isV2(ref) ? v2Api(ref, deps).getStage(ref.apiId, ref.stageName) : deps.apigw.getStage(ref.apiId, ref.stageName);
}

/**
 * Sets a stage's access-log destination and format, or (null) removes its access logging: REST
 * with UpdateStage patch operations, HTTP and WebSocket with UpdateStage AccessLogSettings or
 * DeleteAccessLogSettings.
 */
export async function writeAccessLog(ref: StageRef, settings: AccessLogSettings | null, deps: Pick<ConnectDeps, 'apigw' | 'apigwV2'>): Promise<void> {
  if (isV2(ref)) await v2Api(ref, deps).setAccessLog(ref.apiId, ref.stageName, settings);
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
  const target = targetOf(ref, options);
  for (let attempt = 1; attempt <= STATE_WRITE_ATTEMPTS; attempt++) {
    if (deps.signal.aborted) return { ref, outcome: 'skipped' };
    const current = await readStage(ref, deps);
    const moving = current.accessLog !== undefined && current.accessLog !== null && (options.moveFrom ?? []).includes(current.accessLog.destinationArn);
    const decision: ConnectDecision | Decision = moving ? { action: 'move' } : decideConnect(current, target);
    if (decision.action === 'noop') return { ref, outcome: 'unchanged' };
    // Past this point a stage is saved and patched together: Ctrl+C never leaves a record without the patch.
    if (deps.signal.aborted) return { ref, outcome: 'skipped' };
    const saved = await saveBeforeConnect(ref, decision, target, options, deps);
    if (saved === 'retry') continue;
    await writeAccessLog(ref, target, deps);
    await verify(ref, target, deps);
    if (saved) await ensureRecord(saved, deps);
    return decision.action === 'connect' ? { ref, outcome: 'connected', previous: decision.previous } : { ref, outcome: 'updated' };
  }
  throw new UserError('StateConflict', `The saved settings of ${stageKey(ref)} kept changing while this run tried to save them (another run is working on the stage).`, {
    resolution: 'Wait for the other run to finish, then run the command again.',
  });
}

function newRecord(ref: StageRef, previous: AccessLogSettings | null, target: AccessLogSettings, options: ConnectOptions, deps: ConnectDeps): StageStateRecord {
  return {
    schemaVersion: 1,
    project: options.project,
    region: options.region,
    apiId: ref.apiId,
    stageName: ref.stageName,
    ...(isV2(ref) ? { apiKind: ref.apiKind } : {}),
    previous,
    applied: target,
    connectedAt: new Date(deps.now()).toISOString(),
    connectedBy: options.callerArn,
    revision: randomUUID(),
  };
}

/**
 * Saves what connecting must keep: for a new connection the stage's settings now (creating the
 * record, or replacing one another run left), for a format update the record that exists. Returns
 * the record written, null for a stage connected before records existed, or 'retry' when another
 * run changed the record or the stage under us (read both again).
 */
async function saveBeforeConnect(
  ref: StageRef,
  decision: Decision,
  target: AccessLogSettings,
  options: ConnectOptions,
  deps: ConnectDeps,
): Promise<StageStateRecord | null | 'retry'> {
  const existing = await deps.state.get(ref);
  if (decision.action === 'move' && !existing) {
    // Every connect saves a record first; without one (deleted by hand) the original is unknown, and
    // restoring the old stream, which is ours and about to go, would be wrong: no access logs.
    const record = newRecord(ref, null, target, options, deps);
    return (await deps.state.create(record)) === 'written' ? record : 'retry';
  }
  if (decision.action === 'connect') {
    const record = newRecord(ref, decision.previous, target, options, deps);
    const out = existing ? await deps.state.replace(record, existing.etag) : await deps.state.create(record);
    return out === 'written' ? record : 'retry';
  }
  if (!existing) {
    // Ours with no record: either a disconnect just restored the stage and dropped its record (our
    // read of the stage is stale: read again), or it was connected by hand. Only the second survives a re-read.
    const again = await readStage(ref, deps);
    return decideConnect(again, target).action === 'update-format' ? null : 'retry';
  }
  const record: StageStateRecord = { ...existing.record, applied: target, revision: randomUUID() };
  return (await deps.state.replace(record, existing.etag)) === 'written' ? record : 'retry';
}

/**
 * After patching: a disconnect that ran between our save and our patch has restored `previous` and
 * dropped the record, and our patch connected the stage again. Save the same settings again so
 * they stay restorable (if another run created a record meanwhile, it describes the stage too).
 */
async function ensureRecord(record: StageStateRecord, deps: ConnectDeps): Promise<void> {
  if (await deps.state.get(record)) return;
  await deps.state.create({ ...record, revision: randomUUID() });
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
  /** 'reconnected': another run connected the stage again while this one restored it; its record stays. */
  outcome: 'restored' | 'reconnected' | 'not-connected' | 'changed-since' | 'gone' | 'failed' | 'skipped';
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
  stored: StoredStageState | null,
  deps: ConnectDeps,
  overwriteChanged: (current: AccessLogSettings | null) => Promise<boolean>,
): Promise<DisconnectResult> {
  if (deps.signal.aborted) return { ref, outcome: 'skipped' };
  if (!stored) return { ref, outcome: 'not-connected' };
  const { record, etag } = stored;
  // The record knows the stage's kind; a --stage value does not.
  const stage: StageRef = record.apiKind ? { ...ref, apiKind: record.apiKind } : ref;
  let current: AccessLogSettings | null;
  try {
    current = (await readStage(stage, deps)).accessLog ?? null;
  } catch (e) {
    // The stage (or its API) was deleted: nothing to restore; its record goes.
    if (isAppError(e) && e.code === 'NotFoundException') {
      await deps.state.delete(ref, etag);
      return { ref, outcome: 'gone' };
    }
    throw e;
  }
  if (!current || current.destinationArn !== record.applied.destinationArn) {
    if (!(await overwriteChanged(current))) return { ref, outcome: 'changed-since', current };
  }
  await writeAccessLog(stage, record.previous, deps);
  await verify(stage, record.previous, deps);
  // Only the version we read: a connect that rewrote the record meanwhile keeps it.
  const dropped = await deps.state.delete(ref, etag);
  if (dropped === 'deleted' || dropped === 'gone') return { ref, outcome: 'restored', restored: record.previous };
  const now = (await readStage(stage, deps)).accessLog ?? null;
  if (now?.destinationArn === record.applied.destinationArn) return { ref, outcome: 'reconnected', current: now };
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
