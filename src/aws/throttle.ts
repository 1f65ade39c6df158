/**
 * Client-side pacing for API Gateway's control plane. The account has one budget for every
 * control-plane call: 10 requests per second with a burst of 40, shared with everything else in
 * the account (our enrichment Lambda included), and it cannot be raised. A token bucket keeps our
 * own calls inside it; a throttled answer still happens (others share the budget), so it drains
 * the bucket and the call is retried with backoff.
 */
import { isThrottlingError } from '../errors.js';

export type Sleep = (ms: number) => Promise<void>;
export type Now = () => number;

export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  now: Now;
  sleep: Sleep;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  private rate: number;
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly now: Now;
  private readonly sleep: Sleep;

  constructor(options: TokenBucketOptions) {
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.now = options.now;
    this.sleep = options.sleep;
    this.tokens = options.burst;
    this.last = options.now();
    this.rate = options.ratePerSecond;
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    this.last = t;
  }

  /** Waits for one token. Callers are served in arrival order. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill();
      while (this.tokens < 1) {
        const waitMs = Math.ceil(((1 - this.tokens) / this.rate) * 1000);
        await this.sleep(waitMs);
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * The service said we went too fast: someone else is spending the shared budget too. Assume it
   * is spent, and slow down (multiplicative decrease, down to a fifth of the budget).
   */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
    this.rate = Math.max(this.ratePerSecond / 5, this.rate * 0.7);
  }

  /** A call went through: win back speed slowly (additive increase, up to the budget). */
  reward(): void {
    if (this.rate < this.ratePerSecond) this.rate = Math.min(this.ratePerSecond, this.rate + this.ratePerSecond / 100);
  }

  /** The pace in use now (requests/second). */
  get currentRate(): number {
    return this.rate;
  }
}

export interface RetryOptions {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** First backoff; doubles each retry, capped at `maxDelayMs`, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: Sleep;
  random?: () => number;
  isRetryable?: (e: unknown) => boolean;
  onRetry?: (e: unknown, attempt: number, delayMs: number) => void;
}

/** Retries `fn` while it fails with a retryable (by default: throttling) error. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const retryable = options.isRetryable ?? isThrottlingError;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= options.maxAttempts || !retryable(e)) throw e;
      const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(cap / 2 + (random() * cap) / 2);
      options.onRetry?.(e, attempt, delay);
      await options.sleep(delay);
    }
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Like mapLimit, but one failure does not stop the others: each item gets its own outcome. */
export async function settleLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<Array<{ ok: true; value: R } | { ok: false; error: unknown }>> {
  return mapLimit(items, limit, async (item, i) => {
    try {
      return { ok: true as const, value: await fn(item, i) };
    } catch (error) {
      return { ok: false as const, error };
    }
  });
}
