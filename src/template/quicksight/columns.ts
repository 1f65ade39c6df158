/**
 * The dataset's columns, derived from the log format (`RECORD_FIELDS`), never listed by hand: the
 * Glue table's columns are the format's keys in lowercase, with the types the enrichment Lambda
 * writes (numbers as numbers, `-` as null), so the dataset declares them with matching types instead
 * of reading everything as text and casting, as the AWS sample did.
 *
 * The dataset is a custom SQL query over the Glue table rather than the bare table, for two columns
 * Athena computes better than QuickSight can:
 * - `requestdatetime`: the request time as a timestamp, from `requestTimeEpoch` (the sample parsed a
 *   rewritten text time instead);
 * - `logdate`: the `dt` partition (the request's own UTC day: Firehose files each record by it) as a
 *   date. The dashboard's date control filters on it, so every query Athena runs for a visual names
 *   the partition column and reads exactly the days in view, not the whole bucket.
 */
import { RECORD_FIELDS, type LogField } from '../../core/log-format.js';

/** QuickSight input column types used by the datasets. */
export type DatasetColumnType = 'STRING' | 'INTEGER' | 'DATETIME';

export interface DatasetColumn {
  name: string;
  type: DatasetColumnType;
  /** The SQL expression that produces it (a quoted Glue column, or a computed value). */
  sql: string;
  description: string;
  /** The log field it comes from, when it is one. */
  field?: LogField;
  /**
   * The Glue columns its SQL reads, when not its own name (a partition column reads none: Athena
   * prunes on it). What the scan benchmark prices a visual naming it by.
   */
  reads?: readonly string[];
}

/** The Glue partition column: `dt`, the request's UTC day as a `yyyy-MM-dd` string. */
export const PARTITION_COLUMN = 'dt';

/**
 * Log fields the dataset leaves out, and why. They stay in the Glue table (and so in Athena) for
 * anyone who queries it directly.
 */
export const OMITTED_FIELDS: Readonly<Record<string, string>> = {
  authorizerClaimsProperty: 'a documentation placeholder kept by the format for compatibility; never filled',
  authorizerProperty: 'a documentation placeholder kept by the format for compatibility; never filled',
  requestTime: 'text in CLF form; the dataset offers requestdatetime, a real timestamp, instead',
  requestTimeEpoch: 'a number of milliseconds; the dataset offers requestdatetime, a real timestamp, instead',
};

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Columns the dataset computes from their Glue column: rows written before HTTP and WebSocket
 * support have no apiKind, and every one of them is a REST request.
 */
const COMPUTED: Readonly<Record<string, (name: string) => string>> = {
  apikind: (name) => `COALESCE(${ident(name)}, 'REST')`,
};

function fromField(field: LogField): DatasetColumn {
  const name = field.key.toLowerCase();
  const sql = COMPUTED[name]?.(name) ?? ident(name);
  return { name, type: field.type === 'string' ? 'STRING' : 'INTEGER', sql, description: field.description, field };
}

export const REQUEST_TIME_COLUMN = 'requestdatetime';
export const LOG_DATE_COLUMN = 'logdate';
/** The raw dataset's hour partition as a timestamp: the raw-requests sheet's window filters on it. */
export const LOG_HOUR_COLUMN = 'loghour';
export const HOUR_PARTITION_COLUMN = 'hour';

/** `logdate`: the `dt` partition as a date, in every dataset (the date control filters all of them). */
export const LOG_DATE: DatasetColumn = {
  name: LOG_DATE_COLUMN,
  type: 'DATETIME',
  sql: `date_parse(${ident(PARTITION_COLUMN)}, '%Y-%m-%d')`,
  description: 'day of the request (UTC), the dt partition: filter on it to keep Athena scans small',
  reads: [],
};

/**
 * Columns the controls filter on that are computed from other columns, so that every dataset that
 * has their inputs declares them with the same name and type: a filter applied to all datasets
 * matches a dataset's column by name and type, and a calculated field belongs to one dataset only.
 */
export const DERIVED = {
  /**
   * The route as API Gateway matched it: method plus resource path template on REST APIs (not the
   * raw path), the route key on HTTP APIs ("GET /pets/{id}") and WebSocket APIs ("$connect").
   */
  route: {
    name: 'route',
    type: 'STRING',
    sql: `CASE WHEN "resourcepath" IS NOT NULL THEN concat("httpmethod", ' ', "resourcepath") WHEN "routekey" IS NOT NULL THEN "routekey" ELSE '(no matching resource)' END`,
    description: 'method and resource path (REST), or route key (HTTP, WebSocket)',
    reads: ['httpmethod', 'resourcepath', 'routekey'],
  },
  statusCode: { name: 'statuscode', type: 'STRING', sql: 'CAST("status" AS varchar)', description: 'the status as text', reads: ['status'] },
  /** The customer, or else the API key's name, or else its id: who a request is billed to. */
  consumer: {
    name: 'consumer',
    type: 'STRING',
    sql: 'COALESCE("customerid", "apikeyname", "identityapikeyid")',
    description: 'customer, else API key name, else API key id',
    reads: ['customerid', 'apikeyname', 'identityapikeyid'],
  },
  /** The authenticated caller: IAM principal ARN, Cognito user (sub), or Lambda authorizer principal. */
  caller: {
    name: 'caller',
    type: 'STRING',
    sql: 'COALESCE("identityuserarn", "sub", "authorizerprincipalid")',
    description: 'IAM principal ARN, else Cognito sub, else Lambda authorizer principal',
    reads: ['identityuserarn', 'sub', 'authorizerprincipalid'],
  },
} as const satisfies Record<string, DatasetColumn>;

/** Every column the dataset declares, in order. */
export const DATASET_COLUMNS: readonly DatasetColumn[] = [
  ...RECORD_FIELDS.filter((f) => !(f.key in OMITTED_FIELDS)).map(fromField),
  {
    name: REQUEST_TIME_COLUMN,
    type: 'DATETIME',
    // from_unixtime gives a timestamp with time zone (UTC in Athena); QuickSight reads plain timestamps.
    sql: `CAST(from_unixtime(${ident('requesttimeepoch')} / 1e3) AS timestamp)`,
    description: 'request time (UTC), from requestTimeEpoch',
    reads: ['requesttimeepoch'],
  },
  LOG_DATE,
  {
    name: LOG_HOUR_COLUMN,
    type: 'DATETIME',
    sql: `date_parse(concat(${ident(PARTITION_COLUMN)}, ' ', ${ident(HOUR_PARTITION_COLUMN)}), '%Y-%m-%d %H')`,
    description: 'hour of the request (UTC), the dt and hour partitions: the raw-requests window filters on it',
    reads: [],
  },
  DERIVED.route,
  DERIVED.statusCode,
  DERIVED.consumer,
  DERIVED.caller,
];

const BY_NAME = new Map(DATASET_COLUMNS.map((c) => [c.name, c]));

export function datasetColumn(name: string): DatasetColumn | undefined {
  return BY_NAME.get(name);
}

/** `SELECT <columns> FROM "<database>"."<table>"`, each column under its own name. */
export function selectSql(columns: readonly DatasetColumn[], database: string, table: string): string {
  const select = columns.map((c) => (c.sql === ident(c.name) ? `  ${c.sql}` : `  ${c.sql} AS ${ident(c.name)}`)).join(',\n');
  return `SELECT\n${select}\nFROM ${ident(database)}.${ident(table)}`;
}

/**
 * The custom SQL of the dataset. `database` and `table` are CloudFormation `Fn::Sub` references
 * (`${GlueDatabase}`), or literal names for a preview; the SQL has no other `${`.
 */
export function datasetSql(database: string, table: string): string {
  return selectSql(DATASET_COLUMNS, database, table);
}

/**
 * Field folders, so the dataset is easy to find one's way in when the dashboard is saved as an
 * analysis and customised. Every column is in exactly one folder (the tests hold this).
 */
export const FIELD_FOLDERS: Readonly<Record<string, { description: string; columns: readonly string[] }>> = {
  Request: {
    description: 'what was called, when, and what it returned',
    columns: [
      REQUEST_TIME_COLUMN,
      LOG_DATE_COLUMN,
      LOG_HOUR_COLUMN,
      'apikind',
      'apiid',
      'stage',
      'domainname',
      'domainprefix',
      'httpmethod',
      'resourcepath',
      'routekey',
      DERIVED.route.name,
      'path',
      'status',
      DERIVED.statusCode.name,
      'protocol',
      'responselength',
      'requestid',
      'extendedrequestid',
      'accountid',
      'integrationstatus',
    ],
  },
  Errors: { description: 'gateway and integration errors, WAF decisions', columns: ['errormessage', 'errorresponsetype', 'integrationerror', 'wafresponsecode', 'webaclarn'] },
  Latency: {
    description: 'milliseconds',
    columns: ['responselatency', 'integrationlatency', 'authorizerlatency', 'authorizerintegrationlatency', 'authorizelatency'],
  },
  Caller: {
    description: 'who called: IP, user agent, IAM and Cognito identities',
    columns: [
      DERIVED.caller.name,
      'ip',
      'identityuseragent',
      'identityuserarn',
      'identityuser',
      'identitycaller',
      'identityaccountid',
      'identityprincipalorgid',
      'identitycognitoidentityid',
      'identitycognitoidentitypoolid',
      'identitycognitoauthenticationtype',
      'identitycognitoauthenticationprovider',
      'sub',
      'clientid',
      'aud',
      'cognitoclientid',
    ],
  },
  Authorization: {
    description: 'authorizer and IAM authorization outcomes',
    columns: [
      'authorizerprincipalid',
      'authorizeerror',
      'authorizestatus',
      'authorizererror',
      'authorizerstatus',
      'authorizerintegrationstatus',
    ],
  },
  Consumer: {
    description: 'API key and usage plan (added by the enrichment Lambda)',
    columns: [DERIVED.consumer.name, 'identityapikeyid', 'apikeyname', 'customerid', 'usageplanid', 'usageplanname'],
  },
  WebSocket: {
    description: 'WebSocket APIs only: the connection, its events and messages',
    columns: ['connectionid', 'connectedat', 'eventtype', 'messageid'],
  },
};
