/**
 * The report as data: what every renderer (terminal, CSV, HTML) reads, and, with its times as ISO
 * strings (render-json.ts), what `report --json` prints (docs/report-json.md). Stable: fields are only ever added (schemaVersion changes otherwise).
 */
import type { ReportFilters } from './filters.js';
import type { QuestionResult } from './results.js';

export interface AthenaSourceInfo {
  kind: 'athena';
  project: string;
  region: string;
  workGroup: string;
  database: string;
  table: string;
  queryExecutionId: string;
  /** The first and last `dt` partition the query reads. */
  partitions: { first: string; last: string };
  dataScannedBytes: number;
  /** At $5 per TB scanned, with Athena's 10 MB minimum per query. */
  costUsd: number;
}

/** A file, or lines of one, that the local engine left out, and why. */
export interface SkippedInput {
  file: string;
  reason: string;
  /** Lines left out of a file that was otherwise read; absent when the whole file was left out. */
  lines?: number;
}

/** What the files read hold, and what was left out (local engine sources). */
export interface ReadInfo {
  skipped: SkippedInput[];
  /** First and last request time in the files (ISO 8601 UTC), whatever the window; null without records. */
  holds: { first: string; last: string } | null;
}

export interface LocalSourceInfo extends Partial<ReadInfo> {
  kind: 'local';
  /** The --local paths, comma-separated. */
  path: string;
  files: number;
  bytes: number;
  engine: string;
}

export interface BucketSourceInfo extends Partial<ReadInfo> {
  kind: 'bucket';
  project: string;
  region: string;
  bucket: string;
  partitions: { first: string; last: string };
  objects: number;
  bytesDownloaded: number;
  engine: string;
}

export type SourceInfo = AthenaSourceInfo | LocalSourceInfo | BucketSourceInfo;

export interface ReportData {
  /** 2: times in rows are ISO 8601 strings in --json (1 printed epoch milliseconds). */
  schemaVersion: 2;
  generatedAt: string;
  source: SourceInfo;
  /** ISO 8601 UTC; both null when every record was read (a local file with no window). */
  window: { from: string | null; to: string | null };
  filters: ReportFilters;
  /** Rows kept for the "top" questions. */
  top: number;
  /** Width of a requests-over-time bucket, ms (an hour, or a day for long windows). */
  bucketMs: number;
  questions: QuestionResult[];
  /**
   * The names of the APIs in the rows, by API id, when the source reads an AWS account (Athena,
   * --from-bucket) and API Gateway answered; access logs carry only the id. Absent for --local.
   */
  apiNames?: Record<string, string>;
}

/** Athena's price per TB scanned in most regions, and its minimum billed per query. */
export const ATHENA_USD_PER_TB = 5;
export const ATHENA_MIN_BILLED_BYTES = 10 * 1024 * 1024;
const TB = 1024 ** 4;

/** What a successful query is billed (the minimum applies even to a query that read nothing). */
export function athenaCostUsd(bytesScanned: number): number {
  return (Math.max(bytesScanned, ATHENA_MIN_BILLED_BYTES) / TB) * ATHENA_USD_PER_TB;
}
