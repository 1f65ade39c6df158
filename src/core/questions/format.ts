/** Value formatting shared by the terminal and HTML renderers (CSV and JSON keep raw values). */
import type { ColumnType } from './questions.js';
import type { Cell } from './results.js';
import { iso } from './window.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return integer.format(n);
}

export function formatMs(n: number): string {
  return `${n >= 100 ? integer.format(n) : oneDecimal.format(n)} ms`;
}

export function formatRatio(r: number): string {
  if (r > 0 && r < 0.001) return '<0.1%';
  return `${oneDecimal.format(r * 100)}%`;
}

/** `2026-11-20 13:00Z` (bucket starts), or a full ISO time when it has seconds. */
export function formatTime(ms: number): string {
  const s = iso(ms);
  return /T\d\d:\d\d:00Z$/.test(s) ? s.replace('T', ' ').replace(/:00Z$/, 'Z') : s;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v >= 100 ? integer.format(v) : oneDecimal.format(v)} ${units[u]}`;
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.0001) return '<$0.0001';
  return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

/** A cell for people; `none` stands for null. */
export function formatCell(value: Cell, type: ColumnType, none = '-'): string {
  if (value === null) return none;
  switch (type) {
    case 'count':
      return formatCount(value as number);
    case 'ms':
      return formatMs(value as number);
    case 'ratio':
      return formatRatio(value as number);
    case 'time':
      return formatTime(value as number);
    case 'code':
      return String(value);
    case 'text':
      return String(value);
  }
}

/** The class of a status code: 2xx, 4xx... */
export function statusClass(status: number): '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'other' {
  const c = Math.floor(status / 100);
  return c >= 1 && c <= 5 ? (`${c}xx` as '2xx') : 'other';
}
