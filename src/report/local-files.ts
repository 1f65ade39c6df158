/**
 * `--local PATH`: the access-log files to read, and the DuckDB source that reads them.
 *
 * A file is gzip when it starts with gzip's magic bytes (Firehose names its objects without an
 * extension), else it must be JSON lines. In a folder, every such file below it is read, except
 * hidden and `_`-prefixed entries and the folders our bucket keeps beside `logs/` (Firehose's
 * `errors/`, Athena's results), so a copy of the whole bucket works too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { sqlString } from '../core/report/dialect.js';
import type { ReportSource } from '../core/report/compile.js';
import { RECORD_FIELDS, type LogField } from '../core/log-format.js';
import { BUCKET_PREFIXES } from '../core/outputs.js';

export interface LocalFiles {
  gzip: string[];
  plain: string[];
  bytes: number;
  /** Files seen but not read (not gzip, not JSON lines), for -v. */
  skipped: string[];
}

/** The sample shipped in the package (package.json "files"): `--local assets/sample` works anywhere. */
export const SAMPLE_PATH = 'assets/sample';

/** This package's root: the nearest folder above this module whose package.json is ours. */
export function packageRoot(from: string = import.meta.url): string | null {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'apigw-log-analytics') return dir;
      } catch {
        // not ours: keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * The folder to read for `--local PATH`: PATH itself, or, when PATH is `assets/sample` and there is
 * no such folder here, the sample shipped with the package (so the README's first command works
 * from any folder, through npx).
 */
export function resolveLocalPath(path: string, cwd: string = process.cwd(), from?: string): { path: string; packagedSample: boolean } {
  if (existsSync(resolve(cwd, path))) return { path: resolve(cwd, path), packagedSample: false };
  const root = normalize(path).replace(/[\\/]+$/, '') === normalize(SAMPLE_PATH) ? packageRoot(from) : null;
  if (root && existsSync(join(root, SAMPLE_PATH))) return { path: join(root, SAMPLE_PATH), packagedSample: true };
  return { path: resolve(cwd, path), packagedSample: false };
}

const SKIPPED_FOLDERS = new Set([BUCKET_PREFIXES.errors, BUCKET_PREFIXES.athenaResults].map((p) => p.replace(/\/$/, '')));

async function sniff(path: string): Promise<'gzip' | 'json' | 'other' | 'empty'> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead === 0) return 'empty';
    if (bytesRead >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
    const text = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (text === '') return 'empty';
    return text.startsWith('{') ? 'json' : 'other';
  } finally {
    await fh.close();
  }
}

export async function findLogFiles(path: string): Promise<LocalFiles> {
  const root = resolve(path);
  const out: LocalFiles = { gzip: [], plain: [], bytes: 0, skipped: [] };
  let info;
  try {
    info = await stat(root);
  } catch (e) {
    throw new UserError('LocalPathNotFound', `--local ${path}: no such file or folder.`, {
      resolution: 'Pass a file or folder of access logs (gzip or plain JSON lines), for example --local assets/sample.',
      cause: e,
    });
  }
  const add = async (file: string, size: number, explicit: boolean) => {
    const kind = await sniff(file);
    // DuckDB reads each path as a glob pattern: a name with * ? [ ] would read other files, or none.
    if ((kind === 'gzip' || kind === 'json') && /[*?[\]]/.test(file)) {
      throw new UserError('UnsupportedFileName', `Cannot read ${file}: its path has a character the engine reads as a wildcard (* ? [ ]).`, {
        resolution: 'Rename the file or folder, or move the logs to a path without those characters.',
      });
    }
    if (kind === 'gzip') out.gzip.push(file);
    else if (kind === 'json') out.plain.push(file);
    else if (kind === 'empty') return;
    else if (explicit) {
      throw new UserError('NotAccessLogs', `--local ${path} is neither gzip nor JSON lines.`, {
        resolution: 'Pass access logs as Firehose delivers them (gzip JSON lines) or plain JSON lines, one object per line.',
      });
    } else {
      out.skipped.push(file);
      return;
    }
    out.bytes += size;
  };
  if (info.isFile()) {
    await add(root, info.size, true);
  } else if (info.isDirectory()) {
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (!SKIPPED_FOLDERS.has(e.name)) await walk(p);
        } else if (e.isFile()) {
          await add(p, (await stat(p)).size, false);
        }
      }
    };
    await walk(root);
  }
  if (out.gzip.length + out.plain.length === 0) {
    throw new UserError('NoLogFiles', `No access-log files under ${path}.`, {
      resolution: 'Pass a folder holding gzip or plain JSON lines (for example a copy of the bucket\'s logs/ prefix), or a single file.',
      ...(out.skipped.length ? { details: [`${out.skipped.length} other file(s) were skipped, e.g. ${out.skipped[0]}`] } : {}),
    });
  }
  return out;
}

const SQL_TYPE: Record<LogField['type'], string> = { string: 'VARCHAR', int: 'INTEGER', bigint: 'BIGINT' };

/**
 * Every column is read as text and then typed, so the reader accepts both the Lambda's output
 * (numbers as numbers, null for empty) and raw lines as API Gateway writes them (every value a
 * string, `-` for empty). A missing key reads as null.
 */
export function duckDbSource(files: Pick<LocalFiles, 'gzip' | 'plain'>, fields: readonly LogField[] = RECORD_FIELDS): ReportSource {
  const columns = `{${fields.map((f) => `${sqlString(f.key)}: 'VARCHAR'`).join(', ')}}`;
  const select = fields
    .map((f) => {
      const v = `NULLIF("${f.key}", '-')`;
      return f.type === 'string' ? `${v} AS "${f.key}"` : `TRY_CAST(${v} AS ${SQL_TYPE[f.type]}) AS "${f.key}"`;
    })
    .join(', ');
  const read = (list: string[], compression: string) =>
    `SELECT ${select} FROM read_json([${list.map(sqlString).join(', ')}], format = 'newline_delimited', compression = '${compression}', columns = ${columns}, maximum_object_size = 1048576)`;
  const parts: string[] = [];
  if (files.gzip.length) parts.push(read(files.gzip, 'gzip'));
  if (files.plain.length) parts.push(read(files.plain, 'uncompressed'));
  return { from: `(\n${parts.join('\n  UNION ALL\n')}\n) AS logs`, where: [] };
}
