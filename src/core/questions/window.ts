/**
 * The report's time window, from `--since` or `--from/--to`, and the `dt` partitions that hold it.
 * Times are UTC, as API Gateway logs them and as Firehose names its prefixes.
 */
import { UsageError } from '../../errors.js';
import { DAY_MS } from './questions.js';

export interface TimeWindow {
  /** Inclusive, epoch ms. */
  fromMs: number;
  /** Exclusive, epoch ms. */
  toMs: number;
}

export interface WindowFlags {
  since?: string;
  from?: string;
  to?: string;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** `30m`, `24h`, `7d`, `2w`: a positive whole number and a unit. */
export function parseDuration(text: string, flag = '--since'): number {
  const m = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  const amount = m ? Number(m[1]) : 0;
  if (!m || amount <= 0) {
    throw new UsageError('InvalidSince', `${flag} "${text}" is not a duration.`, {
      resolution: `Pass a number and a unit: m (minutes), h (hours), d (days) or w (weeks), for example ${flag} 24h, 7d or 30d.`,
    });
  }
  return amount * (UNIT_MS[m[2] as string] as number);
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * `2026-11-01` (a whole day: as `--to` it includes that day) or `2026-11-01T13:00[:ss][Z|+01:00]`
 * (UTC unless a zone is given).
 */
export function parseInstant(text: string, flag: '--from' | '--to'): number {
  const t = text.trim();
  let ms = Number.NaN;
  if (DATE_RE.test(t)) {
    ms = Date.parse(`${t}T00:00:00Z`);
    if (!Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) !== t) ms = Number.NaN; // 2026-02-30
    if (flag === '--to' && !Number.isNaN(ms)) ms += DAY_MS;
  } else if (DATE_TIME_RE.test(t)) {
    const iso = t.replace(' ', 'T');
    ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(iso) ? iso : `${iso}Z`);
  }
  if (Number.isNaN(ms)) {
    throw new UsageError('InvalidTime', `${flag} "${text}" is not a date or time.`, {
      resolution: `Use ${flag} 2026-11-01 (a whole UTC day) or ${flag} 2026-11-01T13:00 (UTC, or add a zone like +01:00).`,
    });
  }
  return ms;
}

/**
 * The window the flags ask for, or `fallback` when they ask for none (null: no time filter).
 * `--since` and `--from` exclude each other; `--to` alone ends a `--since` window.
 */
export function resolveWindow(flags: WindowFlags, nowMs: number, fallback: string | null): TimeWindow | null {
  if (flags.since !== undefined && flags.from !== undefined) {
    throw new UsageError('ConflictingWindow', '--since and --from both set the start of the window.', {
      resolution: 'Pass one of them: --since 7d, or --from 2026-11-01 [--to 2026-11-07].',
    });
  }
  const toMs = flags.to !== undefined ? parseInstant(flags.to, '--to') : nowMs;
  let fromMs: number;
  if (flags.from !== undefined) fromMs = parseInstant(flags.from, '--from');
  else if (flags.since !== undefined) fromMs = toMs - parseDuration(flags.since);
  else if (flags.to !== undefined) {
    throw new UsageError('MissingFrom', '--to needs a start.', { resolution: 'Add --from 2026-11-01 or --since 7d.' });
  } else if (fallback !== null) fromMs = toMs - parseDuration(fallback);
  else return null;
  if (fromMs >= toMs) {
    throw new UsageError('EmptyWindow', `The window is empty: ${iso(fromMs)} is not before ${iso(toMs)}.`, {
      resolution: 'Make --from earlier than --to (a date-only --to includes that whole day).',
    });
  }
  return { fromMs, toMs };
}

/** `yyyy-MM-dd` of an instant, UTC: the `dt` partition value Firehose writes. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * How long before a record arrived the oldest record of its S3 object can have arrived: the
 * Lambda processor's buffer interval and the S3 buffer interval, each at most 900 s
 * (firehose/latest/APIReference/API_ProcessorParameter.html, API_BufferingHints.html), with room
 * to spare.
 */
export const OLDEST_RECORD_LEAD_MS = 60 * 60_000;

/**
 * The `dt` partitions that can hold the window's requests. Firehose names an object's prefix from
 * "the approximate arrival timestamp of the oldest record that's contained in the Amazon S3
 * object being written" (Firehose developer guide, "Custom prefixes for Amazon S3 objects",
 * https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html). So a request just after
 * midnight can sit in an object the previous day's prefix names: the first day is widened back
 * by OLDEST_RECORD_LEAD_MS (the day before, for a window that starts in the first hour of a UTC
 * day). A request arrives after it happened, so the last day is widened by one for a request
 * near midnight that arrives the next day. Queries still filter on the request's own time
 * (`requestTimeEpoch`), whatever partitions they read.
 */
export function partitionDays(window: TimeWindow): { first: string; last: string; days: string[] } {
  const first = dayOf(window.fromMs - OLDEST_RECORD_LEAD_MS);
  const last = dayOf(window.toMs - 1 + DAY_MS);
  const days: string[] = [];
  for (let d = Date.parse(`${first}T00:00:00Z`); dayOf(d) <= last; d += DAY_MS) days.push(dayOf(d));
  return { first, last, days };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}
