/**
 * `--html FILE`: the report as one self-contained page. Styles and charts (SVG drawn in svg.ts)
 * are inline, there is no script, and a Content-Security-Policy forbids every fetch, so the page
 * opens offline, from a mail attachment or a file share, and shows exactly what was computed.
 * Every chart is followed by its data as a table.
 */
import { describeFilters } from './filters.js';
import { formatBytes, formatCell, formatCount, formatRatio, formatUsd } from './format.js';
import type { ReportData } from './model.js';
import { QUESTIONS, type ChartSpec, type Question } from './questions.js';
import type { QuestionResult, Row } from './results.js';
import { describeSource, describeWindow } from './render-text.js';
import { barChart, escapeHtml, latencyChart, shareBar, timeSeriesChart, TONES } from './svg.js';

/** Tags the page as ours: `report --html` overwrites only a file that carries it (src/commands/report/output-paths.ts). */
export const HTML_GENERATOR = 'apigw-log-analytics report';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { color-scheme: light; --fg: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #ffffff; --panel: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 24px 32px 12px; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 0 0 4px; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
header dt { color: var(--muted); }
header dd { margin: 0; }
nav { padding: 8px 32px; border-bottom: 1px solid var(--line); font-size: 13px; }
nav a { margin-right: 14px; color: #1565c0; text-decoration: none; }
main { padding: 8px 32px 32px; max-width: 1100px; }
section { padding: 20px 0; border-bottom: 1px solid var(--line); }
p.desc { margin: 0 0 12px; color: var(--muted); }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin-bottom: 12px; }
.kpi { background: var(--panel); border-radius: 6px; padding: 10px 12px; }
.kpi .k { color: var(--muted); font-size: 12px; }
.kpi .v { font-size: 20px; font-weight: 600; }
.kpi .s { color: var(--muted); font-size: 12px; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 4px 0 8px; }
svg.chart text { font: 12px system-ui, sans-serif; fill: var(--fg); }
svg.chart text.axis, svg.chart text.value, svg.chart text.none { fill: var(--muted); }
svg.chart .grid { stroke: var(--line); }
svg.chart .tick, svg.chart .axis-line { stroke: #9aa5b1; }
svg.chart .range { stroke: #9aa5b1; stroke-width: 2; }
svg.chart .dot.p50 { fill: ${TONES.ok}; }
svg.chart .dot.p90 { fill: ${TONES.client}; }
svg.chart .dot.p99 { fill: ${TONES.server}; }
.legend { font-size: 12px; color: var(--muted); margin: 0 0 8px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 12px; vertical-align: -1px; }
.legend i:first-child { margin-left: 0; }
.panels h3 { font-size: 14px; margin: 12px 0 0; }
details { margin-top: 6px; }
summary { cursor: pointer; color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; margin-top: 6px; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { max-width: 520px; overflow-wrap: break-word; }
.scroll { overflow-x: auto; }
.none { color: var(--muted); }
footer { padding: 16px 32px; color: var(--muted); font-size: 12px; }
@media print { nav { display: none; } details { display: block; } details > * { display: block; } }
`;

function legend(items: ReadonlyArray<{ label: string; color: string }>): string {
  return `<p class="legend">${items.map((i) => `<i style="background:${i.color}"></i>${escapeHtml(i.label)}`).join('')}</p>`;
}

function dataTable(q: QuestionResult): string {
  const head = q.columns.map((c) => `<th class="${c.type === 'text' ? 'text' : 'num'}">${escapeHtml(c.label)}</th>`).join('');
  const body = q.rows
    .map(
      (r) =>
        `<tr>${q.columns
          .map((c) => {
            const v = r[c.id] ?? null;
            const cls = c.type === 'text' ? 'text' : 'num';
            return v === null ? `<td class="${cls} none">–</td>` : `<td class="${cls}">${escapeHtml(formatCell(v, c.type))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function rowLabel(columns: readonly string[]): (r: Row) => string {
  return (r) =>
    columns
      .map((c) => r[c])
      .filter((v) => v !== null && v !== undefined)
      .map(String)
      .join(' ') || '(none)';
}

function chart(q: QuestionResult, spec: ChartSpec): string {
  switch (spec.kind) {
    case 'kpis':
      return '';
    case 'bars': {
      const items = [
        ...(spec.base && !spec.toneBy ? [{ label: spec.base.label, color: TONES[spec.base.tone] }] : []),
        ...(spec.segments ?? []).map((s) => ({ label: s.label, color: TONES[s.tone] })),
      ];
      return (
        (items.length > 0 ? legend(items) : '') +
        barChart(q.rows, {
          question: q.id,
          title: q.title,
          label: rowLabel(spec.label),
          value: spec.value,
          ...(spec.base ? { base: spec.base } : {}),
          ...(spec.segments ? { segments: spec.segments } : {}),
          ...(spec.toneBy ? { toneBy: spec.toneBy } : {}),
        })
      );
    }
    case 'timeseries':
      return (
        legend([{ label: '2xx and 3xx', color: TONES.ok }, ...spec.segments.map((s) => ({ label: s.label, color: TONES[s.tone] }))]) +
        timeSeriesChart(q.rows, { question: q.id, title: q.title, x: spec.x, value: spec.value, segments: spec.segments })
      );
    case 'latency':
      return (
        legend([
          { label: 'p50', color: TONES.ok },
          { label: 'p90', color: TONES.client },
          { label: 'p99', color: TONES.server },
        ]) +
        `<div class="panels">${spec.panels
          .map((p) => `<h3>${escapeHtml(p.title)}</h3>${latencyChart(q.rows, { question: q.id, title: `${q.title}: ${p.title}`, label: rowLabel(spec.label), p50: p.p50, p90: p.p90, p99: p.p99 })}`)
          .join('')}</div>`
      );
  }
}

function kpis(q: QuestionResult): string {
  const r = q.rows[0] ?? {};
  const num = (id: string): number => (typeof r[id] === 'number' ? (r[id] as number) : 0);
  const tile = (k: string, v: string, s = '') => `<div class="kpi"><div class="k">${escapeHtml(k)}</div><div class="v">${escapeHtml(v)}</div><div class="s">${escapeHtml(s)}</div></div>`;
  const rate = (id: string) => (typeof r[id] === 'number' ? formatRatio(r[id] as number) : '–');
  const ms = (id: string) => formatCell(r[id] ?? null, 'ms', '–');
  const tiles = [
    tile('Requests', formatCount(num('requests'))),
    tile('2xx', formatCount(num('s2xx'))),
    tile('3xx', formatCount(num('s3xx'))),
    tile('4xx', formatCount(num('s4xx')), `${rate('clientErrorRate')} of requests`),
    tile('5xx', formatCount(num('s5xx')), `${rate('serverErrorRate')} of requests`),
    tile('Response p50', ms('responseP50')),
    tile('Response p90', ms('responseP90')),
    tile('Response p99', ms('responseP99')),
  ].join('');
  const bar = shareBar(q.id, 'Requests by status class', [
    { label: '2xx', value: num('s2xx'), tone: 'ok' },
    { label: '3xx', value: num('s3xx'), tone: 'redirect' },
    { label: '4xx', value: num('s4xx'), tone: 'client' },
    { label: '5xx', value: num('s5xx'), tone: 'server' },
  ]);
  return `<div class="kpis">${tiles}</div>${num('requests') > 0 ? legend([
    { label: '2xx', color: TONES.ok },
    { label: '3xx', color: TONES.redirect },
    { label: '4xx', color: TONES.client },
    { label: '5xx', color: TONES.server },
  ]) + bar : ''}`;
}

function section(q: QuestionResult, def: Question | undefined): string {
  const body =
    q.id === 'totals'
      ? kpis(q)
      : q.rows.length === 0
        ? '<p class="none">No requests matched.</p>'
        : `${def ? chart(q, def.chart) : ''}<details${q.rows.length <= 12 ? ' open' : ''}><summary>Data (${q.rows.length} rows)</summary>${dataTable(q)}</details>`;
  return `<section id="${escapeHtml(q.id)}"><h2>${escapeHtml(q.title)}</h2><p class="desc">${escapeHtml(q.description)}</p>${body}</section>`;
}

export function renderHtml(report: ReportData): string {
  const defs = new Map(QUESTIONS.map((q) => [q.id, q]));
  const meta: Array<[string, string]> = [
    ['Source', describeSource(report.source)],
    ['Window', describeWindow(report.window)],
  ];
  const filters = describeFilters(report.filters);
  if (filters) meta.push(['Filters', filters]);
  if (report.source.kind === 'athena') {
    meta.push(['Scanned', `${formatBytes(report.source.dataScannedBytes)}, about ${formatUsd(report.source.costUsd)} at $5 per TB (query ${report.source.queryExecutionId})`]);
  }
  meta.push(['Generated', report.generatedAt]);
  const title = `API Gateway access-log report${report.window.from ? `, ${report.window.from} to ${report.window.to}` : ''}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<meta name="generator" content="${HTML_GENERATOR}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<header><h1>API Gateway access-log report</h1><dl>${meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl></header>`,
    `<nav>${report.questions.map((q) => `<a href="#${escapeHtml(q.id)}">${escapeHtml(q.title)}</a>`).join('')}</nav>`,
    `<main>${report.questions.map((q) => section(q, defs.get(q.id))).join('\n')}</main>`,
    `<footer>Made by apigw-log-analytics report from ${formatCount(
      (report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests as number | undefined) ?? 0,
    )} requests. Counts are access-log records; Firehose delivers at least once, so a retried delivery can count a request twice.</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
