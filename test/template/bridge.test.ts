import { describe, expect, it } from 'vitest';
import { buildStackTemplate } from '../../src/template/stack.js';
import { ACCESS_LOG_RETENTION_DAYS, BRIDGE_IDS, SUBSCRIPTION_FILTER_NAME } from '../../src/template/bridge.js';
import { LOGICAL_IDS } from '../../src/template/types.js';
import { OUTPUT_KEYS } from '../../src/core/outputs.js';

const template = buildStackTemplate({ version: '9.9.9', lambdaSource: 'exports.handler = async () => ({ records: [] });\n' });
const res = (id: string) => template.Resources[id]!;

describe('the CloudWatch Logs bridge for HTTP and WebSocket stages', () => {
  it('keeps v2 access logs in a short-lived /aws/vendedlogs/ group of the installation', () => {
    expect(res(BRIDGE_IDS.accessLogGroup).Type).toBe('AWS::Logs::LogGroup');
    expect(res(BRIDGE_IDS.accessLogGroup).Properties).toMatchObject({
      LogGroupName: { 'Fn::Sub': '/aws/vendedlogs/apigw-log-analytics/${ProjectName}' },
      RetentionInDays: ACCESS_LOG_RETENTION_DAYS,
    });
  });

  it('subscribes every event of the group to the installation\'s Firehose stream', () => {
    expect(res(BRIDGE_IDS.subscriptionFilter)).toEqual({
      Type: 'AWS::Logs::SubscriptionFilter',
      Properties: {
        FilterName: SUBSCRIPTION_FILTER_NAME,
        LogGroupName: { Ref: BRIDGE_IDS.accessLogGroup },
        FilterPattern: '',
        DestinationArn: { 'Fn::GetAtt': [LOGICAL_IDS.deliveryStream, 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [BRIDGE_IDS.subscriptionRole, 'Arn'] },
      },
    });
  });

  it('lets CloudWatch Logs of this account and region (aws:SourceArn) put records into that one stream, nothing else', () => {
    const p = res(BRIDGE_IDS.subscriptionRole).Properties!;
    expect(p.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'logs.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*' } } },
      },
    ]);
    expect(p.Policies).toHaveLength(1);
    expect(p.Policies[0].PolicyDocument.Statement).toEqual([
      { Sid: 'PutAccessLogsIntoStream', Effect: 'Allow', Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Resource: { 'Fn::GetAtt': [LOGICAL_IDS.deliveryStream, 'Arn'] } },
    ]);
  });

  it('gives stages the log group ARN in the form UpdateStage takes (no trailing :*)', () => {
    expect(template.Outputs?.[OUTPUT_KEYS.accessLogGroupArn]?.Value).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${AccessLogGroup}',
    });
  });
});

describe('the Lambda environment with the three field lists', () => {
  it('stays within Lambda\'s 4 KB for all environment variables (Lambda quotas)', () => {
    const vars = template.Resources.EnrichmentFunction!.Properties!.Environment.Variables as Record<string, string>;
    expect(Object.keys(vars)).toEqual(expect.arrayContaining(['LOG_FIELDS', 'LOG_FIELDS_HTTP', 'LOG_FIELDS_WEBSOCKET']));
    const bytes = Object.entries(vars).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
    expect(bytes).toBeLessThanOrEqual(4096);
  });
});
