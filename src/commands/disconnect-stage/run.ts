/** `disconnect-stage`: put stages back exactly as they were before we connected them. */
import type { RunContext } from '../../context.js';
import type { DisconnectStageOptions } from './index.js';
import type { AccessLogSettings } from '../../aws/apigateway.js';
import { describeSettings } from '../../core/destinations.js';
import { OUTPUT_KEYS } from '../../core/outputs.js';
import { parseStageRef, stageKey, type StageRef, type StageStateRecord } from '../../core/stage-patch.js';
import { AbortError, UsageError, UserError, isAppError } from '../../errors.js';
import { settleLimit } from '../../aws/throttle.js';
import { RESTORE_LEFT_BEHIND, disconnectOne, type ConnectDeps, type DisconnectResult } from '../shared/connect.js';
import { chooseInstallation, listInstallations, requireOutputs } from '../shared/installation.js';
import { s3StateStore } from '../shared/state-store.js';
import { stageFlagProblems, throwUsageProblems } from '../options.js';

export interface DisconnectStageResult {
  project: string;
  dryRun: boolean;
  stages: Array<{ stage: string; outcome: DisconnectResult['outcome'] | 'planned'; restoreTo: string | null; current?: string | null; error?: string }>;
}

async function pick(options: DisconnectStageOptions, records: StageStateRecord[], ctx: RunContext): Promise<StageRef[]> {
  // runDisconnectStage checked the --all-stages conflict and the values' shape before any AWS call.
  if (options.stage?.length) {
    const bad = options.stage.filter((v) => !parseStageRef(v));
    if (bad.length) throw new UsageError('BadStage', `--stage ${bad.map((b) => `"${b}"`).join(', ')} is not API_ID/STAGE (for example a1b2c3d4e5/prod).`);
    return options.stage.map((v) => parseStageRef(v) as StageRef);
  }
  if (options.allStages) return records.map((r) => ({ apiId: r.apiId, stageName: r.stageName }));
  if (records.length === 0) return [];
  if (!ctx.interactive) {
    throw new UserError('MissingStages', 'No stages chosen.', { resolution: `Pass --stage API_ID/STAGE (repeatable) or --all-stages. Connected: ${records.map((r) => stageKey(r)).join(', ')}.` });
  }
  const keys = await ctx.prompter.checkbox<string>({
    message: 'Which stages should go back to their previous access-log settings? [--stage API_ID/STAGE]',
    choices: records.map((r) => ({ name: `${stageKey(r)}  → ${describeSettings(r.previous)}`, value: stageKey(r) })),
    required: true,
  });
  return records.filter((r) => keys.includes(stageKey(r))).map((r) => ({ apiId: r.apiId, stageName: r.stageName }));
}

export async function runDisconnectStage(options: DisconnectStageOptions, ctx: RunContext): Promise<DisconnectStageResult> {
  const { io } = ctx;
  throwUsageProblems(stageFlagProblems(options.stage, options.allStages), 'Fix the flags above and run again.');
  const aws = await ctx.aws();
  const region = aws.target.region;
  const [sts, cfn, apigw, apigwV2, s3] = await Promise.all([aws.sts(), aws.cloudFormation(), aws.apiGateway(), aws.apiGatewayV2(), aws.s3()]);
  const who = await io.step('Checking credentials', () => sts.getCallerIdentity(), (w) => `Account ${w.account} in ${region}`);
  const inst = await chooseInstallation(await listInstallations(cfn), options.project, ctx, region);
  const outputs = requireOutputs(inst, [OUTPUT_KEYS.bucketName]);
  const state = s3StateStore(s3, outputs[OUTPUT_KEYS.bucketName] as string, who.account);
  const stored = await state.list();
  const records = stored.map((s) => s.record);
  const refs = await pick(options, records, ctx);
  const storedOf = (ref: StageRef) => stored.find((s) => stageKey(s.record) === stageKey(ref)) ?? null;
  const recordOf = (ref: StageRef) => storedOf(ref)?.record ?? null;
  const planned: DisconnectStageResult = {
    project: inst.project,
    dryRun: true,
    stages: refs.map((ref) => {
      const rec = recordOf(ref);
      return { stage: stageKey(ref), outcome: rec ? 'planned' : 'not-connected', restoreTo: rec ? describeSettings(rec.previous) : null };
    }),
  };
  if (refs.length === 0) {
    if (options.json) io.json({ ...planned, dryRun: options.dryRun });
    else io.result(`No stage is connected to ${inst.project}.`);
    return { ...planned, dryRun: options.dryRun };
  }
  const lines = planned.stages.map((s) => `  ${s.stage}: ${s.restoreTo === null ? 'not connected to this installation (no saved settings)' : `restore ${s.restoreTo}`}`);
  if (options.dryRun) {
    if (options.json) io.json(planned);
    else io.result([`Would restore ${refs.length} stage${refs.length === 1 ? '' : 's'} of ${inst.project}:`, ...lines].join('\n'));
    io.info('Dry run: nothing was changed.');
    return planned;
  }
  io.info([`Restore ${refs.length} stage${refs.length === 1 ? '' : 's'} of ${inst.project}:`, ...lines].join('\n'));
  if (!options.yes) {
    if (!ctx.interactive) throw new UserError('NeedsConfirmation', 'The change was not confirmed.', { resolution: 'Pass --yes to go ahead without a prompt (or --dry-run to only see it).' });
    if (!(await ctx.prompter.confirm({ message: 'Restore them? [--yes]', default: false }))) throw new AbortError();
  }
  const deps: ConnectDeps = { apigw, apigwV2, state, io, signal: ctx.signal, now: ctx.now };
  const overwrite = async (ref: StageRef, current: AccessLogSettings | null): Promise<boolean> => {
    if (options.overwriteChanged) return true;
    const now = describeSettings(current);
    if (!ctx.interactive) return false;
    return ctx.prompter.confirm({
      message: `${stageKey(ref)} now sends access logs to ${now}, not to ${inst.project}: someone changed it since. Restore its previous settings anyway? [--overwrite-changed]`,
      default: false,
    });
  };
  // One at a time when prompts may come; otherwise a few at once (the bucket paces the calls).
  const settled = await ctx.interrupts.changing(RESTORE_LEFT_BEHIND, () =>
    settleLimit(refs, ctx.interactive && !options.overwriteChanged ? 1 : 5, (ref) => disconnectOne(ref, storedOf(ref), deps, (current) => overwrite(ref, current))),
  );
  const results: DisconnectResult[] = settled.map((s, i) =>
    s.ok ? s.value : { ref: refs[i] as StageRef, outcome: 'failed', error: isAppError(s.error) ? s.error.message : String(s.error) },
  );
  const result: DisconnectStageResult = {
    project: inst.project,
    dryRun: false,
    stages: results.map((r) => ({
      stage: stageKey(r.ref),
      outcome: r.outcome,
      restoreTo: recordOf(r.ref) ? describeSettings(recordOf(r.ref)!.previous) : null,
      ...(r.outcome === 'changed-since' ? { current: describeSettings(r.current ?? null) } : {}),
      ...(r.error ? { error: r.error } : {}),
    })),
  };
  const label: Record<DisconnectResult['outcome'], string> = {
    restored: 'restored',
    reconnected: 'connected again by another run at the same time; its saved settings are kept',
    'not-connected': 'not connected (nothing saved for it)',
    'changed-since': 'left alone: changed since it was connected',
    gone: 'stage no longer exists; record dropped',
    failed: 'FAILED',
    skipped: 'not done (cancelled)',
  };
  if (options.json) io.json(result);
  else io.result([`Stages of ${inst.project}:`, ...results.map((r) => `  ${stageKey(r.ref)}  ${label[r.outcome]}${r.outcome === 'restored' ? ` (${describeSettings(r.restored ?? null)})` : ''}${r.outcome === 'changed-since' ? ` (now ${describeSettings(r.current ?? null)})` : ''}`)].join('\n'));
  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'skipped');
  const changed = results.filter((r) => r.outcome === 'changed-since');
  if (failed.length > 0 || changed.length > 0) {
    const redo = [...failed, ...changed].map((r) => `--stage ${stageKey(r.ref)}`).join(' ');
    throw new UserError('StagesNotRestored', `${failed.length + changed.length} of ${results.length} stages were not restored.`, {
      details: [...failed.map((f) => `${stageKey(f.ref)}: ${f.error ?? 'not done'}`), ...changed.map((c) => `${stageKey(c.ref)}: changed since it was connected; now ${describeSettings(c.current ?? null)}`)],
      resolution: `npx apigw-log-analytics disconnect-stage --region ${region} --project ${inst.project} ${redo}${changed.length ? ' --overwrite-changed' : ''} --yes`,
    });
  }
  return result;
}
