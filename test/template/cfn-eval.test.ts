/**
 * The committed template, evaluated the way CloudFormation evaluates it before it creates
 * anything (test/helpers/cfn-stack-eval.ts), for every parameter set `init` can send: the shortest
 * and longest project names `--project` accepts, the dashboard off / direct query / SPICE, and the
 * aws, aws-cn and aws-us-gov partitions. Then the evaluator itself: each rule it enforces has a
 * case it must reject (issue 11: the Glue name's Fn::Join shape reached CloudFormation because no
 * check of ours looked inside intrinsics).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectNameProblem, stackName } from '../../src/core/names.js';
import { join, ref, split } from '../../src/template/intrinsics.js';
import { glueDatabaseName } from '../../src/template/pipeline.js';
import { defaultGroupName, quickSightIds } from '../../src/template/quicksight/index.js';
import { TEMPLATE_PATH } from '../../src/template/stack.js';
import { evaluateString } from '../helpers/cfn-eval.js';
import { PARTITIONS, evaluateStack, formatProblems, type DeployInput, type Partition, type StackEvaluation } from '../helpers/cfn-stack-eval.js';

const committed = JSON.parse(readFileSync(new URL(`../../${TEMPLATE_PATH}`, import.meta.url), 'utf8')) as Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const copy = (): any => structuredClone(committed);

/** The shortest and longest names `--project` accepts (src/core/names.ts), both with hyphens to split. */
const SHORTEST = 'a-b';
const LONGEST = `p${'-x9'.repeat(10)}z`;
const PARTITION_NAMES: Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];
const DASHBOARD = ['off', 'DIRECT_QUERY', 'SPICE'] as const;
/** A new log bucket, or one an earlier installation of the project kept (issue 13). */
const BUCKET = ['new', 'kept'] as const;

/** What `init` sends: the stack is named after the project, the principal is in the stack's partition. */
function deployInput(project: string, partition: Partition = 'aws', dashboard: (typeof DASHBOARD)[number] = 'DIRECT_QUERY', bucket: (typeof BUCKET)[number] = 'new'): DeployInput {
  const { region } = PARTITIONS[partition];
  const principal = `arn:${partition}:quicksight:${region}:123456789012:group/default/${defaultGroupName(project)}`;
  return {
    partition,
    stackName: stackName(project),
    parameters: {
      ProjectName: project,
      QuickSightPrincipalArn: dashboard === 'off' ? '' : principal,
      ...(dashboard === 'off' ? {} : { QuickSightImportMode: dashboard }),
      // The upgrade's state (both streams) is evaluated too, with the SPICE sets.
      ...(dashboard === 'SPICE' ? { LegacyDeliveryStream: 'kept' } : {}),
      // A bucket an earlier installation kept, at the longest name S3 allows (63 characters).
      ...(bucket === 'kept' ? { ExistingLogBucket: `apigw-log-analytics-${'k'.repeat(20)}-logbucket-a1b2c3d4e5f6` } : {}),
    },
  };
}

const SETS = [SHORTEST, LONGEST].flatMap((project) =>
  PARTITION_NAMES.flatMap((partition) => DASHBOARD.flatMap((dashboard) => BUCKET.map((bucket) => ({ project, partition, dashboard, bucket })))),
);

describe('the committed template, evaluated as CloudFormation would', () => {
  it('uses the shortest and longest project names that --project accepts', () => {
    expect([SHORTEST, LONGEST].map(projectNameProblem)).toEqual([undefined, undefined]);
    expect(LONGEST).toHaveLength(32);
    expect(projectNameProblem(`${LONGEST}a`)).toBeDefined();
    expect(projectNameProblem('ab')).toBeDefined();
  });

  it.each(SETS)('deploys for project "$project", $partition, dashboard $dashboard, $bucket log bucket', ({ project, partition, dashboard, bucket }) => {
    const ev = evaluateStack(committed, deployInput(project, partition, dashboard, bucket));
    expect(formatProblems(ev.problems)).toBe('');
    expect(ev.conditions).toEqual({
      CreateLogBucket: bucket === 'new',
      KeepLegacyDeliveryStream: dashboard === 'SPICE',
      QuickSightEnabled: dashboard !== 'off',
      QuickSightSpice: dashboard === 'SPICE',
    });
    expect(Object.keys(ev.resources).includes('LogBucket')).toBe(bucket === 'new');
  });

  it('creates the QuickSight resources only with the dashboard, and the refresh schedules only with SPICE', () => {
    const ids = (d: (typeof DASHBOARD)[number]) => Object.keys(evaluateStack(committed, deployInput(SHORTEST, 'aws', d)).resources).filter((id) => id.startsWith('QuickSight'));
    expect(ids('off')).toEqual([]);
    const always = ['QuickSightDataSourceRole', 'QuickSightDataSource', 'QuickSightDataSet', 'QuickSightHourlyDataSet', 'QuickSightTopValuesDataSet'];
    expect(ids('DIRECT_QUERY')).toEqual([...always, 'QuickSightDashboard']);
    // SPICE refreshes the rollup datasets only: the raw dataset is always a direct query.
    expect(ids('SPICE')).toEqual([
      ...always,
      'QuickSightHourlyIncrementalRefresh',
      'QuickSightHourlyFullRefresh',
      'QuickSightTopValuesIncrementalRefresh',
      'QuickSightTopValuesFullRefresh',
      'QuickSightDashboard',
    ]);
  });

  it.each([SHORTEST, LONGEST])('names the Glue database "%s" as the CLI does, in a form Athena reads unquoted', (project) => {
    const ev = evaluateStack(committed, deployInput(project));
    expect(ev.resources.GlueDatabase?.physicalId).toBe(glueDatabaseName(project));
    expect(ev.outputs.GlueDatabaseName).toBe(glueDatabaseName(project));
    expect(glueDatabaseName(project)).toMatch(/^[a-z0-9_]+$/);
  });

  it.each(PARTITION_NAMES)('builds every ARN in the %s partition', (partition) => {
    const ev = evaluateStack(committed, deployInput(SHORTEST, partition));
    const arns = JSON.stringify(ev.resources).match(/arn:[a-z-]+:/g) ?? [];
    expect(arns.length).toBeGreaterThan(10);
    expect(new Set(arns)).toEqual(new Set([`arn:${partition}:`]));
  });
});

describe('the streams the Lambda puts records back into, resolved', () => {
  // An HTTP/WebSocket envelope too big for one response goes back into the stream that invoked
  // the function (event.deliveryStreamArn). The function's role must allow that stream: the one
  // the API stages and the CloudWatch Logs subscription deliver to, in every partition.
  it.each(PARTITION_NAMES)('allows PutRecordBatch on the stream the subscription filter and the stages deliver to (%s)', (partition) => {
    const ev = evaluateStack(committed, deployInput(LONGEST, partition));
    const stream = ev.resources.AccessLogStream;
    const filter = Object.values(ev.resources).find((r) => r.Type === 'AWS::Logs::SubscriptionFilter');
    const role = ev.resources.EnrichmentFunctionRole;
    expect(stream && filter && role).toBeTruthy();
    const streamArn = `arn:${partition}:firehose:${PARTITIONS[partition].region}:123456789012:deliverystream/${stream!.physicalId}`;
    expect(filter!.Properties.DestinationArn).toBe(streamArn);
    const statements = (role!.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<{ Sid?: string; Action: unknown; Resource: unknown }> } }>).flatMap((p) => p.PolicyDocument.Statement);
    const reingest = statements.find((st) => st.Sid === 'ReingestOversizedEnvelopes');
    expect([reingest?.Resource].flat()).toContain(streamArn);
    expect(ev.outputs.DeliveryStreamArn ?? streamArn).toBe(streamArn);
  });
});

describe('names at their limits, resolved for the longest project name', () => {
  const ev = evaluateStack(committed, deployInput(LONGEST, 'aws', 'SPICE'));
  const r = (id: string) => ev.resources[id] ?? expect.fail(`no resource ${id}`);
  const ids = quickSightIds(LONGEST);
  // [what, resolved name, AWS's limit]; the patterns are checked by the evaluator (NAME_RULES, schemas).
  const names: Array<[string, string, number]> = [
    ['stack', stackName(LONGEST), 128],
    ['bucket (generated)', r('LogBucket').physicalId, 63],
    ['Firehose stream', r('AccessLogStream').physicalId, 64],
    ['Lambda function', r('EnrichmentFunction').physicalId, 64],
    ['Firehose role (generated)', r('DeliveryStreamRole').physicalId, 64],
    ['Lambda role (generated)', r('EnrichmentFunctionRole').physicalId, 64],
    ['QuickSight role (generated)', r('QuickSightDataSourceRole').physicalId, 64],
    ['Firehose log group', r('DeliveryStreamLogGroup').physicalId, 512],
    ['Lambda log group', r('EnrichmentLogGroup').physicalId, 512],
    ['Glue database', r('GlueDatabase').physicalId, 255],
    ['Glue table', r('GlueTable').physicalId, 255],
    ['Athena workgroup', r('AthenaWorkGroup').physicalId, 128],
    ['QuickSight data source id', String(r('QuickSightDataSource').Properties.DataSourceId), 512],
    ['QuickSight dataset id', String(r('QuickSightDataSet').Properties.DataSetId), 96],
    ['QuickSight dashboard id', String(r('QuickSightDashboard').Properties.DashboardId), 512],
    ['QuickSight dataset name', String(r('QuickSightDataSet').Properties.Name), 128],
    ['QuickSight hourly dataset id', String(r('QuickSightHourlyDataSet').Properties.DataSetId), 96],
    ['QuickSight hourly dataset name', String(r('QuickSightHourlyDataSet').Properties.Name), 128],
    ['QuickSight top-values dataset id', String(r('QuickSightTopValuesDataSet').Properties.DataSetId), 96],
    ['QuickSight top-values dataset name', String(r('QuickSightTopValuesDataSet').Properties.Name), 128],
  ];

  it('passes every check of the evaluator', () => {
    expect(formatProblems(ev.problems)).toBe('');
  });

  it.each(names)('%s "%s" is within %i characters', (_what, name, limit) => {
    expect(name.length).toBeGreaterThan(0);
    expect(name.length).toBeLessThanOrEqual(limit);
  });

  it('resolves the names the CLI derives on its own to the same strings', () => {
    expect(r('AccessLogStream').physicalId).toBe(`amazon-apigateway-${LONGEST}-parquet`);
    expect([ids.dataSource, ids.dataSet, ids.dashboard]).toEqual([
      r('QuickSightDataSource').Properties.DataSourceId,
      r('QuickSightDataSet').Properties.DataSetId,
      r('QuickSightDashboard').Properties.DashboardId,
    ]);
    // The longest Lambda name is one character under Lambda's 64.
    expect(r('EnrichmentFunction').physicalId).toHaveLength(63);
  });
});

/** Problems of the committed template with one change, for the given parameter set. */
function withChange(change: (t: ReturnType<typeof copy>) => void, input = deployInput(SHORTEST)): StackEvaluation['problems'] {
  const t = copy();
  change(t);
  return evaluateStack(t, input).problems;
}
const messages = (problems: StackEvaluation['problems']) => formatProblems(problems);

describe('the evaluator rejects what CloudFormation rejects', () => {
  it("rejects the Glue database name's former shape (a Fn::Split inside Fn::Join's list), naming resource and path", () => {
    const problems = withChange((t) => {
      t.Resources.GlueDatabase.Properties.DatabaseInput.Name = {
        'Fn::Join': ['', ['apigw_log_analytics_', { 'Fn::Join': ['_', [{ 'Fn::Split': ['-', { Ref: 'ProjectName' }] }]] }]],
      };
    });
    expect(messages(problems)).toContain(
      'error: Resources.GlueDatabase.Properties.DatabaseInput.Name.Fn::Join[1][1].Fn::Join[1][0]: an item of the Fn::Join list is itself a list (Fn::Split)',
    );
  });

  it('rejects a Fn::GetAtt of an attribute the resource type does not have', () => {
    const problems = withChange((t) => {
      t.Resources.AccessLogStream.Properties.ExtendedS3DestinationConfiguration.BucketARN = { 'Fn::GetAtt': ['LogBucket', 'BucketArn'] };
    });
    expect(messages(problems)).toMatch(
      /error: Resources\.AccessLogStream\.Properties\.ExtendedS3DestinationConfiguration\.BucketARN\.Fn::GetAtt: AWS::S3::Bucket has no attribute "BucketArn" \(it has .*\bArn\b/,
    );
  });

  it('rejects a Fn::Sub variable that resolves to nothing', () => {
    const problems = withChange((t) => {
      t.Resources.AthenaWorkGroup.Properties.Name = { 'Fn::Sub': 'apigw-log-analytics-${ProjectNmae}' };
    });
    expect(messages(problems)).toContain(
      'error: Resources.AthenaWorkGroup.Properties.Name.Fn::Sub: the Fn::Sub variable ${ProjectNmae} resolves to nothing: "ProjectNmae" is not a parameter, resource or pseudo parameter',
    );
  });

  it('rejects a resolved bucket name over 63 characters (longest project name)', () => {
    const problems = withChange(
      (t) => {
        t.Resources.LogBucket.Properties.BucketName = { 'Fn::Sub': '${AWS::StackName}-access-logs-${AWS::AccountId}' };
      },
      deployInput(LONGEST),
    );
    const bucket = problems.filter((p) => p.path === 'Resources.LogBucket.Properties.BucketName').map((p) => p.message);
    expect(bucket).toEqual([
      `"apigw-log-analytics-${LONGEST}-access-logs-123456789012" is 77 characters, over the maximum 63`,
      `"apigw-log-analytics-${LONGEST}-access-logs-123456789012" is 77 characters, outside 3 to 63 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)`,
    ]);
    // The same name fits for the shortest project, so the check is on the resolved value, not the expression.
    expect(messages(withChange((t) => void (t.Resources.LogBucket.Properties.BucketName = { 'Fn::Sub': '${AWS::StackName}-access-logs-${AWS::AccountId}' })))).toBe('');
  });

  it('flags a DependsOn that a Ref/GetAtt/Sub already implies', () => {
    const problems = withChange((t) => void (t.Resources.QuickSightDataSet.DependsOn = ['GlueTable']));
    expect(messages(problems)).toBe(
      'warning: Resources.QuickSightDataSet.DependsOn: DependsOn "GlueTable" is redundant: a Ref, Fn::GetAtt or Fn::Sub in the properties already makes QuickSightDataSet wait for it',
    );
  });

  it('rejects a DependsOn on a missing resource, or on one its condition leaves out', () => {
    expect(messages(withChange((t) => void (t.Resources.GlueTable.DependsOn = 'GlueDatabse')))).toContain('DependsOn "GlueDatabse" is not a resource of this template');
    const input = deployInput(SHORTEST, 'aws', 'off');
    expect(messages(withChange((t) => void (t.Resources.AthenaWorkGroup.DependsOn = 'QuickSightDataSet'), input))).toContain(
      'error: Resources.AthenaWorkGroup.DependsOn: DependsOn "QuickSightDataSet", which is not created under these parameters',
    );
  });

  it('rejects a dependency cycle', () => {
    const problems = withChange((t) => void (t.Resources.LogBucket.DependsOn = 'LogBucketPolicy'));
    expect(messages(problems)).toContain('dependency cycle: LogBucket -> LogBucketPolicy -> LogBucket');
  });

  it('rejects a Ref to a resource that a false condition leaves out', () => {
    const problems = withChange((t) => {
      t.Resources.AthenaWorkGroup.Properties.Description = { 'Fn::Sub': '${QuickSightDataSource}' };
    }, deployInput(SHORTEST, 'aws', 'off'));
    expect(messages(problems)).toContain('"QuickSightDataSource" is not created under these parameters (its Condition QuickSightEnabled is false)');
  });

  it('rejects parameter values outside the template\'s own constraints', () => {
    const ev = evaluateStack(committed, deployInput(`${LONGEST}a`));
    expect(messages(ev.problems)).toContain(`error: Parameters.ProjectName: "${LONGEST}a" is longer than MaxLength 32`);
    expect(messages(evaluateStack(committed, deployInput('Shop')).problems)).toContain('error: Parameters.ProjectName: "Shop" does not match AllowedPattern');
  });

  it('checks resolved values against the registry schema: enum, pattern, map keys', () => {
    const problems = withChange((t) => {
      t.Resources.AthenaWorkGroup.Properties.State = 'ON';
      t.Resources.EnrichmentFunction.Properties.Environment.Variables['9'] = 'x';
      const map = t.Resources.QuickSightDataSet.Properties.PhysicalTableMap;
      map['access logs'] = map['access-logs'];
      delete map['access-logs'];
    });
    const text = messages(problems);
    expect(text).toContain('error: Resources.AthenaWorkGroup.Properties.State: "ON" is not one of ENABLED, DISABLED');
    expect(text).toContain('error: Resources.EnrichmentFunction.Properties.Environment.Variables.9: the key "9" does not match the pattern');
    expect(text).toContain('error: Resources.QuickSightDataSet.Properties.PhysicalTableMap.access logs: the key "access logs" does not match the pattern ^[0-9a-zA-Z-]*$');
  });

  it("rejects a role whose resolved inline policies exceed IAM's 10,240 characters", () => {
    const problems = withChange((t) => {
      const statements = t.Resources.EnrichmentFunctionRole.Properties.Policies[0].PolicyDocument.Statement;
      for (let i = 0; i < 100; i++) statements.push({ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/g/${i}:*` } });
    }, deployInput(LONGEST));
    expect(messages(problems)).toMatch(/^error: Resources\.EnrichmentFunctionRole\.Properties\.Policies: the inline policies hold \d+ characters \(whitespace excluded\), over IAM's 10240 for a role$/);
  });

  it('says so when a template property path is missing from the constraints fixture', () => {
    const problems = withChange((t) => void (t.Resources.GlueTable.Properties.TableInput.Retention = 0));
    expect(messages(problems)).toContain('AWS::Glue::Table property path "TableInput.Retention" is not in test/fixtures/cfn-constraints.json');
  });
});

const IS_ABC = { 'Fn::Equals': [{ Ref: 'P' }, 'a-b-c'] };

/** A one-resource template whose output O is `value`, with parameters, a condition and a mapping. */
function tiny(value: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Parameters: { P: { Type: 'String', Default: 'a-b-c' }, L: { Type: 'CommaDelimitedList', Default: 'x,y' } },
    Conditions: { IsABC: IS_ABC },
    Mappings: { M: { top: { second: 'mapped' } } },
    Resources: { G: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/g' } } },
    Outputs: { O: { Value: value } },
    ...extra,
  };
}
const resolvedName = (value: unknown, input: Partial<DeployInput> = {}): string => {
  const ev = evaluateStack(tiny(value), { parameters: {}, ...input });
  expect(formatProblems(ev.problems)).toBe('');
  return String(ev.outputs.O);
};
const problemsOf = (value: unknown, extra?: Record<string, unknown>): string => formatProblems(evaluateStack(tiny(value, extra), { parameters: {} }).problems);

describe('the intrinsic functions, as the template reference documents them', () => {
  it('Fn::Join: a literal list of strings, or one list-valued function as the whole list', () => {
    expect(resolvedName({ 'Fn::Join': ['_', { 'Fn::Split': ['-', { Ref: 'P' }] }] })).toBe('a_b_c');
    expect(resolvedName({ 'Fn::Join': ['.', { Ref: 'L' }] })).toBe('x.y');
    expect(resolvedName({ 'Fn::Join': ['', ['/', { 'Fn::Select': ['1', { Ref: 'L' }] }]] })).toBe('/y');
    expect(problemsOf({ 'Fn::Join': [{ Ref: 'P' }, ['a']] })).toContain('the Fn::Join delimiter (a literal, no functions) must be a string');
    expect(problemsOf({ 'Fn::Join': ['', ['a', 3]] })).toContain('the Fn::Join list must be a list of strings');
    expect(problemsOf({ 'Fn::Join': ['', [{ Ref: 'L' }]] })).toContain('an item of the Fn::Join list is itself a list (Ref)');
    expect(problemsOf({ 'Fn::Join': ['', 'abc'] })).toContain('the Fn::Join list must be a list or a list-returning function');
  });

  it('Fn::Sub: with and without a variable map, ${!Literal}, pseudo parameters and GetAtt', () => {
    expect(resolvedName({ 'Fn::Sub': '/${P}/${!Literal}/${AWS::Region}' })).toBe('/a-b-c/${Literal}/us-east-1');
    expect(resolvedName({ 'Fn::Sub': ['/${x}-${P}', { x: { 'Fn::Select': [0, { Ref: 'L' }] } }] })).toBe('/x-a-b-c');
    expect(problemsOf({ 'Fn::Sub': ['/${x}', { x: { Ref: 'L' } }] })).toContain('the Fn::Sub variable ${x} resolves to a list');
    expect(problemsOf({ 'Fn::Sub': [{ Ref: 'P' }, {}] })).toContain('the Fn::Sub string (a literal, no functions) must be a string');
    const selfReference = { Resources: { G: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/${G.Arn}' } } } } };
    expect(problemsOf('/g', selfReference)).toContain('a reference cycle: G -> G');
  });

  it('pseudo parameters follow the partition (aws-cn has its own URL suffix)', () => {
    const v = { 'Fn::Sub': '/${AWS::Partition}/${AWS::URLSuffix}/${AWS::Region}/${AWS::AccountId}/${AWS::StackName}' };
    expect(resolvedName(v, { partition: 'aws-cn', stackName: 's' })).toBe('/aws-cn/amazonaws.com.cn/cn-north-1/123456789012/s');
    expect(resolvedName(v, { partition: 'aws-us-gov', stackName: 's' })).toBe('/aws-us-gov/amazonaws.com/us-gov-west-1/123456789012/s');
    expect(resolvedName({ 'Fn::Select': [4, { 'Fn::Split': [':', { Ref: 'AWS::StackId' }] }] })).toBe('123456789012');
    expect(resolvedName({ 'Fn::Join': [',', { Ref: 'AWS::NotificationARNs' }] }).length).toBe(0);
  });

  it('Fn::Select: the index in range, from a list', () => {
    expect(problemsOf({ 'Fn::Select': [2, { Ref: 'L' }] })).toContain('index 2 is outside the list of 2');
    expect(problemsOf({ 'Fn::Select': [0, { Ref: 'P' }] })).toContain('Fn::Select needs a list');
  });

  it('Fn::GetAtt in both forms, and only attributes the type has', () => {
    const extra = { Outputs: { A: { Value: { 'Fn::GetAtt': 'G.Arn' } }, B: { Value: { 'Fn::GetAtt': ['G', 'Arn'] } } } };
    const ev = evaluateStack(tiny('/g', extra), { parameters: {} });
    expect(ev.outputs).toEqual({ A: 'arn:aws:logs:us-east-1:123456789012:log-group:/g:*', B: 'arn:aws:logs:us-east-1:123456789012:log-group:/g:*' });
    expect(problemsOf('/g', { Outputs: { A: { Value: { 'Fn::GetAtt': ['G', 'Name'] } } } })).toContain('AWS::Logs::LogGroup has no attribute "Name"');
    expect(problemsOf('/g', { Outputs: { A: { Value: { 'Fn::GetAtt': ['H', 'Arn'] } } } })).toContain('"H" is not a resource of this template');
  });

  it('Fn::If: a declared condition; AWS::NoValue removes the property and is valid nowhere else', () => {
    expect(resolvedName({ 'Fn::If': ['IsABC', '/yes', '/no'] })).toBe('/yes');
    expect(resolvedName({ 'Fn::If': ['IsABC', '/yes', '/no'] }, { parameters: { P: 'x' } })).toBe('/no');
    expect(problemsOf({ 'Fn::If': ['Missing', '/yes', '/no'] })).toContain('condition "Missing" is not declared in Conditions');
    expect(problemsOf({ Ref: 'AWS::NoValue' })).toContain('Ref AWS::NoValue is only valid as a result of Fn::If');
    const noName = { Resources: { G: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::If': ['IsABC', { Ref: 'AWS::NoValue' }, '/no'] } } } } };
    const ev = evaluateStack(tiny('/g', noName), { parameters: {} });
    expect(ev.resources.G?.Properties).toEqual({});
    expect(ev.resources.G?.physicalId).toBe('apigw-log-analytics-test-G-A1B2C3D4E5F6');
  });

  it('condition functions only in Conditions, which may Ref parameters only', () => {
    expect(problemsOf({ 'Fn::Equals': ['a', 'a'] })).toContain('Fn::Equals is a condition function');
    const conditions = (c: unknown) => problemsOf('/g', { Conditions: { IsABC: IS_ABC, C: c } });
    expect(conditions({ 'Fn::Equals': [{ Ref: 'G' }, 'x'] })).toContain('a condition can Ref parameters only, not "G"');
    expect(conditions({ 'Fn::Equals': [{ 'Fn::Sub': '${P}' }, 'x'] })).toContain('Fn::Sub cannot be used in the Conditions section');
    expect(conditions({ 'Fn::If': ['C', true, false] })).toContain('a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition');
    expect(conditions({ 'Fn::And': [{ 'Fn::Equals': ['a', 'a'] }] })).toContain('Fn::And takes a list of 2 to 10 arguments');
    expect(conditions({ 'Fn::Not': ['x'] })).toContain('expected a condition (Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition)');
    expect(conditions({ 'Fn::Not': [{ Condition: 'C' }] })).toContain('condition "C" refers to itself');
    expect(conditions({ 'Fn::Or': [{ 'Fn::Equals': [{ 'Fn::FindInMap': ['M', 'top', 'second'] }, 'mapped'] }, { Condition: 'IsABC' }] })).toBe('');
  });

  it('Fn::Base64, Fn::FindInMap, Fn::GetAZs and Fn::ImportValue', () => {
    expect(resolvedName({ 'Fn::Base64': '/g' })).toBe('L2c=');
    expect(resolvedName({ 'Fn::FindInMap': ['M', 'top', 'second'] })).toBe('mapped');
    expect(problemsOf({ 'Fn::FindInMap': ['M', 'top', 'third'] })).toContain('Mappings.M.top.third does not exist');
    expect(resolvedName({ 'Fn::Select': [1, { 'Fn::GetAZs': '' }] })).toBe('us-east-1b');
    expect(problemsOf({ 'Fn::ImportValue': 'shared-name' })).toContain('no stack exports "shared-name" here');
    expect(problemsOf({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] })).toContain('Fn::Cidr is not modelled by this evaluator');
  });
});

describe('the template builders', () => {
  it('refuse a list inside a Fn::Join list at compile time and build the list-valued form', () => {
    // @ts-expect-error: a list-valued expression is Fn::Join's whole list, never an item of it.
    const wrong = join('_', [split('-', ref('ProjectName'))]);
    expect(wrong).toBeDefined();
    const right = join('_', split('-', ref('ProjectName')));
    expect(right).toEqual({ 'Fn::Join': ['_', { 'Fn::Split': ['-', { Ref: 'ProjectName' }] }] });
    expect(evaluateString(right, { parameters: { ProjectName: 'my-shop-api' } })).toBe('my_shop_api');
  });
});
