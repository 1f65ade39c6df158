/**
 * The enrichment Lambda on a full 3 MiB Firehose batch (the most Firehose sends a transformation
 * function) of realistic full-format records, against the bare floor of the same work without
 * any logic: base64-decode, JSON.parse, JSON.stringify, base64-encode (lines that are not JSON pass
 * through it untouched, where the function recovers them). Target: within 1.2x.
 *
 * Time: median of many invocations in steady state (the usage-plan cache warm, as it is for all
 * but the first batch of a container), A/B interleaved so both see the same machine noise.
 * Memory: peak RSS (what Lambda reports as Max Memory Used) of a fresh Node process that loads
 * the batch and runs the handler, beside the same process running the floor instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { lambdaFieldSpec, lambdaFieldSpecFor } from '../src/core/log-format.js';
import { envelopes, generateV2Lines } from '../scripts/sample-v2.js';
import { SAMPLE_API_KEYS, SAMPLE_USAGE_PLANS, firehoseTransformationEvent, generateAccessLogLines, type FirehoseTransformationEventShape } from '../scripts/sample-data.js';
import { catalogClient, lambda, sdk } from '../test/lambda/harness.js';

const BATCH_BYTES = 3 * 1024 * 1024;
const ITERATIONS = Number(process.env.LAMBDA_BENCH_ITERATIONS ?? 40);

const isJson = (line: string): boolean => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

/**
 * A full 3 MiB batch. `clean`: only lines that are valid JSON, so the floor does the same work on
 * every line (the target's batch). Otherwise the generator's mix, where about 3.5% of lines carry a
 * raw quote: the function recovers them while the floor passes them through untouched, so that
 * ratio overstates the function's overhead and is printed for information.
 */
function batch(clean: boolean): { event: FirehoseTransformationEventShape; bytes: number } {
  const lines: string[] = [];
  let bytes = 0;
  let seed = 1;
  while (bytes < BATCH_BYTES) {
    for (const line of generateAccessLogLines({ count: 500, seed: seed++ })) {
      if (clean && !isJson(line)) continue;
      const size = Buffer.byteLength(line);
      if (bytes + size > BATCH_BYTES) return { event: firehoseTransformationEvent(lines), bytes };
      lines.push(line);
      bytes += size;
    }
  }
  return { event: firehoseTransformationEvent(lines), bytes };
}

/** The floor: the same bytes in and out, with no logic at all. */
function floor(event: FirehoseTransformationEventShape): { records: Array<{ recordId: string; result: string; data: string }> } {
  const out = new Array(event.records.length);
  for (let i = 0; i < event.records.length; i++) {
    const r = event.records[i] as FirehoseTransformationEventShape['records'][number];
    // Lines API Gateway broke with an unescaped quote are not JSON: the floor passes them through.
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(r.data, 'base64').toString('utf8'));
    } catch {
      out[i] = { recordId: r.recordId, result: 'ProcessingFailed', data: r.data };
      continue;
    }
    out[i] = { recordId: r.recordId, result: 'Ok', data: Buffer.from(JSON.stringify(value), 'utf8').toString('base64') };
  }
  return { records: out };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

/** Peak RSS of a fresh process that loads the batch and runs `mode` a few times. */
function peakRss(mode: 'lambda' | 'floor' | 'load-only', dir: string): number {
  const lambdaPath = fileURLToPath(new URL('../assets/lambda/index.cjs', import.meta.url));
  const script = `
    const fs = require('node:fs');
    const event = JSON.parse(fs.readFileSync(${JSON.stringify(join(dir, 'event.json'))}, 'utf8'));
    const catalog = JSON.parse(fs.readFileSync(${JSON.stringify(join(dir, 'catalog.json'))}, 'utf8'));
    const { createHandler } = require(${JSON.stringify(lambdaPath)});
    const keyNames = new Map(catalog.keys.map((k) => [k.id, k]));
    const client = { send: async (c) => {
      const n = c.constructor.name;
      if (n === 'GetUsagePlansCommand') return { items: catalog.plans.filter((p) => p.keyIds.includes(c.input.keyId)).map((p) => ({ id: p.id, name: p.name, apiStages: p.apiStages })) };
      const key = keyNames.get(c.input.apiKey);
      if (!key) throw Object.assign(new Error('Invalid API Key identifier specified'), { name: 'NotFoundException' });
      return key;
    } };
    const handler = createHandler({ fieldSpec: ${JSON.stringify(lambdaFieldSpec())}, client, logger: { warn: () => undefined } });
    const floor = (e) => ({ records: e.records.map((r) => { try { return { recordId: r.recordId, result: 'Ok', data: Buffer.from(JSON.stringify(JSON.parse(Buffer.from(r.data, 'base64').toString('utf8'))), 'utf8').toString('base64') }; } catch { return { recordId: r.recordId, result: 'ProcessingFailed', data: r.data }; } }) });
    (async () => {
      for (let i = 0; i < 5; i++) {
        if (${JSON.stringify(mode)} === 'lambda') await handler(event);
        else if (${JSON.stringify(mode)} === 'floor') floor(event);
      }
      process.stdout.write(String(process.resourceUsage().maxRSS));
    })();
  `;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
  return Number(out) / 1024;
}

// --- CloudWatch Logs envelopes (HTTP and WebSocket stages) ---------------------------------

/** Events per envelope: what a busy stage's log stream gathers in one subscription delivery. */
const EVENTS_PER_ENVELOPE = 100;
/** Envelopes in the timed batch: as many as fit one response once unpacked (about 4 MB of rows). */
const ENVELOPES_PER_BATCH = 30;
const STREAM_ARN = 'arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-bench';

function envelopeBatch(envelopeCount: number): { event: FirehoseTransformationEventShape; compressed: number; json: number; events: number } {
  const half = Math.ceil((envelopeCount * EVENTS_PER_ENVELOPE) / 2);
  const lines = [...generateV2Lines('HTTP', { count: half, seed: 3 }), ...generateV2Lines('WEBSOCKET', { count: half, seed: 4 })];
  const parts = envelopes(lines, EVENTS_PER_ENVELOPE).slice(0, envelopeCount);
  const json = parts.reduce((n, p) => n + gunzipSync(p).length, 0);
  return { event: { ...firehoseTransformationEvent(parts), deliveryStreamArn: STREAM_ARN }, compressed: parts.reduce((n, p) => n + p.length, 0), json, events: parts.length * EVENTS_PER_ENVELOPE };
}

/** The floor of the same work: base64-decode, gunzip, parse the envelope and each event, stringify each row, encode. */
function envelopeFloor(event: FirehoseTransformationEventShape): { records: Array<{ recordId: string; result: string; data: string }> } {
  return {
    records: event.records.map((r) => {
      const doc = JSON.parse(gunzipSync(Buffer.from(r.data, 'base64')).toString('utf8')) as { logEvents: Array<{ message: string }> };
      const lines: string[] = [];
      for (const e of doc.logEvents) {
        try {
          lines.push(`${JSON.stringify(JSON.parse(e.message))}\n`);
        } catch {
          lines.push(`${e.message}\n`);
        }
      }
      return { recordId: r.recordId, result: 'Ok', data: Buffer.from(lines.join(''), 'utf8').toString('base64') };
    }),
  };
}

async function cloudWatchLogsBatch(): Promise<void> {
  const put: number[] = [];
  const firehose = { send: async (c: { input: { Records: Array<{ Data: Uint8Array }> } }) => {
    put.push(...c.input.Records.map((r) => r.Data.length));
    return { FailedPutCount: 0, RequestResponses: c.input.Records.map(() => ({ RecordId: 'x' })) };
  } };
  const handler = lambda.createHandler({
    fieldSpec: lambdaFieldSpec(),
    v2FieldSpecs: { HTTP: lambdaFieldSpecFor('HTTP'), WEBSOCKET: lambdaFieldSpecFor('WEBSOCKET') },
    firehose,
    client: catalogClient(SAMPLE_USAGE_PLANS, SAMPLE_API_KEYS),
    sdk,
    logger: { warn: () => undefined },
  });
  const { event, compressed, json, events } = envelopeBatch(ENVELOPES_PER_BATCH);
  const first = await handler(event);
  if (first.records.some((r) => r.result !== 'Ok') || put.length > 0) throw new Error('the timed envelope batch must fit one response');
  const { lambdaMs, floorMs } = await interleaved(() => handler(event), () => envelopeFloor(event));
  const responseBytes = JSON.stringify(first).length;
  const ratio = median(lambdaMs) / median(floorMs);
  console.log(
    `cloudwatch logs batch: ${event.records.length} envelopes of ${EVENTS_PER_ENVELOPE} HTTP and WebSocket events (${events} rows); ${(compressed / 1024).toFixed(0)} KiB gzip in, ${(json / 1024 / 1024).toFixed(2)} MiB JSON unpacked (${(json / compressed).toFixed(1)}x); response ${(responseBytes / 1024 / 1024).toFixed(2)} MiB`,
  );
  console.log(`lambda: median ${median(lambdaMs).toFixed(1)} ms, p90 ${percentile(lambdaMs, 90).toFixed(1)} ms per invocation (${ITERATIONS} runs)`);
  console.log(`floor:  median ${median(floorMs).toFixed(1)} ms (base64 + gunzip + JSON.parse of envelope and events + JSON.stringify + encode)`);
  console.log(`ratio:  ${ratio.toFixed(2)}x the floor`);

  // What a full processor buffer of envelopes (2 MB, PROCESSOR_BUFFER_MB) does: most goes back split.
  const full = envelopeBatch(Math.floor((2 * 1024 * 1024) / (compressed / ENVELOPES_PER_BATCH)));
  put.length = 0;
  const t = performance.now();
  const out = await handler(full.event);
  const ms = performance.now() - t;
  const kept = out.records.filter((r) => r.result === 'Ok').length;
  console.log(
    `2 MB buffer of envelopes: ${full.event.records.length} envelopes, ${(full.compressed / 1024 / 1024).toFixed(2)} MiB gzip = ${(full.json / 1024 / 1024).toFixed(1)} MiB unpacked; ${kept} answered in the response (${(JSON.stringify(out).length / 1024 / 1024).toFixed(2)} MiB), ${full.event.records.length - kept} put back as ${put.length} smaller envelopes (${(put.reduce((a, b) => a + b, 0) / 1024 / 1024).toFixed(2)} MiB gzip), ${ms.toFixed(0)} ms`,
  );
}

/** Five warm-up rounds, then ITERATIONS rounds of the handler and the floor, A/B interleaved so both see the same machine noise. */
async function interleaved(run: () => Promise<unknown>, floorRun: () => unknown): Promise<{ lambdaMs: number[]; floorMs: number[] }> {
  for (let i = 0; i < 5; i++) {
    await run();
    floorRun();
  }
  const lambdaMs: number[] = [];
  const floorMs: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    let t = performance.now();
    await run();
    lambdaMs.push(performance.now() - t);
    t = performance.now();
    floorRun();
    floorMs.push(performance.now() - t);
  }
  return { lambdaMs, floorMs };
}

interface Timing {
  lambdaMs: number[];
  floorMs: number[];
  outBytes: number;
}

/** Median times of the handler and the floor on one event, A/B interleaved, cache warm. */
async function time(event: FirehoseTransformationEventShape): Promise<Timing> {
  const client = catalogClient(SAMPLE_USAGE_PLANS, SAMPLE_API_KEYS);
  const handler = lambda.createHandler({ fieldSpec: lambdaFieldSpec(), client, sdk, logger: { warn: () => undefined } });
  const first = await handler(event);
  if (first.records.length !== event.records.length || first.records.some((r) => r.result !== 'Ok')) throw new Error('the handler did not return every record Ok');
  const { lambdaMs, floorMs } = await interleaved(() => handler(event), () => floor(event));
  const outBytes = (await handler(event)).records.reduce((n, r) => n + Buffer.from(r.data, 'base64').length, 0);
  return { lambdaMs, floorMs, outBytes };
}

function peakRssOf(event: FirehoseTransformationEventShape): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-bench-'));
  try {
    writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify({ plans: SAMPLE_USAGE_PLANS, keys: SAMPLE_API_KEYS }));
    return { 'load-only': peakRss('load-only', dir), floor: peakRss('floor', dir), lambda: peakRss('lambda', dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<void> {
  await cloudWatchLogsBatch();
  const { event, bytes } = batch(true);
  const t = await time(event);
  const rss = peakRssOf(event);
  const ratio = median(t.lambdaMs) / median(t.floorMs);
  const eventBytes = Buffer.byteLength(JSON.stringify(event));
  console.log(`batch: ${event.records.length} records, ${(bytes / 1024 / 1024).toFixed(2)} MiB of valid JSON log lines (${(eventBytes / 1024 / 1024).toFixed(2)} MiB event); output ${(t.outBytes / 1024 / 1024).toFixed(2)} MiB`);
  console.log(`lambda: median ${median(t.lambdaMs).toFixed(1)} ms, p90 ${percentile(t.lambdaMs, 90).toFixed(1)} ms per invocation (${ITERATIONS} runs, cache warm)`);
  console.log(`floor:  median ${median(t.floorMs).toFixed(1)} ms, p90 ${percentile(t.floorMs, 90).toFixed(1)} ms (decode + JSON.parse + JSON.stringify + encode)`);
  console.log(`ratio:  ${ratio.toFixed(2)}x the floor (target <= 1.2x) ${ratio <= 1.2 ? 'OK' : 'OVER TARGET'}`);
  console.log(
    `peak RSS (fresh process, batch loaded, 5 invocations): lambda ${rss.lambda?.toFixed(0)} MiB, floor ${rss.floor?.toFixed(0)} MiB, batch loaded only ${rss['load-only']?.toFixed(0)} MiB`,
  );
  const mixed = batch(false);
  const broken = mixed.event.records.filter((r) => !isJson(Buffer.from(r.data, 'base64').toString('utf8'))).length;
  const m = await time(mixed.event);
  console.log(
    `with raw quotes: ${mixed.event.records.length} records, ${broken} of them broken by a raw quote and recovered (the floor passes those through): ` +
      `lambda ${median(m.lambdaMs).toFixed(1)} ms, floor ${median(m.floorMs).toFixed(1)} ms, ${(median(m.lambdaMs) / median(m.floorMs)).toFixed(2)}x (information)`,
  );
}
