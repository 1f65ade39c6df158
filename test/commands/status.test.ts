import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APIGatewayClient, GetRestApisCommand, GetStagesCommand, TooManyRequestsException } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { runStatus } from '../../src/commands/status/run.js';
import { createTestContext } from '../helpers/context.js';
import { isAppError } from '../../src/errors.js';

const sts = mockClient(STSClient);
const apigw = mockClient(APIGatewayClient);
const cfn = mockClient(CloudFormationClient);

const ACCOUNT = '111122223333';
const CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane`;

beforeEach(() => {
  sts.reset();
  apigw.reset();
  cfn.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER, UserId: 'AROA:jane' });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [] });
});
afterEach(() => undefined);

describe('status', () => {
  it('reports an empty region as a normal answer', async () => {
    apigw.on(GetRestApisCommand).resolves({ items: [] });
    const h = createTestContext();
    const report = await runStatus({ json: false }, h.ctx);
    expect(report).toEqual({ schemaVersion: 1, account: ACCOUNT, callerArn: CALLER, region: 'us-east-1', installations: [], restApis: [] });
    expect(h.out('stdout')).toContain('none in this region (run `apigw-log-analytics init` to create one)');
    expect(h.out('stdout')).toContain(`Account  ${ACCOUNT}`);
    expect(h.out('stderr')).toContain('Checking credentials');
    expect(h.out('stdout')).not.toContain('Checking credentials');
  });

  it('pages through REST APIs and classifies every destination', async () => {
    apigw
      .on(GetRestApisCommand, { position: undefined })
      .resolves({ items: [{ id: 'a1', name: 'orders' }], position: 'p2' })
      .on(GetRestApisCommand, { position: 'p2' })
      .resolves({ items: [{ id: 'b2', name: 'billing' }, { id: 'c3', name: 'catalog' }] });
    apigw
      .on(GetStagesCommand, { restApiId: 'a1' })
      .resolves({
        item: [
          { stageName: 'prod', accessLogSettings: { destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/api/orders`, format: '$context.requestId' } },
          { stageName: 'dev' },
        ],
      })
      .on(GetStagesCommand, { restApiId: 'b2' })
      .resolves({
        item: [{ stageName: 'prod', accessLogSettings: { destinationArn: `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/amazon-apigateway-other`, format: 'x' } }],
      })
      .on(GetStagesCommand, { restApiId: 'c3' })
      .resolves({
        item: [{ stageName: 'v1', accessLogSettings: { destinationArn: `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/amazon-apigateway-shop`, format: 'x' } }],
      });
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'apigw-log-analytics-shop',
          StackId: 'id',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date('2026-11-01T00:00:00Z'),
          Tags: [
            { Key: 'apigw-log-analytics:project', Value: 'shop' },
            { Key: 'apigw-log-analytics:version', Value: '0.1.0' },
          ],
        },
        { StackName: 'unrelated', StackId: 'id2', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() },
      ],
    });
    const h = createTestContext();
    const report = await runStatus({ json: true }, h.ctx);
    expect(apigw.commandCalls(GetRestApisCommand).map((c) => c.args[0].input)).toEqual([
      { limit: 500, position: undefined },
      { limit: 500, position: 'p2' },
    ]);
    expect(report.installations).toEqual([
      expect.objectContaining({ project: 'shop', stackName: 'apigw-log-analytics-shop', stackStatus: 'CREATE_COMPLETE', version: '0.1.0' }),
    ]);
    const byApi = Object.fromEntries(report.restApis.map((a) => [a.id, a.stages.map((s) => [s.name, s.accessLogs.kind])]));
    expect(byApi).toEqual({
      a1: [
        ['dev', 'none'],
        ['prod', 'cloudwatch'],
      ],
      b2: [['prod', 'firehose']],
      c3: [['v1', 'installation']],
    });
    // --json writes only JSON to stdout, and it parses back to the report.
    expect(JSON.parse(h.out('stdout'))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('retries a throttled API Gateway call and then succeeds', async () => {
    apigw
      .on(GetRestApisCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Too Many Requests', $metadata: { httpStatusCode: 429 } }))
      .resolves({ items: [{ id: 'a1', name: 'orders' }] });
    apigw.on(GetStagesCommand).resolves({ item: [] });
    const h = createTestContext();
    const report = await runStatus({ json: true }, h.ctx);
    expect(report.restApis).toHaveLength(1);
    expect(apigw.commandCalls(GetRestApisCommand)).toHaveLength(2);
    expect(h.clock.sleeps.some((ms) => ms >= 125)).toBe(true);
  });

  it('maps expired credentials to a message with a fix', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken', $metadata: { httpStatusCode: 403 } }));
    apigw.on(GetRestApisCommand).resolves({ items: [] });
    const h = createTestContext();
    const err = await runStatus({ json: false }, h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('ExpiredCredentials');
    expect(isAppError(err) && err.resolution).toMatch(/aws sso login/);
    expect(h.out('stdout')).toBe('');
  });

  it('fails with the missing-region error when no region is configured', async () => {
    const h = createTestContext({ env: { AWS_REGION: undefined } });
    const err = await runStatus({ json: false }, h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('MissingRegion');
    expect(sts.calls()).toHaveLength(0);
  });
});
