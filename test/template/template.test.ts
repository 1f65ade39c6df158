/**
 * The committed stack template: valid against the CloudFormation resource specification, fresh,
 * and holding the facts that decide whether the pipeline works on first deploy.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUCKET_PREFIXES, OUTPUT_KEYS } from '../../src/core/outputs.js';
import { LOG_FIELDS, NUMERIC_KEYS, RECORD_FIELDS, lambdaFieldSpec } from '../../src/core/log-format.js';
import { STREAM_PREFIX, TAG_PROJECT, projectNameProblem } from '../../src/core/names.js';
import { generateTemplateText, packageVersion } from '../../src/template/generate.js';
import { readLambdaSource } from '../../src/template/lambda-source.js';
import {
  DEFAULTS,
  GLUE_TABLE_NAME,
  LAMBDA_RUNTIME,
  LEGACY,
  LEGACY_GLUE_TABLE_NAME,
  LEGACY_OUTPUT_KEY,
  PIPELINE_IDS,
  PROJECT_NAME_PATTERN,
  glueDatabaseName,
  pipelineFragment,
} from '../../src/template/pipeline.js';
import { TEMPLATE_PATH } from '../../src/template/stack.js';
import { LOGICAL_IDS, PARAMETERS, type CfnResource, type CfnTemplate } from '../../src/template/types.js';
import { evaluateString, type EvalContext } from '../helpers/cfn-eval.js';
import { formatIssues, tagProperty, validateTemplate } from '../helpers/cfn-spec.js';

const committedText = readFileSync(new URL(`../../${TEMPLATE_PATH}`, import.meta.url), 'utf8');
const template = JSON.parse(committedText) as CfnTemplate;
const resources = template.Resources;
/** This fragment alone (the stack also holds the QuickSight fragment). */
const pipeline = pipelineFragment({ version: packageVersion(), lambdaSource: readLambdaSource() });
const pipelineIds = new Set(Object.keys(pipeline.Resources));

function resource(id: string): CfnResource {
  const r = resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  return r;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const props = (id: string): any => resource(id).Properties ?? {};

/** Physical ids stand-ins, so expressions resolve to the strings CloudFormation would produce. */
const ctx = (project = 'shop-api', existingLogBucket = ''): EvalContext => ({
  parameters: { ProjectName: project, RetentionDays: '90', BufferIntervalSeconds: '60', AthenaBytesScannedCutoff: '10737418240', ExistingLogBucket: existingLogBucket },
  conditions: template.Conditions ?? {},
  resources: {
    LogBucket: 'shop-logs-bucket',
    GlueDatabase: glueDatabaseName(project),
    DeliveryStreamLogGroup: `/aws/kinesisfirehose/amazon-apigateway-${project}`,
    DeliveryStreamLogStream: 'DestinationDelivery',
    EnrichmentLogGroup: `/aws/lambda/apigw-log-analytics-${project}-enrichment`,
    EnrichmentFunction: `apigw-log-analytics-${project}-enrichment`,
  },
});

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every IAM statement in the template (role policies, trust policies and bucket policies). */
function statements(): Array<{ where: string; s: Statement }> {
  const out: Array<{ where: string; s: Statement }> = [];
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    const docs: Array<[string, { Statement: Statement[] }]> = [];
    if (r.Type === 'AWS::IAM::Role') {
      docs.push([`${id}.AssumeRolePolicyDocument`, p.AssumeRolePolicyDocument]);
      for (const pol of p.Policies ?? []) docs.push([`${id}.${pol.PolicyName}`, pol.PolicyDocument]);
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::S3::BucketPolicy') docs.push([id, p.PolicyDocument]);
    for (const [where, doc] of docs) for (const s of doc.Statement) out.push({ where, s });
  }
  return out;
}
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('the committed template', () => {
  it('is exactly what the builders generate (run `npm run build:template` after changing them)', () => {
    expect(committedText === generateTemplateText(), `${TEMPLATE_PATH} is stale: run npm run build:template`).toBe(true);
  });

  it('passes the property-by-property check against the CloudFormation resource specification', () => {
    const issues = validateTemplate(template);
    expect(formatIssues(issues)).toBe('');
    expect(formatIssues(issues, 'warning')).toBe('');
  });

  it('is deterministic and carries the package version', () => {
    expect(generateTemplateText()).toBe(generateTemplateText());
    expect(template.Outputs?.[OUTPUT_KEYS.templateVersion]?.Value).toBe(packageVersion());
    expect(committedText.endsWith('}\n')).toBe(true);
    expect(committedText).toBe(`${JSON.stringify(JSON.parse(committedText), null, 2)}\n`);
  });

  it('declares the parameters with safe defaults and a ProjectName rule equal to the CLI one', () => {
    const p = template.Parameters ?? {};
    const own = [
      PARAMETERS.projectName,
      PARAMETERS.retentionDays,
      PARAMETERS.bufferIntervalSeconds,
      LEGACY.parameter,
      PARAMETERS.athenaBytesScannedCutoff,
      PARAMETERS.existingLogBucket,
    ];
    expect(Object.keys(pipeline.Parameters ?? {})).toEqual(own);
    expect(Object.keys(p).slice(0, own.length)).toEqual(own);
    expect(p.ProjectName?.Default).toBeUndefined();
    expect(p.RetentionDays?.Default).toBe(DEFAULTS.retentionDays);
    // Dynamic partitioning has no zero buffering: 60 s is the least.
    expect(p.BufferIntervalSeconds).toMatchObject({ Default: 60, MinValue: 60, MaxValue: 900 });
    // The upgrade's parameter: the old stream is kept only when init asks for it.
    expect(p[LEGACY.parameter]).toMatchObject({ Default: LEGACY.absent, AllowedValues: [LEGACY.absent, LEGACY.kept] });
    expect(p.AthenaBytesScannedCutoff?.MinValue).toBe(10_000_000);
    const pattern = new RegExp(p.ProjectName?.AllowedPattern ?? 'x');
    expect(p.ProjectName?.AllowedPattern).toBe(PROJECT_NAME_PATTERN);
    const names = ['abc', 'my-api', 'my-api-2', 'a1-b2-c3', 'ab', 'a--b', 'abc-', '-abc', '1abc', 'Abc', 'ab_c', 'a.b', 'x'.repeat(32), 'x'.repeat(33)];
    for (const name of names) {
      const acceptedByTemplate = pattern.test(name) && name.length >= (p.ProjectName?.MinLength ?? 0) && name.length <= (p.ProjectName?.MaxLength ?? 0);
      expect([name, acceptedByTemplate]).toEqual([name, projectNameProblem(name) === undefined]);
    }
  });

  it('declares every output the CLI reads; the pipeline fragment exactly the data-pipeline ones', () => {
    const elsewhere: string[] = [OUTPUT_KEYS.dataSourceId, OUTPUT_KEYS.dataSetId, OUTPUT_KEYS.dashboardId, OUTPUT_KEYS.dashboardUrl, OUTPUT_KEYS.accessLogGroupArn];
    const expected = Object.values(OUTPUT_KEYS).filter((k) => !elsewhere.includes(k));
    expect(Object.keys(pipeline.Outputs ?? {}).sort()).toEqual([...expected, LEGACY_OUTPUT_KEY].sort());
    expect(template.Outputs?.[LEGACY_OUTPUT_KEY]).toMatchObject({ Condition: LEGACY.condition, Value: { 'Fn::GetAtt': [PIPELINE_IDS.legacyDeliveryStream, 'Arn'] } });
    expect(Object.keys(template.Outputs ?? {})).toEqual(expect.arrayContaining(expected));
    const o = template.Outputs ?? {};
    expect(o.DeliveryStreamArn?.Value).toEqual({ 'Fn::GetAtt': [LOGICAL_IDS.deliveryStream, 'Arn'] });
    expect(o.DeliveryStreamName?.Value).toEqual({ Ref: LOGICAL_IDS.deliveryStream });
    expect(o.EnrichmentFunctionArn?.Value).toEqual({ 'Fn::GetAtt': [LOGICAL_IDS.enrichmentFunction, 'Arn'] });
    expect(o.AthenaWorkGroupName?.Value).toEqual({ Ref: LOGICAL_IDS.athenaWorkGroup });
    expect(o.ProjectName?.Value).toEqual({ Ref: PARAMETERS.projectName });
    expect(o.GlueTableName?.Value).toBe(GLUE_TABLE_NAME);
    expect(o.GlueDatabaseName?.Value).toEqual({ Ref: LOGICAL_IDS.glueDatabase });
    expect(evaluateString(o.LogBucketName?.Value, ctx())).toBe('shop-logs-bucket');
  });

  it('continues with a bucket a previous installation kept: ExistingLogBucket replaces the created bucket everywhere', () => {
    const p = template.Parameters?.ExistingLogBucket;
    expect(p).toMatchObject({ Type: 'String', Default: '' });
    const pattern = new RegExp(p?.AllowedPattern ?? 'x');
    for (const [name, ok] of [['', true], ['apigw-log-analytics-shop-logbucket-1a2b3c', true], ['Bad_Name', false], ['ab', false]] as const) expect([name, pattern.test(name)]).toEqual([name, ok]);
    expect(template.Conditions?.CreateLogBucket).toEqual({ 'Fn::Equals': [{ Ref: 'ExistingLogBucket' }, ''] });
    expect(resource('LogBucket').Condition).toBe('CreateLogBucket');
    expect(resource('LogBucketPolicy').Condition).toBe('CreateLogBucket');
    // No Ref or GetAtt of the bucket outside a Fn::If on that condition (it does not exist when one is kept).
    const unguarded = JSON.stringify({ ...template.Resources, LogBucket: undefined, LogBucketPolicy: undefined, Outputs: template.Outputs }).replace(/\{"Fn::If":\["CreateLogBucket",(\{"Ref":"LogBucket"\}|\{"Fn::GetAtt":\["LogBucket","Arn"\]\})/g, '');
    expect(unguarded).not.toMatch(/"Ref":"LogBucket"|"LogBucket","Arn"|\$\{LogBucket/);
    const kept = ctx('shop-api', 'apigw-log-analytics-shop-logbucket-1a2b3c');
    expect(evaluateString(template.Outputs?.LogBucketName?.Value, kept)).toBe('apigw-log-analytics-shop-logbucket-1a2b3c');
    expect(evaluateString(props(LOGICAL_IDS.deliveryStream).ExtendedS3DestinationConfiguration.BucketARN, kept)).toBe('arn:aws:s3:::apigw-log-analytics-shop-logbucket-1a2b3c');
    expect(evaluateString(props('GlueTable').TableInput.StorageDescriptor.Location, kept)).toBe('s3://apigw-log-analytics-shop-logbucket-1a2b3c/logs/parquet/');
    expect(evaluateString(props('RollupTable').TableInput.StorageDescriptor.Location, kept)).toBe('s3://apigw-log-analytics-shop-logbucket-1a2b3c/rollups/hourly/');
  });

  it('uses the shared logical ids and tags everything that takes tags with the project', () => {
    for (const id of Object.values(LOGICAL_IDS)) expect(resources[id], id).toBeDefined();
    const taggable = Object.entries(resources).filter(([, r]) => tagProperty(r.Type) !== undefined);
    expect(taggable.map(([id]) => id).filter((id) => pipelineIds.has(id)).sort()).toEqual(
      ['AccessLogStream', 'AthenaWorkGroup', 'DeliveryStream', 'DeliveryStreamLogGroup', 'DeliveryStreamRole', 'EnrichmentFunction', 'EnrichmentFunctionRole', 'EnrichmentLogGroup', 'LogBucket'].sort(),
    );
    // Every taggable resource of the whole stack, the dashboard's included.
    for (const [id, r] of taggable) {
      const tags = (r.Properties ?? {})[tagProperty(r.Type) as string];
      expect(tags, id).toContainEqual({ Key: TAG_PROJECT, Value: { Ref: PARAMETERS.projectName } });
    }
  });

  it('never deploys a Glue crawler (partition projection instead)', () => {
    expect(Object.values(resources).map((r) => r.Type)).not.toContain('AWS::Glue::Crawler');
  });
});

describe('log bucket', () => {
  const p = props(LOGICAL_IDS.logBucket);

  it('is retained, encrypted, private and owner-enforced', () => {
    expect(resource(LOGICAL_IDS.logBucket)).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(p.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(p.BucketName).toBeUndefined();
  });

  it('expires logs/ and rollups/ after RetentionDays, Athena results after 7 days, errors after 30, and cleans up versions and uploads', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const rules = p.LifecycleConfiguration.Rules as any[];
    expect(rules.every((r) => r.Status === 'Enabled')).toBe(true);
    const byPrefix = Object.fromEntries(rules.filter((r) => r.Prefix).map((r) => [r.Prefix, r.ExpirationInDays]));
    expect(byPrefix).toEqual({
      [BUCKET_PREFIXES.logs]: { Ref: PARAMETERS.retentionDays },
      [BUCKET_PREFIXES.rollups]: { Ref: PARAMETERS.retentionDays },
      [BUCKET_PREFIXES.athenaResults]: 7,
      [BUCKET_PREFIXES.errors]: 30,
    });
    const bucketWide = rules.filter((r) => r.Prefix === undefined);
    expect(bucketWide).toHaveLength(1);
    expect(bucketWide[0]).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 7 }, ExpiredObjectDeleteMarker: true, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
    expect(rules.some((r) => r.Prefix === BUCKET_PREFIXES.state)).toBe(false);
  });

  it('has a policy that denies every request without TLS, on the bucket and its objects', () => {
    const policy = props(PIPELINE_IDS.logBucketPolicy);
    expect(policy.Bucket).toEqual({ Ref: LOGICAL_IDS.logBucket });
    const deny = policy.PolicyDocument.Statement.find((s: Statement) => s.Effect === 'Deny');
    expect(deny).toMatchObject({ Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(deny.Resource.map((r: unknown) => evaluateString(r, ctx()))).toEqual(['arn:shop-logs-bucket', 'arn:shop-logs-bucket/*']);
  });
});

describe('Firehose stream', () => {
  const p = props(LOGICAL_IDS.deliveryStream);
  const s3 = p.ExtendedS3DestinationConfiguration;

  it('is a DirectPut stream named amazon-apigateway-<project>-parquet', () => {
    expect(p.DeliveryStreamType).toBe('DirectPut');
    expect(evaluateString(p.DeliveryStreamName, ctx('shop-api'))).toBe('amazon-apigateway-shop-api-parquet');
    expect(evaluateString(p.DeliveryStreamName, ctx('x1-y')).startsWith(STREAM_PREFIX)).toBe(true);
    // 32 is the longest project name: the stream name stays within Firehose's 64 characters.
    expect(evaluateString(p.DeliveryStreamName, ctx('p'.repeat(32))).length).toBeLessThanOrEqual(64);
  });

  it('writes Parquet under logs/parquet/dt=<day>/hour=<hour>/ of the request, from the keys the Lambda returns', () => {
    expect(s3.Prefix).toBe('logs/parquet/dt=!{partitionKeyFromLambda:dt}/hour=!{partitionKeyFromLambda:hour}/');
    expect(s3.Prefix.startsWith(BUCKET_PREFIXES.logs)).toBe(true);
    expect(s3.DynamicPartitioningConfiguration).toEqual({ Enabled: true, RetryOptions: { DurationInSeconds: 300 } });
    // Parquet compresses inside the file; Firehose requires the stream's own compression off.
    expect(s3.CompressionFormat).toBe('UNCOMPRESSED');
    expect(s3.FileExtension).toBe('.parquet');
    const conversion = s3.DataFormatConversionConfiguration;
    expect(conversion.Enabled).toBe(true);
    expect(conversion.InputFormatConfiguration).toEqual({ Deserializer: { OpenXJsonSerDe: { CaseInsensitive: true } } });
    expect(conversion.OutputFormatConfiguration).toEqual({ Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } });
    expect(conversion.SchemaConfiguration).toMatchObject({
      DatabaseName: { Ref: LOGICAL_IDS.glueDatabase },
      TableName: GLUE_TABLE_NAME,
      RoleARN: { 'Fn::GetAtt': [PIPELINE_IDS.deliveryStreamRole, 'Arn'] },
      VersionId: 'LATEST',
    });
    // The stream reads the table's schema when it is created: the table must exist first.
    expect(resource(LOGICAL_IDS.deliveryStream).DependsOn).toEqual([LOGICAL_IDS.glueTable]);
    for (const prefix of [s3.Prefix, s3.ErrorOutputPrefix] as string[]) {
      expect(prefix.endsWith('/')).toBe(true);
      expect(prefix).not.toMatch(/YYYY/);
      for (const m of prefix.matchAll(/!\{timestamp:([^}]*)\}/g)) expect(m[1]).toMatch(/^yyyy/);
    }
    expect(s3.Prefix).not.toContain('error-output-type');
  });

  it('writes failures under errors/ with the error output type', () => {
    expect(s3.ErrorOutputPrefix.startsWith(BUCKET_PREFIXES.errors)).toBe(true);
    expect(s3.ErrorOutputPrefix).toContain('!{firehose:error-output-type}');
    expect(s3.ErrorOutputPrefix).toBe('errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/');
  });

  it('buffers about a minute (the BufferIntervalSeconds parameter) and logs errors to a log group with retention', () => {
    expect(s3.BufferingHints).toEqual({ IntervalInSeconds: { Ref: PARAMETERS.bufferIntervalSeconds }, SizeInMBs: 64 });
    expect(template.Parameters?.BufferIntervalSeconds?.Default).toBe(60);
    expect(s3.CloudWatchLoggingOptions).toEqual({
      Enabled: true,
      LogGroupName: { Ref: PIPELINE_IDS.deliveryStreamLogGroup },
      LogStreamName: { Ref: PIPELINE_IDS.deliveryStreamLogStream },
    });
    expect(props(PIPELINE_IDS.deliveryStreamLogStream).LogGroupName).toEqual({ Ref: PIPELINE_IDS.deliveryStreamLogGroup });
    expect(CLOUDWATCH_RETENTION_VALUES).toContain(props(PIPELINE_IDS.deliveryStreamLogGroup).RetentionInDays);
  });

  it('sends every batch through the enrichment Lambda, within the 6 MB invocation limit', () => {
    expect(s3.ProcessingConfiguration.Enabled).toBe(true);
    expect(s3.ProcessingConfiguration.Processors).toHaveLength(1);
    const [processor] = s3.ProcessingConfiguration.Processors;
    expect(processor.Type).toBe('Lambda');
    const params = Object.fromEntries(processor.Parameters.map((x: { ParameterName: string; ParameterValue: unknown }) => [x.ParameterName, x.ParameterValue]));
    expect(params.LambdaArn).toEqual({ 'Fn::GetAtt': [LOGICAL_IDS.enrichmentFunction, 'Arn'] });
    const mb = Number(params.BufferSizeInMBs);
    expect(mb).toBeGreaterThanOrEqual(0.2);
    // Request and response are base64 (4/3) and enrichment grows records: keep the response under 6 MB.
    expect(mb * 1.15 * (4 / 3)).toBeLessThan(6);
    expect(params.BufferIntervalInSeconds).toEqual({ Ref: PARAMETERS.bufferIntervalSeconds });
  });
});

/** CloudWatch Logs' accepted RetentionInDays values. */
const CLOUDWATCH_RETENTION_VALUES = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Lambda's Node.js runtimes and the day AWS blocks creating functions with them (Lambda runtimes page). */
const NODE_RUNTIME_BLOCK_CREATE: Record<string, string> = {
  'nodejs24.x': '2028-06-01',
  'nodejs22.x': '2027-06-01',
  'nodejs20.x': '2026-08-31',
  'nodejs18.x': '2025-09-01',
};

describe('enrichment Lambda', () => {
  const p = props(LOGICAL_IDS.enrichmentFunction);

  it('uses a Node.js runtime AWS still lets you create, on arm64, with the async CommonJS handler inline', () => {
    expect(p.Runtime).toBe(LAMBDA_RUNTIME);
    const blockCreate = NODE_RUNTIME_BLOCK_CREATE[p.Runtime as string];
    expect(blockCreate, `${p.Runtime} is not a known Node.js runtime`).toBeDefined();
    expect(Date.parse(`${blockCreate}T00:00:00Z`)).toBeGreaterThan(Date.now());
    expect(p.Architectures).toEqual(['arm64']);
    expect(p.Handler).toBe('index.handler');
    expect(p.Code).toEqual({ ZipFile: readLambdaSource() });
    expect(p.Code.ZipFile).toMatch(/exports\.handler = /);
    expect(p.Code.ZipFile).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('gets the field list, key order and column types from the log-format module', () => {
    expect(p.Environment.Variables.LOG_FIELDS).toBe(lambdaFieldSpec());
    const spec = (p.Environment.Variables.LOG_FIELDS as string).split(',');
    expect(spec.map((t) => t.split(':')[0])).toEqual(LOG_FIELDS.map((x) => x.key));
    expect(spec.filter((t) => /:(int|bigint)/.test(t)).map((t) => t.split(':')[0])).toEqual(LOG_FIELDS.filter((x) => x.type !== 'string').map((x) => x.key));
    expect(NUMERIC_KEYS.length).toBeGreaterThan(10);
    expect(Number(p.Environment.Variables.CACHE_TTL_SECONDS)).toBeGreaterThan(0);
  });

  it('logs to its own log group with retention, as JSON, warnings and up', () => {
    expect(p.LoggingConfig).toEqual({ LogGroup: { Ref: PIPELINE_IDS.enrichmentLogGroup }, LogFormat: 'JSON', ApplicationLogLevel: 'WARN', SystemLogLevel: 'INFO' });
    const group = props(PIPELINE_IDS.enrichmentLogGroup);
    expect(CLOUDWATCH_RETENTION_VALUES).toContain(group.RetentionInDays);
    expect(evaluateString(group.LogGroupName, ctx())).toBe(`/aws/lambda/${evaluateString(p.FunctionName, ctx())}`);
    expect(evaluateString(p.FunctionName, ctx('p'.repeat(32))).length).toBeLessThanOrEqual(64);
  });
});

describe('IAM', () => {
  it('has no "*" action anywhere, and no "*" resource in the pipeline (every one of its APIs can be scoped)', () => {
    const all = statements();
    expect(all.length).toBeGreaterThan(0);
    for (const { where, s } of all) {
      for (const action of asList(s.Action)) expect(action, where).not.toBe('*');
      const id = where.split('.')[0] as string;
      if (pipelineIds.has(id) && s.Effect === 'Allow' && s.Resource !== undefined) for (const r of asList(s.Resource)) expect(r, where).not.toBe('*');
    }
    // The one service wildcard is the bucket policy's Deny, which must cover every S3 action.
    const wildcards = all.filter(({ s }) => asList(s.Action).some((a) => a.endsWith(':*')));
    expect(wildcards.map(({ where, s }) => [where, s.Effect])).toEqual([[PIPELINE_IDS.logBucketPolicy, 'Deny']]);
  });

  it('lets the Lambda read only usage plans (GetUsagePlans?keyId) and single API keys (GetApiKey), put records back into its own stream, and write its own logs', () => {
    const role = props(PIPELINE_IDS.enrichmentFunctionRole);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(role.ManagedPolicyArns).toBeUndefined();
    const st: Statement[] = role.Policies.flatMap((x: { PolicyDocument: { Statement: Statement[] } }) => x.PolicyDocument.Statement);
    const api = st.filter((s) => asList(s.Action).some((a) => a.startsWith('apigateway:')));
    expect(api).toHaveLength(1);
    expect(asList(api[0]?.Action)).toEqual(['apigateway:GET']);
    expect(asList(api[0]?.Resource).map((r) => evaluateString(r, ctx()))).toEqual([
      'arn:aws:apigateway:us-east-1::/usageplans',
      'arn:aws:apigateway:us-east-1::/apikeys/*',
    ]);
    const logs = st.filter((s) => asList(s.Action).some((a) => a.startsWith('logs:')));
    expect(logs).toEqual([expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [PIPELINE_IDS.enrichmentLogGroup, 'Arn'] } })]);
    const firehose = st.filter((s) => asList(s.Action).some((a) => a.startsWith('firehose:')));
    // The installation's two streams by name (the columnar one, and the gzip JSON one an upgrade keeps), nothing wider.
    expect(firehose.map((s) => [asList(s.Action), asList(s.Resource).map((r) => evaluateString(r, ctx()))])).toEqual([
      [
        ['firehose:PutRecordBatch'],
        ['arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-shop-api-parquet', 'arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-shop-api'],
      ],
    ]);
    expect(st).toHaveLength(3);
  });

  it('lets Firehose write only its two prefixes, invoke only the enrichment function, read only its table and log only to its stream', () => {
    const role = props(PIPELINE_IDS.deliveryStreamRole);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'firehose.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } } },
    ]);
    const st: Statement[] = role.Policies.flatMap((x: { PolicyDocument: { Statement: Statement[] } }) => x.PolicyDocument.Statement);
    const resolved = st.map((s) => [asList(s.Action), asList(s.Resource).map((r) => evaluateString(r, ctx()))]);
    expect(resolved).toEqual([
      [['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], ['arn:shop-logs-bucket']],
      [['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], ['arn:shop-logs-bucket/logs/*', 'arn:shop-logs-bucket/errors/*']],
      [['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'], ['arn:apigw-log-analytics-shop-api-enrichment', 'arn:apigw-log-analytics-shop-api-enrichment:*']],
      [
        ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        [
          'arn:aws:glue:us-east-1:123456789012:catalog',
          'arn:aws:glue:us-east-1:123456789012:database/apigw_log_analytics_shop_api',
          'arn:aws:glue:us-east-1:123456789012:table/apigw_log_analytics_shop_api/access_logs',
        ],
      ],
      [['logs:PutLogEvents'], ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/kinesisfirehose/amazon-apigateway-shop-api:log-stream:DestinationDelivery']],
    ]);
    // The log stream it may write is the one the stream is configured with.
    expect(evaluateString(props(PIPELINE_IDS.deliveryStreamLogGroup).LogGroupName, ctx())).toBe('/aws/kinesisfirehose/amazon-apigateway-shop-api');
    expect(props(PIPELINE_IDS.deliveryStreamLogStream).LogStreamName).toBe('DestinationDelivery');
  });
});

describe('Glue and Athena', () => {
  const db = props(LOGICAL_IDS.glueDatabase);
  const table = props(LOGICAL_IDS.glueTable);
  const input = table.TableInput;

  it('names the database after the project, hyphens turned into underscores', () => {
    expect(evaluateString(db.DatabaseInput.Name, ctx('my-shop-api'))).toBe('apigw_log_analytics_my_shop_api');
    expect(glueDatabaseName('my-shop-api')).toBe('apigw_log_analytics_my_shop_api');
    expect(evaluateString(db.DatabaseInput.Name, ctx('abc'))).toBe(glueDatabaseName('abc'));
    expect(db.CatalogId).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('has a typed schema derived from the log format, stored as Parquet', () => {
    expect(input.Name).toBe(GLUE_TABLE_NAME);
    expect(input.TableType).toBe('EXTERNAL_TABLE');
    expect(table.DatabaseName).toEqual({ Ref: LOGICAL_IDS.glueDatabase });
    const columns = input.StorageDescriptor.Columns as Array<{ Name: string; Type: string; Comment: string }>;
    expect(columns.map((c) => [c.Name, c.Type])).toEqual(RECORD_FIELDS.map((f) => [f.key.toLowerCase(), f.type]));
    expect(columns.filter((c) => c.Type !== 'string').map((c) => c.Name)).toEqual(NUMERIC_KEYS.map((k) => k.toLowerCase()));
    for (const c of columns) {
      expect(c.Name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(c.Comment.length).toBeLessThanOrEqual(255);
    }
    expect(new Set(columns.map((c) => c.Name)).size).toBe(columns.length);
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(input.StorageDescriptor.InputFormat).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
    expect(evaluateString(input.StorageDescriptor.Location, ctx())).toBe('s3://shop-logs-bucket/logs/parquet/');
  });

  it('keeps the gzip JSON table of the old layout, with the same columns, where the old stream wrote', () => {
    const legacy = props(PIPELINE_IDS.legacyGlueTable).TableInput;
    expect(legacy.Name).toBe(LEGACY_GLUE_TABLE_NAME);
    expect(legacy.StorageDescriptor.Columns).toEqual(input.StorageDescriptor.Columns);
    expect(legacy.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(evaluateString(legacy.Parameters['storage.location.template'], ctx())).toBe('s3://shop-logs-bucket/logs/dt=${dt}/');
    const old = props(PIPELINE_IDS.legacyDeliveryStream).ExtendedS3DestinationConfiguration;
    expect(old.Prefix).toBe('logs/dt=!{timestamp:yyyy-MM-dd}/');
    expect(old.CompressionFormat).toBe('GZIP');
    expect(resource(PIPELINE_IDS.legacyDeliveryStream).Condition).toBe(LEGACY.condition);
    expect(evaluateString(props(PIPELINE_IDS.legacyDeliveryStream).DeliveryStreamName, ctx())).toBe('amazon-apigateway-shop-api');
  });

  it('projects the dt and hour partitions exactly where and how Firehose writes them', () => {
    const params = input.Parameters;
    expect(input.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' }), expect.objectContaining({ Name: 'hour', Type: 'string' })]);
    expect(params['projection.enabled']).toBe('true');
    expect(params['projection.dt.type']).toBe('date');
    expect(params['projection.dt.format']).toBe('yyyy-MM-dd');
    expect([params['projection.hour.type'], params['projection.hour.range'], params['projection.hour.digits']]).toEqual(['integer', '0,23', '2']);
    const prefix = props(LOGICAL_IDS.deliveryStream).ExtendedS3DestinationConfiguration.Prefix as string;
    // The location template is the Firehose prefix with each Lambda key replaced by its partition.
    const before = prefix.slice(0, prefix.indexOf('dt='));
    expect(evaluateString(params['storage.location.template'], ctx())).toBe(`s3://shop-logs-bucket/${prefix.replace(/!\{partitionKeyFromLambda:(\w+)\}/g, '$${$1}')}`);
    expect(evaluateString(params['projection.dt.range'], ctx())).toBe('NOW-90DAYS,NOW+1DAYS');
    expect(params['projection.dt.interval']).toBe('1');
    expect(params['projection.dt.interval.unit']).toBe('DAYS');
    // The table location is the parent of every partition location.
    expect(`s3://shop-logs-bucket/${before}`.startsWith(evaluateString(input.StorageDescriptor.Location, ctx()))).toBe(true);
  });

  it('gives Athena its own workgroup: enforced settings, results in the bucket, a scan cutoff', () => {
    const wg = props(LOGICAL_IDS.athenaWorkGroup);
    expect(evaluateString(wg.Name, ctx())).toBe('apigw-log-analytics-shop-api');
    expect(wg.WorkGroupConfiguration.EnforceWorkGroupConfiguration).toBe(true);
    expect(wg.WorkGroupConfiguration.BytesScannedCutoffPerQuery).toEqual({ Ref: PARAMETERS.athenaBytesScannedCutoff });
    expect(template.Parameters?.AthenaBytesScannedCutoff?.Default).toBe(DEFAULTS.athenaBytesScannedCutoff);
    const results = wg.WorkGroupConfiguration.ResultConfiguration;
    expect(evaluateString(results.OutputLocation, ctx())).toBe(`s3://shop-logs-bucket/${BUCKET_PREFIXES.athenaResults}`);
    expect(results.EncryptionConfiguration).toEqual({ EncryptionOption: 'SSE_S3' });
    expect(results.ExpectedBucketOwner).toEqual({ Ref: 'AWS::AccountId' });
    expect(wg.RecursiveDeleteOption).toBe(true);
  });
});
