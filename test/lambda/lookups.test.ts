/**
 * The enrichment Lambda's lookups under real conditions: a large account behind API Gateway's
 * account-wide throttle (virtual time), and endpoints that hang or answer slowly (real sockets on
 * 127.0.0.1, through the real SDK client the function builds).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaFieldSpec } from '../../src/core/log-format.js';
import { firehoseTransformationEvent, generateAccessLogRecords, type RawAccessLogRecord } from '../../scripts/sample-data.js';
import { ServerBudget, VirtualClock } from '../helpers/virtual-clock.js';
import { catalogResponses, decodeJson, lambda, sdk, type CatalogKey, type CatalogPlan, type Handler, type LambdaContext } from './harness.js';

const apigw = mockClient(sdk.APIGatewayClient);
const fieldSpec = lambdaFieldSpec();
const quiet = () => ({ warn: vi.fn<(message: string) => void>() });

beforeEach(() => {
  apigw.reset();
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Lambda's context for a function with `timeoutMs`, started at `startMs` on `clock`. */
function contextOf(clock: () => number, timeoutMs: number): LambdaContext {
  const start = clock();
  return { getRemainingTimeInMillis: () => timeoutMs - (clock() - start) };
}

const throttledError = () => Object.assign(new Error('Too Many Requests'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });

describe('a large account behind the account-wide throttle', () => {
  // 500 usage plans, 10,000 API keys; each key in one plan, each plan on its own stage.
  const keys: CatalogKey[] = Array.from({ length: 10_000 }, (_, i) => ({ id: `key${String(i).padStart(5, '0')}`, name: `customer-${i}`, customerId: `c-${i}` }));
  const plans: CatalogPlan[] = Array.from({ length: 500 }, (_, p) => ({
    id: `plan${p}`,
    name: `Plan ${p}`,
    apiStages: [{ apiId: 'a1b2c3d4e5', stage: `s${p}` }],
    keyIds: keys.filter((_, i) => i % 500 === p).map((k) => k.id),
  }));
  const planOf = (keyIndex: number) => plans[keyIndex % 500] as CatalogPlan;
  /** A 1,500-record batch (about 2 MB) whose requests use `distinct` keys spread over the account. */
  function batch(distinct: number, seed: number) {
    const raws = generateAccessLogRecords({ count: 1500, seed });
    const used: number[] = Array.from({ length: distinct }, (_, i) => (i * 2477 + seed * 13) % keys.length);
    raws.forEach((r, i) => {
      const k = used[i % distinct] as number;
      Object.assign(r, { identityApiKeyId: keys[k]?.id, apiId: 'a1b2c3d4e5', stage: planOf(k).apiStages[0]?.stage });
    });
    return { raws, used };
  }

  function throttlingFake(vc: VirtualClock, budget: ServerBudget) {
    const r = catalogResponses(plans, keys);
    const gate = <I, O>(fn: (input: I) => O) => (input: I) => {
      if (!budget.admit()) throw throttledError();
      return fn(input);
    };
    apigw.on(sdk.GetUsagePlansCommand).callsFake(gate(r.getUsagePlans));
    apigw.on(sdk.GetApiKeyCommand).callsFake(gate(r.getApiKey));
    apigw.on(sdk.GetUsagePlanKeysCommand).callsFake(gate(r.getUsagePlanKeys));
    apigw.on(sdk.GetApiKeysCommand).callsFake(gate(r.getApiKeys));
    return { now: vc.clock, sleep: vc.sleep };
  }

  function expectEnriched(records: Array<{ result: string; data: string }>, raws: RawAccessLogRecord[]) {
    records.forEach((rec, i) => {
      const out = decodeJson(rec as never);
      const k = Number((raws[i]?.identityApiKeyId as string).slice(3));
      expect(rec.result).toBe('Ok');
      expect([out.usagePlanId, out.usagePlanName, out.apiKeyName, out.customerId]).toEqual([planOf(k).id, planOf(k).name, `customer-${k}`, `c-${k}`]);
    });
  }

  it("enriches a batch's 40 keys in the first invocation with 80 calls (plus its opening burst, throttled once), though others just spent the account's burst", async () => {
    const vc = new VirtualClock();
    const budget = new ServerBudget(vc.clock, 10, 40);
    for (let i = 0; i < 40; i++) budget.admit(); // a deployment just used the account's burst
    const time = throttlingFake(vc, budget);
    const handler = lambda.createHandler({ fieldSpec, logger: quiet(), ...time });
    const { raws, used } = batch(40, 1);
    const { records } = await vc.run(handler(firehoseTransformationEvent(raws), contextOf(vc.clock, 120_000)));
    expectEnriched(records, raws);
    // Two calls per key (GetApiKey, GetUsagePlans?keyId): 80, against 500 + 20 + 1 for loading the
    // account. Only the opening burst (6) can meet the drained account; it backs off and never again.
    const { calls, throttled } = handler.stats;
    expect(handler.stats.resolved).toBe(used.length);
    expect(calls - throttled).toBe(2 * used.length);
    expect(throttled).toBeLessThanOrEqual(6);
    expect(budget.served).toBe(40 + 2 * used.length);
    expect(apigw.commandCalls(sdk.GetUsagePlanKeysCommand)).toHaveLength(0);
    expect(apigw.commandCalls(sdk.GetApiKeysCommand)).toHaveLength(0);
    // Paced at 3 calls/s after a burst of 6: about 25 s of the function's 120.
    expect(vc.now).toBeGreaterThan(20_000);
    expect(vc.now).toBeLessThan(60_000);
    // The next batch with the same keys costs nothing.
    await vc.run(handler(firehoseTransformationEvent(raws), contextOf(vc.clock, 120_000)));
    expect(handler.stats.calls).toBe(calls);
  });

  it('when the account is nearly exhausted by others: every record Ok on time, lookups back off, go on between batches, and finish', async () => {
    const vc = new VirtualClock();
    // Others leave this function 1 call per second.
    const budget = new ServerBudget(vc.clock, 1, 2);
    const time = throttlingFake(vc, budget);
    const log = quiet();
    const handler = lambda.createHandler({ fieldSpec, logger: log, ...time, maxWaitMs: 20_000 });
    const { raws, used } = batch(40, 2);
    const event = firehoseTransformationEvent(raws);

    const first = await vc.run(handler(event, contextOf(vc.clock, 120_000)));
    expect(first.records.every((r) => r.result === 'Ok')).toBe(true);
    expect(vc.now).toBeLessThanOrEqual(21_000); // held no longer than maxWait
    const enrichedFirst = first.records.map(decodeJson).filter((o) => o.apiKeyName !== null).length;
    expect(enrichedFirst).toBeLessThan(raws.length);
    expect(handler.stats.throttled).toBeGreaterThan(0);
    expect(JSON.parse(log.warn.mock.calls[0]?.[0] as string).enrichmentNotResolvedInTime).toBe(raws.length - enrichedFirst);

    // Later batches: what was resolved is kept, the rest keeps resolving (no reload from scratch).
    let last = first;
    for (let i = 0; i < 10 && last.records.map(decodeJson).some((o) => o.apiKeyName === null); i++) {
      last = await vc.run(handler(event, contextOf(vc.clock, 120_000)));
    }
    expectEnriched(last.records, raws);
    // Calls spent: two per key, plus the throttled attempts (each backed off), nothing thrown away.
    const { calls, throttled, failures } = handler.stats;
    expect(calls - throttled).toBe(2 * used.length);
    expect(failures).toBe(0);
    expect(calls).toBeLessThan(2 * 2 * used.length);
    expect(budget.served).toBe(calls - throttled);
  });
});

/** An HTTP server on 127.0.0.1 whose every request is handled by `answer`. */
async function localServer(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string; sockets: Set<Socket>; closed: () => number }> {
  const sockets = new Set<Socket>();
  let closed = 0;
  const server = createServer(answer);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => {
      closed++;
      sockets.delete(s);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, sockets, closed: () => closed };
}

function stop(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** API Gateway's wire answers (REST JSON; lists under "item") for key k1 in plan gold on api1/prod. */
function apiGatewayAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'application/json');
  if (req.url?.startsWith('/apikeys/k1')) res.end(JSON.stringify({ id: 'k1', name: 'acme', customerId: 'cust-1', enabled: true }));
  else if (req.url?.startsWith('/usageplans')) res.end(JSON.stringify({ item: [{ id: 'gold', name: 'Gold', apiStages: [{ apiId: 'api1', stage: 'prod' }] }] }));
  else {
    res.statusCode = 404;
    res.end('{}');
  }
}

describe('endpoints that hang or answer slowly (real sockets, the real SDK client)', () => {
  const record = (): RawAccessLogRecord => ({ ...(generateAccessLogRecords({ count: 1, seed: 3 })[0] as RawAccessLogRecord), identityApiKeyId: 'k1', apiId: 'api1', stage: 'prod' });
  const event = () => firehoseTransformationEvent([record(), record()]);
  const handlerFor = (url: string, options: Record<string, unknown> = {}): Handler => {
    apigw.restore(); // the real client, not the mock
    return lambda.createHandler({
      fieldSpec,
      logger: quiet(),
      marginMs: 1_000,
      clientConfig: { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } },
      ...options,
    });
  };
  afterEach(() => {
    apigw.reset();
  });

  it('a server that accepts and never answers: the batch is Ok with null enrichment before the function would time out, and the calls are aborted', async () => {
    const requests: string[] = [];
    const { server, url, sockets, closed } = await localServer((req) => requests.push(req.url ?? ''));
    try {
      const handler = handlerFor(url, { callTimeoutMs: 1_500 });
      const started = Date.now();
      const ctx = contextOf(Date.now, 3_000);
      const { records } = await handler(event(), ctx);
      expect(ctx.getRemainingTimeInMillis()).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(records.map((r) => r.result)).toEqual(['Ok', 'Ok']);
      for (const r of records) expect(decodeJson(r)).toMatchObject({ usagePlanId: null, usagePlanName: null, apiKeyName: null, customerId: null });
      expect(requests.some((u) => u.startsWith('/apikeys/k1'))).toBe(true);
      // The hung connections are really closed by the client (the per-call AbortSignal), not left open.
      await vi.waitFor(() => expect(closed()).toBeGreaterThan(0), { timeout: 4_000, interval: 50 });
      await vi.waitFor(() => expect(handler.stats.timeouts).toBeGreaterThan(0), { timeout: 4_000, interval: 50 });
    } finally {
      await stop(server, sockets);
    }
  });

  it('a server that answers in 2 s: enriched when the time allows; otherwise Ok with nulls, and the answer serves the next batch', async () => {
    const { server, url, sockets } = await localServer((req, res) => setTimeout(() => apiGatewayAnswer(req, res), 2_000));
    try {
      const roomy = handlerFor(url);
      const { records } = await roomy(event(), contextOf(Date.now, 6_000));
      for (const r of records) expect(decodeJson(r)).toMatchObject({ usagePlanId: 'gold', usagePlanName: 'Gold', apiKeyName: 'acme', customerId: 'cust-1' });

      const tight = handlerFor(url);
      const ctx = contextOf(Date.now, 2_200); // 1.2 s for lookups after the 1 s margin
      const first = await tight(event(), ctx);
      expect(ctx.getRemainingTimeInMillis()).toBeGreaterThan(0);
      expect(first.records.map((r) => r.result)).toEqual(['Ok', 'Ok']);
      for (const r of first.records) expect(decodeJson(r).apiKeyName).toBeNull();
      await vi.waitFor(() => expect(tight.stats.resolved).toBe(1), { timeout: 6_000, interval: 50 });
      const calls = tight.stats.calls;
      const next = await tight(event(), contextOf(Date.now, 2_200));
      for (const r of next.records) expect(decodeJson(r)).toMatchObject({ usagePlanName: 'Gold', apiKeyName: 'acme' });
      expect(tight.stats.calls).toBe(calls);
    } finally {
      await stop(server, sockets);
    }
  });
});
