/**
 * The narrowest ARN patterns the real names allow (docs/iam.md): stacks `apigw-log-analytics-<project>`,
 * CloudFormation-generated bucket and role names that start with the stack name, the names the
 * template derives from the project (src/template/), and QuickSight ids `<project>-athena`,
 * `<project>-access-logs`, `<project>-dashboard`, which carry no tool prefix. Shown for the `aws`
 * partition; in China and GovCloud the partition is `aws-cn` / `aws-us-gov`.
 */
import { TOOL } from '../names.js';

export const ARN = {
  stack: `arn:aws:cloudformation:*:*:stack/${TOOL}-*/*`,
  artifactsBucket: `arn:aws:s3:::${TOOL}-artifacts-*`,
  logBucket: `arn:aws:s3:::${TOOL}-*-logbucket-*`,
  stackRoles: `arn:aws:iam::*:role/${TOOL}-*`,
  firehoseLogGroup: 'arn:aws:logs:*:*:log-group:/aws/kinesisfirehose/amazon-apigateway-*',
  lambdaLogGroup: `arn:aws:logs:*:*:log-group:/aws/lambda/${TOOL}-*`,
  /** The HTTP and WebSocket access-log group (src/template/bridge.ts). */
  accessLogGroup: `arn:aws:logs:*:*:log-group:/aws/vendedlogs/${TOOL}/*`,
  deliveryStream: 'arn:aws:firehose:*:*:deliverystream/amazon-apigateway-*',
  function: `arn:aws:lambda:*:*:function:${TOOL}-*`,
  glueCatalog: 'arn:aws:glue:*:*:catalog',
  glueDatabase: 'arn:aws:glue:*:*:database/apigw_log_analytics_*',
  glueTables: 'arn:aws:glue:*:*:table/apigw_log_analytics_*/*',
  athenaWorkGroup: `arn:aws:athena:*:*:workgroup/${TOOL}-*`,
  schedule: `arn:aws:scheduler:*:*:schedule/default/${TOOL}-*`,
  quickSightDataSource: 'arn:aws:quicksight:*:*:datasource/*-athena',
  quickSightDataSet: 'arn:aws:quicksight:*:*:dataset/*-access-logs',
  quickSightRefreshSchedules: 'arn:aws:quicksight:*:*:dataset/*-access-logs/refresh-schedule/*',
  quickSightDashboard: 'arn:aws:quicksight:*:*:dashboard/*-dashboard',
} as const;
