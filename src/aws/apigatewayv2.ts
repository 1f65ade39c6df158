/**
 * HTTP and WebSocket APIs (apigatewayv2), listed only so `init` can say they are not supported
 * yet and why: their access logs go to CloudWatch Logs only, not to Firehose.
 */
import { ApiGatewayV2Client, GetApisCommand } from '@aws-sdk/client-apigatewayv2';
import type { ClientSettings } from './settings.js';
import { callApiGateway } from './call.js';

export interface V2ApiSummary {
  id: string;
  name: string;
  protocol: 'HTTP' | 'WEBSOCKET';
}

export interface ApiGatewayV2Api {
  listApis(): Promise<V2ApiSummary[]>;
}

export function createApiGatewayV2(settings: ClientSettings): ApiGatewayV2Api {
  const client = new ApiGatewayV2Client({ ...settings.clientConfig, maxAttempts: 1 });
  return {
    async listApis() {
      const out: V2ApiSummary[] = [];
      let token: string | undefined;
      do {
        const page = await callApiGateway(settings, 'listing HTTP and WebSocket APIs (apigateway:GET /apis)', () =>
          client.send(new GetApisCommand({ MaxResults: '500', NextToken: token })),
        );
        for (const a of page.Items ?? []) {
          if (a.ApiId) out.push({ id: a.ApiId, name: a.Name ?? a.ApiId, protocol: a.ProtocolType === 'WEBSOCKET' ? 'WEBSOCKET' : 'HTTP' });
        }
        token = page.NextToken;
      } while (token);
      return out;
    },
  };
}
