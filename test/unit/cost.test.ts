import { describe, expect, it } from 'vitest';
import { estimateCost, PRICES } from '../../src/core/cost.js';

describe('the cost estimate', () => {
  const base = { bufferIntervalSeconds: 60, retentionDays: 90, dashboard: false };

  it('adds nothing for CloudWatch Logs when only REST stages are chosen', () => {
    const e = estimateCost(base);
    expect(e.cloudWatchLogsPerMillionV2).toBe(0);
    expect(e.lines.join('\n')).not.toContain('CloudWatch Logs');
  });

  it('charges CloudWatch Logs ingestion per GB for HTTP and WebSocket stages, with the price and its source', () => {
    const e = estimateCost({ ...base, v2Stages: 2, v2RecordBytes: 1024 });
    expect(PRICES.cloudWatchLogsIngestionPerGb).toBe(0.5);
    // A million 1 KiB events is 0.9537 GiB at $0.50.
    expect(e.cloudWatchLogsPerMillionV2).toBeCloseTo((1e6 * 1024 * 0.5) / 1024 ** 3, 6);
    expect(e.lines.find((l) => l.startsWith('HTTP/WebSocket stages (2)'))).toBe(
      'HTTP/WebSocket stages (2): CloudWatch Logs ingestion $0.50/GB (aws.amazon.com/cloudwatch/pricing) before Firehose, about $0.48 more per million of their requests (~1.0 KB each); the log group keeps them 7 days only.',
    );
  });
});
