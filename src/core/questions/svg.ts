/**
 * Charts as inline SVG strings, drawn here so the HTML report needs no script, no library and no
 * network. Every chart is an `<svg class="chart">` with a title and an aria-label; every mark
 * (bar, column, dot) carries a `<title>` with its exact value, shown on hover.
 */
import { formatCount, formatMs, formatTime, statusClass } from './format.js';
import type { Tone } from './questions.js';
import type { Row } from './results.js';

export const TONES: Record<Tone, string> = {
  ok: '#2e7d32',
  redirect: '#0277bd',
  client: '#ef6c00',
  server: '#c62828',
  accent: '#6a1b9a',
  muted: '#90a4ae',
};

export const BAR_COLOR = '#1565c0';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Longest label kept in a tooltip; the page's table cuts longer values too (whole in --json). */
const MAX_TITLE = 300;

function cut(s: string, max: number): string {
  const chars = [...s];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s;
}

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** 1, 2 or 5 times a power of ten, at least `v`. */
export function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function svgOpen(width: number, height: number, label: string, kind: string, question: string): string {
  return (
    `<svg class="chart chart-${kind}" data-question="${escapeHtml(question)}" xmlns="http://www.w3.org/2000/svg" ` +
    `viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(label)}" preserveAspectRatio="xMinYMin meet">` +
    `<title>${escapeHtml(label)}</title>`
  );
}

export function statusTone(status: number): Tone {
  switch (statusClass(status)) {
    case '2xx':
      return 'ok';
    case '3xx':
      return 'redirect';
    case '4xx':
      return 'client';
    case '5xx':
      return 'server';
    default:
      return 'muted';
  }
}

export interface BarSpec {
  question: string;
  title: string;
  label: (row: Row) => string;
  value: string;
  base?: { label: string; tone: Tone };
  segments?: ReadonlyArray<{ measure: string; label: string; tone: Tone }>;
  toneBy?: string;
}

/**
 * Horizontal bars, one per row, optionally split into stacked segments. Each label sits on its own
 * line above its bar, so the chart keeps its width for the bars and stays readable when a phone
 * (390 px) scales the 560-unit view box down.
 */
export function barChart(rows: readonly Row[], spec: BarSpec): string {
  const width = 560;
  const valueW = 70;
  const rowH = 38;
  const top = 4;
  const height = top + rows.length * rowH + 4;
  const max = Math.max(...rows.map((r) => n(r[spec.value])), 1);
  const scale = (width - valueW) / max;
  const parts: string[] = [svgOpen(width, height, spec.title, 'bars', spec.question)];
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const label = spec.label(r);
    const total = n(r[spec.value]);
    parts.push(`<text class="label" x="0" y="${y + 13}"><title>${escapeHtml(cut(label, MAX_TITLE))}</title>${escapeHtml(cut(label, 56))}</text>`);
    const base = spec.toneBy !== undefined ? TONES[statusTone(n(r[spec.toneBy]))] : spec.base ? TONES[spec.base.tone] : BAR_COLOR;
    let x = 0;
    const segs = (spec.segments ?? []).map((s) => ({ ...s, v: Math.min(n(r[s.measure]), total) }));
    const rest = Math.max(0, total - segs.reduce((a, s) => a + s.v, 0));
    const pieces = [{ label: spec.base?.label ?? spec.value, v: rest, color: base }, ...segs.map((s) => ({ label: s.label, v: s.v, color: TONES[s.tone] }))];
    for (const p of pieces) {
      if (p.v <= 0) continue;
      const w = Math.max(1, p.v * scale);
      parts.push(
        `<rect class="bar" x="${fmt(x)}" y="${y + 18}" width="${fmt(w)}" height="14" fill="${p.color}"><title>${escapeHtml(`${cut(label, MAX_TITLE)}: ${formatCount(p.v)} ${p.label}`)}</title></rect>`,
      );
      x += w;
    }
    parts.push(`<text class="value" x="${fmt(x + 6)}" y="${y + 30}">${formatCount(total)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface SeriesSpec {
  question: string;
  title: string;
  x: string;
  value: string;
  segments: ReadonlyArray<{ measure: string; label: string; tone: Tone }>;
}

/**
 * How many intervals divide the axis maximum (1, 2 or 5 times a power of ten) into whole numbers:
 * a max of 1 gets ticks 0 and 1, never "0, 0, 1, 1, 1" from rounding quarters.
 */
export function yTickSteps(max: number): number {
  if (max <= 5) return Math.max(1, Math.round(max));
  return max % 5 === 0 ? 5 : 4;
}

/** Columns over time (one per bucket), the segments stacked on top of the rest. */
export function timeSeriesChart(allRows: readonly Row[], spec: SeriesSpec): string {
  const rows = allRows.filter((r) => typeof r[spec.x] === 'number');
  const width = 640;
  const height = 240;
  const left = 56;
  const right = 12;
  const top = 12;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = niceCeil(Math.max(...rows.map((r) => n(r[spec.value])), 1));
  const colW = plotW / Math.max(rows.length, 1);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const parts: string[] = [svgOpen(width, height, spec.title, 'timeseries', spec.question)];
  const steps = yTickSteps(max);
  for (let t = 0; t <= steps; t++) {
    const v = (max * t) / steps;
    parts.push(`<line class="grid" x1="${left}" x2="${width - right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}"/>`);
    parts.push(`<text class="axis" x="${left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${formatCount(v)}</text>`);
  }
  rows.forEach((r, i) => {
    const x = left + i * colW;
    const total = n(r[spec.value]);
    const segs = spec.segments.map((s) => ({ ...s, v: Math.min(n(r[s.measure]), total) }));
    const rest = Math.max(0, total - segs.reduce((a, s) => a + s.v, 0));
    const when = formatTime(n(r[spec.x]));
    let base = 0;
    for (const p of [{ label: 'other', v: rest, color: TONES.ok }, ...segs.map((s) => ({ label: s.label, v: s.v, color: TONES[s.tone] }))]) {
      if (p.v <= 0) continue;
      const h = (p.v / max) * plotH;
      parts.push(
        `<rect class="col" x="${fmt(x + colW * 0.1)}" y="${fmt(y(base + p.v))}" width="${fmt(Math.max(colW * 0.8, 0.5))}" height="${fmt(Math.max(h, 0.5))}" fill="${p.color}">` +
          `<title>${escapeHtml(`${when}: ${formatCount(p.v)} ${p.label} of ${formatCount(total)}`)}</title></rect>`,
      );
      base += p.v;
    }
  });
  // About five time labels, on bucket boundaries.
  const every = Math.max(1, Math.ceil(rows.length / 5));
  rows.forEach((r, i) => {
    if (i % every !== 0) return;
    const x = left + i * colW + colW / 2;
    parts.push(`<line class="tick" x1="${fmt(x)}" x2="${fmt(x)}" y1="${top + plotH}" y2="${top + plotH + 4}"/>`);
    parts.push(`<text class="axis" x="${fmt(x)}" y="${top + plotH + 18}" text-anchor="middle">${escapeHtml(formatTime(n(r[spec.x])).replace(/^\d{4}-/, ''))}</text>`);
  });
  parts.push(`<line class="axis-line" x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}"/>`);
  parts.push('</svg>');
  return parts.join('');
}

export interface LatencySpec {
  question: string;
  title: string;
  label: (row: Row) => string;
  p50: string;
  p90: string;
  p99: string;
}

/** The decades the log axis spans: at least one, whatever the values (none, one, all equal). */
export function logRange(values: readonly number[]): { lo: number; hi: number } {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.max(Math.min(...positive, 10), 0.1)));
  const hi = Math.max(10 ** Math.ceil(Math.log10(Math.max(...positive, 10))), lo * 10);
  return { lo, hi };
}

/**
 * Per row, p50 to p99 as a line with dots at p50, p90 and p99, on a log scale of milliseconds;
 * null when no row has a value (a stage without an authorizer): the caller says so in words.
 */
export function latencyChart(rows: readonly Row[], spec: LatencySpec): string | null {
  const values = rows.flatMap((r) => [r[spec.p50], r[spec.p90], r[spec.p99]]).filter((v): v is number => typeof v === 'number' && v > 0);
  if (values.length === 0) return null;
  const width = 560;
  // Room for half of the first and last axis label ("10 ms"), which are centred on their line.
  const right = 28;
  const left = 24;
  const rowH = 38;
  const top = 4;
  const axisH = 24;
  const height = top + rows.length * rowH + axisH;
  const { lo, hi } = logRange(values);
  const plotW = width - left - right;
  const x = (v: number) => left + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW;
  const parts: string[] = [svgOpen(width, height, spec.title, 'latency', spec.question)];
  for (let d = lo; d <= hi; d *= 10) {
    parts.push(`<line class="grid" x1="${fmt(x(d))}" x2="${fmt(x(d))}" y1="${top}" y2="${top + rows.length * rowH}"/>`);
    const label = d >= 1000 ? `${formatCount(d / 1000)} s` : `${fmt(d)} ms`;
    parts.push(`<text class="axis" x="${fmt(x(d))}" y="${top + rows.length * rowH + 16}" text-anchor="middle">${escapeHtml(label)}</text>`);
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + 26;
    const label = spec.label(r);
    parts.push(`<text class="label" x="0" y="${y - 12}"><title>${escapeHtml(cut(label, MAX_TITLE))}</title>${escapeHtml(cut(label, 56))}</text>`);
    const p50 = r[spec.p50];
    const p90 = r[spec.p90];
    const p99 = r[spec.p99];
    if (typeof p50 !== 'number' || typeof p99 !== 'number') {
      parts.push(`<text class="none" x="0" y="${y + 4}">no data</text>`);
      return;
    }
    const tip = `${cut(label, MAX_TITLE)}: p50 ${formatMs(p50)}, p90 ${typeof p90 === 'number' ? formatMs(p90) : '-'}, p99 ${formatMs(p99)}`;
    parts.push(`<line class="range" x1="${fmt(x(p50))}" x2="${fmt(x(p99))}" y1="${y}" y2="${y}"/>`);
    parts.push(`<circle class="dot p50" cx="${fmt(x(p50))}" cy="${y}" r="5"><title>${escapeHtml(tip)}</title></circle>`);
    if (typeof p90 === 'number') parts.push(`<circle class="dot p90" cx="${fmt(x(p90))}" cy="${y}" r="5"><title>${escapeHtml(tip)}</title></circle>`);
    parts.push(`<circle class="dot p99" cx="${fmt(x(p99))}" cy="${y}" r="5"><title>${escapeHtml(tip)}</title></circle>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** One 100% bar of the status classes (the totals' headline). */
export function shareBar(question: string, title: string, parts: ReadonlyArray<{ label: string; value: number; tone: Tone }>): string {
  const width = 560;
  const height = 28;
  const total = parts.reduce((a, p) => a + p.value, 0);
  const out: string[] = [svgOpen(width, height, title, 'share', question)];
  let x = 0;
  for (const p of parts) {
    if (p.value <= 0 || total === 0) continue;
    const w = (p.value / total) * width;
    out.push(
      `<rect class="bar" x="${fmt(x)}" y="0" width="${fmt(w)}" height="${height}" fill="${TONES[p.tone]}"><title>${escapeHtml(`${p.label}: ${formatCount(p.value)} (${((p.value / total) * 100).toFixed(1)}%)`)}</title></rect>`,
    );
    x += w;
  }
  out.push('</svg>');
  return out.join('');
}
