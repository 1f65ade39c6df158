/**
 * `uninstall`: preview, confirm, restore every connected stage, delete the stack, and (only when
 * asked by name) purge the log buckets. Which stages are connected comes from API Gateway itself
 * (stages whose destination is this installation's stream), their previous settings from the log
 * bucket. Stages are restored first, API Gateway is asked again right before the stack goes, and
 * any stage still pointing at the stream stops the run there, so no stage is ever left pointing at
 * a stream that no longer exists. Every step checks what is already done, so running it again
 * after a failure finishes the job.
 */
import type { RunContext } from '../../context.js';
import type { UninstallOptions } from './index.js';
import type { ApiGatewayApi } from '../../aws/apigateway.js';
import type { S3Api } from '../../aws/s3.js';
import { artifactsBucketName } from '../../aws/s3.js';
import { settleLimit } from '../../aws/throttle.js';
import type { KnownStream } from '../../core/destinations.js';
import type { Installation } from '../../core/installations.js';
import { TOOL, stackName as stackNameOf, streamName as streamNameOf } from '../../core/names.js';
import { OUTPUT_KEYS } from '../../core/outputs.js';
import { stageKey, type StageRef } from '../../core/stage-patch.js';
import { removeStack } from '../../core/deploy.js';
import { AbortError, UserError } from '../../errors.js';
import { disconnectOne, writeAccessLog, type ConnectDeps, type DisconnectResult, type StoredStageState } from '../shared/connect.js';
import { chooseInstallation, listInstallations } from '../shared/installation.js';
import { discoverStages, isConnectedTo, knownDestinations, type StageInfo } from '../shared/stages.js';
import type { ApiGatewayV2Api } from '../../aws/apigatewayv2.js';
import { s3StateStore } from '../shared/state-store.js';
import { blockedReason, formatBytes, planStages, refOf, renderPlan, type PlannedBucket, type UninstallPlan } from './plan.js';

export { formatBytes, type UninstallPlan } from './plan.js';

export interface UninstallResult {
  plan: UninstallPlan;
  dryRun: boolean;
  stages: Array<{ stage: string; outcome: DisconnectResult['outcome'] | 'turned-off' | 'forgotten' }>;
  stack: 'deleted' | 'not-found' | 'deleted-with-retained-resources' | null;
  bucket: { name: string; outcome: 'kept' | 'purged'; versionsDeleted?: number; bytesDeleted?: number } | null;
  /** Earlier installations' kept buckets, purged with --purge-bucket. */
  retainedBuckets: Array<{ name: string; outcome: 'kept' | 'purged' }>;
  artifactsBucket: 'deleted' | 'kept' | null;
}

interface Target {
  account: string;
  region: string;
  project: string;
  inst: Installation | null;
  others: Installation[];
  /** The installation's log bucket, or (stack gone) the first bucket a previous uninstall kept. */
  bucketName: string | null;
  /** Every other kept log bucket of the project (looked up with --purge-bucket or when the stack is gone). */
  retained: string[];
}

async function findTarget(options: UninstallOptions, ctx: RunContext): Promise<Target> {
  const aws = await ctx.aws();
  const region = aws.target.region;
  const [sts, cfn] = await Promise.all([aws.sts(), aws.cloudFormation()]);
  const who = await ctx.io.step('Checking credentials', () => sts.getCallerIdentity(), (w) => `Account ${w.account} in ${region}`);
  const installations = await listInstallations(cfn);
  const stackGone = options.project !== undefined && !installations.some((i) => i.project === options.project);
  const inst = stackGone ? null : await chooseInstallation(installations, options.project, ctx, region);
  const project = inst?.project ?? (options.project as string);
  const own = inst?.outputs[OUTPUT_KEYS.bucketName] ?? null;
  const kept = stackGone || options.purgeBucket ? await (await aws.s3Inventory()).findRetainedLogBuckets(project, who.account) : [];
  if (stackGone && kept.length === 0) await chooseInstallation(installations, options.project, ctx, region); // throws: lists what exists
  const bucketName = own ?? kept[0] ?? null;
  return {
    account: who.account,
    region,
    project,
    inst,
    others: installations.filter((i) => i.project !== project),
    bucketName,
    retained: kept.filter((b) => b !== bucketName),
  };
}

function knownStream(t: Target): KnownStream[] {
  // The installation's stream and log group, and its old stream while an upgrade keeps it.
  return t.inst ? knownDestinations([t.inst]) : [{ project: t.project, streamName: streamNameOf(t.project) }];
}

/** Every stage pointing at the installation: REST stages at its stream, HTTP and WebSocket ones at its log group. */
async function pointingHere(apigw: ApiGatewayApi, apigwV2: ApiGatewayV2Api, t: Target) {
  const v2 = t.inst?.outputs[OUTPUT_KEYS.accessLogGroupArn] ? { api: apigwV2, apis: await apigwV2.listApis() } : undefined;
  const all = await discoverStages(apigw, knownStream(t), v2);
  return { all, pointing: all.filter((s) => isConnectedTo(s, t.project)) };
}

async function plannedBucket(s3: S3Api, name: string, account: string, purge: boolean): Promise<PlannedBucket | null> {
  if ((await s3.headBucket(name, { expectedOwner: account })) !== 'owned') return null;
  const size = await s3.bucketSize(name, undefined, { expectedOwner: account });
  return { name, objects: size.count, bytes: size.bytes, action: purge ? 'purge' : 'keep' };
}

export async function runUninstall(options: UninstallOptions, ctx: RunContext): Promise<UninstallResult> {
  const { io } = ctx;
  const aws = await ctx.aws();
  const t = await findTarget(options, ctx);
  const [s3, apigw, apigwV2] = await Promise.all([aws.s3(), aws.apiGateway(), aws.apiGatewayV2()]);
  const owner = { expectedOwner: t.account };

  // What is connected (API Gateway) and what was saved (the log bucket).
  const bucketState = t.bucketName ? await s3.headBucket(t.bucketName, owner) : 'missing';
  const state = t.bucketName && bucketState === 'owned' ? s3StateStore(s3, t.bucketName, t.account) : null;
  const records: StoredStageState[] = state ? await state.list() : [];
  const { all, pointing } = await io.step('Looking for connected stages', () => pointingHere(apigw, apigwV2, t));
  const stages = planStages({ pointing, all, records, bucketName: t.bucketName, bucketState });
  const retained = (await Promise.all(t.retained.map((b) => plannedBucket(s3, b, t.account, options.purgeBucket)))).filter((b): b is PlannedBucket => b !== null);
  const plan: UninstallPlan = {
    schemaVersion: 1,
    account: t.account,
    region: t.region,
    project: t.project,
    stack: t.inst ? { name: t.inst.stackName, status: t.inst.stackStatus } : null,
    stages,
    bucket: state && t.bucketName ? await plannedBucket(s3, t.bucketName, t.account, options.purgeBucket) : null,
    retainedBuckets: retained,
    blocked: blockedReason(stages, t.bucketName),
    artifactsBucket: { name: artifactsBucketName(t.account, t.region), action: t.others.length === 0 ? 'delete' : 'keep' },
  };
  const base = `npx ${TOOL} uninstall --region ${t.region} --project ${t.project}`;
  const rerun = `${base}${options.purgeBucket ? ' --purge-bucket' : ''} --yes`;
  const empty: UninstallResult = { plan, dryRun: options.dryRun, stages: [], stack: null, bucket: null, retainedBuckets: [], artifactsBucket: null };
  if (options.dryRun) {
    if (options.json) io.json(plan);
    else io.result(renderPlan(plan));
    io.info('Dry run: nothing was changed.');
    return empty;
  }
  io.info(renderPlan(plan));
  if (plan.blocked) {
    throw new UserError('SavedSettingsUnreadable', `Nothing was changed: ${plan.blocked}`, {
      resolution:
        `Let this identity read the bucket (s3:ListBucket, s3:GetObject and s3:DeleteObject on ${t.bucketName}), then run again: ${rerun}. ` +
        'To give those saved settings up instead, turn the stages\' access logs off yourself ' +
        '(aws apigateway update-stage --rest-api-id API_ID --stage-name STAGE --patch-operations op=remove,path=/accessLogSettings) and run uninstall again.',
    });
  }
  const purging = plan.bucket?.action === 'purge' || retained.some((b) => b.action === 'purge');
  if (!t.inst && !purging && stages.length === 0) return alreadyUninstalled(plan, options, ctx, empty);
  await confirm(plan, options, ctx);

  return ctx.interrupts.changing(
    `the uninstall half done: some stages restored, the stack perhaps still deleting in CloudFormation (it carries on). Run again to finish: ${rerun}`,
    async () => {
      const deps: ConnectDeps = { apigw, apigwV2, state: state ?? noStore, io, signal: ctx.signal, now: ctx.now };
      const stageResults = await restoreStages(plan, records, deps, rerun, all);
      const stackOutcome = t.inst ? await deleteStack(t, options, ctx, { apigw, apigwV2 }, { base, rerun }) : null;
      const buckets = await purgeBuckets(plan, options, ctx, s3, t.account);
      const artifactsOutcome = await deleteArtifacts(plan, ctx, s3, t.account);
      const result: UninstallResult = { plan, dryRun: false, stages: stageResults, stack: stackOutcome, ...buckets, artifactsBucket: artifactsOutcome };
      if (options.json) io.json(result);
      else io.result(renderResult(result, base));
      return result;
    },
  );
}

/** Records are only touched when the bucket is readable; this store is never reached otherwise. */
const noStore: ConnectDeps['state'] = {
  get: () => Promise.resolve(null),
  create: () => Promise.resolve('precondition-failed'),
  replace: () => Promise.resolve('precondition-failed'),
  delete: () => Promise.resolve('gone'),
  list: () => Promise.resolve([]),
};

function alreadyUninstalled(plan: UninstallPlan, options: UninstallOptions, ctx: RunContext, empty: UninstallResult): UninstallResult {
  const kept = [plan.bucket, ...plan.retainedBuckets].filter((b): b is PlannedBucket => b !== null);
  const result: UninstallResult = {
    ...empty,
    bucket: plan.bucket ? { name: plan.bucket.name, outcome: 'kept' } : null,
    retainedBuckets: plan.retainedBuckets.map((b) => ({ name: b.name, outcome: 'kept' as const })),
  };
  if (options.json) ctx.io.json(result);
  else ctx.io.result(`${plan.project} is already uninstalled${kept.length ? `; its log bucket${kept.length > 1 ? 's' : ''} ${kept.map((b) => b.name).join(', ')} ${kept.length > 1 ? 'are' : 'is'} kept (--purge-bucket deletes ${kept.length > 1 ? 'them' : 'it'})` : ''}.`);
  return result;
}

async function confirm(plan: UninstallPlan, options: UninstallOptions, ctx: RunContext): Promise<void> {
  if (options.yes) return;
  if (!ctx.interactive) throw new UserError('NeedsConfirmation', 'The uninstall was not confirmed.', { resolution: 'Pass --yes to go ahead without a prompt (or --dry-run to only see the plan).' });
  const off = plan.stages.filter((s) => s.action === 'turn-off').length;
  const logsOff = off ? ` ${off} stage${off === 1 ? ' has' : 's have'} no saved settings and will log nothing.` : '';
  const question = options.purgeBucket
    ? `Uninstall ${plan.project} and DELETE its log buckets with all their data?${logsOff} [--yes]`
    : `Uninstall ${plan.project}?${logsOff} [--yes]`;
  if (!(await ctx.prompter.confirm({ message: question, default: false }))) throw new AbortError();
}

/** Step 1, exactly as planned: restore, turn off, or drop the record of a stage that moved on. */
async function restoreStages(
  plan: UninstallPlan,
  records: readonly StoredStageState[],
  deps: ConnectDeps,
  rerun: string,
  all: readonly StageInfo[],
): Promise<UninstallResult['stages']> {
  const work = plan.stages.filter((s) => s.action !== 'blocked');
  if (work.length === 0) return [];
  const storedOf = (stage: string) => records.find((r) => stageKey(r.record) === stage) ?? null;
  const refFor = (stage: string): StageRef => {
    const [apiId, ...rest] = stage.split('/');
    const kind = all.find((s) => stageKey(s) === stage)?.apiKind;
    return { apiId: apiId as string, stageName: rest.join('/'), ...(kind && kind !== 'REST' ? { apiKind: kind } : {}) };
  };
  const settled = await deps.io.step(`Restoring ${work.length} stage${work.length === 1 ? '' : 's'}`, () =>
    settleLimit(work, 5, async (s): Promise<UninstallResult['stages'][number]['outcome']> => {
      const ref = refFor(s.stage);
      const stored = storedOf(s.stage);
      if (s.action === 'restore') return (await disconnectOne(ref, stored, deps, () => Promise.resolve(false))).outcome;
      if (s.action === 'forget') {
        await deps.state.delete(refOf(ref), (stored as StoredStageState).etag);
        return 'forgotten';
      }
      await writeAccessLog(ref, null, deps);
      return 'turned-off';
    }),
  );
  const results = settled.map((r, i) => ({ stage: (work[i] as { stage: string }).stage, outcome: r.ok ? r.value : ('failed' as const) }));
  // 'changed-since': the stage moved on by itself, so it no longer needs the stack.
  const failed = results.filter((s) => s.outcome === 'failed' || s.outcome === 'skipped' || s.outcome === 'reconnected');
  if (failed.length > 0) {
    throw new UserError('StagesNotRestored', `${failed.length} stage${failed.length === 1 ? '' : 's'} could not be restored, so the stack was not deleted (they would lose their logs).`, {
      details: failed.map((f) => f.stage),
      resolution: `Run again to finish: ${rerun}`,
    });
  }
  return results;
}

/** Step 2: only when API Gateway confirms no stage points at the stream any more. */
async function deleteStack(
  t: Target,
  options: UninstallOptions,
  ctx: RunContext,
  apis: { apigw: ApiGatewayApi; apigwV2: ApiGatewayV2Api },
  cmd: { base: string; rerun: string },
): Promise<UninstallResult['stack']> {
  const inst = t.inst as Installation;
  const { pointing } = await ctx.io.step('Checking that no stage still logs to the stream', () => pointingHere(apis.apigw, apis.apigwV2, t));
  if (pointing.length > 0) {
    throw new UserError('StagesStillConnected', `${pointing.length} stage${pointing.length === 1 ? '' : 's'} still send${pointing.length === 1 ? 's' : ''} logs to ${inst.streamName}, so the stack was not deleted.`, {
      details: pointing.map((s) => `${stageKey(s)} (connected again while uninstall ran?)`),
      resolution: `Run again to restore ${pointing.length === 1 ? 'it' : 'them'} and finish: ${cmd.rerun}`,
    });
  }
  const aws = await ctx.aws();
  const cfn = await aws.cloudFormation();
  const first = await removeStack({ stackName: inst.stackId || stackNameOf(t.project), displayName: inst.stackName, project: t.project, resumeCommand: cmd.rerun }, ctx, { cfn });
  if (first.outcome !== 'failed') return first.outcome;
  const stuck = first.failures.map((f) => f.logicalId).filter((id) => id !== inst.stackName);
  const lines = first.failures.map((f) => `${f.logicalId} (${f.resourceType}): ${f.reason}`);
  const retain =
    options.retainStuckResources ||
    (ctx.interactive &&
      stuck.length > 0 &&
      (await ctx.prompter.confirm({
        message: `The stack is stuck in DELETE_FAILED because of ${stuck.join(', ')}. Delete the stack and leave those resources behind (delete them yourself later)? [--retain-stuck-resources]`,
        default: false,
      })));
  if (!retain || stuck.length === 0) {
    throw new UserError('DeleteFailed', `Stack ${inst.stackName} could not be deleted (DELETE_FAILED).`, {
      details: lines,
      resolution: `Fix what blocks those resources, then run again: ${cmd.rerun}. Or leave them behind: ${cmd.base}${options.purgeBucket ? ' --purge-bucket' : ''} --retain-stuck-resources --yes`,
    });
  }
  const second = await removeStack({ stackName: first.stackId ?? inst.stackId, displayName: inst.stackName, project: t.project, retainResources: stuck, resumeCommand: cmd.rerun }, ctx, { cfn });
  if (second.outcome === 'failed') {
    throw new UserError('DeleteFailed', `Stack ${inst.stackName} still could not be deleted.`, {
      details: second.failures.map((f) => `${f.logicalId} (${f.resourceType}): ${f.reason}`),
      resolution: `Run again: ${cmd.rerun}`,
    });
  }
  ctx.io.warn(`Left behind (delete them yourself): ${stuck.join(', ')}.`);
  return 'deleted-with-retained-resources';
}

/** Step 3: the log buckets are kept unless asked for by name; then every kept one of the project goes. */
async function purgeBuckets(plan: UninstallPlan, options: UninstallOptions, ctx: RunContext, s3: S3Api, account: string): Promise<Pick<UninstallResult, 'bucket' | 'retainedBuckets'>> {
  const purge = async (name: string) =>
    ctx.io.step(`Emptying and deleting ${name}`, (h) =>
      s3.emptyAndDeleteBucket(name, {
        expectedOwner: account,
        signal: ctx.signal,
        onProgress: (p) => h.update(`Emptying ${name}: ${p.versionsDeleted + p.deleteMarkersDeleted} versions deleted`),
      }),
    );
  let bucket: UninstallResult['bucket'] = plan.bucket ? { name: plan.bucket.name, outcome: 'kept' } : null;
  if (plan.bucket && options.purgeBucket) {
    const purged = await purge(plan.bucket.name);
    bucket = { name: plan.bucket.name, outcome: 'purged', versionsDeleted: purged.versionsDeleted + purged.deleteMarkersDeleted, bytesDeleted: purged.bytesDeleted };
  }
  const retainedBuckets: UninstallResult['retainedBuckets'] = [];
  for (const b of plan.retainedBuckets) {
    if (b.action === 'purge') await purge(b.name);
    retainedBuckets.push({ name: b.name, outcome: b.action === 'purge' ? 'purged' : 'kept' });
  }
  return { bucket, retainedBuckets };
}

/** Step 4: the artifacts bucket goes with the last installation in the region. */
async function deleteArtifacts(plan: UninstallPlan, ctx: RunContext, s3: S3Api, account: string): Promise<UninstallResult['artifactsBucket']> {
  if (plan.artifactsBucket.action !== 'delete') return 'kept';
  const name = plan.artifactsBucket.name;
  await ctx.io.step(`Deleting the artifacts bucket ${name}`, () => s3.emptyAndDeleteBucket(name, { expectedOwner: account, signal: ctx.signal }));
  return 'deleted';
}

function renderResult(result: UninstallResult, base: string): string {
  const { plan } = result;
  const lines = [`${plan.project} is uninstalled from ${plan.region}.`];
  for (const s of result.stages) lines.push(`  Stage      ${s.stage}: ${s.outcome}`);
  lines.push(`  Stack      ${result.stack ?? 'already deleted'}`);
  const b = result.bucket;
  if (b) {
    lines.push(
      b.outcome === 'purged'
        ? `  Log bucket ${b.name} deleted (${b.versionsDeleted} object versions, ${formatBytes(b.bytesDeleted ?? 0)})`
        : `  Log bucket ${b.name} kept (${plan.bucket?.objects ?? 0} objects, ${formatBytes(plan.bucket?.bytes ?? 0)}); delete it with: ${base} --purge-bucket --yes. A later init of ${plan.project} finds it and continues with it.`,
    );
  }
  for (const r of result.retainedBuckets) lines.push(`  Kept earlier ${r.name} ${r.outcome === 'purged' ? 'deleted' : 'kept'}`);
  lines.push(`  Artifacts  ${result.artifactsBucket === 'deleted' ? `${plan.artifactsBucket.name} deleted` : `${plan.artifactsBucket.name} kept for the other installations`}`);
  return lines.join('\n');
}
