import { fromAwsError } from '../errors.js';
import type { ClientSettings } from './settings.js';
import { withRetry } from './throttle.js';

/** Sends one AWS call and turns a failure into an error a person can act on. */
export async function callAws<T>(settings: ClientSettings, doing: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    throw fromAwsError(e, { doing, profile: settings.target.profile, region: settings.target.region });
  }
}

/**
 * Sends one API Gateway control-plane call: waits for a token of the run's shared bucket (the
 * account budget), retries throttled answers with backoff (draining the bucket, since someone else
 * is spending the budget too), then maps a final failure like callAws.
 */
export function callApiGateway<T>(settings: ClientSettings, doing: string, send: () => Promise<T>): Promise<T> {
  const bucket = settings.apiGatewayBucket;
  return callAws(settings, doing, () =>
    withRetry(
      async () => {
        await bucket.take();
        const out = await send();
        bucket.reward();
        return out;
      },
      {
        maxAttempts: settings.apiGatewayMaxAttempts,
        baseDelayMs: 250,
        maxDelayMs: 5000,
        sleep: settings.sleep,
        onRetry: (_e, attempt, delay) => {
          bucket.drain();
          settings.onDebug?.(`API Gateway throttled ${doing}; retry ${attempt} in ${delay} ms`);
        },
      },
    ),
  );
}
