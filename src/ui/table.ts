/** Plain aligned tables for terminals: no borders, so they copy and grep cleanly. */
import stripAnsi from 'strip-ansi';

export function visibleWidth(s: string): number {
  return [...stripAnsi(s)].length;
}

export function renderTable(headers: string[], rows: string[][], style?: { head: (s: string) => string }): string {
  const widths = headers.map((h, i) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const pad = (cell: string, i: number) => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleWidth(cell)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, i)))
      .join('  ')
      .trimEnd();
  const head = line(headers.map((h, i) => pad(h, i)));
  return [style ? style.head(head) : head, ...rows.map(line)].join('\n');
}
