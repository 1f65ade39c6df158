import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, UpdateStageCommand as V2UpdateStageCommand } from '@aws-sdk/client-apigatewayv2';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteStackCommand,
  ExecuteChangeSetCommand,
  ContinueUpdateRollbackCommand,
} from '@aws-sdk/client-cloudformation';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  QuickSightClient,
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  DescribeAccountSubscriptionCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  ListNamespacesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-quicksight';
import { runInit } from '../../src/commands/init/run.js';
import type { InitOptions } from '../../src/commands/init/index.js';
import { runUninstall } from '../../src/commands/uninstall/run.js';
import { accessLogFormat, accessLogFormatFor } from '../../src/core/log-format.js';
import { OUTPUT_KEYS } from '../../src/core/outputs.js';
import { stageKey as stageKeyOf } from '../../src/core/stage-patch.js';
import { isAppError } from '../../src/errors.js';
import { createTestContext, ScriptedPrompter } from '../helpers/context.js';
import { installFakeApiGateway, installFakeApiGatewayV2, type FakeAccount } from '../helpers/fake-apigw.js';
import { FakeS3 } from '../helpers/fake-s3.js';
import { FakeCloudFormation, change } from '../deploy/fake-cloudformation.js';
import { ACCOUNT, CALLER_ARN } from '../helpers/aws-fixtures.js';

const sts = mockClient(STSClient);
const apigw = mockClient(APIGatewayClient);
const apigw2 = mockClient(ApiGatewayV2Client);
const cfnMock = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const qs = mockClient(QuickSightClient);

const STREAM_ARN = `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/amazon-apigateway-shop-parquet`;
/** The stream of an installation made before the Parquet layout. */
const OLD_STREAM_ARN = `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/amazon-apigateway-shop`;
const BUCKET = 'apigw-log-analytics-shop-logbucket-abc123';
const ARTIFACTS = `apigw-log-analytics-artifacts-${ACCOUNT}-us-east-1`;
const LOG_GROUP_ARN = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/vendedlogs/apigw-log-analytics/shop`;
const OUTPUTS = {
  [OUTPUT_KEYS.bucketName]: BUCKET,
  [OUTPUT_KEYS.deliveryStreamArn]: STREAM_ARN,
  [OUTPUT_KEYS.deliveryStreamName]: 'amazon-apigateway-shop-parquet',
  [OUTPUT_KEYS.athenaWorkGroupName]: 'apigw-log-analytics-shop',
  [OUTPUT_KEYS.dashboardUrl]: 'https://us-east-1.quicksight.aws.amazon.com/sn/dashboards/shop-dashboard',
  [OUTPUT_KEYS.accessLogGroupArn]: LOG_GROUP_ARN,
};
const CW = { destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/api/orders`, format: '{"requestId":"$context.requestId"}' };
const GROUP_ARN = `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/shop-Admins`;

let account: FakeAccount;
let fakeS3: FakeS3;
let cfn: FakeCloudFormation;

beforeEach(() => {
  for (const m of [sts, apigw, apigw2, cfnMock, s3, qs]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AROA' });
  installFakeApiGatewayV2(apigw2, { apis: [{ id: 'httpapi001', name: 'webhooks', protocol: 'HTTP', stages: [{ StageName: '$default', AutoDeploy: true }] }] });
  account = {
    apis: [
      { id: 'a1b2c3d4e5', name: 'orders', stages: [{ stageName: 'prod', accessLogSettings: { ...CW } }, { stageName: 'dev' }] },
      { id: 'f6g7h8i9j0', name: 'catalog', stages: [{ stageName: 'v1' }] },
    ],
  };
  installFakeApiGateway(apigw, account);
  fakeS3 = new FakeS3().bucket(ARTIFACTS, { 'apigw-log-analytics:purpose': 'artifacts' }).bucket(BUCKET).install(s3);
  cfn = new FakeCloudFormation(cfnMock).install();
  cfn.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Add', 'LogBucket', 'AWS::S3::Bucket'), change('Add', 'DeliveryStream', 'AWS::KinesisFirehose::DeliveryStream')] };
  cfn.onExecute = [
    { status: 'CREATE_IN_PROGRESS', events: [['LogBucket', 'AWS::S3::Bucket', 'CREATE_IN_PROGRESS']] },
    { status: 'CREATE_COMPLETE', events: [['LogBucket', 'AWS::S3::Bucket', 'CREATE_COMPLETE']], outputs: OUTPUTS },
  ];
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
  dryRun: false,
  json: false,
  ...o,
});

const mutating = () => ({
  updateStage: apigw.commandCalls(UpdateStageCommand).length,
  createChangeSet: cfnMock.commandCalls(CreateChangeSetCommand).length,
  execute: cfnMock.commandCalls(ExecuteChangeSetCommand).length,
  putObject: s3.commandCalls(PutObjectCommand).length,
  createGroup: qs.commandCalls(CreateGroupCommand).length,
});

describe('init', () => {
  it('a clean install: plan, change set, deploy, stage connected, summary with the dashboard URL', async () => {
    const h = createTestContext();
    const r = await runInit(flags(), h.ctx);
    expect(r.plan).toMatchObject({ operation: 'create', project: 'shop', stackName: 'apigw-log-analytics-shop', dashboard: { enabled: true, principalArn: GROUP_ARN } });
    const cs = cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(cs).toMatchObject({ StackName: 'apigw-log-analytics-shop', ChangeSetType: 'CREATE', Capabilities: ['CAPABILITY_NAMED_IAM'], OnStackFailure: 'DELETE' });
    expect(cs.TemplateURL).toMatch(new RegExp(`^https://${ARTIFACTS}\\.s3\\.us-east-1\\.amazonaws\\.com/templates/[0-9a-f]{64}\\.json$`));
    expect(Object.fromEntries(cs.Parameters!.map((p) => [p.ParameterKey, p.ParameterValue]))).toEqual({
      ProjectName: 'shop',
      RetentionDays: '90',
      QuickSightPrincipalArn: GROUP_ARN,
      LegacyDeliveryStream: 'absent',
    });
    expect(cs.Tags).toEqual(expect.arrayContaining([{ Key: 'apigw-log-analytics:project', Value: 'shop' }, { Key: 'apigw-log-analytics:version', Value: '0.1.0' }]));
    expect(apigw.commandCalls(UpdateStageCommand).map((c) => c.args[0].input)).toEqual([
      {
        restApiId: 'a1b2c3d4e5',
        stageName: 'dev',
        patchOperations: [
          { op: 'replace', path: '/accessLogSettings/destinationArn', value: STREAM_ARN },
          { op: 'replace', path: '/accessLogSettings/format', value: accessLogFormat() },
        ],
      },
    ]);
    expect(JSON.parse(fakeS3.get(BUCKET, '_state/stages/a1b2c3d4e5/dev.json')!)).toMatchObject({ previous: null, applied: { destinationArn: STREAM_ARN } });
    const out = h.out('stdout');
    expect(out).toContain('apigw-log-analytics installed: shop in us-east-1');
    expect(out).toContain(`Dashboard  ${OUTPUTS[OUTPUT_KEYS.dashboardUrl]}`);
    expect(out).toContain('Next       npx apigw-log-analytics status --region us-east-1 --project shop');
    expect(out).toContain('records reach S3 about a minute after the next request');
    expect(out).toContain('the raw-requests sheet shows them then, the other sheets at minute 30 of the next UTC hour');
    const err = h.out('stderr');
    expect(err).toContain('Cost (estimate)');
    expect(err).toContain('npx apigw-log-analytics init --region us-east-1 --project shop --stage a1b2c3d4e5/dev --quicksight-group shop-Admins --yes');
    expect(err).toContain('Found 4 stages (3 REST, 1 HTTP, 0 WebSocket)');
  });

  it('an HTTP API $default stage (auto-deploy) is connected to the installation\'s log group with the HTTP format', async () => {
    const h = createTestContext();
    const r = await runInit(flags({ stage: ['httpapi001/$default'] }), h.ctx);
    expect(r.stages.map((s) => [s.ref, s.outcome])).toEqual([[{ apiId: 'httpapi001', stageName: '$default', apiKind: 'HTTP', apiName: 'webhooks' }, 'connected']].map(([ref, o]) => [expect.objectContaining(ref as object), o]));
    expect(apigw2.commandCalls(V2UpdateStageCommand).map((c) => c.args[0].input)).toEqual([
      { ApiId: 'httpapi001', StageName: '$default', AccessLogSettings: { DestinationArn: LOG_GROUP_ARN, Format: accessLogFormatFor('HTTP') } },
    ]);
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
    expect(JSON.parse(fakeS3.get(BUCKET, '_state/stages/httpapi001/$default.json')!)).toMatchObject({ apiKind: 'HTTP', previous: null, applied: { destinationArn: LOG_GROUP_ARN } });
    expect(r.plan.cost.lines.join('\n')).toContain('HTTP/WebSocket stages (1): CloudWatch Logs ingestion $0.50/GB (aws.amazon.com/cloudwatch/pricing)');
    expect(h.out('stderr')).toContain("--stage httpapi001/'$default'");
  });

  it('every prompt answered by its flag: the prompter is never called on a terminal', async () => {
    const prompter = new ScriptedPrompter([]);
    const h = createTestContext({ interactive: true, prompter });
    await runInit(flags({ quicksightGroup: 'shop-Admins', retentionDays: 30 }), h.ctx);
    expect(prompter.asked).toEqual([]);
    const params = cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.Parameters!;
    expect(params).toContainEqual({ ParameterKey: 'RetentionDays', ParameterValue: '30' });
  });

  it('asks for each missing input on a terminal', async () => {
    const prompter = new ScriptedPrompter([
      { match: /Project name/, answer: 'shop' },
      { match: /Which stages/, answer: ['f6g7h8i9j0/v1'] },
      { match: /Who should own the QuickSight dashboard/, answer: 'default-group' },
      { match: /Deploy this plan/, answer: true },
    ]);
    const h = createTestContext({ interactive: true, prompter });
    const r = await runInit(flags({ project: undefined, stage: undefined, yes: false }), h.ctx);
    expect(prompter.asked.map((a) => a.kind)).toEqual(['input', 'checkbox', 'select', 'confirm']);
    // HTTP API stages are offered beside REST ones.
    expect(prompter.asked[1]!.choices!.find((c) => c.value === 'httpapi001/$default')).toMatchObject({ name: expect.stringContaining('HTTP API') });
    expect(r.stages.map((s) => s.outcome)).toEqual(['connected']);
    expect(h.out('stderr')).toContain('--project shop --stage f6g7h8i9j0/v1 --quicksight-group shop-Admins --yes');
  });

  it('--no-interactive with a missing input fails naming the flag, before any change', async () => {
    const noProject = await runInit(flags({ project: undefined }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(noProject) && noProject.kind).toBe('usage');
    expect(isAppError(noProject) && noProject.message).toBe('--project NAME is missing (for example --project api-analytics; the same name upgrades an installation).');
    const noStage = await runInit(flags({ stage: undefined }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(noStage) && noStage.resolution).toContain('--stage API_ID/STAGE (repeatable) or --all-stages');
    const noYes = await runInit(flags({ yes: false }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(noYes) && noYes.message).toContain('--yes is missing');
    const badProject = await runInit(flags({ project: 'shop_1' }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(badProject) && badProject.kind).toBe('usage');
    expect(isAppError(badProject) && badProject.message).toBe('--project "shop_1" cannot be used: use only lowercase letters, digits and hyphens (it feeds S3, Glue, Firehose and QuickSight names).');
    expect(mutating()).toEqual({ updateStage: 0, createChangeSet: 0, execute: 0, putObject: 0, createGroup: 0 });
  });

  it('a bad or missing flag is refused before any AWS call, every one at once (exit 2)', async () => {
    const all = await runInit(flags({ project: 'Bad Name!', yes: false, stage: ['nope'], allStages: true, dashboard: false, quicksightGroup: 'g' }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(all) && all.exitCode).toBe(2);
    expect(isAppError(all) && all.message).toBe('5 problems with the command line:');
    expect(isAppError(all) && all.details).toEqual([
      '- --project "Bad Name!" cannot be used: it must start with a lowercase letter',
      '- --stage and --all-stages cannot be used together: pass one of them',
      '- --stage "nope" is not API_ID/STAGE (for example a1b2c3d4e5/prod)',
      '- --no-dashboard cannot be used with --quicksight-group, --quicksight-user or --create-group: drop one side',
      '- --yes is missing (it confirms the plan; --dry-run only shows it)',
    ]);
    expect(sts.calls()).toHaveLength(0);
    expect(apigw.calls()).toHaveLength(0);
    expect(qs.calls()).toHaveLength(0);
  });

  it('every prompt that changes the account defaults to no', async () => {
    qs.on(DescribeGroupCommand).rejects(new ResourceNotFoundException({ message: 'Group not found', $metadata: { httpStatusCode: 404 } }));
    qs.on(DescribeUserCommand).resolves({ User: { UserName: 'Admin/jane', Arn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/Admin/jane`, Role: 'ADMIN' } });
    qs.on(CreateGroupCommand).resolves({ Group: { GroupName: 'shop-Admins', Arn: GROUP_ARN } });
    qs.on(CreateGroupMembershipCommand).resolves({});
    const prompter = new ScriptedPrompter([
      { match: /Switch them to apigw-log-analytics/, answer: true },
      { match: /Create the group shop-Admins/, answer: true },
      { match: /Deploy this plan/, answer: true },
    ]);
    await runInit(flags({ stage: ['a1b2c3d4e5/prod'], quicksightGroup: 'shop-Admins', yes: false }), createTestContext({ interactive: true, prompter }).ctx);
    const confirms = prompter.asked.filter((a) => a.kind === 'confirm');
    expect(confirms.map((c) => c.message.slice(0, 20))).toEqual(['Switch them to apigw', 'Create the group sho', 'Deploy this plan? [-']);
    expect(confirms.map((c) => c.default)).toEqual([false, false, false]);
  });

  it('no QuickSight subscription: found before any question; the wizard offers to go on without a dashboard', async () => {
    qs.on(DescribeAccountSubscriptionCommand).rejects(new ResourceNotFoundException({ message: `Account ${ACCOUNT} is not signed up with QuickSight`, $metadata: { httpStatusCode: 404 } }));
    const prompter = new ScriptedPrompter([
      { match: /Continue without the QuickSight dashboard/, answer: 'none' },
      { match: /Project name/, answer: 'shop' },
      { match: /Which stages/, answer: ['f6g7h8i9j0/v1'] },
      { match: /Deploy this plan/, answer: true },
    ]);
    const h = createTestContext({ interactive: true, prompter });
    const r = await runInit(flags({ project: undefined, stage: undefined, yes: false }), h.ctx);
    expect(prompter.asked.map((a) => a.kind)).toEqual(['select', 'input', 'checkbox', 'confirm']);
    expect(prompter.asked[0]!.choices!.map((c) => c.name)).toEqual([
      'continue without a dashboard: the pipeline, Glue table and Athena workgroup are installed; read the data with `apigw-log-analytics report` (or Athena)',
      'stop here, to sign up for QuickSight first',
    ]);
    expect(r.plan.dashboard).toEqual({ enabled: false });
    expect(r.plan.command).toBe('npx apigw-log-analytics init --region us-east-1 --project shop --stage f6g7h8i9j0/v1 --no-dashboard --yes');
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.Parameters).toContainEqual({ ParameterKey: 'QuickSightPrincipalArn', ParameterValue: '' });
    expect(h.out('stderr')).toContain(`Account ${ACCOUNT} has no QuickSight subscription.`);
  });

  it('no QuickSight subscription, "stop here": nothing else is asked, and the way to subscribe is named', async () => {
    qs.on(DescribeAccountSubscriptionCommand).rejects(new ResourceNotFoundException({ message: `Account ${ACCOUNT} is not signed up with QuickSight`, $metadata: { httpStatusCode: 404 } }));
    const prompter = new ScriptedPrompter([{ match: /Continue without the QuickSight dashboard/, answer: 'stop' }]);
    const err = await runInit(flags({ project: undefined, stage: undefined, yes: false }), createTestContext({ interactive: true, prompter }).ctx).catch((e: unknown) => e);
    expect(prompter.asked).toHaveLength(1);
    expect(isAppError(err) && err.kind).toBe('abort');
    expect(isAppError(err) && err.resolution).toContain('Sign up for QuickSight Enterprise edition at https://quicksight.aws.amazon.com/');
    expect(isAppError(err) && err.resolution).toContain('--no-dashboard');
    // Nothing was answered but the stop itself: no command to repeat.
    expect(isAppError(err) && err.details).toEqual([]);
    expect(mutating()).toEqual({ updateStage: 0, createChangeSet: 0, execute: 0, putObject: 0, createGroup: 0 });
  });

  it('no QuickSight subscription without a terminal: stops before the plan, naming --no-dashboard and report', async () => {
    qs.on(DescribeAccountSubscriptionCommand).rejects(new ResourceNotFoundException({ message: `Account ${ACCOUNT} is not signed up with QuickSight`, $metadata: { httpStatusCode: 404 } }));
    const h = createTestContext();
    const err = await runInit(flags(), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('QuickSightNotSubscribed');
    expect(isAppError(err) && err.resolution).toContain('--no-dashboard and read the data with `apigw-log-analytics report`');
    expect(h.out()).not.toContain('Plan');
    expect(mutating()).toEqual({ updateStage: 0, createChangeSet: 0, execute: 0, putObject: 0, createGroup: 0 });
  });

  it('a failure after the answers prints the command that repeats them', async () => {
    qs.on(DescribeGroupCommand).rejects(new ResourceNotFoundException({ message: 'Group not found', $metadata: { httpStatusCode: 404 } }));
    const prompter = new ScriptedPrompter([
      { match: /Project name/, answer: 'shop' },
      { match: /Which stages/, answer: ['f6g7h8i9j0/v1'] },
      { match: /Who should own the QuickSight dashboard/, answer: 'default-group' },
      { match: /Create the group shop-Admins/, answer: false },
    ]);
    const err = await runInit(flags({ project: undefined, stage: undefined, yes: false }), createTestContext({ interactive: true, prompter }).ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('QuickSightGroupMissing');
    expect(isAppError(err) && err.details).toEqual([
      'Your answers as one command: npx apigw-log-analytics init --region us-east-1 --project shop --stage f6g7h8i9j0/v1 --quicksight-group shop-Admins --yes',
    ]);
  });

  it('a READER cannot own the dashboard: refused before the plan, naming the role and what to pass', async () => {
    for (const role of ['READER', 'READER_PRO'] as const) {
      qs.on(DescribeUserCommand).resolves({ User: { UserName: 'bob', Arn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/bob`, Role: role } });
      const h = createTestContext();
      const err = await runInit(flags({ quicksightUser: 'bob', dryRun: true }), h.ctx).catch((e: unknown) => e);
      expect(isAppError(err) && err.code, role).toBe('QuickSightReaderOwner');
      expect(isAppError(err) && err.message, role).toBe(`QuickSight user bob has the role ${role}, which cannot own the dashboard and its dataset (namespace default).`);
      expect(isAppError(err) && err.resolution, role).toContain('--quicksight-user with a user whose role is ADMIN, AUTHOR, ADMIN_PRO or AUTHOR_PRO');
      expect(isAppError(err) && err.resolution, role).toContain('--quicksight-group NAME');
      expect(h.out()).not.toContain('Plan');
    }
    for (const role of ['AUTHOR', 'ADMIN_PRO'] as const) {
      qs.on(DescribeUserCommand).resolves({ User: { UserName: 'amy', Arn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/amy`, Role: role } });
      const r = await runInit(flags({ quicksightUser: 'amy', dryRun: true }), createTestContext().ctx);
      expect(r.plan.dashboard).toMatchObject({ enabled: true, principalArn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/amy` });
    }
  });

  it('Standard edition: the owner question offers no group', async () => {
    qs.on(DescribeAccountSubscriptionCommand).resolves({ AccountInfo: { Edition: 'STANDARD', AuthenticationType: 'IAM_AND_QUICKSIGHT', AccountSubscriptionStatus: 'ACCOUNT_CREATED' } });
    qs.on(DescribeUserCommand).resolves({ User: { UserName: 'Admin/jane', Arn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/Admin/jane`, Role: 'ADMIN' } });
    const prompter = new ScriptedPrompter([{ match: /Who should own/, answer: 'me' }]);
    const r = await runInit(flags({ dryRun: true }), createTestContext({ interactive: true, prompter }).ctx);
    expect(prompter.asked[0]!.choices!.map((c) => c.value)).toEqual(['me', 'other-user', 'none']);
    expect(r.plan.command).toContain('--quicksight-user Admin/jane');
  });

  it('--dry-run makes no mutating call and prints the plan as JSON', async () => {
    qs.on(DescribeGroupCommand).rejects(new ResourceNotFoundException({ message: 'Group not found', $metadata: { httpStatusCode: 404 } }));
    qs.on(DescribeUserCommand).resolves({ User: { UserName: 'Admin/jane', Arn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/Admin/jane` } });
    const h = createTestContext();
    const r = await runInit(flags({ dryRun: true, json: true, createGroup: true, stage: ['a1b2c3d4e5/prod'], replaceExistingLogs: true }), h.ctx);
    expect(mutating()).toEqual({ updateStage: 0, createChangeSet: 0, execute: 0, putObject: 0, createGroup: 0 });
    expect(qs.commandCalls(CreateGroupMembershipCommand)).toHaveLength(0);
    const printed = JSON.parse(h.out('stdout')) as typeof r.plan;
    expect(printed).toEqual(JSON.parse(JSON.stringify(r.plan)));
    expect(printed.stages).toEqual([{ apiId: 'a1b2c3d4e5', apiName: 'orders', stageName: 'prod', current: { kind: 'cloudwatch', destinationArn: CW.destinationArn, logGroup: '/api/orders' }, change: 'replace' }]);
    expect(printed.dashboard).toEqual({ enabled: true, principalArn: GROUP_ARN, identityRegion: 'us-east-1', createGroup: true });
    expect(printed.command).toBe('npx apigw-log-analytics init --region us-east-1 --project shop --stage a1b2c3d4e5/prod --replace-existing-logs --quicksight-group shop-Admins --create-group --yes');
  });

  it('creates the QuickSight group only after the plan is confirmed', async () => {
    qs.on(DescribeGroupCommand).rejects(new ResourceNotFoundException({ message: 'Group not found', $metadata: { httpStatusCode: 404 } }));
    qs.on(DescribeUserCommand).resolves({ User: { UserName: 'Admin/jane', Arn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/Admin/jane` } });
    qs.on(CreateGroupCommand).resolves({ Group: { GroupName: 'shop-Admins', Arn: GROUP_ARN } });
    qs.on(CreateGroupMembershipCommand).resolves({});
    const prompter = new ScriptedPrompter([{ match: /Deploy this plan/, answer: false }]);
    const declined = await runInit(flags({ createGroup: true, quicksightGroup: 'shop-Admins', yes: false }), createTestContext({ interactive: true, prompter }).ctx).catch((e: unknown) => e);
    expect(isAppError(declined) && declined.kind).toBe('abort');
    expect(qs.commandCalls(CreateGroupCommand)).toHaveLength(0);
    await runInit(flags({ createGroup: true }), createTestContext().ctx);
    expect(qs.commandCalls(CreateGroupCommand)[0]!.args[0].input).toMatchObject({ GroupName: 'shop-Admins', AwsAccountId: ACCOUNT, Namespace: 'default' });
    expect(qs.commandCalls(CreateGroupMembershipCommand)[0]!.args[0].input).toMatchObject({ GroupName: 'shop-Admins', MemberName: 'Admin/jane' });
  });

  it('--no-dashboard deploys without QuickSight and never calls it', async () => {
    await runInit(flags({ dashboard: false }), createTestContext().ctx);
    expect(qs.calls()).toHaveLength(0);
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.Parameters).toContainEqual({ ParameterKey: 'QuickSightPrincipalArn', ParameterValue: '' });
  });

  it('a stage already logging to CloudWatch: needs consent, and its settings are stored before the patch', async () => {
    const refused = await runInit(flags({ stage: ['a1b2c3d4e5/prod'] }), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('ReplaceNeedsConsent');
    expect(mutating().createChangeSet).toBe(0);
    const order: string[] = [];
    s3.on(PutObjectCommand).callsFake((i: { Key: string; Bucket: string; Body: string }) => {
      order.push(`put ${i.Key}`);
      fakeS3.put(i.Bucket, i.Key, i.Body);
      return {};
    });
    apigw.on(UpdateStageCommand).callsFake(() => {
      order.push('UpdateStage');
      account.apis[0]!.stages[0]!.accessLogSettings = { destinationArn: STREAM_ARN, format: accessLogFormat() };
      return account.apis[0]!.stages[0];
    });
    const prompter = new ScriptedPrompter([{ match: /Switch them to apigw-log-analytics/, answer: true }]);
    await runInit(flags({ stage: ['a1b2c3d4e5/prod'], quicksightGroup: 'shop-Admins' }), createTestContext({ interactive: true, prompter }).ctx);
    expect(order.filter((o) => o !== 'put templates/' && !o.startsWith('put templates/'))).toEqual(['put _state/stages/a1b2c3d4e5/prod.json', 'UpdateStage']);
    expect(JSON.parse(fakeS3.get(BUCKET, '_state/stages/a1b2c3d4e5/prod.json')!)).toEqual({
      schemaVersion: 1,
      project: 'shop',
      region: 'us-east-1',
      apiId: 'a1b2c3d4e5',
      stageName: 'prod',
      previous: CW,
      applied: { destinationArn: STREAM_ARN, format: accessLogFormat() },
      connectedAt: expect.stringMatching(/^2026-11-25T12:00:\d\d\.000Z$/),
      connectedBy: CALLER_ARN,
      revision: expect.any(String),
    });
  });

  it('re-running is an upgrade through an UPDATE change set; a second re-run changes nothing', async () => {
    await runInit(flags(), createTestContext().ctx);
    // Upgrade: the stack exists, the template differs.
    cfn.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Modify', 'EnrichmentFunction', 'AWS::Lambda::Function', 'False')] };
    cfn.onExecute = [{ status: 'UPDATE_IN_PROGRESS' }, { status: 'UPDATE_COMPLETE', outputs: OUTPUTS }];
    const h2 = createTestContext();
    const second = await runInit(flags(), h2.ctx);
    expect(second.plan.operation).toBe('upgrade');
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[1]!.args[0].input.ChangeSetType).toBe('UPDATE');
    expect(second.deployed?.operation).toBe('update');
    expect(second.stages.map((s) => s.outcome)).toEqual(['unchanged']);
    expect(h2.out('stdout')).toContain('apigw-log-analytics upgraded: shop in us-east-1');
    // No-op: the change set has no changes.
    cfn.changeSet = { status: 'FAILED', reason: "The submitted information didn't contain changes. Submit different information to create a change set." };
    const executes = cfnMock.commandCalls(ExecuteChangeSetCommand).length;
    const updates = apigw.commandCalls(UpdateStageCommand).length;
    const h3 = createTestContext();
    const third = await runInit(flags(), h3.ctx);
    expect(third.deployed?.noChanges).toBe(true);
    expect(cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(executes);
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(updates);
    expect(h3.out('stdout')).toContain('apigw-log-analytics is up to date: shop in us-east-1');
  });

  it('upgrades an installation of the gzip JSON layout without losing a record: old stream kept, stages moved, removed by the next run', async () => {
    // Installed before issue 16: one stream, amazon-apigateway-shop, with prod connected to it (and its original CloudWatch settings saved).
    const oldOutputs = { ...OUTPUTS, [OUTPUT_KEYS.deliveryStreamArn]: OLD_STREAM_ARN, [OUTPUT_KEYS.deliveryStreamName]: 'amazon-apigateway-shop' };
    cfn.withStack('UPDATE_COMPLETE', { outputs: oldOutputs });
    cfn.stack!.parameters = { ProjectName: 'shop', RetentionDays: '30', BufferIntervalSeconds: '60' };
    account.apis[0]!.stages[0]!.accessLogSettings = { destinationArn: OLD_STREAM_ARN, format: accessLogFormat() };
    const saved = { schemaVersion: 1, project: 'shop', region: 'us-east-1', apiId: 'a1b2c3d4e5', stageName: 'prod', previous: CW, applied: { destinationArn: OLD_STREAM_ARN, format: accessLogFormat() }, connectedAt: '2026-01-01T00:00:00.000Z', connectedBy: CALLER_ARN };
    fakeS3.put(BUCKET, '_state/stages/a1b2c3d4e5/prod.json', JSON.stringify(saved));
    cfn.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Add', 'AccessLogStream', 'AWS::KinesisFirehose::DeliveryStream')] };
    cfn.onExecute = [{ status: 'UPDATE_IN_PROGRESS' }, { status: 'UPDATE_COMPLETE', outputs: { ...OUTPUTS, LegacyDeliveryStreamArn: OLD_STREAM_ARN } }];

    const h = createTestContext();
    const r = await runInit(flags({ stage: [] }), h.ctx);
    // The plan says what happens to the layout, the old data and the old stream.
    expect(r.plan.layout).toEqual({ legacyStreamArn: OLD_STREAM_ARN, parameter: 'kept', stagesToMove: ['a1b2c3d4e5/prod'] });
    const err = h.out('stderr');
    expect(err).toContain('access logs move to Parquet');
    expect(err).toContain('table access_logs_json');
    expect(err).toContain('1 stage move from amazon-apigateway-shop to the new stream after the deploy: a1b2c3d4e5/prod');
    // The old stream is kept by this deploy (it is still receiving prod's logs while the new one is created).
    const cs = cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(Object.fromEntries(cs.Parameters!.map((p) => [p.ParameterKey, p.ParameterValue]))).toMatchObject({ LegacyDeliveryStream: 'kept', RetentionDays: '30' });
    // prod moves to the new stream; its saved original settings (CloudWatch) stay what disconnect restores.
    expect(r.stages.map((s) => [stageKeyOf(s.ref), s.outcome])).toEqual([['a1b2c3d4e5/prod', 'updated']]);
    expect(account.apis[0]!.stages[0]!.accessLogSettings).toEqual({ destinationArn: STREAM_ARN, format: accessLogFormat() });
    expect(JSON.parse(fakeS3.get(BUCKET, '_state/stages/a1b2c3d4e5/prod.json')!)).toMatchObject({
      previous: CW,
      applied: { destinationArn: STREAM_ARN },
      connectedAt: '2026-01-01T00:00:00.000Z',
    });

    // The next run: no stage delivers to the old stream any more, so it goes.
    cfn.changeSet = { status: 'CREATE_COMPLETE', changes: [change('Remove', 'DeliveryStream', 'AWS::KinesisFirehose::DeliveryStream')] };
    cfn.onExecute = [{ status: 'UPDATE_IN_PROGRESS' }, { status: 'UPDATE_COMPLETE', outputs: OUTPUTS }];
    const h2 = createTestContext();
    const second = await runInit(flags({ stage: [] }), h2.ctx);
    expect(second.plan.layout).toMatchObject({ parameter: 'absent', stagesToMove: [] });
    expect(h2.out('stderr')).toContain('amazon-apigateway-shop is removed: no stage delivers to it any more.');
    const cs2 = cfnMock.commandCalls(CreateChangeSetCommand)[1]!.args[0].input;
    expect(Object.fromEntries(cs2.Parameters!.map((p) => [p.ParameterKey, p.ParameterValue]))).toMatchObject({ LegacyDeliveryStream: 'absent' });
    // And once it is gone, later runs have nothing to say about the layout.
    const h3 = createTestContext();
    cfn.changeSet = { status: 'FAILED', reason: "The submitted information didn't contain changes. Submit different information to create a change set." };
    expect((await runInit(flags({ stage: [] }), h3.ctx)).plan.layout).toBeUndefined();
  });

  it('keeps the old stream while a stage still delivers to it (a move that failed)', async () => {
    const oldOutputs = { ...OUTPUTS, LegacyDeliveryStreamArn: OLD_STREAM_ARN };
    cfn.withStack('UPDATE_COMPLETE', { outputs: oldOutputs });
    cfn.stack!.parameters = { ProjectName: 'shop', RetentionDays: '90', LegacyDeliveryStream: 'kept' };
    account.apis[0]!.stages[0]!.accessLogSettings = { destinationArn: OLD_STREAM_ARN, format: accessLogFormat() };
    cfn.changeSet = { status: 'FAILED', reason: "The submitted information didn't contain changes. Submit different information to create a change set." };
    const r = await runInit(flags({ stage: [] }), createTestContext().ctx);
    expect(r.plan.layout).toEqual({ legacyStreamArn: OLD_STREAM_ARN, parameter: 'kept', stagesToMove: ['a1b2c3d4e5/prod'] });
    expect(r.plan.parameters.LegacyDeliveryStream).toBe('kept');
    expect(account.apis[0]!.stages[0]!.accessLogSettings?.destinationArn).toBe(STREAM_ARN);
  });

  it('a stack left in ROLLBACK_COMPLETE is deleted (with consent) and created again', async () => {
    cfn.withStack('ROLLBACK_COMPLETE', { tags: { 'apigw-log-analytics:project': 'shop' } });
    const refused = await runInit(flags({ yes: false, quicksightGroup: 'shop-Admins' }), createTestContext({ interactive: true, prompter: new ScriptedPrompter([{ match: /Deploy this plan/, answer: true }, { match: /./, answer: false }]) }).ctx).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.kind).toBe('abort');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
    const r = await runInit(flags(), createTestContext().ctx);
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(r.deployed?.operation).toBe('create');
  });

  it.each([
    ['REVIEW_IN_PROGRESS', 'create', 'CREATE'],
    ['UPDATE_IN_PROGRESS', 'upgrade', 'UPDATE'],
    ['UPDATE_ROLLBACK_FAILED', 'upgrade', 'UPDATE'],
  ])('a stack in %s: plan says %s, change set %s', async (status, operation, type) => {
    cfn.withStack(status, { tags: { 'apigw-log-analytics:project': 'shop' }, outputs: status === 'REVIEW_IN_PROGRESS' ? {} : OUTPUTS });
    if (status === 'UPDATE_IN_PROGRESS') cfn.running = [{ status: 'UPDATE_IN_PROGRESS' }, { status: 'UPDATE_COMPLETE', outputs: OUTPUTS }];
    if (type === 'UPDATE') cfn.onExecute = [{ status: 'UPDATE_IN_PROGRESS' }, { status: 'UPDATE_COMPLETE', outputs: OUTPUTS }];
    const h = createTestContext();
    const r = await runInit(flags(), h.ctx);
    expect(r.plan.operation).toBe(operation);
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe(type);
    if (status === 'UPDATE_ROLLBACK_FAILED') expect(cfnMock.commandCalls(ContinueUpdateRollbackCommand)).toHaveLength(1);
    expect(r.stages.map((s) => s.outcome)).toEqual(['connected']);
  });

  it('a change set that fails is an error with its reason, and nothing is connected', async () => {
    cfn.changeSet = { status: 'FAILED', reason: 'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template' };
    const err = await runInit(flags(), createTestContext().ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.message).toContain('Unresolved resource dependencies');
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });

  it('a stack that rolls back shows the failing resource and its reason, and connects nothing', async () => {
    cfn.onExecute = [
      { status: 'CREATE_IN_PROGRESS', events: [['Dashboard', 'AWS::QuickSight::Dashboard', 'CREATE_IN_PROGRESS']] },
      {
        status: 'ROLLBACK_IN_PROGRESS',
        events: [
          ['Dashboard', 'AWS::QuickSight::Dashboard', 'CREATE_FAILED', 'Principal ARN arn:aws:quicksight:us-east-1:111122223333:group/default/shop-Admins is not valid'],
          ['LogBucket', 'AWS::S3::Bucket', 'CREATE_FAILED', 'Resource creation cancelled'],
        ],
      },
      { status: 'DELETE_COMPLETE' },
    ];
    const h = createTestContext();
    const err = await runInit(flags(), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.details.join('\n')).toContain('Dashboard (AWS::QuickSight::Dashboard) CREATE_FAILED: Principal ARN');
    expect(isAppError(err) && err.details.join('\n')).not.toContain('Resource creation cancelled');
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });

  it('one stage of five throttled until retries run out: four are connected and the summary names the fifth', async () => {
    account.apis[1]!.stages = ['s1', 's2', 's3', 's4', 's5'].map((s) => ({ stageName: s }));
    installFakeApiGateway(apigw, account, { admit: (op, input) => !(op === 'UpdateStage' && input.stageName === 's5') });
    const h = createTestContext();
    const err = await runInit(flags({ stage: ['f6g7h8i9j0/s1', 'f6g7h8i9j0/s2', 'f6g7h8i9j0/s3', 'f6g7h8i9j0/s4', 'f6g7h8i9j0/s5'] }), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('StagesFailed');
    expect(isAppError(err) && err.message).toBe('1 of 5 stages could not be connected; the others are.');
    expect(isAppError(err) && err.resolution).toBe('Retry them: npx apigw-log-analytics connect-stage --region us-east-1 --project shop --stage f6g7h8i9j0/s5 --yes');
    for (const s of ['s1', 's2', 's3', 's4']) expect(account.apis[1]!.stages.find((x) => x.stageName === s)!.accessLogSettings?.destinationArn).toBe(STREAM_ARN);
    expect(h.out('stdout')).toContain('Stages     4 connected, 0 updated, 0 already connected, 1 failed');
  });

  it('Ctrl+C during the deploy stops waiting and says how to finish', async () => {
    const h = createTestContext();
    cfn.onExecute = [{ status: 'CREATE_IN_PROGRESS', onApply: () => h.abort.abort() }, { status: 'CREATE_COMPLETE', outputs: OUTPUTS }];
    const err = await runInit(flags(), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.exitCode).toBe(130);
    expect(isAppError(err) && `${err.message} ${err.resolution}`).toMatch(/CloudFormation.*(continues|still)/);
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });

  it('Ctrl+C during stage patching: stages done stay connected, the rest untouched and listed with the command that finishes', async () => {
    account.apis[1]!.stages = Array.from({ length: 14 }, (_, i) => ({ stageName: `s${i + 1}` }));
    const h = createTestContext();
    installFakeApiGateway(apigw, account, {
      admit: (op) => {
        if (op === 'UpdateStage') h.abort.abort();
        return true;
      },
    });
    const stages = account.apis[1]!.stages.map((s) => `f6g7h8i9j0/${s.stageName}`);
    const err = await runInit(flags({ stage: stages }), h.ctx).catch((e: unknown) => e);
    if (!isAppError(err)) throw err;
    expect(err.exitCode).toBe(130);
    const connected = account.apis[1]!.stages.filter((s) => s.accessLogSettings?.destinationArn === STREAM_ARN).map((s) => `f6g7h8i9j0/${s.stageName}`);
    const untouched = stages.filter((s) => !connected.includes(s));
    expect(connected.length).toBeGreaterThan(0);
    expect(untouched.length).toBeGreaterThan(0);
    expect(err.details).toEqual([`Connected: ${connected.join(', ')}.`, `Not done: ${untouched.join(', ')}.`]);
    expect(err.resolution).toBe(`Finish with: npx apigw-log-analytics connect-stage --region us-east-1 --project shop ${untouched.map((s) => `--stage ${s}`).join(' ')} --yes`);
    // Nothing half-done: a stage has a saved record exactly when it was patched.
    const saved = [...fakeS3.current(BUCKET).keys()].filter((k) => k.startsWith('_state/')).map((k) => k.replace('_state/stages/', '').replace('.json', ''));
    expect(saved.sort()).toEqual([...connected].sort());
  });

  describe('re-install after an uninstall that kept the log bucket (issue 13 §3)', () => {
    const OLD = 'apigw-log-analytics-shop-logbucket-old999';
    const TAG = { 'apigw-log-analytics:project': 'shop' };
    const parametersSent = () => Object.fromEntries((cfnMock.commandCalls(CreateChangeSetCommand).at(-1)!.args[0].input.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));

    it('uninstall keeps the bucket; init finds it by its tag, shows it in the plan and the stack continues with it', async () => {
      fakeS3.buckets.get(BUCKET)!.tags = TAG;
      fakeS3.put(BUCKET, 'logs/dt=2026-11-20/old.json.gz', 'kept data');
      cfn.withStack('CREATE_COMPLETE', { outputs: OUTPUTS });
      account.apis[0]!.stages[1]!.accessLogSettings = { destinationArn: STREAM_ARN, format: accessLogFormat() };
      const gone = await runUninstall({ project: 'shop', purgeBucket: false, retainStuckResources: false, yes: true, dryRun: false, json: false }, createTestContext().ctx);
      expect(gone.bucket).toEqual({ name: BUCKET, outcome: 'kept' });
      expect(cfn.stack?.status).toBe('DELETE_COMPLETE');
      // The artifacts bucket went with the last installation; init makes it again (tested elsewhere; this fake cannot create buckets).
      fakeS3.bucket(ARTIFACTS, { 'apigw-log-analytics:purpose': 'artifacts' });

      const h = createTestContext();
      const r = await runInit(flags(), h.ctx);
      expect(r.plan.keptBucket).toEqual({ name: BUCKET, alsoKept: [] });
      expect(h.out('stderr')).toContain(`Bucket    continue with ${BUCKET}, which a previous installation of shop kept`);
      expect(parametersSent()).toMatchObject({ ProjectName: 'shop', ExistingLogBucket: BUCKET });
      expect(fakeS3.get(BUCKET, 'logs/dt=2026-11-20/old.json.gz')).toBe('kept data');
      // The stage's previous settings went into the kept bucket, where the new stack reads them.
      expect(fakeS3.get(BUCKET, '_state/stages/a1b2c3d4e5/dev.json')).toBeDefined();
    });

    it('with two kept buckets: continues with one and names the other in the plan', async () => {
      fakeS3.buckets.get(BUCKET)!.tags = TAG;
      fakeS3.bucket(OLD, TAG);
      const r = await runInit(flags({ dryRun: true }), createTestContext().ctx);
      expect(r.plan.keptBucket).toEqual({ name: BUCKET, alsoKept: [OLD] });
      expect(r.plan.parameters.ExistingLogBucket).toBe(BUCKET);
    });

    it('an upgrade of a stack that continues with a kept bucket passes the parameter again (the default would create a new bucket)', async () => {
      cfn.withStack('UPDATE_COMPLETE', { outputs: OUTPUTS });
      cfn.stack!.parameters = { ProjectName: 'shop', RetentionDays: '90', ExistingLogBucket: BUCKET };
      await runInit(flags(), createTestContext().ctx);
      expect(parametersSent()).toMatchObject({ ExistingLogBucket: BUCKET });
    });

    it('a fresh install with no kept bucket creates one (no ExistingLogBucket)', async () => {
      const r = await runInit(flags(), createTestContext().ctx);
      expect(r.plan.keptBucket).toBeNull();
      expect(parametersSent().ExistingLogBucket).toBeUndefined();
    });
  });
});
