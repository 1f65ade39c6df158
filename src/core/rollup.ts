/**
 * The hourly rollup: one row per hour and combination of the dimensions the aggregate visuals
 * group and filter by, with the request count, the first and last request time, and cumulative
 * latency histograms from which a percentile is read to within one bucket (about 20 %).
 *
 * The histogram is a set of cumulative counters, `<metric>_le_<ms>` = requests with latency at most
 * `<ms>`, on a fixed log scale (each bound about 1.25 times the one before, 1 ms to 60 s). Counters
 * add across rows, so any grouping of rollup rows still yields its percentiles: p90 is the first
 * bound whose summed counter reaches 90 % of the summed requests. Fixed buckets need no engine
 * support (Athena's qdigest/tdigest values would have to be merged in SQL, which QuickSight does
 * not generate for a visual).
 *
 * The SELECT is plain SQL that Athena (Trino) and DuckDB both run, so the scan benchmark measures
 * the table the stack would build.
 */
import { AUTH_METHODS, NO_AUTH } from './classifications.js';
import { BUCKET_PREFIXES } from './outputs.js';

/** Raw columns the rollup groups by, kept with their names. */
export const ROLLUP_DIMENSIONS = [
  'apiid',
  'stage',
  'domainname',
  'httpmethod',
  'resourcepath',
  'status',
  'integrationstatus',
  'errorresponsetype',
  'errormessage',
  'wafresponsecode',
  'usageplanname',
  'customerid',
  'apikeyname',
  'identityapikeyid',
  // HTTP and WebSocket APIs: the route key; WebSocket: the event (CONNECT, MESSAGE, DISCONNECT),
  // the integration's error; and which kind of API wrote the line (rest, http, websocket).
  'routekey',
  'eventtype',
  'apikind',
  'integrationerror',
] as const;

/** The computed dimension: how the caller authenticated (the dashboard's authmethod). */
export const AUTH_METHOD_COLUMN = 'authmethod';

export const LATENCY_METRICS = ['responselatency', 'integrationlatency', 'authorizerlatency'] as const;

/** Upper bounds of the histogram buckets, in ms: 1, 2, 3, ... growing by about 25 %, to 60 s. */
export const LATENCY_BOUNDS_MS: readonly number[] = (() => {
  const out: number[] = [];
  let b = 1;
  while (b < 60_000) {
    out.push(b);
    b = Math.max(b + 1, Math.round(b * 1.25));
  }
  out.push(60_000);
  return out;
})();

export const histogramColumn = (metric: string, bound: number): string => `${metric}_le_${bound}`;
/** Requests with a value of the metric (its percentiles' denominator: a request without an authorizer has no authorizer latency). */
export const latencyCountColumn = (metric: string): string => `${metric}_count`;
/** Sum of the metric in ms (an average is sum / count). */
export const latencySumColumn = (metric: string): string => `${metric}_sum`;

const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function authMethodSql(): string {
  const branches = AUTH_METHODS.map((m) => `WHEN ${m.anyPresent.map((k) => `${k.toLowerCase()} IS NOT NULL`).join(' OR ')} THEN ${q(m.label)}`);
  return `CASE ${branches.join(' ')} ELSE ${q(NO_AUTH)} END`;
}

/** Every column of the rollup table, in order, with its Glue type. */
export function rollupColumns(): Array<{ name: string; type: string }> {
  return [
    { name: 'hour_ms', type: 'bigint' },
    ...ROLLUP_DIMENSIONS.map((d) => ({ name: d, type: d === 'status' || d === 'integrationstatus' ? 'int' : 'string' })),
    { name: AUTH_METHOD_COLUMN, type: 'string' },
    { name: 'requests', type: 'bigint' },
    { name: 'first_request_ms', type: 'bigint' },
    { name: 'last_request_ms', type: 'bigint' },
    ...LATENCY_METRICS.flatMap((m) => [
      { name: latencyCountColumn(m), type: 'bigint' },
      { name: latencySumColumn(m), type: 'bigint' },
      ...LATENCY_BOUNDS_MS.map((b) => ({ name: histogramColumn(m, b), type: 'bigint' })),
    ]),
  ];
}

/** The raw columns the rollup's SELECT reads (its scan in Athena: cost.ts prices the hourly refresh by them). */
export function rollupSourceColumns(): string[] {
  const auth = AUTH_METHODS.flatMap((m) => m.anyPresent.map((k) => k.toLowerCase()));
  return [...new Set([...ROLLUP_DIMENSIONS, ...auth, 'requesttimeepoch', ...LATENCY_METRICS])];
}

/**
 * The SELECT that builds rollup rows from the raw table `source` (already quoted), for the rows
 * `where` keeps. `hour_ms` is the hour's start in epoch ms. `partition`, when given, is an
 * expression appended last as the `dt` column (Athena's INSERT INTO takes partition columns last).
 */
export function rollupSelectSql(source: string, where: string, partition?: string): string {
  const hour = 'requesttimeepoch - requesttimeepoch % 3600000';
  const histograms = LATENCY_METRICS.flatMap((m) => [
    `  count(${m}) AS ${latencyCountColumn(m)}`,
    `  sum(CAST(${m} AS bigint)) AS ${latencySumColumn(m)}`,
    ...LATENCY_BOUNDS_MS.map((b) => `  sum(CASE WHEN ${m} <= ${b} THEN 1 ELSE 0 END) AS ${histogramColumn(m, b)}`),
  ]);
  const dims = [...ROLLUP_DIMENSIONS];
  return [
    'SELECT',
    `  ${hour} AS hour_ms,`,
    ...dims.map((d) => `  ${d},`),
    `  ${authMethodSql()} AS ${AUTH_METHOD_COLUMN},`,
    '  count(*) AS requests,',
    '  min(requesttimeepoch) AS first_request_ms,',
    '  max(requesttimeepoch) AS last_request_ms,',
    histograms.join(',\n') + (partition ? `,\n  ${partition} AS dt` : ''),
    `FROM ${source}`,
    `WHERE ${where}`,
    `GROUP BY ${[hour, ...dims, authMethodSql()].map((_, i) => i + 1).join(', ')}`,
  ].join('\n');
}

/** The rollup table (Glue) and where it keeps its files. */
export const ROLLUP_TABLE_NAME = 'access_logs_hourly';
export const ROLLUP_PREFIX = `${BUCKET_PREFIXES.rollups}hourly/`;
/** Minutes past each hour the refresh runs: past the longest Firehose buffer (900 s) times 1.5, with room. */
export const ROLLUP_MINUTE = 30;

/**
 * The hour a scheduled refresh adds, as SQL expressions: its UTC day (`yyyy-MM-dd`, the raw table's
 * and the rollups' `dt`), its hour of day (`HH`, the raw table's `hour`) and its start in epoch ms.
 */
export interface RefreshHour {
  day: string;
  hourOfDay: string;
  hourMs: string;
}

/**
 * The UTC hour before the one the query starts in (Athena/Trino). Athena folds `current_timestamp`
 * into a constant before it plans the query, so a filter on these prunes to that hour's partitions.
 */
export const PREVIOUS_UTC_HOUR: RefreshHour = (() => {
  const start = "date_trunc('hour', current_timestamp - interval '1' hour)";
  return {
    day: `date_format(${start}, '%Y-%m-%d')`,
    hourOfDay: `date_format(${start}, '%H')`,
    hourMs: `CAST(to_unixtime(${start}) * 1000 AS bigint)`,
  };
})();

/**
 * The WHERE of a refresh into `target` (quoted): the raw table's partitions of `hour` only, and
 * nothing unless `target` has no row of that hour yet, so a retry or a second run never doubles it.
 */
export function refreshWhere(target: string, hour: RefreshHour = PREVIOUS_UTC_HOUR): string {
  return [
    `dt = ${hour.day}`,
    `hour = ${hour.hourOfDay}`,
    `NOT EXISTS (SELECT 1 FROM ${target} done WHERE done.dt = ${hour.day} AND done.hour_ms = ${hour.hourMs})`,
  ].join('\n  AND ');
}

/**
 * The scheduled refresh: the rollup of the hour before the current one, from the Parquet table's
 * partitions of that hour only, written unless rows of that hour are there already (refreshWhere).
 * `hour` is for tests, which run it in DuckDB with literal expressions.
 */
export function rollupInsertSql(database: string, raw: string, rollup: string = ROLLUP_TABLE_NAME, hour: RefreshHour = PREVIOUS_UTC_HOUR): string {
  const target = `"${database}"."${rollup}"`;
  return `INSERT INTO ${target}\n${rollupSelectSql(`"${database}"."${raw}"`, refreshWhere(target, hour), hour.day)}`;
}
