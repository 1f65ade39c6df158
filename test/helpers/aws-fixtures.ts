/** Common account fixtures for command-flow tests. */
import { OUTPUT_KEYS } from '../../src/core/outputs.js';
import type { Stack } from '@aws-sdk/client-cloudformation';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const CALLER_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane`;
export const streamArnOf = (project: string) => `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/amazon-apigateway-${project}`;
export const bucketOf = (project: string) => `apigw-log-analytics-${project}-logbucket-abc123`;
export const logGroupArnOf = (project: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/apigw-log-analytics/${project}`;

export function installedStack(project: string, status = 'CREATE_COMPLETE', version = '0.1.0'): Stack {
  return {
    StackName: `apigw-log-analytics-${project}`,
    StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/apigw-log-analytics-${project}/guid-${project}`,
    StackStatus: status as Stack['StackStatus'],
    CreationTime: new Date('2026-11-01T00:00:00Z'),
    Tags: [
      { Key: 'apigw-log-analytics:project', Value: project },
      { Key: 'apigw-log-analytics:version', Value: version },
    ],
    Parameters: [
      { ParameterKey: 'ProjectName', ParameterValue: project },
      { ParameterKey: 'RetentionDays', ParameterValue: '90' },
    ],
    Outputs: [
      { OutputKey: OUTPUT_KEYS.deliveryStreamArn, OutputValue: streamArnOf(project) },
      { OutputKey: OUTPUT_KEYS.deliveryStreamName, OutputValue: `amazon-apigateway-${project}` },
      { OutputKey: OUTPUT_KEYS.bucketName, OutputValue: bucketOf(project) },
      { OutputKey: OUTPUT_KEYS.athenaWorkGroupName, OutputValue: `apigw-log-analytics-${project}` },
      { OutputKey: OUTPUT_KEYS.glueDatabaseName, OutputValue: project.replace(/-/g, '_') },
      { OutputKey: OUTPUT_KEYS.glueTableName, OutputValue: 'access_logs' },
      { OutputKey: OUTPUT_KEYS.templateVersion, OutputValue: version },
      { OutputKey: OUTPUT_KEYS.accessLogGroupArn, OutputValue: logGroupArnOf(project) },
    ],
  };
}
