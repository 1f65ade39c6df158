/**
 * `--csv DIR`: one RFC 4180 file per question (`<question id>.csv`), for spreadsheets.
 *
 * - A UTF-8 byte-order mark first: Excel on Windows reads a file without one in the local code page
 *   and garbles `ünïcødé`.
 * - Headers are the columns' labels, with their unit: `Requests`, `Response p50 (ms)`, `Share (%)`.
 * - Values: counts and milliseconds as numbers, ratios as percentages rounded to 0.01, times as
 *   ISO 8601 UTC, nulls empty.
 * - Text a spreadsheet would run as a formula is written as text (see neutralize).
 */
import type { Column } from './questions.js';
import type { ReportData } from './model.js';
import type { QuestionResult } from './results.js';
import { iso } from './window.js';

export const BOM = '\uFEFF';

/**
 * Logged values are written by whoever calls the API. A cell that starts with = + - @ (ASCII or
 * their fullwidth forms ＝ ＋ － ＠, which some spreadsheets fold to ASCII), or with a tab or a
 * carriage return, after any leading white space, gets a leading apostrophe (OWASP's advice for
 * CSV injection). NUL bytes, which cut a cell short in some readers, become U+FFFD.
 */
export function neutralize(text: string): string {
  const clean = text.replaceAll('\u0000', '\uFFFD');
  return /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/u.test(clean) || /^[\t\r]/.test(clean) ? `'${clean}` : clean;
}

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header of a column: its label, with the unit of numbers that have one. */
export function csvHeader(c: Column): string {
  if (c.type === 'ms') return `${c.label} (ms)`;
  if (c.type === 'ratio') return `${c.label} (%)`;
  if (c.type === 'time') return /UTC/.test(c.label) ? c.label : `${c.label} (UTC)`;
  return c.label;
}

/** A fraction as a percentage, two decimals at most (0.5366666 -> 53.67). */
function percent(v: number): string {
  return String(Math.round(v * 10_000) / 100);
}

export function questionCsv(q: QuestionResult): string {
  const lines = [q.columns.map((c) => field(csvHeader(c))).join(',')];
  for (const row of q.rows) {
    lines.push(
      q.columns
        .map((c) => {
          const v = row[c.id];
          if (v === null || v === undefined) return '';
          if (c.type === 'time') return iso(v as number);
          if (c.type === 'ratio') return percent(v as number);
          if (c.type === 'text') return field(neutralize(String(v)));
          return String(v);
        })
        .join(','),
    );
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** File name to contents, one per question. */
export function reportCsvFiles(report: ReportData): Map<string, string> {
  return new Map(report.questions.map((q) => [`${q.id}.csv`, questionCsv(q)]));
}
