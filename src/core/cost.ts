/**
 * A running-cost estimate from published on-demand prices (US East, N. Virginia), stated as an
 * estimate: prices differ by region and change, and free tiers are ignored. Sources (checked
 * 2026-11): aws.amazon.com/firehose/pricing (Direct PUT ingestion $0.029/GB, each record rounded
 * up to the next 5 KB), aws.amazon.com/lambda/pricing (Arm $0.0000133334 per GB-second, $0.20 per
 * million requests), aws.amazon.com/s3/pricing (Standard $0.023/GB-month, PUT $0.005 per 1,000),
 * aws.amazon.com/athena/pricing ($5 per TB scanned, 10 MB minimum per query),
 * aws.amazon.com/quicksight/pricing (Enterprise author $24/month, reader sessions),
 * aws.amazon.com/cloudwatch/pricing (Logs, Standard log class: $0.50/GB ingested, $0.03/GB-month
 * stored). HTTP and WebSocket stages log to CloudWatch Logs first (their only access-log
 * destination), so each of their requests is charged that ingestion before the bridge's
 * subscription forwards it to Firehose.
 */

export const PRICES = {
  firehosePerGb: 0.029,
  firehoseRecordRoundingKb: 5,
  lambdaPerGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  s3PerGbMonth: 0.023,
  s3PutPerThousand: 0.005,
  athenaPerTb: 5,
  quickSightAuthorMonthly: 24,
  cloudWatchLogsIngestionPerGb: 0.5,
} as const;

export interface CostInputs {
  /** Firehose S3 buffering interval: one object (and PUT) per interval per active stream at low volume. */
  bufferIntervalSeconds: number;
  retentionDays: number;
  /** A QuickSight dashboard is deployed (its author seat is the user's existing subscription). */
  dashboard: boolean;
  /** Bytes of one access-log record as API Gateway sends it. */
  recordBytes?: number;
  /** gzip ratio of delivered objects. */
  compressionRatio?: number;
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
  /** Athena cost of scanning one day of a million requests a day once (dollars). */
  athenaPerMillionScanned: number;
  /** CloudWatch Logs ingestion per million HTTP or WebSocket requests (dollars); 0 without such stages. */
  cloudWatchLogsPerMillionV2: number;
  lines: string[];
}

const MONTH_SECONDS = 30 * 24 * 3600;

export function estimateCost(input: CostInputs): CostEstimate {
  const recordBytes = input.recordBytes ?? 1400;
  const ratio = input.compressionRatio ?? 8;
  const memoryGb = (input.lambdaMemoryMb ?? 256) / 1024;
  const msPerRecord = input.lambdaMsPerRecord ?? 0.02;
  const billedKb = Math.ceil(recordBytes / 1024 / PRICES.firehoseRecordRoundingKb) * PRICES.firehoseRecordRoundingKb;
  const firehose = ((1e6 * billedKb) / 1024 / 1024) * PRICES.firehosePerGb;
  // Firehose sends about 1 MB (the processor buffer) per invocation.
  const invocations = (1e6 * recordBytes) / (1024 * 1024);
  const lambda = (1e6 * msPerRecord * memoryGb * PRICES.lambdaPerGbSecondArm) / 1000 + (invocations / 1e6) * PRICES.lambdaPerMillionRequests;
  const storedGb = (1e6 * recordBytes) / ratio / 1024 ** 3;
  const storage = storedGb * PRICES.s3PerGbMonth;
  const athena = (storedGb / 1024) * PRICES.athenaPerTb;
  // At low volume Firehose writes one object per buffer interval; PUTs of error logs are negligible.
  const puts = (MONTH_SECONDS / input.bufferIntervalSeconds) * (PRICES.s3PutPerThousand / 1000);
  const fixed = puts;
  const perMillion = firehose + lambda;
  const money = (n: number) => (n < 0.01 ? '<$0.01' : `$${n.toFixed(2)}`);
  const lines = [
    `Fixed: about ${money(fixed)}/month (S3 writes at one object per ${input.bufferIntervalSeconds} s buffer); nothing runs while no requests arrive.`,
    `Per million requests: about ${money(perMillion)} (Firehose ${money(firehose)}: each ~${(recordBytes / 1024).toFixed(1)} KB record is billed as ${billedKb} KB; Lambda ${money(lambda)}).`,
    `Storage: about ${money(storage)}/month per million requests kept (gzip), expired after ${input.retentionDays} days.`,
    `Queries: Athena $5 per TB scanned, about ${money(athena)} per scan of a million requests${input.dashboard ? '; every dashboard view in direct-query mode runs queries' : ''}.`,
  ];
  const v2 = cloudWatchLogsLine(input, money);
  if (v2.line) lines.push(v2.line);
  if (input.dashboard) lines.push(`QuickSight: your existing subscription (Enterprise author $${PRICES.quickSightAuthorMonthly}/month each); this adds no seat.`);
  lines.push('Estimate from published US East prices; your region and free tiers change it.');
  return { fixedMonthly: fixed, perMillionRequests: perMillion, storagePerMillionPerMonth: storage, athenaPerMillionScanned: athena, cloudWatchLogsPerMillionV2: v2.perMillion, lines };
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
