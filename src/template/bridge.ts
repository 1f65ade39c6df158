/**
 * The bridge from CloudWatch Logs into the pipeline, for HTTP and WebSocket stages, whose access
 * logs can go only to a log group (AccessLogSettings.DestinationArn is "The ARN of the CloudWatch
 * Logs log group to receive access logs", apigatewayv2 API reference). The installation owns one
 * log group for all its v2 stages; a subscription filter hands every event to the same Firehose
 * stream REST stages write to, where the enrichment Lambda unpacks the envelopes
 * (docs/template.md, "HTTP and WebSocket APIs").
 *
 * The role CloudWatch Logs assumes is the one of "Example 3: Subscription filters with Amazon Data
 * Firehose" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html):
 * trusted by logs.amazonaws.com only for this account and region's log resources (aws:SourceArn,
 * the confused-deputy guard the guide shows), allowed to put records into this one stream.
 */
import { OUTPUT_KEYS } from '../core/outputs.js';
import { TOOL } from '../core/names.js';
import { getAtt, policyDocument, projectTags, ref, serviceTrust, sub } from './intrinsics.js';
import { LOGICAL_IDS, PARAMETERS, type CfnOutput, type CfnResource, type TemplateFragment } from './types.js';

export const BRIDGE_IDS = {
  accessLogGroup: 'AccessLogGroup',
  subscriptionRole: 'AccessLogSubscriptionRole',
  subscriptionFilter: 'AccessLogSubscriptionFilter',
} as const;

/**
 * Days CloudWatch Logs keeps the v2 access logs (one of the values it accepts). S3 keeps the data;
 * the log group only needs to hold events long enough to notice and replay a failed delivery.
 */
export const ACCESS_LOG_RETENTION_DAYS = 7;

/**
 * The log group's name. Vended logs (HTTP APIs deliver through CloudWatch Logs' log delivery, which
 * writes a resource policy per log group) fill the account's 5,120-character resource policy
 * unless the group's name starts with /aws/vendedlogs/ ("Enabling logging from certain AWS
 * services": https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html).
 */
export const ACCESS_LOG_GROUP_PREFIX = `/aws/vendedlogs/${TOOL}/`;
export const accessLogGroupName = (project: string): string => `${ACCESS_LOG_GROUP_PREFIX}${project}`;

/** The subscription filter's name, fixed so status and support can find it. */
export const SUBSCRIPTION_FILTER_NAME = `${TOOL}-to-firehose`;

const groupName = sub(`${ACCESS_LOG_GROUP_PREFIX}\${${PARAMETERS.projectName}}`);

function accessLogGroup(): CfnResource {
  return {
    Type: 'AWS::Logs::LogGroup',
    Properties: { LogGroupName: groupName, RetentionInDays: ACCESS_LOG_RETENTION_DAYS, Tags: projectTags() },
  };
}

function subscriptionRole(): CfnResource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: 'CloudWatch Logs: put the HTTP and WebSocket access-log group into the installation\'s Firehose stream.',
      AssumeRolePolicyDocument: serviceTrust('logs.amazonaws.com', {
        StringLike: { 'aws:SourceArn': sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*') },
      }),
      Policies: [
        {
          PolicyName: 'put-into-stream',
          PolicyDocument: policyDocument({
            Sid: 'PutAccessLogsIntoStream',
            Effect: 'Allow',
            Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
            Resource: getAtt(LOGICAL_IDS.deliveryStream, 'Arn'),
          }),
        },
      ],
      Tags: projectTags(),
    },
  };
}

function subscriptionFilter(): CfnResource {
  return {
    Type: 'AWS::Logs::SubscriptionFilter',
    Properties: {
      FilterName: SUBSCRIPTION_FILTER_NAME,
      LogGroupName: ref(BRIDGE_IDS.accessLogGroup),
      // Every event: the group holds only what our formats write.
      FilterPattern: '',
      DestinationArn: getAtt(LOGICAL_IDS.deliveryStream, 'Arn'),
      RoleArn: getAtt(BRIDGE_IDS.subscriptionRole, 'Arn'),
    },
  };
}

function outputs(): Record<string, CfnOutput> {
  return {
    [OUTPUT_KEYS.accessLogGroupArn]: {
      Description: 'Access-log destination ARN for HTTP and WebSocket API stages (a log group ARN without the trailing :*)',
      // The form the apigatewayv2 console and guide give: arn:aws:logs:region:account-id:log-group:log-group-name.
      Value: sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${BRIDGE_IDS.accessLogGroup}}`),
    },
  };
}

/** The bridge fragment: the log group, the role and the subscription filter. */
export function bridgeFragment(): TemplateFragment {
  return {
    Resources: {
      [BRIDGE_IDS.accessLogGroup]: accessLogGroup(),
      [BRIDGE_IDS.subscriptionRole]: subscriptionRole(),
      [BRIDGE_IDS.subscriptionFilter]: subscriptionFilter(),
    },
    Outputs: outputs(),
  };
}
