/** The hourly rollups in the committed template: their tables, the schedules that fill them, and the schedules' role. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rollupColumns, ROLLUP_MINUTE, ROLLUP_TABLE_NAME } from '../../src/core/rollup.js';
import { TOP_VALUES_TABLE_NAME, topValuesColumns } from '../../src/core/top-values.js';
import { RETRY_WINDOW_SECONDS, ROLLUP_IDS } from '../../src/template/rollup.js';
import { TEMPLATE_PATH } from '../../src/template/stack.js';
import { glueDatabaseName } from '../../src/template/pipeline.js';
import { LOGICAL_IDS, type CfnTemplate } from '../../src/template/types.js';
import { evaluateString, type EvalContext } from '../helpers/cfn-eval.js';

const template = JSON.parse(readFileSync(new URL(`../../${TEMPLATE_PATH}`, import.meta.url), 'utf8')) as CfnTemplate;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const props = (id: string): any => template.Resources[id]?.Properties ?? expect.fail(`no resource ${id}`);
const ctx: EvalContext = {
  parameters: { ProjectName: 'shop-api', ExistingLogBucket: '' },
  conditions: template.Conditions ?? {},
  resources: { LogBucket: 'shop-logs-bucket', GlueDatabase: glueDatabaseName('shop-api'), AthenaWorkGroup: 'apigw-log-analytics-shop-api', GlueTable: 'access_logs' },
};

describe('the hourly rollup', () => {
  it('is a Parquet table of the rollup columns, partitioned by day, under rollups/hourly/', () => {
    const input = props(ROLLUP_IDS.table).TableInput;
    expect(input.Name).toBe(ROLLUP_TABLE_NAME);
    expect(input.StorageDescriptor.Columns).toEqual(rollupColumns().map((c) => ({ Name: c.name, Type: c.type })));
    expect(input.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' })]);
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(evaluateString(input.StorageDescriptor.Location, ctx)).toBe('s3://shop-logs-bucket/rollups/hourly/');
    // INSERT INTO registers the partitions it writes; projection would ignore them.
    expect(input.Parameters['projection.enabled']).toBeUndefined();
  });

  it('is refreshed at minute 30 of every UTC hour by Athena StartQueryExecution, through Scheduler\'s universal target', () => {
    const s = props(ROLLUP_IDS.schedule);
    expect([s.ScheduleExpression, s.ScheduleExpressionTimezone, s.FlexibleTimeWindow, s.State]).toEqual([`cron(${ROLLUP_MINUTE} * * * ? *)`, 'UTC', { Mode: 'OFF' }, 'ENABLED']);
    expect(evaluateString(s.Target.Arn, { ...ctx, partition: 'aws' } as EvalContext)).toBe('arn:aws:scheduler:::aws-sdk:athena:startQueryExecution');
    expect(s.Target.RoleArn).toEqual({ 'Fn::GetAtt': [ROLLUP_IDS.role, 'Arn'] });
    const input = JSON.parse(evaluateString(s.Target.Input, ctx)) as { QueryString: string; WorkGroup: string; QueryExecutionContext: { Database: string } };
    expect(input.WorkGroup).toBe('apigw-log-analytics-shop-api');
    expect(input.QueryExecutionContext).toEqual({ Database: 'apigw_log_analytics_shop_api' });
    expect(input.QueryString).toMatch(/^INSERT INTO "apigw_log_analytics_shop_api"\."access_logs_hourly"\nSELECT/);
    // It reads one hour of partitions, and never writes an hour twice.
    expect(input.QueryString).toContain(`FROM "apigw_log_analytics_shop_api"."access_logs"\nWHERE dt = `);
    expect(input.QueryString).toContain("AND hour = date_format(date_trunc('hour', current_timestamp - interval '1' hour), '%H')");
    expect(input.QueryString).toMatch(/AND NOT EXISTS \(SELECT 1 FROM "apigw_log_analytics_shop_api"\."access_logs_hourly" done WHERE done\.dt = .* AND done\.hour_ms = /);
    // Partition column last, as Athena's INSERT INTO requires.
    expect(input.QueryString).toMatch(/ AS dt\nFROM /);
    expect(template.Resources[ROLLUP_IDS.schedule]?.DependsOn).toEqual([ROLLUP_IDS.table, LOGICAL_IDS.glueTable]);
    // A retry of a failed start still begins inside the hour of the scheduled run.
    expect(s.Target.RetryPolicy.MaximumEventAgeInSeconds).toBe(RETRY_WINDOW_SECONDS);
    expect(ROLLUP_MINUTE * 60 + RETRY_WINDOW_SECONDS).toBeLessThan(3600);
  });

  it('keeps the top values in a Parquet table of their columns, partitioned by day, under rollups/top-hourly/', () => {
    const input = props(ROLLUP_IDS.topValuesTable).TableInput;
    expect(input.Name).toBe(TOP_VALUES_TABLE_NAME);
    expect(input.StorageDescriptor.Columns).toEqual(topValuesColumns().map((c) => ({ Name: c.name, Type: c.type })));
    expect(input.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' })]);
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(evaluateString(input.StorageDescriptor.Location, ctx)).toBe('s3://shop-logs-bucket/rollups/top-hourly/');
    expect(input.Parameters['projection.enabled']).toBeUndefined();
  });

  it('refreshes the top values at the same minute, with their own query and the same role', () => {
    const s = props(ROLLUP_IDS.topValuesSchedule);
    const r = props(ROLLUP_IDS.schedule);
    expect([s.ScheduleExpression, s.ScheduleExpressionTimezone, s.FlexibleTimeWindow, s.State]).toEqual([r.ScheduleExpression, 'UTC', { Mode: 'OFF' }, 'ENABLED']);
    expect(evaluateString(s.Name, ctx)).toBe('apigw-log-analytics-shop-api-top-values');
    expect(s.Target.Arn).toEqual(r.Target.Arn);
    expect(s.Target.RoleArn).toEqual(r.Target.RoleArn);
    expect(s.Target.RetryPolicy).toEqual(r.Target.RetryPolicy);
    const input = JSON.parse(evaluateString(s.Target.Input, ctx)) as { QueryString: string; WorkGroup: string; QueryExecutionContext: { Database: string } };
    expect([input.WorkGroup, input.QueryExecutionContext]).toEqual(['apigw-log-analytics-shop-api', { Database: 'apigw_log_analytics_shop_api' }]);
    expect(input.QueryString).toMatch(/^INSERT INTO "apigw_log_analytics_shop_api"\."access_logs_top_hourly"\nSELECT hour_ms, /);
    expect(input.QueryString).toContain('FROM "apigw_log_analytics_shop_api"."access_logs" CROSS JOIN (VALUES');
    expect(input.QueryString).toContain('NOT EXISTS (SELECT 1 FROM "apigw_log_analytics_shop_api"."access_logs_top_hourly" done WHERE done.dt = ');
    expect(template.Resources[ROLLUP_IDS.topValuesSchedule]?.DependsOn).toEqual([ROLLUP_IDS.topValuesTable, LOGICAL_IDS.glueTable]);
  });

  it('runs as a role Scheduler of this account only may assume, that reads the logs and writes only the two rollups and query results', () => {
    const role = props(ROLLUP_IDS.role);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } },
    ]);
    const st = role.Policies[0].PolicyDocument.Statement as Array<{ Sid: string; Action: string | string[]; Resource: unknown }>;
    const resolved = Object.fromEntries(st.map((s) => [s.Sid, [s.Action, (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => evaluateString(r, { ...ctx, region: 'us-east-1', accountId: '123456789012' } as EvalContext))]]));
    expect(resolved.StartQuery?.[1]).toEqual(['arn:aws:athena:us-east-1:123456789012:workgroup/apigw-log-analytics-shop-api']);
    expect(resolved.ReadLogs).toEqual(['s3:GetObject', ['arn:shop-logs-bucket/logs/parquet/*']]);
    expect(resolved.WriteRollupsAndResults?.[1]).toEqual(['arn:shop-logs-bucket/rollups/hourly/*', 'arn:shop-logs-bucket/rollups/top-hourly/*', 'arn:shop-logs-bucket/athena-results/*']);
    const table = (name: string): string => `arn:aws:glue:us-east-1:123456789012:table/apigw_log_analytics_shop_api/${name}`;
    expect(resolved.Tables?.[1]).toEqual([
      'arn:aws:glue:us-east-1:123456789012:catalog',
      'arn:aws:glue:us-east-1:123456789012:database/apigw_log_analytics_shop_api',
      table('access_logs'),
      table(ROLLUP_TABLE_NAME),
      table(TOP_VALUES_TABLE_NAME),
    ]);
    // Both schedules use it, and nothing else does.
    const users = Object.entries(template.Resources).filter(([, r]) => JSON.stringify(r).includes(`"${ROLLUP_IDS.role}"`)).map(([id]) => id);
    expect(users.sort()).toEqual([ROLLUP_IDS.schedule, ROLLUP_IDS.topValuesSchedule].sort());
  });
});
