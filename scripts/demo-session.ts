/**
 * Prints an `init` session as a terminal shows it, run through the real command code against an
 * in-memory AWS account (the test fakes), so the README's transcript is what the code prints, not
 * a hand-written mock-up. Usage: npx tsx scripts/demo-session.ts [scripted|interactive]
 */
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { runStatus } from '../src/commands/status/run.js';
import { S3Client } from '@aws-sdk/client-s3';
import { QuickSightClient, DescribeAccountSubscriptionCommand, DescribeDashboardCommand, DescribeGroupCommand, ListNamespacesCommand } from '@aws-sdk/client-quicksight';
import { runInit } from '../src/commands/init/run.js';
import { OUTPUT_KEYS } from '../src/core/outputs.js';
import { createTestContext, ScriptedPrompter } from '../test/helpers/context.js';
import { installFakeApiGateway, installFakeApiGatewayV2 } from '../test/helpers/fake-apigw.js';
import { FakeS3 } from '../test/helpers/fake-s3.js';
import { FakeCloudFormation, change } from '../test/deploy/fake-cloudformation.js';
import type { Choice } from '../src/ui/prompts.js';
import stripAnsi from 'strip-ansi';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'AKIADEMO';
process.env.AWS_SECRET_ACCESS_KEY = 'demo';
const ACCOUNT = '111122223333';
const mode = process.argv[2] === 'interactive' ? 'interactive' : process.argv[2] === 'status' ? 'status' : 'scripted';

mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/PlatformAdmin/jane`, UserId: 'AROA' });
installFakeApiGatewayV2(mockClient(ApiGatewayV2Client), { apis: [{ id: 'k9w3x7q2m1', name: 'webhooks', protocol: 'HTTP', stages: [{ StageName: '$default', AutoDeploy: true }] }] });
installFakeApiGateway(mockClient(APIGatewayClient), {
  apis: [
    { id: 'a1b2c3d4e5', name: 'orders', stages: [{ stageName: 'prod', accessLogSettings: { destinationArn: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/apigw/orders`, format: '$context.requestId' } }, { stageName: 'staging' }] },
    { id: 'f6g7h8i9j0', name: 'catalog', stages: [{ stageName: 'v1' }] },
  ],
});
const bucket = 'apigw-log-analytics-shop-logbucket-1x2y3z4w5v6u';
const fake = new FakeS3().bucket(`apigw-log-analytics-artifacts-${ACCOUNT}-eu-west-1`, { 'apigw-log-analytics:purpose': 'artifacts' }).bucket(bucket).install(mockClient(S3Client));
const qs = mockClient(QuickSightClient);
qs.on(ListNamespacesCommand).resolves({ Namespaces: [{ Name: 'default', CapacityRegion: 'us-east-1' }] });
qs.on(DescribeAccountSubscriptionCommand).resolves({ AccountInfo: { Edition: 'ENTERPRISE', AuthenticationType: 'IAM_AND_QUICKSIGHT' } });
qs.on(DescribeDashboardCommand).resolves({ Dashboard: { DashboardId: 'shop-dashboard', Version: { Status: 'CREATION_SUCCESSFUL' } } });
qs.on(DescribeGroupCommand).resolves({ Group: { GroupName: 'shop-Admins', Arn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/shop-Admins` } });
const cfnMock = mockClient(CloudFormationClient);
const cfn = new FakeCloudFormation(cfnMock).install();
/** After the deploy, the stack as `status` lists it (with its version tag). */
const cfnListing = () =>
  cfnMock.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'apigw-log-analytics-shop',
        StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/apigw-log-analytics-shop/1',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(Date.UTC(2026, 10, 25, 9, 31, 0)),
        Tags: [
          { Key: 'apigw-log-analytics:project', Value: 'shop' },
          { Key: 'apigw-log-analytics:version', Value: '0.1.0' },
        ],
        Outputs: Object.entries(cfn.stack?.outputs ?? {}).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
const types: Array<[string, string]> = [
  ['LogBucket', 'AWS::S3::Bucket'],
  ['EnrichmentFunction', 'AWS::Lambda::Function'],
  ['DeliveryStream', 'AWS::KinesisFirehose::DeliveryStream'],
  ['GlueTable', 'AWS::Glue::Table'],
  ['AthenaWorkGroup', 'AWS::Athena::WorkGroup'],
  ['Dashboard', 'AWS::QuickSight::Dashboard'],
];
cfn.changeSet = { status: 'CREATE_COMPLETE', changes: types.map(([id, t]) => change('Add', id, t)) };
cfn.onExecute = [
  { status: 'CREATE_IN_PROGRESS', events: types.slice(0, 3).map(([id, t]) => [id, t, 'CREATE_COMPLETE']) },
  {
    status: 'CREATE_COMPLETE',
    events: types.slice(3).map(([id, t]) => [id, t, 'CREATE_COMPLETE']),
    outputs: {
      [OUTPUT_KEYS.bucketName]: bucket,
      [OUTPUT_KEYS.deliveryStreamArn]: `arn:aws:firehose:eu-west-1:${ACCOUNT}:deliverystream/amazon-apigateway-shop`,
      [OUTPUT_KEYS.deliveryStreamName]: 'amazon-apigateway-shop',
      [OUTPUT_KEYS.athenaWorkGroupName]: 'apigw-log-analytics-shop',
      [OUTPUT_KEYS.dashboardUrl]: 'https://eu-west-1.quicksight.aws.amazon.com/sn/dashboards/shop-dashboard',
      [OUTPUT_KEYS.dashboardId]: 'shop-dashboard',
      [OUTPUT_KEYS.templateVersion]: '0.1.0',
      [OUTPUT_KEYS.enrichmentFunctionName]: 'apigw-log-analytics-shop-enrichment',
    },
  },
];

/** Shows each question and its answer the way a terminal would. */
class ShownPrompter extends ScriptedPrompter {
  constructor(private readonly show: (line: string) => void, script: ConstructorParameters<typeof ScriptedPrompter>[0]) {
    super(script);
  }
  override async confirm(q: { message: string }) {
    const a = await super.confirm(q);
    this.show(`? ${q.message} ${a ? 'Yes' : 'No'}`);
    return a;
  }
  override async input(q: { message: string }) {
    const a = await super.input(q);
    this.show(`? ${q.message} ${a}`);
    return a;
  }
  override async select<T>(q: { message: string; choices: Choice<T>[] }) {
    const a = await super.select(q);
    this.show(`? ${q.message} ${q.choices.find((c) => c.value === a)?.name ?? String(a)}`);
    return a;
  }
  override async checkbox<T>(q: { message: string; choices: Choice<T>[] }) {
    const a = await super.checkbox(q);
    this.show(`? ${q.message}\n${q.choices.map((c) => `  ${c.disabled ? '-' : a.includes(c.value) ? '◉' : '◯'} ${stripAnsi(c.name)}${c.disabled ? ` (${String(c.disabled)})` : ''}`).join('\n')}`);
    return a;
  }
}

const lines: string[] = [];
const prompter = new ShownPrompter((l) => lines.push(l), [
  { match: /Project name/, answer: 'shop' },
  { match: /Which stages/, answer: ['a1b2c3d4e5/prod', 'a1b2c3d4e5/staging', 'f6g7h8i9j0/v1'] },
  { match: /Switch them/, answer: true },
  { match: /Who should own/, answer: 'default-group' },
  { match: /Deploy this plan/, answer: true },
]);
const h = createTestContext({ interactive: mode === 'interactive', prompter, region: 'eu-west-1', startMs: Date.UTC(2026, 10, 25, 9, 30, 0) });
// Interleave what the prompter shows with what the command writes, in order.
const originalPush = h.records.push.bind(h.records);
h.records.push = (...items) => {
  for (const l of lines.splice(0)) originalPush({ stream: 'stderr', text: `${l}\n` });
  return originalPush(...items);
};
const options =
  mode === 'interactive'
    ? { allStages: false, replaceExistingLogs: false, createGroup: false, dashboard: true, yes: false, dryRun: false, json: false }
    : {
        project: 'shop',
        stage: ['a1b2c3d4e5/prod', 'a1b2c3d4e5/staging', 'f6g7h8i9j0/v1'],
        replaceExistingLogs: true,
        quicksightGroup: 'shop-Admins',
        allStages: false,
        createGroup: false,
        dashboard: true,
        yes: true,
        dryRun: false,
        json: false,
      };
await runInit(options, h.ctx);
if (mode === 'status') {
  // A few minutes later: a delivered object and an hour of metrics, then `status`.
  fake.put(bucket, 'logs/dt=2026-11-25/amazon-apigateway-shop-1-2026-11-25-09-33-01-5e2f.json.gz', 'x'.repeat(48_000), new Date(Date.UTC(2026, 10, 25, 9, 33, 1)));
  mockClient(CloudWatchClient).on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: 'incoming', Values: [1840] },
      { Id: 'delivery', Values: [1] },
      { Id: 'processing', Values: [1] },
      { Id: 'lambdaErrors', Values: [0] },
      { Id: 'lambdaThrottles', Values: [0] },
    ],
  });
  cfnListing();
  h.records.length = 0;
  h.clock.now = Date.UTC(2026, 10, 25, 9, 35, 0);
  await runStatus({ json: false, project: 'shop' }, h.ctx);
  process.stdout.write(`$ apigw-log-analytics status --region eu-west-1 --project shop\n`);
  for (const r of h.records.filter((x) => x.stream === 'stdout')) process.stdout.write(r.text);
} else {
  for (const r of h.records) process.stdout.write(r.text);
}
