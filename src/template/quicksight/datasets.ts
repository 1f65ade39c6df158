/**
 * The dashboard's three datasets, and the columns each declares:
 *
 * - `logs`: the raw Parquet table `access_logs` (columns.ts), for the raw-requests sheet only;
 * - `hourly`: the hourly rollup `access_logs_hourly` (src/core/rollup.ts), for every aggregate
 *   visual that counts, rates or percentiles requests by hour and dimension;
 * - `top`: the hourly top values `access_logs_top_hourly` (src/core/top-values.ts), for the "top"
 *   visuals over values too many to group by (client IPs, user agents, callers).
 *
 * Every dataset declares `requestdatetime` and `logdate` with the same name and type, and the
 * rollup declares the controls' columns (`route`, `statuscode`, `consumer`, ...) as the raw dataset
 * does, so one filter applied to all datasets (FilterGroup `CrossDataset: 'ALL_DATASETS'`,
 * https://docs.aws.amazon.com/quicksight/latest/APIReference/API_FilterGroup.html) reaches them all.
 * A control whose column a dataset does not have leaves that dataset's visuals unfiltered; the
 * visuals that this concerns say so in their subtitles.
 */
import { LATENCY_METRICS, rollupColumns, ROLLUP_TABLE_NAME } from '../../core/rollup.js';
import { TOP_VALUES_TABLE_NAME, topValuesColumns } from '../../core/top-values.js';
import { GLUE_TABLE_NAME } from '../pipeline.js';
import {
  DATASET_COLUMNS,
  DERIVED,
  FIELD_FOLDERS,
  ident,
  LOG_DATE,
  REQUEST_TIME_COLUMN,
  selectSql,
  type DatasetColumn,
  type DatasetColumnType,
} from './columns.js';

export const DATASET_IDS = { logs: 'logs', hourly: 'hourly', top: 'top' } as const;
export type DatasetId = (typeof DATASET_IDS)[keyof typeof DATASET_IDS];

/** First and last request of a rollup or top-values row, as timestamps (first/last seen). */
export const FIRST_SEEN_COLUMN = 'firstseen';
export const LAST_SEEN_COLUMN = 'lastseen';

const fromEpochMs = (column: string): string => `CAST(from_unixtime(${ident(column)} / 1e3) AS timestamp)`;

function hourColumns(): DatasetColumn[] {
  return [
    { name: REQUEST_TIME_COLUMN, type: 'DATETIME', sql: fromEpochMs('hour_ms'), description: 'start of the UTC hour', reads: ['hour_ms'] },
    LOG_DATE,
    { name: FIRST_SEEN_COLUMN, type: 'DATETIME', sql: fromEpochMs('first_request_ms'), description: 'first request of the row (UTC)', reads: ['first_request_ms'] },
    { name: LAST_SEEN_COLUMN, type: 'DATETIME', sql: fromEpochMs('last_request_ms'), description: 'last request of the row (UTC)', reads: ['last_request_ms'] },
  ];
}

const glueType = (type: string): DatasetColumnType => (type === 'string' ? 'STRING' : 'INTEGER');
const TIME_INPUTS = new Set(['hour_ms', 'first_request_ms', 'last_request_ms']);

/** A rollup or top-values column under its own name; apikind counts rows from before it as REST, as the raw dataset does. */
function plain(name: string, type: string): DatasetColumn {
  const sql = name === 'apikind' ? `COALESCE(${ident(name)}, 'REST')` : ident(name);
  return { name, type: glueType(type), sql, description: `${name} of the table` };
}

/** The rollup dataset: every rollup column, the hour as `requestdatetime`, and the controls' derived columns. */
export const HOURLY_COLUMNS: readonly DatasetColumn[] = [
  ...hourColumns(),
  ...rollupColumns()
    .filter((c) => !TIME_INPUTS.has(c.name))
    .map((c) => plain(c.name, c.type)),
  DERIVED.route,
  DERIVED.statusCode,
  DERIVED.consumer,
];

/** Kinds of the top-values table whose value is a client IP, and whose value is a caller. */
const IP_KINDS = ['ip', 'waf_blocked_ip'];
const CALLER_KINDS = ['cognito_user', 'iam_caller'];
const valueOfKinds = (kinds: string[]): string => `CASE WHEN "kind" IN (${kinds.map((k) => `'${k}'`).join(', ')}) THEN "value" END`;

/**
 * The top-values dataset: its columns, the hour as `requestdatetime`, and the value again as `ip`
 * or `caller` for the kinds that are one, so the "Client IP contains" and "User contains" controls
 * reach the top IP and top caller visuals too.
 */
export const TOP_COLUMNS: readonly DatasetColumn[] = [
  ...hourColumns(),
  ...topValuesColumns()
    .filter((c) => !TIME_INPUTS.has(c.name))
    .map((c) => plain(c.name, c.type)),
  { name: 'ip', type: 'STRING', sql: valueOfKinds(IP_KINDS), description: 'the value, for the client IP kinds', reads: ['kind', 'value'] },
  { name: DERIVED.caller.name, type: 'STRING', sql: valueOfKinds(CALLER_KINDS), description: 'the value, for the caller kinds', reads: ['kind', 'value'] },
];

export interface DatasetSpec {
  id: DatasetId;
  /** The Glue table it reads. */
  table: string;
  columns: readonly DatasetColumn[];
  folders: Readonly<Record<string, { description: string; columns: readonly string[] }>>;
}

const latencyFolder = (metric: string) => ({
  description: `${metric}: request count, sum (ms) and cumulative histogram counters`,
  columns: HOURLY_COLUMNS.map((c) => c.name).filter((n) => n.startsWith(`${metric}_`)),
});

function hourlyFolders(): DatasetSpec['folders'] {
  const latency = Object.fromEntries(LATENCY_METRICS.map((m) => [m, latencyFolder(m)]));
  const inLatency = new Set(Object.values(latency).flatMap((f) => f.columns));
  return {
    Rollup: { description: 'hour, dimensions and request counts', columns: HOURLY_COLUMNS.map((c) => c.name).filter((n) => !inLatency.has(n)) },
    ...latency,
  };
}

export const DATASETS: Readonly<Record<DatasetId, DatasetSpec>> = {
  logs: { id: 'logs', table: GLUE_TABLE_NAME, columns: DATASET_COLUMNS, folders: FIELD_FOLDERS },
  hourly: { id: 'hourly', table: ROLLUP_TABLE_NAME, columns: HOURLY_COLUMNS, folders: hourlyFolders() },
  top: { id: 'top', table: TOP_VALUES_TABLE_NAME, columns: TOP_COLUMNS, folders: { 'Top values': { description: 'busiest values per hour, API, stage and kind', columns: TOP_COLUMNS.map((c) => c.name) } } },
};

const BY_DATASET = new Map<DatasetId, Map<string, DatasetColumn>>(
  Object.values(DATASETS).map((d) => [d.id, new Map(d.columns.map((c) => [c.name, c]))]),
);

/** The column of a dataset, if it declares one by that name. */
export function columnOf(dataset: DatasetId, name: string): DatasetColumn | undefined {
  return BY_DATASET.get(dataset)?.get(name);
}

/** The Glue columns a dataset column reads. */
export function readsOf(column: DatasetColumn): readonly string[] {
  return column.reads ?? [column.name];
}

/** The dataset's custom SQL over `database`.`table` (CloudFormation `${...}` references or literal names). */
export function datasetSqlOf(dataset: DatasetId, database: string, table: string): string {
  return selectSql(DATASETS[dataset].columns, database, table);
}
