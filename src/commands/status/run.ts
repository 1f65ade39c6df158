/**
 * `status`: a read-only view of the account. Who and where, every REST API stage and where its
 * access logs go, and our installations (found by stack tag; none is a normal answer).
 */
import type { RunContext } from '../../context.js';
import type { StatusOptions } from './index.js';
import type { V2ApiSummary } from '../../aws/apigatewayv2.js';
import { describeDestination, type AccessLogDestination } from '../../core/destinations.js';
import type { V2Kind } from '../../core/log-format.js';
import { discoverApis, KIND_LABEL, knownDestinations } from '../shared/stages.js';
import { installationsFromStacks } from '../../core/installations.js';
import { chooseInstallation } from '../shared/installation.js';
import { renderTable } from '../../ui/table.js';
import { collectHealth, type InstallationHealth } from './health.js';
import { ageText } from '../../core/health.js';

/** The `status --json` shape. Stable: fields are only ever added; see docs/status-json.md. */
export interface StatusReport {
  schemaVersion: 1;
  account: string;
  callerArn: string;
  region: string;
  installations: InstallationInfo[];
  restApis: RestApiStatus[];
  /** HTTP and WebSocket APIs (added with their support; absent when they could not be listed). */
  v2Apis?: V2ApiStatus[];
}

export interface V2ApiStatus {
  id: string;
  name: string;
  kind: V2Kind;
  stages: Array<{ name: string; accessLogs: AccessLogDestination; autoDeploy: boolean }>;
}

export interface InstallationInfo {
  project: string;
  stackName: string;
  stackStatus: string;
  /** The CLI version that last deployed it (stack tag), if set. */
  version: string | null;
  streamName: string;
  streamArn: string | null;
  lastUpdated: string | null;
  /** The health check; see docs/status-json.md. */
  health: InstallationHealth;
}

export interface RestApiStatus {
  id: string;
  name: string;
  stages: Array<{ name: string; accessLogs: AccessLogDestination }>;
}

export async function collectStatus(options: StatusOptions, ctx: RunContext): Promise<StatusReport> {
  const aws = await ctx.aws();
  const [sts, apigw, apigwV2, cfn] = await Promise.all([aws.sts(), aws.apiGateway(), aws.apiGatewayV2(), aws.cloudFormation()]);
  const who = await ctx.io.step('Checking credentials', () => sts.getCallerIdentity(), (w) => `Account ${w.account} in ${aws.target.region}`);
  const stacks = await cfn.listStacks();
  const all = installationsFromStacks(stacks);
  const known = knownDestinations(all);
  let v2List: V2ApiSummary[] | null = null;
  try {
    v2List = await apigwV2.listApis();
  } catch (e) {
    ctx.io.warn(`Could not list HTTP and WebSocket APIs: ${e instanceof Error ? e.message : String(e)}`);
  }
  const apis = await discoverApis(apigw, known, v2List ? { api: apigwV2, apis: v2List } : undefined);
  const restApis = apis.filter((a) => a.kind === 'REST').map((api) => ({
    id: api.id,
    name: api.name,
    stages: api.stages.map((s) => ({ name: s.stageName, accessLogs: s.destination })),
  }));
  const v2Apis: V2ApiStatus[] = apis.flatMap((api) =>
    api.kind === 'REST' ? [] : [{ id: api.id, name: api.name, kind: api.kind, stages: api.stages.map((s) => ({ name: s.stageName, accessLogs: s.destination, autoDeploy: s.autoDeploy === true })) }],
  );
  const ours = (project: string, list: ReadonlyArray<{ id: string; stages: ReadonlyArray<{ name: string; accessLogs: AccessLogDestination }> }>) =>
    list.flatMap((a) => a.stages.filter((s) => s.accessLogs.kind === 'installation' && s.accessLogs.project === project).map((s) => `${a.id}/${s.name}`));
  const pointing = (project: string) => [...ours(project, restApis), ...ours(project, v2Apis)];
  const selected = all.filter((i) => !options.project || i.project === options.project);
  if (options.project && selected.length === 0) await chooseInstallation(all, options.project, ctx, aws.target.region);
  const installations: InstallationInfo[] = await Promise.all(
    selected.map(async (i) => ({
      project: i.project,
      stackName: i.stackName,
      stackStatus: i.stackStatus,
      version: i.version,
      streamName: i.streamName,
      streamArn: i.streamArn,
      lastUpdated: i.lastUpdated,
      health: await ctx.io.step(
        `Checking the health of ${i.project}`,
        () => collectHealth(i, pointing(i.project), who.account, aws, ctx, ours(i.project, v2Apis).length),
        (h) => `${i.project}: ${h.verdict}`,
      ),
    })),
  );
  return { schemaVersion: 1, account: who.account, callerArn: who.arn, region: aws.target.region, installations, restApis, ...(v2List ? { v2Apis } : {}) };
}

export function renderStatus(report: StatusReport, style: RunContext['io']['style']): string {
  const out: string[] = [];
  if (report.installations.length === 0) out.push(`${style.dim('○')} no installation in ${report.region}`);
  for (const i of report.installations) out.push(verdictLine(i, style));
  out.push('');
  out.push(`${style.bold('Account')}  ${report.account}`);
  out.push(`${style.bold('Caller')}   ${report.callerArn}`);
  out.push(`${style.bold('Region')}   ${report.region}`);
  out.push('');
  out.push(style.bold('Installations'));
  if (report.installations.length === 0) {
    out.push('  none in this region (run `apigw-log-analytics init` to create one)');
  } else {
    out.push(
      indent(
        renderTable(
          ['PROJECT', 'STACK', 'STATUS', 'VERSION'],
          report.installations.map((i) => [i.project, i.stackName, colorStackStatus(i.stackStatus, style), i.version ?? '-']),
          { head: style.dim },
        ),
      ),
    );
    for (const i of report.installations) out.push('', ...healthDetails(i, style));
  }
  out.push('');
  const stageCount = report.restApis.reduce((n, a) => n + a.stages.length, 0);
  out.push(style.bold(`REST API stages (${report.restApis.length} APIs, ${stageCount} stages)`));
  if (report.restApis.length === 0) {
    out.push('  none in this region');
  } else {
    const rows: string[][] = [];
    for (const api of report.restApis) {
      if (api.stages.length === 0) rows.push([api.name, api.id, '-', style.dim('no stages')]);
      for (const s of api.stages) rows.push([api.name, api.id, s.name, colorDestination(s.accessLogs, style)]);
    }
    out.push(indent(renderTable(['API', 'ID', 'STAGE', 'ACCESS LOGS'], rows, { head: style.dim })));
  }
  if (report.v2Apis) out.push('', ...renderV2Stages(report.v2Apis, style));
  return out.join('\n');
}

function renderV2Stages(apis: readonly V2ApiStatus[], style: RunContext['io']['style']): string[] {
  const stageCount = apis.reduce((n, a) => n + a.stages.length, 0);
  const out = [style.bold(`HTTP and WebSocket API stages (${apis.length} APIs, ${stageCount} stages)`)];
  if (apis.length === 0) return [...out, '  none in this region'];
  const rows: string[][] = [];
  for (const api of apis) {
    if (api.stages.length === 0) rows.push([api.name, api.id, KIND_LABEL[api.kind], '-', style.dim('no stages')]);
    for (const s of api.stages) rows.push([api.name, api.id, KIND_LABEL[api.kind], `${s.name}${s.autoDeploy ? style.dim(' (auto-deploy)') : ''}`, colorDestination(s.accessLogs, style)]);
  }
  return [...out, indent(renderTable(['API', 'ID', 'KIND', 'STAGE', 'ACCESS LOGS'], rows, { head: style.dim }))];
}

const VERDICT_MARK: Record<InstallationHealth['verdict'], (style: RunContext['io']['style']) => string> = {
  healthy: (st) => st.green('●'),
  'no data yet': (st) => st.cyan('○'),
  degraded: (st) => st.yellow('▲'),
  broken: (st) => st.red('✖'),
};

export function verdictLine(i: InstallationInfo, style: RunContext['io']['style']): string {
  return `${VERDICT_MARK[i.health.verdict](style)} ${i.project}: ${style.bold(i.health.verdict)} (${i.health.reason})`;
}

function healthDetails(i: InstallationInfo, style: RunContext['io']['style']): string[] {
  const h = i.health;
  const out = [style.bold(`Health of ${i.project}`)];
  const upgrade =
    h.upgrade === 'available' ? ` (this CLI would upgrade it: run init --project ${i.project})` : h.upgrade === 'newer-than-cli' ? ' (deployed by a newer CLI)' : '';
  out.push(`  Stack       ${i.stackStatus}, template ${h.templateVersion ?? 'unknown'}${upgrade}`);
  out.push(`  Stages      ${h.connectedStages.length ? h.connectedStages.join(', ') : 'none connected'}`);
  out.push(`  Newest log  ${h.newestLog ? `${h.newestLog.key} (${ageText(h.newestLog.ageSeconds * 1000)} ago)` : 'none in the last 3 days'}`);
  out.push(`  Failures    ${h.errorObjectsLastDay === null ? 'unknown' : `${h.errorObjectsLastDay} object${h.errorObjectsLastDay === 1 ? '' : 's'} under errors/ in the last day`}`);
  const m = h.metrics;
  if (m) {
    const pct = (x: number | null) => (x === null ? 'no data' : `${(x * 100).toFixed(1)}%`);
    out.push(
      `  Last hour   ${m.incomingRecords ?? 0} records in; delivery ${pct(m.deliverySuccess)}; processing ${pct(m.processingSuccess)}; Lambda errors ${m.lambdaErrors ?? 0}, throttles ${m.lambdaThrottles ?? 0}`,
    );
  }
  if (h.dashboard) out.push(`  Dashboard   ${h.dashboard.status ?? 'unknown'}${h.dashboard.url ? `  ${h.dashboard.url}` : ''}`);
  if (h.bridge) {
    const n = (x: number | null) => (x === null ? 'unknown' : String(x));
    out.push(`  v2 bridge   last hour: ${n(h.bridge.incomingEvents)} log events in, ${n(h.bridge.forwardedEvents)} forwarded to Firehose, ${n(h.bridge.deliveryErrors)} delivery errors`);
  }
  for (const p of h.problems.filter((x) => x !== h.reason)) out.push(`  ${style.yellow('!')} ${p}`);
  for (const u of h.unknown) out.push(`  ${style.dim(`? could not read ${u}`)}`);
  return out;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function colorStackStatus(status: string, style: RunContext['io']['style']): string {
  if (/FAILED|ROLLBACK/.test(status)) return style.red(status);
  if (/IN_PROGRESS/.test(status)) return style.yellow(status);
  return style.green(status);
}

function colorDestination(d: AccessLogDestination, style: RunContext['io']['style']): string {
  const text = describeDestination(d);
  if (d.kind === 'installation') return style.green(text);
  if (d.kind === 'none') return style.dim(text);
  return text;
}

export async function runStatus(options: StatusOptions, ctx: RunContext): Promise<StatusReport> {
  const report = await collectStatus(options, ctx);
  if (options.json) ctx.io.json(report);
  else ctx.io.result(renderStatus(report, ctx.io.style));
  return report;
}
