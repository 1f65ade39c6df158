/**
 * `init`: from nothing to a dashboard with data in one command. Each step either uses its flag,
 * asks (on a terminal), or fails naming the flag; nothing changes in the account before the plan is
 * confirmed; a failure half-way says what was done and the command that finishes the job.
 */
import type { RunContext } from '../../context.js';
import type { InitOptions } from './index.js';
import { DEFAULT_RETENTION_DAYS } from './index.js';
import { UserError, AbortError, isAppError, fromAwsError } from '../../errors.js';
import { installationsFromStacks, type Installation } from '../../core/installations.js';
import { projectNameProblem, stackName as stackNameOf, streamName as streamNameOf, TAG_PROJECT, TAG_VERSION, TOOL } from '../../core/names.js';
import { accessLogFormat } from '../../core/log-format.js';
import { estimateCost } from '../../core/cost.js';
import { equivalentCommand, renderPlan, type CommandInputs, type InitPlan, type PlannedStage } from '../../core/init-plan.js';
import { OUTPUT_KEYS } from '../../core/outputs.js';
import { LEGACY_PARAMETER, legacyStreamArn, planLayoutUpgrade, type LayoutUpgrade } from '../../core/layout-upgrade.js';
import { stageKey } from '../../core/stage-patch.js';
import { countStages, discoverStages, isConnectedTo, knownDestinations, replacesExisting, selectStages, type StageInfo } from '../shared/stages.js';
import { CONNECT_LEFT_BEHIND, connectStages, retryCommand, throwIfIncomplete, v2TargetsOf, type StageResult } from '../shared/connect.js';
import { s3StateStore } from '../shared/state-store.js';
import { deployStack, type DeployResult } from '../../core/deploy.js';
import type { ApiGatewayV2Api, V2ApiSummary } from '../../aws/apigatewayv2.js';
import type { S3Api } from '../../aws/s3.js';
import type { CloudFormationApi } from '../../aws/cloudformation.js';
import type { ApiGatewayApi } from '../../aws/apigateway.js';
import { checkOwner, chooseOwner, noDashboard, probeDashboard, type DashboardChoice } from './quicksight.js';
import { checkInitFlags } from './flags.js';
import type { Prompter } from '../../ui/prompts.js';
import type { QuickSightAccountInfo } from '../../aws/quicksight.js';
import { loadStackTemplate, resourceSummary, stackParameters } from './template.js';
import { findKeptBucket } from './kept-bucket.js';

export interface InitResult {
  plan: InitPlan;
  deployed: DeployResult | null;
  stages: StageResult[];
}

const DEFAULT_PROJECT = 'api-analytics';
/** What a second Ctrl+C during the deploy leaves (src/interrupts.ts). */
const DEPLOY_LEFT_BEHIND = (project: string, region: string): string =>
  `the stack change running in CloudFormation (it carries on; \`npx ${TOOL} status --region ${region} --project ${project}\` shows where it is, and running init again finishes).`;

const NOT_INSTALLED = new Set(['REVIEW_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_COMPLETE']);

async function resolveProject(options: InitOptions, ctx: RunContext, installations: Installation[]): Promise<string> {
  // checkInitFlags has refused a bad name, and a missing one without a terminal.
  if (options.project !== undefined) return options.project;
  const first = installations[0];
  const suggestion = installations.length === 1 && first ? first.project : DEFAULT_PROJECT;
  return ctx.prompter.input({
    message: `Project name${installations.length ? ` (an existing one upgrades it: ${installations.map((i) => i.project).join(', ')})` : ''} [--project]`,
    default: suggestion,
    validate: (v) => {
      const p = projectNameProblem(v);
      return p ? `${p}` : true;
    },
  });
}

function planStages(chosen: readonly StageInfo[], project: string): PlannedStage[] {
  return chosen.map((s) => ({
    apiId: s.apiId,
    apiName: s.apiName,
    stageName: s.stageName,
    current: s.destination,
    change: isConnectedTo(s, project) ? 'unchanged' : replacesExisting(s, project) ? 'replace' : 'connect',
  }));
}

async function confirmPlan(options: InitOptions, ctx: RunContext): Promise<void> {
  if (options.yes) return;
  if (!ctx.interactive) {
    throw new UserError('NeedsConfirmation', 'The plan was not confirmed.', {
      resolution: 'Pass --yes to go ahead without a prompt (or --dry-run to only see the plan).',
    });
  }
  // It changes the account: a stray Enter says no (as `sam deploy` asks, [y/N]).
  const go = await ctx.prompter.confirm({ message: 'Deploy this plan? [--yes]', default: false });
  if (!go) throw new AbortError('Nothing was changed.');
}

/** What the user answered so far; on a failure after a question, the command that repeats the answers. */
interface Answers {
  region: string;
  profile: string | undefined;
  project?: string;
  stages?: readonly StageInfo[];
  replaceExistingLogs?: boolean;
  dashboard?: CommandInputs['dashboard'];
  retentionDays: number | undefined;
  asked: number;
}

function countingPrompter(inner: Prompter, answers: Answers): Prompter {
  const count = <T>(p: Promise<T>): Promise<T> => p.then((v) => ((answers.asked += 1), v));
  return {
    confirm: (q) => count(inner.confirm(q)),
    input: (q) => count(inner.input(q)),
    select: (q) => count(inner.select(q)),
    checkbox: (q) => count(inner.checkbox(q)),
  };
}

function commandFor(a: Answers & { project: string }): string {
  return equivalentCommand({
    region: a.region,
    profile: a.profile,
    project: a.project,
    stages: [...(a.stages ?? [])],
    replaceExistingLogs: a.replaceExistingLogs ?? false,
    dashboard: a.dashboard ?? { enabled: false },
    retentionDays: a.retentionDays ?? DEFAULT_RETENTION_DAYS,
    defaultRetentionDays: DEFAULT_RETENTION_DAYS,
  });
}

/** Adds "the command that repeats your answers" to a failure that came after at least one answer. */
function withRepeatCommand(e: unknown, answers: Answers): unknown {
  if (answers.asked === 0 || answers.project === undefined) return e;
  const err = isAppError(e) ? e : fromAwsError(e);
  const partial = answers.dashboard === undefined || answers.stages === undefined;
  err.details.push(
    `Your answers as one command${partial ? ' (so far; add what is missing)' : ''}: ${commandFor({ ...answers, project: answers.project })}`,
  );
  return err;
}

export async function runInit(options: InitOptions, ctx: RunContext): Promise<InitResult> {
  // The command line first: nothing is sent to AWS with flags that cannot work.
  checkInitFlags(options, ctx.interactive);
  const aws = await ctx.aws();
  const answers: Answers = { region: aws.target.region, profile: aws.target.profile, retentionDays: options.retentionDays, asked: 0 };
  const run: RunContext = ctx.interactive ? { ...ctx, prompter: countingPrompter(ctx.prompter, answers) } : ctx;
  try {
    return await runInitSteps(options, run, answers);
  } catch (e) {
    throw withRepeatCommand(e, answers);
  }
}

async function resolveDashboard(options: InitOptions, ctx: RunContext, input: DashboardInputsFor, answers: Answers): Promise<DashboardChoice> {
  if (input.quickSight === 'none') return noDashboard();
  const owner = await chooseOwner(options, ctx, input, input.quickSight);
  if (owner === 'none') {
    answers.dashboard = { enabled: false };
    return noDashboard();
  }
  answers.dashboard = { enabled: true, ...owner, createGroup: options.createGroup };
  return checkOwner(owner, options, ctx, { ...input, quickSight: input.quickSight });
}

type DashboardInputsFor = { project: string; account: string; callerArn: string; region: string; quickSight: QuickSightAccountInfo | 'none' };

/** Steps 1 and 2: who and where, then what is there (installations, REST stages, HTTP/WebSocket APIs we cannot take yet). */
async function survey(ctx: RunContext) {
  const { io } = ctx;
  const aws = await ctx.aws();
  const region = aws.target.region;
  const [sts, apigw, apigwV2, cfn] = await Promise.all([aws.sts(), aws.apiGateway(), aws.apiGatewayV2(), aws.cloudFormation()]);
  const who = await io.step('Checking credentials', () => sts.getCallerIdentity(), (w) => `Account ${w.account}, ${w.arn}, region ${region}`);
  const [stacks, v2] = await Promise.all([
    cfn.listStacks(),
    apigwV2.listApis().catch((e: unknown) => {
      io.debug(`Could not list HTTP/WebSocket APIs: ${e instanceof Error ? e.message : String(e)}`);
      return [] as V2ApiSummary[];
    }),
  ]);
  const installations = installationsFromStacks(stacks);
  // The stages of REST, HTTP and WebSocket APIs.
  const known = knownDestinations(installations);
  const all = await io.step('Listing API stages', () => discoverStages(apigw, known, { api: apigwV2, apis: v2 }), (s) => `Found ${countStages(s)}`);
  return { aws, region, apigw, apigwV2, cfn, who, stacks, v2, installations, all };
}

/** Step 9: points the chosen stages at the deployed stream (their settings saved first). */
async function connectChosen(
  chosen: StageInfo[],
  layout: LayoutUpgrade,
  all: readonly StageInfo[],
  deployed: DeployResult,
  s3: S3Api,
  apis: { apigw: ApiGatewayApi; apigwV2: ApiGatewayV2Api },
  input: { project: string; region: string; stackName: string; account: string; callerArn: string }, ctx: RunContext): Promise<StageResult[]> {
  const outputs = deployed.outputs;
  const streamArn = outputs[OUTPUT_KEYS.deliveryStreamArn];
  const bucket = outputs[OUTPUT_KEYS.bucketName];
  if (!streamArn || !bucket) {
    throw new UserError('MissingOutputs', `Stack ${input.stackName} has no ${OUTPUT_KEYS.deliveryStreamArn} or ${OUTPUT_KEYS.bucketName} output.`, {
      resolution: `Run \`${TOOL} status --project ${input.project}\`; the stack may have been changed outside ${TOOL}.`,
    });
  }
  // The chosen stages, and those an upgrade moves off the old stream (their saved original settings kept).
  const moved = all.filter((s) => layout.stagesToMove.includes(stageKey(s)) && !chosen.some((c) => stageKey(c) === stageKey(s)));
  const toConnect = [...chosen, ...moved];
  if (toConnect.length === 0) return [];
  return ctx.interrupts.changing(CONNECT_LEFT_BEHIND, () =>
    connectStages(
      toConnect,
      {
        target: { destinationArn: streamArn, format: accessLogFormat() },
        v2Targets: v2TargetsOf(outputs),
        project: input.project,
        region: input.region,
        callerArn: input.callerArn,
        ...(layout.legacyStreamArn ? { moveFrom: [layout.legacyStreamArn] } : {}),
      },
      { ...apis, state: s3StateStore(s3, bucket, input.account), io: ctx.io, signal: ctx.signal, now: ctx.now },
    ),
  );
}

/** Step 8: the stack, through a change set; CloudFormation's own questions (a stuck stack, an upgrade that replaces) asked here. */
function deployPlanned(
  plan: InitPlan,
  template: { body: string; parameters: Record<string, string> },
  options: InitOptions,
  ctx: RunContext,
  clients: { cfn: CloudFormationApi; s3: S3Api },
): Promise<DeployResult> {
  const { io } = ctx;
  return ctx.interrupts.changing(DEPLOY_LEFT_BEHIND(plan.project, plan.region), () => deployStack(
    {
      stackName: plan.stackName,
      account: plan.account,
      templateBody: template.body,
      parameters: template.parameters,
      tags: { [TAG_PROJECT]: plan.project, [TAG_VERSION]: ctx.version },
      project: plan.project,
      description: `${TOOL} ${ctx.version}`,
    },
    ctx,
    {
      ...clients,
      confirm: async (step) => {
        io.warn(step.reason);
        if (options.yes) return true;
        if (!ctx.interactive) {
          throw new UserError('NeedsConfirmation', step.reason, { resolution: `Pass --yes to allow it: ${step.question}` });
        }
        return ctx.prompter.confirm({ message: `${step.question} [--yes]`, default: false });
      },
      // deployStack has printed the change set. The plan was confirmed already; an upgrade that
      // replaces or removes resources is asked about once more on a terminal.
      confirmChangeSet: async (summary) => {
        if (options.yes || !ctx.interactive || summary.type === 'CREATE' || summary.replace + summary.remove + summary.mayReplace === 0) return true;
        return ctx.prompter.confirm({ message: 'This upgrade replaces or removes resources (see above). Execute the change set? [--yes]', default: false });
      },
    },
  ));
}

async function runInitSteps(options: InitOptions, ctx: RunContext, answers: Answers): Promise<InitResult> {
  const { io } = ctx;
  const { aws, region, apigw, apigwV2, cfn, who, stacks, v2, installations, all } = await survey(ctx);

  // 3. QuickSight's account facts decide the dashboard choices: read them before asking anything.
  const quickSight = await probeDashboard(options, ctx, { account: who.account, callerArn: who.arn, region });
  if (quickSight === 'none') answers.dashboard = { enabled: false };

  // 4. Project (it decides whether this is an install or an upgrade).
  const project = await resolveProject(options, ctx, installations);
  answers.project = project;
  // A stack that never finished its creation (an abandoned change set, a rolled-back create) is
  // replaced by a fresh install, not upgraded.
  const found = installations.find((i) => i.project === project) ?? null;
  const existing = found && !NOT_INSTALLED.has(found.stackStatus) ? found : null;
  const stackName = stackNameOf(project);
  const foreign = stacks.find((s) => s.stackName === stackName && s.tags[TAG_PROJECT] !== project && s.status !== 'DELETE_COMPLETE');
  if (foreign) {
    throw new UserError('StackNameTaken', `A stack named ${stackName} already exists and was not created by ${TOOL}.`, {
      resolution: 'Choose another --project.',
    });
  }

  // 5. Stages.
  const chosen = await selectStages(
    { options: { ...(options.stage ? { stage: options.stage } : {}), allStages: options.allStages, replaceExistingLogs: options.replaceExistingLogs }, project, all, v2, allowNone: existing !== null, command: 'init' },
    ctx,
  );
  answers.stages = chosen;
  answers.replaceExistingLogs = chosen.some((s) => replacesExisting(s, project));

  // 6. The dashboard's owner.
  const dashboard = await resolveDashboard(options, ctx, { project, account: who.account, callerArn: who.arn, region, quickSight }, answers);
  if (dashboard.enabled) answers.dashboard = { enabled: true, ...dashboard.flags };

  // 7. The plan.
  const retentionDays = options.retentionDays ?? (existing?.parameters.RetentionDays ? Number(existing.parameters.RetentionDays) : DEFAULT_RETENTION_DAYS);
  answers.retentionDays = retentionDays;
  const keptBucket = await findKeptBucket({ aws, existing, project, account: who.account, io });
  const layout = layoutUpgradeOf(existing, project, all);
  const parameters: Record<string, string> = {
    ...stackParameters({ project, retentionDays, dashboard, installed: existing?.parameters, ...(keptBucket ? { existingLogBucket: keptBucket.name } : {}) }),
    [LEGACY_PARAMETER]: layout.parameter,
  };
  const template = loadStackTemplate();
  const cost = estimateCost({
    bufferIntervalSeconds: Number(parameters.BufferIntervalSeconds ?? 60),
    retentionDays,
    dashboard: dashboard.enabled,
    v2Stages: chosen.filter((s) => s.apiKind !== 'REST').length,
  });
  const plannedStages = planStages(chosen, project);
  const plan: InitPlan = {
    schemaVersion: 1,
    account: who.account,
    callerArn: who.arn,
    region,
    project,
    stackName,
    operation: existing ? 'upgrade' : 'create',
    installedVersion: existing?.version ?? null,
    version: ctx.version,
    dashboard: dashboard.enabled
      ? { enabled: true, principalArn: dashboard.principalArn, identityRegion: dashboard.identityRegion, createGroup: dashboard.createGroup }
      : { enabled: false },
    parameters,
    keptBucket,
    resources: resourceSummary(template, parameters),
    stages: plannedStages,
    cost: { fixedMonthly: cost.fixedMonthly, perMillionRequests: cost.perMillionRequests, lines: cost.lines },
    command: commandFor({ ...answers, project }),
    ...(layout.legacyStreamArn ? { layout } : {}),
  };
  if (options.dryRun) {
    if (options.json) io.json(plan);
    else io.result(renderPlan(plan, io.style));
    io.info('Dry run: nothing was changed.');
    return { plan, deployed: null, stages: [] };
  }
  io.info(renderPlan(plan, io.style));
  await confirmPlan(options, ctx);

  // 8. QuickSight group (only now that the plan is confirmed), then the stack.
  if (dashboard.enabled && dashboard.prepare) await dashboard.prepare();
  const s3 = await aws.s3();
  const deployed = await deployPlanned(plan, { body: template.body, parameters }, options, ctx, { cfn, s3 });

  // 9. Connect the stages.
  const results = await connectChosen(chosen, layout, all, deployed, s3, { apigw, apigwV2 }, { project, region, stackName, account: who.account, callerArn: who.arn }, ctx);

  // 10. Summary.
  const result: InitResult = { plan, deployed, stages: results };
  reportSummary(result, options.json, ctx);
  return result;
}

function reportSummary(result: InitResult, json: boolean, ctx: RunContext): void {
  const { io } = ctx;
  const { plan, deployed, stages } = result;
  const outputs = deployed?.outputs ?? {};
  const failed = stages.filter((s) => s.outcome === 'failed');
  const skipped = stages.filter((s) => s.outcome === 'skipped');
  const summary = {
    project: plan.project,
    region: plan.region,
    stackName: plan.stackName,
    stackStatus: deployed?.status ?? null,
    operation: deployed?.operation ?? null,
    dashboardUrl: outputs[OUTPUT_KEYS.dashboardUrl] || null,
    bucket: outputs[OUTPUT_KEYS.bucketName] ?? null,
    deliveryStream: outputs[OUTPUT_KEYS.deliveryStreamName] ?? streamNameOf(plan.project),
    athenaWorkGroup: outputs[OUTPUT_KEYS.athenaWorkGroupName] ?? null,
    stages: stages.map((s) => ({ stage: stageKey(s.ref), outcome: s.outcome, ...(s.error ? { error: s.error } : {}) })),
  };
  const count = (o: string) => stages.filter((s) => s.outcome === o).length;
  const lines: string[] = [];
  lines.push(io.style.bold(`${TOOL} ${plan.operation === 'create' ? 'installed' : deployed?.noChanges ? 'is up to date' : 'upgraded'}: ${plan.project} in ${plan.region}`));
  if (summary.dashboardUrl) lines.push(`  Dashboard  ${summary.dashboardUrl}`);
  lines.push(`  Bucket     ${summary.bucket ?? '-'}`);
  lines.push(`  Stream     ${summary.deliveryStream}`);
  if (summary.athenaWorkGroup) lines.push(`  Athena     workgroup ${summary.athenaWorkGroup}`);
  lines.push(
    `  Stages     ${count('connected')} connected, ${count('updated')} updated, ${count('unchanged')} already connected${failed.length ? `, ${failed.length} failed` : ''}${skipped.length ? `, ${skipped.length} not done` : ''}`,
  );
  if (count('connected') + count('updated') > 0) {
    lines.push('  Data       records reach S3 about a minute after the next request (Firehose buffers for 60 s): the raw-requests sheet shows them then, the other sheets at minute 30 of the next UTC hour (hourly rollups).');
  }
  lines.push(`  Next       npx ${TOOL} status --region ${plan.region} --project ${plan.project}`);
  if (json) io.json(summary);
  else io.result(lines.join('\n'));
  throwIfIncomplete(stages, ctx.signal, (refs) => retryCommand(plan.region, plan.project, refs, plan.stages.some((x) => x.change === 'replace')));
}

/** The layout upgrade of this run: which stages deliver to the installation's old stream now. */
function layoutUpgradeOf(existing: Installation | null, project: string, all: readonly StageInfo[]): LayoutUpgrade {
  const legacy = existing ? legacyStreamArn(existing.outputs, project) : null;
  const onLegacy = legacy === null ? [] : all.filter((s) => s.current?.destinationArn === legacy).map((s) => stageKey(s));
  return planLayoutUpgrade(existing?.outputs ?? null, project, onLegacy);
}
