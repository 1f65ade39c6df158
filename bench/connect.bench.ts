/**
 * Connecting 200 stages against a mocked API Gateway that enforces the account budget the way the
 * service does (10 requests/second, burst 40, TooManyRequestsException past it). Time is virtual
 * (a discrete-event clock shared by the mock and the CLI's pacing), so the figure is the schedule
 * the code produces, not this machine's speed. Each stage costs 3 calls (read, patch, read back),
 * so the floor is (calls - burst) / rate. Target: within 1.3x of the floor.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { createAwsServices } from '../src/aws/clients.js';
import { connectStages } from '../src/commands/shared/connect.js';
import { accessLogFormat } from '../src/core/log-format.js';
import { createIo } from '../src/ui/io.js';
import { installFakeApiGateway, type FakeAccount } from '../test/helpers/fake-apigw.js';
import { MemoryStateStore } from '../test/helpers/state-store.js';
import { ServerBudget, VirtualClock } from '../test/helpers/virtual-clock.js';

const STAGES = 200;
const CALLS_PER_STAGE = 3;

async function scenario(label: string, competingRps: number): Promise<void> {
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIABENCH';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  const apigw = mockClient(APIGatewayClient);
  const clock = new VirtualClock();
  const budget = new ServerBudget(clock.clock, 10, 40);
  const account: FakeAccount = {
    apis: Array.from({ length: STAGES / 10 }, (_, i) => ({
      id: `api${String(i).padStart(7, '0')}`,
      name: `api-${i}`,
      stages: Array.from({ length: 10 }, (_, j) => ({ stageName: `s${j}` })),
    })),
  };
  installFakeApiGateway(apigw, account, { admit: () => budget.admit() });
  const aws = createAwsServices({ target: { region: 'us-east-1', profile: undefined }, sleep: clock.sleep, now: clock.clock });
  const apiGateway = await aws.apiGateway();
  const sink = { write: () => true };
  const io = createIo({ stdout: sink, stderr: sink, colorLevel: 0 });
  const refs = account.apis.flatMap((a) => a.stages.map((s) => ({ apiId: a.id, stageName: s.stageName! })));
  const controller = new AbortController();
  // Another consumer of the same account budget (the enrichment Lambda, a deploy pipeline…).
  let stop = false;
  const competitor = async () => {
    while (!stop && competingRps > 0) {
      budget.admit();
      await clock.sleep(1000 / competingRps);
    }
  };
  const start = clock.now;
  const work = (async () => {
    const bg = competitor();
    const results = await connectStages(
      refs,
      { target: { destinationArn: 'arn:aws:firehose:us-east-1:111122223333:deliverystream/amazon-apigateway-bench', format: accessLogFormat() }, project: 'bench', region: 'us-east-1', callerArn: 'arn' },
      { apigw: apiGateway, state: new MemoryStateStore(), io, signal: controller.signal, now: clock.clock },
    );
    stop = true;
    await bg;
    return results;
  })();
  const wall = process.hrtime.bigint();
  const results = await clock.run(work);
  const cpuMs = Number(process.hrtime.bigint() - wall) / 1e6;
  const elapsed = (clock.now - start) / 1000;
  const calls = STAGES * CALLS_PER_STAGE;
  const ourShare = 10 - competingRps;
  const floor = Math.max(0, calls - 40) / ourShare;
  const connected = results.filter((r) => r.outcome === 'connected').length;
  console.log(
    `  ${label.padEnd(34)} ${connected}/${STAGES} connected, ${elapsed.toFixed(1)} s (floor ${floor.toFixed(1)} s, ${(elapsed / floor).toFixed(2)}x), ` +
      `${budget.throttled} throttled answers, ${cpuMs.toFixed(0)} ms of CPU`,
  );
  apigw.restore();
}

export default async function connectBench(): Promise<void> {
  console.log(`connect ${STAGES} stages, ${CALLS_PER_STAGE} calls each, server budget 10 req/s burst 40 (virtual time)`);
  await scenario('alone in the account', 0);
  await scenario('beside a 2 req/s consumer', 2);
}
