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

/** QuickSight input column types used by this dataset. */
export type DatasetColumnType = 'STRING' | 'INTEGER' | 'DATETIME';

export interface DatasetColumn {
  name: string;
  type: DatasetColumnType;
  /** The SQL expression that produces it (a quoted Glue column, or a computed value). */
  sql: string;
  description: string;
  /** The log field it comes from, when it is one. */
  field?: LogField;
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

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

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

/** Every column the dataset declares, in order. */
export const DATASET_COLUMNS: readonly DatasetColumn[] = [
  ...RECORD_FIELDS.filter((f) => !(f.key in OMITTED_FIELDS)).map(fromField),
  {
    name: REQUEST_TIME_COLUMN,
    type: 'DATETIME',
    // from_unixtime gives a timestamp with time zone (UTC in Athena); QuickSight reads plain timestamps.
    sql: `CAST(from_unixtime(${ident('requesttimeepoch')} / 1e3) AS timestamp)`,
    description: 'request time (UTC), from requestTimeEpoch',
  },
  {
    name: LOG_DATE_COLUMN,
    type: 'DATETIME',
    sql: `date_parse(${ident(PARTITION_COLUMN)}, '%Y-%m-%d')`,
    description: 'day of the request (UTC), the dt partition: filter on it to keep Athena scans small',
  },
];

const BY_NAME = new Map(DATASET_COLUMNS.map((c) => [c.name, c]));

export function datasetColumn(name: string): DatasetColumn | undefined {
  return BY_NAME.get(name);
}

/**
 * The custom SQL of the dataset. `database` and `table` are CloudFormation `Fn::Sub` references
 * (`${GlueDatabase}`), or literal names for a preview; the SQL has no other `${`.
 */
export function datasetSql(database: string, table: string): string {
  const select = DATASET_COLUMNS.map((c) => (c.sql === ident(c.name) ? `  ${c.sql}` : `  ${c.sql} AS ${ident(c.name)}`)).join(',\n');
  return `SELECT\n${select}\nFROM ${ident(database)}.${ident(table)}`;
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
      'apikind',
      'apiid',
      'stage',
      'domainname',
      'domainprefix',
      'httpmethod',
      'resourcepath',
      'routekey',
      'path',
      'status',
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
    columns: ['identityapikeyid', 'apikeyname', 'customerid', 'usageplanid', 'usageplanname'],
  },
  WebSocket: {
    description: 'WebSocket APIs only: the connection, its events and messages',
    columns: ['connectionid', 'connectedat', 'eventtype', 'messageid'],
  },
};
