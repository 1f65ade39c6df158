/**
 * The enrichment Lambda on realistic Firehose batches, with API Gateway mocked at the SDK client
 * the Lambda itself requires.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENRICHMENT_FIELDS, LOG_FIELDS, NUMERIC_KEYS } from '../../src/core/log-format.js';
import {
  SAMPLE_API_KEYS,
  SAMPLE_ORPHAN_KEY_ID,
  SAMPLE_USAGE_PLANS,
  firehoseTransformationEvent,
  formatAccessLogLine,
  generateAccessLogRecords,
  type RawAccessLogRecord,
} from '../../src/core/sample-data.js';
import { catalogResponses, decode, decodeJson, lambda, sdk, type CatalogKey, type CatalogPlan, type HandlerOptions } from './harness.js';

const apigw = mockClient(sdk.APIGatewayClient);
const numericKeys = [...NUMERIC_KEYS];
const ENRICHMENT_KEYS = ENRICHMENT_FIELDS.map((f) => f.key);

function mockCatalog(plans: readonly CatalogPlan[], keys: readonly CatalogKey[]): void {
  const r = catalogResponses(plans, keys);
  apigw.on(sdk.GetUsagePlansCommand).callsFake(r.getUsagePlans);
  apigw.on(sdk.GetUsagePlanKeysCommand).callsFake(r.getUsagePlanKeys);
  apigw.on(sdk.GetApiKeysCommand).callsFake(r.getApiKeys);
}

const sampleCatalog = (): void => mockCatalog(SAMPLE_USAGE_PLANS, SAMPLE_API_KEYS);

interface Clock {
  now: () => number;
  advance: (ms: number) => void;
}
function clock(start = 1_000_000): Clock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const logger = () => ({ warn: vi.fn<(message: string) => void>() });
const handlerWith = (options: HandlerOptions = {}) => lambda.createHandler({ numericKeys, logger: logger(), ...options });

const record = (overrides: Record<string, string> = {}): RawAccessLogRecord => ({ ...(generateAccessLogRecords({ count: 1, seed: 99 })[0] as RawAccessLogRecord), ...overrides });
const keyed = (keyId: string, apiId: string, stage: string): RawAccessLogRecord => record({ identityApiKeyId: keyId, apiId, stage });

const callCount = (command: Parameters<typeof apigw.commandCalls>[0]): number => apigw.commandCalls(command).length;

beforeEach(() => {
  apigw.reset();
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('a realistic batch', () => {
  const raws = generateAccessLogRecords({ count: 600, seed: 4 });
  const event = firehoseTransformationEvent(raws);

  it('returns every recordId exactly once, in order, all Ok, each one JSON line ending in a newline', async () => {
    sampleCatalog();
    const { records } = await handlerWith()(event);
    expect(records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    expect(new Set(records.map((r) => r.recordId)).size).toBe(600);
    expect(records.every((r) => r.result === 'Ok')).toBe(true);
    for (const r of records) {
      const text = decode(r);
      expect(text.endsWith('\n')).toBe(true);
      expect(text.indexOf('\n')).toBe(text.length - 1);
    }
  });

  it('turns "-" into null and the numeric fields into numbers, leaving every other value as sent', async () => {
    sampleCatalog();
    const { records } = await handlerWith()(event);
    records.forEach((r, i) => {
      const out = decodeJson(r);
      const raw = raws[i] as RawAccessLogRecord;
      expect(Object.keys(out).slice(0, LOG_FIELDS.length)).toEqual(Object.keys(raw));
      for (const [key, value] of Object.entries(raw)) {
        let expected: unknown = value;
        if (value === '-') expected = null;
        else if (numericKeys.includes(key)) expected = Number(value);
        expect([key, out[key]]).toEqual([key, expected]);
      }
      for (const key of numericKeys.filter((k) => LOG_FIELDS.some((f) => f.key === k))) expect(out[key] === null || Number.isInteger(out[key])).toBe(true);
      expect(Object.values(out)).not.toContain('-');
    });
    // The data set does exercise both: status is always a number, latencies are often null.
    const outs = records.map(decodeJson);
    expect(outs.every((o) => typeof o.status === 'number')).toBe(true);
    expect(outs.some((o) => o.integrationLatency === null)).toBe(true);
    expect(outs.some((o) => typeof o.requestTimeEpoch === 'number' && o.requestTimeEpoch > 1.7e12)).toBe(true);
  });

  it('adds the plan bound to the record API and stage, the key name and customer id, only to keyed requests', async () => {
    sampleCatalog();
    const { records } = await handlerWith()(event);
    const plansById = new Map(SAMPLE_USAGE_PLANS.map((p) => [p.id, p]));
    let enriched = 0;
    records.forEach((r, i) => {
      const out = decodeJson(r);
      const raw = raws[i] as RawAccessLogRecord;
      if (raw.identityApiKeyId === '-') {
        for (const key of ENRICHMENT_KEYS) expect(out).not.toHaveProperty(key);
        return;
      }
      enriched++;
      expect(Object.keys(out).slice(-4)).toEqual(ENRICHMENT_KEYS);
      const key = SAMPLE_API_KEYS.find((k) => k.id === raw.identityApiKeyId);
      const plan = SAMPLE_USAGE_PLANS.find((p) => p.keyIds.includes(raw.identityApiKeyId as string) && p.apiStages.some((s) => s.apiId === raw.apiId && s.stage === raw.stage));
      expect(out.usagePlanId).toBe(plan?.id ?? null);
      expect(out.usagePlanName).toBe(plan ? plansById.get(plan.id)?.name : null);
      expect(out.apiKeyName).toBe(key?.name ?? null);
      expect(out.customerId).toBe(key?.customerId ?? null);
    });
    expect(enriched).toBeGreaterThan(100);
    const outs = records.map(decodeJson);
    // The orphan key (in no plan, not in GetApiKeys) is in the data and stays null.
    expect(outs.some((o) => o.identityApiKeyId === SAMPLE_ORPHAN_KEY_ID && o.usagePlanId === null && o.apiKeyName === null)).toBe(true);
    // A key name with quotes and one with unicode round-trip.
    expect(outs.map((o) => o.apiKeyName)).toEqual(expect.arrayContaining(['umbrella "research"', 'free-trial-ünïcødé']));
  });

  it('loads usage plans, their keys and API keys once for the batch, never asking for key values', async () => {
    sampleCatalog();
    await handlerWith()(event);
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(1);
    expect(apigw.commandCalls(sdk.GetUsagePlanKeysCommand).map((c) => c.args[0].input.usagePlanId).sort()).toEqual(SAMPLE_USAGE_PLANS.map((p) => p.id).sort());
    expect(apigw.commandCalls(sdk.GetApiKeysCommand).map((c) => c.args[0].input)).toEqual([{ limit: 500, position: undefined, includeValues: false }]);
  });
});

describe('unparseable input', () => {
  const good = formatAccessLogLine(record());
  const cases: Array<[string, Uint8Array]> = [
    ['not JSON', Buffer.from('127.0.0.1 - - [06/Jan/2025:00:00:01 +0000] "GET /pets HTTP/1.1" 200 512\n')],
    ['truncated JSON', Buffer.from(good.slice(0, 300))],
    ['empty', Buffer.alloc(0)],
    ['whitespace only', Buffer.from('\n')],
    ['invalid UTF-8', Buffer.concat([Buffer.from(good.slice(0, 40)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(good.slice(40))])],
    ['a JSON array', Buffer.from('[1,2,3]\n')],
    ['JSON null', Buffer.from('null\n')],
    ['a JSON string', Buffer.from('"hello"\n')],
    ['two objects in one record', Buffer.from(`${good}${good}`)],
  ];

  it.each(cases)('%s comes back ProcessingFailed with its original data, the rest of the batch Ok', async (_name, bad) => {
    const event = firehoseTransformationEvent([good, bad, good]);
    const log = logger();
    const { records } = await lambda.createHandler({ numericKeys, logger: log })(event);
    expect(records.map((r) => [r.recordId, r.result])).toEqual([
      [event.records[0]?.recordId, 'Ok'],
      [event.records[1]?.recordId, 'ProcessingFailed'],
      [event.records[2]?.recordId, 'Ok'],
    ]);
    expect(records[1]?.data).toBe(event.records[1]?.data);
    expect(decodeJson(records[0] as never).requestId).toBe(JSON.parse(good).requestId);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(JSON.parse(log.warn.mock.calls[0]?.[0] as string)).toMatchObject({ failed: 1, total: 3 });
  });

  it('never logs payloads: the warning carries counts only', async () => {
    const secret = record({ identityUserAgent: 'secret-agent/1.0', ip: '203.0.113.77' });
    const event = firehoseTransformationEvent([formatAccessLogLine(secret), formatAccessLogLine(secret).slice(0, 200), 'nope']);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { records } = await lambda.createHandler({ numericKeys })(event);
    expect(records.map((r) => r.result)).toEqual(['Ok', 'ProcessingFailed', 'ProcessingFailed']);
    expect(log).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    const written = JSON.stringify(warn.mock.calls);
    expect(warn).toHaveBeenCalledTimes(1);
    for (const fragment of ['secret-agent', '203.0.113.77', secret.requestId, 'nope', event.records[1]?.data.slice(0, 20)]) expect(written).not.toContain(fragment);
  });

  it('handles an empty batch', async () => {
    expect(await handlerWith()(firehoseTransformationEvent([]))).toEqual({ records: [] });
    expect(apigw.calls()).toHaveLength(0);
  });
});

describe('values', () => {
  it('keeps quotes, backslashes and unicode in the user agent and other strings intact', async () => {
    const ua = 'Agent "quoted" \\ back\\slash \\"mixed\\" ünïcødé 日本語 🚀 \u2028 tab\t';
    const raw = record({ identityUserAgent: ua, path: '/pets/"x"', errorMessage: 'He said \\"no\\"' });
    const line = formatAccessLogLine(raw);
    expect(line).toContain('\\"quoted\\"');
    const { records } = await handlerWith()(firehoseTransformationEvent([line]));
    const out = decodeJson(records[0] as never);
    expect(out.identityUserAgent).toBe(ua);
    expect(out.path).toBe('/pets/"x"');
    expect(out.errorMessage).toBe('He said \\"no\\"');
    expect(decode(records[0] as never)).toContain('日本語 🚀');
  });

  it('turns non-integer values of numeric fields into null and keeps numbers that are already numbers', async () => {
    const base = JSON.parse(formatAccessLogLine(record())) as Record<string, unknown>;
    const line = `${JSON.stringify({ ...base, status: 'abc', responseLength: '12.5', integrationLatency: ' ', authorizerLatency: 7, responseLatency: '0', requestTimeEpoch: '1736121601058', integrationStatus: '' })}\n`;
    const { records } = await handlerWith()(firehoseTransformationEvent([line]));
    expect(records[0]?.result).toBe('Ok');
    expect(decodeJson(records[0] as never)).toMatchObject({
      status: null,
      responseLength: null,
      integrationLatency: null,
      authorizerLatency: 7,
      responseLatency: 0,
      requestTimeEpoch: 1736121601058,
      integrationStatus: null,
    });
  });

  it('passes through fields it does not know and does not invent missing ones', async () => {
    const line = '{"requestId":"r1","status":"200","custom":"-","extra":"x"}\n';
    const { records } = await handlerWith()(firehoseTransformationEvent([line]));
    expect(decode(records[0] as never)).toBe('{"requestId":"r1","status":200,"custom":null,"extra":"x"}\n');
    expect(apigw.calls()).toHaveLength(0);
  });

  it('reads the numeric fields from NUMERIC_FIELDS when deployed', async () => {
    vi.stubEnv('NUMERIC_FIELDS', 'status, responseLength');
    const line = '{"status":"404","responseLength":"12","responseLatency":"40"}\n';
    const { records } = await lambda.createHandler({ logger: logger() })(firehoseTransformationEvent([line]));
    expect(decode(records[0] as never)).toBe('{"status":404,"responseLength":12,"responseLatency":"40"}\n');
    expect(typeof lambda.handler).toBe('function');
  });
});

describe('enrichment lookups', () => {
  it('follows every page of usage plans, plan keys and API keys (limit 500)', async () => {
    const keys: CatalogKey[] = Array.from({ length: 1201 }, (_, i) => ({ id: `key${String(i).padStart(5, '0')}`, name: `customer-${i}`, customerId: `c-${i}` }));
    const plans: CatalogPlan[] = Array.from({ length: 501 }, (_, i) => ({ id: `plan${i}`, name: `Plan ${i}`, apiStages: [{ apiId: 'api1', stage: `s${i}` }], keyIds: [] }));
    // The last plan (second page) holds 1,001 keys (three pages); the last API key is on the third page.
    (plans[500] as CatalogPlan).keyIds = keys.slice(200).map((k) => k.id);
    mockCatalog(plans, keys);
    const { records } = await handlerWith()(firehoseTransformationEvent([keyed('key01200', 'api1', 's500'), keyed('key00150', 'api1', 's500')]));
    expect(decodeJson(records[0] as never)).toMatchObject({ usagePlanId: 'plan500', usagePlanName: 'Plan 500', apiKeyName: 'customer-1200', customerId: 'c-1200' });
    // key00150 is in no plan, but GetApiKeys (page 1) still names it.
    expect(decodeJson(records[1] as never)).toMatchObject({ usagePlanId: null, usagePlanName: null, apiKeyName: 'customer-150', customerId: 'c-150' });
    expect(apigw.commandCalls(sdk.GetUsagePlansCommand).map((c) => c.args[0].input)).toEqual([{ limit: 500, position: undefined }, { limit: 500, position: '500' }]);
    const lastPlanPages = apigw.commandCalls(sdk.GetUsagePlanKeysCommand).filter((c) => c.args[0].input.usagePlanId === 'plan500');
    expect(lastPlanPages.map((c) => c.args[0].input.position)).toEqual([undefined, '500', '1000']);
    expect(callCount(sdk.GetUsagePlanKeysCommand)).toBe(500 + 3);
    expect(apigw.commandCalls(sdk.GetApiKeysCommand).map((c) => c.args[0].input)).toEqual([
      { limit: 500, position: undefined, includeValues: false },
      { limit: 500, position: '500', includeValues: false },
      { limit: 500, position: '1000', includeValues: false },
    ]);
  });

  it('gives a key that is in several plans the plan bound to the record API and stage', async () => {
    mockCatalog(
      [
        { id: 'gold', name: 'Gold', apiStages: [{ apiId: 'api1', stage: 'prod' }], keyIds: ['k1'] },
        { id: 'free', name: 'Free', apiStages: [{ apiId: 'api1', stage: 'dev' }, { apiId: 'api2', stage: 'prod' }], keyIds: ['k1', 'k2'] },
        { id: 'partner', name: 'Partner', apiStages: [{ apiId: 'api3', stage: 'prod' }], keyIds: ['k1'] },
      ],
      [
        { id: 'k1', name: 'acme', customerId: 'cust-1' },
        { id: 'k2', name: 'globex' },
      ],
    );
    const { records } = await handlerWith()(
      firehoseTransformationEvent([keyed('k1', 'api1', 'prod'), keyed('k1', 'api1', 'dev'), keyed('k1', 'api3', 'prod'), keyed('k1', 'api9', 'prod'), keyed('k2', 'api2', 'prod')]),
    );
    expect(records.map((r) => decodeJson(r)).map((o) => [o.usagePlanId, o.usagePlanName, o.apiKeyName, o.customerId])).toEqual([
      ['gold', 'Gold', 'acme', 'cust-1'],
      ['free', 'Free', 'acme', 'cust-1'],
      ['partner', 'Partner', 'acme', 'cust-1'],
      [null, null, 'acme', 'cust-1'],
      ['free', 'Free', 'globex', null],
    ]);
  });

  it('serves from the cache within the TTL and reloads when it expires', async () => {
    const c = clock();
    let planName = 'Gold';
    apigw.on(sdk.GetUsagePlansCommand).callsFake(() => ({ items: [{ id: 'gold', name: planName, apiStages: [{ apiId: 'api1', stage: 'prod' }] }] }));
    apigw.on(sdk.GetUsagePlanKeysCommand).resolves({ items: [{ id: 'k1', name: 'acme' }] });
    apigw.on(sdk.GetApiKeysCommand).resolves({ items: [{ id: 'k1', name: 'acme' }] });
    const handler = handlerWith({ ttlMs: 300_000, now: c.now });
    const batch = firehoseTransformationEvent([keyed('k1', 'api1', 'prod')]);
    const nameNow = async (): Promise<unknown> => decodeJson((await handler(batch)).records[0] as never).usagePlanName;

    expect(await nameNow()).toBe('Gold');
    planName = 'Gold (renamed)';
    c.advance(299_000);
    expect(await nameNow()).toBe('Gold');
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(1);
    expect(callCount(sdk.GetApiKeysCommand)).toBe(1);
    c.advance(2_000);
    expect(await nameNow()).toBe('Gold (renamed)');
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(2);
    expect(callCount(sdk.GetApiKeysCommand)).toBe(2);
  });

  it('shares one load between invocations that arrive while it runs', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const r = catalogResponses(SAMPLE_USAGE_PLANS, SAMPLE_API_KEYS);
    apigw.on(sdk.GetUsagePlansCommand).callsFake(async (input) => {
      await gate;
      return r.getUsagePlans(input);
    });
    apigw.on(sdk.GetUsagePlanKeysCommand).callsFake(r.getUsagePlanKeys);
    apigw.on(sdk.GetApiKeysCommand).callsFake(async (input) => {
      await gate;
      return r.getApiKeys(input);
    });
    const handler = handlerWith();
    const batch = firehoseTransformationEvent([keyed('a1b2c3d4e5', 'k3x9q2m7ab', 'prod')]);
    const pending = Array.from({ length: 8 }, () => handler(batch));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(1);
    release();
    const results = await Promise.all(pending);
    for (const { records } of results) expect(decodeJson(records[0] as never)).toMatchObject({ usagePlanName: 'Gold', apiKeyName: 'acme-prod' });
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(1);
    expect(callCount(sdk.GetApiKeysCommand)).toBe(1);
    expect(callCount(sdk.GetUsagePlanKeysCommand)).toBe(SAMPLE_USAGE_PLANS.length);
  });

  it('makes no API Gateway call for a batch without API keys', async () => {
    const raws = generateAccessLogRecords({ count: 200, seed: 5 }).filter((x) => x.identityApiKeyId === '-');
    const { records } = await handlerWith()(firehoseTransformationEvent(raws));
    expect(records.every((r) => r.result === 'Ok')).toBe(true);
    expect(apigw.calls()).toHaveLength(0);
  });
});

describe('when API Gateway throttles or denies', () => {
  const throttled = (): Error => Object.assign(new Error('Too Many Requests'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
  const denied = (): Error =>
    Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/enrich/fn is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:us-east-1::/apikeys'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });

  it('leaves the enrichment fields null, returns every record Ok, warns once, and retries only after a pause', async () => {
    const c = clock();
    apigw.on(sdk.GetUsagePlansCommand).rejects(throttled());
    apigw.on(sdk.GetApiKeysCommand).rejects(throttled());
    const log = logger();
    const handler = lambda.createHandler({ numericKeys, logger: log, now: c.now, retryMs: 30_000 });
    const raws = generateAccessLogRecords({ count: 300, seed: 8 });
    const event = firehoseTransformationEvent(raws);

    const first = await handler(event);
    expect(first.records.every((r) => r.result === 'Ok')).toBe(true);
    const keyedOuts = first.records.map(decodeJson).filter((o) => o.identityApiKeyId !== null);
    expect(keyedOuts.length).toBeGreaterThan(20);
    for (const o of keyedOuts) expect([o.usagePlanId, o.usagePlanName, o.apiKeyName, o.customerId]).toEqual([null, null, null, null]);
    expect(log.warn).toHaveBeenCalledTimes(2);
    const warnings = log.warn.mock.calls.map((call) => JSON.parse(call[0] as string));
    expect(warnings.map((w) => w.errorName)).toEqual(['TooManyRequestsException', 'TooManyRequestsException']);
    for (const w of warnings) expect(w.retryInSeconds).toBe(30);
    expect(JSON.stringify(warnings)).not.toContain(raws[0]?.requestId);

    // Within the pause: no new calls.
    c.advance(10_000);
    await handler(event);
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(1);
    expect(callCount(sdk.GetApiKeysCommand)).toBe(1);

    // After it: the service has recovered and the fields fill.
    apigw.reset();
    sampleCatalog();
    c.advance(21_000);
    const recovered = await handler(firehoseTransformationEvent([keyed('a1b2c3d4e5', '7fhw0d1zq4', 'prod')]));
    expect(decodeJson(recovered.records[0] as never)).toMatchObject({ usagePlanName: 'Partner', apiKeyName: 'acme-prod', customerId: 'cust-0001' });
  });

  it('keeps what it has when only API keys are denied: plans enrich, names come from the plan keys', async () => {
    const r = catalogResponses(SAMPLE_USAGE_PLANS, SAMPLE_API_KEYS);
    apigw.on(sdk.GetUsagePlansCommand).callsFake(r.getUsagePlans);
    apigw.on(sdk.GetUsagePlanKeysCommand).callsFake(r.getUsagePlanKeys);
    apigw.on(sdk.GetApiKeysCommand).rejects(denied());
    const log = logger();
    const { records } = await lambda.createHandler({ numericKeys, logger: log })(firehoseTransformationEvent([keyed('a1b2c3d4e5', 'k3x9q2m7ab', 'prod')]));
    expect(records[0]?.result).toBe('Ok');
    expect(decodeJson(records[0] as never)).toMatchObject({ usagePlanId: 'gold01', usagePlanName: 'Gold', apiKeyName: 'acme-prod', customerId: null });
    expect(JSON.parse(log.warn.mock.calls[0]?.[0] as string)).toMatchObject({ errorName: 'AccessDeniedException' });
  });

  it('keeps the last good data when a reload after the TTL fails', async () => {
    const c = clock();
    sampleCatalog();
    const handler = handlerWith({ now: c.now, ttlMs: 60_000 });
    const batch = firehoseTransformationEvent([keyed('f6g7h8i9j0', 'k3x9q2m7ab', 'prod')]);
    expect(decodeJson((await handler(batch)).records[0] as never)).toMatchObject({ usagePlanName: 'Silver', apiKeyName: 'globex-web' });
    apigw.reset();
    apigw.onAnyCommand().rejects(denied());
    c.advance(61_000);
    const later = await handler(batch);
    expect(later.records[0]?.result).toBe('Ok');
    expect(decodeJson(later.records[0] as never)).toMatchObject({ usagePlanName: 'Silver', apiKeyName: 'globex-web', customerId: 'cust-0002' });
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(1);
  });

  it('treats a failure in the middle of paging as a failed load, not a failed batch', async () => {
    const r = catalogResponses(SAMPLE_USAGE_PLANS, SAMPLE_API_KEYS);
    apigw.on(sdk.GetUsagePlansCommand).callsFake(r.getUsagePlans);
    apigw.on(sdk.GetUsagePlanKeysCommand).callsFake((input) => {
      if (input.usagePlanId === 'part04') throw throttled();
      return r.getUsagePlanKeys(input);
    });
    apigw.on(sdk.GetApiKeysCommand).callsFake(r.getApiKeys);
    const { records } = await handlerWith()(firehoseTransformationEvent([keyed('a1b2c3d4e5', 'k3x9q2m7ab', 'prod')]));
    expect(decodeJson(records[0] as never)).toMatchObject({ usagePlanId: null, usagePlanName: null, apiKeyName: 'acme-prod', customerId: 'cust-0001' });
  });
});
