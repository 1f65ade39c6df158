/**
 * `--json`: the report as one JSON object, documented in docs/report-json.md. One time convention:
 * every point in time is an ISO 8601 string in UTC (`2026-11-20T13:00:00Z`), as in `generatedAt`
 * and `window`, and as the CSV files write them; durations stay numbers with their unit in the
 * name (`bucketMs`). Values are whole: nothing is cut, unlike the terminal and the HTML page.
 */
import type { ReportData } from './model.js';
import type { QuestionResult } from './results.js';
import { iso } from './window.js';

function isoTimes(q: QuestionResult): QuestionResult {
  const times = q.columns.filter((c) => c.type === 'time').map((c) => c.id);
  if (times.length === 0) return q;
  return {
    ...q,
    rows: q.rows.map((r) => {
      const out = { ...r };
      for (const id of times) if (typeof out[id] === 'number') out[id] = iso(out[id]);
      return out;
    }),
  };
}

/** The object `--json` prints. */
export function reportJson(report: ReportData): ReportData {
  return { ...report, questions: report.questions.map(isoTimes) };
}
