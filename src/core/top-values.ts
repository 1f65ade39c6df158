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
