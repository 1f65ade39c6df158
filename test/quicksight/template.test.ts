/**
 * The QuickSight part of the committed template: valid against the CloudFormation specification
 * (the Dashboard Definition included), off when the principal is empty, ids from the project
 * name, owner rights for the principal, a least-privilege run-as role, and a dataset whose columns
 * are the Glue table's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTPUT_KEYS } from '../../src/core/outputs.js';
import { TAG_PROJECT } from '../../src/core/names.js';
import { DATASET_COLUMNS, FIELD_FOLDERS, LOG_DATE_COLUMN, OMITTED_FIELDS, PARTITION_COLUMN } from '../../src/template/quicksight/columns.js';
import { buildDashboard } from '../../src/template/quicksight/definition/dashboard.js';
import { PRINCIPAL_ARN_PATTERN, quickSightFragment, quickSightIds, QS_CONDITIONS, QS_LOGICAL_IDS, QS_PARAMETERS } from '../../src/template/quicksight/index.js';
import { DASHBOARD_OWNER_ACTIONS, DATA_SET_OWNER_ACTIONS, DATA_SOURCE_OWNER_ACTIONS } from '../../src/template/quicksight/permissions.js';
import { handlerActions } from '../../src/core/iam/handler-permissions.js';
import { RECORD_FIELDS } from '../../src/core/log-format.js';
import { TEMPLATE_PATH } from '../../src/template/stack.js';
import { LOGICAL_IDS, PARAMETERS, type CfnTemplate } from '../../src/template/types.js';
import { evaluateString, type EvalContext } from '../helpers/cfn-eval.js';
import { formatIssues, validateResource, validateTemplate } from '../helpers/cfn-spec.js';

const template = JSON.parse(readFileSync(new URL(`../../${TEMPLATE_PATH}`, import.meta.url), 'utf8')) as CfnTemplate;
const fragment = quickSightFragment();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const props = (id: string): any => template.Resources[id]?.Properties ?? {};
const ctx = (project = 'shop-api'): EvalContext => ({
  parameters: { ProjectName: project, ExistingLogBucket: '', [QS_PARAMETERS.principalArn]: 'arn:aws:quicksight:us-east-1:123456789012:group/default/shop-api-Admins' },
  resources: { LogBucket: 'shop-logs-bucket', GlueDatabase: 'apigw_shop_api', GlueTable: 'access_logs', RollupTable: 'access_logs_hourly', TopValuesTable: 'access_logs_top_hourly', AthenaWorkGroup: 'apigw-log-analytics-shop-api' },
  conditions: template.Conditions ?? {},
});

describe('the QuickSight part of the stack', () => {
  it('is in the committed template, which passes the property-by-property specification check', () => {
    for (const id of Object.keys(fragment.Resources)) expect(template.Resources[id], id).toEqual(fragment.Resources[id]);
    const issues = validateTemplate(template);
    expect(formatIssues(issues)).toBe('');
    expect(formatIssues(issues, 'warning')).toBe('');
  });

  it('checks the Dashboard Definition against the specification on its own too', () => {
    const issues = validateResource('AWS::QuickSight::Dashboard', props(QS_LOGICAL_IDS.dashboard));
    expect(formatIssues(issues)).toBe('');
    // The checker does look inside the definition: an unknown property deep in a visual is reported.
    const broken = structuredClone(props(QS_LOGICAL_IDS.dashboard));
    broken.Definition.Sheets[0].Visuals[0].KPIVisual.ChartConfiguration.KPIOptions.Sparkline.Shape = 'AREA';
    expect(formatIssues(validateResource('AWS::QuickSight::Dashboard', broken))).toContain('Sparkline.Shape');
  });

  it('carries the typed definition, with the dataset ARN from the dataset resource', () => {
    const { definition } = buildDashboard();
    expect(props(QS_LOGICAL_IDS.dashboard).Definition).toEqual({
      ...definition,
      DataSetIdentifierDeclarations: [
        { Identifier: 'logs', DataSetArn: { 'Fn::GetAtt': [QS_LOGICAL_IDS.dataSet, 'Arn'] } },
        { Identifier: 'hourly', DataSetArn: { 'Fn::GetAtt': [QS_LOGICAL_IDS.hourlyDataSet, 'Arn'] } },
        { Identifier: 'top', DataSetArn: { 'Fn::GetAtt': [QS_LOGICAL_IDS.topDataSet, 'Arn'] } },
      ],
    });
  });

  it('is entirely switched off by an empty principal (--no-dashboard), and SPICE refreshes only with SPICE', () => {
    expect(template.Conditions?.[QS_CONDITIONS.enabled]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: QS_PARAMETERS.principalArn }, ''] }] });
    expect(template.Conditions?.[QS_CONDITIONS.spice]).toEqual({
      'Fn::And': [{ Condition: QS_CONDITIONS.enabled }, { 'Fn::Equals': [{ Ref: QS_PARAMETERS.importMode }, 'SPICE'] }],
    });
    for (const [id, r] of Object.entries(fragment.Resources)) {
      const expected = r.Type === 'AWS::QuickSight::RefreshSchedule' ? QS_CONDITIONS.spice : QS_CONDITIONS.enabled;
      expect(template.Resources[id]?.Condition, id).toBe(expected);
    }
    // Nothing outside the fragment refers to a QuickSight resource (it would break when they are absent).
    const others = Object.entries(template.Resources).filter(([id]) => !(id in fragment.Resources));
    for (const [id, r] of others) for (const qs of Object.keys(fragment.Resources)) expect(JSON.stringify(r), id).not.toContain(`"${qs}"`);
    expect(template.Parameters?.[QS_PARAMETERS.principalArn]?.Default).toBe('');
    expect(template.Parameters?.[QS_PARAMETERS.importMode]).toMatchObject({ Default: 'DIRECT_QUERY', AllowedValues: ['DIRECT_QUERY', 'SPICE'] });
  });

  it('accepts QuickSight user and group ARNs in the identity region (and empty), nothing else', () => {
    const re = new RegExp(PRINCIPAL_ARN_PATTERN);
    for (const ok of [
      '',
      'arn:aws:quicksight:us-east-1:123456789012:group/default/shop-Admins',
      'arn:aws:quicksight:eu-west-1:123456789012:user/default/Admin/jane',
      'arn:aws-cn:quicksight:cn-north-1:123456789012:user/default/jane',
    ])
      expect(re.test(ok), ok).toBe(true);
    for (const bad of ['shop-Admins', 'arn:aws:iam::123456789012:role/Admin', 'arn:aws:quicksight:us-east-1:123456789012:dashboard/x', 'arn:aws:quicksight:us-east-1:1234:group/default/x'])
      expect(re.test(bad), bad).toBe(false);
  });

  it('derives every QuickSight id from the project name, so two installations never collide', () => {
    for (const project of ['shop', 'orders-api']) {
      const ids = quickSightIds(project);
      expect(evaluateString(props(QS_LOGICAL_IDS.dataSource).DataSourceId, ctx(project))).toBe(ids.dataSource);
      expect(evaluateString(props(QS_LOGICAL_IDS.dataSet).DataSetId, ctx(project))).toBe(ids.dataSet);
      expect(evaluateString(props(QS_LOGICAL_IDS.hourlyDataSet).DataSetId, ctx(project))).toBe(ids.hourlyDataSet);
      expect(evaluateString(props(QS_LOGICAL_IDS.topDataSet).DataSetId, ctx(project))).toBe(ids.topDataSet);
      expect(evaluateString(props(QS_LOGICAL_IDS.dashboard).DashboardId, ctx(project))).toBe(ids.dashboard);
      for (const id of [QS_LOGICAL_IDS.hourlyIncrementalRefresh, QS_LOGICAL_IDS.hourlyFullRefresh]) expect(evaluateString(props(id).DataSetId, ctx(project))).toBe(ids.hourlyDataSet);
      for (const id of [QS_LOGICAL_IDS.topIncrementalRefresh, QS_LOGICAL_IDS.topFullRefresh]) expect(evaluateString(props(id).DataSetId, ctx(project))).toBe(ids.topDataSet);
    }
    expect(quickSightIds('shop')).toEqual({
      dataSource: 'shop-athena',
      dataSet: 'shop-access-logs',
      hourlyDataSet: 'shop-hourly-access-logs',
      topDataSet: 'shop-top-access-logs',
      dashboard: 'shop-dashboard',
    });
    // The deploying policy's dataset ARN pattern (src/core/iam/arns.ts) covers all three.
    for (const id of Object.values(quickSightIds('shop')).filter((x) => x.includes('access-logs'))) expect(id).toMatch(/-access-logs$/);
  });

  it('gives the principal owner rights on the data source, the dataset and the dashboard', () => {
    const principal = { Ref: PARAMETERS.quickSightPrincipalArn };
    expect(props(QS_LOGICAL_IDS.dataSource).Permissions).toEqual([{ Principal: principal, Actions: DATA_SOURCE_OWNER_ACTIONS }]);
    for (const id of [QS_LOGICAL_IDS.dataSet, QS_LOGICAL_IDS.hourlyDataSet, QS_LOGICAL_IDS.topDataSet]) expect(props(id).Permissions, id).toEqual([{ Principal: principal, Actions: DATA_SET_OWNER_ACTIONS }]);
    expect(props(QS_LOGICAL_IDS.dashboard).Permissions).toEqual([{ Principal: principal, Actions: DASHBOARD_OWNER_ACTIONS }]);
    // The owner can save the dashboard as an analysis only with UpdateDashboard and the dataset's PassDataSet.
    expect(DASHBOARD_OWNER_ACTIONS).toEqual(expect.arrayContaining(['quicksight:UpdateDashboard', 'quicksight:UpdateDashboardPermissions', 'quicksight:QueryDashboard']));
    expect(DATA_SET_OWNER_ACTIONS).toContain('quicksight:PassDataSet');
    expect(props(QS_LOGICAL_IDS.dashboard).DashboardPublishOptions).toMatchObject({
      AdHocFilteringOption: { AvailabilityStatus: 'ENABLED' },
      ExportToCSVOption: { AvailabilityStatus: 'ENABLED' },
      SheetControlsOption: { VisibilityState: 'EXPANDED' },
    });
  });

  it('lets the SPICE owner see and manage the refresh schedules and refresh properties the stack creates (the console\'s current dataset owner set)', () => {
    const owner = new Set(props(QS_LOGICAL_IDS.dataSet).Permissions[0].Actions as string[]);
    // Everything CloudFormation itself calls on the schedules, the owner can call too.
    const scheduleActions = handlerActions('AWS::QuickSight::RefreshSchedule');
    expect(scheduleActions.length).toBeGreaterThanOrEqual(4);
    const refreshProperties = ['quicksight:PutDataSetRefreshProperties', 'quicksight:DescribeDataSetRefreshProperties', 'quicksight:DeleteDataSetRefreshProperties'];
    for (const a of [...scheduleActions, 'quicksight:ListRefreshSchedules', ...refreshProperties]) expect(owner.has(a), a).toBe(true);
    // The console's owner set has 18 actions (hashicorp/terraform-provider-aws#33907), without duplicates.
    expect(DATA_SET_OWNER_ACTIONS).toHaveLength(18);
    expect(new Set(DATA_SET_OWNER_ACTIONS).size).toBe(18);
    // The schedules exist only with SPICE, on the rollup datasets this permission set is on.
    for (const [id, ds] of [
      [QS_LOGICAL_IDS.hourlyIncrementalRefresh, QS_LOGICAL_IDS.hourlyDataSet],
      [QS_LOGICAL_IDS.hourlyFullRefresh, QS_LOGICAL_IDS.hourlyDataSet],
      [QS_LOGICAL_IDS.topIncrementalRefresh, QS_LOGICAL_IDS.topDataSet],
      [QS_LOGICAL_IDS.topFullRefresh, QS_LOGICAL_IDS.topDataSet],
    ] as const) {
      expect(template.Resources[id]?.Condition).toBe(QS_CONDITIONS.spice);
      expect(props(id).DataSetId).toEqual(props(ds).DataSetId);
    }
  });

  it('outputs the ids and the dashboard URL, only when QuickSight is deployed', () => {
    const o = template.Outputs ?? {};
    for (const key of [OUTPUT_KEYS.dataSourceId, OUTPUT_KEYS.dataSetId, OUTPUT_KEYS.dashboardId, OUTPUT_KEYS.dashboardUrl]) expect(o[key]?.Condition, key).toBe(QS_CONDITIONS.enabled);
    expect(evaluateString(o[OUTPUT_KEYS.dashboardUrl]?.Value, { ...ctx('shop'), pseudo: { 'AWS::Region': 'eu-west-1' } })).toBe(
      'https://eu-west-1.quicksight.aws.amazon.com/sn/dashboards/shop-dashboard',
    );
    expect(evaluateString(o[OUTPUT_KEYS.dashboardId]?.Value, ctx('shop'))).toBe('shop-dashboard');
  });

  it('tags every QuickSight resource that takes tags with the project', () => {
    for (const id of [QS_LOGICAL_IDS.dataSourceRole, QS_LOGICAL_IDS.dataSource, QS_LOGICAL_IDS.dataSet, QS_LOGICAL_IDS.hourlyDataSet, QS_LOGICAL_IDS.topDataSet, QS_LOGICAL_IDS.dashboard]) {
      expect(props(id).Tags, id).toContainEqual({ Key: TAG_PROJECT, Value: { Ref: PARAMETERS.projectName } });
    }
  });
});

describe('the data source', () => {
  it('is Athena on our workgroup, over TLS, running as its own role', () => {
    expect(props(QS_LOGICAL_IDS.dataSource)).toMatchObject({
      Type: 'ATHENA',
      DataSourceParameters: { AthenaParameters: { WorkGroup: { Ref: LOGICAL_IDS.athenaWorkGroup }, RoleArn: { 'Fn::GetAtt': [QS_LOGICAL_IDS.dataSourceRole, 'Arn'] } } },
      SslProperties: { DisableSsl: false },
    });
  });

  describe('run-as role', () => {
    const role = props(QS_LOGICAL_IDS.dataSourceRole);
    interface Statement {
      Sid: string;
      Effect: string;
      Action: string | string[];
      Resource: unknown;
      Condition?: unknown;
    }
    const statements: Statement[] = role.Policies.flatMap((p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement);
    const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
    const resolved = (s: Statement) => list(s.Resource).map((r) => (r === '*' ? '*' : evaluateString(r, ctx())));
    const grants = (action: string) => statements.filter((s) => list(s.Action).includes(action)).flatMap(resolved);

    it('can be assumed by QuickSight only, and has no managed policy', () => {
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'quicksight.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.RoleName).toBeUndefined();
    });

    it('allows only reads and queries: no wildcard action, no write outside athena-results/', () => {
      for (const s of statements) {
        expect(s.Effect).toBe('Allow');
        for (const a of list(s.Action)) {
          expect(a, s.Sid).not.toContain('*');
          expect(a, s.Sid).toMatch(/^(athena|glue|s3):(Get|List|Batch|Start|Stop|Put|Abort)/);
        }
      }
      expect(grants('s3:PutObject')).toEqual(['arn:shop-logs-bucket/athena-results/*']);
      expect(grants('s3:AbortMultipartUpload')).toEqual(['arn:shop-logs-bucket/athena-results/*']);
      expect(grants('s3:GetObject').sort()).toEqual(['arn:shop-logs-bucket/athena-results/*', 'arn:shop-logs-bucket/logs/*', 'arn:shop-logs-bucket/rollups/*']);
    });

    it('names a resource everywhere but the one list call that has none', () => {
      const wildcard = statements.filter((s) => list(s.Resource).includes('*'));
      expect(wildcard.map((s) => s.Action)).toEqual(['athena:ListDataCatalogs']);
    });

    it('queries only in our workgroup, reads only our Glue database, lists only logs/, rollups/ and athena-results/', () => {
      expect(grants('athena:StartQueryExecution')).toEqual(['arn:aws:athena:us-east-1:123456789012:workgroup/apigw-log-analytics-shop-api']);
      expect(grants('athena:GetTableMetadata')).toEqual(['arn:aws:athena:us-east-1:123456789012:datacatalog/AwsDataCatalog']);
      expect(grants('glue:GetTable')).toEqual([
        'arn:aws:glue:us-east-1:123456789012:catalog',
        'arn:aws:glue:us-east-1:123456789012:database/apigw_shop_api',
        'arn:aws:glue:us-east-1:123456789012:table/apigw_shop_api/*',
      ]);
      const listing = statements.find((s) => list(s.Action).includes('s3:ListBucket'))!;
      expect(resolved(listing)).toEqual(['arn:shop-logs-bucket']);
      expect(listing.Condition).toEqual({ StringLike: { 's3:prefix': ['logs/', 'logs/*', 'rollups/', 'rollups/*', 'athena-results/', 'athena-results/*'] } });
      expect(grants('glue:CreateTable')).toEqual([]);
      expect(grants('s3:DeleteObject')).toEqual([]);
    });
  });
});

describe('the dataset', () => {
  const ds = props(QS_LOGICAL_IDS.dataSet);
  const physical = ds.PhysicalTableMap['access-logs'].CustomSql;
  const sql = evaluateString(physical.SqlQuery, ctx());
  const glueTable = props(LOGICAL_IDS.glueTable).TableInput;
  const glueType = new Map<string, string>(
    [...glueTable.StorageDescriptor.Columns, ...glueTable.PartitionKeys].map((c: { Name: string; Type: string }) => [c.Name, c.Type]),
  );

  it('reads the Glue table of this stack, after it exists', () => {
    expect(sql).toMatch(/FROM "apigw_shop_api"\."access_logs"$/);
    // `${GlueTable}` in the query is what makes CloudFormation create the table first; a DependsOn
    // on it as well would be redundant (cfn-lint W3005, and test/template/cfn-eval.test.ts).
    expect(physical.SqlQuery['Fn::Sub']).toContain(`\${${LOGICAL_IDS.glueTable}}`);
    expect(template.Resources[QS_LOGICAL_IDS.dataSet]?.DependsOn).toBeUndefined();
    expect(physical.DataSourceArn).toEqual({ 'Fn::GetAtt': [QS_LOGICAL_IDS.dataSource, 'Arn'] });
    // The raw dataset is always a direct query (a narrow window of a table too big for SPICE); the rollups follow the parameter.
    expect(ds.ImportMode).toBe('DIRECT_QUERY');
    expect(ds.DataSetRefreshProperties).toBeUndefined();
    for (const id of [QS_LOGICAL_IDS.hourlyDataSet, QS_LOGICAL_IDS.topDataSet]) expect(props(id).ImportMode, id).toEqual({ Ref: QS_PARAMETERS.importMode });
  });

  it('declares each Glue column it selects with the matching type', () => {
    for (const c of DATASET_COLUMNS.filter((x) => x.field)) {
      const type = glueType.get(c.name);
      expect(type, c.name).toBeDefined();
      expect([c.name, c.type]).toEqual([c.name, type === 'string' ? 'STRING' : 'INTEGER']);
      expect(sql).toContain(`"${c.name}"`);
    }
    expect(physical.Columns).toEqual(DATASET_COLUMNS.map((c) => ({ Name: c.name, Type: c.type })));
  });

  it('takes every record field but the placeholders and the raw time forms, and computes the two times', () => {
    const selected = new Set(DATASET_COLUMNS.map((c) => c.name));
    for (const f of RECORD_FIELDS) expect([f.key, selected.has(f.key.toLowerCase())]).toEqual([f.key, !(f.key in OMITTED_FIELDS)]);
    expect(sql).toContain(`CAST(from_unixtime("requesttimeepoch" / 1e3) AS timestamp) AS "requestdatetime"`);
    expect(sql).toContain(`date_parse("${PARTITION_COLUMN}", '%Y-%m-%d') AS "${LOG_DATE_COLUMN}"`);
    expect(glueType.get(PARTITION_COLUMN)).toBe('string');
    expect(glueTable.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual([PARTITION_COLUMN, 'hour']);
  });

  it('files every column in exactly one field folder', () => {
    const filed = Object.values(FIELD_FOLDERS).flatMap((f) => [...f.columns]);
    expect([...filed].sort()).toEqual(DATASET_COLUMNS.map((c) => c.name).sort());
    expect(ds.FieldFolders.Latency.Columns).toContain('responselatency');
  });

  it('with SPICE, refreshes the rollup datasets hourly (the last day again) and fully once a week', () => {
    for (const [ds, incremental, full] of [
      [QS_LOGICAL_IDS.hourlyDataSet, QS_LOGICAL_IDS.hourlyIncrementalRefresh, QS_LOGICAL_IDS.hourlyFullRefresh],
      [QS_LOGICAL_IDS.topDataSet, QS_LOGICAL_IDS.topIncrementalRefresh, QS_LOGICAL_IDS.topFullRefresh],
    ] as const) {
      expect(props(ds).DataSetRefreshProperties).toEqual({
        'Fn::If': [QS_CONDITIONS.spice, { RefreshConfiguration: { IncrementalRefresh: { LookbackWindow: { ColumnName: LOG_DATE_COLUMN, Size: 1, SizeUnit: 'DAY' } } } }, { Ref: 'AWS::NoValue' }],
      });
      expect(props(incremental).Schedule).toEqual({ ScheduleId: 'hourly-incremental', RefreshType: 'INCREMENTAL_REFRESH', ScheduleFrequency: { Interval: 'HOURLY', TimeZone: 'UTC' } });
      expect(props(full).Schedule).toMatchObject({ RefreshType: 'FULL_REFRESH', ScheduleFrequency: { Interval: 'WEEKLY', RefreshOnDay: { DayOfWeek: 'SUNDAY' } } });
      for (const id of [incremental, full]) expect(template.Resources[id]?.DependsOn).toEqual([ds]);
      expect(props(ds).IngestionWaitPolicy).toEqual({ WaitForSpiceIngestion: false });
    }
  });
});

describe('the rollup datasets', () => {
  const sqlOf = (id: string) => evaluateString(Object.values(props(id).PhysicalTableMap as Record<string, { CustomSql: { SqlQuery: unknown } }>)[0]!.CustomSql.SqlQuery, ctx());
  const glueColumns = (tableInput: { StorageDescriptor: { Columns: Array<{ Name: string; Type: string }> } }) => new Map(tableInput.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]));

  it('read the rollup table the stack builds, after it exists, declaring its columns with matching types', () => {
    expect(sqlOf(QS_LOGICAL_IDS.hourlyDataSet)).toMatch(/FROM "apigw_shop_api"\."access_logs_hourly"$/);
    expect(JSON.stringify(props(QS_LOGICAL_IDS.hourlyDataSet).PhysicalTableMap)).toContain('${RollupTable}');
    const glue = glueColumns(props('RollupTable').TableInput);
    const declared = props(QS_LOGICAL_IDS.hourlyDataSet).PhysicalTableMap['access-logs-hourly'].CustomSql.Columns as Array<{ Name: string; Type: string }>;
    for (const c of declared.filter((x) => glue.has(x.Name))) expect([c.Name, c.Type]).toEqual([c.Name, glue.get(c.Name) === 'string' ? 'STRING' : 'INTEGER']);
    expect(declared.length).toBeLessThanOrEqual(5000);
  });

  it('give every dataset the request time and day with one name and type, and the top values an ip and a caller column', () => {
    for (const id of [QS_LOGICAL_IDS.dataSet, QS_LOGICAL_IDS.hourlyDataSet, QS_LOGICAL_IDS.topDataSet]) {
      const columns = (Object.values(props(id).PhysicalTableMap)[0] as { CustomSql: { Columns: Array<{ Name: string; Type: string }> } }).CustomSql.Columns;
      expect(columns.filter((c) => c.Name === 'requestdatetime' || c.Name === LOG_DATE_COLUMN), id).toEqual([
        { Name: 'requestdatetime', Type: 'DATETIME' },
        { Name: LOG_DATE_COLUMN, Type: 'DATETIME' },
      ]);
    }
    const top = sqlOf(QS_LOGICAL_IDS.topDataSet);
    expect(top).toMatch(/FROM "apigw_shop_api"\."access_logs_top_hourly"$/);
    expect(JSON.stringify(props(QS_LOGICAL_IDS.topDataSet).PhysicalTableMap)).toContain('${TopValuesTable}');
    expect(top).toContain(`CASE WHEN "kind" IN ('ip', 'waf_blocked_ip') THEN "value" END AS "ip"`);
    expect(sqlOf(QS_LOGICAL_IDS.hourlyDataSet)).toContain(`CAST(from_unixtime("hour_ms" / 1e3) AS timestamp) AS "requestdatetime"`);
  });

  it('file every column in exactly one field folder', () => {
    for (const id of [QS_LOGICAL_IDS.hourlyDataSet, QS_LOGICAL_IDS.topDataSet]) {
      const columns = (Object.values(props(id).PhysicalTableMap)[0] as { CustomSql: { Columns: Array<{ Name: string }> } }).CustomSql.Columns.map((c) => c.Name);
      const filed = Object.values(props(id).FieldFolders as Record<string, { Columns: string[] }>).flatMap((f) => f.Columns);
      expect(filed.sort(), id).toEqual([...columns].sort());
    }
  });
});
