/**
 * `uninstall`: preview, confirm, restore every connected stage, delete the stack, and (only when
 * asked by name) purge the log bucket. Stages are restored first and any failure stops before the
 * stack goes, so no stage is left pointing at a stream that no longer exists. Every step checks
 * what is already done, so running it again after a failure finishes the job.
 */
import type { RunContext } from '../../context.js';
import type { UninstallOptions } from './index.js';
import type { S3Api } from '../../aws/s3.js';
import { artifactsBucketName } from '../../aws/s3.js';
import { settleLimit } from '../../aws/throttle.js';
import { describeSettings } from '../../core/destinations.js';
import type { Installation } from '../../core/installations.js';
import { TOOL, stackName as stackNameOf } from '../../core/names.js';
import { OUTPUT_KEYS } from '../../core/outputs.js';
import { stageKey, type StageRef, type StageStateRecord } from '../../core/stage-patch.js';
import { removeStack } from '../../core/deploy.js';
import { AbortError, UserError } from '../../errors.js';
import { disconnectOne, writeAccessLog, type ConnectDeps, type DisconnectResult } from '../shared/connect.js';
import { chooseInstallation, listInstallations } from '../shared/installation.js';
import { discoverStages, knownDestinations } from '../shared/stages.js';
import { s3StateStore } from '../shared/state-store.js';

export interface UninstallPlan {
  schemaVersion: 1;
  account: string;
  region: string;
  project: string;
  /** null when the stack is already gone (a re-run). */
  stack: { name: string; status: string } | null;
  stages: Array<{ stage: string; restoreTo: string; saved: boolean }>;
  bucket: { name: string; objects: number; bytes: number; action: 'keep' | 'purge' } | null;
  artifactsBucket: { name: string; action: 'delete' | 'keep' };
}

export interface UninstallResult {
  plan: UninstallPlan;
  dryRun: boolean;
  stages: Array<{ stage: string; outcome: DisconnectResult['outcome'] | 'turned-off' }>;
  stack: 'deleted' | 'not-found' | 'deleted-with-retained-resources' | null;
  bucket: { name: string; outcome: 'kept' | 'purged'; versionsDeleted?: number; bytesDeleted?: number } | null;
  artifactsBucket: 'deleted' | 'kept' | null;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function renderPlan(plan: UninstallPlan): string {
  const out = [`Uninstall ${plan.project} from ${plan.region} (account ${plan.account}):`];
  if (plan.stages.length === 0) out.push('  Stages     none connected');
  for (const s of plan.stages) out.push(`  Stage      ${s.stage}: restore ${s.restoreTo}${s.saved ? '' : ' (no saved settings: access logs turned off)'}`);
  out.push(plan.stack ? `  Stack      delete ${plan.stack.name} (${plan.stack.status}) and wait` : '  Stack      already deleted');
  if (plan.bucket) {
    out.push(
      plan.bucket.action === 'purge'
        ? `  Log bucket DELETE ${plan.bucket.name} and all ${plan.bucket.objects} objects (${formatBytes(plan.bucket.bytes)}), every version: the access logs are lost`
        : `  Log bucket keep ${plan.bucket.name} (${plan.bucket.objects} objects, ${formatBytes(plan.bucket.bytes)}); --purge-bucket deletes it`,
    );
  }
  out.push(
    plan.artifactsBucket.action === 'delete'
      ? `  Artifacts  delete ${plan.artifactsBucket.name} (the last installation in ${plan.region} goes)`
      : `  Artifacts  keep ${plan.artifactsBucket.name} (other installations use it)`,
  );
  return out.join('\n');
}

async function bucketInfo(s3: S3Api, bucket: string, account: string, purge: boolean): Promise<UninstallPlan['bucket']> {
  const size = await s3.bucketSize(bucket, undefined, { expectedOwner: account });
  return { name: bucket, objects: size.count, bytes: size.bytes, action: purge ? 'purge' : 'keep' };
}

export async function runUninstall(options: UninstallOptions, ctx: RunContext): Promise<UninstallResult> {
  const { io } = ctx;
  const aws = await ctx.aws();
  const region = aws.target.region;
  const [sts, cfn, s3] = await Promise.all([aws.sts(), aws.cloudFormation(), aws.s3()]);
  const who = await io.step('Checking credentials', () => sts.getCallerIdentity(), (w) => `Account ${w.account} in ${region}`);
  const installations = await listInstallations(cfn);

  // The installation, or (on a re-run after the stack went) its retained bucket.
  let inst: Installation | null = null;
  let bucketName: string | null = null;
  if (options.project && !installations.some((i) => i.project === options.project)) {
    const retained = await (await aws.s3Inventory()).findRetainedLogBuckets(options.project, who.account);
    if (retained.length === 0) await chooseInstallation(installations, options.project, ctx, region); // throws: lists what exists
    bucketName = retained[0] ?? null;
  } else {
    inst = await chooseInstallation(installations, options.project, ctx, region);
    bucketName = inst.outputs[OUTPUT_KEYS.bucketName] ?? null;
  }
  const project = inst?.project ?? (options.project as string);
  const others = installations.filter((i) => i.project !== project);
  const artifacts = artifactsBucketName(who.account, region);

  // What is connected: saved records, plus any stage still pointing at our stream without one.
  const ownedBucket = bucketName !== null && (await s3.headBucket(bucketName, { expectedOwner: who.account })) === 'owned' ? bucketName : null;
  const state = ownedBucket ? s3StateStore(s3, ownedBucket, who.account) : null;
  const records: StageStateRecord[] = state ? await state.list() : [];
  const [apigw, apigwV2] = await Promise.all([aws.apiGateway(), aws.apiGatewayV2()]);
  let unrecorded: StageRef[] = [];
  if (inst) {
    const known = knownDestinations([inst]);
    const all = await io.step('Looking for connected stages', async () =>
      discoverStages(apigw, known, inst.outputs[OUTPUT_KEYS.accessLogGroupArn] ? { api: apigwV2, apis: await apigwV2.listApis() } : undefined),
    );
    unrecorded = all
      .filter((s) => s.destination.kind === 'installation' && s.destination.project === project)
      .filter((s) => !records.some((r) => stageKey(r) === stageKey(s)))
      .map((s) => ({ apiId: s.apiId, stageName: s.stageName, apiKind: s.apiKind }));
  }
  const plan: UninstallPlan = {
    schemaVersion: 1,
    account: who.account,
    region,
    project,
    stack: inst ? { name: inst.stackName, status: inst.stackStatus } : null,
    stages: [
      ...records.map((r) => ({ stage: stageKey(r), restoreTo: describeSettings(r.previous), saved: true })),
      ...unrecorded.map((r) => ({ stage: stageKey(r), restoreTo: 'no access logs', saved: false })),
    ],
    bucket: ownedBucket ? await bucketInfo(s3, ownedBucket, who.account, options.purgeBucket) : null,
    artifactsBucket: { name: artifacts, action: others.length === 0 ? 'delete' : 'keep' },
  };
  const empty: UninstallResult = { plan, dryRun: options.dryRun, stages: [], stack: null, bucket: null, artifactsBucket: null };
  if (options.dryRun) {
    if (options.json) io.json(plan);
    else io.result(renderPlan(plan));
    io.info('Dry run: nothing was changed.');
    return empty;
  }
  io.info(renderPlan(plan));
  if (!inst && plan.bucket?.action !== 'purge') {
    const result: UninstallResult = { ...empty, bucket: plan.bucket ? { name: plan.bucket.name, outcome: 'kept' } : null };
    if (options.json) io.json(result);
    else io.result(`${project} is already uninstalled${plan.bucket ? `; its log bucket ${plan.bucket.name} is kept (--purge-bucket deletes it)` : ''}.`);
    return result;
  }
  if (!options.yes) {
    if (!ctx.interactive) throw new UserError('NeedsConfirmation', 'The uninstall was not confirmed.', { resolution: 'Pass --yes to go ahead without a prompt (or --dry-run to only see the plan).' });
    const question = options.purgeBucket ? `Uninstall ${project} and DELETE its log bucket with all its data? [--yes]` : `Uninstall ${project}? [--yes]`;
    if (!(await ctx.prompter.confirm({ message: question, default: false }))) throw new AbortError();
  }
  const base = `npx ${TOOL} uninstall --region ${region} --project ${project}`;
  const rerun = `${base}${options.purgeBucket ? ' --purge-bucket' : ''} --yes`;

  // 1. Stages first: if one cannot be restored, the stack stays so its logs keep flowing.
  const stageResults: UninstallResult['stages'] = [];
  if (state && (records.length > 0 || unrecorded.length > 0)) {
    const deps: ConnectDeps = { apigw, apigwV2, state, io, signal: ctx.signal, now: ctx.now };
    const restored = await io.step(`Restoring ${plan.stages.length} stage${plan.stages.length === 1 ? '' : 's'}`, () =>
      settleLimit(records, 5, (r) => disconnectOne({ apiId: r.apiId, stageName: r.stageName }, r, deps, () => Promise.resolve(false))),
    );
    restored.forEach((s, i) => {
      const r = records[i] as StageStateRecord;
      stageResults.push({ stage: stageKey(r), outcome: s.ok ? s.value.outcome : 'failed' });
    });
    const off = await settleLimit(unrecorded, 5, async (ref) => {
      await writeAccessLog(ref, null, deps);
      return ref;
    });
    off.forEach((s, i) => stageResults.push({ stage: stageKey(unrecorded[i] as StageRef), outcome: s.ok ? 'turned-off' : 'failed' }));
    const failed = stageResults.filter((s) => s.outcome === 'failed' || s.outcome === 'skipped');
    if (failed.length > 0) {
      throw new UserError('StagesNotRestored', `${failed.length} stage${failed.length === 1 ? '' : 's'} could not be restored, so the stack was not deleted (they would lose their logs).`, {
        details: failed.map((f) => f.stage),
        resolution: `Run again to finish: ${rerun}`,
      });
    }
  }

  // 2. The stack.
  let stackOutcome: UninstallResult['stack'] = null;
  if (inst) {
    const first = await removeStack({ stackName: inst.stackId || stackNameOf(project), displayName: inst.stackName, project, resumeCommand: rerun }, ctx, { cfn });
    stackOutcome = first.outcome === 'failed' ? null : first.outcome;
    if (first.outcome === 'failed') {
      const stuck = first.failures.map((f) => f.logicalId).filter((id) => id !== inst.stackName);
      const lines = first.failures.map((f) => `${f.logicalId} (${f.resourceType}): ${f.reason}`);
      const retain = options.retainStuckResources || (ctx.interactive && stuck.length > 0 && (await ctx.prompter.confirm({
        message: `The stack is stuck in DELETE_FAILED because of ${stuck.join(', ')}. Delete the stack and leave those resources behind (delete them yourself later)? [--retain-stuck-resources]`,
        default: false,
      })));
      if (!retain || stuck.length === 0) {
        throw new UserError('DeleteFailed', `Stack ${inst.stackName} could not be deleted (DELETE_FAILED).`, {
          details: lines,
          resolution: `Fix what blocks those resources, then run again: ${rerun}. Or leave them behind: ${base}${options.purgeBucket ? ' --purge-bucket' : ''} --retain-stuck-resources --yes`,
        });
      }
      const second = await removeStack({ stackName: first.stackId ?? inst.stackId, displayName: inst.stackName, project, retainResources: stuck, resumeCommand: rerun }, ctx, { cfn });
      if (second.outcome === 'failed') {
        throw new UserError('DeleteFailed', `Stack ${inst.stackName} still could not be deleted.`, {
          details: second.failures.map((f) => `${f.logicalId} (${f.resourceType}): ${f.reason}`),
          resolution: `Run again: ${rerun}`,
        });
      }
      io.warn(`Left behind (delete them yourself): ${stuck.join(', ')}.`);
      stackOutcome = 'deleted-with-retained-resources';
    }
  }

  // 3. The log bucket: kept unless asked for by name.
  let bucketOutcome: UninstallResult['bucket'] = plan.bucket ? { name: plan.bucket.name, outcome: 'kept' } : null;
  if (plan.bucket && options.purgeBucket) {
    const name = plan.bucket.name;
    const purged = await io.step(`Emptying and deleting ${name}`, (h) =>
      s3.emptyAndDeleteBucket(name, {
        expectedOwner: who.account,
        signal: ctx.signal,
        onProgress: (p) => h.update(`Emptying ${name}: ${p.versionsDeleted + p.deleteMarkersDeleted} versions deleted`),
      }),
    );
    bucketOutcome = { name, outcome: 'purged', versionsDeleted: purged.versionsDeleted + purged.deleteMarkersDeleted, bytesDeleted: purged.bytesDeleted };
  }

  // 4. The artifacts bucket goes with the last installation in the region.
  let artifactsOutcome: UninstallResult['artifactsBucket'] = 'kept';
  if (others.length === 0) {
    await io.step(`Deleting the artifacts bucket ${artifacts}`, () => s3.emptyAndDeleteBucket(artifacts, { expectedOwner: who.account, signal: ctx.signal }));
    artifactsOutcome = 'deleted';
  }

  const result: UninstallResult = { plan, dryRun: false, stages: stageResults, stack: stackOutcome, bucket: bucketOutcome, artifactsBucket: artifactsOutcome };
  if (options.json) io.json(result);
  else {
    const lines = [`${project} is uninstalled from ${region}.`];
    for (const s of stageResults) lines.push(`  Stage      ${s.stage}: ${s.outcome}`);
    lines.push(`  Stack      ${stackOutcome ?? 'already deleted'}`);
    if (bucketOutcome) {
      lines.push(
        bucketOutcome.outcome === 'purged'
          ? `  Log bucket ${bucketOutcome.name} deleted (${bucketOutcome.versionsDeleted} object versions, ${formatBytes(bucketOutcome.bytesDeleted ?? 0)})`
          : `  Log bucket ${bucketOutcome.name} kept (${plan.bucket?.objects ?? 0} objects, ${formatBytes(plan.bucket?.bytes ?? 0)}); delete it with: ${base} --purge-bucket --yes`,
      );
    }
    lines.push(`  Artifacts  ${artifactsOutcome === 'deleted' ? `${artifacts} deleted` : `${artifacts} kept for the other installations`}`);
    io.result(lines.join('\n'));
  }
  return result;
}

