/**
 * Draws a sheet of the dashboard definition as an SVG wireframe: the control bar, then every
 * visual at its grid position with its title, its type and the fields it uses. It reads only the
 * definition, so the pictures in docs/dashboard/ show exactly what the template deploys, and a
 * reviewer can see the layout without an AWS account (`npm run docs:dashboard` redraws them).
 */
import type { DashboardVersionDefinition, FilterGroup, SheetDefinition, Visual } from '@aws-sdk/client-quicksight';
import { GRID_COLUMNS, visualId } from './definition/layout.js';

const WIDTH = 1440;
const MARGIN = 24;
const COL = (WIDTH - 2 * MARGIN) / GRID_COLUMNS;
const ROW = 30;
const GAP = 6;
const CHAR = 6.6; // average width of a 12px sans-serif character

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fit(text: string, width: number, size = 12): string {
  const max = Math.floor(width / ((CHAR * size) / 12));
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function wrap(text: string, width: number, lines: number, size = 12): string[] {
  const max = Math.floor(width / ((CHAR * size) / 12));
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (!line) line = word;
    else if (`${line} ${word}`.length <= max) line = `${line} ${word}`;
    else {
      out.push(line);
      line = word;
    }
  }
  if (line) out.push(line);
  if (out.length > lines) {
    const kept = out.slice(0, lines);
    kept[lines - 1] = fit(`${kept[lines - 1]} ${out.slice(lines).join(' ')}`, width, size);
    return kept;
  }
  return out.map((l) => fit(l, width, size));
}

/** What kind of visual, in words. */
export function visualKind(v: Visual): string {
  if (v.KPIVisual) return 'KPI';
  if (v.LineChartVisual) return 'Line chart';
  if (v.PieChartVisual) return v.PieChartVisual.ChartConfiguration?.DonutOptions ? 'Donut chart' : 'Pie chart';
  if (v.BarChartVisual) {
    const c = v.BarChartVisual.ChartConfiguration;
    return `Bar chart (${(c?.Orientation ?? 'HORIZONTAL').toLowerCase()}${c?.BarsArrangement === 'STACKED' ? ', stacked' : ''})`;
  }
  if (v.TableVisual) return v.TableVisual.ChartConfiguration?.FieldWells?.TableUnaggregatedFieldWells ? 'Table (one row per request)' : 'Table';
  return Object.keys(v)[0] ?? 'Visual';
}

function inner(v: Visual): { Title?: { FormatText?: { PlainText?: string } }; Subtitle?: { FormatText?: { PlainText?: string } } } {
  return (Object.values(v).find((x) => x && typeof x === 'object') ?? {}) as ReturnType<typeof inner>;
}

/** The fields of a visual, as "column (aggregation)" in field-well order. */
export function visualFields(v: Visual): string[] {
  const out: string[] = [];
  const visit = (x: unknown, inWells: boolean) => {
    if (Array.isArray(x)) x.forEach((y) => visit(y, inWells));
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (inWells && o.Column && typeof o.FieldId === 'string') {
        const col = (o.Column as { ColumnName?: string }).ColumnName ?? '?';
        const agg = o.AggregationFunction as { SimpleNumericalAggregation?: string; PercentileAggregation?: { PercentileValue?: number } } | string | undefined;
        const g = typeof o.DateGranularity === 'string' ? ` by ${o.DateGranularity.toLowerCase()}` : '';
        const a = typeof agg === 'string' ? agg.toLowerCase() : agg?.PercentileAggregation ? `p${agg.PercentileAggregation.PercentileValue}` : agg?.SimpleNumericalAggregation?.toLowerCase();
        const label = `${col}${g}${a ? ` (${a})` : ''}`;
        if (!out.includes(label)) out.push(label);
        return;
      }
      for (const [k, val] of Object.entries(o)) visit(val, inWells || k === 'FieldWells');
    }
  };
  visit(v, false);
  return out;
}

function glyph(v: Visual, x: number, y: number): string {
  const stroke = 'stroke="#5b7ba6" stroke-width="1.5" fill="none"';
  if (v.KPIVisual) return `<text x="${x}" y="${y + 14}" font-size="16" font-weight="700" fill="#5b7ba6">123</text><path d="M${x + 38} ${y + 12} l6 -6 l6 6" ${stroke}/>`;
  if (v.LineChartVisual) return `<path d="M${x} ${y + 14} l8 -6 l8 3 l8 -9 l8 5 l8 -4" ${stroke}/>`;
  if (v.PieChartVisual) return `<circle cx="${x + 9}" cy="${y + 8}" r="7" ${stroke}/><circle cx="${x + 9}" cy="${y + 8}" r="3" ${stroke}/>`;
  if (v.BarChartVisual) {
    return v.BarChartVisual.ChartConfiguration?.Orientation === 'VERTICAL'
      ? `<path d="M${x + 2} ${y + 16} v-8 M${x + 10} ${y + 16} v-14 M${x + 18} ${y + 16} v-5 M${x + 26} ${y + 16} v-11" stroke="#5b7ba6" stroke-width="5"/>`
      : `<path d="M${x} ${y + 2} h28 M${x} ${y + 8} h20 M${x} ${y + 14} h12" stroke="#5b7ba6" stroke-width="4"/>`;
  }
  return `<path d="M${x} ${y + 1} h30 M${x} ${y + 7} h30 M${x} ${y + 13} h30 M${x + 10} ${y + 1} v14 M${x + 20} ${y + 1} v14" stroke="#5b7ba6" stroke-width="1"/>`;
}

/** A faint sketch of the chart in the space left under the text, so the picture reads as a dashboard. */
function sketch(v: Visual, x: number, y: number, w: number, h: number): string {
  if (h < 36 || w < 60 || v.KPIVisual) return '';
  const faint = 'stroke="#d5dde8" fill="none" stroke-width="2"';
  if (v.LineChartVisual) {
    const n = 24;
    const pts = Array.from({ length: n + 1 }, (_, i) => `${(x + (i * w) / n).toFixed(1)},${(y + h * (0.35 + 0.3 * Math.sin(i * 0.9) * Math.cos(i * 0.31))).toFixed(1)}`);
    return `<polyline points="${pts.join(' ')}" ${faint}/><path d="M${x} ${y + h} h${w}" stroke="#e3e8ef"/>`;
  }
  if (v.PieChartVisual) {
    const r = Math.min(w, h) / 2 / 1.2 - 2; // the ring's stroke (r / 2.5) stays inside
    return `<circle cx="${(x + w / 2).toFixed(1)}" cy="${(y + h / 2).toFixed(1)}" r="${r.toFixed(1)}" stroke="#d5dde8" stroke-width="${(r / 2.5).toFixed(1)}" fill="none"/>`;
  }
  if (v.BarChartVisual) {
    const vertical = v.BarChartVisual.ChartConfiguration?.Orientation === 'VERTICAL';
    const n = 8;
    const bars: string[] = [];
    for (let i = 0; i < n; i++) {
      const share = 1 - i / (n + 2);
      if (vertical) {
        const bw = w / n - 6;
        bars.push(`<rect x="${(x + i * (w / n)).toFixed(1)}" y="${(y + h * (1 - share)).toFixed(1)}" width="${bw.toFixed(1)}" height="${(h * share).toFixed(1)}" fill="#e3e8ef"/>`);
      } else {
        const bh = h / n - 4;
        bars.push(`<rect x="${x}" y="${(y + i * (h / n)).toFixed(1)}" width="${(w * share).toFixed(1)}" height="${bh.toFixed(1)}" fill="#e3e8ef"/>`);
      }
    }
    return bars.join('');
  }
  const rows: string[] = [`<rect x="${x}" y="${y}" width="${w}" height="14" fill="#e3e8ef"/>`];
  for (let ry = y + 28; ry < y + h; ry += 14) rows.push(`<path d="M${x} ${ry} h${w}" stroke="#e9edf3"/>`);
  return rows.join('');
}

export interface ControlSummary {
  title: string;
  /** A free-text field, or a list to pick from (dropdown, date range). */
  input: 'text' | 'pick';
}

/** The controls shown on a sheet, in order. */
export function sheetControls(sheet: SheetDefinition, groups: readonly FilterGroup[]): ControlSummary[] {
  const defaults = new Map<string, ControlSummary>();
  for (const g of groups) {
    for (const f of g.Filters ?? []) {
      const filter = Object.values(f).find((x) => x && typeof x === 'object') as
        | { FilterId?: string; DefaultFilterControlConfiguration?: { Title?: string; ControlOptions?: { DefaultTextFieldOptions?: unknown } } }
        | undefined;
      const d = filter?.DefaultFilterControlConfiguration;
      if (filter?.FilterId && d?.Title) defaults.set(filter.FilterId, { title: d.Title, input: d.ControlOptions?.DefaultTextFieldOptions ? 'text' : 'pick' });
    }
  }
  return (sheet.FilterControls ?? []).map((c) => {
    if (c.CrossSheet) return defaults.get(c.CrossSheet.SourceFilterId ?? '') ?? { title: c.CrossSheet.SourceFilterId ?? '?', input: 'pick' };
    const local = Object.values(c).find((x) => x && typeof x === 'object') as { Title?: string } | undefined;
    return { title: local?.Title ?? '?', input: c.TextField || c.TextArea ? 'text' : 'pick' };
  });
}

export function renderSheetSvg(definition: DashboardVersionDefinition, sheetId: string): string {
  const sheet = (definition.Sheets ?? []).find((s) => s.SheetId === sheetId);
  if (!sheet) throw new Error(`no sheet ${sheetId}`);
  const visuals = new Map((sheet.Visuals ?? []).map((v) => [visualId(v), v]));
  const elements = sheet.Layouts?.[0]?.Configuration?.GridLayout?.Elements ?? [];
  const rows = Math.max(0, ...elements.map((e) => (e.RowIndex ?? 0) + e.RowSpan!));
  const parts: string[] = [];

  // Header and control bar.
  let y = MARGIN;
  parts.push(`<text x="${MARGIN}" y="${y + 18}" font-size="20" font-weight="700" fill="#1f2d3d">${escape(sheet.Name ?? sheetId)}</text>`);
  parts.push(`<text x="${MARGIN}" y="${y + 38}" font-size="12" fill="#52606d">${escape(sheet.Description ?? '')}</text>`);
  y += 52;
  let x = MARGIN;
  for (const { title, input } of sheetControls(sheet, definition.FilterGroups ?? [])) {
    const w = Math.ceil(title.length * CHAR) + (input === 'text' ? 70 : 34);
    if (x + w > WIDTH - MARGIN) {
      x = MARGIN;
      y += 30;
    }
    parts.push(
      input === 'text'
        ? `<rect x="${x}" y="${y}" width="${w}" height="22" rx="4" fill="#ffffff" stroke="#c5d0de"/>` +
            `<text x="${x + 10}" y="${y + 15}" font-size="12" fill="#1f2d3d">${escape(title)}</text>` +
            `<path d="M${x + w - 46} ${y + 16} h36" stroke="#9aa5b1"/>`
        : `<rect x="${x}" y="${y}" width="${w}" height="22" rx="11" fill="#eef2f7" stroke="#c5d0de"/>` +
            `<text x="${x + 12}" y="${y + 15}" font-size="12" fill="#1f2d3d">${escape(title)} ▾</text>`,
    );
    x += w + 8;
  }
  y += 38;

  // Visuals.
  for (const e of elements) {
    const v = visuals.get(e.ElementId ?? '');
    const ex = MARGIN + (e.ColumnIndex ?? 0) * COL + GAP / 2;
    const ey = y + (e.RowIndex ?? 0) * ROW + GAP / 2;
    const w = e.ColumnSpan! * COL - GAP;
    const h = e.RowSpan! * ROW - GAP;
    parts.push(`<rect x="${ex}" y="${ey}" width="${w}" height="${h}" rx="6" fill="#ffffff" stroke="#b8c4d2"/>`);
    if (!v) {
      parts.push(`<text x="${ex + 10}" y="${ey + 20}" font-size="12" fill="#c0392b">missing visual ${escape(e.ElementId ?? '')}</text>`);
      continue;
    }
    const text = inner(v);
    const innerWidth = w - 20;
    let ty = ey + 20;
    for (const line of wrap(text.Title?.FormatText?.PlainText ?? visualId(v), innerWidth - 40, 2, 13)) {
      parts.push(`<text x="${ex + 10}" y="${ty}" font-size="13" font-weight="600" fill="#1f2d3d">${escape(line)}</text>`);
      ty += 16;
    }
    parts.push(glyph(v, ex + w - (v.KPIVisual ? 58 : 44), ey + 8));
    parts.push(`<text x="${ex + 10}" y="${ty + 2}" font-size="11" fill="#5b7ba6">${escape(fit(visualKind(v), innerWidth, 11))}</text>`);
    ty += 18;
    const room = Math.max(0, Math.floor((ey + h - ty - 4) / 14));
    for (const line of wrap(visualFields(v).join(' · '), innerWidth, Math.min(room, 3), 11)) {
      parts.push(`<text x="${ex + 10}" y="${ty}" font-size="11" fill="#52606d">${escape(line)}</text>`);
      ty += 14;
    }
    parts.push(sketch(v, ex + 10, ty + 4, innerWidth, ey + h - ty - 14));
  }
  const height = y + rows * ROW + MARGIN;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#f7f9fc"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
