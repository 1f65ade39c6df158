/**
 * The QuickSight resources of the stack: the data source's run-as role, the Athena data source, the
 * three datasets (raw, hourly rollup, hourly top values), the rollup datasets' SPICE refresh
 * schedules and the dashboard. Every one carries the `QuickSightEnabled` condition, so an empty
 * principal (`--no-dashboard`) deploys the pipeline alone.
 */
import { BUCKET_PREFIXES } from '../../core/outputs.js';
import { join, projectTags } from '../intrinsics.js';
import { LOG_BUCKET_ARN } from '../log-bucket.js';
import { ROLLUP_IDS } from '../rollup.js';
import { LOGICAL_IDS, PARAMETERS, type CfnResource, type CfnValue } from '../types.js';
import { LOG_DATE_COLUMN } from './columns.js';
import { DATASETS, datasetSqlOf, type DatasetId } from './datasets.js';
import { buildDashboard } from './definition/dashboard.js';
import { QS_CONDITIONS, QS_IDS, QS_LOGICAL_IDS, QS_PARAMETERS } from './names.js';
import { DASHBOARD_OWNER_ACTIONS, DATA_SET_OWNER_ACTIONS, DATA_SOURCE_OWNER_ACTIONS, ownerPermissions } from './permissions.js';

const ref = (name: string): CfnValue => ({ Ref: name });
const getAtt = (id: string, attr: string): CfnValue => ({ 'Fn::GetAtt': [id, attr] });
const sub = (text: string): CfnValue => ({ 'Fn::Sub': text });
const principal = ref(QS_PARAMETERS.principalArn);
const accountId = ref('AWS::AccountId');
const projectName = `\${${PARAMETERS.projectName}}`;

/** The Athena data catalog QuickSight queries through (the Glue Data Catalog). */
export const DATA_CATALOG = 'AwsDataCatalog';

const ARNS = {
  workGroup: sub(`arn:\${AWS::Partition}:athena:\${AWS::Region}:\${AWS::AccountId}:workgroup/\${${LOGICAL_IDS.athenaWorkGroup}}`),
  dataCatalog: sub(`arn:\${AWS::Partition}:athena:\${AWS::Region}:\${AWS::AccountId}:datacatalog/${DATA_CATALOG}`),
  glueCatalog: sub('arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog'),
  glueDatabase: sub(`arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:database/\${${LOGICAL_IDS.glueDatabase}}`),
  // Every table of our own database: Athena's metadata listing (GetTables) needs the wildcard form.
  glueTables: sub(`arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:table/\${${LOGICAL_IDS.glueDatabase}}/*`),
  bucket: LOG_BUCKET_ARN,
  logObjects: join('', [LOG_BUCKET_ARN, `/${BUCKET_PREFIXES.logs}*`]),
  rollupObjects: join('', [LOG_BUCKET_ARN, `/${BUCKET_PREFIXES.rollups}*`]),
  resultObjects: join('', [LOG_BUCKET_ARN, `/${BUCKET_PREFIXES.athenaResults}*`]),
};

/**
 * The data source's own role ("run-as role"): QuickSight assumes it for every query of this data
 * source, so nobody has to tick the bucket in QuickSight's account-wide security settings, and the
 * account-wide QuickSight role gets nothing. It can read the log and rollup objects, run queries in
 * our workgroup on our tables, and write that workgroup's results, and nothing else.
 */
export function dataSourceRole(): CfnResource {
  return {
    Type: 'AWS::IAM::Role',
    Condition: QS_CONDITIONS.enabled,
    Properties: {
      Description: sub(`QuickSight runs the Athena queries of the ${projectName} access-log dashboard as this role`),
      // No aws:SourceAccount / aws:SourceArn condition: QuickSight does not document setting them
      // when it assumes a run-as role, and a condition on a key the service does not send denies
      // every assumption (docs/iam.md, "The QuickSight data source's run-as role").
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'quicksight.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: 'athena-access-logs-read',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'AthenaListCatalogs',
                Effect: 'Allow',
                // QuickSight lists the account's catalogs when it connects; the call has no resource to scope it to.
                Action: 'athena:ListDataCatalogs',
                Resource: '*',
              },
              {
                Sid: 'AthenaCatalog',
                Effect: 'Allow',
                Action: ['athena:GetDataCatalog', 'athena:ListDatabases', 'athena:GetDatabase', 'athena:ListTableMetadata', 'athena:GetTableMetadata'],
                Resource: ARNS.dataCatalog,
              },
              {
                Sid: 'AthenaQueries',
                Effect: 'Allow',
                Action: [
                  'athena:GetWorkGroup',
                  'athena:StartQueryExecution',
                  'athena:StopQueryExecution',
                  'athena:GetQueryExecution',
                  'athena:BatchGetQueryExecution',
                  'athena:GetQueryResults',
                  'athena:GetQueryResultsStream',
                ],
                Resource: ARNS.workGroup,
              },
              {
                Sid: 'GlueTable',
                Effect: 'Allow',
                Action: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
                Resource: [ARNS.glueCatalog, ARNS.glueDatabase, ARNS.glueTables],
              },
              {
                Sid: 'BucketListing',
                Effect: 'Allow',
                Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
                Resource: ARNS.bucket,
                Condition: { StringLike: { 's3:prefix': [BUCKET_PREFIXES.logs, BUCKET_PREFIXES.rollups, BUCKET_PREFIXES.athenaResults].flatMap((p) => [p, `${p}*`]) } },
              },
              { Sid: 'BucketLocation', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: ARNS.bucket },
              // The raw table (logs/) and the rollup tables the aggregate visuals read (rollups/).
              { Sid: 'ReadLogs', Effect: 'Allow', Action: 's3:GetObject', Resource: [ARNS.logObjects, ARNS.rollupObjects] },
              {
                Sid: 'QueryResults',
                Effect: 'Allow',
                Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
                Resource: ARNS.resultObjects,
              },
            ],
          },
        },
      ],
      Tags: projectTags(),
    },
  };
}

export function dataSource(): CfnResource {
  return {
    Type: 'AWS::QuickSight::DataSource',
    Condition: QS_CONDITIONS.enabled,
    Properties: {
      AwsAccountId: accountId,
      DataSourceId: QS_IDS.dataSource,
      Name: sub(`API Gateway access logs (${projectName})`),
      Type: 'ATHENA',
      DataSourceParameters: {
        AthenaParameters: { WorkGroup: ref(LOGICAL_IDS.athenaWorkGroup), RoleArn: getAtt(QS_LOGICAL_IDS.dataSourceRole, 'Arn') },
      },
      SslProperties: { DisableSsl: false },
      Permissions: ownerPermissions(principal, DATA_SOURCE_OWNER_ACTIONS),
      Tags: projectTags(),
    },
  };
}

/**
 * How each dataset is named, what Glue table its SQL reads (a `${...}` reference where the stack
 * creates the table, so CloudFormation creates it first), and how it is imported: the raw dataset is
 * always a direct query (a narrow window of a table that can hold billions of rows a day, more than
 * SPICE holds), the rollup datasets follow `QuickSightImportMode`.
 */
const DATASET_RESOURCES: Record<DatasetId, { logicalId: string; dataSetId: CfnValue; name: string; physical: string; table: string; spice: boolean }> = {
  logs: { logicalId: QS_LOGICAL_IDS.dataSet, dataSetId: QS_IDS.dataSet, name: 'API Gateway access logs', physical: 'access-logs', table: `\${${LOGICAL_IDS.glueTable}}`, spice: false },
  hourly: {
    logicalId: QS_LOGICAL_IDS.hourlyDataSet,
    dataSetId: QS_IDS.hourlyDataSet,
    name: 'API Gateway access logs, hourly rollup',
    physical: 'access-logs-hourly',
    table: `\${${ROLLUP_IDS.table}}`,
    spice: true,
  },
  top: {
    logicalId: QS_LOGICAL_IDS.topDataSet,
    dataSetId: QS_IDS.topDataSet,
    name: 'API Gateway access logs, hourly top values',
    physical: 'access-logs-top-hourly',
    table: `\${${ROLLUP_IDS.topValuesTable}}`,
    spice: true,
  },
};

/** The refresh properties of a SPICE dataset: each incremental refresh re-reads the last day (by `logdate`). */
const spiceRefreshProperties = (): CfnValue => ({
  'Fn::If': [
    QS_CONDITIONS.spice,
    { RefreshConfiguration: { IncrementalRefresh: { LookbackWindow: { ColumnName: LOG_DATE_COLUMN, Size: 1, SizeUnit: 'DAY' } } } },
    ref('AWS::NoValue'),
  ],
});

export function dataSet(dataset: DatasetId): CfnResource {
  const r = DATASET_RESOURCES[dataset];
  const spec = DATASETS[dataset];
  return {
    Type: 'AWS::QuickSight::DataSet',
    Condition: QS_CONDITIONS.enabled,
    Properties: {
      AwsAccountId: accountId,
      DataSetId: r.dataSetId,
      Name: sub(`${r.name} (${projectName})`),
      ImportMode: r.spice ? ref(QS_PARAMETERS.importMode) : 'DIRECT_QUERY',
      PhysicalTableMap: {
        [r.physical]: {
          CustomSql: {
            DataSourceArn: getAtt(QS_LOGICAL_IDS.dataSource, 'Arn'),
            Name: r.physical.replace(/-/g, ' '),
            SqlQuery: sub(datasetSqlOf(dataset, `\${${LOGICAL_IDS.glueDatabase}}`, r.table)),
            Columns: spec.columns.map((c) => ({ Name: c.name, Type: c.type })),
          },
        },
      },
      FieldFolders: Object.fromEntries(Object.entries(spec.folders).map(([folder, f]) => [folder, { Description: f.description, Columns: [...f.columns] }])),
      ...(r.spice ? { DataSetRefreshProperties: spiceRefreshProperties() } : {}),
      // Do not hold a stack operation until a SPICE import finishes; the schedules keep it fresh.
      IngestionWaitPolicy: { WaitForSpiceIngestion: false },
      Permissions: ownerPermissions(principal, DATA_SET_OWNER_ACTIONS),
      Tags: projectTags(),
    },
  };
}

/** The three datasets, by logical id. */
export function dataSets(): Record<string, CfnResource> {
  return Object.fromEntries((Object.keys(DATASET_RESOURCES) as DatasetId[]).map((d) => [DATASET_RESOURCES[d].logicalId, dataSet(d)]));
}

/**
 * SPICE refreshes of the rollup datasets: incremental every hour (the last day again; the rollups
 * gain an hour at minute 30 of each UTC hour), and a full one weekly so SPICE forgets what the
 * bucket's lifecycle has expired.
 */
export function refreshSchedules(): Record<string, CfnResource> {
  const schedule = (dataset: DatasetId, scheduleId: string, refreshType: string, frequency: CfnValue): CfnResource => ({
    Type: 'AWS::QuickSight::RefreshSchedule',
    Condition: QS_CONDITIONS.spice,
    DependsOn: [DATASET_RESOURCES[dataset].logicalId],
    Properties: {
      AwsAccountId: accountId,
      DataSetId: DATASET_RESOURCES[dataset].dataSetId,
      Schedule: { ScheduleId: scheduleId, RefreshType: refreshType, ScheduleFrequency: frequency },
    },
  });
  const hourly: CfnValue = { Interval: 'HOURLY', TimeZone: 'UTC' };
  const weekly: CfnValue = { Interval: 'WEEKLY', RefreshOnDay: { DayOfWeek: 'SUNDAY' }, TimeOfTheDay: '03:00', TimeZone: 'UTC' };
  return {
    [QS_LOGICAL_IDS.hourlyIncrementalRefresh]: schedule('hourly', 'hourly-incremental', 'INCREMENTAL_REFRESH', hourly),
    [QS_LOGICAL_IDS.hourlyFullRefresh]: schedule('hourly', 'weekly-full', 'FULL_REFRESH', weekly),
    [QS_LOGICAL_IDS.topIncrementalRefresh]: schedule('top', 'hourly-incremental', 'INCREMENTAL_REFRESH', hourly),
    [QS_LOGICAL_IDS.topFullRefresh]: schedule('top', 'weekly-full', 'FULL_REFRESH', weekly),
  };
}

export function dashboard(): CfnResource {
  const { definition } = buildDashboard();
  return {
    Type: 'AWS::QuickSight::Dashboard',
    Condition: QS_CONDITIONS.enabled,
    Properties: {
      AwsAccountId: accountId,
      DashboardId: QS_IDS.dashboard,
      Name: sub(`API Gateway access logs (${projectName})`),
      Definition: {
        ...definition,
        DataSetIdentifierDeclarations: (Object.keys(DATASET_RESOURCES) as DatasetId[]).map((Identifier) => ({
          Identifier,
          DataSetArn: getAtt(DATASET_RESOURCES[Identifier].logicalId, 'Arn'),
        })),
      },
      Permissions: ownerPermissions(principal, DASHBOARD_OWNER_ACTIONS),
      DashboardPublishOptions: {
        AdHocFilteringOption: { AvailabilityStatus: 'ENABLED' },
        ExportToCSVOption: { AvailabilityStatus: 'ENABLED' },
        SheetControlsOption: { VisibilityState: 'EXPANDED' },
      },
      // Fail the stack on a definition error instead of publishing a broken dashboard.
      ValidationStrategy: { Mode: 'STRICT' },
      Tags: projectTags(),
    },
  };
}
