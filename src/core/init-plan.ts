/**
 * The plan `init` shows before it changes anything, as data: `--dry-run --json` prints it, the
 * confirmation shows it, and the flow carries it out exactly.
 */
import type { AccessLogDestination } from './destinations.js';
import { describeDestination } from './destinations.js';
import { TOOL } from './names.js';
import type { CostEstimate } from './cost.js';

export interface PlannedStage {
  apiId: string;
  apiName: string;
  stageName: string;
  current: AccessLogDestination;
  /** connect: logs nowhere today; replace: logs elsewhere today; unchanged: already ours. */
  change: 'connect' | 'replace' | 'unchanged';
}

export interface InitPlan {
  schemaVersion: 1;
  account: string;
  callerArn: string;
  region: string;
  project: string;
  stackName: string;
  /** create: no stack yet; upgrade: the stack exists (a change set shows what changes). */
  operation: 'create' | 'upgrade';
  installedVersion: string | null;
  version: string;
  dashboard: { enabled: false } | { enabled: true; principalArn: string; identityRegion: string; createGroup: boolean };
  parameters: Record<string, string>;
  /** The log bucket a previous installation kept, which the stack continues with (null: the stack creates one). */
  keptBucket: { name: string; alsoKept: string[] } | null;
  resources: string[];
  stages: PlannedStage[];
  cost: Pick<CostEstimate, 'fixedMonthly' | 'perMillionRequests' | 'lines'>;
  /** The one-line command that makes the same choices without prompts. */
  command: string;
}

export interface CommandInputs {
  region: string;
  profile?: string | undefined;
  project: string;
  stages: Array<{ apiId: string; stageName: string }>;
  replaceExistingLogs: boolean;
  dashboard: { enabled: false } | { enabled: true; group?: string; user?: string; createGroup: boolean };
  retentionDays?: number | undefined;
  defaultRetentionDays: number;
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function equivalentCommand(c: CommandInputs): string {
  const parts = [`npx ${TOOL} init`, `--region ${c.region}`];
  if (c.profile) parts.push(`--profile ${shellQuote(c.profile)}`);
  parts.push(`--project ${c.project}`);
  for (const s of c.stages) parts.push(`--stage ${s.apiId}/${shellQuote(s.stageName)}`);
  if (c.replaceExistingLogs) parts.push('--replace-existing-logs');
  if (!c.dashboard.enabled) parts.push('--no-dashboard');
  else {
    if (c.dashboard.user) parts.push(`--quicksight-user ${shellQuote(c.dashboard.user)}`);
    else if (c.dashboard.group) parts.push(`--quicksight-group ${shellQuote(c.dashboard.group)}`);
    if (c.dashboard.createGroup) parts.push('--create-group');
  }
  if (c.retentionDays !== undefined && c.retentionDays !== c.defaultRetentionDays) parts.push(`--retention-days ${c.retentionDays}`);
  parts.push('--yes');
  return parts.join(' ');
}

export function renderPlan(plan: InitPlan, style: { bold: (s: string) => string; dim: (s: string) => string; yellow: (s: string) => string }): string {
  const out: string[] = [];
  out.push(style.bold('Plan'));
  out.push(`  Account   ${plan.account} (${plan.callerArn})`);
  out.push(`  Region    ${plan.region}`);
  out.push(
    `  Stack     ${plan.stackName}: ${plan.operation === 'create' ? 'create' : `upgrade from ${plan.installedVersion ?? 'an unknown version'} to ${plan.version} (the change set shows what changes)`}`,
  );
  out.push(`  Resources ${plan.resources.join(', ')}`);
  if (plan.keptBucket) {
    out.push(`  Bucket    continue with ${plan.keptBucket.name}, which a previous installation of ${plan.project} kept: its data shows in the new dashboard (the stack does not manage that bucket)`);
    if (plan.keptBucket.alsoKept.length) out.push(`            also kept: ${plan.keptBucket.alsoKept.join(', ')} (uninstall --purge-bucket removes every kept bucket)`);
  }
  if (plan.dashboard.enabled) {
    out.push(
      `  Dashboard shared with ${plan.dashboard.principalArn}${plan.dashboard.createGroup ? ' (group created first)' : ''}; QuickSight identity region ${plan.dashboard.identityRegion}`,
    );
  } else {
    out.push('  Dashboard none (--no-dashboard): the pipeline, Glue table and Athena workgroup only');
  }
  const changing = plan.stages.filter((s) => s.change !== 'unchanged');
  out.push(`  Stages    ${changing.length} to change${plan.stages.length > changing.length ? `, ${plan.stages.length - changing.length} already connected` : ''}`);
  for (const s of plan.stages) {
    const now = describeDestination(s.current);
    const line = `    ${s.apiName} (${s.apiId}) / ${s.stageName}: ${now} → ${s.change === 'unchanged' ? 'unchanged' : `${TOOL} (${plan.project})`}`;
    out.push(s.change === 'replace' ? style.yellow(line) : line);
  }
  out.push(`  Cost (estimate)`);
  for (const l of plan.cost.lines) out.push(`    ${l}`);
  out.push(`  Same choices without prompts:`);
  out.push(`    ${style.dim(plan.command)}`);
  return out.join('\n');
}
