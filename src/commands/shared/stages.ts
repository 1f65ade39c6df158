/**
 * Finding and choosing stages, shared by `init` and `connect-stage`. Every choice has a flag:
 * `--stage API_ID/STAGE` (repeatable) or `--all-stages`, else a picker on a terminal, else an
 * error that names the flags. Replacing a destination a stage already logs to needs an explicit
 * yes (`--replace-existing-logs` without a terminal).
 */
import type { AccessLogSettings, ApiGatewayApi, StageSummary } from '../../aws/apigateway.js';
import type { ApiGatewayV2Api, V2ApiSummary } from '../../aws/apigatewayv2.js';
import { mapLimit } from '../../aws/throttle.js';
import { classifyDestination, describeDestination, type AccessLogDestination, type KnownStream } from '../../core/destinations.js';
import type { Installation } from '../../core/installations.js';
import type { ApiKind } from '../../core/log-format.js';
import { LEGACY_OUTPUT_KEY } from '../../core/layout-upgrade.js';
import { OUTPUT_KEYS } from '../../core/outputs.js';
import { parseStageRef, stageKey, type StageRef } from '../../core/stage-patch.js';
import { AbortError, UsageError, UserError } from '../../errors.js';
import type { RunContext } from '../../context.js';

export interface StageInfo extends StageRef {
  apiKind: ApiKind;
  apiName: string;
  destination: AccessLogDestination;
  current: AccessLogSettings | null;
  /** HTTP and WebSocket stages that deploy on every change (the $default stage usually does). */
  autoDeploy?: boolean;
}

export interface ApiStages {
  id: string;
  name: string;
  kind: ApiKind;
  stages: StageInfo[];
}

/** How a kind is named to people. */
export const KIND_LABEL: Readonly<Record<ApiKind, string>> = { REST: 'REST API', HTTP: 'HTTP API', WEBSOCKET: 'WebSocket API' };

function stageInfo(api: { id: string; name: string; kind: ApiKind }, s: StageSummary & { autoDeploy?: boolean }, known: readonly KnownStream[]): StageInfo {
  const info: StageInfo = {
    apiId: api.id,
    stageName: s.stageName,
    apiKind: api.kind,
    apiName: api.name,
    destination: classifyDestination(s.accessLog?.destinationArn, known),
    current: s.accessLog ?? null,
  };
  if (api.kind !== 'REST') info.autoDeploy = s.autoDeploy === true;
  return info;
}

/** The installations' destinations, to tell our stages from others'. */
export function knownDestinations(installations: readonly Installation[]): KnownStream[] {
  return installations.flatMap((i) => {
    const logGroupArn = i.outputs[OUTPUT_KEYS.accessLogGroupArn];
    const own: KnownStream = { project: i.project, streamName: i.streamName, ...(i.streamArn ? { streamArn: i.streamArn } : {}), ...(logGroupArn ? { logGroupArn } : {}) };
    // While an upgrade keeps the old gzip JSON stream (src/core/layout-upgrade.ts), a stage still
    // on it is connected to this installation too (init moves it; uninstall and status see it).
    const legacy = i.outputs[LEGACY_OUTPUT_KEY];
    return legacy ? [own, { project: i.project, streamName: legacy.slice(legacy.lastIndexOf('/') + 1), streamArn: legacy }] : [own];
  });
}

const byName = <T extends { name: string; id: string }>(a: T, b: T): number => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/**
 * Every REST API of the region (by name) with its stages and where their access logs go, then
 * (given the apigatewayv2 adapter and its API list) every HTTP and WebSocket API with its stages.
 */
export async function discoverApis(
  apigw: ApiGatewayApi,
  known: readonly KnownStream[],
  v2?: { api: ApiGatewayV2Api; apis: readonly V2ApiSummary[] },
): Promise<ApiStages[]> {
  const rest = (await apigw.listRestApis()).sort(byName);
  const restStages = await mapLimit(rest, 8, async (api): Promise<ApiStages> => {
    const a = { id: api.id, name: api.name, kind: 'REST' as const };
    return { ...a, stages: (await apigw.getStages(api.id)).sort((x, y) => x.stageName.localeCompare(y.stageName)).map((s) => stageInfo(a, s, known)) };
  });
  if (!v2) return restStages;
  const v2Stages = await mapLimit([...v2.apis].sort(byName), 8, async (api): Promise<ApiStages> => {
    const a = { id: api.id, name: api.name, kind: api.protocol };
    return { ...a, stages: (await v2.api.getStages(api.id)).sort((x, y) => x.stageName.localeCompare(y.stageName)).map((s) => stageInfo(a, s, known)) };
  });
  return [...restStages, ...v2Stages];
}

export async function discoverStages(
  apigw: ApiGatewayApi,
  known: readonly KnownStream[],
  v2?: { api: ApiGatewayV2Api; apis: readonly V2ApiSummary[] },
): Promise<StageInfo[]> {
  return (await discoverApis(apigw, known, v2)).flatMap((a) => a.stages);
}

/** "12 stages (9 REST, 2 HTTP, 1 WebSocket)", or "3 stages" when all are REST. */
export function countStages(stages: readonly StageInfo[]): string {
  const n = (k: ApiKind): number => stages.filter((s) => s.apiKind === k).length;
  const total = `${stages.length} stage${stages.length === 1 ? '' : 's'}`;
  return n('REST') === stages.length ? total : `${total} (${n('REST')} REST, ${n('HTTP')} HTTP, ${n('WEBSOCKET')} WebSocket)`;
}

/** A stage whose logs we would take from somewhere else (not nowhere, not already this project). */
export function replacesExisting(s: Pick<StageInfo, 'destination'>, project: string): boolean {
  if (s.destination.kind === 'none') return false;
  return !(s.destination.kind === 'installation' && s.destination.project === project);
}

export function isConnectedTo(s: StageInfo, project: string): boolean {
  return s.destination.kind === 'installation' && s.destination.project === project;
}

export interface StageSelectionOptions {
  stage?: string[];
  allStages?: boolean;
  replaceExistingLogs?: boolean;
}

export interface SelectStagesInput {
  options: StageSelectionOptions;
  project: string;
  all: readonly StageInfo[];
  v2: readonly V2ApiSummary[];
  /** When false, choosing no stage is an error (a fresh install). */
  allowNone: boolean;
  /** The command name for messages ("init", "connect-stage"). */
  command: string;
}

/** Resolves --stage values against what exists; every problem is reported at once. */
export function resolveStageFlags(values: readonly string[], all: readonly StageInfo[], v2: readonly V2ApiSummary[]): StageInfo[] {
  const problems: string[] = [];
  const out: StageInfo[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    const ref = parseStageRef(v);
    if (!ref) {
      problems.push(`--stage "${v}" is not API_ID/STAGE (for example a1b2c3d4e5/prod)`);
      continue;
    }
    const found = all.find((s) => s.apiId === ref.apiId && s.stageName === ref.stageName);
    if (!found) {
      const api = all.find((s) => s.apiId === ref.apiId);
      const v2api = v2.find((a) => a.id === ref.apiId);
      problems.push(
        api
          ? `--stage ${v}: ${KIND_LABEL[api.apiKind]} ${ref.apiId} (${api.apiName}) has no stage "${ref.stageName}"; it has ${all.filter((s) => s.apiId === ref.apiId).map((s) => s.stageName).join(', ')}`
          : v2api
            ? `--stage ${v}: ${KIND_LABEL[v2api.protocol]} ${ref.apiId} (${v2api.name}) has no stages`
            : `--stage ${v}: there is no REST, HTTP or WebSocket API ${ref.apiId} in this region`,
      );
      continue;
    }
    if (!seen.has(stageKey(found))) out.push(found);
    seen.add(stageKey(found));
  }
  if (problems.length > 0) {
    throw new UsageError('BadStage', problems.length === 1 ? (problems[0] as string) : `${problems.length} --stage values are wrong.`, {
      details: problems.length === 1 ? [] : problems,
      resolution: 'Run `apigw-log-analytics status` to list the API stages of this region.',
    });
  }
  return out;
}

export async function selectStages(input: SelectStagesInput, ctx: RunContext): Promise<StageInfo[]> {
  const { options, all, v2 } = input;
  if (options.stage && options.stage.length > 0 && options.allStages) {
    throw new UsageError('ConflictingFlags', '--stage and --all-stages cannot be used together.', { resolution: 'Pass one of them.' });
  }
  let chosen: StageInfo[];
  if (options.stage && options.stage.length > 0) chosen = resolveStageFlags(options.stage, all, v2);
  else if (options.allStages) chosen = [...all];
  else if (ctx.interactive) chosen = await pickStages(input, ctx);
  else if (input.allowNone) chosen = [];
  else {
    throw new UserError('MissingStages', 'No stages chosen.', {
      resolution: `Pass --stage API_ID/STAGE (repeatable) or --all-stages (run \`apigw-log-analytics status\` to list them), or run ${input.command} in a terminal to pick.`,
    });
  }
  if (chosen.length === 0 && !input.allowNone) {
    throw new UserError('NoStages', all.length === 0 ? 'This region has no API stages to connect.' : 'No stages chosen.', {
      resolution: all.length === 0 ? 'Deploy an API stage first, or pass --region for the region your APIs are in.' : 'Choose at least one stage.',
    });
  }
  return confirmReplacements(chosen, input, ctx);
}

async function pickStages(input: SelectStagesInput, ctx: RunContext): Promise<StageInfo[]> {
  const choices = input.all.map((s) => ({
    name: `${s.apiName} (${s.apiId}) / ${s.stageName}${s.apiKind === 'REST' ? '' : `  ${KIND_LABEL[s.apiKind]}`}  ${ctx.io.style.dim(`— ${describeDestination(s.destination)}`)}`,
    value: stageKey(s),
    checked: isConnectedTo(s, input.project),
  }));
  if (choices.length === 0) return [];
  const keys = await ctx.prompter.checkbox<string>({
    message: 'Which stages should send their access logs to apigw-log-analytics? [--stage API_ID/STAGE]',
    choices,
    required: !input.allowNone,
  });
  return input.all.filter((s) => keys.includes(stageKey(s)));
}

async function confirmReplacements(chosen: StageInfo[], input: SelectStagesInput, ctx: RunContext): Promise<StageInfo[]> {
  const replacing = chosen.filter((s) => replacesExisting(s, input.project));
  if (replacing.length === 0 || input.options.replaceExistingLogs) return chosen;
  const list = replacing.map((s) => `${s.apiName} (${s.apiId}) / ${s.stageName}: ${describeDestination(s.destination)}`);
  if (!ctx.interactive) {
    throw new UserError('ReplaceNeedsConsent', `${replacing.length} chosen stage${replacing.length === 1 ? ' already sends' : 's already send'} access logs elsewhere.`, {
      details: list,
      resolution:
        'A stage sends access logs to one destination only. Pass --replace-existing-logs to switch them (their current settings are saved and `disconnect-stage` restores them), or leave them out of --stage.',
    });
  }
  ctx.io.warn(`${replacing.length} chosen stage${replacing.length === 1 ? ' already sends' : 's already send'} access logs elsewhere:`);
  for (const l of list) ctx.io.info(`  ${l}`);
  const yes = await ctx.prompter.confirm({
    message: 'Switch them to apigw-log-analytics? Their current settings are saved, and disconnect-stage restores them. [--replace-existing-logs]',
    default: false,
  });
  if (yes) return chosen;
  const kept = chosen.filter((s) => !replacesExisting(s, input.project));
  if (kept.length === 0 && !input.allowNone) throw new AbortError('No stage left to connect; nothing was changed.');
  ctx.io.info(`Leaving those ${replacing.length} out.`);
  return kept;
}
