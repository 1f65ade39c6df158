/**
 * The enrichment Lambda on realistic Firehose batches, with API Gateway mocked at the SDK client
 * the Lambda itself requires.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENRICHMENT_FIELDS, LOG_FIELDS, NUMERIC_KEYS, lambdaFieldSpec } from '../../src/core/log-format.js';
import {
  SAMPLE_API_KEYS,
  SAMPLE_ORPHAN_KEY_ID,
  SAMPLE_USAGE_PLANS,
  firehoseTransformationEvent,
  formatAccessLogLine,
  generateAccessLogRecords,
  type RawAccessLogRecord,
} from '../../scripts/sample-data.js';
import { catalogResponses, decode, decodeJson, lambda, sdk, type CatalogKey, type CatalogPlan, type HandlerOptions } from './harness.js';

const apigw = mockClient(sdk.APIGatewayClient);
const numericKeys = [...NUMERIC_KEYS];
const fieldSpec = lambdaFieldSpec();
const ENRICHMENT_KEYS = ENRICHMENT_FIELDS.map((f) => f.key);

function mockCatalog(plans: readonly CatalogPlan[], keys: readonly CatalogKey[]): void {
  const r = catalogResponses(plans, keys);
  apigw.on(sdk.GetUsagePlansCommand).callsFake(r.getUsagePlans);
  apigw.on(sdk.GetApiKeyCommand).callsFake(r.getApiKey);
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
const handlerWith = (options: HandlerOptions = {}) => lambda.createHandler({ fieldSpec, logger: logger(), ratePerSecond: 1000, burst: 1000, ...options });

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

  it('looks up only the keys in the batch, each once, never asking for key values', async () => {
    sampleCatalog();
    await handlerWith()(event);
    const batchKeys = [...new Set(raws.map((x) => x.identityApiKeyId).filter((k) => k !== '-'))].sort();
    expect(apigw.commandCalls(sdk.GetApiKeyCommand).map((c) => c.args[0].input.apiKey).sort()).toEqual(batchKeys);
    for (const c of apigw.commandCalls(sdk.GetApiKeyCommand)) expect(c.args[0].input.includeValue).toBe(false);
    // GetUsagePlans?keyId for each key that exists (the orphan key is NotFound: no plan lookup).
    expect(apigw.commandCalls(sdk.GetUsagePlansCommand).map((c) => c.args[0].input.keyId).sort()).toEqual(batchKeys.filter((k) => k !== SAMPLE_ORPHAN_KEY_ID));
    expect(apigw.commandCalls(sdk.GetUsagePlanKeysCommand)).toHaveLength(0);
    expect(apigw.commandCalls(sdk.GetApiKeysCommand)).toHaveLength(0);
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
    ['our keys in another order', Buffer.from(good.replace('{"apiId":', '{"zzz":"1","apiId":').replace('"path":"', '"path":"a"b'))],
    ['our format with a key missing, and a bare quote', Buffer.from(good.replace(/,"stage":"[^"]*"/, '').replace('"path":"', '"path":"a"b'))],
  ];

  it.each(cases)('%s comes back ProcessingFailed with its original data, the rest of the batch Ok', async (_name, bad) => {
    const event = firehoseTransformationEvent([good, bad, good]);
    const log = logger();
    const { records } = await lambda.createHandler({ fieldSpec, logger: log })(event);
    expect(records.map((r) => [r.recordId, r.result])).toEqual([
      [event.records[0]?.recordId, 'Ok'],
      [event.records[1]?.recordId, 'ProcessingFailed'],
      [event.records[2]?.recordId, 'Ok'],
    ]);
    expect(records[1]?.data).toBe(event.records[1]?.data);
    expect(decodeJson(records[0] as never).requestId).toBe(record().requestId);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(JSON.parse(log.warn.mock.calls[0]?.[0] as string)).toMatchObject({ processingFailed: 1, total: 3, processingFailedPrefix: 'errors/processing-failed/' });
  });

  it('never logs payloads: the warning carries counts only', async () => {
    const secret = record({ identityUserAgent: 'secret-agent/1.0', ip: '203.0.113.77' });
    const event = firehoseTransformationEvent([formatAccessLogLine(secret), formatAccessLogLine(secret).slice(0, 200), 'nope']);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { records } = await lambda.createHandler({ fieldSpec })(event);
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
  it('recovers a line whose user agent, path and error message hold raw quotes and backslashes (API Gateway does not escape them)', async () => {
    const ua = 'Mozilla/5.0 "compatible" C:\\path \\"x\\" ünïcødé 日本語 🚀';
    const path = '/prod/pets/"x"\\y';
    const message = 'He said "no" \\ twice';
    const line = formatAccessLogLine(record({ identityUserAgent: ua, path, errorMessage: message, status: '403' }));
    expect(line).toContain(`"identityUserAgent":"${ua}"`); // as API Gateway writes it: not valid JSON
    expect(() => JSON.parse(line)).toThrow();
    // The error message comes through $context.error.messageString, already a JSON string.
    expect(line).toContain(`"errorMessage":${JSON.stringify(message)},`);
    const log = logger();
    const { records } = await lambda.createHandler({ fieldSpec, logger: log })(firehoseTransformationEvent([line]));
    expect(records[0]?.result).toBe('Ok');
    const out = decodeJson(records[0] as never);
    expect([out.identityUserAgent, out.path, out.errorMessage, out.status]).toEqual([ua, path, message, 403]);
    expect(Object.keys(out).slice(0, LOG_FIELDS.length)).toEqual(LOG_FIELDS.map((f) => f.key));
    expect(JSON.parse(log.warn.mock.calls[0]?.[0] as string)).toMatchObject({ recoveredFromUnescapedValues: 1, processingFailed: 0 });
  });

  it('reads an empty messageString written as "-" or - as null, and still parses lines AWS did escape', async () => {
    const line = formatAccessLogLine(record({ errorMessage: '-' }));
    expect(line).toContain('"errorMessage":"-",');
    const bare = line.replace('"errorMessage":"-",', '"errorMessage":-,').replace('"path":"', '"path":"q"');
    const escaped = formatAccessLogLine(record({ identityUserAgent: 'x' })).replace('"identityUserAgent":"x"', '"identityUserAgent":"a \\"b\\" \\\\ c"');
    const { records } = await handlerWith()(firehoseTransformationEvent([line, bare, escaped]));
    expect(records.map((r) => r.result)).toEqual(['Ok', 'Ok', 'Ok']);
    const outs = records.map(decodeJson);
    expect(outs.map((o) => o.errorMessage)).toEqual([null, null, null]);
    expect(outs[1]?.path).toBe(`q"${record().path}`);
    expect(outs[2]?.identityUserAgent).toBe('a "b" \\ c');
  });

  it('splits at the first next-key text when a value contains it (the documented ambiguity), still Ok', async () => {
    // identityUserAgent is followed by identityUserArn in the format.
    const line = formatAccessLogLine(record({ identityUserAgent: '"evil","identityUserArn":"fake', identityUserArn: 'arn:aws:iam::123456789012:user/x' }));
    const { records } = await handlerWith()(firehoseTransformationEvent([line]));
    expect(records[0]?.result).toBe('Ok');
    const out = decodeJson(records[0] as never);
    expect(out.identityUserAgent).toBe('"evil');
    expect(out.identityUserArn).toBe('fake","identityUserArn":"arn:aws:iam::123456789012:user/x');
  });

  it('turns non-integer values of numeric fields into null and keeps numbers that are already numbers', async () => {
    const base = JSON.parse(formatAccessLogLine(record({ identityUserAgent: 'ua' }))) as Record<string, unknown>;
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

  it('never sends the table a number its column cannot hold: int is 32-bit, bigint what JSON numbers hold exactly', async () => {
    const base = JSON.parse(formatAccessLogLine(record({ identityUserAgent: 'ua' }))) as Record<string, unknown>;
    const lines = [
      { status: '2147483648', responseLength: '2147483647', integrationLatency: '-2147483649', responseLatency: '0x10', authorizerLatency: '1e3', requestTimeEpoch: '9007199254740993' },
      { status: 200.5, responseLength: 1e300, integrationLatency: true, responseLatency: [1], authorizerLatency: '-12', requestTimeEpoch: '1736121601058' },
    ].map((o) => `${JSON.stringify({ ...base, ...o })}\n`);
    const { records } = await handlerWith()(firehoseTransformationEvent(lines));
    expect(records.map((r) => r.result)).toEqual(['Ok', 'Ok']);
    expect(decodeJson(records[0] as never)).toMatchObject({ status: null, responseLength: 2147483647, integrationLatency: null, responseLatency: null, authorizerLatency: null, requestTimeEpoch: null });
    expect(decodeJson(records[1] as never)).toMatchObject({ status: null, responseLength: null, integrationLatency: null, responseLatency: null, authorizerLatency: -12, requestTimeEpoch: 1736121601058 });
    // Every typed column of the field list is checked, none by hand.
    const typed = LOG_FIELDS.filter((f) => f.type !== 'string');
    const all = Object.fromEntries(typed.map((f) => [f.key, f.type === 'int' ? '4294967296' : '99999999999999999999']));
    const out = decodeJson((await handlerWith()(firehoseTransformationEvent([`${JSON.stringify({ ...base, ...all })}\n`]))).records[0] as never);
    for (const f of typed) expect([f.key, out[f.key]]).toEqual([f.key, null]);
  });

  it('passes through fields it does not know and does not invent missing ones', async () => {
    const line = '{"requestId":"r1","status":"200","custom":"-","extra":"x"}\n';
    const spaced = '{"requestId": "r1", "status": "-", "custom": "-", "extra": "x"}\n';
    const { records } = await handlerWith()(firehoseTransformationEvent([line, spaced]));
    expect(decode(records[0] as never)).toBe('{"requestId":"r1","status":200,"custom":null,"extra":"x"}\n');
    expect(decode(records[1] as never)).toBe('{"requestId":"r1","status":null,"custom":null,"extra":"x"}\n');
    expect(apigw.calls()).toHaveLength(0);
  });

  it('reads the field list from LOG_FIELDS when deployed', async () => {
    vi.stubEnv('LOG_FIELDS', 'status:int, responseLength:int');
    const line = '{"status":"404","responseLength":"12","responseLatency":"40"}\n';
    const { records } = await lambda.createHandler({ logger: logger() })(firehoseTransformationEvent([line]));
    expect(decode(records[0] as never)).toBe('{"status":404,"responseLength":12,"responseLatency":"40"}\n');
    expect(typeof lambda.handler).toBe('function');
  });
});

describe('enrichment lookups', () => {
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
    expect(apigw.commandCalls(sdk.GetUsagePlansCommand).map((c) => c.args[0].input)).toEqual([
      { keyId: 'k1', limit: 500, position: undefined },
      { keyId: 'k2', limit: 500, position: undefined },
    ]);
  });

  it('serves from the cache within the TTL, then serves stale while one refresh runs, and never throws the cache away', async () => {
    const c = clock();
    let planName = 'Gold';
    apigw.on(sdk.GetUsagePlansCommand).callsFake(() => ({ items: [{ id: 'gold', name: planName, apiStages: [{ apiId: 'api1', stage: 'prod' }] }] }));
    apigw.on(sdk.GetApiKeyCommand).resolves({ id: 'k1', name: 'acme' });
    const handler = handlerWith({ ttlMs: 300_000, now: c.now });
    const batch = firehoseTransformationEvent([keyed('k1', 'api1', 'prod')]);
    const nameNow = async (): Promise<unknown> => decodeJson((await handler(batch)).records[0] as never).usagePlanName;

    expect(await nameNow()).toBe('Gold');
    planName = 'Gold (renamed)';
    c.advance(299_000);
    expect(await nameNow()).toBe('Gold');
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(1);
    c.advance(2_000);
    // Stale: this batch is not held up; it starts the refresh.
    expect(await nameNow()).toBe('Gold');
    await new Promise((r) => setTimeout(r, 5));
    expect(await nameNow()).toBe('Gold (renamed)');
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(2);
    expect(callCount(sdk.GetApiKeyCommand)).toBe(2);
  });

  it('remembers a deleted key (negative cache): one lookup, then none until the TTL', async () => {
    const c = clock();
    sampleCatalog();
    const handler = handlerWith({ now: c.now, ttlMs: 300_000 });
    const batch = firehoseTransformationEvent([keyed('deleted0001', 'api1', 'prod'), keyed('deleted0001', 'api1', 'prod')]);
    for (let i = 0; i < 5; i++) {
      const { records } = await handler(batch);
      expect(records.map((r) => decodeJson(r)).map((o) => [o.usagePlanId, o.apiKeyName])).toEqual([
        [null, null],
        [null, null],
      ]);
      c.advance(10_000);
    }
    expect(callCount(sdk.GetApiKeyCommand)).toBe(1);
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(0);
    expect(handler.stats.notFound).toBe(1);
  });

  it('shares one lookup between invocations that arrive while it runs', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const r = catalogResponses(SAMPLE_USAGE_PLANS, SAMPLE_API_KEYS);
    apigw.on(sdk.GetUsagePlansCommand).callsFake(async (input) => {
      await gate;
      return r.getUsagePlans(input);
    });
    apigw.on(sdk.GetApiKeyCommand).callsFake(r.getApiKey);
    const handler = handlerWith();
    const batch = firehoseTransformationEvent([keyed('a1b2c3d4e5', 'k3x9q2m7ab', 'prod')]);
    const pending = Array.from({ length: 8 }, () => handler(batch));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(1);
    release();
    const results = await Promise.all(pending);
    for (const { records } of results) expect(decodeJson(records[0] as never)).toMatchObject({ usagePlanName: 'Gold', apiKeyName: 'acme-prod' });
    expect(callCount(sdk.GetUsagePlansCommand)).toBe(1);
    expect(callCount(sdk.GetApiKeyCommand)).toBe(1);
  });

  it('makes no API Gateway call for a batch without API keys', async () => {
    const raws = generateAccessLogRecords({ count: 200, seed: 5 }).filter((x) => x.identityApiKeyId === '-');
    const { records } = await handlerWith()(firehoseTransformationEvent(raws));
    expect(records.every((r) => r.result === 'Ok')).toBe(true);
    expect(apigw.calls()).toHaveLength(0);
  });
});

describe('when API Gateway throttles or denies', () => {
  const denied = (): Error =>
    Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/enrich/fn is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:us-east-1::/apikeys/k'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });

  it('leaves the enrichment fields null, returns every record Ok, warns once with counts, and retries only after a pause', async () => {
    const c = clock();
    apigw.on(sdk.GetApiKeyCommand).rejects(denied());
    const log = logger();
    const handler = lambda.createHandler({ fieldSpec, logger: log, now: c.now, retryMs: 30_000, ratePerSecond: 1000, burst: 1000 });
    const raws = generateAccessLogRecords({ count: 300, seed: 8 });
    const event = firehoseTransformationEvent(raws);
    const keys = new Set(raws.map((x) => x.identityApiKeyId).filter((k) => k !== '-'));

    const first = await handler(event);
    expect(first.records.every((r) => r.result === 'Ok')).toBe(true);
    const keyedOuts = first.records.map(decodeJson).filter((o) => o.identityApiKeyId !== null);
    expect(keyedOuts.length).toBeGreaterThan(20);
    for (const o of keyedOuts) expect([o.usagePlanId, o.usagePlanName, o.apiKeyName, o.customerId]).toEqual([null, null, null, null]);
    expect(log.warn).toHaveBeenCalledTimes(1);
    const warning = JSON.parse(log.warn.mock.calls[0]?.[0] as string);
    expect(warning).toMatchObject({ enrichmentNotResolvedInTime: keyedOuts.length, failedLookupsTotal: keys.size, lookupCallsThisInvocation: keys.size });
    expect(log.warn.mock.calls[0]?.[0]).not.toContain(raws[0]?.requestId);
    expect(callCount(sdk.GetApiKeyCommand)).toBe(keys.size);

    // Within the pause: no new calls.
    c.advance(10_000);
    await handler(event);
    expect(callCount(sdk.GetApiKeyCommand)).toBe(keys.size);

    // After it: the service has recovered and the fields fill.
    apigw.reset();
    sampleCatalog();
    c.advance(21_000);
    const recovered = await handler(firehoseTransformationEvent([keyed('a1b2c3d4e5', '7fhw0d1zq4', 'prod')]));
    expect(decodeJson(recovered.records[0] as never)).toMatchObject({ usagePlanName: 'Partner', apiKeyName: 'acme-prod', customerId: 'cust-0001' });
  });

  it('keeps the last good data when a refresh after the TTL fails', async () => {
    const c = clock();
    sampleCatalog();
    const handler = handlerWith({ now: c.now, ttlMs: 60_000 });
    const batch = firehoseTransformationEvent([keyed('f6g7h8i9j0', 'k3x9q2m7ab', 'prod')]);
    expect(decodeJson((await handler(batch)).records[0] as never)).toMatchObject({ usagePlanName: 'Silver', apiKeyName: 'globex-web' });
    apigw.reset();
    apigw.onAnyCommand().rejects(denied());
    c.advance(61_000);
    for (let i = 0; i < 3; i++) {
      const later = await handler(batch);
      expect(later.records[0]?.result).toBe('Ok');
      expect(decodeJson(later.records[0] as never)).toMatchObject({ usagePlanName: 'Silver', apiKeyName: 'globex-web', customerId: 'cust-0002' });
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(callCount(sdk.GetApiKeyCommand)).toBe(1);
  });
});
