/**
 * The report for a terminal: a header (source, window, filters, cost), the totals as a short list,
 * then one aligned table per question. Every value from the logs is escaped (terminalSafe: control
 * and bidirectional characters shown as `\x1b`, `\u202e`). On a terminal of known width the
 * report fits it: long texts are cut with an ellipsis, then the rightmost columns are left out
 * (named under the table); descriptions wrap. The full values are in --json, --csv and --html.
 */
import type { ChalkInstance } from 'chalk';
import { fitTable, renderTable, terminalSafe, truncate, visibleWidth, wrap } from '../text-table.js';
import { describeFilters } from './filters.js';
import { formatBytes, formatCell, formatCount, formatTime, formatUsd } from './format.js';
import type { ReportData, SourceInfo } from './model.js';
import { DAY_MS } from './questions.js';
import { displayColumns, type Cell, type QuestionResult, type Row } from './results.js';

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

export interface TextOptions {
  /** The terminal's columns; null (a file or a pipe): lines are not fitted. */
  width: number | null;
}

const INDENT = 2;

function cut(s: string): string {
  return truncate(terminalSafe(s), MAX_TEXT);
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
  return displayColumns(q).map((d): TextColumn => {
    if (d.kind === 'trio') {
      const trio = d.ids;
      return {
        label: `${d.label} p50/p90/p99 ms`,
        numeric: true,
        cell: (r) => (trio.every((id) => r[id] === null || r[id] === undefined) ? '-' : trio.map((id) => msValue(r[id])).join(' / ')),
      };
    }
    const c = d.column;
    return { label: c.label, numeric: c.type !== 'text', cell: (r) => cut(formatCell(r[c.id] ?? null, c.type)) };
  });
}

function table(q: QuestionResult, style: ChalkInstance, width: number | null): string {
  const columns = textColumns(q);
  const cells = q.rows.map((r) => columns.map((c) => c.cell(r)));
  if (width !== null) {
    const fitted = fitTable(
      columns.map((c) => ({ header: c.label.toUpperCase(), numeric: c.numeric })),
      cells,
      width - INDENT,
    );
    const body = renderTable(fitted.headers, fitted.rows, { head: style.dim });
    if (fitted.dropped.length === 0) return body;
    const note = `Not shown at ${width} columns: ${fitted.dropped.map((h) => h.toLowerCase()).join(', ')} (in --json, --csv and --html).`;
    return [body, ...wrap(note, width - INDENT).map((l) => style.dim(l))].join('\n');
  }
  const numeric = columns.map((c) => c.numeric);
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

/** `label  text`, the text wrapped under itself when the terminal is narrower than the line. */
function field(label: string, text: string, style: ChalkInstance, width: number | null): string {
  const head = `${style.dim(label)}  `;
  if (width === null) return head + text;
  const pad = visibleWidth(head);
  return wrap(text, Math.max(MIN_WRAP, width - pad))
    .map((l, i) => (i === 0 ? head : ' '.repeat(pad)) + l)
    .join('\n');
}

const MIN_WRAP = 20;

function heading(q: QuestionResult, style: ChalkInstance, width: number | null): string {
  if (width === null) return `${style.bold(q.title)}  ${style.dim(q.description)}`;
  return [style.bold(truncate(q.title, width)), ...wrap(q.description, width).map((l) => style.dim(l))].join('\n');
}

function seriesSummary(report: ReportData, series: Row[], style: ChalkInstance, width: number | null): string[] {
  const peak = series.reduce((a, b) => ((b.requests as number) > (a.requests as number) ? b : a));
  const unit = report.bucketMs === DAY_MS ? 'day' : 'hour';
  const text =
    `${series.length} ${unit}s from ${formatTime(series[0]!.bucket as number)} to ${formatTime(series[series.length - 1]!.bucket as number)}; ` +
    `busiest ${formatTime(peak.bucket as number)} with ${formatCount(peak.requests as number)} requests (every ${unit} is in --json, --csv and --html)`;
  const spark = sparkline(series, width === null ? 72 : Math.max(10, Math.min(72, width - INDENT)));
  const lines = width === null ? [text] : wrap(text, width - INDENT);
  return [`  ${spark}`, ...lines.map((l) => style.dim(`  ${l}`))];
}

export function renderText(report: ReportData, style: ChalkInstance, options: TextOptions = { width: null }): string {
  const { width } = options;
  const out: string[] = [];
  out.push(style.bold('API Gateway access-log report'));
  out.push(field('Source ', terminalSafe(describeSource(report.source)), style, width));
  out.push(field('Window ', describeWindow(report.window), style, width));
  const filters = describeFilters(report.filters);
  if (filters) out.push(field('Filters', terminalSafe(filters), style, width));
  if (report.source.kind === 'athena') {
    out.push(field('Scanned', `${formatBytes(report.source.dataScannedBytes)}, about ${formatUsd(report.source.costUsd)} at $5 per TB`, style, width));
  }
  for (const q of report.questions) {
    out.push('');
    out.push(heading(q, style, width));
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
      out.push(...seriesSummary(report, series, style, width));
      continue;
    }
    out.push(indent(table(q, style, width)));
  }
  return out.join('\n');
}
