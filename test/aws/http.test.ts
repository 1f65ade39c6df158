import { describe, expect, it } from 'vitest';
import { createHttpHandler, endpointOf, serviceOf } from '../../src/aws/http.js';

describe('the shared HTTP handler', () => {
  it('sets the timeouts that abort in the pinned @smithy/node-http-handler (connectionTimeout, socketTimeout), not requestTimeout that only warns', async () => {
    const handler = createHttpHandler({ connectMs: 5000, readMs: 7000 });
    const config = (await (handler as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider) as Record<string, unknown>;
    expect(config).toMatchObject({ connectionTimeout: 5000, socketTimeout: 7000 });
    expect(config.requestTimeout).toBeUndefined();
  });

  it('names the endpoint and the service of a signed request', () => {
    expect(endpointOf({ protocol: 'https:', hostname: 'sts.us-east-1.amazonaws.com', port: undefined })).toBe('https://sts.us-east-1.amazonaws.com');
    expect(endpointOf({ protocol: 'http', hostname: '127.0.0.1', port: 4566 })).toBe('http://127.0.0.1:4566');
    expect(serviceOf({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/20261202/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=x' } })).toBe('apigateway');
  });
});
