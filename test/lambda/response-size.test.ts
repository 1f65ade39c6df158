/**
 * Lambda rejects a response over 6 MB ("Invocation payload (request and response): 6 MB each
 * for synchronous invocations", https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html),
 * and Firehose then fails the whole batch. The bound is proved here at the worst case: the
 * processor's largest buffer (BufferSizeInMBs up to 3,
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_ProcessorParameter.html), filled
 * with the smallest records our format produces, every one keyed, and names at their documented
 * maximum (an API key name "cannot exceed 1024 characters",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html)
 * made of the characters JSON expands most.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LOG_FIELDS, lambdaFieldSpec } from '../../src/core/log-format.js';
import { firehoseTransformationEvent, formatAccessLogLine } from '../../scripts/sample-data.js';
import { decodeJson, lambda, sdk, type FirehoseResult } from './harness.js';

const apigw = mockClient(sdk.APIGatewayClient);
const fieldSpec = lambdaFieldSpec();
const LAMBDA_RESPONSE_LIMIT = 6 * 1000 * 1000; // read as decimal: the stricter reading of "6 MB"
const PROCESSOR_BUFFER_MAX = 3 * 1024 * 1024; // read as binary: the larger reading of "3 MB"

beforeEach(() => {
  apigw.reset();
  vi.stubEnv('AWS_REGION', 'us-east-1');
});

/** The smallest line of our format: every value `-` but the key id (10 characters, as AWS makes them). */
function smallestLine(keyId: string): string {
  const record = Object.fromEntries(LOG_FIELDS.map((f) => [f.key, '-']));
  return formatAccessLogLine({ ...record, identityApiKeyId: keyId, apiId: 'a1b2c3d4e5', stage: 'p' });
}

/** As many records as fit the processor buffer, over `distinctKeys` keys. */
function fullBuffer(distinctKeys: number, line: (i: number) => string = (i) => smallestLine(`k${String(i % distinctKeys).padStart(9, '0')}`)) {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; ; i++) {
    const l = line(i);
    if (bytes + Buffer.byteLength(l) > PROCESSOR_BUFFER_MAX) break;
    lines.push(l);
    bytes += Buffer.byteLength(l);
  }
  return lines;
}

/** Every key resolves to the longest names, in characters JSON writes as six bytes each. */
function worstCaseCatalog(nameChars: number): void {
  const name = '\u0001'.repeat(nameChars);
  apigw.on(sdk.GetApiKeyCommand).callsFake((input: { apiKey: string }) => ({ id: input.apiKey, name, customerId: name }));
  apigw.on(sdk.GetUsagePlansCommand).resolves({ items: [{ id: name, name, apiStages: [{ apiId: 'a1b2c3d4e5', stage: 'p' }] }] });
}

const responseBytes = (response: { records: FirehoseResult[] }): number => Buffer.byteLength(JSON.stringify(response));

describe('the 6 MB response limit', () => {
  it('holds at the documented maxima: a full 3 MB buffer of the smallest keyed records, every name 1,024 characters JSON expands sixfold', async () => {
    worstCaseCatalog(1024);
    const lines = fullBuffer(50);
    const event = firehoseTransformationEvent(lines);
    const handler = lambda.createHandler({ fieldSpec, logger: { warn: vi.fn() }, ratePerSecond: 1000, burst: 1000 });
    const response = await handler(event);

    expect(responseBytes(response)).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT);
    // Never a record lost: every recordId once, in order, all Ok.
    expect(response.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    expect(response.records.every((r) => r.result === 'Ok')).toBe(true);
    const outs = response.records.map(decodeJson);
    // Enrichment went to as many records as fit; the rest carry nulls (the columns are still there).
    const enriched = outs.filter((o) => o.apiKeyName !== null);
    expect(enriched.length).toBeGreaterThan(0);
    expect(enriched.length).toBeLessThan(outs.length);
    for (const o of enriched) expect(o.apiKeyName).toHaveLength(1024);
    for (const o of outs) expect(Object.keys(o)).toEqual(expect.arrayContaining(['usagePlanId', 'usagePlanName', 'apiKeyName', 'customerId']));
    // Unbounded, this batch would have been far over the limit.
    const unbounded = outs.length * Buffer.from(`${JSON.stringify({ ...(outs[0] as object), ...(enriched[0] as object) })}\n`).toString('base64').length;
    expect(unbounded).toBeGreaterThan(LAMBDA_RESPONSE_LIMIT);
  });

  it('cuts names longer than the documented maximum to 1,024 characters, never splitting a character', async () => {
    const longName = `${'a'.repeat(1023)}😀tail`;
    apigw.on(sdk.GetApiKeyCommand).resolves({ id: 'k000000001', name: longName, customerId: 'x'.repeat(5000) });
    apigw.on(sdk.GetUsagePlansCommand).resolves({ items: [{ id: 'plan1', name: 'p'.repeat(3000), apiStages: [{ apiId: 'a1b2c3d4e5', stage: 'p' }] }] });
    const handler = lambda.createHandler({ fieldSpec, logger: { warn: vi.fn() } });
    const out = decodeJson((await handler(firehoseTransformationEvent([smallestLine('k000000001')]))).records[0] as FirehoseResult);
    expect(out.apiKeyName).toBe('a'.repeat(1023));
    expect(out.customerId).toHaveLength(1024);
    expect(out.usagePlanName).toHaveLength(1024);
  });

  it('holds when recovered lines grow past their input (values full of quotes): those go back ProcessingFailed with their bytes, never the batch', async () => {
    worstCaseCatalog(16);
    const quoteLine = formatAccessLogLine({ ...Object.fromEntries(LOG_FIELDS.map((f) => [f.key, '-'])), requestId: 'r', identityUserAgent: `"${'"'.repeat(8000)}` });
    const lines = fullBuffer(1, (i) => (i % 2 === 0 ? quoteLine : smallestLine('k000000001')));
    const event = firehoseTransformationEvent(lines);
    const handler = lambda.createHandler({ fieldSpec, logger: { warn: vi.fn() } });
    const response = await handler(event);
    expect(responseBytes(response)).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT);
    expect(response.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    const failed = response.records.filter((r) => r.result === 'ProcessingFailed');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) expect(r.data).toBe(event.records.find((x) => x.recordId === r.recordId)?.data);
    // Every small record is delivered, and the recovered lines that fit.
    response.records.forEach((r, i) => {
      if (i % 2 === 1) expect(r.result).toBe('Ok');
    });
    expect(failed.length).toBeLessThan(lines.length / 2);
    const delivered = response.records.filter((r) => r.result === 'Ok').map(decodeJson);
    expect(delivered.some((o) => o.identityUserAgent === `"${'"'.repeat(8000)}`)).toBe(true);
  });
});
