/**
 * Builds the AWS adapters for one run, each once, from the resolved target. Adapter modules (and so
 * the SDK) are imported on first use: `--help` never loads the SDK, `status` loads three clients.
 * Credentials come from the SDK's own chain (environment, SSO, web identity, shared files,
 * container and instance metadata), with `profile` passed through; endpoints honour
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, which the SDK reads itself.
 */
import type { AwsTarget } from './config.js';
import { DEFAULT_TIMEOUT_SECONDS, type ClientSettings, type HttpTimeouts, type SdkLogger } from './settings.js';
import { TokenBucket, type Now, type Sleep } from './throttle.js';
import type { StsApi } from './sts.js';
import type { ApiGatewayApi } from './apigateway.js';
import type { CloudFormationApi } from './cloudformation.js';
import type { S3Api } from './s3.js';
import type { AthenaApi } from './athena.js';
import type { S3DownloadApi } from './s3-download.js';
import type { ApiGatewayV2Api } from './apigatewayv2.js';
import type { QuickSightApi } from './quicksight.js';
import type { S3InventoryApi } from './s3-inventory.js';
import type { CloudWatchApi } from './cloudwatch.js';
import type { DashboardsApi } from './quicksight-dashboards.js';

export interface AwsServices {
  readonly target: AwsTarget;
  sts(): Promise<StsApi>;
  apiGateway(): Promise<ApiGatewayApi>;
  cloudFormation(): Promise<CloudFormationApi>;
  s3(): Promise<S3Api>;
  apiGatewayV2(): Promise<ApiGatewayV2Api>;
  s3Inventory(): Promise<S3InventoryApi>;
  cloudWatch(): Promise<CloudWatchApi>;
  dashboards(): Promise<DashboardsApi>;
  athena(): Promise<AthenaApi>;
  /** Streaming object downloads (report --from-bucket). */
  s3Download(): Promise<S3DownloadApi>;
  /** QuickSight in `region` (default: the target region); user and group calls need the identity region. */
  quickSight(region?: string): Promise<QuickSightApi>;
}

export interface AwsServicesOptions {
  target: AwsTarget;
  sleep: Sleep;
  now: Now;
  /** API Gateway's account-wide control-plane budget (requests/second and burst). */
  apiGatewayRate?: { ratePerSecond: number; burst: number };
  apiGatewayMaxAttempts?: number;
  debug?: (message: string) => void;
  /** With -vv: the SDK's own request log. */
  sdkLogger?: SdkLogger;
  /** Per HTTP attempt (--cli-connect-timeout, --cli-read-timeout); default 60 s each, as the AWS CLI. */
  timeouts?: HttpTimeouts;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { connectMs: DEFAULT_TIMEOUT_SECONDS * 1000, readMs: DEFAULT_TIMEOUT_SECONDS * 1000 };

export const API_GATEWAY_BUDGET = { ratePerSecond: 10, burst: 40 } as const;

export function createAwsServices(options: AwsServicesOptions): AwsServices {
  const rate = options.apiGatewayRate ?? API_GATEWAY_BUDGET;
  const clientConfig: ClientSettings['clientConfig'] = { region: options.target.region };
  if (options.target.profile) clientConfig.profile = options.target.profile;
  // --endpoint-url, the AWS CLI's global option: one endpoint for every client, as AWS_ENDPOINT_URL.
  if (options.target.endpointUrl) clientConfig.endpoint = options.target.endpointUrl;
  if (options.sdkLogger) clientConfig.logger = options.sdkLogger;
  const settings: ClientSettings = {
    target: options.target,
    clientConfig,
    apiGatewayBucket: new TokenBucket({ ...rate, now: options.now, sleep: options.sleep }),
    apiGatewayMaxAttempts: options.apiGatewayMaxAttempts ?? 8,
    sleep: options.sleep,
    now: options.now,
  };
  if (options.debug) settings.onDebug = options.debug;
  const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
    let p: Promise<T> | undefined;
    return () => (p ??= load());
  };
  // The HTTP handler (and so node:http) loads with the first adapter, not at startup.
  const timeouts = options.timeouts ?? DEFAULT_HTTP_TIMEOUTS;
  const ready = once(async () => {
    settings.clientConfig.requestHandler ??= (await import('./http.js')).createHttpHandler(timeouts);
    return settings;
  });
  const quickSightByRegion = new Map<string, Promise<QuickSightApi>>();
  const quickSight = (region = options.target.region): Promise<QuickSightApi> => {
    let p = quickSightByRegion.get(region);
    if (!p) quickSightByRegion.set(region, (p = import('./quicksight.js').then((m) => ready().then((st) => m.createQuickSight(st, region)))));
    return p;
  };
  return {
    target: options.target,
    sts: once(async () => (await import('./sts.js')).createSts(await ready())),
    apiGateway: once(async () => (await import('./apigateway.js')).createApiGateway(await ready())),
    cloudFormation: once(async () => (await import('./cloudformation.js')).createCloudFormation(await ready())),
    s3: once(async () => (await import('./s3.js')).createS3(await ready())),
    athena: once(async () => (await import('./athena.js')).createAthena(await ready())),
    s3Download: once(async () => (await import('./s3-download.js')).createS3Download(await ready())),
    apiGatewayV2: once(async () => (await import('./apigatewayv2.js')).createApiGatewayV2(await ready())),
    s3Inventory: once(async () => (await import('./s3-inventory.js')).createS3Inventory(await ready())),
    cloudWatch: once(async () => (await import('./cloudwatch.js')).createCloudWatch(await ready())),
    dashboards: once(async () => (await import('./quicksight-dashboards.js')).createDashboards(await ready())),
    quickSight,
  };
}
