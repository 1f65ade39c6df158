/**
 * The hourly rollups fragment: two Parquet tables Athena fills, and one EventBridge Scheduler
 * schedule each that, at minute 30 of every UTC hour, starts the Athena query adding the previous
 * hour's rows: `access_logs_hourly` (src/core/rollup.ts, under rollups/hourly/dt=/) and
 * `access_logs_top_hourly` (src/core/top-values.ts, under rollups/top-hourly/dt=/). No server of
 * ours: each schedule calls Athena's StartQueryExecution through Scheduler's universal target
 * (`arn:aws:scheduler:::aws-sdk:athena:startQueryExecution`, whose `Input` is the API's request
 * parameters as JSON: https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html;
 * QueryString, WorkGroup and QueryExecutionContext.Database as in
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html; no
 * ClientRequestToken, which the SDK Scheduler calls with generates: a fixed one would make every
 * later run return the first run's query), as a role that may run those queries and nothing else.
 *
 * Both run at the same minute, so both tables count the same delivered files of an hour; two
 * queries an hour are far under Athena's concurrent-query quota.
 *
 * The INSERT INTO ... SELECT of each (https://docs.aws.amazon.com/athena/latest/ug/insert-into.html:
 * any SELECT) uses a NOT EXISTS subquery on its own target, and the top values a window function;
 * Athena engine 3 runs Trino's SELECT (subqueries: https://trino.io/docs/current/sql/select.html,
 * window functions: https://trino.io/docs/current/functions/window.html;
 * https://docs.aws.amazon.com/athena/latest/ug/engine-versions-reference-0003.html).
 */
import { BUCKET_PREFIXES } from '../core/outputs.js';
import { TOOL } from '../core/names.js';
import { ROLLUP_MINUTE, ROLLUP_PREFIX, ROLLUP_TABLE_NAME, rollupColumns, rollupInsertSql } from '../core/rollup.js';
import { TOP_VALUES_PREFIX, TOP_VALUES_TABLE_NAME, topValuesColumns, topValuesInsertSql } from '../core/top-values.js';
import { AWS_ACCOUNT_ID, getAtt, join, policyDocument, projectTags, ref, sub } from './intrinsics.js';
import { LOG_BUCKET_ARN, LOG_BUCKET_NAME } from './log-bucket.js';
import { PARQUET_STORAGE } from './glue.js';
import { GLUE_TABLE_NAME } from './pipeline.js';
import { LOGICAL_IDS, PARAMETERS, type CfnResource, type CfnValue, type TemplateFragment } from './types.js';

export const ROLLUP_IDS = {
  table: 'RollupTable',
  role: 'RollupSchedulerRole',
  schedule: 'RollupSchedule',
  topValuesTable: 'TopValuesTable',
  topValuesSchedule: 'TopValuesSchedule',
} as const;

const bucketArn = LOG_BUCKET_ARN;
const objects = (prefix: string): CfnValue => join('', [bucketArn, `/${prefix}*`]);
const arn = (service: string, resource: string): CfnValue => sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
const database = `\${${LOGICAL_IDS.glueDatabase}}`;

/** One table Athena fills and the schedule that fills it. */
interface Refreshed {
  tableId: string;
  scheduleId: string;
  /** Schedule name suffix after `<tool>-<project>-`. */
  scheduleSuffix: string;
  name: string;
  prefix: string;
  columns: Array<{ name: string; type: string }>;
  description: string;
  insertSql: string;
}

const REFRESHED: readonly Refreshed[] = [
  {
    tableId: ROLLUP_IDS.table,
    scheduleId: ROLLUP_IDS.schedule,
    scheduleSuffix: 'rollup',
    name: ROLLUP_TABLE_NAME,
    prefix: ROLLUP_PREFIX,
    columns: rollupColumns(),
    description: 'Requests per UTC hour and dimension, with cumulative latency histograms; refreshed hourly by the RollupSchedule query.',
    insertSql: rollupInsertSql(database, GLUE_TABLE_NAME),
  },
  {
    tableId: ROLLUP_IDS.topValuesTable,
    scheduleId: ROLLUP_IDS.topValuesSchedule,
    scheduleSuffix: 'top-values',
    name: TOP_VALUES_TABLE_NAME,
    prefix: TOP_VALUES_PREFIX,
    columns: topValuesColumns(),
    description: 'The busiest client IPs, user agents, WAF-blocked IPs, Cognito users and IAM callers per UTC hour, API and stage; refreshed hourly by the TopValuesSchedule query.',
    insertSql: topValuesInsertSql(database, GLUE_TABLE_NAME),
  },
];

function table(r: Refreshed): CfnResource {
  return {
    Type: 'AWS::Glue::Table',
    Properties: {
      CatalogId: AWS_ACCOUNT_ID,
      DatabaseName: ref(LOGICAL_IDS.glueDatabase),
      TableInput: {
        Name: r.name,
        Description: r.description,
        TableType: 'EXTERNAL_TABLE',
        // Partitions are registered by the INSERT itself (no projection): Athena adds the dt it writes.
        Parameters: { classification: 'parquet', 'parquet.compression': 'SNAPPY' },
        PartitionKeys: [{ Name: 'dt', Type: 'string', Comment: 'UTC day of the hour (yyyy-MM-dd)' }],
        StorageDescriptor: {
          Columns: r.columns.map((c) => ({ Name: c.name, Type: c.type })),
          Location: join('', ['s3://', LOG_BUCKET_NAME, `/${r.prefix}`]),
          ...PARQUET_STORAGE,
        },
      },
    },
  };
}

/**
 * Athena runs the queries as the caller, here Scheduler with this role: start them in our
 * workgroup, read the Parquet table and the two rollups, write the rollups' files and register
 * their partitions, and write the queries' results to the workgroup's prefix.
 */
function role(): CfnResource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: 'EventBridge Scheduler: run the hourly rollup queries in the stack\'s Athena workgroup.',
      AssumeRolePolicyDocument: policyDocument({
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        // Only schedules of this account (Scheduler's confused-deputy guidance).
        Condition: { StringEquals: { 'aws:SourceAccount': AWS_ACCOUNT_ID } },
      }),
      Policies: [
        {
          PolicyName: 'hourly-rollups',
          PolicyDocument: policyDocument(
            { Sid: 'StartQuery', Effect: 'Allow', Action: ['athena:StartQueryExecution', 'athena:GetQueryExecution'], Resource: arn('athena', `workgroup/\${${LOGICAL_IDS.athenaWorkGroup}}`) },
            {
              Sid: 'Tables',
              Effect: 'Allow',
              Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchCreatePartition', 'glue:CreatePartition'],
              Resource: [
                arn('glue', 'catalog'),
                arn('glue', `database/${database}`),
                arn('glue', `table/${database}/${GLUE_TABLE_NAME}`),
                ...REFRESHED.map((r) => arn('glue', `table/${database}/${r.name}`)),
              ],
            },
            { Sid: 'Bucket', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: bucketArn },
            { Sid: 'ReadLogs', Effect: 'Allow', Action: 's3:GetObject', Resource: objects(BUCKET_PREFIXES.parquetLogs) },
            {
              Sid: 'WriteRollupsAndResults',
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
              Resource: [...REFRESHED.map((r) => objects(r.prefix)), objects(BUCKET_PREFIXES.athenaResults)],
            },
          ),
        },
      ],
      Tags: projectTags(),
    },
  };
}

/** Scheduler retries a failed start for this long at most: 25 minutes, so a retry of the minute-30 run starts within its hour. */
export const RETRY_WINDOW_SECONDS = (60 - ROLLUP_MINUTE - 5) * 60;

/**
 * A schedule at minute ROLLUP_MINUTE of every UTC hour. A failed start (Athena throttling, say) is
 * retried for 25 minutes at most, so every attempt starts before the hour ends and the query's
 * "previous hour" is still the one meant; the query itself never doubles an hour.
 */
function schedule(r: Refreshed): CfnResource {
  const input = JSON.stringify({
    QueryString: r.insertSql,
    WorkGroup: `\${${LOGICAL_IDS.athenaWorkGroup}}`,
    QueryExecutionContext: { Database: database },
  });
  return {
    Type: 'AWS::Scheduler::Schedule',
    Properties: {
      Name: sub(`${TOOL}-\${${PARAMETERS.projectName}}-${r.scheduleSuffix}`),
      Description: `Adds the previous UTC hour to the ${r.name} table (Athena INSERT INTO).`,
      ScheduleExpression: `cron(${ROLLUP_MINUTE} * * * ? *)`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: sub('arn:${AWS::Partition}:scheduler:::aws-sdk:athena:startQueryExecution'),
        RoleArn: getAtt(ROLLUP_IDS.role, 'Arn'),
        Input: sub(input),
        RetryPolicy: { MaximumEventAgeInSeconds: RETRY_WINDOW_SECONDS, MaximumRetryAttempts: 5 },
      },
    },
    // The query names the tables by their literal names: they must exist before the first run.
    DependsOn: [r.tableId, LOGICAL_IDS.glueTable],
  };
}

export function rollupFragment(): TemplateFragment {
  return {
    Resources: {
      ...Object.fromEntries(REFRESHED.map((r) => [r.tableId, table(r)])),
      [ROLLUP_IDS.role]: role(),
      ...Object.fromEntries(REFRESHED.map((r) => [r.scheduleId, schedule(r)])),
    },
  };
}
