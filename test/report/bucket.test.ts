/**
 * `report --from-bucket`: the window's objects listed by dt prefix and downloaded from a mocked
 * S3 (the fixture's objects as the bucket), then read by the local engine.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { mockClient } from 'aws-sdk-client-mock';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetApisCommand } from '@aws-sdk/client-apigatewayv2';
import { renderHtml } from '../../src/core/questions/render-html.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { runReport } from '../../src/commands/report/run.js';
import { isAppError } from '../../src/errors.js';
import { createTestContext } from '../helpers/context.js';
import { ACCOUNT, FIXTURE, installationStack, options } from './helpers.js';
import { answers, readRecords } from './reference.js';

const s3 = mockClient(S3Client);
const cfn = mockClient(CloudFormationClient);
const apigw = mockClient(APIGatewayClient);
const apigwv2 = mockClient(ApiGatewayV2Client);
const BUCKET = `shop-logs-${ACCOUNT}`;

const SAMPLE = fileURLToPath(new URL('../../assets/sample', import.meta.url));

/** The fixture's (or the sample's) objects as S3 lists them: delivered when their 15-minute buffer closed. */
function bucketObjects(root = FIXTURE): Array<{ key: string; size: number; lastModified: Date; file: string }> {
  const out: Array<{ key: string; size: number; lastModified: Date; file: string }> = [];
  const logs = join(root, 'logs');
  for (const dt of readdirSync(logs).sort()) {
    for (const name of readdirSync(join(logs, dt)).sort()) {
      const m = /-1-(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-/.exec(name)!;
      const opened = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
      const file = join(logs, dt, name);
      out.push({ key: `logs/${dt}/${name}`, size: readFileSync(file).length, lastModified: new Date(opened + 15 * 60_000 + 2000), file });
    }
  }
  return out;
}

function serveBucket(objects: ReturnType<typeof bucketObjects>): void {
  s3.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => ({
    Contents: objects.filter((o) => o.key.startsWith(input.Prefix ?? '')).map((o) => ({ Key: o.key, Size: o.size, LastModified: o.lastModified })),
    IsTruncated: false,
  }));
  s3.on(GetObjectCommand).callsFake((input: { Key?: string }) => {
    const o = objects.find((x) => x.key === input.Key);
    if (!o) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    return { Body: Readable.from([readFileSync(o.file)]) };
  });
}

beforeEach(() => {
  s3.reset();
  cfn.reset();
  apigw.reset();
  apigwv2.reset();
  apigw.on(GetRestApisCommand).resolves({ items: [{ id: 'k3x9q2m7ab', name: 'orders' }] });
  apigwv2.on(GetApisCommand).resolves({ Items: [] });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [installationStack('shop')] });
  serveBucket(bucketObjects());
});

describe('report --from-bucket', () => {
  it('downloads only the window\'s objects, says how much, and answers from them', async () => {
    const fromMs = Date.UTC(2025, 0, 6, 23, 30);
    const toMs = Date.UTC(2025, 0, 7, 1, 0);
    const h = createTestContext({ startMs: Date.UTC(2025, 0, 7, 12, 0) });
    const report = await runReport(options({ fromBucket: true, from: '2025-01-06T23:30', to: '2025-01-07T01:00' }), h.ctx);

    expect(s3.commandCalls(ListObjectsV2Command).map((c) => [c.args[0].input.Bucket, c.args[0].input.Prefix, c.args[0].input.ExpectedBucketOwner])).toEqual([
      // Both layouts: gzip JSON by arrival day, Parquet by request day.
      [BUCKET, 'logs/dt=2025-01-06/', ACCOUNT],
      [BUCKET, 'logs/parquet/dt=2025-01-06/', ACCOUNT],
      [BUCKET, 'logs/dt=2025-01-07/', ACCOUNT],
      [BUCKET, 'logs/parquet/dt=2025-01-07/', ACCOUNT],
      [BUCKET, 'logs/dt=2025-01-08/', ACCOUNT],
      [BUCKET, 'logs/parquet/dt=2025-01-08/', ACCOUNT],
    ]);
    // An object delivered before the window began cannot hold a request of the window.
    const wanted = bucketObjects().filter((o) => o.lastModified.getTime() >= fromMs);
    expect(wanted.length).toBeGreaterThan(3);
    expect(wanted.length).toBeLessThan(bucketObjects().length);
    const fetched = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(fetched.map((i) => i.Key).sort()).toEqual(wanted.map((o) => o.key).sort());
    expect(fetched.every((i) => i.Bucket === BUCKET && i.ExpectedBucketOwner === ACCOUNT)).toBe(true);

    const bytes = wanted.reduce((n, o) => n + o.size, 0);
    expect(report.source).toEqual({
      kind: 'bucket',
      project: 'shop',
      region: 'us-east-1',
      bucket: BUCKET,
      partitions: { first: '2025-01-06', last: '2025-01-08' },
      objects: wanted.length,
      bytesDownloaded: bytes,
      engine: expect.stringMatching(/^DuckDB v\d/) as unknown as string,
      skipped: [],
      holds: { first: expect.stringMatching(/^2025-01-0[678]T/) as unknown as string, last: expect.stringMatching(/^2025-01-0[678]T/) as unknown as string },
    });
    expect(h.out('stderr')).toMatch(new RegExp(`Downloaded ${wanted.length} objects, [\\d.]+ KB \\(dt 2025-01-06 to 2025-01-08\\)`));

    const inWindow = readRecords(join(FIXTURE, 'logs')).filter((r) => typeof r.requestTimeEpoch === 'number' && r.requestTimeEpoch >= fromMs && r.requestTimeEpoch < toMs);
    const expected = answers(inWindow, 10, { fromMs, toMs });
    for (const q of report.questions) {
      const exp = expected[q.id]!;
      expect(q.rows.length, q.id).toBe(exp.length);
      expect(q.rows.map((r) => r.requests), q.id).toEqual(exp.map((r) => r.requests));
    }
    expect(report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests).toBe(inWindow.length);
  });

  it('counts a request of the first day that Firehose filed under the day before (the oldest record of its object arrived before midnight)', async () => {
    // The sample is filed as Firehose files it: the object opened at 23:52:50 on 2025-01-05 holds
    // the first minutes of 2025-01-06 under dt=2025-01-05.
    const objects = bucketObjects(SAMPLE);
    serveBucket(objects);
    const boundary = objects.find((o) => o.key.includes('dt=2025-01-05/') && o.key.includes('-2025-01-05-23-52-'))!;
    const dayStart = Date.UTC(2025, 0, 6);
    const dayEnd = Date.UTC(2025, 0, 7);
    const early = readRecords(join(SAMPLE, 'logs', 'dt=2025-01-05')).filter((r) => (r.requestTimeEpoch as number) >= dayStart);
    expect(early.length).toBeGreaterThan(0);
    expect(Math.min(...early.map((r) => r.requestTimeEpoch as number)) - dayStart).toBeLessThan(60_000);

    const h = createTestContext({ startMs: Date.UTC(2025, 0, 8, 12, 0) });
    const report = await runReport(options({ fromBucket: true, from: '2025-01-06', to: '2025-01-06' }), h.ctx);
    // The objects listed: the day before, the day, and the day after.
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix)).toEqual([
      'logs/dt=2025-01-05/',
      'logs/parquet/dt=2025-01-05/',
      'logs/dt=2025-01-06/',
      'logs/parquet/dt=2025-01-06/',
      'logs/dt=2025-01-07/',
      'logs/parquet/dt=2025-01-07/',
    ]);
    const fetched = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key);
    expect(fetched).toContain(boundary.key);
    // Objects of the day before that were closed before midnight are not downloaded.
    expect(fetched.filter((k) => k?.includes('dt=2025-01-05/'))).toEqual([boundary.key]);
    expect(report.source).toMatchObject({ partitions: { first: '2025-01-05', last: '2025-01-07' } });

    const inDay = readRecords(join(SAMPLE, 'logs')).filter((r) => (r.requestTimeEpoch as number) >= dayStart && (r.requestTimeEpoch as number) < dayEnd);
    expect(report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests).toBe(inDay.length);
  });

  it('a damaged object is skipped and named by its S3 key; the others are reported', async () => {
    const objects = bucketObjects();
    const damaged = objects.find((o) => o.key.startsWith('logs/dt=2025-01-07/'))!;
    s3.on(GetObjectCommand).callsFake((input: { Key?: string }) => {
      const o = objects.find((x) => x.key === input.Key)!;
      const body = readFileSync(o.file);
      return { Body: Readable.from([o.key === damaged.key ? body.subarray(0, Math.floor(body.length / 2)) : body]) };
    });
    const h = createTestContext({ startMs: Date.UTC(2025, 0, 7, 12, 0) });
    const report = await runReport(options({ fromBucket: true, from: '2025-01-06', to: '2025-01-07' }), h.ctx);
    expect(h.out('stderr')).toContain(`s3://${BUCKET}/${damaged.key}: damaged (`);
    expect(report.source).toMatchObject({ kind: 'bucket', skipped: [{ file: `s3://${BUCKET}/${damaged.key}` }] });
    expect(report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests).toBeGreaterThan(0);
  });

  it('answers zeros, without the engine reading anything, when the window has no object', async () => {
    const h = createTestContext({ startMs: Date.UTC(2025, 0, 7, 12, 0) });
    const report = await runReport(options({ fromBucket: true, from: '2024-06-01', to: '2024-06-01' }), h.ctx);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(report.source).toMatchObject({ kind: 'bucket', objects: 0, bytesDownloaded: 0 });
    expect(report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests).toBe(0);
  });

  it('reports a download that fails as what it was doing', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const err = await runReport(options({ fromBucket: true, since: '24h' }), createTestContext({ startMs: Date.UTC(2025, 0, 7, 6, 0) }).ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('AccessDenied');
    expect(isAppError(err) && err.message).toMatch(new RegExp(`^Access denied while downloading s3://${BUCKET}/logs/dt=2025-01-0[67]/`));
  });
  it('names each API beside its id (the logs carry only the id), and keeps the ids when API Gateway refuses', async () => {
    const h = createTestContext({ startMs: Date.UTC(2025, 0, 7, 12, 0) });
    const report = await runReport(options({ fromBucket: true, from: '2025-01-06', to: '2025-01-07' }), h.ctx);
    expect(report.apiNames).toEqual({ k3x9q2m7ab: 'orders' });
    // Only the REST list was needed for the ids it knew; HTTP and WebSocket APIs are asked for the rest.
    expect(apigw.commandCalls(GetRestApisCommand)).toHaveLength(1);
    const html = renderHtml(report);
    expect(html).toContain('orders k3x9q2m7ab/');

    apigw.on(GetRestApisCommand).rejects(Object.assign(new Error('User is not authorized to perform: apigateway:GET'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const again = await runReport(options({ fromBucket: true, from: '2025-01-06', to: '2025-01-07' }), createTestContext({ startMs: Date.UTC(2025, 0, 7, 12, 0) }).ctx);
    expect(again.apiNames).toEqual({});
    expect(renderHtml(again)).not.toContain('orders k3x9q2m7ab/');
    expect(again.questions.find((q) => q.id === 'totals')?.rows[0]?.requests).toBe(report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests);
  });
});
