/**
 * Discrete-event time for benchmarks and tests of pacing: `sleep` schedules a wake-up; `run`
 * advances the clock to the next wake-up whenever every task is waiting. Deterministic, and as
 * fast as the code under test.
 */
export class VirtualClock {
  now = 0;
  private timers: Array<{ at: number; seq: number; wake: () => void }> = [];
  private seq = 0;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.now + Math.max(0, ms), seq: this.seq++, wake: resolve });
    });

  readonly clock = (): number => this.now;

  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const watched = work.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      if (settled) return watched;
      if (this.timers.length === 0) throw new Error('virtual clock: every task is waiting and no timer is set (deadlock)');
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.now = Math.max(this.now, next.at);
      next.wake();
    }
  }
}

/** API Gateway's control-plane limit as the service enforces it: a token bucket on the server side. */
export class ServerBudget {
  private tokens: number;
  private last: number;
  throttled = 0;
  served = 0;
  constructor(
    private readonly clock: () => number,
    readonly ratePerSecond = 10,
    readonly burst = 40,
  ) {
    this.tokens = burst;
    this.last = clock();
  }
  /** True when the call is served, false when it is answered 429. */
  admit(): boolean {
    const t = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.served++;
      return true;
    }
    this.throttled++;
    return false;
  }
}
