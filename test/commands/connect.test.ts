import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { APIGatewayClient, UpdateStageCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { connectStages, disconnectOne } from '../../src/commands/shared/connect.js';
import { accessLogFormat } from '../../src/core/log-format.js';
import { createTestContext } from '../helpers/context.js';
import { installFakeApiGateway, type FakeAccount } from '../helpers/fake-apigw.js';
import { MemoryStateStore } from '../helpers/state-store.js';

const apigw = mockClient(APIGatewayClient);
const STREAM = 'arn:aws:firehose:us-east-1:111122223333:deliverystream/amazon-apigateway-shop';
const TARGET = { destinationArn: STREAM, format: accessLogFormat() };
const CW = { destinationArn: 'arn:aws:logs:us-east-1:111122223333:log-group:/api/orders', format: '{"requestId":"$context.requestId"}' };

function account(): FakeAccount {
  return {
    apis: [
      {
        id: 'a1b2c3d4e5',
        name: 'orders',
        stages: [{ stageName: 'prod', accessLogSettings: { ...CW } }, { stageName: 'dev' }],
      },
      { id: 'f6g7h8i9j0', name: 'billing', stages: [{ stageName: 'v1', accessLogSettings: { ...TARGET } }, { stageName: 'old', accessLogSettings: { destinationArn: STREAM, format: '{"x":"$context.requestId"}\n' } }] },
    ],
  };
}

async function setup(acc = account(), log: string[] = []) {
  const h = createTestContext();
  const aws = await h.ctx.aws();
  const apiGateway = await aws.apiGateway();
  const state = new MemoryStateStore();
  installFakeApiGateway(apigw, acc, { log });
  return { h, apiGateway, state, acc, log };
}

beforeEach(() => apigw.reset());

describe('connectStages', () => {
  it('stores the previous settings before patching, patches both fields in one call, and verifies', async () => {
    const log: string[] = [];
    const { h, apiGateway, state } = await setup(account(), log);
    const origCreate = state.create.bind(state);
    state.create = (r) => {
      log.push(`StatePut ${r.apiId}/${r.stageName}`);
      return origCreate(r);
    };
    const results = await connectStages(
      [{ apiId: 'a1b2c3d4e5', stageName: 'prod' }],
      { target: TARGET, project: 'shop', region: 'us-east-1', callerArn: 'arn:aws:iam::111122223333:user/jane' },
      { apigw: apiGateway, state, io: h.ctx.io, signal: h.ctx.signal, now: h.ctx.now },
    );
    expect(results).toEqual([{ ref: { apiId: 'a1b2c3d4e5', stageName: 'prod' }, outcome: 'connected', previous: CW }]);
    expect(log).toEqual(['GetStage a1b2c3d4e5/prod', 'StatePut a1b2c3d4e5/prod', 'UpdateStage a1b2c3d4e5/prod', 'GetStage a1b2c3d4e5/prod']);
    expect(apigw.commandCalls(UpdateStageCommand)[0]!.args[0].input).toEqual({
      restApiId: 'a1b2c3d4e5',
      stageName: 'prod',
      patchOperations: [
        { op: 'replace', path: '/accessLogSettings/destinationArn', value: STREAM },
        { op: 'replace', path: '/accessLogSettings/format', value: TARGET.format },
      ],
    });
    expect(state.records.get('a1b2c3d4e5/prod')).toEqual({
      schemaVersion: 1,
      project: 'shop',
      region: 'us-east-1',
      apiId: 'a1b2c3d4e5',
      stageName: 'prod',
      previous: CW,
      applied: TARGET,
      connectedAt: '2026-11-25T12:00:00.000Z',
      connectedBy: 'arn:aws:iam::111122223333:user/jane',
      revision: expect.any(String),
    });
  });

  it('records "none" for a stage that logged nowhere, leaves a connected stage alone, and updates an old format without touching its record', async () => {
    const { h, apiGateway, state, acc } = await setup();
    const results = await connectStages(
      [
        { apiId: 'a1b2c3d4e5', stageName: 'dev' },
        { apiId: 'f6g7h8i9j0', stageName: 'v1' },
        { apiId: 'f6g7h8i9j0', stageName: 'old' },
      ],
      { target: TARGET, project: 'shop', region: 'us-east-1', callerArn: 'arn' },
      { apigw: apiGateway, state, io: h.ctx.io, signal: h.ctx.signal, now: h.ctx.now },
    );
    expect(results.map((r) => r.outcome)).toEqual(['connected', 'unchanged', 'updated']);
    expect(state.records.get('a1b2c3d4e5/dev')?.previous).toBeNull();
    expect(state.log).toEqual(['create a1b2c3d4e5/dev']); // 'old' has no record (connected by hand): patched, nothing saved
    expect(apigw.commandCalls(UpdateStageCommand).map((c) => `${c.args[0].input.restApiId}/${c.args[0].input.stageName}`)).toEqual([
      'a1b2c3d4e5/dev',
      'f6g7h8i9j0/old',
    ]);
    expect(acc.apis[1]!.stages[1]!.accessLogSettings).toEqual(TARGET);
  });

  it('keeps going when one stage of five is throttled until retries run out', async () => {
    const acc: FakeAccount = { apis: [{ id: 'a1b2c3d4e5', name: 'many', stages: ['s1', 's2', 's3', 's4', 's5'].map((s) => ({ stageName: s })) }] };
    const h = createTestContext();
    const apiGateway = await (await h.ctx.aws()).apiGateway();
    const state = new MemoryStateStore();
    installFakeApiGateway(apigw, acc, { admit: (op, input) => !(op === 'UpdateStage' && input.stageName === 's5') });
    const stages = acc.apis[0]!.stages.map((s) => ({ apiId: 'a1b2c3d4e5', stageName: s.stageName! }));
    const results = await connectStages(stages, { target: TARGET, project: 'shop', region: 'us-east-1', callerArn: 'arn' }, { apigw: apiGateway, state, io: h.ctx.io, signal: h.ctx.signal, now: h.ctx.now });
    expect(results.map((r) => r.outcome)).toEqual(['connected', 'connected', 'connected', 'connected', 'failed']);
    expect(results[4]!.error).toMatch(/throttling/);
    expect(apigw.commandCalls(UpdateStageCommand).filter((c) => c.args[0].input.stageName === 's5')).toHaveLength(8);
    for (const s of ['s1', 's2', 's3', 's4']) expect(acc.apis[0]!.stages.find((x) => x.stageName === s)!.accessLogSettings).toEqual(TARGET);
    expect(acc.apis[0]!.stages[4]!.accessLogSettings).toBeUndefined();
    expect(h.out('stderr')).toContain('4 connected, 1 failed');
  });

  it('fails a stage whose read-back does not match', async () => {
    const { h, apiGateway, state } = await setup();
    apigw.on(GetStageCommand).resolves({ stageName: 'dev' });
    const [r] = await connectStages([{ apiId: 'a1b2c3d4e5', stageName: 'dev' }], { target: TARGET, project: 'shop', region: 'us-east-1', callerArn: 'arn' }, { apigw: apiGateway, state, io: h.ctx.io, signal: h.ctx.signal, now: h.ctx.now });
    expect(r).toMatchObject({ outcome: 'failed', error: 'Stage a1b2c3d4e5/dev did not keep the new access-log settings.' });
  });

  it('starts no new stage after Ctrl+C', async () => {
    const { h, apiGateway, state } = await setup();
    h.abort.abort();
    const results = await connectStages([{ apiId: 'a1b2c3d4e5', stageName: 'dev' }], { target: TARGET, project: 'shop', region: 'us-east-1', callerArn: 'arn' }, { apigw: apiGateway, state, io: h.ctx.io, signal: h.ctx.signal, now: h.ctx.now });
    expect(results.map((r) => r.outcome)).toEqual(['skipped']);
    expect(apigw.calls()).toHaveLength(0);
  });
});

describe('disconnectOne', () => {
  it.each([
    ['CloudWatch Logs', CW, [
      { op: 'replace', path: '/accessLogSettings/destinationArn', value: CW.destinationArn },
      { op: 'replace', path: '/accessLogSettings/format', value: CW.format },
    ]],
    ['another Firehose stream', { destinationArn: 'arn:aws:firehose:us-east-1:111122223333:deliverystream/amazon-apigateway-legacy', format: '$context.requestId' }, [
      { op: 'replace', path: '/accessLogSettings/destinationArn', value: 'arn:aws:firehose:us-east-1:111122223333:deliverystream/amazon-apigateway-legacy' },
      { op: 'replace', path: '/accessLogSettings/format', value: '$context.requestId' },
    ]],
    ['nothing', null, [{ op: 'remove', path: '/accessLogSettings' }]],
  ])('restores a stage that logged to %s exactly', async (_label, previous, ops) => {
    const acc: FakeAccount = { apis: [{ id: 'a1b2c3d4e5', name: 'x', stages: [{ stageName: 'prod', accessLogSettings: { ...TARGET } }] }] };
    const { h, apiGateway, state } = await setup(acc);
    const ref = { apiId: 'a1b2c3d4e5', stageName: 'prod' };
    const record = { schemaVersion: 1 as const, project: 'shop', region: 'us-east-1', ...ref, previous, applied: TARGET, connectedAt: '', connectedBy: '' };
    const stored = state.put(record);
    const r = await disconnectOne(ref, stored, { apigw: apiGateway, state, io: h.ctx.io, signal: h.ctx.signal, now: h.ctx.now }, () => Promise.resolve(false));
    expect(r.outcome).toBe('restored');
    expect(apigw.commandCalls(UpdateStageCommand)[0]!.args[0].input.patchOperations).toEqual(ops);
    expect(acc.apis[0]!.stages[0]!.accessLogSettings ?? null).toEqual(previous);
    expect(state.records.size).toBe(0);
  });

  it('does not overwrite a stage changed since we connected it unless told to', async () => {
    const acc: FakeAccount = { apis: [{ id: 'a1b2c3d4e5', name: 'x', stages: [{ stageName: 'prod', accessLogSettings: { ...CW } }] }] };
    const { h, apiGateway, state } = await setup(acc);
    const ref = { apiId: 'a1b2c3d4e5', stageName: 'prod' };
    const record = { schemaVersion: 1 as const, project: 'shop', region: 'us-east-1', ...ref, previous: null, applied: TARGET, connectedAt: '', connectedBy: '' };
    const stored = state.put(record);
    const seen: unknown[] = [];
    const r = await disconnectOne(ref, stored, { apigw: apiGateway, state, io: h.ctx.io, signal: h.ctx.signal, now: h.ctx.now }, (current) => {
      seen.push(current);
      return Promise.resolve(false);
    });
    expect(r).toMatchObject({ outcome: 'changed-since', current: CW });
    expect(seen).toEqual([CW]);
    expect(apigw.commandCalls(UpdateStageCommand)).toHaveLength(0);
    expect(state.records.size).toBe(1);
  });
});
