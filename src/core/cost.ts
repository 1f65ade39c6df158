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
 * stored). HTTP and WebSocket stages log to CloudWatch Logs first (their only access-log
 * destination), so each of their requests is charged that ingestion before the bridge's
 * subscription forwards it to Firehose.
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
} as const;

/**
 * Measured by `npm run bench -- scan` (2026-12-02, 150,000 generated requests through the
 * enrichment Lambda): an enriched JSON line, and the Parquet Firehose writes for it (Snappy, in
 * objects of 43,518 records, a full 64 MB buffer; smaller objects cost a few bytes more a record).
 */
export const MEASURED_BYTES_PER_RECORD = { enrichedJson: 1542, parquet: 86 } as const;

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
  lines: string[];
}

const MONTH_SECONDS = 30 * 24 * 3600;
const GB = 1024 ** 3;

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
  const fixed = objects * ((PRICES.s3PutPerThousand + PRICES.dynamicPartitioningPerThousandObjects) / 1000);
  const perMillion = firehose + lambda;
  const money = (n: number) => (n < 0.01 ? '<$0.01' : `$${n.toFixed(2)}`);
  const lines = [
    `Fixed: about ${money(fixed)}/month (one Parquet object per ${input.bufferIntervalSeconds} s buffer: S3 write and Firehose object charge); nothing runs while no requests arrive.`,
    `Per million requests: about ${money(perMillion)} (Firehose ${money(firehose)}: ingestion ${money(fh.ingestion)} and Parquet conversion ${money(fh.conversion)}, each ~${(recordBytes / 1024).toFixed(1)} KB record billed as ${billedKb} KB, partitioning ${money(fh.partitioning)}; Lambda ${money(lambda)}).`,
    `Storage: about ${money(storage)}/month per million requests kept (Parquet, ~${storedBytes} bytes a request), expired after ${input.retentionDays} days.`,
    `Queries: Athena $5 per TB scanned (10 MB minimum per query); Parquet lets each query read only its columns${input.dashboard ? '; `npm run bench -- scan` prices a dashboard sheet load at 1 million to 1 billion requests a day' : ''}.`,
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
