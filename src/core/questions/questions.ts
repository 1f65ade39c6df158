/**
 * The report's questions, defined once. Each is data: what it groups by (dimensions), what it
 * counts or measures (measures), which records it looks at, how its rows are ranked, and how it is
 * drawn. `compile.ts` turns the whole list into one SQL statement per dialect (Athena and DuckDB),
 * so the terminal, JSON, CSV and HTML outputs of every source answer from the same definitions.
 *
 * Column names in SQL fragments are the record's JSON keys (src/core/log-format.ts); Athena
 * resolves them case-insensitively against the Glue columns, DuckDB against the columns the local
 * reader declares.
 */
import type { Dialect } from './dialect.js';
import { AUTH_METHODS, BACKEND_ERROR, CLIENT_ERROR_TYPES, NO_AUTH, OTHER_GATEWAY_ERROR } from '../classifications.js';

export { AUTH_METHODS, BACKEND_ERROR, CLIENT_ERROR_TYPES, NO_AUTH, OTHER_GATEWAY_ERROR };

/** How a value is typed in results and shown in outputs. */
export type ColumnType =
  /** Free text (may be null). */
  | 'text'
  /** An HTTP status code or another small integer shown as is. */
  | 'code'
  /** A count of records. */
  | 'count'
  /** Milliseconds (a latency). */
  | 'ms'
  /** A fraction from 0 to 1, shown as a percentage. */
  | 'ratio'
  /** Epoch milliseconds, shown as an ISO 8601 UTC time. */
  | 'time';

export interface Column {
  id: string;
  label: string;
  type: ColumnType;
}

/** What the compiler knows about the run when it writes a fragment. */
export interface FragmentContext {
  dialect: Dialect;
  /** Width of a time bucket of the requests-over-time question, ms. */
  bucketMs: number;
}

export interface Dimension extends Column {
  /** The grouping expression over the record's columns. */
  sql: (c: FragmentContext) => string;
}

export type Measure = Column &
  (
    | { agg: 'count'; where?: string }
    | { agg: 'min' | 'max'; of: string; where?: string }
    | { agg: 'percentile'; of: string; fraction: number; where?: string }
  );

/** A column computed from a result row after the query (the same for every source). */
export interface Derived extends Column {
  compute: (row: Readonly<Record<string, unknown>>, totals: Readonly<Record<string, unknown>> | undefined) => number | null;
}

export type ChartSpec =
  /** KPI tiles. */
  | { kind: 'kpis' }
  /** Horizontal bars: one per row, labelled by `label`, as long as `value`, split into `segments` when given. */
  | {
      kind: 'bars';
      label: readonly string[];
      value: string;
      /** What the part of `value` outside the segments is, and its colour (unless `toneBy`). */
      base?: { label: string; tone: Tone };
      /** Stacked parts of the bar (each a measure), drawn after the base part. */
      segments?: ReadonlyArray<{ measure: string; label: string; tone: Tone }>;
      /** Colour each bar by the class of this code column (2xx, 4xx, ...). */
      toneBy?: string;
    }
  /** Columns over time, stacked by `segments`. */
  | { kind: 'timeseries'; x: string; value: string; segments: ReadonlyArray<{ measure: string; label: string; tone: Tone }> }
  /** Per row, p50/p90/p99 dots on a logarithmic axis, one panel per latency. */
  | { kind: 'latency'; label: readonly string[]; panels: ReadonlyArray<{ title: string; p50: string; p90: string; p99: string }> };

export type Tone = 'ok' | 'redirect' | 'client' | 'server' | 'accent' | 'muted';

export type QuestionId =
  | 'totals'
  | 'status_codes'
  | 'top_routes'
  | 'client_errors'
  | 'server_errors_by_route'
  | 'customers'
  | 'auth_methods'
  | 'user_agents'
  | 'client_ips'
  | 'latency_by_route'
  | 'requests_over_time'
  | 'api_kinds'
  | 'websocket_events';

export interface Question {
  id: QuestionId;
  title: string;
  /** One sentence: what the answer tells. */
  description: string;
  dimensions: readonly Dimension[];
  measures: readonly Measure[];
  derived?: readonly Derived[];
  /** Records the question looks at (a SQL predicate); all records when absent. */
  where?: string;
  /** Keep only rows where this measure is above zero. */
  nonZero?: string;
  /**
   * The local engine counts this question's records by the record columns its dimensions and
   * measures read, then classifies those counts (compile.ts, preGroupedSql): for dimensions that
   * are CASE classifications of columns with few values (the authentication method, the error
   * type), evaluated once a group instead of once a record. Not for percentiles (they need every
   * value), nor for columns with a value per request (a time, an address).
   */
  preGroup?: boolean;
  /**
   * The local engine finds this question's top N keys by their request count first, then measures
   * only those keys' records (compile.ts, topKeysSql): for a short text key with many values (the
   * source address), where holding every measure for every key took longer than counting them and
   * measuring ten (1 and 5 million requests: 100 against 86 ms, 216 against 115 ms; with every
   * request its own address, 1.9 s against 1.2 s). Only for "top" questions ranked by their requests alone.
   */
  topFirst?: boolean;
  /** Ranking: the first is the main order; dimensions break ties, ascending, nulls last. */
  orderBy: ReadonlyArray<{ column: string; desc: boolean }>;
  /** `top` keeps the first N rows (the report's --top); `all` keeps every row. */
  rows: 'top' | 'all';
  chart: ChartSpec;
}

// --- Dimensions ------------------------------------------------------------------------------

const dim = (id: string, label: string, type: ColumnType, sql: string | ((c: FragmentContext) => string)): Dimension => ({
  id,
  label,
  type,
  sql: typeof sql === 'string' ? () => sql : sql,
});

const errorTypeSql = (): string =>
  [
    'CASE',
    ...CLIENT_ERROR_TYPES.map((t) => `  WHEN errorResponseType IN (${t.responseTypes.map((x) => `'${x}'`).join(', ')}) THEN '${t.label}'`),
    `  WHEN errorResponseType IS NOT NULL THEN '${OTHER_GATEWAY_ERROR}'`,
    `  ELSE '${BACKEND_ERROR}'`,
    'END',
  ].join('\n');

const authMethodSql = (): string =>
  [
    'CASE',
    ...AUTH_METHODS.map((m) => `  WHEN ${m.anyPresent.map((k) => `${k} IS NOT NULL`).join(' OR ')} THEN '${m.label}'`),
    `  ELSE '${NO_AUTH}'`,
    'END',
  ].join('\n');

export const DIMENSIONS = {
  status: dim('status', 'Status', 'code', 'status'),
  apiId: dim('apiId', 'API', 'text', 'apiId'),
  stage: dim('stage', 'Stage', 'text', 'stage'),
  method: dim('httpMethod', 'Method', 'text', 'httpMethod'),
  // REST: the resource path; HTTP and WebSocket APIs: the route key ("GET /pets", "$connect").
  resourcePath: dim('resourcePath', 'Route', 'text', 'COALESCE(resourcePath, routeKey)'),
  // Rows from before HTTP and WebSocket support carry no apiKind: they are all REST.
  apiKind: dim('apiKind', 'API kind', 'text', "COALESCE(apiKind, 'REST')"),
  eventType: dim('eventType', 'Event', 'text', 'eventType'),
  routeKey: dim('routeKey', 'Route key', 'text', 'routeKey'),
  errorType: dim('errorType', 'Error type', 'text', errorTypeSql),
  errorResponseType: dim('errorResponseType', 'Gateway response', 'text', 'errorResponseType'),
  customerId: dim('customerId', 'Customer', 'text', 'customerId'),
  apiKey: dim('apiKey', 'API key', 'text', 'COALESCE(apiKeyName, identityApiKeyId)'),
  usagePlan: dim('usagePlan', 'Usage plan', 'text', 'usagePlanName'),
  authMethod: dim('authMethod', 'Authentication', 'text', authMethodSql),
  withApiKey: dim('withApiKey', 'API key', 'text', "CASE WHEN identityApiKeyId IS NOT NULL THEN 'with API key' ELSE 'without API key' END"),
  userAgent: dim('userAgent', 'User agent', 'text', 'identityUserAgent'),
  ip: dim('ip', 'Source IP', 'text', 'ip'),
  bucket: dim('bucket', 'Time (UTC)', 'time', (c) => `${c.dialect.intDiv('requestTimeEpoch', String(c.bucketMs))} * ${c.bucketMs}`),
} as const satisfies Record<string, Dimension>;

// --- Measures --------------------------------------------------------------------------------

const count = (id: string, label: string, where?: string): Measure => ({ id, label, type: 'count', agg: 'count', ...(where ? { where } : {}) });
const pct = (id: string, label: string, of: string, fraction: number): Measure => ({ id, label, type: 'ms', agg: 'percentile', of, fraction });

export const MEASURES = {
  requests: count('requests', 'Requests'),
  s2xx: count('s2xx', '2xx', 'status BETWEEN 200 AND 299'),
  s3xx: count('s3xx', '3xx', 'status BETWEEN 300 AND 399'),
  s4xx: count('s4xx', '4xx', 'status BETWEEN 400 AND 499'),
  s5xx: count('s5xx', '5xx', 'status BETWEEN 500 AND 599'),
  gateway5xx: count('gateway5xx', '5xx from API Gateway', 'status BETWEEN 500 AND 599 AND errorResponseType IS NOT NULL'),
  timeouts: count('timeouts', 'Integration timeouts', "errorResponseType = 'INTEGRATION_TIMEOUT'"),
  quotaHits: count('quotaHits', 'Quota hits', "errorResponseType = 'QUOTA_EXCEEDED'"),
  throttled: count('throttled', 'Throttled', "errorResponseType = 'THROTTLED'"),
  authFailures: count('authFailures', '401/403', 'status IN (401, 403)'),
  wafBlocked: count('wafBlocked', 'WAF blocks', "wafResponseCode = 'WAF_BLOCK'"),
  firstSeen: { id: 'firstSeen', label: 'First request', type: 'time', agg: 'min', of: 'requestTimeEpoch' },
  lastSeen: { id: 'lastSeen', label: 'Last request', type: 'time', agg: 'max', of: 'requestTimeEpoch' },
  responseP50: pct('responseP50', 'Response p50', 'responseLatency', 0.5),
  responseP90: pct('responseP90', 'Response p90', 'responseLatency', 0.9),
  responseP99: pct('responseP99', 'Response p99', 'responseLatency', 0.99),
  integrationP50: pct('integrationP50', 'Integration p50', 'integrationLatency', 0.5),
  integrationP90: pct('integrationP90', 'Integration p90', 'integrationLatency', 0.9),
  integrationP99: pct('integrationP99', 'Integration p99', 'integrationLatency', 0.99),
  authorizerP50: pct('authorizerP50', 'Authorizer p50', 'authorizerLatency', 0.5),
  authorizerP90: pct('authorizerP90', 'Authorizer p90', 'authorizerLatency', 0.9),
  authorizerP99: pct('authorizerP99', 'Authorizer p99', 'authorizerLatency', 0.99),
} as const satisfies Record<string, Measure>;

// --- Derived columns -------------------------------------------------------------------------

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

const errorRate: Derived = {
  id: 'errorRate',
  label: 'Error rate',
  type: 'ratio',
  compute: (r) => ratio(num(r.s4xx) + num(r.s5xx), num(r.requests)),
};
const shareOfAll: Derived = {
  id: 'share',
  label: 'Share',
  type: 'ratio',
  compute: (r, t) => ratio(num(r.requests), num(t?.requests)),
};

// --- Questions -------------------------------------------------------------------------------

const M = MEASURES;
const D = DIMENSIONS;
/** A route is per API and stage: the same path on prod and on staging are two routes. */
const ROUTE = [D.apiId, D.stage, D.method, D.resourcePath] as const;
const ROUTE_LABEL = ['httpMethod', 'resourcePath', 'apiId', 'stage'] as const;
const byRequests = [{ column: 'requests', desc: true }] as const;
const okBase = { label: '2xx and 3xx', tone: 'ok' } as const;
const statusSegments = [
  { measure: 's4xx', label: '4xx', tone: 'client' },
  { measure: 's5xx', label: '5xx', tone: 'server' },
] as const;

export const QUESTIONS: readonly Question[] = [
  {
    id: 'totals',
    title: 'Totals',
    description: 'Requests in the window, by status class, with error rates and response latency percentiles.',
    dimensions: [],
    measures: [M.requests, M.s2xx, M.s3xx, M.s4xx, M.s5xx, M.responseP50, M.responseP90, M.responseP99, M.firstSeen, M.lastSeen],
    derived: [
      { id: 'clientErrorRate', label: '4xx rate', type: 'ratio', compute: (r) => ratio(num(r.s4xx), num(r.requests)) },
      { id: 'serverErrorRate', label: '5xx rate', type: 'ratio', compute: (r) => ratio(num(r.s5xx), num(r.requests)) },
    ],
    orderBy: [],
    rows: 'all',
    chart: { kind: 'kpis' },
  },
  {
    id: 'status_codes',
    title: 'Status codes',
    description: 'Every HTTP status returned to clients, most frequent first.',
    dimensions: [D.status],
    measures: [M.requests],
    derived: [shareOfAll],
    orderBy: byRequests,
    rows: 'all',
    chart: { kind: 'bars', label: ['status'], value: 'requests', toneBy: 'status' },
  },
  {
    id: 'top_routes',
    title: 'Top routes',
    description: 'The busiest routes (method and resource path, per API and stage), with their client and server errors.',
    dimensions: ROUTE,
    measures: [M.requests, M.s4xx, M.s5xx],
    derived: [errorRate],
    orderBy: byRequests,
    rows: 'top',
    chart: { kind: 'bars', label: ROUTE_LABEL, value: 'requests', base: okBase, segments: statusSegments },
  },
  {
    id: 'client_errors',
    title: '4xx by error type',
    description: 'Client errors by cause: quota, throttling, authentication and authorization refusals, bad requests, or the backend.',
    dimensions: [D.errorType, D.errorResponseType],
    measures: [M.requests],
    derived: [{ id: 'share', label: 'Share of 4xx', type: 'ratio', compute: (r, t) => ratio(num(r.requests), num(t?.s4xx)) }],
    where: 'status BETWEEN 400 AND 499',
    preGroup: true,
    orderBy: byRequests,
    rows: 'all',
    chart: { kind: 'bars', label: ['errorType', 'errorResponseType'], value: 'requests', base: { label: '4xx', tone: 'client' } },
  },
  {
    id: 'server_errors_by_route',
    title: '5xx by route',
    description: 'Routes that returned server errors, worst first: from API Gateway (timeouts, integration or authorizer failures) or the backend.',
    dimensions: ROUTE,
    measures: [M.s5xx, M.gateway5xx, M.timeouts, M.requests],
    derived: [{ id: 'serverErrorRate', label: '5xx rate', type: 'ratio', compute: (r) => ratio(num(r.s5xx), num(r.requests)) }],
    nonZero: 's5xx',
    orderBy: [{ column: 's5xx', desc: true }],
    rows: 'top',
    chart: {
      kind: 'bars',
      label: ROUTE_LABEL,
      value: 's5xx',
      base: { label: '5xx from the backend', tone: 'server' },
      segments: [{ measure: 'gateway5xx', label: '5xx from API Gateway', tone: 'accent' }],
    },
  },
  {
    id: 'customers',
    title: 'Top customers and API keys',
    description: 'Callers with an API key, with the usage plan the key is in for the API and stage, quota hits and throttling.',
    dimensions: [D.customerId, D.apiKey, D.usagePlan],
    measures: [M.requests, M.quotaHits, M.throttled, M.s4xx, M.s5xx],
    where: 'identityApiKeyId IS NOT NULL',
    preGroup: true,
    orderBy: byRequests,
    rows: 'top',
    chart: {
      kind: 'bars',
      label: ['apiKey', 'customerId', 'usagePlan'],
      value: 'requests',
      base: { label: 'other requests', tone: 'ok' },
      segments: [
        { measure: 'quotaHits', label: 'quota hits', tone: 'client' },
        { measure: 'throttled', label: 'throttled', tone: 'accent' },
      ],
    },
  },
  {
    id: 'auth_methods',
    title: 'Authentication methods',
    description: 'How callers were identified, whether they sent an API key, and how many were refused (401/403).',
    dimensions: [D.authMethod, D.withApiKey],
    measures: [M.requests, M.authFailures],
    derived: [shareOfAll],
    preGroup: true,
    orderBy: byRequests,
    rows: 'all',
    chart: {
      kind: 'bars',
      label: ['authMethod', 'withApiKey'],
      value: 'requests',
      base: { label: 'not refused', tone: 'ok' },
      segments: [{ measure: 'authFailures', label: '401/403', tone: 'client' }],
    },
  },
  {
    id: 'user_agents',
    title: 'Top user agents',
    description: 'The most frequent User-Agent headers.',
    dimensions: [D.userAgent],
    measures: [M.requests, M.s4xx, M.s5xx],
    derived: [shareOfAll],
    // Not topFirst: agents are long and usually few (12 in the bench's day, against 422,384 addresses), and reading
    // them twice cost more than it saved (1 and 5 million requests: 29 against 42 ms, 96 against
    // 164 ms). When they are many, the local engine's scratch file says so and it counts them first
    // (ReportSource.manyValues, compile.ts countsFirst): with every request its own agent, 3.1 s against 2.3 to 2.7 s.
    orderBy: byRequests,
    rows: 'top',
    chart: { kind: 'bars', label: ['userAgent'], value: 'requests', base: okBase, segments: statusSegments },
  },
  {
    id: 'client_ips',
    title: 'Top source IPs',
    description: 'The most frequent source addresses, with their errors, throttling and WAF blocks.',
    dimensions: [D.ip],
    measures: [M.requests, M.s4xx, M.s5xx, M.throttled, M.wafBlocked],
    derived: [shareOfAll],
    topFirst: true,
    orderBy: byRequests,
    rows: 'top',
    chart: { kind: 'bars', label: ['ip'], value: 'requests', base: okBase, segments: statusSegments },
  },
  {
    id: 'latency_by_route',
    title: 'Latency by route',
    description: 'p50, p90 and p99 of response, integration and authorizer latency for the busiest routes, in ms.',
    dimensions: ROUTE,
    measures: [
      M.requests,
      M.responseP50,
      M.responseP90,
      M.responseP99,
      M.integrationP50,
      M.integrationP90,
      M.integrationP99,
      M.authorizerP50,
      M.authorizerP90,
      M.authorizerP99,
    ],
    orderBy: byRequests,
    rows: 'top',
    chart: {
      kind: 'latency',
      label: ROUTE_LABEL,
      panels: [
        { title: 'Response latency', p50: 'responseP50', p90: 'responseP90', p99: 'responseP99' },
        { title: 'Integration latency', p50: 'integrationP50', p90: 'integrationP90', p99: 'integrationP99' },
        { title: 'Authorizer latency', p50: 'authorizerP50', p90: 'authorizerP90', p99: 'authorizerP99' },
      ],
    },
  },
  {
    id: 'requests_over_time',
    title: 'Requests over time',
    description: 'Requests per hour (per day for windows over 62 days), with client and server errors.',
    dimensions: [D.bucket],
    measures: [M.requests, M.s4xx, M.s5xx],
    orderBy: [{ column: 'bucket', desc: false }],
    rows: 'all',
    chart: { kind: 'timeseries', x: 'bucket', value: 'requests', segments: statusSegments },
  },
  {
    id: 'api_kinds',
    title: 'API kinds',
    description: 'Requests by kind of API (REST, HTTP, WebSocket), with their client and server errors.',
    dimensions: [D.apiKind],
    measures: [M.requests, M.s4xx, M.s5xx],
    derived: [shareOfAll, errorRate],
    preGroup: true,
    orderBy: byRequests,
    rows: 'all',
    chart: { kind: 'bars', label: ['apiKind'], value: 'requests', base: okBase, segments: statusSegments },
  },
  {
    id: 'websocket_events',
    title: 'WebSocket connections and messages',
    description: 'WebSocket events (CONNECT, MESSAGE, DISCONNECT) by route key, with the errors they were answered with.',
    dimensions: [D.eventType, D.routeKey],
    measures: [M.requests, M.s4xx, M.s5xx, M.integrationP90],
    where: "apiKind = 'WEBSOCKET'",
    orderBy: byRequests,
    rows: 'top',
    chart: { kind: 'bars', label: ['eventType', 'routeKey'], value: 'requests', base: okBase, segments: statusSegments },
  },
];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Windows longer than this are bucketed per day, so a chart keeps at most about 1,500 columns. */
export const HOURLY_MAX_WINDOW_MS = 62 * DAY_MS;

export function bucketFor(windowMs: number | null): number {
  return windowMs !== null && windowMs > HOURLY_MAX_WINDOW_MS ? DAY_MS : HOUR_MS;
}

/** Every column of a question, in output order: dimensions, measures, derived. */
export function questionColumns(q: Question): Column[] {
  const strip = ({ id, label, type }: Column): Column => ({ id, label, type });
  return [...q.dimensions.map(strip), ...q.measures.map(strip), ...(q.derived ?? []).map(strip)];
}
