/**
 * Sample logs in our Firehose output format, made the way production makes them: raw records from
 * the seeded generator (scripts/sample-data.ts) run through the enrichment Lambda's own transform
 * (assets/lambda/index.cjs, with API Gateway's usage plans and keys answered from the generator's
 * catalogue), then grouped into gzip objects the way Firehose delivers them: one object per buffer
 * interval of arrival time, under logs/dt=<arrival day>/, named <stream>-1-<yyyy-MM-dd-HH-mm-ss>-<id>.gz.
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
import { NUMERIC_KEYS } from '../src/core/log-format.js';
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

/** The committed sample: a day of traffic, a few thousand requests, 15-minute objects. */
export const SAMPLE_OPTIONS = {
  count: 3000,
  seed: 1,
  startMs: Date.UTC(2025, 0, 6, 0, 0, 0),
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
  body: Buffer;
}

interface FirehoseResult {
  records: Array<{ recordId: string; result: string; data: string }>;
}
interface LambdaModule {
  createHandler(options: Record<string, unknown>): (event: unknown) => Promise<FirehoseResult>;
}

// API Gateway as the Lambda sees it: commands are plain objects, the client answers from the
// generator's catalogue of usage plans and keys, in one page each.
class Command {
  constructor(readonly input: Record<string, unknown>) {}
}
class GetUsagePlansCommand extends Command {}
class GetUsagePlanKeysCommand extends Command {}
class GetApiKeysCommand extends Command {}
const fakeSdk = { GetUsagePlansCommand, GetUsagePlanKeysCommand, GetApiKeysCommand, APIGatewayClient: class {} };
const keyById = new Map(SAMPLE_API_KEYS.map((k) => [k.id, k]));
const fakeClient = {
  send(cmd: Command): Promise<unknown> {
    if (cmd instanceof GetUsagePlansCommand) return Promise.resolve({ items: SAMPLE_USAGE_PLANS.map((p) => ({ id: p.id, name: p.name, apiStages: p.apiStages })) });
    if (cmd instanceof GetUsagePlanKeysCommand) {
      const plan = SAMPLE_USAGE_PLANS.find((p) => p.id === cmd.input.usagePlanId);
      return Promise.resolve({ items: (plan?.keyIds ?? []).map((id) => ({ id, type: 'API_KEY', name: keyById.get(id)?.name })) });
    }
    if (cmd instanceof GetApiKeysCommand) return Promise.resolve({ items: SAMPLE_API_KEYS.map((k) => ({ id: k.id, name: k.name, customerId: k.customerId })) });
    return Promise.reject(new Error(`unexpected command ${cmd.constructor.name}`));
  },
};

export function loadLambda(): LambdaModule {
  return createRequire(import.meta.url)(LAMBDA_PATH) as LambdaModule;
}

/** The Lambda's output lines (each ending in a newline) for these raw records, in order. */
export async function transformRecords(raws: readonly RawAccessLogRecord[], batchSize = 500): Promise<string[]> {
  const handler = loadLambda().createHandler({ numericKeys: [...NUMERIC_KEYS], sdk: fakeSdk, client: fakeClient, logger: { warn: () => undefined } });
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

/**
 * Records arrive at Firehose a few seconds after the request; each buffer interval of arrivals
 * becomes one object, delivered when the interval closes, under the dt of that delivery (so the
 * last interval of a day lands in the next day's partition, as in production).
 */
export async function makeSampleObjects(options: SampleObjectOptions): Promise<SampleObject[]> {
  const raws = generateAccessLogRecords({ count: options.count, seed: options.seed, startMs: options.startMs, spanMs: options.spanMs });
  const lines = await transformRecords(raws, options.batchSize);
  const groups = new Map<number, string[]>();
  raws.forEach((raw, i) => {
    const arrival = Number(raw.requestTimeEpoch) + 1000 + ((i * 7919) % 9000);
    const interval = Math.floor(arrival / options.bufferMs);
    const list = groups.get(interval) ?? [];
    list.push(lines[i] as string);
    groups.set(interval, list);
  });
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([interval, group], n) => {
      const opened = interval * options.bufferMs;
      const delivered = opened + options.bufferMs + 2000;
      const dt = new Date(delivered).toISOString().slice(0, 10);
      return {
        key: `logs/dt=${dt}/${options.streamName}-1-${stamp(opened)}-${objectId(options.seed, n)}.gz`,
        records: group.length,
        body: gzipSync(Buffer.from(group.join(''), 'utf8'), { level: 9 }),
      };
    });
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
  console.log(`wrote ${options.count} records in ${files} objects (${(bytes / 1024).toFixed(0)} KiB) under ${join(out, 'logs')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
