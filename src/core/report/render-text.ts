/**
 * The report for a terminal: a header (source, window, filters, cost), the totals as a short list,
 * then one aligned table per question. Long texts are cut to keep a row on one line; the full
 * values are in --json, --csv and --html.
 */
import type { ChalkInstance } from 'chalk';
import { renderTable, visibleWidth } from '../../ui/table.js';
import { describeFilters } from './filters.js';
import { formatBytes, formatCell, formatCount, formatTime, formatUsd } from './format.js';
import type { ReportData, SourceInfo } from './model.js';
import { DAY_MS } from './questions.js';
import type { Cell, QuestionResult, Row } from './results.js';

/** Rows of the time series shown as a table; longer series become a one-line chart. */
export const MAX_SERIES_ROWS = 48;
const MAX_TEXT = 60;
const SPARK = '▁▂▃▄▅▆▇█';

export function describeSource(s: SourceInfo): string {
  switch (s.kind) {
    case 'athena':
      return `Athena, workgroup ${s.workGroup}, table ${s.database}.${s.table} (project ${s.project}, ${s.region})`;
    case 'bucket':
      return `s3://${s.bucket}/logs/ downloaded (${s.objects} objects, ${formatBytes(s.bytesDownloaded)}), read with ${s.engine}`;
    case 'local':
      return `${s.path} (${s.files} file${s.files === 1 ? '' : 's'}, ${formatBytes(s.bytes)}), read with ${s.engine}`;
  }
}

export function describeWindow(w: ReportData['window']): string {
  if (!w.from || !w.to) return 'every record in the files';
  return `${w.from} to ${w.to} (UTC, end excluded)`;
}

function cut(s: string): string {
  return [...s].length > MAX_TEXT ? `${[...s].slice(0, MAX_TEXT - 1).join('')}…` : s;
}

interface TextColumn {
  label: string;
  numeric: boolean;
  cell: (r: Row) => string;
}

const msValue = (v: Cell | undefined): string =>
  typeof v === 'number' ? (v >= 100 ? formatCount(v) : v.toFixed(1)) : '-';

/** Columns as printed: p50/p90/p99 triplets of one latency share a column ("48.0 / 104 / 29,002"). */
function textColumns(q: QuestionResult): TextColumn[] {
  const out: TextColumn[] = [];
  const ids = new Set(q.columns.map((c) => c.id));
  const done = new Set<string>();
  for (const c of q.columns) {
    if (done.has(c.id)) continue;
    const base = /^(.*)P50$/.exec(c.id)?.[1];
    if (c.type === 'ms' && base && ids.has(`${base}P90`) && ids.has(`${base}P99`)) {
      const trio = [`${base}P50`, `${base}P90`, `${base}P99`];
      trio.forEach((id) => done.add(id));
      out.push({
        label: `${c.label.replace(/ p50$/, '')} p50/p90/p99 ms`,
        numeric: true,
        cell: (r) => (trio.every((id) => r[id] === null || r[id] === undefined) ? '-' : trio.map((id) => msValue(r[id])).join(' / ')),
      });
      continue;
    }
    out.push({ label: c.label, numeric: c.type !== 'text', cell: (r) => cut(formatCell(r[c.id] ?? null, c.type)) });
  }
  return out;
}

function table(q: QuestionResult, style: ChalkInstance): string {
  const columns = textColumns(q);
  const numeric = columns.map((c) => c.numeric);
  const cells = q.rows.map((r) => columns.map((c) => c.cell(r)));
  // Right-align numbers: pad them to their column's width before the table aligns the rest.
  const widths = columns.map((c, i) => Math.max(visibleWidth(c.label), ...cells.map((row) => visibleWidth(row[i] ?? ''))));
  const aligned = cells.map((row) => row.map((cell, i) => (numeric[i] ? ' '.repeat((widths[i] ?? 0) - visibleWidth(cell)) + cell : cell)));
  const headers = columns.map((c, i) => (numeric[i] ? ' '.repeat((widths[i] ?? 0) - visibleWidth(c.label)) + c.label : c.label).toUpperCase());
  return renderTable(headers, aligned, { head: style.dim });
}

function sparkline(rows: readonly Row[], width = 72): string {
  const values = rows.map((r) => (typeof r.requests === 'number' ? r.requests : 0));
  const per = Math.max(1, Math.ceil(values.length / width));
  const sums: number[] = [];
  for (let i = 0; i < values.length; i += per) sums.push(values.slice(i, i + per).reduce((a, b) => a + b, 0));
  const max = Math.max(...sums, 1);
  return sums.map((v) => SPARK[Math.min(SPARK.length - 1, Math.floor((v / max) * (SPARK.length - 1)))]).join('');
}

function totalsBlock(q: QuestionResult): string {
  const r = q.rows[0] ?? {};
  const lines = q.columns.map((c) => [c.label, formatCell(r[c.id] ?? null, c.type)] as const);
  const w = Math.max(...lines.map(([l]) => l.length));
  return lines.map(([l, v]) => `  ${l.padEnd(w)}  ${v}`).join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
}

export function renderText(report: ReportData, style: ChalkInstance): string {
  const out: string[] = [];
  out.push(style.bold('API Gateway access-log report'));
  out.push(`${style.dim('Source ')}  ${describeSource(report.source)}`);
  out.push(`${style.dim('Window ')}  ${describeWindow(report.window)}`);
  const filters = describeFilters(report.filters);
  if (filters) out.push(`${style.dim('Filters')}  ${filters}`);
  if (report.source.kind === 'athena') {
    out.push(`${style.dim('Scanned')}  ${formatBytes(report.source.dataScannedBytes)}, about ${formatUsd(report.source.costUsd)} at $5 per TB`);
  }
  for (const q of report.questions) {
    out.push('');
    out.push(`${style.bold(q.title)}  ${style.dim(q.description)}`);
    if (q.id === 'totals') {
      out.push(totalsBlock(q));
      continue;
    }
    if (q.rows.length === 0) {
      out.push(style.dim('  none'));
      continue;
    }
    const series = q.rows.filter((r) => typeof r.bucket === 'number');
    if (q.id === 'requests_over_time' && series.length > MAX_SERIES_ROWS) {
      const peak = series.reduce((a, b) => ((b.requests as number) > (a.requests as number) ? b : a));
      const unit = report.bucketMs === DAY_MS ? 'day' : 'hour';
      out.push(`  ${sparkline(series)}`);
      out.push(
        style.dim(
          `  ${series.length} ${unit}s from ${formatTime(series[0]!.bucket as number)} to ${formatTime(series[series.length - 1]!.bucket as number)}; ` +
            `busiest ${formatTime(peak.bucket as number)} with ${formatCount(peak.requests as number)} requests (every ${unit} is in --json, --csv and --html)`,
        ),
      );
      continue;
    }
    out.push(indent(table(q, style)));
  }
  return out.join('\n');
}
