/**
 * Text for terminals, as pure functions: aligned tables without borders (so they copy and grep
 * cleanly), fitted to a width, and the escaping of values that whoever calls an API controls.
 * `src/ui/table.ts` re-exports these for the commands; the report's text renderer (core) uses them
 * directly.
 */
import stripAnsi from 'strip-ansi';

/**
 * C0 controls (newline and tab included), DEL, C1 controls, and the characters that reorder text
 * (the bidirectional embeddings, overrides and isolates, the marks, and the line and paragraph
 * separators). Printed raw, `ESC]0;…BEL` sets the window title, `ESC]52;…` writes the clipboard,
 * `ESC[2J` clears the screen, a newline forges a row, and U+202E makes text read backwards.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** A value from logs made safe for a terminal: each unsafe character becomes a visible escape (`\x1b`, `\u202e`). */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.codePointAt(0) as number;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export function visibleWidth(s: string): number {
  return [...stripAnsi(s)].length;
}

/** `s` cut to `width` characters, the last one an ellipsis when anything was cut. */
export function truncate(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  if (width <= 0) return '';
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Words of `text` in lines of at most `width` characters (a longer word is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    const w = truncate(word, width);
    if (line === '') line = w;
    else if (visibleWidth(line) + 1 + visibleWidth(w) <= width) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  lines.push(line);
  return lines;
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

export interface FitColumn {
  header: string;
  /** Numbers are right-aligned and never cut; text is cut with an ellipsis to fit. */
  numeric: boolean;
}

export interface FittedTable {
  headers: string[];
  rows: string[][];
  numeric: boolean[];
  /** Headers of the columns left out because even cut text would not fit. */
  dropped: string[];
}

/** Text columns are not cut below this many characters; columns are dropped instead. */
export const MIN_TEXT_WIDTH = 10;
const GAP = 2;

/** Widths that share `room` among text columns: each gets what it needs, the widest share the rest. */
function shareRoom(natural: number[], room: number): number[] {
  const out = natural.map(() => 0);
  let left = room;
  const order = natural.map((w, i) => ({ w, i })).sort((a, b) => a.w - b.w);
  order.forEach(({ w, i }, k) => {
    const fair = Math.floor(left / (order.length - k));
    out[i] = Math.min(w, fair);
    left -= out[i] as number;
  });
  return out;
}

/**
 * A table that fits `width` characters: text columns are cut (down to MIN_TEXT_WIDTH), then the
 * rightmost columns (the least useful: the report orders columns by importance) are dropped, the
 * first always kept. Cells come in plain (unstyled) and are padded here, numbers to the right.
 */
export function fitTable(columns: readonly FitColumn[], cells: readonly (readonly string[])[], width: number): FittedTable {
  const natural = columns.map((c, i) => Math.max(visibleWidth(c.header), ...cells.map((r) => visibleWidth(r[i] ?? ''))));
  const least = columns.map((c, i) => (c.numeric ? (natural[i] as number) : Math.min(natural[i] as number, MIN_TEXT_WIDTH)));
  const sum = (ids: number[], of: number[]) => ids.reduce((a, i) => a + (of[i] as number), 0) + GAP * Math.max(0, ids.length - 1);
  const keep = columns.map((_, i) => i);
  while (keep.length > 1 && sum(keep, least) > width) keep.pop();
  const widths = [...natural];
  if (sum(keep, natural) > width) {
    const text = keep.filter((i) => !columns[i]!.numeric);
    const fixed = keep.filter((i) => columns[i]!.numeric).reduce((a, i) => a + (natural[i] as number), 0) + GAP * (keep.length - 1);
    const shared = shareRoom(
      text.map((i) => natural[i] as number),
      Math.max(text.length, width - fixed),
    );
    text.forEach((i, k) => (widths[i] = Math.max(1, shared[k] as number)));
    // One numeric column wider than the whole width: cut it too rather than overflow.
    if (keep.length === 1) widths[keep[0]!] = Math.min(widths[keep[0]!] as number, width);
  }
  const place = (s: string, i: number) => {
    const w = widths[i] as number;
    const cut = truncate(s, w);
    const pad = ' '.repeat(Math.max(0, w - visibleWidth(cut)));
    return columns[i]!.numeric ? pad + cut : cut + pad;
  };
  return {
    headers: keep.map((i) => place(columns[i]!.header, i)),
    rows: cells.map((r) => keep.map((i) => place(r[i] ?? '', i))),
    numeric: keep.map((i) => columns[i]!.numeric),
    dropped: columns.filter((_, i) => !keep.includes(i)).map((c) => c.header),
  };
}
