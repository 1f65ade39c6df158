/**
 * `--local PATH`: the access-log files to read, and the DuckDB source that reads them.
 *
 * A file is gzip when it starts with gzip's magic bytes (Firehose names its objects without an
 * extension), Parquet when it starts with `PAR1` (the layout Firehose writes since issue 16: the
 * Glue table's lowercase columns, typed), else it must be JSON lines. In a folder, every such
 * file below it is read (found with many files looked at at once, not one after the other), except
 * hidden and `_`-prefixed entries and the folders our bucket keeps beside `logs/` (Firehose's
 * `errors/`, Athena's results), so a copy of the whole bucket works too.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { sqlString } from '../core/questions/dialect.js';
import { columnsOf, testedForNullOnly, type ReportSource } from '../core/questions/compile.js';
import { RECORD_FIELDS, type LogField } from '../core/log-format.js';
import { BUCKET_PREFIXES } from '../core/outputs.js';
import type { SkippedInput } from '../core/questions/model.js';

export interface LocalFiles {
  gzip: string[];
  plain: string[];
  /** Parquet objects of the columnar layout. */
  parquet: string[];
  /** The files' bytes, by format (in all: totalBytes; the load's estimate of the records' size: tableBytes). */
  bytesOf: Record<FileFormat, number>;
  /** Files seen but not read (not gzip, not JSON lines). */
  skipped: string[];
}

/** The formats a log file can be in. */
export type FileFormat = 'gzip' | 'plain' | 'parquet';

/** A file, or lines of one, left out of the report, and why. */
export type Skip = SkippedInput;

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

/** The bytes of every file found, whatever its format. */
export function totalBytes(files: Pick<LocalFiles, 'bytesOf'>): number {
  return files.bytesOf.gzip + files.bytesOf.plain + files.bytesOf.parquet;
}

/** Files of a plan or a listing, every format. */
export function allFiles(files: { gzip: readonly string[]; plain: readonly string[]; parquet?: readonly string[] }): string[] {
  return [...files.gzip, ...files.plain, ...(files.parquet ?? [])];
}

/**
 * A file's size and what its first bytes say it is. Synchronous on purpose: discovery looks at
 * every file before anything else runs, and three system calls in a row on one descriptor cost
 * about 10 µs, where the same calls through the event loop's thread pool cost about 100 µs a file
 * however many run at once (1,464 objects, a day at one per minute: 15 ms against 120 ms).
 */
function look(path: string): { size: number; kind: 'gzip' | 'json' | 'parquet' | 'other' | 'empty' } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(512);
    const bytesRead = readSync(fd, buf, 0, buf.length, 0);
    if (bytesRead === 0) return { size, kind: 'empty' };
    if (bytesRead >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return { size, kind: 'gzip' };
    if (bytesRead >= 4 && buf.subarray(0, 4).toString('latin1') === 'PAR1') return { size, kind: 'parquet' };
    const text = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (text === '') return { size, kind: 'empty' };
    return { size, kind: text.startsWith('{') ? 'json' : 'other' };
  } finally {
    closeSync(fd);
  }
}

/** The log files under every path (each a file or a folder), in order, each file once. */
export async function findLogFiles(paths: string | readonly string[]): Promise<LocalFiles> {
  const list = typeof paths === 'string' ? [paths] : paths;
  const out: LocalFiles = { gzip: [], plain: [], parquet: [], bytesOf: { gzip: 0, plain: 0, parquet: 0 }, skipped: [] };
  const seen = new Set<string>();
  for (const path of list) await addPath(path, out, seen);
  if (allFiles(out).length === 0) {
    const named = list.join(' ');
    throw new UserError('NoLogFiles', `No access-log files under ${named}.`, {
      resolution: 'Pass a folder holding gzip or plain JSON lines or Parquet (for example a copy of the bucket\'s logs/ prefix), or a single file.',
      ...(out.skipped.length ? { details: [`${out.skipped.length} other file(s) were skipped (neither gzip, JSON lines nor Parquet), e.g. ${out.skipped[0]}`] } : {}),
    });
  }
  return out;
}

async function addPath(path: string, out: LocalFiles, seen: Set<string>): Promise<void> {
  const root = resolve(path);
  let info;
  try {
    info = await stat(root);
  } catch (e) {
    throw new UserError('LocalPathNotFound', `--local ${path}: no such file or folder.`, {
      resolution: 'Pass a file or folder of access logs (gzip or plain JSON lines), for example --local assets/sample.',
      cause: e,
    });
  }
  const files = info.isFile() ? [root] : info.isDirectory() ? await listFiles(root) : [];
  // A week of 60-second objects is about 10,000 files: each is looked at (size and first bytes)
  // synchronously (look), in path order.
  for (const file of files) {
    const { size, kind } = look(file);
    if (seen.has(file)) continue;
    seen.add(file);
    // DuckDB reads each path as a glob pattern: a name with * ? [ ] would read other files, or none.
    if ((kind === 'gzip' || kind === 'json' || kind === 'parquet') && /[*?[\]]/.test(file)) {
      throw new UserError('UnsupportedFileName', `Cannot read ${file}: its path has a character the engine reads as a wildcard (* ? [ ]).`, {
        resolution: 'Rename the file or folder, or move the logs to a path without those characters.',
      });
    }
    if (kind === 'empty') continue;
    if (kind === 'other') {
      out.skipped.push(file);
      continue;
    }
    const format: FileFormat = kind === 'json' ? 'plain' : kind;
    out[format].push(file);
    out.bytesOf[format] += size;
  }
}

/** Every file below `dir` in path order, each folder's subfolders listed at the same time. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const parts = await Promise.all(
    entries
      .filter((e) => !e.name.startsWith('.') && !e.name.startsWith('_'))
      .map(async (e): Promise<string[]> => {
        const p = join(dir, e.name);
        if (e.isDirectory()) return SKIPPED_FOLDERS.has(e.name) ? [] : listFiles(p);
        return e.isFile() ? [p] : [];
      }),
  );
  return parts.flat();
}

/** `fn` over `items` with at most `limit` running at once; results in the items' order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const SQL_TYPE: Record<LogField['type'], string> = { string: 'VARCHAR', int: 'INTEGER', bigint: 'BIGINT' };

/**
 * `$context.requestTime` as API Gateway writes it (CLF, `06/Jan/2025:22:00:41 +0000`), for logs in
 * AWS's documented JSON example format, which has no requestTimeEpoch:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-access-logging.html
 */
const CLF_TIME = '%d/%b/%Y:%H:%M:%S %z';
const TIME_SQL = `COALESCE(TRY_CAST("requestTimeEpoch" AS BIGINT), epoch_ms(try_strptime(NULLIF("requestTime", '-'), '${CLF_TIME}')))`;

/**
 * A line is an access-log record when it has a request id: API Gateway requires every access-log
 * format to include `$context.requestId` or `$context.extendedRequestId` (same page). Other JSON
 * (`{"foo":1}`) is not counted as a request.
 */
const ACCESS_SQL = `(NULLIF("requestId", '-') IS NOT NULL OR NULLIF("extendedRequestId", '-') IS NOT NULL)`;

/** Keys of AWS's documented JSON example that name one of our fields differently. */
const ALIASES: Readonly<Record<string, string>> = { identityCaller: 'caller', identityUser: 'user' };

/** Files read leniently (lines that are not JSON skipped): those that failed a strict read. */
export interface ReadPlan {
  gzip: string[];
  plain: string[];
  /** Parquet files (always read strictly: a damaged one fails on its own in the per-file pass). */
  parquet?: string[];
  /** Of those, the files read with the engine's ignore_errors. */
  lenient?: ReadonlySet<string>;
}

function readJson(read: Read, columns: string, filename = false): string {
  return (
    `read_json([${read.list.map(sqlString).join(', ')}], format = 'newline_delimited', compression = '${read.compression}', columns = ${columns}, ` +
    `maximum_object_size = 1048576${read.lenient ? ', ignore_errors = true' : ''}${filename ? ', filename = true' : ''})`
  );
}

/** read_parquet of the columnar layout; files written at different times may differ in columns, so by name. */
function readParquet(read: Read, filename = false): string {
  return `read_parquet([${read.list.map(sqlString).join(', ')}], union_by_name = true${filename ? ', filename = true' : ''})`;
}

/** The Parquet files' select list: the Glue columns (lowercase, typed) under the record's keys. */
function parquetSelect(fields: readonly LogField[], kept: Kept = {}): string {
  return fields
    .filter((f) => !kept.keep || kept.keep.has(f.key))
    .map((f) => keptAs(f.key, `CAST("${f.key.toLowerCase()}" AS ${SQL_TYPE[f.type]})`, kept))
    .join(', ');
}

const PARQUET_ACCESS_SQL = '("requestid" IS NOT NULL OR "extendedrequestid" IS NOT NULL)';

/** One read of a statement: its files, and how they are read. */
interface Read {
  list: string[];
  compression: 'gzip' | 'uncompressed' | 'parquet';
  lenient: boolean;
  /** Where the read's files start in the order of every read (readOrder). */
  offset: number;
}

/** The reads of a plan, in the order a statement lists them: one read_parquet, then one read_json per compression and strictness. */
function readParts(files: ReadPlan): Read[] {
  const parts: Array<Omit<Read, 'offset'>> = [];
  if (files.parquet?.length) parts.push({ list: files.parquet, compression: 'parquet', lenient: false });
  for (const [list, compression] of [[files.gzip, 'gzip'], [files.plain, 'uncompressed']] as const) {
    const lenient = list.filter((f) => files.lenient?.has(f));
    const strict = list.filter((f) => !files.lenient?.has(f));
    if (strict.length) parts.push({ list: strict, compression, lenient: false });
    if (lenient.length) parts.push({ list: lenient, compression, lenient: true });
  }
  let offset = 0;
  return parts.map((p) => {
    const read = { ...p, offset };
    offset += p.list.length;
    return read;
  });
}

/** Every file of a plan, in the order of its reads: a loaded record's file number (FILE_COLUMN) is its index here. */
export function readOrder(files: ReadPlan): string[] {
  return readParts(files).flatMap((p) => p.list);
}

/** Each read of the plan as SQL: `json` builds a read_json's, `parquet` the read_parquet's. */
function reads(files: ReadPlan, json: (read: Read) => string, parquet: (read: Read) => string): string[] {
  return readParts(files).map((r) => (r.compression === 'parquet' ? parquet(r) : json(r)));
}

/**
 * The fields a load keeps: `keep` (every field when absent), of which those in `presence` are
 * kept as TRUE or null only (the statement only asks whether they are there).
 */
export interface Kept {
  keep?: ReadonlySet<string>;
  presence?: ReadonlySet<string>;
}

/** `typed` (a field's value), or TRUE/null when only its presence is kept: 1 byte instead of a string. */
function keptAs(key: string, typed: string, kept: Kept): string {
  return kept.presence?.has(key) ? `CASE WHEN ${typed} IS NOT NULL THEN TRUE END AS "${key}"` : `${typed} AS "${key}"`;
}

/** The columns read (every field), and the typed select list (only the kept fields, when given). */
function recordSelect(fields: readonly LogField[], kept: Kept = {}): { columns: string; select: string } {
  const keys = [...fields.map((f) => f.key), ...fields.flatMap((f) => (ALIASES[f.key] ? [ALIASES[f.key] as string] : []))];
  const columns = `{${keys.map((k) => `${sqlString(k)}: 'VARCHAR'`).join(', ')}}`;
  const select = fields
    .filter((f) => !kept.keep || kept.keep.has(f.key))
    .map((f) => {
      const alias = ALIASES[f.key];
      const v = alias ? `COALESCE(NULLIF("${f.key}", '-'), NULLIF("${alias}", '-'))` : `NULLIF("${f.key}", '-')`;
      if (f.key === 'requestTimeEpoch') return `${TIME_SQL} AS "${f.key}"`;
      // A number needs no NULLIF: TRY_CAST makes `-` (and anything else that is not one) null.
      const number = alias ? v : `"${f.key}"`;
      return keptAs(f.key, f.type === 'string' ? v : `TRY_CAST(${number} AS ${SQL_TYPE[f.type]})`, kept);
    })
    .join(', ');
  return { columns, select };
}

/**
 * Every column is read as text and then typed, so the reader accepts both the Lambda's output
 * (numbers as numbers, null for empty) and raw lines as API Gateway writes them (every value a
 * string, `-` for empty). A missing key reads as null; lines without a request id are left out.
 */
export function duckDbSource(files: ReadPlan, fields: readonly LogField[] = RECORD_FIELDS): ReportSource {
  const { columns, select } = recordSelect(fields);
  const parts = reads(
    files,
    (read) => `SELECT ${select} FROM ${readJson(read, columns)} WHERE ${ACCESS_SQL}`,
    (read) => `SELECT ${parquetSelect(fields)} FROM ${readParquet(read)} WHERE ${PARQUET_ACCESS_SQL}`,
  );
  return { from: `(\n${parts.join('\n  UNION ALL\n')}\n) AS logs`, where: [] };
}

/**
 * A line's file as its number in readOrder: the reader's file_index (the file's place in the read's
 * list) after the files of the reads before it. A small integer costs the load less than the path:
 * the Parquet writer hashes every value it stores as a dictionary, and a path is about 100 bytes a
 * line (1 million requests, 8 alternating loads: median CPU time 5.9 s against 6.3 s with the path).
 */
function fileNumber(read: Read): string {
  return `CAST(file_index + ${read.offset} AS INTEGER)`;
}

/** Columns the loaded records add to the record: its file (its number in readOrder), and whether it is an access-log record. */
export const FILE_COLUMN = '__file';
export const ACCESS_COLUMN = '__access';

/**
 * Where a load keeps the records it reads: a table in the engine's memory, or a Parquet file in
 * its scratch folder (scratchFor chooses).
 */
export type Scratch = { kind: 'table'; name: string } | { kind: 'file'; path: string };

/**
 * Bytes of a loaded in-memory table per byte of input, by format: the bench's sets (bench/report.bench.ts),
 * loaded with the default report's 26 fields and measured with duckdb_memory() (316 to 362 bytes a
 * record): a day of 1 million requests in 1,464 gzip objects (156 MiB) is a table of 421 MiB, the
 * 5 million with every IP and agent distinct 2.7 times their gzip bytes too, the Parquet layout
 * (snappy, typed) 6.6 times its bytes, plain JSON lines (12.3 times the size of their gzip) 0.22.
 */
const TABLE_BYTES_PER_INPUT_BYTE: Readonly<Record<FileFormat, number>> = { gzip: 2.7, plain: 0.22, parquet: 6.6 };

/** The size of the in-memory table of the records of `files`, estimated from their sizes. */
export function tableBytes(files: Pick<LocalFiles, 'bytesOf'>): number {
  return (Object.keys(TABLE_BYTES_PER_INPUT_BYTE) as FileFormat[]).reduce((n, f) => n + files.bytesOf[f] * TABLE_BYTES_PER_INPUT_BYTE[f], 0);
}

/**
 * The largest table kept in memory: 7/8 of the engine's memory limit (MEMORY_LIMIT, 512 MB), the
 * rest for the questions' hash tables. Beyond it the engine would write the table's blocks to its
 * temp folder and read them back for each question, and the Parquet file, written once and read a
 * column at a time, is cheaper. Measured: 1 million requests (an estimated 421 MiB) through the
 * table 1.49x and 1.44x the scan floor, through the file 1.63x and 1.57x (`REPORT_BENCH_SETS=1M
 * REPORT_BENCH_RUNS=5 npm run bench -- report`, the two alternated, twice each); 5 million (2.1 GiB),
 * load and questions alternated in one process, through the table 1.73x to 1.79x the floor's read
 * (it spilled), through the file 1.25x to 1.39x. A wrong estimate costs time, never an answer, and
 * memory stays within the limit: a table that outgrows it is spilled to the temp folder.
 */
export const IN_MEMORY_BYTES = 448 * 1024 ** 2;

/** The table `name` when the records of `files` fit in memory (tableBytes ≤ inMemoryBytes), else the file `name`.parquet in `dir`. */
export function scratchFor(files: Pick<LocalFiles, 'bytesOf'>, dir: string, name: string, inMemoryBytes: number = IN_MEMORY_BYTES): Scratch {
  return tableBytes(files) <= inMemoryBytes ? { kind: 'table', name: name.replace(/\W/g, '_') } : { kind: 'file', path: join(dir, `${name}.parquet`) };
}

/**
 * Reads the files once and keeps their records in `scratch`: every line (typed as in
 * duckDbSource) with its file and whether it is an access-log record, so the counts of what was
 * skipped and the report itself come from one parse of the JSON. `kept`: the fields the report's
 * statement uses (the others are not kept), and those it only tests for null (kept as TRUE or null).
 *
 * In memory, a table (no compression: the engine compresses an in-memory table only at a
 * CHECKPOINT, which copies every row a second time). Too large for memory (scratchFor), one
 * Parquet file: the engine streams the rows through its writer on every core, holding a row group
 * at a time, so memory stays flat however many records there are, and each question then reads only
 * its columns; its pages uncompressed, as the file lives for one command and snappy would cost CPU
 * to save disk the command gives back when it ends. The table costs less to write (no dictionaries,
 * statistics or pages: 1 million requests, CPU 7.1 s against 7.6 s for the whole report).
 *
 * The file is written in Parquet's version 2 encodings (PARQUET_VERSION V2: DELTA_BINARY_PACKED for
 * the request times, DELTA_LENGTH_BYTE_ARRAY for text past the dictionary limit; DuckDB leaves them
 * off by default only because some other readers cannot read them, https://duckdb.org/2025/01/22/parquet-encodings.html,
 * and only this engine reads this file). The bench's 5 million requests: the file 167 MiB against
 * 229 MiB, the load's CPU 34.0 to 37.0 s against 37.1 to 41.1 s (3 alternated loads, then every
 * question, answers identical; 3 more loads alone: 34.5 to 35.7 s against 38.3 to 38.5 s), the
 * questions unchanged; with every IP and agent distinct no change either way (34.8 to 37.8 s against
 * 33.3 to 35.6 s, within the noise).
 */
export function loadSql(scratch: Scratch, files: ReadPlan, kept: Kept = {}, fields: readonly LogField[] = RECORD_FIELDS): string {
  const { columns, select } = recordSelect(fields, kept);
  const parts = reads(
    files,
    (read) => `SELECT ${select}, ${fileNumber(read)} AS ${FILE_COLUMN}, ${ACCESS_SQL} AS ${ACCESS_COLUMN} FROM ${readJson(read, columns)}`,
    // Parquet reads only the columns named: the fields the statement uses, and the two it counts by.
    (read) => `SELECT ${parquetSelect(fields, kept)}, ${fileNumber(read)} AS ${FILE_COLUMN}, ${PARQUET_ACCESS_SQL} AS ${ACCESS_COLUMN} FROM ${readParquet(read)}`,
  );
  const query = `(\n${parts.join('\n  UNION ALL\n')}\n)`;
  return scratch.kind === 'table'
    ? `CREATE OR REPLACE TABLE ${loaded(scratch)} AS ${query}`
    : `COPY ${query} TO ${sqlString(scratch.path)} (FORMAT parquet, PARQUET_VERSION V2, COMPRESSION uncompressed, DICTIONARY_SIZE_LIMIT ${DICTIONARY_LIMIT})`;
}

/**
 * The most distinct values a column of the scratch file holds as a dictionary, per row group of
 * 122,880 rows (DuckDB's default is a fifth of the row group, 24,576). A column past it (the source
 * IPs of a busy day, every request's own user agent) is written without one either way (its text
 * length-prefixed: DELTA_LENGTH_BYTE_ARRAY, or PLAIN before the file's version 2), and the writer
 * spends less building a dictionary it then drops: the Parquet-file load of the bench's 5 million
 * took 9 % less CPU (36 s against 40 s, 3 alternated loads in one process), with every IP and agent
 * distinct 16 % less (35 s against 41 s, 4 loads); the questions after it took 4.9 s against 5.1 s,
 * and 11.6 s against 10.7 s with every value distinct, though the file's encodings are the same
 * there (parquet_metadata). The columns the questions group by (routes, stages, the agents of
 * ordinary traffic, status) keep their dictionaries; a column with 4,097 to 24,576 distinct values in
 * a row group is written without one, and a question grouping it hashes its text instead of its codes.
 */
const DICTIONARY_LIMIT = 4096;

/** The loaded records (loadSql's table or file) as a FROM item. */
export function loaded(scratch: Scratch): string {
  return scratch.kind === 'table' ? `"${scratch.name}"` : `read_parquet(${sqlString(scratch.path)})`;
}

/** Per file of the loaded records (by number, see readOrder): lines, access-log records, first and last request time. */
export function loadedSurveySql(scratch: Scratch): string {
  return (
    `SELECT ${FILE_COLUMN} AS file, count(*) AS lines, count(*) FILTER (WHERE ${ACCESS_COLUMN}) AS records, ` +
    `min("requestTimeEpoch") FILTER (WHERE ${ACCESS_COLUMN}) AS first_ms, max("requestTimeEpoch") FILTER (WHERE ${ACCESS_COLUMN}) AS last_ms FROM ${loaded(scratch)} GROUP BY 1 ORDER BY 1`
  );
}

/**
 * The text columns of a scratch file written without a dictionary in some row group: more than
 * DICTIONARY_LIMIT distinct values in its 122,880 rows (a column of nulls only is left out): its
 * chunks' encodings lack RLE_DICTIONARY (PLAIN_DICTIONARY in version 1). Read from the file's footer
 * (parquet_metadata), so it costs no pass over the records.
 */
export function manyValuesSql(scratch: Extract<Scratch, { kind: 'file' }>): string {
  return (
    `SELECT path_in_schema FROM parquet_metadata(${sqlString(scratch.path)}) ` +
    `WHERE type = 'BYTE_ARRAY' AND coalesce(stats_null_count, 0) < num_values GROUP BY 1 HAVING bool_or(NOT contains(encodings, 'DICTIONARY')) ORDER BY 1`
  );
}

/** The report's source over the loaded records (loaded as `kept` says): the access-log records only; `manyValues` as manyValuesSql found them. */
export function loadedSource(scratch: Scratch, kept: Kept = {}, manyValues: ReadonlySet<string> = new Set()): ReportSource {
  return {
    from: `(SELECT * EXCLUDE (${FILE_COLUMN}, ${ACCESS_COLUMN}) FROM ${loaded(scratch)} WHERE ${ACCESS_COLUMN}) AS logs`,
    where: [],
    ...(kept.presence?.size ? { presenceOnly: kept.presence } : {}),
    ...(manyValues.size ? { manyValues } : {}),
  };
}

const SURVEY_COLUMNS = `{${['requestId', 'extendedRequestId', 'requestTime', 'requestTimeEpoch'].map((k) => `${sqlString(k)}: 'VARCHAR'`).join(', ')}}`;

/** Per file: lines read, access-log records among them, and the first and last request time (used to find damaged files one by one). */
export function surveySql(files: ReadPlan): string {
  const parts = reads(
    files,
    (read) => `SELECT filename, ${ACCESS_SQL} AS access, ${TIME_SQL} AS t FROM ${readJson(read, SURVEY_COLUMNS, true)}`,
    (read) => `SELECT filename, ${PARQUET_ACCESS_SQL} AS access, CAST("requesttimeepoch" AS BIGINT) AS t FROM ${readParquet(read, true)}`,
  );
  return `SELECT filename, count(*) AS lines, count(*) FILTER (WHERE access) AS records, min(t) FILTER (WHERE access) AS first_ms, max(t) FILTER (WHERE access) AS last_ms\nFROM (${parts.join('\n  UNION ALL\n')})\nGROUP BY filename`;
}

/** The JSON keys a load of the `keep` fields reads: theirs, their aliases, and the request id and time it types and filters by. */
function keysRead(fields: readonly LogField[], keep?: ReadonlySet<string>): string[] {
  const kept = fields.filter((f) => !keep || keep.has(f.key)).map((f) => f.key);
  const aliases = kept.flatMap((k) => (ALIASES[k] ? [ALIASES[k] as string] : []));
  return [...new Set([...kept, ...aliases, 'requestId', 'extendedRequestId', 'requestTime'])];
}

/**
 * The scan floor (bench/report.bench.ts): the loads' reads of the same files with the same reader
 * options, counting the lines and the non-null values of every column a load of `keep` reads,
 * instead of typing and storing them. No report over these files can take less.
 */
export function scanFloorSql(files: ReadPlan, keep?: ReadonlySet<string>, fields: readonly LogField[] = RECORD_FIELDS): string {
  const { columns } = recordSelect(fields);
  const counted = (names: readonly string[]) => names.map((k) => `count("${k}")`).join(' + ');
  const parquetNames = fields.filter((f) => !keep || keep.has(f.key)).map((f) => f.key.toLowerCase());
  const parts = reads(
    files,
    (read) => `SELECT count(*) AS lines, ${counted(keysRead(fields, keep))} AS vals FROM ${readJson(read, columns)}`,
    (read) => `SELECT count(*) AS lines, ${counted([...parquetNames, 'requestid', 'extendedrequestid'])} AS vals FROM ${readParquet(read)}`,
  );
  return `SELECT sum(lines) AS lines, sum(vals) AS vals FROM (\n${parts.join('\n  UNION ALL\n')}\n)`;
}

/**
 * The record fields a statement names (only those are loaded), and among them those it names only
 * to test for null (`x IS NULL`, `x IS NOT NULL`): the Cognito, IAM and authorizer ids that tell the
 * authentication method apart are long strings no answer shows.
 */
export function fieldsKept(sql: string, fields: readonly LogField[] = RECORD_FIELDS): Required<Kept> {
  const keep = new Set(columnsOf(sql, fields.map((f) => f.key)));
  const presence = new Set([...keep].filter((k) => testedForNullOnly(sql, k)));
  return { keep, presence };
}
