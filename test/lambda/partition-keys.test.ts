/**
 * Dynamic partitioning: every Ok record carries the UTC day and hour of its request as
 * metadata.partitionKeys, which Firehose substitutes into logs/parquet/dt=<dt>/hour=<hour>/.
 */
import { describe, expect, it } from 'vitest';
import { lambdaFieldSpec, lambdaFieldSpecFor } from '../../src/core/log-format.js';
import { firehoseTransformationEvent } from '../../scripts/sample-data.js';
import { cloudWatchEnvelope, generateV2Lines } from '../../scripts/sample-v2.js';
import { FIREHOSE_PREFIX } from '../../src/template/pipeline.js';
import { lambda, type FirehoseResult } from './harness.js';

type WithKeys = FirehoseResult & { metadata?: { partitionKeys: Record<string, string> } };

const event = (items: Array<{ epoch: string; arrival: number }>) => ({
  invocationId: 'i',
  deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-shop-parquet',
  region: 'us-east-1',
  records: items.map((x, i) => ({
    recordId: `r${i}`,
    approximateArrivalTimestamp: x.arrival,
    data: Buffer.from(`{"requestId":"id-${i}","requestTimeEpoch":"${x.epoch}","status":"200","identityApiKeyId":"-"}\n`).toString('base64'),
  })),
});

describe('partition keys', () => {
  const handler = lambda.createHandler({ fieldSpec: lambdaFieldSpec(), logger: { warn: () => undefined } });
  const lastMsOf2025 = Date.UTC(2025, 11, 31, 23, 59, 59, 999);

  it('files a request by its own UTC day and hour, not by when it reached Firehose', async () => {
    const { records } = (await handler(event([{ epoch: String(lastMsOf2025), arrival: lastMsOf2025 + 2_000 }]))) as { records: WithKeys[] };
    expect(records[0]).toMatchObject({ result: 'Ok', metadata: { partitionKeys: { dt: '2025-12-31', hour: '23' } } });
  });

  it('falls back to the arrival time when the request time is missing or not a usable epoch', async () => {
    const arrival = Date.UTC(2026, 0, 1, 0, 0, 5);
    const { records } = (await handler(event([{ epoch: '-', arrival }, { epoch: '99999999999999999', arrival }]))) as { records: WithKeys[] };
    for (const r of records) expect(r.metadata?.partitionKeys).toEqual({ dt: '2026-01-01', hour: '00' });
  });

  it('returns exactly the keys the stream prefix names', async () => {
    const named = [...FIREHOSE_PREFIX.matchAll(/!\{partitionKeyFromLambda:(\w+)\}/g)].map((m) => m[1]);
    const { records } = (await handler(event([{ epoch: String(lastMsOf2025), arrival: lastMsOf2025 }]))) as { records: WithKeys[] };
    expect(Object.keys(records[0]!.metadata!.partitionKeys).sort()).toEqual([...named].sort());
  });

  it('gives a record that fails no keys (Firehose writes it under errors/)', async () => {
    const bad = { invocationId: 'i', deliveryStreamArn: 'a', region: 'us-east-1', records: [{ recordId: 'x', approximateArrivalTimestamp: 0, data: Buffer.from('not json').toString('base64') }] };
    const { records } = (await handler(bad)) as { records: WithKeys[] };
    expect(records[0]).toMatchObject({ result: 'ProcessingFailed' });
    expect(records[0]!.metadata).toBeUndefined();
  });
});

describe('partition keys of a CloudWatch Logs envelope (HTTP and WebSocket stages)', () => {
  it('files the envelope\'s rows under the hour of its first request', async () => {
    const start = Date.UTC(2025, 0, 6, 13, 0, 0);
    const lines = generateV2Lines('HTTP', { count: 5, seed: 3, startMs: start, spanMs: 60_000 });
    const handler = lambda.createHandler({
      fieldSpec: lambdaFieldSpecFor('REST'),
      v2FieldSpecs: { HTTP: lambdaFieldSpecFor('HTTP'), WEBSOCKET: lambdaFieldSpecFor('WEBSOCKET') },
      logger: { warn: () => undefined },
    } as Parameters<typeof lambda.createHandler>[0]);
    const { records } = (await handler(firehoseTransformationEvent([cloudWatchEnvelope(lines)], { seed: 1 }))) as { records: WithKeys[] };
    expect(records[0]).toMatchObject({ result: 'Ok', metadata: { partitionKeys: { dt: '2025-01-06', hour: '13' } } });
  });
});
