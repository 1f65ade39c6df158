/**
 * API Gateway (REST, v1) adapter. Every call goes through one token bucket per run (10 requests/s,
 * burst 40: the account's whole control-plane budget) and is retried on throttling with backoff,
 * here rather than in the SDK, so the pacing and the retries are one mechanism we can test.
 */
import {
  APIGatewayClient,
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  UpdateStageCommand,
  type PatchOperation,
  type Stage,
} from '@aws-sdk/client-api-gateway';
import type { ClientSettings } from './settings.js';
import { callApiGateway } from './call.js';

export interface RestApiSummary {
  id: string;
  name: string;
  description?: string;
  endpointTypes: string[];
  createdDate?: Date;
}

export interface AccessLogSettings {
  destinationArn: string;
  format: string;
}

export interface StageSummary {
  apiId: string;
  stageName: string;
  deploymentId?: string;
  accessLog?: AccessLogSettings;
  lastUpdatedDate?: Date;
}

export interface PatchOp {
  op: 'add' | 'remove' | 'replace' | 'copy' | 'move' | 'test';
  path: string;
  value?: string;
}

export interface ApiGatewayApi {
  listRestApis(): Promise<RestApiSummary[]>;
  getStages(apiId: string): Promise<StageSummary[]>;
  getStage(apiId: string, stageName: string): Promise<StageSummary>;
  updateStage(apiId: string, stageName: string, ops: PatchOp[]): Promise<StageSummary>;
}

export function toStageSummary(apiId: string, s: Stage): StageSummary {
  const out: StageSummary = { apiId, stageName: s.stageName ?? '' };
  if (s.deploymentId) out.deploymentId = s.deploymentId;
  if (s.lastUpdatedDate) out.lastUpdatedDate = s.lastUpdatedDate;
  if (s.accessLogSettings?.destinationArn) {
    out.accessLog = { destinationArn: s.accessLogSettings.destinationArn, format: s.accessLogSettings.format ?? '' };
  }
  return out;
}

/** Page size for GetRestApis; 500 is the API's maximum. */
export const REST_API_PAGE_SIZE = 500;

export function createApiGateway(settings: ClientSettings): ApiGatewayApi {
  // The SDK's own retries are off: ours (below) share the bucket, the SDK's would not.
  const client = new APIGatewayClient({ ...settings.clientConfig, maxAttempts: 1 });
  const send = <T>(doing: string, fn: () => Promise<T>): Promise<T> => callApiGateway(settings, doing, fn);

  return {
    async listRestApis() {
      const apis: RestApiSummary[] = [];
      let position: string | undefined;
      do {
        const page = await send('listing REST APIs (apigateway:GET /restapis)', () =>
          client.send(new GetRestApisCommand({ limit: REST_API_PAGE_SIZE, position })),
        );
        for (const item of page.items ?? []) {
          if (!item.id) continue;
          const api: RestApiSummary = { id: item.id, name: item.name ?? item.id, endpointTypes: item.endpointConfiguration?.types ?? [] };
          if (item.description) api.description = item.description;
          if (item.createdDate) api.createdDate = item.createdDate;
          apis.push(api);
        }
        position = page.position;
      } while (position);
      return apis;
    },
    async getStages(apiId) {
      const out = await send(`listing the stages of REST API ${apiId}`, () => client.send(new GetStagesCommand({ restApiId: apiId })));
      return (out.item ?? []).map((s) => toStageSummary(apiId, s));
    },
    async getStage(apiId, stageName) {
      const out = await send(`reading stage ${apiId}/${stageName}`, () =>
        client.send(new GetStageCommand({ restApiId: apiId, stageName })),
      );
      return toStageSummary(apiId, out);
    },
    async updateStage(apiId, stageName, ops) {
      const patchOperations: PatchOperation[] = ops.map((o) => ({ ...o }));
      const out = await send(`updating stage ${apiId}/${stageName}`, () =>
        client.send(new UpdateStageCommand({ restApiId: apiId, stageName, patchOperations })),
      );
      return toStageSummary(apiId, out);
    },
  };
}
