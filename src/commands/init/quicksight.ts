/**
 * The dashboard for `init`, in three steps so that nothing is asked that QuickSight would refuse:
 * `probeDashboard` reads the account's QuickSight facts (subscription, edition, identity region)
 * before any question; `chooseOwner` asks who owns the dashboard (choices fit the edition);
 * `checkOwner` resolves that owner. The checks are read-only; a group to create is created by
 * `prepare()`, which runs only after the plan is confirmed.
 */
import type { RunContext } from '../../context.js';
import type { InitOptions } from './index.js';
import {
  checkQuickSight,
  createQuickSightGroup,
  probeQuickSightAccount,
  quickSightUserNameFor,
  type QuickSightAccountInfo,
  type QuickSightCheckResult,
} from '../../aws/quicksight.js';
import { PARAMETERS } from '../../template/types.js';
import { AbortError, isAppError } from '../../errors.js';
import { TOOL } from '../../core/names.js';

export type DashboardChoice =
  | { enabled: false; parameters: Record<string, string> }
  | {
      enabled: true;
      principalArn: string;
      identityRegion: string;
      createGroup: boolean;
      /** The flags that make the same choice (for the equivalent command). */
      flags: { group?: string; user?: string; createGroup: boolean };
      parameters: Record<string, string>;
      /** Creates the planned group (after confirmation). */
      prepare?: () => Promise<void>;
      check: QuickSightCheckResult;
    };

export interface DashboardInputs {
  project: string;
  account: string;
  callerArn: string;
  region: string;
}

export type Owner = { group?: string; user?: string } | 'none';

export const defaultGroup = (project: string): string => `${project}-Admins`;

export const noDashboard = (): DashboardChoice => ({ enabled: false, parameters: { [PARAMETERS.quickSightPrincipalArn]: '' } });

const ownerFlagsGiven = (o: InitOptions): boolean => Boolean(o.quicksightGroup || o.quicksightUser || o.createGroup);

const WITHOUT_DASHBOARD = `the pipeline, Glue table and Athena workgroup are installed; read the data with \`${TOOL} report\` (or Athena)`;

/**
 * Without a subscription, on a terminal: continue without the dashboard, or stop before any
 * question. The region a subscription is created in becomes the account's QuickSight region, where
 * its users and groups live ("The AWS Region for the account is derived from what is configured":
 * https://docs.aws.amazon.com/quicksight/latest/APIReference/API_CreateAccountSubscription.html),
 * so signing up in the deploy region keeps everything in one place.
 */
async function offerWithoutDashboard(e: unknown, ctx: RunContext, region: string): Promise<'none'> {
  ctx.io.warn(isAppError(e) ? e.message : String(e));
  const answer = await ctx.prompter.select<'none' | 'stop'>({
    message: 'Continue without the QuickSight dashboard? [--no-dashboard]',
    choices: [
      { name: `continue without a dashboard: ${WITHOUT_DASHBOARD}`, value: 'none' },
      { name: 'stop here, to sign up for QuickSight first', value: 'stop' },
    ],
  });
  if (answer === 'none') return 'none';
  throw new AbortError('Nothing was changed.', {
    resolution: `Sign up for QuickSight Enterprise edition at https://quicksight.aws.amazon.com/ (the region you choose there keeps its users and groups; ${region} is simplest), then run init again; or run it with --no-dashboard.`,
  });
}

/**
 * The account's QuickSight facts, read before anything is asked, or 'none' for no dashboard.
 * Without a subscription a terminal offers to go on without the dashboard; otherwise (no terminal,
 * or an owner named by flag) it is an error naming --no-dashboard.
 */
export async function probeDashboard(options: InitOptions, ctx: RunContext, input: Omit<DashboardInputs, 'project'>): Promise<QuickSightAccountInfo | 'none'> {
  if (!options.dashboard) return 'none';
  const aws = await ctx.aws();
  const deps = { sts: () => aws.sts(), quickSight: (region: string) => aws.quickSight(region) };
  try {
    return await ctx.io.step(
      'Checking QuickSight',
      () => probeQuickSightAccount({ region: input.region, caller: { account: input.account, arn: input.callerArn, userId: '' } }, deps),
      (a) => `QuickSight ${a.edition}, identity region ${a.identityRegion}`,
    );
  } catch (e) {
    if (!(isAppError(e) && e.code === 'QuickSightNotSubscribed')) throw e;
    if (ctx.interactive && !ownerFlagsGiven(options)) return offerWithoutDashboard(e, ctx, input.region);
    throw e;
  }
}

function callerUserName(callerArn: string): string | undefined {
  try {
    return quickSightUserNameFor(callerArn).userName;
  } catch {
    return undefined;
  }
}

/** Who owns the dashboard: the flags, else a question on a terminal (groups only on editions that have them), else the default group. */
export async function chooseOwner(options: InitOptions, ctx: RunContext, input: DashboardInputs, account: QuickSightAccountInfo): Promise<Owner> {
  if (options.quicksightGroup || options.quicksightUser) {
    return { ...(options.quicksightGroup ? { group: options.quicksightGroup } : {}), ...(options.quicksightUser ? { user: options.quicksightUser } : {}) };
  }
  if (!ctx.interactive) return { group: defaultGroup(input.project) };
  const me = callerUserName(input.callerArn);
  const groups = account.edition !== 'STANDARD';
  const answer = await ctx.prompter.select<string>({
    message: `Who should own the QuickSight dashboard (and be able to edit it)? [${groups ? '--quicksight-group | ' : ''}--quicksight-user | --no-dashboard]`,
    choices: [
      ...(groups ? [{ name: `the group ${defaultGroup(input.project)} (recommended)`, value: 'default-group' }] : []),
      ...(me ? [{ name: `my QuickSight user (${me})`, value: 'me' }] : []),
      ...(groups ? [{ name: 'another group…', value: 'other-group' }] : [{ name: 'another user…', value: 'other-user' }]),
      { name: `no dashboard: ${WITHOUT_DASHBOARD}`, value: 'none' },
    ],
  });
  if (answer === 'none') return 'none';
  if (answer === 'me' && me) return { user: me };
  if (answer === 'other-group' || answer === 'other-user') {
    const flag = answer === 'other-group' ? 'group' : 'user';
    const name = await ctx.prompter.input({ message: `QuickSight ${flag} name [--quicksight-${flag}]`, validate: (v) => (v.trim() ? true : `a ${flag} name is needed`) });
    return { [flag]: name.trim() };
  }
  return { group: defaultGroup(input.project) };
}

/** Resolves the owner (read-only) and plans the group to create, if any. */
export async function checkOwner(
  owner: Exclude<Owner, 'none'>,
  options: InitOptions,
  ctx: RunContext,
  input: DashboardInputs & { quickSight: QuickSightAccountInfo },
): Promise<DashboardChoice> {
  const aws = await ctx.aws();
  const deps = { sts: () => aws.sts(), quickSight: (region: string) => aws.quickSight(region) };
  const caller = { account: input.account, arn: input.callerArn, userId: '' };
  let createGroup = options.createGroup;
  const run = () =>
    ctx.io.step(
      'Checking the dashboard owner',
      () => checkQuickSight({ region: input.region, project: input.project, ...owner, createGroup, caller, account: input.quickSight }, deps),
      (r) => `Owner ${r.principal.type.toLowerCase()} ${r.principal.name}${r.principal.exists ? '' : ' (to be created)'}`,
    );
  let check: QuickSightCheckResult;
  try {
    check = await run();
  } catch (e) {
    if (!(isAppError(e) && e.code === 'QuickSightGroupMissing' && ctx.interactive && !createGroup)) throw e;
    ctx.io.warn(e.message);
    // It changes the account (a group, and you in it), so a stray Enter says no.
    const yes = await ctx.prompter.confirm({ message: `Create the group ${owner.group} and add you to it? [--create-group]`, default: false });
    if (!yes) throw e;
    createGroup = true;
    check = await run();
  }
  for (const n of check.notes) ctx.io.info(`  ${n}`);
  return {
    enabled: true,
    principalArn: check.principal.arn,
    identityRegion: check.identityRegion,
    createGroup: Boolean(check.groupToCreate),
    flags: { ...(owner.user ? { user: owner.user } : { group: owner.group as string }), createGroup: Boolean(check.groupToCreate) },
    parameters: { [PARAMETERS.quickSightPrincipalArn]: check.principal.arn },
    ...(check.groupToCreate
      ? {
          prepare: async () => {
            await ctx.io.step(`Creating QuickSight group ${check.groupToCreate!.name}`, () => createQuickSightGroup(check, deps));
          },
        }
      : {}),
    check,
  };
}
