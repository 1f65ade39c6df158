/**
 * Loads the enrichment Lambda the way Lambda does (CommonJS, requiring the real
 * @aws-sdk/client-api-gateway) and builds API Gateway responses for it from a catalog of usage
 * plans and keys, paginated by the `limit` the Lambda sends.
 */
import { createRequire } from 'node:module';
import type * as ApiGatewaySdk from '@aws-sdk/client-api-gateway';
import type { FirehoseTransformationEventShape } from '../../scripts/sample-data.js';

const require = createRequire(import.meta.url);

export interface FirehoseResult {
  recordId: string;
  result: 'Ok' | 'Dropped' | 'ProcessingFailed';
  data: string;
}
/** The part of Lambda's context object the function reads. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}
export interface LookupStats {
  calls: number;
  throttled: number;
  timeouts: number;
  failures: number;
  resolved: number;
  notFound: number;
}
export type Handler = ((event: FirehoseTransformationEventShape, context?: LambdaContext) => Promise<{ records: FirehoseResult[] }>) & { stats: LookupStats };

export interface HandlerOptions {
  fieldSpec?: string;
  ttlMs?: number;
  retryMs?: number;
  marginMs?: number;
  maxWaitMs?: number;
  callTimeoutMs?: number;
  ratePerSecond?: number;
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  logger?: { warn: (message: string) => void };
  client?: unknown;
  clientConfig?: Record<string, unknown>;
  sdk?: unknown;
  /** The HTTP and WebSocket field lists (LOG_FIELDS_HTTP, LOG_FIELDS_WEBSOCKET when deployed). */
  v2FieldSpecs?: { HTTP?: string; WEBSOCKET?: string };
  /** A FirehoseClient (the CommonJS build), for putting oversized envelopes back. */
  firehose?: unknown;
}

export interface LambdaModule {
  createHandler(options?: HandlerOptions): Handler;
  handler: Handler;
  recoverLine(text: string, fields: Array<{ key: string; type: string; json: boolean }>): Record<string, string> | undefined;
  parseFieldSpec(spec: string): Array<{ key: string; type: string; json: boolean }>;
  RESPONSE_MAX_BYTES: number;
  REINGEST_ENVELOPE_BYTES: number;
  STRAY_PREFIX: string;
  ENRICHMENT_MAX_CHARS: number;
}

/** The Lambda module, as Lambda loads index.js. */
export const lambda = require('../../assets/lambda/index.cjs') as LambdaModule;

/** The same SDK module instance the Lambda requires (the CommonJS build), for aws-sdk-client-mock. */
export const sdk = require('@aws-sdk/client-api-gateway') as typeof ApiGatewaySdk;

export interface CatalogPlan {
  id: string;
  name: string;
  apiStages: Array<{ apiId: string; stage: string }>;
  keyIds: string[];
}
export interface CatalogKey {
  id: string;
  name: string;
  customerId?: string;
}

function page<T>(items: readonly T[], input: { limit?: number; position?: string }): { items: T[]; position?: string } {
  const limit = input.limit ?? 25;
  const start = input.position === undefined ? 0 : Number(input.position);
  const slice = items.slice(start, start + limit);
  const next = start + limit;
  return next < items.length ? { items: slice, position: String(next) } : { items: slice };
}

/** API Gateway's answers for a catalog, honouring limit and position like the real service. */
export function catalogResponses(plans: readonly CatalogPlan[], keys: readonly CatalogKey[]) {
  const keyById = new Map(keys.map((k) => [k.id, k]));
  const plansOfKey = new Map<string, CatalogPlan[]>();
  for (const p of plans) for (const k of p.keyIds) plansOfKey.set(k, [...(plansOfKey.get(k) ?? []), p]);
  return {
    getUsagePlans: (input: { keyId?: string; limit?: number; position?: string }) =>
      page(
        (input.keyId === undefined ? plans : (plansOfKey.get(input.keyId) ?? [])).map((p) => ({ id: p.id, name: p.name, apiStages: p.apiStages })),
        input,
      ),
    getApiKey: (input: { apiKey: string; includeValue?: boolean }) => {
      const k = keyById.get(input.apiKey);
      if (!k) throw Object.assign(new Error('Invalid API Key identifier specified'), { name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
      return { id: k.id, name: k.name, customerId: k.customerId, enabled: true, ...(input.includeValue ? { value: 'secret' } : {}) };
    },
    getUsagePlanKeys: (input: { usagePlanId: string; limit?: number; position?: string }) => {
      const plan = plans.find((p) => p.id === input.usagePlanId);
      if (!plan) throw Object.assign(new Error('Invalid Usage Plan ID specified'), { name: 'NotFoundException' });
      return page(
        plan.keyIds.map((id) => ({ id, type: 'API_KEY', name: keyById.get(id)?.name })),
        input,
      );
    },
    getApiKeys: (input: { limit?: number; position?: string; includeValues?: boolean }) =>
      page(
        keys.map((k) => ({ id: k.id, name: k.name, customerId: k.customerId, enabled: true, ...(input.includeValues ? { value: 'secret' } : {}) })),
        input,
      ),
  };
}

/** A plain client (no mocking library) that answers from a catalog: for the bench. */
export function catalogClient(plans: readonly CatalogPlan[], keys: readonly CatalogKey[]) {
  const r = catalogResponses(plans, keys);
  return {
    send: async (command: { constructor: { name: string }; input: never }) => {
      switch (command.constructor.name) {
        case 'GetUsagePlansCommand':
          return r.getUsagePlans(command.input);
        case 'GetApiKeyCommand':
          return r.getApiKey(command.input);
        case 'GetUsagePlanKeysCommand':
          return r.getUsagePlanKeys(command.input);
        case 'GetApiKeysCommand':
          return r.getApiKeys(command.input);
        default:
          throw new Error(`unexpected ${command.constructor.name}`);
      }
    },
  };
}

export const decode = (r: FirehoseResult): string => Buffer.from(r.data, 'base64').toString('utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const decodeJson = (r: FirehoseResult): Record<string, any> => JSON.parse(decode(r)) as Record<string, unknown>;
