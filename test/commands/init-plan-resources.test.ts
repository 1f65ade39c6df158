/**
 * The resources `init`'s plan lists come from the template and its conditions for the chosen
 * parameters: --no-dashboard lists no QuickSight resource, the default (direct query) lists no
 * SPICE schedule, and an installation using SPICE keeps SPICE on upgrade and lists its schedules,
 * in the text plan and in `--dry-run --json` alike.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudFormationClient, CreateChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { QuickSightClient, DescribeAccountSubscriptionCommand, DescribeGroupCommand, ListNamespacesCommand } from '@aws-sdk/client-quicksight';
import { runInit } from '../../src/commands/init/run.js';
import type { InitOptions } from '../../src/commands/init/index.js';
import { loadStackTemplate, MIN_BUFFER_INTERVAL_SECONDS } from '../../src/commands/init/template.js';
import type { InitPlan } from '../../src/core/init-plan.js';
import { OUTPUT_KEYS } from '../../src/core/outputs.js';
import { createTestContext } from '../helpers/context.js';
import { installFakeApiGateway, installFakeApiGatewayV2 } from '../helpers/fake-apigw.js';
import { FakeS3 } from '../helpers/fake-s3.js';
import { FakeCloudFormation } from '../deploy/fake-cloudformation.js';
import { ACCOUNT, CALLER_ARN, bucketOf, streamArnOf } from '../helpers/aws-fixtures.js';

const sts = mockClient(STSClient);
const apigw = mockClient(APIGatewayClient);
const apigw2 = mockClient(ApiGatewayV2Client);
const cfnMock = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const qs = mockClient(QuickSightClient);

const GROUP_ARN = `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/shop-Admins`;
const ARTIFACTS = `apigw-log-analytics-artifacts-${ACCOUNT}-us-east-1`;
const PIPELINE = [
  'S3 log bucket',
  'bucket policy',
  'IAM role',
  'CloudWatch log group',
  'log stream',
  'Firehose stream',
  'enrichment Lambda',
  'Glue database',
  '4 Glue tables',
  'Athena workgroup',
  '2 EventBridge Scheduler schedules',
];
let cfn: FakeCloudFormation;

beforeEach(() => {
  for (const m of [sts, apigw, apigw2, cfnMock, s3, qs]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AROA' });
  installFakeApiGatewayV2(apigw2, { apis: [] });
  installFakeApiGateway(apigw, { apis: [{ id: 'a1b2c3d4e5', name: 'orders', stages: [{ stageName: 'dev' }] }] });
  new FakeS3().bucket(ARTIFACTS, { 'apigw-log-analytics:purpose': 'artifacts' }).bucket(bucketOf('shop')).install(s3);
  cfn = new FakeCloudFormation(cfnMock).install();
  qs.on(ListNamespacesCommand).resolves({ Namespaces: [{ Name: 'default', CapacityRegion: 'us-east-1', CreationStatus: 'CREATED', IdentityStore: 'QUICKSIGHT' }] });
  qs.on(DescribeAccountSubscriptionCommand).resolves({ AccountInfo: { Edition: 'ENTERPRISE', AuthenticationType: 'IAM_AND_QUICKSIGHT', AccountSubscriptionStatus: 'ACCOUNT_CREATED' } });
  qs.on(DescribeGroupCommand).resolves({ Group: { GroupName: 'shop-Admins', Arn: GROUP_ARN } });
});

const flags = (o: Partial<InitOptions> = {}): InitOptions => ({
  project: 'shop',
  stage: ['a1b2c3d4e5/dev'],
  allStages: false,
  replaceExistingLogs: false,
  createGroup: false,
  dashboard: true,
  yes: true,
  dryRun: true,
  json: false,
  ...o,
});

/** The plan's resources, from `--dry-run --json` and from the text plan's "Resources" line. */
async function planOf(o: Partial<InitOptions> = {}): Promise<{ json: string[]; text: string }> {
  const j = createTestContext();
  await runInit(flags({ ...o, json: true }), j.ctx);
  const printed = JSON.parse(j.out('stdout')) as InitPlan;
  const t = createTestContext();
  await runInit(flags(o), t.ctx);
  const line = t.out('stdout').split('\n').find((l) => l.trim().startsWith('Resources')) ?? '';
  return { json: printed.resources, text: line.replace(/^\s*Resources\s+/, '') };
}

/** An installed stack whose dataset imports into SPICE (set in the CloudFormation console). */
function installedWithSpice(): void {
  cfn.withStack('CREATE_COMPLETE', {
    tags: { 'apigw-log-analytics:project': 'shop', 'apigw-log-analytics:version': '0.1.0' },
    outputs: {
      [OUTPUT_KEYS.bucketName]: bucketOf('shop'),
      [OUTPUT_KEYS.deliveryStreamArn]: streamArnOf('shop'),
      [OUTPUT_KEYS.deliveryStreamName]: 'amazon-apigateway-shop',
      [OUTPUT_KEYS.athenaWorkGroupName]: 'apigw-log-analytics-shop',
    },
  });
  cfn.stack!.parameters = { ProjectName: 'shop', RetentionDays: '30', QuickSightPrincipalArn: GROUP_ARN, QuickSightImportMode: 'SPICE', BufferIntervalSeconds: '300' };
}

describe('init plan: the resources it lists', () => {
  it('--no-dashboard: the pipeline only, no QuickSight resource, in the text plan and the JSON plan', async () => {
    const { json, text } = await planOf({ dashboard: false });
    expect(json).toEqual([
      'S3 log bucket',
      'bucket policy',
      '4 IAM roles',
      '3 CloudWatch log groups',
      'log stream',
      'Firehose stream',
      'enrichment Lambda',
      'Glue database',
      '4 Glue tables',
      'Athena workgroup',
      '2 EventBridge Scheduler schedules',
      'CloudWatch Logs subscription filter',
    ]);
    expect(json.join(' ')).not.toMatch(/QuickSight/);
    expect(text).toBe(json.join(', '));
    expect(qs.calls()).toHaveLength(0);
  });

  it('with a dashboard (direct query, the default): the QuickSight data source, its three datasets (raw, hourly rollup, top values) and dashboard, and no SPICE schedule', async () => {
    const { json, text } = await planOf();
    expect(json).toEqual([
      'S3 log bucket',
      'bucket policy',
      '5 IAM roles',
      '3 CloudWatch log groups',
      'log stream',
      'Firehose stream',
      'enrichment Lambda',
      'Glue database',
      '4 Glue tables',
      'Athena workgroup',
      '2 EventBridge Scheduler schedules',
      'CloudWatch Logs subscription filter',
      'QuickSight data source',
      '3 QuickSight datasets',
      'QuickSight dashboard',
    ]);
    expect(text).toBe(json.join(', '));
  });

  it('with SPICE (an installation that uses it): the two rollup datasets\' refresh schedules too, and the upgrade keeps SPICE', async () => {
    installedWithSpice();
    const { json, text } = await planOf();
    expect(json).toContain('4 QuickSight SPICE refresh schedules');
    expect(json.filter((r) => PIPELINE.some((p) => r.includes(p)))).toHaveLength(PIPELINE.length);
    expect(text).toContain('4 QuickSight SPICE refresh schedules');
    expect(text).toBe(json.join(', '));
    // What the plan says is what the change set asks for: the installed SPICE mode and buffer are kept.
    cfn.changeSet = { status: 'FAILED', reason: "The submitted information didn't contain changes. Submit different information to create a change set." };
    const r = await runInit(flags({ dryRun: false }), createTestContext().ctx);
    expect(r.plan.parameters).toMatchObject({ QuickSightImportMode: 'SPICE', BufferIntervalSeconds: '300', RetentionDays: '30', QuickSightPrincipalArn: GROUP_ARN });
    const sent = cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.Parameters!;
    expect(sent).toContainEqual({ ParameterKey: 'QuickSightImportMode', ParameterValue: 'SPICE' });
  });

  it('--no-dashboard on a SPICE installation: no QuickSight resource at all (the SPICE condition needs QuickSight)', async () => {
    installedWithSpice();
    const { json } = await planOf({ dashboard: false });
    expect(json.join(' ')).not.toMatch(/QuickSight/);
  });

  it('an installed parameter the template no longer has is dropped, and the flags still win over installed values', async () => {
    installedWithSpice();
    cfn.stack!.parameters = { ...cfn.stack!.parameters, RemovedInThisVersion: 'x' };
    const r = await runInit(flags({ dashboard: false, retentionDays: 7 }), createTestContext().ctx);
    // The installation predates the Parquet layout (its stream is amazon-apigateway-shop): init keeps that stream for the upgrade.
    expect(r.plan.parameters).toEqual({
      ProjectName: 'shop',
      RetentionDays: '7',
      QuickSightPrincipalArn: '',
      QuickSightImportMode: 'SPICE',
      BufferIntervalSeconds: '300',
      LegacyDeliveryStream: 'kept',
    });
  });

  it('raises an installed buffer interval under the template\'s minimum (no zero buffering with dynamic partitioning)', async () => {
    installedWithSpice();
    cfn.stack!.parameters = { ...cfn.stack!.parameters, BufferIntervalSeconds: '0' };
    const r = await runInit(flags({ dashboard: false }), createTestContext().ctx);
    expect(r.plan.parameters.BufferIntervalSeconds).toBe(String(MIN_BUFFER_INTERVAL_SECONDS));
    expect(loadStackTemplate().document.Parameters?.BufferIntervalSeconds).toMatchObject({ MinValue: MIN_BUFFER_INTERVAL_SECONDS });
  });
});
