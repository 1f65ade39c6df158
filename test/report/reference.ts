/**
 * An independent answer key for the report's questions: plain TypeScript over the fixture's
 * records, written from the questions' definitions in words (see each function), sharing no code
 * with the SQL compiler. The tests hold the local engine's answers to it, question by question.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { NUMERIC_KEYS } from '../../src/core/log-format.js';

export type Rec = Record<string, string | number | null>;

/** Every record under `dir` as the engine should see it: "-" is null, numeric keys are numbers. */
export function readRecords(dir: string): Rec[] {
  const out: Rec[] = [];
  const numeric = new Set(NUMERIC_KEYS);
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.') || name.startsWith('_') || name === 'errors') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        walk(p);
        continue;
      }
      const bytes = readFileSync(p);
      const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      if (!text.trimStart().startsWith('{')) continue;
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const raw = JSON.parse(line) as Record<string, unknown>;
        const rec: Rec = {};
        for (const [k, v] of Object.entries(raw)) {
          const value = v === '-' ? null : (v as string | number | null);
          rec[k] = numeric.has(k) && typeof value === 'string' ? (/^-?\d+$/.test(value) ? Number(value) : null) : value;
        }
        out.push(rec);
      }
    }
  };
  walk(dir);
  return out;
}

const str = (r: Rec, k: string): string | null => (r[k] === undefined || r[k] === null ? null : String(r[k]));
const num = (r: Rec, k: string): number | null => (typeof r[k] === 'number' ? (r[k] as number) : null);
const between = (v: number | null, lo: number, hi: number) => v !== null && v >= lo && v <= hi;

/** Linear interpolation between the two nearest ranks (what DuckDB's quantile_cont does). */
export function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
/** Keys ascending, byte order, nulls last. */
function compareKeys(a: ReadonlyArray<string | null>, b: ReadonlyArray<string | null>): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    const c = Buffer.compare(utf8(x), utf8(y));
    if (c !== 0) return c;
  }
  return 0;
}

interface Group {
  keys: Array<string | null>;
  recs: Rec[];
}

function groupBy(recs: readonly Rec[], key: (r: Rec) => Array<string | null>): Group[] {
  const map = new Map<string, Group>();
  for (const r of recs) {
    const keys = key(r);
    const id = JSON.stringify(keys);
    const g = map.get(id) ?? { keys, recs: [] };
    g.recs.push(r);
    map.set(id, g);
  }
  return [...map.values()];
}

/** Sorted by `measure` descending, then keys; the first `top` (all when undefined). */
function rank(groups: Group[], measure: (g: Group) => number, top?: number): Group[] {
  const sorted = [...groups].sort((a, b) => measure(b) - measure(a) || compareKeys(a.keys, b.keys));
  return top === undefined ? sorted : sorted.slice(0, top);
}

const count = (recs: readonly Rec[], pred: (r: Rec) => boolean = () => true) => recs.filter(pred).length;
const is4xx = (r: Rec) => between(num(r, 'status'), 400, 499);
const is5xx = (r: Rec) => between(num(r, 'status'), 500, 599);
const lat = (recs: readonly Rec[], k: string, q: number) => {
  const p = percentile(recs.map((r) => num(r, k)).filter((v): v is number => v !== null), q);
  return p === null ? null : Math.round(p * 10) / 10;
};
const rate = (a: number, b: number) => (b > 0 ? a / b : null);

/** 4xx causes: the gateway response type's family; no type means the backend said 4xx. */
export function errorType(t: string | null): string {
  const families: Array<[string, string[]]> = [
    ['Quota exceeded', ['QUOTA_EXCEEDED']],
    ['Throttled', ['THROTTLED']],
    ['Unauthorized', ['UNAUTHORIZED']],
    ['Invalid signature', ['INVALID_SIGNATURE', 'EXPIRED_TOKEN']],
    ['Access denied', ['ACCESS_DENIED']],
    ['Invalid API key', ['INVALID_API_KEY']],
    ['Blocked by WAF', ['WAF_FILTERED']],
    ['Missing auth token or unknown route', ['MISSING_AUTHENTICATION_TOKEN']],
    ['Bad request', ['BAD_REQUEST_PARAMETERS', 'BAD_REQUEST_BODY', 'REQUEST_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE']],
    ['Resource not found', ['RESOURCE_NOT_FOUND']],
  ];
  if (t === null) return 'Returned by the backend';
  return families.find(([, types]) => types.includes(t))?.[0] ?? 'Other gateway response';
}

/** How the caller was identified, first match wins. */
export function authMethod(r: Rec): string {
  if (str(r, 'identityCognitoIdentityId')) return 'Cognito identity pool (IAM)';
  if (str(r, 'identityUserArn')) return 'IAM (SigV4)';
  if (str(r, 'sub')) return 'Cognito user pool';
  if (str(r, 'authorizerPrincipalId')) return 'Lambda authorizer';
  if (num(r, 'authorizerStatus') !== null || num(r, 'authorizeStatus') !== null) return 'Refused by authorizer or IAM';
  if (str(r, 'identityApiKeyId')) return 'API key only';
  return 'None';
}

export type Answers = Record<string, Array<Record<string, unknown>>>;

/** Every question's rows, as the report should give them, for these records. */
export function answers(recs: readonly Rec[], top: number, window?: { fromMs: number; toMs: number }): Answers {
  const requests = recs.length;
  const s4xx = count(recs, is4xx);
  const s5xx = count(recs, is5xx);
  const route = (r: Rec) => [str(r, 'apiId'), str(r, 'stage'), str(r, 'httpMethod'), str(r, 'resourcePath') ?? str(r, 'routeKey')];
  const times = recs.map((r) => num(r, 'requestTimeEpoch')).filter((v): v is number => v !== null);
  const out: Answers = {};

  out.totals = [
    {
      requests,
      s2xx: count(recs, (r) => between(num(r, 'status'), 200, 299)),
      s3xx: count(recs, (r) => between(num(r, 'status'), 300, 399)),
      s4xx,
      s5xx,
      responseP50: lat(recs, 'responseLatency', 0.5),
      responseP90: lat(recs, 'responseLatency', 0.9),
      responseP99: lat(recs, 'responseLatency', 0.99),
      firstSeen: times.length ? Math.min(...times) : null,
      lastSeen: times.length ? Math.max(...times) : null,
      clientErrorRate: rate(s4xx, requests),
      serverErrorRate: rate(s5xx, requests),
    },
  ];

  out.status_codes = rank(groupBy(recs, (r) => [str(r, 'status')]), (g) => g.recs.length).map((g) => ({
    status: Number(g.keys[0]),
    requests: g.recs.length,
    share: rate(g.recs.length, requests),
  }));

  out.top_routes = rank(groupBy(recs, route), (g) => g.recs.length, top).map((g) => ({
    apiId: g.keys[0],
    stage: g.keys[1],
    httpMethod: g.keys[2],
    resourcePath: g.keys[3],
    requests: g.recs.length,
    s4xx: count(g.recs, is4xx),
    s5xx: count(g.recs, is5xx),
    errorRate: rate(count(g.recs, is4xx) + count(g.recs, is5xx), g.recs.length),
  }));

  out.client_errors = rank(
    groupBy(recs.filter(is4xx), (r) => [errorType(str(r, 'errorResponseType')), str(r, 'errorResponseType')]),
    (g) => g.recs.length,
  ).map((g) => ({ errorType: g.keys[0], errorResponseType: g.keys[1], requests: g.recs.length, share: rate(g.recs.length, s4xx) }));

  out.server_errors_by_route = rank(
    groupBy(recs, route).filter((g) => count(g.recs, is5xx) > 0),
    (g) => count(g.recs, is5xx),
    top,
  ).map((g) => ({
    apiId: g.keys[0],
    stage: g.keys[1],
    httpMethod: g.keys[2],
    resourcePath: g.keys[3],
    s5xx: count(g.recs, is5xx),
    gateway5xx: count(g.recs, (r) => is5xx(r) && str(r, 'errorResponseType') !== null),
    timeouts: count(g.recs, (r) => str(r, 'errorResponseType') === 'INTEGRATION_TIMEOUT'),
    requests: g.recs.length,
    serverErrorRate: rate(count(g.recs, is5xx), g.recs.length),
  }));

  out.customers = rank(
    groupBy(
      recs.filter((r) => str(r, 'identityApiKeyId') !== null),
      (r) => [str(r, 'customerId'), str(r, 'apiKeyName') ?? str(r, 'identityApiKeyId'), str(r, 'usagePlanName')],
    ),
    (g) => g.recs.length,
    top,
  ).map((g) => ({
    customerId: g.keys[0],
    apiKey: g.keys[1],
    usagePlan: g.keys[2],
    requests: g.recs.length,
    quotaHits: count(g.recs, (r) => str(r, 'errorResponseType') === 'QUOTA_EXCEEDED'),
    throttled: count(g.recs, (r) => str(r, 'errorResponseType') === 'THROTTLED'),
    s4xx: count(g.recs, is4xx),
    s5xx: count(g.recs, is5xx),
  }));

  out.auth_methods = rank(
    groupBy(recs, (r) => [authMethod(r), str(r, 'identityApiKeyId') ? 'with API key' : 'without API key']),
    (g) => g.recs.length,
  ).map((g) => ({
    authMethod: g.keys[0],
    withApiKey: g.keys[1],
    requests: g.recs.length,
    authFailures: count(g.recs, (r) => num(r, 'status') === 401 || num(r, 'status') === 403),
    share: rate(g.recs.length, requests),
  }));

  out.user_agents = rank(groupBy(recs, (r) => [str(r, 'identityUserAgent')]), (g) => g.recs.length, top).map((g) => ({
    userAgent: g.keys[0],
    requests: g.recs.length,
    s4xx: count(g.recs, is4xx),
    s5xx: count(g.recs, is5xx),
    share: rate(g.recs.length, requests),
  }));

  out.client_ips = rank(groupBy(recs, (r) => [str(r, 'ip')]), (g) => g.recs.length, top).map((g) => ({
    ip: g.keys[0],
    requests: g.recs.length,
    s4xx: count(g.recs, is4xx),
    s5xx: count(g.recs, is5xx),
    throttled: count(g.recs, (r) => str(r, 'errorResponseType') === 'THROTTLED'),
    wafBlocked: count(g.recs, (r) => str(r, 'wafResponseCode') === 'WAF_BLOCK'),
    share: rate(g.recs.length, requests),
  }));

  out.latency_by_route = rank(groupBy(recs, route), (g) => g.recs.length, top).map((g) => ({
    apiId: g.keys[0],
    stage: g.keys[1],
    httpMethod: g.keys[2],
    resourcePath: g.keys[3],
    requests: g.recs.length,
    responseP50: lat(g.recs, 'responseLatency', 0.5),
    responseP90: lat(g.recs, 'responseLatency', 0.9),
    responseP99: lat(g.recs, 'responseLatency', 0.99),
    integrationP50: lat(g.recs, 'integrationLatency', 0.5),
    integrationP90: lat(g.recs, 'integrationLatency', 0.9),
    integrationP99: lat(g.recs, 'integrationLatency', 0.99),
    authorizerP50: lat(g.recs, 'authorizerLatency', 0.5),
    authorizerP90: lat(g.recs, 'authorizerLatency', 0.9),
    authorizerP99: lat(g.recs, 'authorizerLatency', 0.99),
  }));

  // Every hour from the window's (or the data's) first to last, zero where nothing happened.
  const HOUR = 3_600_000;
  const hourOf = (ms: number) => ms - (ms % HOUR);
  const withTime = recs.filter((r) => num(r, 'requestTimeEpoch') !== null);
  const first = window ? hourOf(window.fromMs) : Math.min(...withTime.map((r) => hourOf(num(r, 'requestTimeEpoch') as number)));
  const last = window ? hourOf(window.toMs - 1) : Math.max(...withTime.map((r) => hourOf(num(r, 'requestTimeEpoch') as number)));
  const series: Array<Record<string, unknown>> = [];
  for (let h = first; h <= last; h += HOUR) {
    const inHour = withTime.filter((r) => hourOf(num(r, 'requestTimeEpoch') as number) === h);
    series.push({ bucket: h, requests: inHour.length, s4xx: count(inHour, is4xx), s5xx: count(inHour, is5xx) });
  }
  // Records without a time have their own (null) bucket, after the others.
  const untimed = recs.filter((r) => num(r, 'requestTimeEpoch') === null);
  if (!window && untimed.length > 0) series.push({ bucket: null, requests: untimed.length, s4xx: count(untimed, is4xx), s5xx: count(untimed, is5xx) });
  out.requests_over_time = series;

  out.api_kinds = rank(groupBy(recs, (r) => [str(r, 'apiKind') ?? 'REST']), (g) => g.recs.length).map((g) => ({
    apiKind: g.keys[0],
    requests: g.recs.length,
    s4xx: count(g.recs, is4xx),
    s5xx: count(g.recs, is5xx),
    share: rate(g.recs.length, requests),
    errorRate: rate(count(g.recs, is4xx) + count(g.recs, is5xx), g.recs.length),
  }));
  const ws = recs.filter((r) => str(r, 'apiKind') === 'WEBSOCKET');
  out.websocket_events = rank(groupBy(ws, (r) => [str(r, 'eventType'), str(r, 'routeKey')]), (g) => g.recs.length, top).map((g) => ({
    eventType: g.keys[0],
    routeKey: g.keys[1],
    requests: g.recs.length,
    s4xx: count(g.recs, is4xx),
    s5xx: count(g.recs, is5xx),
    integrationP90: lat(g.recs, 'integrationLatency', 0.9),
  }));
  return out;
}
