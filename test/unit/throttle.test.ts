import { describe, expect, it } from 'vitest';
import { TokenBucket, mapLimit, settleLimit, withRetry } from '../../src/aws/throttle.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces to the rate', async () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 40, now: clock.clock, sleep: clock.sleep });
    const times: number[] = [];
    await clock.run(
      Promise.all(
        Array.from({ length: 60 }, async () => {
          await bucket.take();
          times.push(clock.now);
        }),
      ),
    );
    expect(times.slice(0, 40).every((t) => t === 0)).toBe(true);
    expect(times[59]).toBe(2000); // 20 more at 10/s
    for (let i = 41; i < 60; i++) expect(times[i]! - times[i - 1]!).toBe(100);
  });

  it('slows down on a throttle and wins the pace back on successes', () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 40, now: clock.clock, sleep: clock.sleep });
    bucket.drain();
    expect(bucket.currentRate).toBeCloseTo(7);
    for (let i = 0; i < 5; i++) bucket.drain();
    expect(bucket.currentRate).toBe(2);
    for (let i = 0; i < 1000; i++) bucket.reward();
    expect(bucket.currentRate).toBe(10);
  });
});

describe('withRetry', () => {
  const throttle = Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
  it('retries throttling with growing, capped, jittered delays, then gives up', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(throttle);
        },
        { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 400, sleep: (ms) => (sleeps.push(ms), Promise.resolve()), random: () => 1 },
      ),
    ).rejects.toBe(throttle);
    expect(calls).toBe(5);
    expect(sleeps).toEqual([100, 200, 400, 400]);
  });
  it('does not retry other errors', async () => {
    let calls = 0;
    const boom = new Error('AccessDenied');
    await expect(withRetry(() => (calls++, Promise.reject(boom)), { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1, sleep: () => Promise.resolve() })).rejects.toBe(boom);
    expect(calls).toBe(1);
  });
});

describe('mapLimit and settleLimit', () => {
  it('keep order, respect the limit, and isolate failures', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(2);
    const settled = await settleLimit([1, 2, 3], 3, (n) => (n === 2 ? Promise.reject(new Error('no')) : Promise.resolve(n)));
    expect(settled.map((s) => s.ok)).toEqual([true, false, true]);
  });
});
