/**
 * The `init` statements for the stack's resources, built from the handler permissions of every
 * resource type in the template, each action scoped to the narrowest ARN the real names allow.
 * `init` deploys with the user's credentials (no CloudFormation service role), so CloudFormation's
 * handlers call these APIs as the user.
 */
import { ARN } from './arns.js';
import type { PolicyStatement } from './command-calls.js';
import { HANDLER_PERMISSIONS, handlerActions, type HandlerPermissions } from './handler-permissions.js';

/**
 * Only calls CloudFormation makes on the user's behalf: CloudFormation calls each service with the
 * user's credentials and marks the request with aws:CalledVia / aws:CalledViaFirst
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledviafirst;
 * the CloudFormation-launches-EC2 example in
 * https://aws.amazon.com/blogs/security/how-to-define-least-privileged-permissions-for-actions-called-by-aws-services/).
 */
const VIA_CLOUDFORMATION = { StringEquals: { 'aws:CalledViaFirst': 'cloudformation.amazonaws.com' } };

/** Where each service's actions are allowed. */
const SERVICE_SCOPES: Readonly<Record<string, { sid: string; resources: string[] }>> = {
  // The bucket itself, and the Athena results prefix the workgroup handler checks it can write.
  s3: { sid: 'StackBucket', resources: [ARN.logBucket, `${ARN.logBucket}/athena-results/*`] },
  iam: { sid: 'StackRoles', resources: [ARN.stackRoles] },
  logs: { sid: 'StackLogGroups', resources: [ARN.firehoseLogGroup, ARN.lambdaLogGroup, ARN.accessLogGroup] },
  firehose: { sid: 'StackDeliveryStream', resources: [ARN.deliveryStream] },
  lambda: { sid: 'StackFunction', resources: [ARN.function] },
  glue: { sid: 'StackGlue', resources: [ARN.glueCatalog, ARN.glueDatabase, ARN.glueTables] },
  athena: { sid: 'StackWorkGroup', resources: [ARN.athenaWorkGroup] },
  scheduler: { sid: 'StackSchedule', resources: [ARN.schedule] },
  quicksight: {
    sid: 'StackQuickSight',
    resources: [ARN.quickSightDataSource, ARN.quickSightDataSet, ARN.quickSightRefreshSchedules, ARN.quickSightDashboard],
  },
};

/**
 * Handler actions that take `"Resource": "*"` (or an account-wide pattern), and why. Every entry
 * cites the Service Authorization Reference page that lists the action without a resource type.
 */
export const UNSCOPED_ACTIONS: Readonly<Record<string, { resource: string; why: string }>> = {
  'lakeformation:ListResources': {
    resource: '*',
    why: 'no resource types ([Lake Formation](https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslakeformation.html)); the Glue database handler checks whether Lake Formation governs the catalog',
  },
  'lakeformation:DescribeResource': { resource: '*', why: 'no resource types (same page)' },
  'lakeformation:DescribeLakeFormationIdentityCenterConfiguration': { resource: '*', why: 'no resource types (same page)' },
  'ec2:DescribeNetworkInterfaces': {
    resource: '*',
    why: 'EC2 `Describe*` actions do not support resource-level permissions ([EC2](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html)); read-only, called by the Lambda delete handler',
  },
  'logs:DescribeResourcePolicies': {
    resource: '*',
    why: 'lists the account\'s log resource policies, which belong to the account, not to a log group (same page); read-only, called by the log group read handler',
  },
  'logs:DescribeLogGroups': {
    resource: 'arn:aws:logs:*:*:log-group:*',
    why: 'a listing call, authorised against the account\'s log groups rather than one name ([CloudWatch Logs](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html))',
  },
};

/** The services that receive the stack's roles: `iam:PassRole` is allowed to them only. */
export const PASSED_TO_SERVICES = ['firehose.amazonaws.com', 'lambda.amazonaws.com', 'logs.amazonaws.com', 'quicksight.amazonaws.com', 'scheduler.amazonaws.com'] as const;

const service = (action: string): string => action.slice(0, action.indexOf(':'));

/** The handler actions of every type in `types`, without iam:PassRole (its own statement). */
export function stackActions(types: readonly string[], permissions: Readonly<Record<string, HandlerPermissions>> = HANDLER_PERMISSIONS): string[] {
  const all = new Set(types.flatMap((t) => handlerActions(t, permissions)));
  all.delete('iam:PassRole');
  return [...all].sort();
}

/** The `init` statements that let CloudFormation create, update and delete the template's resources. */
export function stackResourceStatements(types: readonly string[], permissions: Readonly<Record<string, HandlerPermissions>> = HANDLER_PERMISSIONS): PolicyStatement[] {
  const actions = stackActions(types, permissions);
  const byService = new Map<string, string[]>();
  const unscoped = new Map<string, string[]>();
  for (const a of actions) {
    const u = UNSCOPED_ACTIONS[a];
    if (u) unscoped.set(u.resource, [...(unscoped.get(u.resource) ?? []), a]);
    else byService.set(service(a), [...(byService.get(service(a)) ?? []), a]);
  }
  const statements: PolicyStatement[] = [];
  for (const [svc, list] of byService) {
    const scope = SERVICE_SCOPES[svc];
    if (!scope) throw new Error(`internal: no resource scope for ${svc} (${list.join(', ')}); add it to SERVICE_SCOPES or UNSCOPED_ACTIONS`);
    statements.push({ Sid: scope.sid, Effect: 'Allow', Action: list, Resource: scope.resources.length === 1 ? scope.resources[0]! : scope.resources, Condition: VIA_CLOUDFORMATION });
  }
  let n = 0;
  for (const [resource, list] of unscoped) {
    statements.push({ Sid: `StackUnscoped${n++ === 0 ? '' : n}`, Effect: 'Allow', Action: list, Resource: resource, Condition: VIA_CLOUDFORMATION });
  }
  statements.push({
    Sid: 'PassStackRoles',
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: ARN.stackRoles,
    Condition: { StringEquals: { 'iam:PassedToService': [...PASSED_TO_SERVICES] } },
  });
  return statements;
}

/** Every action a policy's statements allow. */
export function allowedActions(statements: readonly PolicyStatement[]): Set<string> {
  return new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
}
