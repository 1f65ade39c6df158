/**
 * The hourly top values: for each UTC hour, API and stage, the busiest values of the dimensions too
 * many-valued for the rollup (src/core/rollup.ts) to group by: client IPs, user agents, the IPs WAF
 * blocked, Cognito user-pool callers and IAM callers. Each kind keeps its TOP_VALUES_LIMIT busiest
 * values of the hour, with their request and error counts.
 *
 * Summing hours gives, for each value, its requests in the hours where it was among that hour's
 * busiest: exact for a value that always was, a lower bound for one that sometimes fell below the
 * limit. The dashboard's "top" visuals (a top 10 to 50) read it; docs/dashboard.md says so.
 */
import { BUCKET_PREFIXES } from './outputs.js';
import { PREVIOUS_UTC_HOUR, refreshWhere, type RefreshHour } from './rollup.js';

export const TOP_VALUES_TABLE_NAME = 'access_logs_top_hourly';
export const TOP_VALUES_PREFIX = `${BUCKET_PREFIXES.rollups}top-hourly/`;
/** Values kept per hour, API, stage and kind. */
export const TOP_VALUES_LIMIT = 1000;

/**
 * The kinds of value, with the raw column that is the value, the one shown beside it (`detail`), and
 * the rows that count (SQL over the raw table's columns).
 */
export const TOP_VALUE_KINDS = [
  { kind: 'ip', value: 'ip', detail: null, where: 'ip IS NOT NULL' },
  { kind: 'useragent', value: 'identityuseragent', detail: null, where: 'identityuseragent IS NOT NULL' },
  { kind: 'waf_blocked_ip', value: 'ip', detail: null, where: "wafresponsecode = 'WAF_BLOCK' AND ip IS NOT NULL" },
  { kind: 'cognito_user', value: 'sub', detail: 'coalesce(cognitoclientid, aud)', where: 'sub IS NOT NULL' },
  { kind: 'iam_caller', value: 'identityuserarn', detail: 'identityaccountid', where: 'identityuserarn IS NOT NULL' },
] as const;

export type TopValueKind = (typeof TOP_VALUE_KINDS)[number]['kind'];

/** Every column of the top-values table, in order, with its Glue type (partition `dt` apart). */
export function topValuesColumns(): Array<{ name: string; type: string }> {
  return [
    { name: 'hour_ms', type: 'bigint' },
    { name: 'apiid', type: 'string' },
    { name: 'stage', type: 'string' },
    { name: 'kind', type: 'string' },
    { name: 'value', type: 'string' },
    { name: 'detail', type: 'string' },
    { name: 'requests', type: 'bigint' },
    { name: 'client_errors', type: 'bigint' },
    { name: 'server_errors', type: 'bigint' },
    { name: 'first_request_ms', type: 'bigint' },
    { name: 'last_request_ms', type: 'bigint' },
  ];
}

/** The raw columns the top values' SELECT reads (cost.ts prices the hourly refresh by them). */
export const TOP_VALUES_SOURCE_COLUMNS = [
  'apiid',
  'stage',
  'status',
  'requesttimeepoch',
  'ip',
  'identityuseragent',
  'wafresponsecode',
  'sub',
  'cognitoclientid',
  'aud',
  'identityuserarn',
  'identityaccountid',
] as const;

const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** One SQL expression per row and kind: `field` of the row's kind (NULL for a kind without one). */
function perKind(field: 'value' | 'detail'): string {
  const branches = TOP_VALUE_KINDS.flatMap((k) => (k[field] === null ? [] : [`WHEN ${q(k.kind)} THEN ${k[field]}`]));
  return `CASE k.kind ${branches.join(' ')} END`;
}

/**
 * Requests and errors per hour, API, stage, kind and value, from one scan of `source`: each row
 * is paired with every kind (a cross join with the list of kinds) and kept for the kinds whose
 * condition it meets, so each raw column is read once however many kinds use it. A value's
 * `detail` is the smallest seen with it in the hour (a Cognito user calls through one app client,
 * an IAM caller has one account).
 */
function countsSql(source: string, where: string): string {
  const kinds = TOP_VALUE_KINDS.map((k) => `(${q(k.kind)})`).join(', ');
  const counted = TOP_VALUE_KINDS.map((k) => `k.kind = ${q(k.kind)} AND (${k.where})`).join('\n    OR ');
  return [
    'SELECT',
    '  requesttimeepoch - requesttimeepoch % 3600000 AS hour_ms,',
    '  apiid,',
    '  stage,',
    '  k.kind AS kind,',
    `  ${perKind('value')} AS value,`,
    `  min(${perKind('detail')}) AS detail,`,
    '  count(*) AS requests,',
    '  sum(CASE WHEN status BETWEEN 400 AND 499 THEN 1 ELSE 0 END) AS client_errors,',
    '  sum(CASE WHEN status BETWEEN 500 AND 599 THEN 1 ELSE 0 END) AS server_errors,',
    '  min(requesttimeepoch) AS first_request_ms,',
    '  max(requesttimeepoch) AS last_request_ms',
    `FROM ${source} CROSS JOIN (VALUES ${kinds}) AS k(kind)`,
    `WHERE (${where})`,
    `  AND (${counted})`,
    'GROUP BY 1, 2, 3, 4, 5',
  ].join('\n');
}

/**
 * The SELECT that builds top-values rows from the raw table `source` (already quoted), for the
 * rows `where` keeps: per hour, API, stage and kind, the TOP_VALUES_LIMIT values with the most
 * requests, ties broken by the value (unique in its group, so the choice never depends on the
 * engine or the order rows arrive in). `partition`, when given, is appended last as `dt`, like
 * rollupSelectSql. Plain SQL that Athena (Trino) and DuckDB both run: a window function over a
 * derived table (https://trino.io/docs/current/functions/window.html, which Athena engine 3
 * follows: https://docs.aws.amazon.com/athena/latest/ug/engine-versions-reference-0003.html).
 */
export function topValuesSelectSql(source: string, where: string, partition?: string): string {
  const columns = topValuesColumns().map((c) => c.name);
  return [
    `SELECT ${columns.join(', ')}${partition ? `, ${partition} AS dt` : ''}`,
    'FROM (',
    '  SELECT counted.*, row_number() OVER (PARTITION BY hour_ms, apiid, stage, kind ORDER BY requests DESC, value ASC) AS value_rank',
    `  FROM (\n${countsSql(source, where)}\n  ) counted`,
    ') ranked',
    `WHERE value_rank <= ${TOP_VALUES_LIMIT}`,
  ].join('\n');
}

/**
 * The scheduled refresh of the top values, like rollupInsertSql: the hour before the current one,
 * from that hour's partitions of the raw table only, written unless that hour's rows are there
 * already, partition column last. One hour is one `dt` partition, far under the 100 partitions an
 * INSERT INTO may write (https://docs.aws.amazon.com/athena/latest/ug/ctas-insert-into.html).
 */
export function topValuesInsertSql(database: string, raw: string, table: string = TOP_VALUES_TABLE_NAME, hour: RefreshHour = PREVIOUS_UTC_HOUR): string {
  const target = `"${database}"."${table}"`;
  return `INSERT INTO ${target}\n${topValuesSelectSql(`"${database}"."${raw}"`, refreshWhere(target, hour), hour.day)}`;
}
