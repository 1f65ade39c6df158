/**
 * The dashboard's owner for `init`: `--no-dashboard`, `--quicksight-group`, `--quicksight-user`,
 * else a choice on a terminal, else the default group `<project>-Admins`. The QuickSight checks
 * (src/aws/quicksight.ts) are read-only; a group to create is created by `prepare()`, which runs
 * only after the plan is confirmed.
 */
import type { RunContext } from '../../context.js';
import type { InitOptions } from './index.js';
import { checkQuickSight, createQuickSightGroup, quickSightUserNameFor, type QuickSightCheckResult } from '../../aws/quicksight.js';
import { PARAMETERS } from '../../template/types.js';
import { UsageError, isAppError } from '../../errors.js';

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

export const defaultGroup = (project: string): string => `${project}-Admins`;

const disabled = (): DashboardChoice => ({ enabled: false, parameters: { [PARAMETERS.quickSightPrincipalArn]: '' } });

type Owner = { group?: string; user?: string } | 'none';

async function chooseOwner(options: InitOptions, ctx: RunContext, input: DashboardInputs): Promise<Owner> {
  if (options.quicksightGroup || options.quicksightUser) {
    return { ...(options.quicksightGroup ? { group: options.quicksightGroup } : {}), ...(options.quicksightUser ? { user: options.quicksightUser } : {}) };
  }
  if (!ctx.interactive) return { group: defaultGroup(input.project) };
  let me: string | undefined;
  try {
    me = quickSightUserNameFor(input.callerArn).userName;
  } catch {
    me = undefined;
  }
  const answer = await ctx.prompter.select<string>({
    message: 'Who should own the QuickSight dashboard (and be able to edit it)? [--quicksight-group | --quicksight-user | --no-dashboard]',
    choices: [
      { name: `the group ${defaultGroup(input.project)} (recommended)`, value: 'default-group' },
      ...(me ? [{ name: `my QuickSight user (${me})`, value: 'me' }] : []),
      { name: 'another group…', value: 'other-group' },
      { name: 'no dashboard: the pipeline, Glue table and Athena only', value: 'none' },
    ],
  });
  if (answer === 'none') return 'none';
  if (answer === 'me' && me) return { user: me };
  if (answer === 'other-group') {
    const group = await ctx.prompter.input({ message: 'QuickSight group name [--quicksight-group]', validate: (v) => (v.trim() ? true : 'a group name is needed') });
    return { group: group.trim() };
  }
  return { group: defaultGroup(input.project) };
}

export async function resolveDashboard(options: InitOptions, ctx: RunContext, input: DashboardInputs): Promise<DashboardChoice> {
  if (!options.dashboard) {
    if (options.quicksightGroup || options.quicksightUser || options.createGroup) {
      throw new UsageError('ConflictingFlags', '--no-dashboard cannot be used with --quicksight-group, --quicksight-user or --create-group.', {
        resolution: 'Drop --no-dashboard to get the dashboard, or drop the QuickSight flags.',
      });
    }
    return disabled();
  }
  const owner = await chooseOwner(options, ctx, input);
  if (owner === 'none') return disabled();
  const aws = await ctx.aws();
  const deps = { sts: () => aws.sts(), quickSight: (region: string) => aws.quickSight(region) };
  const caller = { account: input.account, arn: input.callerArn, userId: '' };
  let createGroup = options.createGroup;
  const run = () =>
    ctx.io.step(
      'Checking QuickSight',
      () => checkQuickSight({ region: input.region, project: input.project, ...owner, createGroup, caller }, deps),
      (r) => `QuickSight ${r.edition}, identity region ${r.identityRegion}, owner ${r.principal.type.toLowerCase()} ${r.principal.name}${r.principal.exists ? '' : ' (to be created)'}`,
    );
  let check: QuickSightCheckResult;
  try {
    check = await run();
  } catch (e) {
    if (!(isAppError(e) && e.code === 'QuickSightGroupMissing' && ctx.interactive && !createGroup)) throw e;
    ctx.io.warn(e.message);
    const yes = await ctx.prompter.confirm({ message: `Create the group ${owner.group} and add you to it? [--create-group]`, default: true });
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
