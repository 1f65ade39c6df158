import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  AccessDeniedException,
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  DescribeAccountSubscriptionCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  ListNamespacesCommand,
  QuickSightClient,
  ResourceExistsException,
  ResourceNotFoundException,
  UnsupportedUserEditionException,
} from '@aws-sdk/client-quicksight';
import { createAwsServices } from '../../src/aws/clients.js';
import {
  checkQuickSight,
  createQuickSightGroup,
  identityRegionFromMessage,
  quickSightUserNameFor,
  type QuickSightCheckDeps,
  type QuickSightCheckOptions,
} from '../../src/aws/quicksight.js';
import { isAppError, type AppError } from '../../src/errors.js';

const qs = mockClient(QuickSightClient);
const sts = mockClient(STSClient);

const ACCOUNT = '111122223333';
const DEPLOY_REGION = 'eu-west-1';
const groupArn = (region: string, name = 'shop-Admins') => `arn:aws:quicksight:${region}:${ACCOUNT}:group/default/${name}`;
const userArn = (region: string, name: string) => `arn:aws:quicksight:${region}:${ACCOUNT}:user/default/${name}`;
const regionText = (from: string, identity: string) =>
  `Operation is being called from endpoint ${from}, but your identity region is ${identity}. Please use the ${identity} endpoint.`;
const meta = { $metadata: { httpStatusCode: 400 } };

function deps(): QuickSightCheckDeps {
  const aws = createAwsServices({ target: { region: DEPLOY_REGION, profile: undefined }, sleep: () => Promise.resolve(), now: () => 0 });
  return { sts: () => aws.sts(), quickSight: (region) => aws.quickSight(region) };
}

const options = (o: Partial<QuickSightCheckOptions> = {}): QuickSightCheckOptions => ({ region: DEPLOY_REGION, project: 'shop', ...o });

/** The region each call of a command was sent to (the client's configured region). */
async function regionsOf(command: Parameters<typeof qs.commandCalls>[0]): Promise<string[]> {
  return Promise.all(qs.commandCalls(command).map((c) => (c.thisValue as QuickSightClient).config.region()));
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

function callerIs(arn: string) {
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: arn, UserId: 'AIDA' });
}

function identityIn(region: string) {
  qs.on(ListNamespacesCommand).resolves({ Namespaces: [{ Name: 'default', CapacityRegion: region, IdentityStore: 'QUICKSIGHT' }] });
}

function subscription(edition: 'ENTERPRISE' | 'STANDARD', authenticationType = 'IAM_AND_QUICKSIGHT') {
  qs.on(DescribeAccountSubscriptionCommand).resolves({
    AccountInfo: { AccountName: 'acme', Edition: edition, AuthenticationType: authenticationType, AccountSubscriptionStatus: 'ACCOUNT_CREATED' },
  });
}

beforeEach(() => {
  qs.reset();
  sts.reset();
  callerIs(`arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane`);
});

describe('identity region', () => {
  it('reads it from ListNamespaces and calls the user and group APIs there', async () => {
    identityIn('us-east-1');
    subscription('ENTERPRISE');
    qs.on(DescribeGroupCommand).resolves({ Group: { GroupName: 'shop-Admins', Arn: groupArn('us-east-1') } });

    const r = await checkQuickSight(options(), deps());

    expect(r.identityRegion).toBe('us-east-1');
    expect(r.identityRegionSource).toBe('list-namespaces');
    expect(r.principal).toEqual({ type: 'GROUP', name: 'shop-Admins', arn: groupArn('us-east-1'), exists: true });
    expect(await regionsOf(ListNamespacesCommand)).toEqual([DEPLOY_REGION]);
    expect(await regionsOf(DescribeAccountSubscriptionCommand)).toEqual(['us-east-1']);
    expect(await regionsOf(DescribeGroupCommand)).toEqual(['us-east-1']);
    expect(qs.commandCalls(DescribeGroupCommand)[0]!.args[0].input).toEqual({ AwsAccountId: ACCOUNT, Namespace: 'default', GroupName: 'shop-Admins' });
    expect(r.notes.join('\n')).toContain('users and groups in us-east-1; the dashboard will be in eu-west-1');
  });

  it('falls back to the region named in the AccessDenied text', async () => {
    qs.on(ListNamespacesCommand).rejects(new AccessDeniedException({ message: regionText(DEPLOY_REGION, 'us-west-2'), ...meta }));
    subscription('ENTERPRISE');
    qs.on(DescribeGroupCommand).resolves({ Group: { GroupName: 'shop-Admins', Arn: groupArn('us-west-2') } });

    const r = await checkQuickSight(options(), deps());

    expect(r.identityRegion).toBe('us-west-2');
    expect(r.identityRegionSource).toBe('error-message');
    expect(r.principal.arn).toBe(groupArn('us-west-2'));
    expect(await regionsOf(DescribeGroupCommand)).toEqual(['us-west-2']);
  });

  it('when ListNamespaces is denied outright, asks for the principal in the deploy region and follows the answer', async () => {
    qs.on(ListNamespacesCommand).rejects(
      new AccessDeniedException({ message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane is not authorized to perform: quicksight:ListNamespaces`, ...meta }),
    );
    subscription('ENTERPRISE');
    qs.on(DescribeGroupCommand).callsFake(async (_input: unknown, getClient: () => QuickSightClient) => {
      const region = await getClient().config.region();
      if (region !== 'ap-southeast-2') throw new AccessDeniedException({ message: regionText(region, 'ap-southeast-2'), ...meta });
      return { Group: { GroupName: 'shop-Admins', Arn: groupArn('ap-southeast-2') } };
    });

    const r = await checkQuickSight(options(), deps());

    expect(r.identityRegion).toBe('ap-southeast-2');
    expect(await regionsOf(DescribeGroupCommand)).toEqual([DEPLOY_REGION, 'ap-southeast-2']);
  });

  it('when ListNamespaces is denied and the deploy region answers, the deploy region is the identity region (one lookup)', async () => {
    qs.on(ListNamespacesCommand).rejects(new AccessDeniedException({ message: 'not authorized to perform: quicksight:ListNamespaces', ...meta }));
    subscription('ENTERPRISE');
    qs.on(DescribeGroupCommand).resolves({ Group: { GroupName: 'shop-Admins', Arn: groupArn(DEPLOY_REGION) } });

    const r = await checkQuickSight(options(), deps());

    expect(r).toMatchObject({ identityRegion: DEPLOY_REGION, identityRegionSource: 'deploy-region', notes: [] });
    expect(qs.commandCalls(DescribeGroupCommand)).toHaveLength(1);
  });

  it('parses the identity region out of the texts QuickSight uses', () => {
    expect(identityRegionFromMessage(regionText('eu-central-1', 'us-east-1'))).toBe('us-east-1');
    expect(identityRegionFromMessage('Please use the ap-northeast-1 endpoint.')).toBe('ap-northeast-1');
    expect(identityRegionFromMessage('Operation is being called from endpoint x, but your identity region is us-gov-west-1.')).toBe('us-gov-west-1');
    expect(identityRegionFromMessage('... but your identity region is eusc-de-east-1.')).toBe('eusc-de-east-1');
    expect(identityRegionFromMessage('User is not authorized to perform quicksight:DescribeGroup')).toBeUndefined();
  });
});

describe('subscription and edition', () => {
  it('an account without QuickSight fails with a resolution that names --no-dashboard', async () => {
    identityIn(DEPLOY_REGION);
    qs.on(DescribeAccountSubscriptionCommand).rejects(new ResourceNotFoundException({ message: `Account ${ACCOUNT} is not signed up with QuickSight`, ...meta }));

    const e = await failure(checkQuickSight(options(), deps()));

    expect(e.code).toBe('QuickSightNotSubscribed');
    expect(e.message).toContain(ACCOUNT);
    expect(e.resolution).toMatch(/Enterprise edition/);
    expect(e.resolution).toContain('--no-dashboard');
    expect(qs.commandCalls(DescribeGroupCommand)).toHaveLength(0);
  });

  it('recognises "not subscribed" answers from any call (here ListNamespaces)', async () => {
    qs.on(ListNamespacesCommand).rejects(new UnsupportedUserEditionException({ message: `Account ${ACCOUNT} is not subscribed for QuickSight`, ...meta }));

    const e = await failure(checkQuickSight(options(), deps()));

    expect(e.code).toBe('QuickSightNotSubscribed');
  });

  it('Standard edition cannot own the dashboard through a group: the error names --quicksight-user', async () => {
    identityIn(DEPLOY_REGION);
    subscription('STANDARD');

    const e = await failure(checkQuickSight(options(), deps()));

    expect(e.code).toBe('QuickSightStandardEdition');
    expect(e.resolution).toContain('--quicksight-user');
    expect(e.resolution).toContain('--no-dashboard');
    expect(qs.commandCalls(DescribeGroupCommand)).toHaveLength(0);
  });

  it('Standard edition works with a user as the owner', async () => {
    identityIn(DEPLOY_REGION);
    subscription('STANDARD');
    qs.on(DescribeUserCommand, { UserName: 'jane' }).resolves({ User: { UserName: 'jane', Arn: userArn(DEPLOY_REGION, 'jane'), Role: 'AUTHOR' } });

    const r = await checkQuickSight(options({ user: 'jane' }), deps());

    expect(r.edition).toBe('STANDARD');
    expect(r.principal).toEqual({ type: 'USER', name: 'jane', arn: userArn(DEPLOY_REGION, 'jane'), exists: true });
    expect(qs.commandCalls(DescribeGroupCommand)).toHaveLength(0);
  });
});

describe('principal', () => {
  beforeEach(() => {
    identityIn(DEPLOY_REGION);
    subscription('ENTERPRISE');
  });

  it('a missing group without --create-group is an error naming every way out, and nothing is created', async () => {
    qs.on(DescribeGroupCommand).rejects(new ResourceNotFoundException({ message: 'Group shop-Admins not found', ...meta }));

    const e = await failure(checkQuickSight(options(), deps()));

    expect(e.code).toBe('QuickSightGroupMissing');
    expect(e.message).toContain('shop-Admins');
    for (const flag of ['--create-group', '--quicksight-group', '--quicksight-user', '--no-dashboard']) expect(e.resolution).toContain(flag);
    expect(qs.commandCalls(CreateGroupCommand)).toHaveLength(0);
  });

  it('uses --quicksight-group instead of <project>-Admins', async () => {
    qs.on(DescribeGroupCommand, { GroupName: 'platform-team' }).resolves({ Group: { GroupName: 'platform-team', Arn: groupArn(DEPLOY_REGION, 'platform-team') } });

    const r = await checkQuickSight(options({ group: 'platform-team' }), deps());

    expect(r.principal.arn).toBe(groupArn(DEPLOY_REGION, 'platform-team'));
  });

  it('a missing --quicksight-user is an error that explains role-session user names', async () => {
    qs.on(DescribeUserCommand).rejects(new ResourceNotFoundException({ message: 'User not found', ...meta }));

    const e = await failure(checkQuickSight(options({ user: 'Admin/jane' }), deps()));

    expect(e.code).toBe('QuickSightUserMissing');
    expect(e.resolution).toContain('ROLE/SESSION');
  });

  it('refuses --quicksight-group with --quicksight-user, and --create-group with --quicksight-user', async () => {
    expect((await failure(checkQuickSight(options({ group: 'g', user: 'u' }), deps()))).kind).toBe('usage');
    expect((await failure(checkQuickSight(options({ user: 'u', createGroup: true }), deps()))).kind).toBe('usage');
    expect(qs.calls()).toHaveLength(0);
  });
});

describe('--create-group', () => {
  beforeEach(() => {
    identityIn('us-east-1');
    subscription('ENTERPRISE');
    qs.on(DescribeGroupCommand).rejects(new ResourceNotFoundException({ message: 'Group shop-Admins not found', ...meta }));
  });

  const cases = [
    { kind: 'IAM user', arn: `arn:aws:iam::${ACCOUNT}:user/ops/jane`, qsUser: 'jane' },
    { kind: 'assumed role', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane`, qsUser: 'Admin/jane' },
    {
      kind: 'SSO session',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/jane@example.com`,
      qsUser: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef/jane@example.com',
    },
  ];

  for (const c of cases) {
    it(`plans the group with the caller (${c.kind}) in it, and creates it only when asked to`, async () => {
      callerIs(c.arn);
      qs.on(DescribeUserCommand, { UserName: c.qsUser }).resolves({ User: { UserName: c.qsUser, Arn: userArn('us-east-1', c.qsUser) } });
      qs.on(CreateGroupCommand).resolves({ Group: { GroupName: 'shop-Admins', Arn: groupArn('us-east-1') } });
      qs.on(CreateGroupMembershipCommand).resolves({});

      const check = await checkQuickSight(options({ createGroup: true }), deps());

      // The check itself changes nothing.
      expect(qs.commandCalls(CreateGroupCommand)).toHaveLength(0);
      expect(qs.commandCalls(DescribeUserCommand)[0]!.args[0].input).toEqual({ AwsAccountId: ACCOUNT, Namespace: 'default', UserName: c.qsUser });
      expect(check.principal).toEqual({ type: 'GROUP', name: 'shop-Admins', arn: groupArn('us-east-1'), exists: false });
      expect(check.groupToCreate).toEqual({ name: 'shop-Admins', member: c.qsUser });

      const created = await createQuickSightGroup(check, deps());

      expect(created).toEqual({ arn: groupArn('us-east-1'), created: true });
      expect(qs.commandCalls(CreateGroupCommand)[0]!.args[0].input).toMatchObject({ AwsAccountId: ACCOUNT, Namespace: 'default', GroupName: 'shop-Admins' });
      expect(qs.commandCalls(CreateGroupMembershipCommand).map((x) => x.args[0].input)).toEqual([
        { AwsAccountId: ACCOUNT, Namespace: 'default', GroupName: 'shop-Admins', MemberName: c.qsUser },
      ]);
      expect(await regionsOf(CreateGroupCommand)).toEqual(['us-east-1']);
      expect(await regionsOf(CreateGroupMembershipCommand)).toEqual(['us-east-1']);
    });
  }

  it('a caller who never opened QuickSight gets a clear error, and no group is created', async () => {
    qs.on(DescribeUserCommand).rejects(new ResourceNotFoundException({ message: 'User Admin/jane not found', ...meta }));

    const e = await failure(checkQuickSight(options({ createGroup: true }), deps()));

    expect(e.code).toBe('QuickSightCallerNotRegistered');
    expect(e.message).toContain(`arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane`);
    expect(e.resolution).toContain('Admin/jane');
    expect(e.resolution).toContain('--quicksight-group');
    expect(qs.commandCalls(CreateGroupCommand)).toHaveLength(0);
  });

  it('an unregistered SSO user is told to open QuickSight from the access portal', async () => {
    callerIs(`arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_abc/jane`);
    qs.on(DescribeUserCommand).rejects(new ResourceNotFoundException({ message: 'not found', ...meta }));

    const e = await failure(checkQuickSight(options({ createGroup: true }), deps()));

    expect(e.code).toBe('QuickSightCallerNotRegistered');
    expect(e.resolution).toMatch(/access portal/);
  });

  it('cannot create groups when they come from IAM Identity Center', async () => {
    subscription('ENTERPRISE', 'IAM_IDENTITY_CENTER');

    const e = await failure(checkQuickSight(options({ createGroup: true }), deps()));

    expect(e.code).toBe('QuickSightExternalGroups');
    expect(e.resolution).toContain('--quicksight-group');
    expect(qs.commandCalls(DescribeUserCommand)).toHaveLength(0);
  });

  it('uses a group created by someone else in the meantime', async () => {
    qs.on(DescribeUserCommand).resolves({ User: { UserName: 'Admin/jane', Arn: userArn('us-east-1', 'Admin/jane') } });
    const check = await checkQuickSight(options({ createGroup: true }), deps());
    qs.on(CreateGroupCommand).rejects(new ResourceExistsException({ message: 'Group already exists', ...meta }));
    qs.on(DescribeGroupCommand).resolves({ Group: { GroupName: 'shop-Admins', Arn: groupArn('us-east-1') } });
    qs.on(CreateGroupMembershipCommand).resolves({});

    expect(await createQuickSightGroup(check, deps())).toEqual({ arn: groupArn('us-east-1'), created: false });
    expect(qs.commandCalls(CreateGroupMembershipCommand)).toHaveLength(1);
  });

  it('does nothing when the group already existed', async () => {
    qs.on(DescribeGroupCommand).resolves({ Group: { GroupName: 'shop-Admins', Arn: groupArn('us-east-1') } });
    const check = await checkQuickSight(options({ createGroup: true }), deps());

    expect(check.principal.exists).toBe(true);
    expect(await createQuickSightGroup(check, deps())).toBeUndefined();
    expect(qs.commandCalls(CreateGroupCommand)).toHaveLength(0);
    expect(qs.commandCalls(DescribeUserCommand)).toHaveLength(0);
  });
});

describe('caller ARN to QuickSight user name', () => {
  it('names IAM users without their path and role sessions as ROLE/SESSION', () => {
    expect(quickSightUserNameFor(`arn:aws:iam::${ACCOUNT}:user/ops/team/jane`)).toEqual({ userName: 'jane', kind: 'iam-user' });
    expect(quickSightUserNameFor(`arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/Deployer/ci-42`)).toEqual({ userName: 'Deployer/ci-42', kind: 'assumed-role' });
    expect(quickSightUserNameFor(`arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_ReadOnly_99/jane@example.com`)).toEqual({
      userName: 'AWSReservedSSO_ReadOnly_99/jane@example.com',
      kind: 'sso',
    });
  });

  it('refuses the root user and federated users, naming the flags to use instead', () => {
    for (const arn of [`arn:aws:iam::${ACCOUNT}:root`, `arn:aws:sts::${ACCOUNT}:federated-user/bob`]) {
      let caught: unknown;
      try {
        quickSightUserNameFor(arn);
      } catch (e) {
        caught = e;
      }
      expect(isAppError(caught) && caught.code).toBe('QuickSightCaller');
      expect(isAppError(caught) && caught.resolution).toContain('--quicksight-user');
    }
  });
});

describe('the QuickSight adapter', () => {
  it('pages through ListNamespaces', async () => {
    qs.on(ListNamespacesCommand, { NextToken: undefined })
      .resolves({ Namespaces: [{ Name: 'team-a', CapacityRegion: 'us-east-1' }], NextToken: 'p2' })
      .on(ListNamespacesCommand, { NextToken: 'p2' })
      .resolves({ Namespaces: [{ Name: 'default', CapacityRegion: 'us-east-1', IdentityStore: 'QUICKSIGHT' }] });
    const api = await deps().quickSight(DEPLOY_REGION);

    expect(await api.listNamespaces(ACCOUNT)).toEqual([
      { name: 'team-a', capacityRegion: 'us-east-1' },
      { name: 'default', capacityRegion: 'us-east-1', identityStore: 'QUICKSIGHT' },
    ]);
    expect(qs.commandCalls(ListNamespacesCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'p2']);
  });

  it('reports a plain AccessDenied with the action to grant', async () => {
    qs.on(DescribeGroupCommand).rejects(
      new AccessDeniedException({ message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane is not authorized to perform: quicksight:DescribeGroup on resource: x`, ...meta }),
    );
    const api = await deps().quickSight(DEPLOY_REGION);

    const e = await failure(api.describeGroup(ACCOUNT, 'default', 'shop-Admins'));

    expect(e.code).toBe('AccessDenied');
    expect(e.resolution).toContain('quicksight:DescribeGroup');
  });

  it('turns an edition refusal that is not "not subscribed" into an Enterprise hint', async () => {
    qs.on(CreateGroupCommand).rejects(new UnsupportedUserEditionException({ message: 'This operation is not supported in STANDARD edition', ...meta }));
    const api = await deps().quickSight(DEPLOY_REGION);

    const e = await failure(api.createGroup(ACCOUNT, 'default', 'g', 'd'));

    expect(e.code).toBe('QuickSightEdition');
    expect(e.resolution).toContain('--quicksight-user');
  });

  it('caches one client per region', async () => {
    const d = deps();
    expect(await d.quickSight('us-east-1')).toBe(await d.quickSight('us-east-1'));
    expect((await d.quickSight('us-east-1')).region).toBe('us-east-1');
    expect((await d.quickSight('eu-west-1')).region).toBe('eu-west-1');
  });
});
