/**
 * The contract between the stack template and the CLI: the Output keys the template declares and
 * the CLI reads (from DescribeStacks) to find every resource of an installation. The template
 * builder declares exactly these; tests hold both sides to this list.
 */
export const OUTPUT_KEYS = {
  /** The stack's template version (the CLI version that generated it). */
  templateVersion: 'TemplateVersion',
  projectName: 'ProjectName',
  bucketName: 'LogBucketName',
  bucketArn: 'LogBucketArn',
  deliveryStreamName: 'DeliveryStreamName',
  deliveryStreamArn: 'DeliveryStreamArn',
  enrichmentFunctionName: 'EnrichmentFunctionName',
  enrichmentFunctionArn: 'EnrichmentFunctionArn',
  glueDatabaseName: 'GlueDatabaseName',
  glueTableName: 'GlueTableName',
  athenaWorkGroupName: 'AthenaWorkGroupName',
  /** Where HTTP and WebSocket stages send access logs (absent on stacks from before the bridge). */
  accessLogGroupArn: 'AccessLogGroupArn',
  /** Empty when deployed without the dashboard. */
  dataSourceId: 'QuickSightDataSourceId',
  dataSetId: 'QuickSightDataSetId',
  dashboardId: 'QuickSightDashboardId',
  dashboardUrl: 'QuickSightDashboardUrl',
} as const;

export type OutputKey = (typeof OUTPUT_KEYS)[keyof typeof OUTPUT_KEYS];

/** S3 key prefixes inside the log bucket. */
export const BUCKET_PREFIXES = {
  /** Delivered records: logs/dt=yyyy-MM-dd/ */
  logs: 'logs/',
  /** Firehose failures: errors/<error-output-type>/yyyy/MM/dd/ */
  errors: 'errors/',
  /** Delivered records in the columnar layout: logs/parquet/dt=yyyy-MM-dd/hour=HH/ (inside logs/, so one lifecycle rule and one read grant cover both layouts). */
  parquetLogs: 'logs/parquet/',
  /** The hourly rollup table's files (rollups/hourly/dt=yyyy-MM-dd/). */
  rollups: 'rollups/',
  /** Athena query results. */
  athenaResults: 'athena-results/',
  /** Per connected stage, its previous access-log settings (written before the stage is patched). */
  state: '_state/',
} as const;
