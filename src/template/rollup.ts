/**
 * The hourly rollup fragment: the `access_logs_hourly` table (Parquet under rollups/hourly/dt=/),
 * and an EventBridge Scheduler schedule that, at minute 30 of every hour, starts the Athena query
 * that adds the previous hour's rows (src/core/rollup.ts). No server of ours: the schedule calls
 * Athena's StartQueryExecution through Scheduler's universal target
 * (`arn:aws:scheduler:::aws-sdk:athena:startQueryExecution`,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html), as a role
 * that may run that query and nothing else.
 *
 * Not read by the dashboard yet: its visuals are direct queries on `access_logs`. The table is
 * there to query (and for the dashboard's rollup datasets, docs/dashboard/reads.md).
 */
import { BUCKET_PREFIXES } from '../core/outputs.js';
import { TOOL } from '../core/names.js';
import { ROLLUP_MINUTE, ROLLUP_PREFIX, ROLLUP_TABLE_NAME, rollupColumns, rollupInsertSql } from '../core/rollup.js';
import { AWS_ACCOUNT_ID, getAtt, join, policyDocument, projectTags, ref, sub } from './intrinsics.js';
import { LOG_BUCKET_ARN, LOG_BUCKET_NAME } from './log-bucket.js';
import { PARQUET_STORAGE } from './glue.js';
import { GLUE_TABLE_NAME } from './pipeline.js';
import { LOGICAL_IDS, PARAMETERS, type CfnResource, type CfnValue, type TemplateFragment } from './types.js';

export const ROLLUP_IDS = {
  table: 'RollupTable',
  role: 'RollupSchedulerRole',
  schedule: 'RollupSchedule',
} as const;

/** The Parquet table name the rollup reads (the pipeline's GLUE_TABLE_NAME; not imported, to keep the fragments apart). */

const bucketArn = LOG_BUCKET_ARN;
const objects = (prefix: string): CfnValue => join('', [bucketArn, `/${prefix}*`]);
const arn = (service: string, resource: string): CfnValue => sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
const database = `\${${LOGICAL_IDS.glueDatabase}}`;

function table(): CfnResource {
  return {
    Type: 'AWS::Glue::Table',
    Properties: {
      CatalogId: AWS_ACCOUNT_ID,
      DatabaseName: ref(LOGICAL_IDS.glueDatabase),
      TableInput: {
        Name: ROLLUP_TABLE_NAME,
        Description: 'Requests per UTC hour and dimension, with cumulative latency histograms; refreshed hourly by the RollupSchedule query.',
        TableType: 'EXTERNAL_TABLE',
        // Partitions are registered by the INSERT itself (no projection): Athena adds the dt it writes.
        Parameters: { classification: 'parquet', 'parquet.compression': 'SNAPPY' },
        PartitionKeys: [{ Name: 'dt', Type: 'string', Comment: 'UTC day of the hour (yyyy-MM-dd)' }],
        StorageDescriptor: {
          Columns: rollupColumns().map((c) => ({ Name: c.name, Type: c.type })),
          Location: join('', ['s3://', LOG_BUCKET_NAME, `/${ROLLUP_PREFIX}`]),
          ...PARQUET_STORAGE,
        },
      },
    },
  };
}

/**
 * Athena runs the query as the caller, here Scheduler with this role: start it in our workgroup,
 * read the Parquet table and the rollup, write the rollup's files and register its partitions, and
 * write the query's results to the workgroup's prefix.
 */
function role(): CfnResource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: 'EventBridge Scheduler: run the hourly rollup query in the stack\'s Athena workgroup.',
      AssumeRolePolicyDocument: policyDocument({
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        // Only schedules of this account (Scheduler's confused-deputy guidance).
        Condition: { StringEquals: { 'aws:SourceAccount': AWS_ACCOUNT_ID } },
      }),
      Policies: [
        {
          PolicyName: 'hourly-rollup',
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
                arn('glue', `table/${database}/${ROLLUP_TABLE_NAME}`),
              ],
            },
            { Sid: 'Bucket', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: bucketArn },
            { Sid: 'ReadLogs', Effect: 'Allow', Action: 's3:GetObject', Resource: objects(BUCKET_PREFIXES.parquetLogs) },
            {
              Sid: 'WriteRollupAndResults',
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
              Resource: [objects(ROLLUP_PREFIX), objects(BUCKET_PREFIXES.athenaResults)],
            },
          ),
        },
      ],
      Tags: projectTags(),
    },
  };
}

function schedule(): CfnResource {
  const input = JSON.stringify({
    QueryString: rollupInsertSql(database, GLUE_TABLE_NAME),
    WorkGroup: `\${${LOGICAL_IDS.athenaWorkGroup}}`,
    QueryExecutionContext: { Database: database },
  });
  return {
    Type: 'AWS::Scheduler::Schedule',
    Properties: {
      Name: sub(`${TOOL}-\${${PARAMETERS.projectName}}-rollup`),
      Description: 'Adds the previous UTC hour to the access_logs_hourly table (Athena INSERT INTO).',
      ScheduleExpression: `cron(${ROLLUP_MINUTE} * * * ? *)`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: sub('arn:${AWS::Partition}:scheduler:::aws-sdk:athena:startQueryExecution'),
        RoleArn: getAtt(ROLLUP_IDS.role, 'Arn'),
        Input: sub(input),
        // A failed start is retried for up to an hour; the query itself never doubles an hour.
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 5 },
      },
    },
    // The query names the table by its literal name: the table must exist before the first run.
    DependsOn: [ROLLUP_IDS.table, LOGICAL_IDS.glueTable],
  };
}

export function rollupFragment(): TemplateFragment {
  return {
    Resources: {
      [ROLLUP_IDS.table]: table(),
      [ROLLUP_IDS.role]: role(),
      [ROLLUP_IDS.schedule]: schedule(),
    },
  };
}
