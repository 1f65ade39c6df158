/**
 * HTTP and WebSocket APIs (apigatewayv2). Their stages send access logs only to a CloudWatch Logs
 * log group (AccessLogSettings.DestinationArn), which the installation's bridge carries into the
 * same Firehose stream as REST stages. Calls share the run's API Gateway token bucket and retries
 * (callApiGateway), like the REST adapter.
 *
 * Removing a stage's access logging is its own call, DeleteAccessLogSettings ("Deletes the
 * AccessLogSettings for a Stage. To disable access logging for a Stage, delete its
 * AccessLogSettings": https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages-stagename-accesslogsettings.html);
 * UpdateStage sets both DestinationArn and Format at once.
 */
import {
  ApiGatewayV2Client,
  DeleteAccessLogSettingsCommand,
  GetApisCommand,
  GetStageCommand,
  GetStagesCommand,
  UpdateStageCommand,
  type Stage,
} from '@aws-sdk/client-apigatewayv2';
import type { AccessLogSettings, StageSummary } from './apigateway.js';
import type { ClientSettings } from './settings.js';
import { callApiGateway } from './call.js';

export interface V2ApiSummary {
  id: string;
  name: string;
  protocol: 'HTTP' | 'WEBSOCKET';
}

/** A v2 stage: the REST summary's fields plus what makes a v2 stage special. */
export interface V2StageSummary extends StageSummary {
  /** Deploys on every change to the API (HTTP APIs' $default stage usually does). */
  autoDeploy: boolean;
  /** Created by quick create: API Gateway manages it (UpdateStage still sets access logs). */
  apiGatewayManaged: boolean;
}

export interface ApiGatewayV2Api {
  listApis(): Promise<V2ApiSummary[]>;
  getStages(apiId: string): Promise<V2StageSummary[]>;
  getStage(apiId: string, stageName: string): Promise<V2StageSummary>;
  /** Sets DestinationArn and Format together, or (null) deletes the stage's AccessLogSettings. */
  setAccessLog(apiId: string, stageName: string, settings: AccessLogSettings | null): Promise<void>;
}

/** GetApis and GetStages page size (the API takes MaxResults as a string). */
export const V2_PAGE_SIZE = '500';

export function toV2StageSummary(apiId: string, s: Partial<Stage>): V2StageSummary {
  const out: V2StageSummary = { apiId, stageName: s.StageName ?? '', autoDeploy: s.AutoDeploy === true, apiGatewayManaged: s.ApiGatewayManaged === true };
  if (s.DeploymentId) out.deploymentId = s.DeploymentId;
  if (s.LastUpdatedDate) out.lastUpdatedDate = s.LastUpdatedDate;
  if (s.AccessLogSettings?.DestinationArn) out.accessLog = { destinationArn: s.AccessLogSettings.DestinationArn, format: s.AccessLogSettings.Format ?? '' };
  return out;
}

export function createApiGatewayV2(settings: ClientSettings): ApiGatewayV2Api {
  // The SDK's own retries are off: ours share the run's bucket (see call.ts).
  const client = new ApiGatewayV2Client({ ...settings.clientConfig, maxAttempts: 1 });
  const send = <T>(doing: string, fn: () => Promise<T>): Promise<T> => callApiGateway(settings, doing, fn);
  return {
    async listApis() {
      const out: V2ApiSummary[] = [];
      let token: string | undefined;
      do {
        const page = await send('listing HTTP and WebSocket APIs (apigateway:GET /apis)', () =>
          client.send(new GetApisCommand({ MaxResults: V2_PAGE_SIZE, NextToken: token })),
        );
        for (const a of page.Items ?? []) {
          if (a.ApiId) out.push({ id: a.ApiId, name: a.Name ?? a.ApiId, protocol: a.ProtocolType === 'WEBSOCKET' ? 'WEBSOCKET' : 'HTTP' });
        }
        token = page.NextToken;
      } while (token);
      return out;
    },
    async getStages(apiId) {
      const out: V2StageSummary[] = [];
      let token: string | undefined;
      do {
        const page = await send(`listing the stages of API ${apiId} (apigateway:GET /apis/${apiId}/stages)`, () =>
          client.send(new GetStagesCommand({ ApiId: apiId, MaxResults: V2_PAGE_SIZE, NextToken: token })),
        );
        for (const s of page.Items ?? []) out.push(toV2StageSummary(apiId, s));
        token = page.NextToken;
      } while (token);
      return out;
    },
    async getStage(apiId, stageName) {
      const out = await send(`reading stage ${apiId}/${stageName}`, () => client.send(new GetStageCommand({ ApiId: apiId, StageName: stageName })));
      return toV2StageSummary(apiId, out);
    },
    async setAccessLog(apiId, stageName, access) {
      if (access) {
        await send(`updating stage ${apiId}/${stageName}`, () =>
          client.send(
            new UpdateStageCommand({ ApiId: apiId, StageName: stageName, AccessLogSettings: { DestinationArn: access.destinationArn, Format: access.format } }),
          ),
        );
        return;
      }
      await send(`removing the access-log settings of stage ${apiId}/${stageName}`, () =>
        client.send(new DeleteAccessLogSettingsCommand({ ApiId: apiId, StageName: stageName })),
      );
    },
  };
}
