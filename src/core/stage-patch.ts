/**
 * What we do to a stage's access-log settings, as data. Connecting replaces the destination and
 * the format in one UpdateStage (`replace` works when nothing is set yet); disconnecting restores
 * exactly what was there before, or removes the settings when there were none.
 */
import type { AccessLogSettings, PatchOp, StageSummary } from '../aws/apigateway.js';
import type { ApiKind, V2Kind } from './log-format.js';
import { BUCKET_PREFIXES } from './outputs.js';

export interface StageRef {
  apiId: string;
  stageName: string;
  /** REST when absent (refs from --stage, records from before HTTP and WebSocket support). */
  apiKind?: ApiKind;
}

export const isV2 = (ref: StageRef): ref is StageRef & { apiKind: V2Kind } => ref.apiKind === 'HTTP' || ref.apiKind === 'WEBSOCKET';

export const stageKey = (s: StageRef): string => `${s.apiId}/${s.stageName}`;

/**
 * Parses `API_ID/STAGE` as given to --stage. Stage names are letters, digits, `-` and `_`; HTTP
 * and WebSocket APIs also have `$default` (the stage that serves the API's base URL).
 */
export function parseStageRef(value: string): StageRef | undefined {
  const m = /^([a-z0-9]{10})\/([A-Za-z0-9_-]{1,128}|\$default)$/.exec(value.trim());
  if (!m) return undefined;
  return { apiId: m[1] as string, stageName: m[2] as string };
}

export function connectPatch(target: AccessLogSettings): PatchOp[] {
  return [
    { op: 'replace', path: '/accessLogSettings/destinationArn', value: target.destinationArn },
    { op: 'replace', path: '/accessLogSettings/format', value: target.format },
  ];
}

export function restorePatch(previous: AccessLogSettings | null): PatchOp[] {
  if (!previous) return [{ op: 'remove', path: '/accessLogSettings' }];
  return connectPatch(previous);
}

export function sameSettings(a: AccessLogSettings | undefined | null, b: AccessLogSettings | undefined | null): boolean {
  if (!a || !b) return !a && !b;
  return a.destinationArn === b.destinationArn && a.format === b.format;
}

/**
 * What a connected stage had before, kept in the log bucket (design.md §3): the format can be up to
 * 3 KB, too big for a tag, and the bucket is where every machine with credentials can read it.
 */
export interface StageStateRecord {
  schemaVersion: 1;
  project: string;
  region: string;
  apiId: string;
  stageName: string;
  /** HTTP or WEBSOCKET for an apigatewayv2 stage; absent for a REST stage. */
  apiKind?: V2Kind;
  /** The settings before we connected the stage, or null when it sent no access logs. */
  previous: AccessLogSettings | null;
  /** What we set. */
  applied: AccessLogSettings;
  connectedAt: string;
  connectedBy: string;
  /** Random per write, so every write changes the object's ETag (conditional writes compare it). */
  revision?: string;
}

export function stateKey(s: StageRef): string {
  return `${BUCKET_PREFIXES.state}stages/${s.apiId}/${s.stageName}.json`;
}

export function parseStateRecord(value: unknown): StageStateRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<StageStateRecord>;
  if (r.schemaVersion !== 1 || typeof r.apiId !== 'string' || typeof r.stageName !== 'string' || !r.applied) return undefined;
  if (r.previous !== null && (typeof r.previous !== 'object' || typeof r.previous.destinationArn !== 'string')) return undefined;
  if (r.apiKind !== undefined && r.apiKind !== 'HTTP' && r.apiKind !== 'WEBSOCKET') return undefined;
  return r as StageStateRecord;
}

/** How connecting one stage will go, decided from what it has now. */
export type ConnectDecision =
  | { action: 'noop'; reason: 'already-connected' }
  /** Ours already, with an older format: patch, keep the stored previous settings. */
  | { action: 'update-format' }
  | { action: 'connect'; previous: AccessLogSettings | null };

export function decideConnect(current: StageSummary, target: AccessLogSettings): ConnectDecision {
  const now = current.accessLog;
  if (now && now.destinationArn === target.destinationArn) {
    return now.format === target.format ? { action: 'noop', reason: 'already-connected' } : { action: 'update-format' };
  }
  return { action: 'connect', previous: now ? { destinationArn: now.destinationArn, format: now.format } : null };
}
