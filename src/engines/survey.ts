/**
 * Before the report's query: which files the engine can read, and what they hold.
 *
 * The files are read once, strictly, and their records kept in a table in the engine's memory,
 * or in one Parquet file in its scratch folder when they would not fit (loadSql, scratchFor), from
 * which come both the per-file counts (lines, access-log records, first and last request time) and
 * the report. When that read fails (a truncated gzip, a line that is not JSON), each file is tried
 * on its own (a few columns): a file that fails strictly is read leniently (the engine skips what it
 * cannot parse), a file that cannot be read at all is left out, and the records are loaded again
 * from that plan. Whatever is left out is
 * named with its reason, so one damaged file no longer fails a folder, and `--strict` can still
 * make any skip a failure.
 */
import { CancelledError, UserError } from '../errors.js';
import type { SqlEngine } from './engine.js';
import type { ReportSource } from '../core/questions/compile.js';
import { rmSync } from 'node:fs';
import { allFiles, loadSql, loadedSource, loadedSurveySql, manyValuesSql, readOrder, scratchFor, surveySql, type Kept, type LocalFiles, type ReadPlan, type Scratch, type Skip } from './local-files.js';

export interface Survey {
  /** The files read, with the ones that needed lenient reading. */
  plan: ReadPlan;
  /** The report's source: the access-log records loaded (a table, or the scratch file with its columns of many values: manyValuesSql). */
  source: ReportSource;
  skips: Skip[];
  /** Access-log records in the files, and the first and last request time among them (epoch ms). */
  records: number;
  firstMs: number | null;
  lastMs: number | null;
}

const NOT_LOGS = 'neither gzip, JSON lines nor Parquet';

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The engine's message without its class prefix and the file name we print anyway. */
export function readError(e: unknown): string {
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  return first
    .replace(/^[A-Za-z ]*Error: /, '')
    .replace(/ in file "[^"]*",?/, '')
    .replace(/\.\s*$/, '')
    .trim();
}

function rethrowInterrupt(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  // Ctrl+C interrupts the engine (the command's withEngine); that is a cancel, not a damaged file.
  if (/interrupt/i.test(message)) throw new CancelledError('Stopped reading the logs.');
}

async function tryRead(engine: SqlEngine, plan: ReadPlan): Promise<{ rows: unknown[][] } | { error: string }> {
  try {
    return { rows: await engine.all(surveySql(plan)) };
  } catch (e) {
    rethrowInterrupt(e);
    return { error: readError(e) };
  }
}

type Format = 'gzip' | 'plain' | 'parquet';

const one = (file: string, format: Format, lenient = false): ReadPlan => ({
  gzip: format === 'gzip' ? [file] : [],
  plain: format === 'plain' ? [file] : [],
  parquet: format === 'parquet' ? [file] : [],
  ...(lenient ? { lenient: new Set([file]) } : {}),
});

/** Each file on its own: strict, else lenient (with the strict error as the reason), else left out. */
async function perFile(engine: SqlEngine, files: LocalFiles): Promise<{ plan: ReadPlan; damaged: Map<string, string>; unreadable: Skip[] }> {
  const plan: ReadPlan = { gzip: [], plain: [], parquet: [], lenient: new Set() };
  const damaged = new Map<string, string>();
  const unreadable: Skip[] = [];
  const listed: Array<readonly [string, Format]> = [
    ...files.gzip.map((f) => [f, 'gzip'] as const),
    ...files.plain.map((f) => [f, 'plain'] as const),
    ...files.parquet.map((f) => [f, 'parquet'] as const),
  ];
  for (const [file, format] of listed) {
    const strict = await tryRead(engine, one(file, format));
    if ('error' in strict) {
      // Parquet has no lenient read: a damaged file is left out whole.
      const got = format === 'parquet' ? strict : await tryRead(engine, one(file, format, true));
      if ('error' in got) {
        unreadable.push({ file, reason: `unreadable: ${strict.error}` });
        continue;
      }
      damaged.set(file, strict.error);
      (plan.lenient as Set<string>).add(file);
    }
    (plan[format] as string[]).push(file);
  }
  return { plan, damaged, unreadable };
}

/**
 * Keeps the records of `plan` in `scratch` (a failed attempt's file is removed; a failed attempt
 * leaves no table); null, or the engine's error reading the files. An error writing (a full disk, a
 * temp folder that cannot be written) is the machine's, not the logs': it is thrown as such,
 * naming the folder.
 */
async function load(engine: SqlEngine, plan: ReadPlan, kept: Kept, scratch: Scratch): Promise<string | null> {
  try {
    await engine.all(loadSql(scratch, plan, kept));
    return null;
  } catch (e) {
    if (scratch.kind === 'file') rmSync(scratch.path, { recursive: true, force: true });
    rethrowInterrupt(e);
    const message = e instanceof Error ? e.message : String(e);
    if ((scratch.kind === 'file' && message.includes(scratch.path)) || /no space left/i.test(message)) {
      throw new UserError('ScratchUnwritable', `Could not write the records read to ${engine.scratch}: ${readError(e)}`, {
        resolution: 'The report writes the fields it reads to the temp folder, about 35 bytes a record, removed when it ends. Free space there, or point TMPDIR at a folder with room.',
      });
    }
    return readError(e);
  }
}

export interface SurveyOptions {
  /** The largest estimated table of records kept in memory (scratchFor); IN_MEMORY_BYTES unless given. */
  inMemoryBytes?: number;
}

/** `kept`: the record fields the report reads (all when absent; see fieldsKept). */
export async function surveyLogs(engine: SqlEngine, files: LocalFiles, kept: Kept = {}, options: SurveyOptions = {}): Promise<Survey> {
  const skips: Skip[] = files.skipped.map((file) => ({ file, reason: NOT_LOGS }));
  let plan: ReadPlan = { gzip: files.gzip, plain: files.plain, parquet: files.parquet };
  let damaged = new Map<string, string>();
  const scratch = (name: string) => scratchFor(files, engine.scratch, name, options.inMemoryBytes);
  let target = scratch('records');
  if ((await load(engine, plan, kept, target)) !== null) {
    const split = await perFile(engine, files);
    ({ plan, damaged } = split);
    skips.push(...split.unreadable);
    target = scratch('records-readable');
    if (allFiles(plan).length > 0) {
      const error = await load(engine, plan, kept, target);
      if (error !== null) throw new UserError('UnreadableLogs', `Could not read the access logs: ${error}`, { resolution: 'Every line must be one JSON object (gzip or plain).' });
    }
  }
  const read = allFiles(plan).length > 0;
  const rows = read ? await engine.all(loadedSurveySql(target)) : [];
  const manyValues = new Set(read && target.kind === 'file' ? (await engine.all(manyValuesSql(target))).map((r) => String(r[0])) : []);
  const order = readOrder(plan);
  let records = 0;
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  const seen = new Set<string>();
  for (const [number, lines, recs, first, last] of rows as Array<[unknown, unknown, unknown, unknown, unknown]>) {
    const file = order[Number(number)];
    if (file === undefined) throw new Error(`The loaded records name file number ${String(number)}, but ${order.length} file(s) were read.`);
    seen.add(file);
    const n = num(lines) ?? 0;
    const r = num(recs) ?? 0;
    records += r;
    const f = num(first);
    const l = num(last);
    if (f !== null) firstMs = firstMs === null ? f : Math.min(firstMs, f);
    if (l !== null) lastMs = lastMs === null ? l : Math.max(lastMs, l);
    const other = n - r;
    const damage = damaged.get(file);
    if (damage !== undefined) {
      skips.push({ file, reason: `damaged (${damage}): read ${r} record(s), skipped what could not be parsed`, ...(other > 0 ? { lines: other } : {}) });
    } else if (r === 0) {
      skips.push({ file, reason: 'no access-log records (JSON lines without a requestId)', lines: n });
    } else if (other > 0) {
      skips.push({ file, reason: `${other} line(s) that are not access-log records (no requestId)`, lines: other });
    }
  }
  // A damaged file that gave no line at all still says why.
  for (const [file, damage] of damaged) if (!seen.has(file)) skips.push({ file, reason: `damaged (${damage}): no record could be read` });
  // In file-name order: the engine's threads finish files in any order, the user reads a fixed list.
  skips.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { plan, source: loadedSource(target, kept, manyValues), skips, records, firstMs, lastMs };
}
