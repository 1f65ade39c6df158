/**
 * Sample logs in our Firehose output format, made the way production makes them: raw records from
 * the seeded generator (scripts/sample-data.ts) run through the enrichment Lambda's own transform
 * (assets/lambda/index.cjs, with API Gateway's usage plans and keys answered from the generator's
 * catalogue), then grouped into gzip objects the way Firehose delivers them (fileAsFirehose): one
 * object per buffer of arrivals, under logs/dt=<arrival day of its oldest record>/, named
 * <stream>-1-<yyyy-MM-dd-HH-mm-ss of that arrival>-<id>.gz.
 *
 *   npx tsx scripts/make-sample.ts                      # rewrites assets/sample (the committed sample)
 *   npx tsx scripts/make-sample.ts --out DIR --count 1000000 --span-hours 24 --buffer-seconds 60
 *
 * The committed sample is deterministic: the same generator, Lambda and options give the same bytes.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { lambdaFieldSpec, lambdaFieldSpecFor } from '../src/core/log-format.js';
import { envelopes, generateV2Lines } from './sample-v2.js';
import {
  SAMPLE_API_KEYS,
  SAMPLE_USAGE_PLANS,
  firehoseTransformationEvent,
  generateAccessLogRecords,
  type RawAccessLogRecord,
} from './sample-data.js';

const here = dirname(fileURLToPath(import.meta.url));
export const LAMBDA_PATH = join(here, '..', 'assets', 'lambda', 'index.cjs');
export const SAMPLE_DIR = join(here, '..', 'assets', 'sample');

/**
 * The committed sample: a day of traffic, a few thousand requests, 15-minute objects. It starts at
 * 23:22 UTC so that the object opened at about 23:52 holds the first minutes of 2025-01-06 under
 * dt=2025-01-05, as Firehose files them.
 */
export const SAMPLE_OPTIONS = {
  count: 3000,
  seed: 1,
  startMs: Date.UTC(2025, 0, 5, 23, 22, 0),
  spanMs: 24 * 3_600_000,
  bufferMs: 15 * 60_000,
  streamName: 'amazon-apigateway-sample',
} as const;

export interface SampleObjectOptions {
  count: number;
  seed: number;
  startMs: number;
  spanMs: number;
  /** Firehose's buffer interval: one object per interval of arrival time. */
  bufferMs: number;
  streamName: string;
  /** Records per Lambda invocation (Firehose batches up to 6 MB; 500 is typical for small records). */
  batchSize?: number;
}

export interface SampleObject {
  key: string;
  records: number;
  /** When Firehose would have written it (S3's LastModified). */
  deliveredMs: number;
  body: Buffer;
}

interface FirehoseResult {
  records: Array<{ recordId: string; result: string; data: string }>;
}
interface LambdaModule {
  createHandler(options: Record<string, unknown>): (event: unknown) => Promise<FirehoseResult>;
}

// API Gateway as the Lambda sees it: commands are plain objects, the client answers from the
// generator's catalogue of usage plans and keys (GetApiKey, GetUsagePlans?keyId).
class Command {
  constructor(readonly input: Record<string, unknown>) {}
}
class GetUsagePlansCommand extends Command {}
class GetApiKeyCommand extends Command {}
const fakeSdk = { GetUsagePlansCommand, GetApiKeyCommand, APIGatewayClient: class {} };
const keyById = new Map(SAMPLE_API_KEYS.map((k) => [k.id, k]));
const fakeClient = {
  send(cmd: Command): Promise<unknown> {
    if (cmd instanceof GetUsagePlansCommand) {
      const plans = SAMPLE_USAGE_PLANS.filter((p) => p.keyIds.includes(cmd.input.keyId as string));
      return Promise.resolve({ items: plans.map((p) => ({ id: p.id, name: p.name, apiStages: p.apiStages })) });
    }
    if (cmd instanceof GetApiKeyCommand) {
      const key = keyById.get(cmd.input.apiKey as string);
      if (key === undefined) return Promise.reject(Object.assign(new Error('Invalid API Key identifier specified'), { name: 'NotFoundException' }));
      return Promise.resolve({ id: key.id, name: key.name, customerId: key.customerId });
    }
    return Promise.reject(new Error(`unexpected command ${cmd.constructor.name}`));
  },
};

export function loadLambda(): LambdaModule {
  return createRequire(import.meta.url)(LAMBDA_PATH) as LambdaModule;
}

/** The Lambda's output lines (each ending in a newline) for these raw records, in order. */
export async function transformRecords(raws: readonly RawAccessLogRecord[], batchSize = 500): Promise<string[]> {
  const handler = loadLambda().createHandler({ fieldSpec: lambdaFieldSpec(), sdk: fakeSdk, client: fakeClient, logger: { warn: () => undefined }, ratePerSecond: 1e6, burst: 1e6 });
  const out: string[] = [];
  for (let i = 0; i < raws.length; i += batchSize) {
    const batch = raws.slice(i, i + batchSize);
    const result = await handler(firehoseTransformationEvent(batch, { seed: i + 1 }));
    for (const r of result.records) {
      if (r.result !== 'Ok') throw new Error(`the Lambda refused a generated record (${r.recordId})`);
      out.push(Buffer.from(r.data, 'base64').toString('utf8'));
    }
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');
function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`;
}

/** A stable pseudo-uuid for an object name (Firehose uses a random one). */
function objectId(seed: number, n: number): string {
  let h = (seed * 2654435761 + n * 40503) >>> 0;
  let s = '';
  for (let i = 0; i < 32; i++) {
    h = (Math.imul(h ^ (h >>> 15), 2246822507) + i) >>> 0;
    s += (h & 15).toString(16);
  }
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** When each record reaches Firehose: a few seconds after its request (API Gateway delivers the log line after the response). */
export function arrivalTimes(raws: readonly RawAccessLogRecord[]): number[] {
  return raws.map((raw, i) => Number(raw.requestTimeEpoch) + 1000 + ((i * 7919) % 9000));
}

/**
 * Groups records into S3 objects the way Firehose buffers them: an object opens when a record
 * arrives and no buffer is open, takes every record that arrives within the buffer interval, and
 * is delivered when the interval closes. Its `dt=` prefix and the time in its name come from the
 * arrival of its oldest record ("Firehose uses the approximate arrival timestamp of the oldest
 * record that's contained in the Amazon S3 object being written", Firehose developer guide,
 * https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html). So an object opened shortly
 * before midnight holds requests of the next day under the previous day's prefix, as in production.
 */
export function fileAsFirehose<T>(items: readonly T[], arrivals: readonly number[], bufferMs: number): Array<{ openedMs: number; deliveredMs: number; items: T[] }> {
  const order = items.map((_, i) => i).sort((a, b) => (arrivals[a] as number) - (arrivals[b] as number) || a - b);
  const objects: Array<{ openedMs: number; deliveredMs: number; items: T[] }> = [];
  let current: { openedMs: number; deliveredMs: number; items: T[] } | undefined;
  for (const i of order) {
    const at = arrivals[i] as number;
    if (current === undefined || at >= current.openedMs + bufferMs) {
      current = { openedMs: at, deliveredMs: at + bufferMs + 2000, items: [] };
      objects.push(current);
    }
    current.items.push(items[i] as T);
  }
  return objects;
}

/** HTTP and WebSocket requests in the sample, per REST request (their logs come through CloudWatch Logs). */
export const V2_SHARE = 0.2;
/** Events per CloudWatch Logs envelope in the sample. */
const EVENTS_PER_ENVELOPE = 50;
/** Envelopes per Lambda invocation: 2,000 rows, about 2.7 MB of JSON, well inside the 6 MB response. */
const ENVELOPES_PER_INVOCATION = 40;

/**
 * HTTP and WebSocket rows the way production makes them: lines of each kind's format, in
 * CloudWatch Logs subscription envelopes, through the Lambda; with the time each row reaches
 * Firehose (the subscription forwards within seconds of the request).
 */
export async function transformV2(options: SampleObjectOptions): Promise<{ lines: string[]; arrivals: number[] }> {
  const handler = loadLambda().createHandler({
    fieldSpec: lambdaFieldSpecFor('REST'),
    v2FieldSpecs: { HTTP: lambdaFieldSpecFor('HTTP'), WEBSOCKET: lambdaFieldSpecFor('WEBSOCKET') },
    sdk: fakeSdk,
    client: fakeClient,
    logger: { warn: () => undefined },
    ratePerSecond: 1e6,
    burst: 1e6,
  });
  const lines: string[] = [];
  const arrivals: number[] = [];
  const count = Math.round(options.count * V2_SHARE);
  for (const kind of ['HTTP', 'WEBSOCKET'] as const) {
    const raw = generateV2Lines(kind, { count, seed: options.seed, startMs: options.startMs, spanMs: options.spanMs });
    const all = envelopes(raw, EVENTS_PER_ENVELOPE);
    // As Firehose invokes the function: a processor buffer's worth at a time, so that every
    // envelope's rows fit one response (a bigger batch would be put back into the stream).
    for (let i = 0; i < all.length; i += ENVELOPES_PER_INVOCATION) {
      const event = firehoseTransformationEvent(all.slice(i, i + ENVELOPES_PER_INVOCATION), { seed: (kind === 'HTTP' ? 11 : 12) + i });
      collectV2Rows(await handler(event), lines, arrivals);
    }
  }
  return { lines, arrivals };
}

/** The rows of one invocation's response, each with the time it reaches Firehose. */
function collectV2Rows(result: { records: Array<{ recordId: string; result: string; data: string }> }, lines: string[], arrivals: number[]): void {
  for (const r of result.records) {
    if (r.result !== 'Ok') throw new Error(`the Lambda refused a generated envelope (${r.recordId})`);
    for (const line of Buffer.from(r.data, 'base64').toString('utf8').split('\n')) {
      if (line.length === 0) continue;
      lines.push(`${line}\n`);
      const epoch = (JSON.parse(line) as { requestTimeEpoch: number }).requestTimeEpoch;
      arrivals.push(epoch + 3000 + ((lines.length * 7919) % 9000));
    }
  }
}

export async function makeSampleObjects(options: SampleObjectOptions): Promise<SampleObject[]> {
  const raws = generateAccessLogRecords({ count: options.count, seed: options.seed, startMs: options.startMs, spanMs: options.spanMs });
  const rest = await transformRecords(raws, options.batchSize);
  const v2 = await transformV2(options);
  const lines = [...rest, ...v2.lines];
  return fileAsFirehose(lines, [...arrivalTimes(raws), ...v2.arrivals], options.bufferMs).map((o, n) => ({
    key: `logs/dt=${new Date(o.openedMs).toISOString().slice(0, 10)}/${options.streamName}-1-${stamp(o.openedMs)}-${objectId(options.seed, n)}.gz`,
    records: o.items.length,
    deliveredMs: o.deliveredMs,
    body: gzipSync(Buffer.from(o.items.join(''), 'utf8'), { level: 9 }),
  }));
}

export function writeSampleObjects(dir: string, objects: readonly SampleObject[]): { files: number; bytes: number } {
  let bytes = 0;
  for (const o of objects) {
    const file = join(dir, o.key);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, o.body);
    bytes += o.body.length;
  }
  return { files: objects.length, bytes };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const out = resolve(arg('out') ?? SAMPLE_DIR);
  const options: SampleObjectOptions = {
    ...SAMPLE_OPTIONS,
    ...(arg('count') ? { count: Number(arg('count')) } : {}),
    ...(arg('seed') ? { seed: Number(arg('seed')) } : {}),
    ...(arg('span-hours') ? { spanMs: Number(arg('span-hours')) * 3_600_000 } : {}),
    ...(arg('buffer-seconds') ? { bufferMs: Number(arg('buffer-seconds')) * 1000 } : {}),
  };
  rmSync(join(out, 'logs'), { recursive: true, force: true });
  const objects = await makeSampleObjects(options);
  const { files, bytes } = writeSampleObjects(out, objects);
  console.log(`wrote ${objects.reduce((n, o) => n + o.records, 0)} records (REST, HTTP and WebSocket) in ${files} objects (${(bytes / 1024).toFixed(0)} KiB) under ${join(out, 'logs')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
