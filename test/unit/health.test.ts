import { describe, expect, it } from 'vitest';
import { judgeHealth, type HealthFacts } from '../../src/core/health.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const base: HealthFacts = {
  stackStatus: 'CREATE_COMPLETE',
  hasOutputs: true,
  installedVersion: '0.1.0',
  cliVersion: '0.1.0',
  connectedStages: 2,
  driftedStages: 0,
  newestLog: { key: 'logs/dt=2026-11-25/x.json.gz', lastModified: new Date(NOW - 180_000).toISOString() },
  errorObjectsLastDay: 0,
  metrics: { incomingRecords: 1200, deliverySuccess: 1, processingSuccess: 1, lambdaErrors: 0, lambdaThrottles: 0 },
  dashboard: { status: 'CREATION_SUCCESSFUL', errors: [] },
  now: NOW,
};

describe('judgeHealth', () => {
  it('healthy with the age of the newest log', () => {
    expect(judgeHealth(base)).toMatchObject({ verdict: 'healthy', reason: 'newest access log delivered 3 min ago', problems: [], upgrade: 'current' });
  });
  it('no data yet: nothing delivered, or nothing connected', () => {
    expect(judgeHealth({ ...base, newestLog: null })).toMatchObject({ verdict: 'no data yet', reason: expect.stringContaining('no access logs delivered') });
    expect(judgeHealth({ ...base, newestLog: null, connectedStages: 0 }).reason).toContain('no stage is connected');
  });
  it('degraded by processing failures, Lambda errors, delivery, drift or a failed dashboard', () => {
    expect(judgeHealth({ ...base, errorObjectsLastDay: 3 })).toMatchObject({ verdict: 'degraded', reason: expect.stringContaining('3 failed batches under errors/') });
    expect(judgeHealth({ ...base, metrics: { ...base.metrics!, lambdaErrors: 2 } }).reason).toContain('failed 2 times');
    expect(judgeHealth({ ...base, metrics: { ...base.metrics!, deliverySuccess: 0.5 } }).reason).toContain('50.0%');
    expect(judgeHealth({ ...base, driftedStages: 1 }).reason).toContain('1 connected stage was pointed elsewhere');
    expect(judgeHealth({ ...base, dashboard: { status: 'CREATION_FAILED', errors: ['COLUMN_NOT_FOUND: x'] } }).reason).toContain('CREATION_FAILED: COLUMN_NOT_FOUND');
    expect(judgeHealth({ ...base, stackStatus: 'UPDATE_ROLLBACK_COMPLETE' }).verdict).toBe('degraded');
    expect(judgeHealth({ ...base, stackStatus: 'UPDATE_IN_PROGRESS' }).verdict).toBe('degraded');
  });
  it('broken when the stack failed or rolled back its creation', () => {
    expect(judgeHealth({ ...base, stackStatus: 'ROLLBACK_COMPLETE' })).toMatchObject({ verdict: 'broken', reason: 'the stack is ROLLBACK_COMPLETE' });
    expect(judgeHealth({ ...base, stackStatus: 'UPDATE_ROLLBACK_FAILED' }).verdict).toBe('broken');
    expect(judgeHealth({ ...base, stackStatus: 'DELETE_FAILED' }).verdict).toBe('broken');
    expect(judgeHealth({ ...base, hasOutputs: false }).verdict).toBe('broken');
  });
  it('lists every problem, worst first', () => {
    const h = judgeHealth({ ...base, stackStatus: 'ROLLBACK_COMPLETE', errorObjectsLastDay: 1 });
    expect(h.problems).toEqual(['the stack is ROLLBACK_COMPLETE', '1 failed batch under errors/ in the last day (records the pipeline could not process or deliver)']);
  });
  it('compares versions for the upgrade hint', () => {
    expect(judgeHealth({ ...base, installedVersion: '0.0.9' }).upgrade).toBe('available');
    expect(judgeHealth({ ...base, installedVersion: '0.10.0' }).upgrade).toBe('newer-than-cli');
    expect(judgeHealth({ ...base, installedVersion: null }).upgrade).toBe('unknown');
  });
});
