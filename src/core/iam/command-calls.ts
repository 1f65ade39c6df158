/**
 * The AWS calls each command makes with the user's credentials, as IAM statements: the data
 * docs/iam.md is generated from (`npm run docs:iam`). One entry per command; the calls are those
 * of the adapters in src/aws/ (each adapter names its IAM action in its error text, e.g.
 * "(s3:DeleteBucket)"). `init`'s stack resources are not here: they come from the resource
 * handlers' permissions (handler-permissions.ts) through stackResourceStatements().
 */
import { ARN } from './arns.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface CommandCalls {
  command: string;
  /** Commands whose statements this one needs as well. */
  includes: string[];
  statements: PolicyStatement[];
  /** Said under the policy: what cannot be scoped and why, what is optional. */
  notes: string[];
}

const STATE_OBJECTS = `${ARN.logBucket}/_state/*`;

export const API_GATEWAY_SERVICE_LINKED_ROLE: PolicyStatement = {
  Sid: 'FirstFirehoseLogDestination',
  Effect: 'Allow',
  Action: 'iam:CreateServiceLinkedRole',
  Resource: 'arn:aws:iam::*:role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway',
  Condition: { StringEquals: { 'iam:AWSServiceName': 'ops.apigateway.amazonaws.com' } },
};

/** HTTP and WebSocket APIs (apigatewayv2): the APIs, their stages, one stage. */
const V2_APIS = 'arn:aws:apigateway:*::/apis';
const V2_STAGES = 'arn:aws:apigateway:*::/apis/*/stages';
const V2_STAGE = 'arn:aws:apigateway:*::/apis/*/stages/*';
/** DeleteAccessLogSettings: DELETE /v2/apis/{apiId}/stages/{stageName}/accesslogsettings. */
const V2_ACCESS_LOG_SETTINGS = 'arn:aws:apigateway:*::/apis/*/stages/*/accesslogsettings';

/**
 * What API Gateway needs from the caller to send an HTTP API's access logs to a log group: the
 * "Permissions to enable logging" of https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
 * (CloudWatch Logs vended-log delivery: a log delivery and the log group's resource policy).
 */
export const V2_LOG_DELIVERY: PolicyStatement = {
  Sid: 'HttpApiLogDelivery',
  Effect: 'Allow',
  Action: [
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ],
  Resource: '*',
};

const V2_LOG_DELIVERY_NOTE =
  '`HttpApiLogDelivery` is what API Gateway\'s guide asks of whoever turns on HTTP API access logging to CloudWatch Logs ([Configure logging for HTTP APIs](https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html)): log deliveries and log resource policies belong to the account, not to a log group, so they take `"Resource": "*"`. WebSocket stages log through the API Gateway account\'s CloudWatch role instead (`apigateway:GET /account` shows it); without it their UpdateStage fails and the command says so.';

export const COMMAND_CALLS: readonly CommandCalls[] = [
  {
    command: 'status',
    includes: [],
    statements: [
      { Sid: 'Unscoped', Effect: 'Allow', Action: ['sts:GetCallerIdentity', 'cloudformation:DescribeStacks', 'cloudwatch:GetMetricData'], Resource: '*' },
      {
        Sid: 'ListStages',
        Effect: 'Allow',
        Action: 'apigateway:GET',
        Resource: ['arn:aws:apigateway:*::/restapis', 'arn:aws:apigateway:*::/restapis/*/stages', V2_APIS, V2_STAGES],
      },
      { Sid: 'LogBucketHealth', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: [ARN.logBucket, `${ARN.logBucket}/*`] },
      { Sid: 'Dashboard', Effect: 'Allow', Action: 'quicksight:DescribeDashboard', Resource: ARN.quickSightDashboard },
    ],
    notes: [
      '`sts:GetCallerIdentity`, `cloudformation:DescribeStacks` (listing every stack) and `cloudwatch:GetMetricData` do not support resource-level permissions ([STS](https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html), [CloudFormation](https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html), [CloudWatch](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html)), so they take `"Resource": "*"`.',
      'Without the S3, CloudWatch or QuickSight rights `status` still runs and says which health facts it could not read.',
    ],
  },
  {
    command: 'init',
    includes: ['status'],
    statements: [
      {
        Sid: 'Stages',
        Effect: 'Allow',
        Action: ['apigateway:GET', 'apigateway:PATCH'],
        Resource: ['arn:aws:apigateway:*::/restapis/*/stages/*', V2_APIS, V2_STAGE],
      },
      V2_LOG_DELIVERY,
      API_GATEWAY_SERVICE_LINKED_ROLE,
      {
        Sid: 'Deploy',
        Effect: 'Allow',
        Action: [
          'cloudformation:CreateChangeSet',
          'cloudformation:DescribeChangeSet',
          'cloudformation:ExecuteChangeSet',
          'cloudformation:DeleteChangeSet',
          'cloudformation:DescribeStackEvents',
          'cloudformation:DeleteStack',
          'cloudformation:ContinueUpdateRollback',
        ],
        Resource: ARN.stack,
      },
      {
        Sid: 'ArtifactsBucket',
        Effect: 'Allow',
        Action: [
          's3:CreateBucket',
          's3:GetBucketTagging',
          's3:PutBucketTagging',
          's3:PutBucketPolicy',
          's3:PutBucketPublicAccessBlock',
          's3:PutEncryptionConfiguration',
          's3:PutLifecycleConfiguration',
          's3:PutBucketOwnershipControls',
          's3:PutObject',
          's3:GetObject',
        ],
        Resource: [ARN.artifactsBucket, `${ARN.artifactsBucket}/*`],
      },
      { Sid: 'SavedStageSettings', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:ListBucket'], Resource: [ARN.logBucket, STATE_OBJECTS] },
      {
        Sid: 'QuickSightChecks',
        Effect: 'Allow',
        Action: ['quicksight:ListNamespaces', 'quicksight:DescribeAccountSubscription', 'quicksight:DescribeGroup', 'quicksight:DescribeUser'],
        Resource: '*',
      },
      {
        Sid: 'QuickSightCreateGroupOnlyWithCreateGroupFlag',
        Effect: 'Allow',
        Action: ['quicksight:CreateGroup', 'quicksight:CreateGroupMembership'],
        Resource: 'arn:aws:quicksight:*:*:group/default/*',
      },
      { Sid: 'FindKeptLogBucket', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
      { Sid: 'FindKeptLogBucketTags', Effect: 'Allow', Action: 's3:GetBucketTagging', Resource: ARN.logBucket },
    ],
    notes: [
      V2_LOG_DELIVERY_NOTE,
      '`FindKeptLogBucket*` let `init` find a log bucket an earlier installation of the project kept (`ListBuckets` takes no resource-level restriction: [S3](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html)); without them `init` warns and creates a new bucket.',
      'The saved stage settings are written with S3 conditional writes (`If-None-Match`, `If-Match`), which need no other permission; a conditional delete with an ETag needs `s3:GetObject` as well as `s3:DeleteObject` ([conditional deletes](https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html)).',
      '`QuickSightChecks` reads the account, namespace, group and user the dashboard is shared with before anything is created; the group and user names are yours, not the tool\'s, so they are not scoped by name.',
    ],
  },
  {
    command: 'connect-stage',
    includes: [],
    statements: [
      { Sid: 'Unscoped', Effect: 'Allow', Action: ['sts:GetCallerIdentity', 'cloudformation:DescribeStacks'], Resource: '*' },
      {
        Sid: 'ReadStages',
        Effect: 'Allow',
        Action: 'apigateway:GET',
        Resource: ['arn:aws:apigateway:*::/restapis', 'arn:aws:apigateway:*::/restapis/*/stages', 'arn:aws:apigateway:*::/restapis/*/stages/*', V2_APIS, V2_STAGES, V2_STAGE],
      },
      { Sid: 'PatchStages', Effect: 'Allow', Action: 'apigateway:PATCH', Resource: ['arn:aws:apigateway:*::/restapis/*/stages/*', V2_STAGE] },
      V2_LOG_DELIVERY,
      { Sid: 'SavedStageSettings', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:ListBucket'], Resource: [ARN.logBucket, STATE_OBJECTS] },
      API_GATEWAY_SERVICE_LINKED_ROLE,
    ],
    notes: ['`FirstFirehoseLogDestination` is used only for the first Firehose log destination in the account.', V2_LOG_DELIVERY_NOTE],
  },
  {
    command: 'disconnect-stage',
    includes: [],
    statements: [
      { Sid: 'Unscoped', Effect: 'Allow', Action: ['sts:GetCallerIdentity', 'cloudformation:DescribeStacks'], Resource: '*' },
      { Sid: 'Stages', Effect: 'Allow', Action: ['apigateway:GET', 'apigateway:PATCH'], Resource: ['arn:aws:apigateway:*::/restapis/*/stages/*', V2_STAGE] },
      { Sid: 'RemoveV2AccessLogs', Effect: 'Allow', Action: 'apigateway:DELETE', Resource: V2_ACCESS_LOG_SETTINGS },
      { Sid: 'SavedStageSettings', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject', 's3:DeleteObject'], Resource: [ARN.logBucket, STATE_OBJECTS] },
      V2_LOG_DELIVERY,
    ],
    notes: [
      '`RemoveV2AccessLogs` (DeleteAccessLogSettings) is used only for an HTTP or WebSocket stage that had no access logs before it was connected; `HttpApiLogDelivery` only to restore an HTTP stage\'s previous log group.',
    ],
  },
  {
    command: 'uninstall',
    includes: ['disconnect-stage'],
    statements: [
      {
        Sid: 'ListStages',
        Effect: 'Allow',
        Action: 'apigateway:GET',
        Resource: ['arn:aws:apigateway:*::/restapis', 'arn:aws:apigateway:*::/restapis/*/stages', V2_APIS, V2_STAGES],
      },
      { Sid: 'DeleteStack', Effect: 'Allow', Action: ['cloudformation:DescribeStackEvents', 'cloudformation:DeleteStack'], Resource: ARN.stack },
      {
        Sid: 'EmptyBuckets',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:ListBucketVersions', 's3:DeleteObjectVersion', 's3:DeleteBucket'],
        Resource: [ARN.artifactsBucket, `${ARN.artifactsBucket}/*`, ARN.logBucket, `${ARN.logBucket}/*`],
      },
      { Sid: 'FindOrphanedLogBucket', Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:GetBucketTagging'], Resource: '*' },
    ],
    notes: [
      'Deleting the stack also needs the delete rights of `init`\'s stack-resource statements (CloudFormation deletes each resource with your credentials).',
      'The log bucket statements are used only with `--purge-bucket`; without it the log bucket is kept. `s3:ListAllMyBuckets` has no resource-level permissions ([S3](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html)); it finds a log bucket whose stack is already gone.',
    ],
  },
  {
    command: 'report',
    includes: [],
    statements: [
      {
        Sid: 'Athena',
        Effect: 'Allow',
        Action: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
        Resource: ARN.athenaWorkGroup,
      },
      { Sid: 'GlueTable', Effect: 'Allow', Action: ['glue:GetDatabase', 'glue:GetTable'], Resource: [ARN.glueCatalog, ARN.glueDatabase, ARN.glueTables] },
      { Sid: 'ReadLogs', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: [ARN.logBucket, `${ARN.logBucket}/*`] },
      { Sid: 'QueryResults', Effect: 'Allow', Action: 's3:PutObject', Resource: `${ARN.logBucket}/athena-results/*` },
      { Sid: 'ApiNames', Effect: 'Allow', Action: 'apigateway:GET', Resource: ['arn:aws:apigateway:*::/restapis', 'arn:aws:apigateway:*::/apis'] },
    ],
    notes: [
      '`--from-bucket` needs `ReadLogs` only; `--local` needs nothing.',
      '`ApiNames` is optional: with it the report names each API beside its id (the logs carry only the id); without it the report shows the ids.',
    ],
  },
];
