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
import { displayColumns, type Cell, type QuestionResult, type Row } from './results.js';
import { describeSource, describeWindow } from './render-text.js';
import { terminalSafe } from '../text-table.js';
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
svg.chart { display: block; width: 100%; max-width: 720px; height: auto; margin: 4px 0 8px; }
svg.chart-timeseries { max-width: 960px; }
.chart-wide { overflow-x: auto; }
.chart-wide svg.chart { min-width: 480px; }
p.note { font-size: 13px; color: var(--muted); margin: 6px 0; }
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
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
th.num { min-width: 4em; }
td.text { max-width: 360px; overflow-wrap: break-word; }
td.cut { color: var(--muted); }
.scroll { overflow-x: auto; }
.none { color: var(--muted); }
footer { padding: 16px 32px; color: var(--muted); font-size: 12px; }
@media (max-width: 600px) {
  header, nav, main, footer { padding-left: 12px; padding-right: 12px; }
  h1 { font-size: 19px; }
  table { font-size: 12px; }
  th, td { padding: 3px 6px; }
  td.text { max-width: 180px; }
  /* The view boxes scale down about 0.65 on a phone: larger type keeps chart text near 10 px. */
  svg.chart text { font-size: 16px; }
}
@media print {
  nav { display: none; }
  details { display: block; }
  details > * { display: block; }
  main { max-width: none; padding: 0 12px; }
  .scroll, .chart-wide { overflow: visible; }
  table { font-size: 9px; }
  th, td { padding: 2px 3px; }
  td.text { max-width: 150px; }
  section { break-inside: auto; }
}
`;

function legend(items: ReadonlyArray<{ label: string; color: string }>): string {
  return `<p class="legend">${items.map((i) => `<i style="background:${i.color}"></i>${escapeHtml(i.label)}`).join('')}</p>`;
}

/** Longest text shown in a cell of the page; the whole value is in --json and --csv. */
export const MAX_CELL = 200;

/** A logged value for the page: control and bidirectional characters shown escaped, long values cut. */
export function pageText(v: string, max = MAX_CELL): string {
  const safe = terminalSafe(v);
  const chars = [...safe];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}… (${formatCount(chars.length - max + 1)} more characters in --json)` : safe;
}

interface HtmlColumn {
  label: string;
  numeric: boolean;
  cell: (r: Row) => string | null;
}

/** Columns as shown: a latency's p50, p90 and p99 share one column, so the table fits a page. */
function htmlColumns(q: QuestionResult): HtmlColumn[] {
  return displayColumns(q).map((d): HtmlColumn => {
    if (d.kind === 'trio') {
      const trio = d.ids;
      return {
        label: `${d.label} p50 / p90 / p99 (ms)`,
        numeric: true,
        cell: (r) => (trio.every((id) => typeof r[id] !== 'number') ? null : trio.map((id) => (typeof r[id] === 'number' ? formatCell(r[id], 'ms').replace(/ ms$/, '') : '–')).join(' / ')),
      };
    }
    const c = d.column;
    return { label: c.label, numeric: c.type !== 'text', cell: (r) => (r[c.id] === null || r[c.id] === undefined ? null : formatCell(r[c.id] as Cell, c.type)) };
  });
}

function dataTable(q: QuestionResult): string {
  const columns = htmlColumns(q);
  const head = columns.map((c) => `<th class="${c.numeric ? 'num' : 'text'}">${escapeHtml(c.label)}</th>`).join('');
  const body = q.rows
    .map(
      (r) =>
        `<tr>${columns
          .map((c) => {
            const v = c.cell(r);
            const cls = c.numeric ? 'num' : 'text';
            return v === null ? `<td class="${cls} none">–</td>` : `<td class="${cls}">${escapeHtml(c.numeric ? v : pageText(v))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const same = (a: string, b: string) => a.toLowerCase().replace(/[_\s]+/g, ' ').trim() === b.toLowerCase().replace(/[_\s]+/g, ' ').trim();

/**
 * A row's label from its key columns: the first, then the others in parentheses, without one that
 * repeats another ("Quota exceeded", not "Quota exceeded QUOTA_EXCEEDED"), an API id and stage
 * joined as `a1b2c3d4e5/prod`, or `orders a1b2c3d4e5/prod` when the API's name is known.
 */
export function rowLabel(columns: readonly string[], apiNames: Readonly<Record<string, string>> = {}): (r: Row) => string {
  return (r) => {
    const text = (c: string) => (r[c] === null || r[c] === undefined ? null : terminalSafe(String(r[c])));
    const values: string[] = [];
    for (const c of columns) {
      if (c === 'stage' && columns.includes('apiId')) continue;
      let v = text(c);
      if (c === 'apiId' && v !== null) {
        const name = Object.hasOwn(apiNames, String(r[c])) ? terminalSafe(apiNames[String(r[c])] as string) : null;
        if (text('stage') !== null && columns.includes('stage')) v = `${v}/${text('stage') as string}`;
        if (name !== null) v = `${name} ${v}`;
      }
      if (v !== null && !values.some((seen) => same(seen, v))) values.push(v);
    }
    if (values.length === 0) return '(none)';
    const [first, ...rest] = values;
    const head = columns[0] === 'httpMethod' && rest.length ? `${first} ${rest.shift() as string}` : (first as string);
    return rest.length ? `${head} (${rest.join(', ')})` : head;
  };
}

function chart(q: QuestionResult, spec: ChartSpec, apiNames: Readonly<Record<string, string>>): string {
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
          label: rowLabel(spec.label, apiNames),
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
        `<div class="chart-wide">${timeSeriesChart(q.rows, { question: q.id, title: q.title, x: spec.x, value: spec.value, segments: spec.segments })}</div>`
      );
    case 'latency':
      return (
        legend([
          { label: 'p50', color: TONES.ok },
          { label: 'p90', color: TONES.client },
          { label: 'p99', color: TONES.server },
        ]) +
        `<div class="panels">${spec.panels
          .map((p) => {
            const svg = latencyChart(q.rows, { question: q.id, title: `${q.title}: ${p.title}`, label: rowLabel(spec.label, apiNames), p50: p.p50, p90: p.p90, p99: p.p99 });
            const none = `<p class="none">No ${escapeHtml(p.title.toLowerCase())} in these requests${/authorizer/i.test(p.title) ? ': no Lambda or Cognito authorizer ran on these routes' : ''}.</p>`;
            return `<h3>${escapeHtml(p.title)}</h3>${svg ?? none}`;
          })
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

/** Said under a question when its rows could puzzle: the same key with and without a usage plan. */
function notes(q: QuestionResult): string {
  if (q.id !== 'customers') return '';
  const plans = new Map<string, Set<string>>();
  for (const r of q.rows) {
    const key = `${String(r.apiKey)}\u0000${String(r.customerId)}`;
    plans.set(key, (plans.get(key) ?? new Set()).add(String(r.usagePlan)));
  }
  if (![...plans.values()].some((p) => p.size > 1)) return '';
  return (
    '<p class="note">A key listed twice, with and without a usage plan, was used both on a stage of its usage plan and on ' +
    'one outside it (or before it was added to the plan): the plan is looked up for the API and stage of each request.</p>'
  );
}

function section(q: QuestionResult, def: Question | undefined, apiNames: Readonly<Record<string, string>>): string {
  const body =
    q.id === 'totals'
      ? kpis(q)
      : q.rows.length === 0
        ? '<p class="none">No requests matched.</p>'
        : `${def ? chart(q, def.chart, apiNames) : ''}${notes(q)}<details${q.rows.length <= 12 ? ' open' : ''}><summary>Data (${q.rows.length} rows)</summary>${dataTable(q)}</details>`;
  return `<section id="${escapeHtml(q.id)}"><h2>${escapeHtml(q.title)}</h2><p class="desc">${escapeHtml(q.description)}</p>${body}</section>`;
}

export function renderHtml(report: ReportData): string {
  const defs = new Map(QUESTIONS.map((q) => [q.id, q]));
  const meta: Array<[string, string]> = [
    ['Source', pageText(describeSource(report.source), 400)],
    ['Window', describeWindow(report.window)],
  ];
  const filters = describeFilters(report.filters);
  if (filters) meta.push(['Filters', pageText(filters, 400)]);
  const skipped = report.source.kind === 'athena' ? [] : (report.source.skipped ?? []);
  if (skipped.length) {
    const first = skipped[0] as { file: string; reason: string };
    meta.push(['Skipped', pageText(`${skipped.length} file(s) or parts of files that could not be read, e.g. ${first.file}: ${first.reason} (every one in --json, source.skipped)`, 400)]);
  }
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
    `<main>${report.questions.map((q) => section(q, defs.get(q.id), report.apiNames ?? {})).join('\n')}</main>`,
    `<footer>Made by apigw-log-analytics report from ${formatCount(
      (report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests as number | undefined) ?? 0,
    )} requests. Counts are access-log records; Firehose delivers at least once, so a retried delivery can count a request twice.</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
