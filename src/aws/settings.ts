/**
 * What every adapter is built from: the resolved target, the SDK client configuration, the run's
 * API Gateway token bucket and the clock. Its own module so the adapters and `clients.ts` (which
 * builds it) both import it, and no adapter imports back up into the factory.
 */
import type { AwsTarget } from './config.js';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Now, Sleep, TokenBucket } from './throttle.js';

export interface SdkLogger {
  debug: (...content: unknown[]) => void;
  info: (...content: unknown[]) => void;
  warn: (...content: unknown[]) => void;
  error: (...content: unknown[]) => void;
}

/**
 * The AWS CLI's default for --cli-connect-timeout and --cli-read-timeout, in seconds
 * (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-options.html).
 */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** How long one HTTP attempt may wait, in milliseconds (0: no limit). */
export interface HttpTimeouts {
  /** Until the TCP (and TLS) connection is open. */
  connectMs: number;
  /** Between two reads of the response (a silent endpoint). */
  readMs: number;
}

export interface ClientSettings {
  target: AwsTarget;
  /** Passed to every SDK client constructor. */
  clientConfig: { region: string; profile?: string; endpoint?: string; maxAttempts?: number; logger?: SdkLogger; requestHandler?: NodeHttpHandler };
  /** One bucket for every API Gateway control-plane call of the run. */
  apiGatewayBucket: TokenBucket;
  apiGatewayMaxAttempts: number;
  sleep: Sleep;
  now: Now;
  onDebug?: (message: string) => void;
}
