/**
 * The sheet pictures in docs/dashboard/: drawn from the definition, and kept current.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDashboard } from '../../src/template/quicksight/definition/dashboard.js';
import { renderSheetSvg, sheetControls, visualFields, visualKind } from '../../src/template/quicksight/render-svg.js';
import { renderReadsMarkdown, visualReads } from '../../src/template/quicksight/reads.js';
import { visualIdOf } from './walker.js';

const { definition, sheets } = buildDashboard();
const committed = (id: string) => readFileSync(new URL(`../../docs/dashboard/${id}.svg`, import.meta.url), 'utf8');
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('docs/dashboard/reads.md', () => {
  it('is what the definition reads, visual by visual', () => {
    const text = readFileSync(new URL('../../docs/dashboard/reads.md', import.meta.url), 'utf8');
    expect(text === renderReadsMarkdown(visualReads()), 'docs/dashboard/reads.md is stale: npm run docs:dashboard').toBe(true);
  });
});

describe('docs/dashboard/*.svg', () => {
  it('are what the definition draws (run `npm run docs:dashboard` after changing the dashboard)', () => {
    for (const s of sheets) expect(committed(s.id) === renderSheetSvg(definition, s.id), `docs/dashboard/${s.id}.svg is stale`).toBe(true);
  });

  it('show every visual of the sheet, with its title and type, and every control', () => {
    for (const s of sheets) {
      const svg = renderSheetSvg(definition, s.id);
      const sheet = definition.Sheets!.find((x) => x.SheetId === s.id)!;
      // One box per layout element (plus the background).
      expect((svg.match(/<rect [^>]*rx="6"/g) ?? []).length, s.id).toBe(s.visualIds.length);
      for (const v of sheet.Visuals ?? []) {
        const title = (Object.values(v)[0] as { Title: { FormatText: { PlainText: string } } }).Title.FormatText.PlainText;
        const firstWord = xml(title.split(' ')[0]!);
        expect(svg, `${visualIdOf(v)} title`).toContain(`>${firstWord}`);
        expect(svg, `${visualIdOf(v)} kind`).toContain(xml(visualKind(v)));
      }
      for (const c of sheetControls(sheet, definition.FilterGroups ?? [])) expect(svg).toContain(xml(c.title));
      expect(svg).not.toContain('missing visual');
    }
  });

  it('draws a layout element without its visual in red, so a broken layout shows', () => {
    const d = structuredClone(definition);
    d.Sheets![0]!.Layouts![0]!.Configuration!.GridLayout!.Elements![0]!.ElementId = 'gone';
    expect(renderSheetSvg(d, sheets[0]!.id)).toContain('missing visual gone');
  });

  it('names the visual types and the fields they use', () => {
    const kinds = new Set(definition.Sheets!.flatMap((s) => (s.Visuals ?? []).map(visualKind)));
    expect([...kinds].sort()).toEqual(['Bar chart (horizontal)', 'Bar chart (vertical, stacked)', 'Donut chart', 'KPI', 'Line chart', 'Table', 'Table (one row per request)']);
    const latency = definition.Sheets!.find((s) => s.SheetId === 'latency')!.Visuals!.find((v) => visualIdOf(v) === 'latency-response-over-time')!;
    expect(visualFields(latency)).toEqual(['requestdatetime by hour', 'responselatency_p50', 'responselatency_p90', 'responselatency_p99']);
  });
});
