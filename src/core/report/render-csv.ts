/**
 * `--csv DIR`: one RFC 4180 file per question (`<question id>.csv`), a header of column ids, raw
 * values (counts and milliseconds as numbers, ratios as fractions, times as ISO 8601 UTC).
 */
import type { ReportData } from './model.js';
import type { QuestionResult } from './results.js';
import { iso } from './window.js';

/**
 * Text that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) gets a
 * leading apostrophe: user agents and other logged values are written by whoever calls the API.
 */
function neutralize(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function questionCsv(q: QuestionResult): string {
  const lines = [q.columns.map((c) => field(c.id)).join(',')];
  for (const row of q.rows) {
    lines.push(
      q.columns
        .map((c) => {
          const v = row[c.id];
          if (v === null || v === undefined) return '';
          if (c.type === 'time') return iso(v as number);
          if (c.type === 'text') return field(neutralize(String(v)));
          return String(v);
        })
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** File name to contents, one per question. */
export function reportCsvFiles(report: ReportData): Map<string, string> {
  return new Map(report.questions.map((q) => [`${q.id}.csv`, questionCsv(q)]));
}
