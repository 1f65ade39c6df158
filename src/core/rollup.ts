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

const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function authMethodSql(): string {
  const branches = AUTH_METHODS.map((m) => `WHEN ${m.anyPresent.map((k) => `${k.toLowerCase()} IS NOT NULL`).join(' OR ')} THEN ${q(m.label)}`);
  return `CASE ${branches.join(' ')} ELSE ${q(NO_AUTH)} END`;
}

/** Every column of the rollup table, in order, with its Glue type. */
export function rollupColumns(): Array<{ name: string; type: string }> {
  return [
    { name: 'hour', type: 'bigint' },
    ...ROLLUP_DIMENSIONS.map((d) => ({ name: d, type: d === 'status' || d === 'integrationstatus' ? 'int' : 'string' })),
    { name: AUTH_METHOD_COLUMN, type: 'string' },
    { name: 'requests', type: 'bigint' },
    { name: 'first_request_ms', type: 'bigint' },
    { name: 'last_request_ms', type: 'bigint' },
    ...LATENCY_METRICS.flatMap((m) => LATENCY_BOUNDS_MS.map((b) => ({ name: histogramColumn(m, b), type: 'bigint' }))),
  ];
}

/**
 * The SELECT that builds the rollup rows of `[fromMs, toMs)` from the raw table `source` (already
 * quoted). `where` adds a predicate (the partition filter of the scheduled query). `hour` is the
 * hour's start in epoch ms.
 */
export function rollupSelectSql(source: string, where: string): string {
  const hour = 'requesttimeepoch - requesttimeepoch % 3600000';
  const histograms = LATENCY_METRICS.flatMap((m) =>
    LATENCY_BOUNDS_MS.map((b) => `  sum(CASE WHEN ${m} <= ${b} THEN 1 ELSE 0 END) AS ${histogramColumn(m, b)}`),
  );
  const dims = [...ROLLUP_DIMENSIONS];
  return [
    'SELECT',
    `  ${hour} AS hour,`,
    ...dims.map((d) => `  ${d},`),
    `  ${authMethodSql()} AS ${AUTH_METHOD_COLUMN},`,
    '  count(*) AS requests,',
    '  min(requesttimeepoch) AS first_request_ms,',
    '  max(requesttimeepoch) AS last_request_ms,',
    histograms.join(',\n'),
    `FROM ${source}`,
    `WHERE ${where}`,
    `GROUP BY ${[hour, ...dims, authMethodSql()].map((_, i) => i + 1).join(', ')}`,
  ].join('\n');
}

/**
 * Dataset column names and calculated fields the rollup can answer: a visual that names only these
 * reads the rollup instead of the raw table.
 */
export const ROLLUP_ANSWERS: ReadonlySet<string> = new Set<string>([
  ...ROLLUP_DIMENSIONS,
  AUTH_METHOD_COLUMN,
  ...LATENCY_METRICS,
  // A count of requests, the time axis (by hour or coarser), the delivery day, and first/last seen.
  'requestid',
  'requestdatetime',
  'logdate',
  // Calculated fields built only on the columns above.
  'route',
  'statuscode',
  'statusclass',
  'consumer',
  'errortype',
  'limitevent',
  'clienterrorrate',
  'servererrorrate',
]);
