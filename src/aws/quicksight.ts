/**
 * QuickSight: a narrow adapter over the SDK client, and the checks `init` runs before any deploy
 * (`checkQuickSight`). They answer, each failure with a resolution: is the account subscribed and
 * to which edition; which region holds its users and groups (the identity region, which may not be
 * the deploy region); does the principal that will own the assets exist, or (when asked) create the
 * group and put the caller's QuickSight user in it.
 *
 * User and group calls only work in the identity region; anywhere else QuickSight answers
 * AccessDenied "... your identity region is X. Please use the X endpoint." The adapter turns that
 * answer into a `QuickSightRegionError` that carries X, so the checks can move to the right region.
 */
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  DescribeAccountSubscriptionCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  ListNamespacesCommand,
  QuickSightClient,
} from '@aws-sdk/client-quicksight';
import { fromAwsError, UsageError, UserError } from '../errors.js';
import type { ClientSettings } from './settings.js';
import type { CallerIdentity, StsApi } from './sts.js';

/** The flags `init` exposes for these checks, named in every resolution. */
export const QUICKSIGHT_FLAGS = {
  group: '--quicksight-group',
  user: '--quicksight-user',
  createGroup: '--create-group',
  noDashboard: '--no-dashboard',
} as const;

const NO_DASHBOARD_HINT = `or deploy without the dashboard with ${QUICKSIGHT_FLAGS.noDashboard}`;

export interface QuickSightAccount {
  accountName?: string;
  /** STANDARD, ENTERPRISE or ENTERPRISE_AND_Q. */
  edition?: string;
  /** IAM_AND_QUICKSIGHT, IAM_ONLY, ACTIVE_DIRECTORY or IAM_IDENTITY_CENTER. */
  authenticationType?: string;
  status?: string;
}

export interface QuickSightNamespace {
  name: string;
  capacityRegion?: string;
  identityStore?: string;
}

export interface QuickSightPrincipalInfo {
  name: string;
  arn: string;
}

export interface QuickSightUserInfo extends QuickSightPrincipalInfo {
  role?: string;
  identityType?: string;
  active?: boolean;
}

export interface QuickSightApi {
  /** The region this client calls. */
  readonly region: string;
  listNamespaces(accountId: string): Promise<QuickSightNamespace[]>;
  /** Undefined when the account has no QuickSight subscription. */
  describeAccountSubscription(accountId: string): Promise<QuickSightAccount | undefined>;
  /** Undefined when the group does not exist. */
  describeGroup(accountId: string, namespace: string, groupName: string): Promise<QuickSightPrincipalInfo | undefined>;
  createGroup(accountId: string, namespace: string, groupName: string, description: string): Promise<QuickSightPrincipalInfo>;
  /** Undefined when the user does not exist. */
  describeUser(accountId: string, namespace: string, userName: string): Promise<QuickSightUserInfo | undefined>;
  createGroupMembership(accountId: string, namespace: string, groupName: string, memberName: string): Promise<void>;
}

/** A user or group call made outside the identity region; `identityRegion` is where to call instead. */
export class QuickSightRegionError extends UserError {
  constructor(
    readonly calledRegion: string,
    readonly identityRegion: string,
    cause: unknown,
  ) {
    super('QuickSightIdentityRegion', `QuickSight keeps this account's users and groups in ${identityRegion}, not ${calledRegion}.`, {
      resolution: `This is handled automatically; if you see it, run again with -v and report the output.`,
      cause,
    });
    this.name = 'QuickSightRegionError';
  }
}

const REGION = '[a-z]{2,4}(?:-[a-z]+)+-\\d+';

/**
 * The identity region named in QuickSight's AccessDenied text ("... but your identity region is
 * us-east-1. Please use the us-east-1 endpoint."), or undefined.
 */
export function identityRegionFromMessage(message: string): string | undefined {
  const m = new RegExp(`identity region is (${REGION})`, 'i').exec(message) ?? new RegExp(`use the (${REGION}) endpoint`, 'i').exec(message);
  return m?.[1];
}

/**
 * QuickSight's ways of saying the account never signed up: "Account 123 is not signed up with
 * QuickSight with namespace default" (ResourceNotFoundException) and "Account 123 is not subscribed
 * for QuickSight" (UnsupportedUserEditionException).
 */
const NOT_SUBSCRIBED_RE = /not (?:signed up|subscribed)\b/i;

function errorName(e: unknown): string {
  return typeof e === 'object' && e !== null ? String((e as { name?: unknown }).name ?? '') : '';
}

function errorMessage(e: unknown): string {
  return typeof e === 'object' && e !== null ? String((e as { message?: unknown }).message ?? '') : String(e);
}

export function notSubscribedError(accountId: string, cause?: unknown): UserError {
  return new UserError('QuickSightNotSubscribed', `Account ${accountId} has no QuickSight subscription.`, {
    resolution: `Sign up for QuickSight Enterprise edition at https://quicksight.aws.amazon.com/ (one-time, in the console), then run again; ${NO_DASHBOARD_HINT} and read the data with \`apigw-log-analytics report\` (or Athena).`,
    cause,
  });
}

export function createQuickSight(settings: ClientSettings, region: string): QuickSightApi {
  const client = new QuickSightClient({ ...settings.clientConfig, region });

  async function send<T>(doing: string, accountId: string, call: () => Promise<T>, notFound?: () => T): Promise<T> {
    try {
      return await call();
    } catch (e) {
      const message = errorMessage(e);
      const identityRegion = identityRegionFromMessage(message);
      if (identityRegion && identityRegion !== region) throw new QuickSightRegionError(region, identityRegion, e);
      if (NOT_SUBSCRIBED_RE.test(message)) throw notSubscribedError(accountId, e);
      if (notFound && errorName(e) === 'ResourceNotFoundException') return notFound();
      if (errorName(e) === 'UnsupportedUserEditionException') {
        throw new UserError('QuickSightEdition', `QuickSight refused ${doing}: ${message}`, {
          resolution: `Groups need QuickSight Enterprise edition: upgrade in QuickSight's account settings, or name a user with ${QUICKSIGHT_FLAGS.user}, ${NO_DASHBOARD_HINT}.`,
          cause: e,
        });
      }
      throw fromAwsError(e, { doing, profile: settings.target.profile, region });
    }
  }

  return {
    region,
    async listNamespaces(accountId) {
      const out: QuickSightNamespace[] = [];
      let token: string | undefined;
      do {
        const page = await send('finding the QuickSight identity region (quicksight:ListNamespaces)', accountId, () =>
          client.send(new ListNamespacesCommand({ AwsAccountId: accountId, NextToken: token })),
        );
        for (const n of page.Namespaces ?? []) {
          if (!n.Name) continue;
          const ns: QuickSightNamespace = { name: n.Name };
          if (n.CapacityRegion) ns.capacityRegion = n.CapacityRegion;
          if (n.IdentityStore) ns.identityStore = n.IdentityStore;
          out.push(ns);
        }
        token = page.NextToken;
      } while (token);
      return out;
    },
    async describeAccountSubscription(accountId) {
      const out = await send(
        'reading the QuickSight subscription (quicksight:DescribeAccountSubscription)',
        accountId,
        () => client.send(new DescribeAccountSubscriptionCommand({ AwsAccountId: accountId })),
        () => undefined,
      );
      if (!out) return undefined;
      const info = out.AccountInfo ?? {};
      const account: QuickSightAccount = {};
      if (info.AccountName) account.accountName = info.AccountName;
      if (info.Edition) account.edition = info.Edition;
      if (info.AuthenticationType) account.authenticationType = info.AuthenticationType;
      if (info.AccountSubscriptionStatus) account.status = info.AccountSubscriptionStatus;
      return account;
    },
    async describeGroup(accountId, namespace, groupName) {
      const out = await send(
        `looking up QuickSight group ${groupName} (quicksight:DescribeGroup)`,
        accountId,
        () => client.send(new DescribeGroupCommand({ AwsAccountId: accountId, Namespace: namespace, GroupName: groupName })),
        () => undefined,
      );
      return out?.Group?.Arn ? { name: out.Group.GroupName ?? groupName, arn: out.Group.Arn } : undefined;
    },
    async createGroup(accountId, namespace, groupName, description) {
      const out = await send(`creating QuickSight group ${groupName} (quicksight:CreateGroup)`, accountId, () =>
        client.send(new CreateGroupCommand({ AwsAccountId: accountId, Namespace: namespace, GroupName: groupName, Description: description })),
      );
      if (!out.Group?.Arn) throw new UserError('QuickSightGroup', `QuickSight created group ${groupName} but returned no ARN.`);
      return { name: out.Group.GroupName ?? groupName, arn: out.Group.Arn };
    },
    async describeUser(accountId, namespace, userName) {
      const out = await send(
        `looking up QuickSight user ${userName} (quicksight:DescribeUser)`,
        accountId,
        () => client.send(new DescribeUserCommand({ AwsAccountId: accountId, Namespace: namespace, UserName: userName })),
        () => undefined,
      );
      const u = out?.User;
      if (!u?.Arn) return undefined;
      const user: QuickSightUserInfo = { name: u.UserName ?? userName, arn: u.Arn };
      if (u.Role) user.role = u.Role;
      if (u.IdentityType) user.identityType = u.IdentityType;
      if (u.Active !== undefined) user.active = u.Active;
      return user;
    },
    async createGroupMembership(accountId, namespace, groupName, memberName) {
      await send(`adding ${memberName} to QuickSight group ${groupName} (quicksight:CreateGroupMembership)`, accountId, () =>
        client.send(new CreateGroupMembershipCommand({ AwsAccountId: accountId, Namespace: namespace, GroupName: groupName, MemberName: memberName })),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Who the caller is in QuickSight

export interface CallerQuickSightName {
  /** The QuickSight user name: `<name>` for an IAM user, `<role>/<session>` for a role session. */
  userName: string;
  kind: 'iam-user' | 'assumed-role' | 'sso';
}

/**
 * The QuickSight user name of an STS caller ARN, the way QuickSight names IAM-federated users:
 * an IAM user by its name (without its path), a role session as `<role name>/<session name>`.
 * IAM Identity Center sessions are role sessions of an `AWSReservedSSO_...` role.
 */
export function quickSightUserNameFor(callerArn: string): CallerQuickSightName {
  const m = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(.+)$/.exec(callerArn);
  const resource = m?.[2] ?? '';
  if (m?.[1] === 'iam' && resource.startsWith('user/')) {
    const name = resource.split('/').pop() ?? '';
    if (name) return { userName: name, kind: 'iam-user' };
  }
  if (m?.[1] === 'sts' && resource.startsWith('assumed-role/')) {
    const [, role, ...session] = resource.split('/');
    if (role && session.length > 0) {
      return { userName: `${role}/${session.join('/')}`, kind: role.startsWith('AWSReservedSSO_') ? 'sso' : 'assumed-role' };
    }
  }
  const what = resource === 'root' ? 'the account root user' : callerArn;
  throw new UserError('QuickSightCaller', `QuickSight has no user for ${what}, so it cannot be added to a group.`, {
    resolution: `Run as an IAM user or role that has opened QuickSight, or name the owner yourself with ${QUICKSIGHT_FLAGS.user} NAME or ${QUICKSIGHT_FLAGS.group} NAME.`,
  });
}

// ---------------------------------------------------------------------------------------------
// The checks

export interface QuickSightCheckOptions {
  /** The region the stack (and so the QuickSight assets) will be deployed to. */
  region: string;
  /** The project name; the default group is `<project>-Admins`. */
  project: string;
  /** `--quicksight-group NAME`: the group that will own the assets. */
  group?: string;
  /** `--quicksight-user NAME`: a user to own the assets instead of a group. */
  user?: string;
  /** `--create-group`: plan to create the group when it is missing, with the caller's QuickSight user in it. */
  createGroup?: boolean;
  /** QuickSight namespace; `default` unless the account uses namespaces. */
  namespace?: string;
  /** The caller, when already known (saves an STS call). */
  caller?: CallerIdentity;
}

export interface QuickSightCheckDeps {
  sts(): Promise<StsApi>;
  /** A QuickSight adapter calling `region`. */
  quickSight(region: string): Promise<QuickSightApi>;
}

export interface QuickSightCheckResult {
  accountId: string;
  /** Where QuickSight keeps users and groups; the principal ARN names this region. */
  identityRegion: string;
  identityRegionSource: QuickSightAccountInfo['identityRegionSource'];
  namespace: string;
  edition: string;
  authenticationType?: string;
  /**
   * The owner of every asset; pass `arn` as the stack's QuickSightPrincipalArn parameter. When
   * `exists` is false the group is still to be created (`groupToCreate`), and `arn` is the ARN it
   * will have.
   */
  principal: { type: 'GROUP' | 'USER'; name: string; arn: string; exists: boolean };
  /** Set when `createGroup` was asked for and the group is missing: what `createQuickSightGroup` will do. */
  groupToCreate?: { name: string; member: string };
  caller: { arn: string; quickSightUserName?: string };
  /** Things worth a line in the plan (for example the identity region differs from the deploy region). */
  notes: string[];
}

const EXTERNAL_IDENTITY = new Set(['ACTIVE_DIRECTORY', 'IAM_IDENTITY_CENTER']);

/** The ARN QuickSight gives a group or user (identity region, namespace, name). */
export function quickSightPrincipalArn(partition: string, identityRegion: string, accountId: string, type: 'GROUP' | 'USER', namespace: string, name: string): string {
  return `arn:${partition}:quicksight:${identityRegion}:${accountId}:${type === 'GROUP' ? 'group' : 'user'}/${namespace}/${name}`;
}

/** What decides the dashboard choices, found before `init` asks anything: subscription, edition, identity region. */
export interface QuickSightAccountInfo {
  accountId: string;
  partition: string;
  /** Where QuickSight keeps users and groups; principal ARNs name this region. */
  identityRegion: string;
  identityRegionSource: 'list-namespaces' | 'error-message' | 'deploy-region';
  namespace: string;
  /** STANDARD, ENTERPRISE, ENTERPRISE_AND_Q, or UNKNOWN. */
  edition: string;
  authenticationType?: string;
  /** The principal looked up to find the identity region when ListNamespaces was denied, and what was found. */
  probed?: { type: 'GROUP' | 'USER'; name: string; region: string; found: QuickSightPrincipalInfo | undefined };
}

export interface QuickSightProbeOptions {
  /** The region the stack will be deployed to. */
  region: string;
  namespace?: string;
  caller?: CallerIdentity;
  /** The principal to look up if ListNamespaces is denied (default: the caller's QuickSight user). */
  principal?: { type: 'GROUP' | 'USER'; name: string };
}

function probePrincipal(callerArn: string, given?: { type: 'GROUP' | 'USER'; name: string }): { type: 'GROUP' | 'USER'; name: string } {
  if (given) return given;
  try {
    return { type: 'USER', name: quickSightUserNameFor(callerArn).userName };
  } catch {
    // The root user has no QuickSight user name; any group name gets the same region answer.
    return { type: 'GROUP', name: 'apigw-log-analytics-probe' };
  }
}

/**
 * The account-level QuickSight facts, read-only: the identity region (ListNamespaces names it;
 * outside it, QuickSight's refusal names it), then the subscription and edition there. Throws
 * `notSubscribedError` (code QuickSightNotSubscribed) for an account without QuickSight.
 */
export async function probeQuickSightAccount(options: QuickSightProbeOptions, deps: QuickSightCheckDeps): Promise<QuickSightAccountInfo> {
  const namespace = options.namespace ?? 'default';
  const caller = options.caller ?? (await (await deps.sts()).getCallerIdentity());
  const accountId = caller.account;
  const partition = /^arn:(aws[a-z-]*):/.exec(caller.arn)?.[1] ?? 'aws';
  const home = await deps.quickSight(options.region);
  let identityRegion: string | undefined;
  let identityRegionSource: QuickSightAccountInfo['identityRegionSource'] = 'list-namespaces';
  try {
    identityRegion = (await home.listNamespaces(accountId)).find((n) => n.name === namespace)?.capacityRegion;
  } catch (e) {
    if (e instanceof QuickSightRegionError) {
      identityRegion = e.identityRegion;
      identityRegionSource = 'error-message';
    } else if (!(e instanceof UserError && e.code === 'AccessDenied')) {
      throw e;
    }
    // ListNamespaces denied (a narrow policy or an SCP): a user or group call names the region instead.
  }
  let probed: QuickSightAccountInfo['probed'];
  if (!identityRegion) {
    const principal = probePrincipal(caller.arn, options.principal);
    try {
      probed = { ...principal, region: options.region, found: await describePrincipal(home, accountId, namespace, principal) };
      identityRegion = options.region;
      identityRegionSource = 'deploy-region';
    } catch (e) {
      if (!(e instanceof QuickSightRegionError)) throw e;
      identityRegion = e.identityRegion;
      identityRegionSource = 'error-message';
    }
  }
  const qs = identityRegion === options.region ? home : await deps.quickSight(identityRegion);
  const account = await qs.describeAccountSubscription(accountId);
  if (!account || /UNSUBSCRIBED|FAILED/i.test(account.status ?? '')) throw notSubscribedError(accountId);
  return {
    accountId,
    partition,
    identityRegion,
    identityRegionSource,
    namespace,
    edition: account.edition ?? 'UNKNOWN',
    ...(account.authenticationType ? { authenticationType: account.authenticationType } : {}),
    ...(probed ? { probed } : {}),
  };
}

/**
 * QuickSight user roles that can own the stack's data source, dataset and dashboard. The API
 * reference (https://docs.aws.amazon.com/quicksight/latest/APIReference/API_User.html, `Role`)
 * describes READER as "read-only access to dashboards" and READER_PRO as the Reader role plus
 * generative BI; AUTHOR and AUTHOR_PRO "can create data sources, datasets, analyses, and
 * dashboards"; ADMIN and ADMIN_PRO are authors who also manage settings. Owners get the
 * data-source and dataset owner actions, which readers cannot hold, so readers cannot own.
 */
export const OWNER_ROLES: readonly string[] = ['ADMIN', 'AUTHOR', 'ADMIN_PRO', 'AUTHOR_PRO'];

function readerCannotOwn(user: QuickSightUserInfo, namespace: string): UserError {
  return new UserError('QuickSightReaderOwner', `QuickSight user ${user.name} has the role ${user.role}, which cannot own the dashboard and its dataset (namespace ${namespace}).`, {
    resolution: `Pass ${QUICKSIGHT_FLAGS.user} with a user whose role is ${OWNER_ROLES.slice(0, -1).join(', ')} or ${OWNER_ROLES.at(-1)}, or a group of authors with ${QUICKSIGHT_FLAGS.group} NAME, or change ${user.name}'s role in QuickSight > Manage users; ${NO_DASHBOARD_HINT}.`,
  });
}

/**
 * The pre-deploy QuickSight checks. Read-only: they find the identity region, check the
 * subscription and edition (`probeQuickSightAccount`, or `account` when already probed), and
 * resolve the principal that will own the assets. A user must have an author or admin role. When
 * the group is missing and `createGroup` is set, they check it can be created (edition, identity
 * source, the caller is a QuickSight user) and return `groupToCreate`; `createQuickSightGroup` does
 * it once the plan is confirmed.
 *
 * Calls: STS GetCallerIdentity (unless `caller` is given); ListNamespaces in the deploy region; in
 * the identity region DescribeAccountSubscription and DescribeGroup or DescribeUser, and with
 * `createGroup` and a missing group DescribeUser for the caller.
 */
export async function checkQuickSight(options: QuickSightCheckOptions & { account?: QuickSightAccountInfo }, deps: QuickSightCheckDeps): Promise<QuickSightCheckResult> {
  if (options.group && options.user) {
    throw new UsageError('QuickSightPrincipal', `${QUICKSIGHT_FLAGS.group} and ${QUICKSIGHT_FLAGS.user} cannot be used together.`, {
      resolution: `Give the dashboard to a group (${QUICKSIGHT_FLAGS.group}) or to a user (${QUICKSIGHT_FLAGS.user}), not both.`,
    });
  }
  if (options.user && options.createGroup) {
    throw new UsageError('QuickSightPrincipal', `${QUICKSIGHT_FLAGS.createGroup} cannot be used with ${QUICKSIGHT_FLAGS.user}.`, {
      resolution: `Drop ${QUICKSIGHT_FLAGS.createGroup}, or use ${QUICKSIGHT_FLAGS.group} instead of ${QUICKSIGHT_FLAGS.user}.`,
    });
  }
  const caller = options.caller ?? (await (await deps.sts()).getCallerIdentity());
  const wanted = options.user
    ? { type: 'USER' as const, name: options.user }
    : { type: 'GROUP' as const, name: options.group ?? `${options.project}-Admins` };
  const account =
    options.account ??
    (await probeQuickSightAccount({ region: options.region, caller, principal: wanted, ...(options.namespace ? { namespace: options.namespace } : {}) }, deps));
  const { accountId, identityRegion, namespace, edition } = account;
  const notes: string[] = [];
  if (identityRegion !== options.region) {
    notes.push(`QuickSight keeps users and groups in ${identityRegion}; the dashboard will be in ${options.region}.`);
  }
  if (wanted.type === 'GROUP' && edition === 'STANDARD') {
    throw new UserError('QuickSightStandardEdition', 'This account has QuickSight Standard edition, which has no groups.', {
      resolution: `Upgrade to Enterprise edition (QuickSight > Manage QuickSight > Account settings), or give the dashboard to a user with ${QUICKSIGHT_FLAGS.user} NAME, ${NO_DASHBOARD_HINT}.`,
    });
  }
  const qs = await deps.quickSight(identityRegion);

  const result = (principal: QuickSightCheckResult['principal'], extra: Partial<QuickSightCheckResult> = {}): QuickSightCheckResult => ({
    accountId,
    identityRegion,
    identityRegionSource: account.identityRegionSource,
    namespace,
    edition,
    ...(account.authenticationType ? { authenticationType: account.authenticationType } : {}),
    principal,
    caller: { arn: caller.arn },
    notes,
    ...extra,
  });

  // The principal (looked up once: the probe may have found it already).
  const p = account.probed;
  const found = p && p.type === wanted.type && p.name === wanted.name && p.region === identityRegion ? p.found : await describePrincipal(qs, accountId, namespace, wanted);
  if (found) {
    const role = (found as QuickSightUserInfo).role;
    if (role && /READER/.test(role)) throw readerCannotOwn(found as QuickSightUserInfo, namespace);
    return result({ type: wanted.type, name: found.name, arn: found.arn, exists: true });
  }

  if (wanted.type === 'USER') {
    throw new UserError('QuickSightUserMissing', `QuickSight user ${wanted.name} does not exist (namespace ${namespace}, identity region ${identityRegion}).`, {
      resolution: `Check the name in QuickSight > Manage users (a role session's user is named ROLE/SESSION) and pass it with ${QUICKSIGHT_FLAGS.user} NAME, or use a group with ${QUICKSIGHT_FLAGS.group} NAME.`,
    });
  }
  if (!options.createGroup) {
    throw new UserError('QuickSightGroupMissing', `QuickSight group ${wanted.name} does not exist (namespace ${namespace}, identity region ${identityRegion}).`, {
      resolution: `Run again with ${QUICKSIGHT_FLAGS.createGroup} to create it with you in it, name an existing group with ${QUICKSIGHT_FLAGS.group} NAME or a user with ${QUICKSIGHT_FLAGS.user} NAME, ${NO_DASHBOARD_HINT}.`,
    });
  }
  if (EXTERNAL_IDENTITY.has(account.authenticationType ?? '')) {
    throw new UserError(
      'QuickSightExternalGroups',
      `QuickSight group ${wanted.name} does not exist, and this account's groups come from ${account.authenticationType}, so ${QUICKSIGHT_FLAGS.createGroup} cannot create it.`,
      { resolution: `Create the group in your identity provider, then run again with ${QUICKSIGHT_FLAGS.group} NAME; or give the dashboard to a user with ${QUICKSIGHT_FLAGS.user} NAME.` },
    );
  }

  // The group can be created with the caller in it only if the caller is a QuickSight user.
  const me = quickSightUserNameFor(caller.arn);
  const meInQuickSight = await qs.describeUser(accountId, namespace, me.userName);
  if (!meInQuickSight) {
    const signIn =
      me.kind === 'sso'
        ? 'Open QuickSight once from your AWS access portal with this permission set'
        : 'Open https://quicksight.aws.amazon.com/ once with these credentials';
    throw new UserError('QuickSightCallerNotRegistered', `You (${caller.arn}) are not a QuickSight user yet, so you cannot be added to a new group ${wanted.name}.`, {
      resolution: `${signIn} so QuickSight registers you as ${me.userName}, then run again; or name an existing group with ${QUICKSIGHT_FLAGS.group} NAME or a user with ${QUICKSIGHT_FLAGS.user} NAME.`,
    });
  }
  notes.push(`QuickSight group ${wanted.name} will be created, with ${meInQuickSight.name} in it.`);
  return result(
    { type: 'GROUP', name: wanted.name, arn: quickSightPrincipalArn(account.partition, identityRegion, accountId, 'GROUP', namespace, wanted.name), exists: false },
    { groupToCreate: { name: wanted.name, member: meInQuickSight.name }, caller: { arn: caller.arn, quickSightUserName: meInQuickSight.name } },
  );
}

export interface CreatedGroup {
  arn: string;
  /** False when someone created it since the check. */
  created: boolean;
}

/**
 * Creates the group `checkQuickSight` planned (`groupToCreate`) in the identity region and adds
 * the caller's QuickSight user to it. Run it after the plan is confirmed, before the deploy.
 */
export async function createQuickSightGroup(check: QuickSightCheckResult, deps: Pick<QuickSightCheckDeps, 'quickSight'>): Promise<CreatedGroup | undefined> {
  const plan = check.groupToCreate;
  if (!plan) return undefined;
  const qs = await deps.quickSight(check.identityRegion);
  let group: QuickSightPrincipalInfo;
  let created = true;
  try {
    group = await qs.createGroup(check.accountId, check.namespace, plan.name, 'Owners of an apigw-log-analytics dashboard (created by its init)');
  } catch (e) {
    const existing = e instanceof UserError && e.code === 'ResourceExistsException' ? await qs.describeGroup(check.accountId, check.namespace, plan.name) : undefined;
    if (!existing) throw e;
    group = existing;
    created = false;
  }
  await qs.createGroupMembership(check.accountId, check.namespace, group.name, plan.member);
  return { arn: group.arn, created };
}

async function describePrincipal(
  qs: QuickSightApi,
  accountId: string,
  namespace: string,
  wanted: { type: 'GROUP' | 'USER'; name: string },
): Promise<QuickSightPrincipalInfo | undefined> {
  return wanted.type === 'USER' ? qs.describeUser(accountId, namespace, wanted.name) : qs.describeGroup(accountId, namespace, wanted.name);
}
