import { rollupSourceColumns } from './rollup.js';
import { TOP_VALUES_SOURCE_COLUMNS } from './top-values.js';

/**
 * A running-cost estimate from published on-demand prices (US East, N. Virginia), stated as an
 * estimate: prices differ by region and change, and free tiers are ignored. Sources (checked
 * 2026-12): aws.amazon.com/firehose/pricing (Direct PUT ingestion $0.029/GB, each record rounded
 * up to the next 5 KB; format conversion to Parquet $0.018/GB, "per GB based on ingested GBs in
 * 5KB increments"; dynamic partitioning "per GB delivered to S3, per object, and optionally per
 * JQ processing hour": $0.020/GB and $0.005 per 1,000 objects, no JQ here since the Lambda
 * returns the keys), aws.amazon.com/lambda/pricing (Arm $0.0000133334 per GB-second, $0.20 per
 * million requests), aws.amazon.com/s3/pricing (Standard $0.023/GB-month, PUT $0.005 per 1,000),
 * aws.amazon.com/athena/pricing ($5 per TB scanned, 10 MB minimum per query: scan-cost.ts),
 * aws.amazon.com/quicksight/pricing (Enterprise author $24/month, reader sessions),
 * aws.amazon.com/cloudwatch/pricing (Logs, Standard log class: $0.50/GB ingested, $0.03/GB-month
 * stored), aws.amazon.com/eventbridge/pricing (Scheduler: $1.00 per million invocations after the
 * first 14 million of each month, which are free: a price tier of the account, not the 12-month
 * free tier; the AWS Price List reads "$0 for the first 14 million scheduled invocations"). HTTP
 * and WebSocket stages log to CloudWatch Logs first (their only access-log destination), so each
 * of their requests is charged that ingestion before the bridge's subscription forwards it to
 * Firehose.
 *
 * Bytes per record are the ones `npm run bench -- scan` measures on generated traffic
 * (MEASURED_BYTES_PER_RECORD); the benchmark prints them, so a change of format shows there first.
 */

export const PRICES = {
  firehosePerGb: 0.029,
  firehoseRecordRoundingKb: 5,
  formatConversionPerGb: 0.018,
  dynamicPartitioningPerGb: 0.02,
  dynamicPartitioningPerThousandObjects: 0.005,
  lambdaPerGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  s3PerGbMonth: 0.023,
  s3PutPerThousand: 0.005,
  athenaPerTb: 5,
  quickSightAuthorMonthly: 24,
  cloudWatchLogsIngestionPerGb: 0.5,
  athenaMinimumMbPerQuery: 10,
  schedulerPerMillionInvocations: 1,
  schedulerFreeInvocationsPerMonth: 14_000_000,
} as const;

/**
 * Measured by `npm run bench -- scan` (2026-12-02, 150,000 generated requests through the
 * enrichment Lambda): an enriched JSON line, and the Parquet Firehose writes for it (Snappy, in
 * objects of 43,518 records, a full 64 MB buffer; smaller objects cost a few bytes more a record).
 */
export const MEASURED_BYTES_PER_RECORD = { enrichedJson: 1542, parquet: 86 } as const;

/**
 * Parquet bytes per record of the columns the hourly refresh queries read, measured by `npm run
 * bench -- scan` in the same run (column chunk sizes at full 64 MB objects; smaller objects cost a
 * little more a column, but then each query is billed its 10 MB minimum anyway).
 */
export const MEASURED_PARQUET_BYTES_BY_COLUMN: Readonly<Record<string, number>> = {
  apiid: 0.26, stage: 0.35, domainname: 0.38, httpmethod: 0.23, resourcepath: 0.53, status: 0.42,
  integrationstatus: 0.4, errorresponsetype: 0.19, errormessage: 0.2, wafresponsecode: 0.16,
  usageplanname: 0.26, customerid: 0.29, apikeyname: 0.33, identityapikeyid: 0.4, routekey: 0,
  eventtype: 0, apikind: 0, integrationerror: 0, identitycognitoidentityid: 0.09, identityuserarn: 0.14,
  sub: 0.32, authorizerprincipalid: 0.09, authorizerstatus: 0.18, authorizestatus: 0.13,
  requesttimeepoch: 4.09, responselatency: 1.31, integrationlatency: 1.3, authorizerlatency: 0.43,
  ip: 7.01, identityuseragent: 0.56, cognitoclientid: 0.13, aud: 0.13, identityaccountid: 0.14,
};

/** The queries the stack's schedules start every hour: the rollup's and the top values', with the raw columns each reads. */
export const HOURLY_REFRESH_QUERIES: ReadonlyArray<{ name: string; columns: readonly string[] }> = [
  { name: 'rollup', columns: rollupSourceColumns() },
  { name: 'top values', columns: TOP_VALUES_SOURCE_COLUMNS },
];

export interface CostInputs {
  /** Firehose S3 buffering interval: one object (and PUT) per interval per active partition at low volume. */
  bufferIntervalSeconds: number;
  retentionDays: number;
  /** A QuickSight dashboard is deployed (its author seat is the user's existing subscription). */
  dashboard: boolean;
  /** Bytes of one access-log record as API Gateway sends it. */
  recordBytes?: number;
  /** Bytes of one record as stored (Parquet). */
  storedBytes?: number;
  lambdaMemoryMb?: number;
  /** Lambda time per record, in ms (measured by `npm run bench -- lambda`). */
  lambdaMsPerRecord?: number;
  /** HTTP and WebSocket stages among the chosen ones (their logs pass through CloudWatch Logs). */
  v2Stages?: number;
  /** Bytes of one HTTP or WebSocket access-log event (their formats are shorter than REST's). */
  v2RecordBytes?: number;
}

export interface CostEstimate {
  /** Fixed monthly cost that does not depend on traffic (dollars). */
  fixedMonthly: number;
  /** Cost per million API requests logged (dollars), without queries. */
  perMillionRequests: number;
  /** Storage per million requests kept for the whole retention period (dollars per month). */
  storagePerMillionPerMonth: number;
  /** Athena cost of scanning one column of a day of a million requests a day (dollars; the 10 MB minimum aside). */
  athenaPerMillionScanned: number;
  /** CloudWatch Logs ingestion per million HTTP or WebSocket requests (dollars); 0 without such stages. */
  cloudWatchLogsPerMillionV2: number;
  /** The hourly rollup refreshes (dollars): their monthly minimum (in fixedMonthly) and their scan per million requests (in perMillionRequests). */
  hourlyRefresh: HourlyRefreshCost;
  lines: string[];
}

const MONTH_SECONDS = 30 * 24 * 3600;
const MB = 1024 ** 2;
const GB = 1024 ** 3;
const TB = 1024 ** 4;

/** Firehose's charges per million records: ingestion and format conversion (5 KB increments), dynamic partitioning (bytes delivered). */
export function firehosePerMillion(recordBytes: number, storedBytes: number): { ingestion: number; conversion: number; partitioning: number } {
  const billedKb = Math.ceil(recordBytes / 1024 / PRICES.firehoseRecordRoundingKb) * PRICES.firehoseRecordRoundingKb;
  const billedGb = (1e6 * billedKb) / 1024 / 1024;
  return {
    ingestion: billedGb * PRICES.firehosePerGb,
    conversion: billedGb * PRICES.formatConversionPerGb,
    partitioning: ((1e6 * storedBytes) / GB) * PRICES.dynamicPartitioningPerGb,
  };
}

/** Dollars Athena bills for one query that scans `bytes`: whole megabytes, at least the minimum. */
export function athenaQueryDollars(bytes: number): number {
  const billed = Math.max(PRICES.athenaMinimumMbPerQuery * MB, Math.ceil(bytes / MB) * MB);
  return (billed / TB) * PRICES.athenaPerTb;
}

/** Parquet bytes one request adds to a query that reads these columns. */
export function refreshBytesPerRequest(columns: readonly string[]): number {
  return columns.reduce((sum, c) => {
    const b = MEASURED_PARQUET_BYTES_BY_COLUMN[c];
    if (b === undefined) throw new Error(`no measured size for column "${c}"`);
    return sum + b;
  }, 0);
}

export interface HourlyRefreshCost {
  /** Queries the schedules start a month (one per query and hour), each one Scheduler invocation. */
  queriesPerMonth: number;
  /** Athena at each query's 10 MB minimum: what the refreshes cost a month at low volume. */
  minimumMonthly: number;
  /** Athena per million requests once the queries scan more than their minimum. */
  perMillion: number;
  /** Scheduler at $1.00 per million invocations, as if past the account's free 14 million a month. */
  schedulerMonthly: number;
  /** Requests an hour from which the larger query scans more than its minimum. */
  requestsPerHourAtMinimum: number;
}

/**
 * The hourly refreshes at any rate: each query scans its columns of one hour of requests (the
 * NOT EXISTS probe of the rollup's own day partition reads a few kilobytes more). Exact, where
 * estimateCost's fixed-plus-per-million form counts both the minimum and the scan past it.
 */
export function hourlyRefreshMonthly(requestsPerDay: number): { athena: number; scheduler: number } {
  const hours = MONTH_SECONDS / 3600;
  const athena = HOURLY_REFRESH_QUERIES.reduce((sum, q) => sum + hours * athenaQueryDollars((requestsPerDay / 24) * refreshBytesPerRequest(q.columns)), 0);
  return { athena, scheduler: ((hours * HOURLY_REFRESH_QUERIES.length) / 1e6) * PRICES.schedulerPerMillionInvocations };
}

function hourlyRefreshCost(): HourlyRefreshCost {
  const perRequest = HOURLY_REFRESH_QUERIES.map((q) => refreshBytesPerRequest(q.columns));
  const monthly = hourlyRefreshMonthly(0);
  return {
    queriesPerMonth: (MONTH_SECONDS / 3600) * HOURLY_REFRESH_QUERIES.length,
    minimumMonthly: monthly.athena,
    perMillion: ((1e6 * perRequest.reduce((a, b) => a + b, 0)) / TB) * PRICES.athenaPerTb,
    schedulerMonthly: monthly.scheduler,
    requestsPerHourAtMinimum: (PRICES.athenaMinimumMbPerQuery * MB) / Math.max(...perRequest),
  };
}

function hourlyRefreshLine(r: HourlyRefreshCost): string {
  const bytes = HOURLY_REFRESH_QUERIES.map((q) => refreshBytesPerRequest(q.columns)).reduce((a, b) => a + b, 0);
  const threshold = Math.floor(r.requestsPerHourAtMinimum / 10_000) * 10_000;
  return (
    `Rollups: ${HOURLY_REFRESH_QUERIES.length} Athena queries an hour refresh them, reading ~${Math.round(bytes)} bytes of each request; ` +
    `each is billed at least ${PRICES.athenaMinimumMbPerQuery} MB, about $${r.minimumMonthly.toFixed(2)}/month for both up to ~${threshold.toLocaleString('en-US')} requests an hour, then about $${r.perMillion.toFixed(4)} per million requests ` +
    `($${hourlyRefreshMonthly(1e9).athena.toFixed(2)}/month at a billion requests a day). ` +
    `EventBridge Scheduler starts them: ${r.queriesPerMonth.toLocaleString('en-US')} invocations a month, free within the account's first ${PRICES.schedulerFreeInvocationsPerMonth / 1e6} million, $${PRICES.schedulerPerMillionInvocations.toFixed(2)} per million after.`
  );
}

export function estimateCost(input: CostInputs): CostEstimate {
  const recordBytes = input.recordBytes ?? 1400;
  const storedBytes = input.storedBytes ?? MEASURED_BYTES_PER_RECORD.parquet;
  const memoryGb = (input.lambdaMemoryMb ?? 512) / 1024;
  const msPerRecord = input.lambdaMsPerRecord ?? 0.02;
  const billedKb = Math.ceil(recordBytes / 1024 / PRICES.firehoseRecordRoundingKb) * PRICES.firehoseRecordRoundingKb;
  const fh = firehosePerMillion(recordBytes, storedBytes);
  const firehose = fh.ingestion + fh.conversion + fh.partitioning;
  // Firehose sends about 2 MB (the processor buffer) per invocation.
  const invocations = (1e6 * recordBytes) / (2 * 1024 * 1024);
  const lambda = (1e6 * msPerRecord * memoryGb * PRICES.lambdaPerGbSecondArm) / 1000 + (invocations / 1e6) * PRICES.lambdaPerMillionRequests;
  const storedGb = (1e6 * storedBytes) / GB;
  const storage = storedGb * PRICES.s3PerGbMonth;
  // One column of a day of a million requests: the dashboard's queries read a few columns each.
  const athena = (storedGb / 30 / 1024) * PRICES.athenaPerTb;
  // At low volume Firehose writes one object per buffer interval (per hour partition): a PUT and a
  // dynamic-partitioning object charge each.
  const objects = MONTH_SECONDS / input.bufferIntervalSeconds;
  const refresh = hourlyRefreshCost();
  const fixed = objects * ((PRICES.s3PutPerThousand + PRICES.dynamicPartitioningPerThousandObjects) / 1000) + refresh.minimumMonthly + refresh.schedulerMonthly;
  const perMillion = firehose + lambda + refresh.perMillion;
  const money = (n: number) => (n < 0.01 ? '<$0.01' : `$${n.toFixed(2)}`);
  const lines = [
    `Fixed: about ${money(fixed)}/month (one Parquet object per ${input.bufferIntervalSeconds} s buffer: S3 write and Firehose object charge; the hourly rollup queries at their minimum); nothing else runs while no requests arrive.`,
    `Per million requests: about ${money(perMillion)} (Firehose ${money(firehose)}: ingestion ${money(fh.ingestion)} and Parquet conversion ${money(fh.conversion)}, each ~${(recordBytes / 1024).toFixed(1)} KB record billed as ${billedKb} KB, partitioning ${money(fh.partitioning)}; Lambda ${money(lambda)}; rollup queries ${money(refresh.perMillion)}).`,
    `Storage: about ${money(storage)}/month per million requests kept (Parquet, ~${storedBytes} bytes a request), expired after ${input.retentionDays} days.`,
    hourlyRefreshLine(refresh),
    `Queries: Athena $5 per TB scanned (10 MB minimum per query); Parquet lets each query read only its columns${input.dashboard ? '; `npm run bench -- scan` prices a dashboard sheet load at 1 million to 1 billion requests a day' : ''}.`,
  ];
  const v2 = cloudWatchLogsLine(input, money);
  if (v2.line) lines.push(v2.line);
  if (input.dashboard) lines.push(`QuickSight: your existing subscription (Enterprise author $${PRICES.quickSightAuthorMonthly}/month each); this adds no seat.`);
  lines.push('Estimate from published US East prices; your region and free tiers change it.');
  return { fixedMonthly: fixed, perMillionRequests: perMillion, storagePerMillionPerMonth: storage, athenaPerMillionScanned: athena, cloudWatchLogsPerMillionV2: v2.perMillion, hourlyRefresh: refresh, lines };
}

/** CloudWatch Logs ingestion of HTTP and WebSocket access logs, when such stages are chosen. */
function cloudWatchLogsLine(input: CostInputs, money: (n: number) => string): { perMillion: number; line?: string } {
  const stages = input.v2Stages ?? 0;
  if (stages === 0) return { perMillion: 0 };
  const bytes = input.v2RecordBytes ?? 1200;
  const perMillion = ((1e6 * bytes) / 1024 ** 3) * PRICES.cloudWatchLogsIngestionPerGb;
  return {
    perMillion,
    line: `HTTP/WebSocket stages (${stages}): CloudWatch Logs ingestion $${PRICES.cloudWatchLogsIngestionPerGb.toFixed(2)}/GB (aws.amazon.com/cloudwatch/pricing) before Firehose, about ${money(perMillion)} more per million of their requests (~${(bytes / 1024).toFixed(1)} KB each); the log group keeps them 7 days only.`,
  };
}
