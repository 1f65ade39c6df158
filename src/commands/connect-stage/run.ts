/** `connect-stage`: more stages for an existing installation, with the same picker and consent as init. */
import type { RunContext } from '../../context.js';
import type { ConnectStageOptions } from './index.js';
import { describeDestination } from '../../core/destinations.js';
import { accessLogFormat } from '../../core/log-format.js';
import { OUTPUT_KEYS } from '../../core/outputs.js';
import { stageKey } from '../../core/stage-patch.js';
import { AbortError, UserError } from '../../errors.js';
import { CONNECT_LEFT_BEHIND, connectStages, renderStageResults, retryCommand, throwIfIncomplete, v2TargetsOf, type StageResult } from '../shared/connect.js';
import { chooseInstallation, listInstallations, requireOutputs } from '../shared/installation.js';
import { countStages, discoverStages, isConnectedTo, knownDestinations, replacesExisting, selectStages } from '../shared/stages.js';
import { s3StateStore } from '../shared/state-store.js';
import type { V2ApiSummary } from '../../aws/apigatewayv2.js';
import { stageFlagProblems, throwUsageProblems } from '../options.js';

export interface ConnectStageResult {
  project: string;
  dryRun: boolean;
  stages: Array<{ stage: string; from: string; outcome: StageResult['outcome'] | 'planned' | 'already-connected'; error?: string }>;
}

export async function runConnectStage(options: ConnectStageOptions, ctx: RunContext): Promise<ConnectStageResult> {
  const { io } = ctx;
  throwUsageProblems(stageFlagProblems(options.stage, options.allStages), 'Fix the flags above and run again.');
  const aws = await ctx.aws();
  const region = aws.target.region;
  const [sts, cfn, apigw, apigwV2] = await Promise.all([aws.sts(), aws.cloudFormation(), aws.apiGateway(), aws.apiGatewayV2()]);
  const who = await io.step('Checking credentials', () => sts.getCallerIdentity(), (w) => `Account ${w.account} in ${region}`);
  const installations = await listInstallations(cfn);
  const inst = await chooseInstallation(installations, options.project, ctx, region);
  const outputs = requireOutputs(inst, [OUTPUT_KEYS.deliveryStreamArn, OUTPUT_KEYS.bucketName]);
  const streamArn = outputs[OUTPUT_KEYS.deliveryStreamArn] as string;
  const bucket = outputs[OUTPUT_KEYS.bucketName] as string;
  const known = knownDestinations(installations);
  const v2 = await apigwV2.listApis().catch((e: unknown) => {
    io.warn(`Could not list HTTP and WebSocket APIs (${e instanceof Error ? e.message : String(e)}); showing REST API stages only.`);
    return [] as V2ApiSummary[];
  });
  const all = await io.step('Listing API stages', () => discoverStages(apigw, known, { api: apigwV2, apis: v2 }), (s) => `Found ${countStages(s)}`);
  const chosen = await selectStages(
    {
      options: { ...(options.stage ? { stage: options.stage } : {}), allStages: options.allStages, replaceExistingLogs: options.replaceExistingLogs },
      project: inst.project,
      all,
      v2,
      allowNone: false,
      command: 'connect-stage',
    },
    ctx,
  );
  const toChange = chosen.filter((s) => !isConnectedTo(s, inst.project));
  const v2Chosen = toChange.filter((s) => s.apiKind !== 'REST');
  if (v2Chosen.length > 0 && !outputs[OUTPUT_KEYS.accessLogGroupArn]) {
    throw new UserError('NoLogGroup', `Installation ${inst.project} predates HTTP and WebSocket support: it has no log group for their stages.`, {
      details: v2Chosen.map((s) => `${stageKey(s)} (${s.apiName})`),
      resolution: `Run \`apigw-log-analytics init --project ${inst.project} --region ${region}\` to upgrade it (nothing else changes), then connect these stages again. Nothing was changed.`,
    });
  }
  const planLines = chosen.map(
    (s) => `  ${s.apiName} (${stageKey(s)}): ${describeDestination(s.destination)} → ${isConnectedTo(s, inst.project) ? 'unchanged (already connected)' : `${inst.project}`}`,
  );
  const plannedResult: ConnectStageResult = {
    project: inst.project,
    dryRun: true,
    stages: chosen.map((s) => ({ stage: stageKey(s), from: describeDestination(s.destination), outcome: isConnectedTo(s, inst.project) ? 'already-connected' : 'planned' })),
  };
  if (options.dryRun) {
    if (options.json) io.json(plannedResult);
    else io.result([`Would connect ${toChange.length} stage${toChange.length === 1 ? '' : 's'} to ${inst.project}:`, ...planLines].join('\n'));
    io.info('Dry run: nothing was changed.');
    return plannedResult;
  }
  if (toChange.length === 0) {
    const result: ConnectStageResult = { ...plannedResult, dryRun: false };
    if (options.json) io.json(result);
    else io.result(`Nothing to do: ${chosen.length === 1 ? 'the stage is' : `all ${chosen.length} stages are`} already connected to ${inst.project}.`);
    return result;
  }
  io.info([`Connect ${toChange.length} stage${toChange.length === 1 ? '' : 's'} to ${inst.project}:`, ...planLines].join('\n'));
  if (!options.yes) {
    if (!ctx.interactive) {
      throw new UserError('NeedsConfirmation', 'The change was not confirmed.', { resolution: 'Pass --yes to go ahead without a prompt (or --dry-run to only see it).' });
    }
    if (!(await ctx.prompter.confirm({ message: 'Connect them? [--yes]', default: false }))) throw new AbortError();
  }
  const s3 = await aws.s3();
  const results = await ctx.interrupts.changing(CONNECT_LEFT_BEHIND, () =>
    connectStages(
      chosen,
      { target: { destinationArn: streamArn, format: accessLogFormat() }, v2Targets: v2TargetsOf(outputs), project: inst.project, region, callerArn: who.arn },
      { apigw, apigwV2, state: s3StateStore(s3, bucket, who.account), io, signal: ctx.signal, now: ctx.now },
    ),
  );
  const result: ConnectStageResult = {
    project: inst.project,
    dryRun: false,
    stages: results.map((r) => ({
      stage: stageKey(r.ref),
      from: describeDestination(chosen.find((c) => stageKey(c) === stageKey(r.ref))!.destination),
      outcome: r.outcome,
      ...(r.error ? { error: r.error } : {}),
    })),
  };
  if (options.json) io.json(result);
  else io.result([`Stages of ${inst.project}:`, ...renderStageResults(results)].join('\n'));
  throwIfIncomplete(results, ctx.signal, (refs) => retryCommand(region, inst.project, refs, chosen.some((s) => replacesExisting(s, inst.project))));
  return result;
}
