/**
 * HTTP and WebSocket access logs reach the Lambda as CloudWatch Logs subscription records: gzip
 * envelopes of many log events, and control messages. Every event must become a table row, or go
 * back into the stream (split, or as a plain record when it is not ours), or stay in errors/ as
 * it came: none is lost.
 */
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import type * as FirehoseSdk from '@aws-sdk/client-firehose';
import { lambdaFieldSpecFor, NUMERIC_KEYS } from '../../src/core/log-format.js';
import { SAMPLE_API_KEYS, SAMPLE_USAGE_PLANS, firehoseTransformationEvent, generateAccessLogLines } from '../../scripts/sample-data.js';
import { cloudWatchEnvelope, controlEnvelope, dataMessage, generateV2Lines } from '../../scripts/sample-v2.js';
import { catalogClient, lambda, sdk, type FirehoseResult } from './harness.js';

const require = createRequire(import.meta.url);
const fh = require('@aws-sdk/client-firehose') as typeof FirehoseSdk;
const firehoseMock = mockClient(fh.FirehoseClient);
const STREAM_ARN = 'arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-sample';

let put: Buffer[];
const warnings: string[] = [];
const handler = () =>
  lambda.createHandler({
    fieldSpec: lambdaFieldSpecFor('REST'),
    v2FieldSpecs: { HTTP: lambdaFieldSpecFor('HTTP'), WEBSOCKET: lambdaFieldSpecFor('WEBSOCKET') },
    firehose: new fh.FirehoseClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    // WebSocket rows can carry an API key: lookups answer from the sample's catalogue, never the network.
    client: catalogClient(SAMPLE_USAGE_PLANS, SAMPLE_API_KEYS),
    sdk,
    sleep: () => Promise.resolve(),
    logger: { warn: (m: string) => warnings.push(m) },
  });

/** The request id of a raw line (raw lines may hold unescaped quotes, so not JSON.parse). */
const requestIdOf = (line: string): string => /"requestId":"([^"]+)"/.exec(line)![1]!;

const rowsOf = (r: FirehoseResult): Array<Record<string, unknown>> =>
  Buffer.from(r.data, 'base64')
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Runs a batch and, like Firehose, feeds whatever the Lambda put back into the stream through it again. */
async function runToTheEnd(items: Array<string | Uint8Array>): Promise<{ rows: Array<Record<string, unknown>>; failed: FirehoseResult[]; invocations: number }> {
  const rows: Array<Record<string, unknown>> = [];
  const failed: FirehoseResult[] = [];
  let batch = items;
  let invocations = 0;
  while (batch.length > 0 && invocations < 20) {
    put = [];
    const event = { ...firehoseTransformationEvent(batch, { seed: invocations + 1 }), deliveryStreamArn: STREAM_ARN };
    const { records } = await handler()(event);
    invocations++;
    expect(records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    expect(JSON.stringify({ records }).length).toBeLessThanOrEqual(lambda.RESPONSE_MAX_BYTES);
    for (const r of records) {
      if (r.result === 'Ok') rows.push(...rowsOf(r));
      if (r.result === 'ProcessingFailed') failed.push(r);
    }
    batch = put;
  }
  return { rows, failed, invocations };
}

beforeEach(() => {
  firehoseMock.reset();
  warnings.length = 0;
  put = [];
  firehoseMock.on(fh.PutRecordBatchCommand).callsFake((input: { Records: Array<{ Data: Uint8Array }> }) => {
    put.push(...input.Records.map((r) => Buffer.from(r.Data)));
    return { FailedPutCount: 0, RequestResponses: input.Records.map(() => ({ RecordId: 'x' })) };
  });
});

describe('CloudWatch Logs subscription records', () => {
  it('turns envelopes of HTTP and WebSocket events into rows beside REST records, and drops the control message', async () => {
    const http = generateV2Lines('HTTP', { count: 60 });
    const ws = generateV2Lines('WEBSOCKET', { count: 45 });
    const rest = generateAccessLogLines({ count: 3 });
    const event = { ...firehoseTransformationEvent([rest[0]!, cloudWatchEnvelope(http), controlEnvelope(), cloudWatchEnvelope(ws), rest[1]!]), deliveryStreamArn: STREAM_ARN };
    const { records } = await handler()(event);
    expect(records.map((r) => r.result)).toEqual(['Ok', 'Ok', 'Dropped', 'Ok', 'Ok']);
    const [restRow] = rowsOf(records[0]!);
    // REST rows stay as they were: the table reads a missing apiKind as REST.
    expect(restRow!.apiKind).toBeUndefined();
    const httpRows = rowsOf(records[1]!);
    expect(httpRows).toHaveLength(60);
    expect(httpRows.every((r) => r.apiKind === 'HTTP' && typeof r.status === 'number' && r.stage === '$default')).toBe(true);
    expect(httpRows.filter((r) => /^[A-Z]+ \//.test(String(r.routeKey))).length).toBeGreaterThan(30);
    expect(httpRows.every((r) => !('identityApiKeyId' in r))).toBe(true);
    const wsRows = rowsOf(records[3]!);
    expect(wsRows).toHaveLength(45);
    expect(new Set(wsRows.map((r) => r.eventType))).toEqual(new Set(['CONNECT', 'MESSAGE', 'DISCONNECT']));
    expect(wsRows.every((r) => r.apiKind === 'WEBSOCKET' && typeof r.connectedAt === 'number' && typeof r.connectionId === 'string')).toBe(true);
    // "-" is null and every numeric column a number, as for REST rows.
    for (const row of [...httpRows, ...wsRows]) {
      expect(Object.values(row)).not.toContain('-');
      for (const k of NUMERIC_KEYS) if (row[k] !== undefined && row[k] !== null) expect(Number.isInteger(row[k]), k).toBe(true);
    }
    expect(put).toEqual([]);
  });

  it('reads a v2 line broken by an unescaped quote from its kind\'s key order', async () => {
    const [line] = generateV2Lines('HTTP', { count: 1 });
    const broken = line!.replace(/"identityUserAgent":"[^"]*"/, '"identityUserAgent":"Mozilla "quoted" \\agent"');
    expect(() => JSON.parse(broken)).toThrow();
    const { records } = await handler()({ ...firehoseTransformationEvent([cloudWatchEnvelope([broken])]), deliveryStreamArn: STREAM_ARN });
    expect(records[0]!.result).toBe('Ok');
    expect(rowsOf(records[0]!)[0]).toMatchObject({ apiKind: 'HTTP', identityUserAgent: 'Mozilla "quoted" \\agent' });
  });

  it('puts an event that is not ours back as a plain record, which then lands in errors/; the envelope\'s own rows stay', async () => {
    const http = generateV2Lines('HTTP', { count: 5 });
    const strays = ['START RequestId: 1 Version: $LATEST', '{"level":"info","msg":"not an access log"}'];
    const { rows, failed, invocations } = await runToTheEnd([cloudWatchEnvelope([http[0]!, strays[0]!, ...http.slice(1), strays[1]!])]);
    expect(invocations).toBe(2);
    expect(rows.map((r) => r.requestId).sort()).toEqual(http.map((l) => requestIdOf(l)).sort());
    expect(failed.map((f) => Buffer.from(f.data, 'base64').toString('utf8'))).toEqual(strays.map((s) => `${lambda.STRAY_PREFIX}${s}\n`));
  });

  it('an envelope that decompresses past 6 MB goes back split into envelopes that fit, and every event becomes a row', async () => {
    const lines = generateV2Lines('WEBSOCKET', { count: 7000 });
    const json = dataMessage(lines);
    expect(json.length).toBeGreaterThan(6_000_000);
    const envelope = cloudWatchEnvelope(lines);
    expect(envelope.length).toBeLessThan(1_000 * 1024); // one Firehose record
    const { rows, failed, invocations } = await runToTheEnd([envelope]);
    expect(failed).toEqual([]);
    expect(invocations).toBeGreaterThan(1);
    expect(rows).toHaveLength(lines.length);
    expect(rows.map((r) => r.requestId).sort()).toEqual(lines.map((l) => requestIdOf(l)).sort());
    expect(warnings.some((w) => w.includes('"envelopesPutBackSplit":1'))).toBe(true);
  });

  it('each envelope put back holds at most REINGEST_ENVELOPE_BYTES of JSON and keeps the group and stream', async () => {
    const lines = generateV2Lines('HTTP', { count: 6000 });
    await handler()({ ...firehoseTransformationEvent([cloudWatchEnvelope(lines, { logStream: 'stream-7' })]), deliveryStreamArn: STREAM_ARN });
    expect(put.length).toBeGreaterThan(6);
    for (const p of put) {
      const doc = JSON.parse(gunzipSync(p).toString('utf8')) as { messageType: string; logStream: string; logEvents: unknown[] };
      expect(gunzipSync(p).length).toBeLessThanOrEqual(lambda.REINGEST_ENVELOPE_BYTES);
      expect(doc).toMatchObject({ messageType: 'DATA_MESSAGE', logStream: 'stream-7' });
    }
    const calls = firehoseMock.commandCalls(fh.PutRecordBatchCommand);
    expect(calls.every((c) => c.args[0].input.DeliveryStreamName === 'amazon-apigateway-sample')).toBe(true);
  });

  it('when Firehose will not take the parts back, the envelope comes back ProcessingFailed as it came (errors/), never Dropped', async () => {
    firehoseMock.reset();
    firehoseMock.on(fh.PutRecordBatchCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ServiceUnavailableException' }));
    const lines = generateV2Lines('HTTP', { count: 6000 });
    const envelope = cloudWatchEnvelope(lines);
    const { records } = await handler()({ ...firehoseTransformationEvent([envelope]), deliveryStreamArn: STREAM_ARN });
    expect(records[0]!.result).toBe('ProcessingFailed');
    expect(Buffer.from(records[0]!.data, 'base64').equals(envelope)).toBe(true);
    expect(firehoseMock.commandCalls(fh.PutRecordBatchCommand).length).toBeGreaterThanOrEqual(4);
  });

  it('retries only the entries Firehose refused (FailedPutCount)', async () => {
    firehoseMock.reset();
    let first = true;
    const accepted: Buffer[] = [];
    firehoseMock.on(fh.PutRecordBatchCommand).callsFake((input: { Records: Array<{ Data: Uint8Array }> }) => {
      const refuse = first;
      first = false;
      input.Records.forEach((r, k) => {
        if (!(refuse && k === 0)) accepted.push(Buffer.from(r.Data));
      });
      return { FailedPutCount: refuse ? 1 : 0, RequestResponses: input.Records.map((_, k) => (refuse && k === 0 ? { ErrorCode: 'ServiceUnavailableException' } : { RecordId: 'x' })) };
    });
    const lines = generateV2Lines('HTTP', { count: 6000 });
    const { records } = await handler()({ ...firehoseTransformationEvent([cloudWatchEnvelope(lines)]), deliveryStreamArn: STREAM_ARN });
    expect(records[0]!.result).toBe('Dropped');
    const events = accepted.flatMap((b) => (JSON.parse(gunzipSync(b).toString('utf8')) as { logEvents: Array<{ message: string }> }).logEvents.map((e) => e.message));
    expect(events.sort()).toEqual([...lines].sort());
  });

  it('a gzip record that is not an envelope, or a corrupt one, comes back ProcessingFailed with its data', async () => {
    const { gzipSync } = await import('node:zlib');
    const notEnvelope = gzipSync('{"hello":"world"}');
    const corrupt = Buffer.concat([cloudWatchEnvelope(['x']).subarray(0, 20)]);
    const { records } = await handler()({ ...firehoseTransformationEvent([notEnvelope, corrupt]), deliveryStreamArn: STREAM_ARN });
    expect(records.map((r) => r.result)).toEqual(['ProcessingFailed', 'ProcessingFailed']);
    expect(Buffer.from(records[0]!.data, 'base64').equals(notEnvelope)).toBe(true);
  });
});
