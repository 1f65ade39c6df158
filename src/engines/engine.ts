/**
 * The embedded query engine of `report --local` and `--from-bucket`: DuckDB, through its Node API.
 *
 * It is not a dependency of the published package. Its native library is about 24 MB to download
 * (70 MB on disk) per platform, and most users run `npx apigw-log-analytics` for `init` and
 * `status`; they should not pay for it. So the engine is found, in order:
 *   1. where Node resolves `@duckdb/node-api` from this package (a development checkout, or a
 *      project that installed it next to ours), when it is of the pinned DuckDB line (DUCKDB_LINE);
 *   2. in our cache directory, where an earlier run installed it;
 *   3. otherwise it is installed there now, once, with the npm that runs us, after the user agrees
 *      (a prompt, or `--yes`). The version is pinned to the one our tests run.
 * It is loaded through a computed path, so the bundler leaves it out of dist/.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type * as DuckDb from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { UserError } from '../errors.js';
import type { Env } from '../ui/env.js';
import type { Prompter } from '../ui/prompts.js';

export const DUCKDB_PACKAGE = '@duckdb/node-api';
/** Pinned: the version in package.json's devDependencies, which the tests run (a test checks they agree). */
export const DUCKDB_VERSION = '1.5.6-r.1';
/** What the install costs, for the consent prompt (npm tarball of the Linux x64 binding: 23.9 MB). */
export const DUCKDB_DOWNLOAD = 'about 24 MB to download, 70 MB on disk';

type DuckDbModule = typeof DuckDb;

/**
 * The DuckDB release line of the pinned package (1.5.6-r.1 carries DuckDB 1.5.6: line 1.5). The
 * statements rely on features of that line (the scratch file's Parquet version 2 encodings, from
 * DuckDB 1.2; the JSON reader's file_index column), so a package of another line found beside this
 * one is passed over for the pinned one.
 */
export const DUCKDB_LINE = lineOf(DUCKDB_VERSION) ?? DUCKDB_VERSION;

/** The release line (major.minor) of a package version, `1.5.6-r.1` → `1.5`, or null. */
function lineOf(version: string): string | null {
  const v = /^(\d+)\.(\d+)\./.exec(version);
  return v ? `${v[1]}.${v[2]}` : null;
}

/** An engine Node resolves from some base: its package's version, read without loading it, and how to load it. */
export interface FoundEngine {
  version: string;
  load: () => DuckDbModule;
}

/** The message of a statement refused after interrupt(), worded as DuckDB's own. */
export const INTERRUPTED = 'INTERRUPT Error: Interrupted!';

/** Runs SQL and returns positional rows (numbers, bigints, strings, nulls). */
export interface SqlEngine {
  readonly name: string;
  all(sql: string): Promise<unknown[][]>;
  /** Stops the running statement and refuses any after it (Ctrl+C). */
  interrupt(): void;
  /** A folder of the engine's own for files it writes (the loaded records), removed by close(). */
  readonly scratch: string;
  close(): void;
}

/** Our cache directory: APIGW_LOG_ANALYTICS_CACHE_DIR, else the platform's user cache folder. */
export function cacheRoot(env: Env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.APIGW_LOG_ANALYTICS_CACHE_DIR) return env.APIGW_LOG_ANALYTICS_CACHE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'apigw-log-analytics', 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'apigw-log-analytics');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'apigw-log-analytics');
}

export function engineDir(env: Env): string {
  return join(cacheRoot(env), 'duckdb', DUCKDB_VERSION);
}

/**
 * The engine Node resolves from `base`, or null. Its version comes from its package.json, not from
 * loading it: a native library loaded once stays in the process, and a second DuckDB of the same
 * library name would not load beside it.
 */
export function findDuckDb(base: string): FoundEngine | null {
  try {
    const req = createRequire(base);
    const path = req.resolve(DUCKDB_PACKAGE);
    // The package's own package.json: the nearest one above its entry file that names it.
    for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === DUCKDB_PACKAGE) return { version: String(pkg.version), load: () => req(path) as DuckDbModule };
    }
    return null;
  } catch {
    return null;
  }
}

/** The module from the first base it resolves from, or null (whatever its version: the tests and scripts' own). */
export function resolveDuckDb(bases: readonly string[]): DuckDbModule | null {
  for (const base of bases) {
    const found = findDuckDb(base);
    if (found) return found.load();
  }
  return null;
}

export interface EngineDeps {
  env: Env;
  interactive: boolean;
  prompter: Prompter;
  /** --yes: install without asking. */
  yes: boolean;
  info: (message: string) => void;
  /** Where this module is (resolution base 1); overridable for tests. */
  selfUrl?: string;
  /** Runs npm; overridable for tests. Resolves with the exit code and the tail of its output. */
  runNpm?: (args: string[], cwd: string) => Promise<{ code: number; output: string }>;
  /** Finds the engine from one base; overridable for tests. */
  find?: (base: string) => FoundEngine | null;
}

/** Finds the engine, installing it into the cache with consent when it is nowhere. */
export async function loadDuckDb(deps: EngineDeps): Promise<DuckDbModule> {
  const find = deps.find ?? findDuckDb;
  const dir = engineDir(deps.env);
  for (const base of [deps.selfUrl ?? import.meta.url, join(dir, 'package.json')]) {
    const found = find(base);
    if (!found) continue;
    if (lineOf(found.version) === DUCKDB_LINE) return found.load();
    // The version is whatever a package.json on disk says: shown only when it looks like one.
    const shown = /^[\w.+-]{1,64}$/.test(found.version) ? `@${found.version}` : ' of an unreadable version';
    deps.info(`Passing over ${DUCKDB_PACKAGE}${shown} (found from ${base}): the report needs DuckDB ${DUCKDB_LINE}.`);
  }

  const what = `the DuckDB engine (${DUCKDB_PACKAGE}@${DUCKDB_VERSION}, ${DUCKDB_DOWNLOAD})`;
  if (!deps.yes) {
    if (!deps.interactive) {
      throw new UserError('EngineNotInstalled', `Reading logs locally needs ${what}, installed once from the npm registry into ${dir}.`, {
        resolution: `Run again with --yes to install it, or install it yourself: npm install --prefix "${dir}" ${DUCKDB_PACKAGE}@${DUCKDB_VERSION}`,
      });
    }
    const ok = await deps.prompter.confirm({ message: `Reading logs locally needs ${what}. Install it into ${dir} now?`, default: true });
    if (!ok) {
      throw new UserError('EngineNotInstalled', 'The DuckDB engine was not installed, so local logs cannot be read.', {
        resolution: 'Run the report without --local/--from-bucket to query with Athena, or agree to the install (or pass --yes).',
      });
    }
  }
  await installDuckDb(dir, deps);
  const installed = find(join(dir, 'package.json'))?.load();
  if (!installed) {
    throw new UserError('EngineNotInstalled', `${DUCKDB_PACKAGE} was installed into ${dir} but cannot be loaded on this platform (${process.platform}-${process.arch}).`, {
      resolution: 'DuckDB ships for Linux (x64, arm64; glibc and musl), macOS and Windows (x64, arm64). Check the npm output above, or remove the folder and try again.',
    });
  }
  return installed;
}

/** The npm command line that installs the pinned engine into `dir`. */
export function npmInstallArgs(dir: string): string[] {
  // No install scripts: the bindings ship prebuilt (one optional package per platform) and need none.
  return ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--omit=dev', '--loglevel=error', `${DUCKDB_PACKAGE}@${DUCKDB_VERSION}`];
}

async function installDuckDb(dir: string, deps: EngineDeps): Promise<void> {
  const runNpm = deps.runNpm ?? defaultRunNpm(deps.env);
  // Installed beside the final folder, then renamed into place: a run stopped half-way never
  // leaves a folder that looks installed.
  const parent = join(dir, '..');
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.install-${DUCKDB_VERSION}-`));
  deps.info(`Installing ${DUCKDB_PACKAGE}@${DUCKDB_VERSION} into ${dir} (${DUCKDB_DOWNLOAD})…`);
  try {
    const { code, output } = await runNpm(npmInstallArgs(staging), staging);
    if (code !== 0) {
      throw new UserError('EngineInstallFailed', `npm could not install ${DUCKDB_PACKAGE}@${DUCKDB_VERSION} (exit code ${code}).`, {
        details: output.trim().split('\n').slice(-8),
        resolution: `Check your network and npm registry settings, then run again; or install it yourself: npm install --prefix "${dir}" ${DUCKDB_PACKAGE}@${DUCKDB_VERSION}`,
      });
    }
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * npm itself: the one running us under `npx` (npm_execpath), else `npm` on the PATH (through the
 * shell on Windows, where it is npm.cmd).
 */
function defaultRunNpm(env: Env): (args: string[], cwd: string) => Promise<{ code: number; output: string }> {
  return (args, cwd) =>
    new Promise((resolve, reject) => {
      const execPath = env.npm_execpath;
      const viaNode = execPath !== undefined && /\.c?js$/.test(execPath);
      const child = viaNode
        ? spawn(process.execPath, [execPath, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('npm', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
      let output = '';
      const keep = (b: Buffer) => {
        output = (output + b.toString('utf8')).slice(-8000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', (e) =>
        reject(
          new UserError('EngineInstallFailed', `Could not run npm to install ${DUCKDB_PACKAGE}: ${e.message}`, {
            resolution: `Install Node.js with npm, or install the engine yourself: npm install --prefix "<dir>" ${DUCKDB_PACKAGE}@${DUCKDB_VERSION}`,
            cause: e,
          }),
        ),
      );
      child.on('close', (code) => resolve({ code: code ?? 1, output }));
    });
}

export interface OpenOptions {
  /** Where DuckDB may spill when a query outgrows memory_limit; removed on close. */
  tempDir?: string;
  threads?: number;
  memoryLimit?: string;
}

/**
 * The engine's settings (the bench opens its scan floor with the same). memory_limit bounds
 * DuckDB's buffer manager (tables, hash tables, sorts, which spill to temp_directory beyond it);
 * Node, the JSON reader's buffers and the percentiles' values come on top, so it is half the 1 GB
 * the whole process is held to (bench/report.bench.ts: 5 million requests, each from its own IP).
 */
export const MEMORY_LIMIT = '512MB';

export function duckDbConfig(tempDir: string, options: Pick<OpenOptions, 'threads' | 'memoryLimit'> = {}): Record<string, string> {
  const config: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    temp_directory: tempDir,
    // Row order is never relied on: every answer is ordered by the statement itself.
    preserve_insertion_order: 'false',
    memory_limit: options.memoryLimit ?? MEMORY_LIMIT,
  };
  if (options.threads) config.threads = String(options.threads);
  return config;
}

/**
 * `size` connections, taken and given back: statements given at once run side by side (the
 * report's questions), which keeps both cores busy through the single-threaded end of each (a
 * sort, a percentile).
 */
async function connectionPool(instance: DuckDBInstance, size: number) {
  const all: DuckDBConnection[] = [];
  for (let i = 0; i < size; i++) all.push(await instance.connect());
  const idle = [...all];
  const waiting: Array<(c: DuckDBConnection) => void> = [];
  return {
    all,
    take: (): Promise<DuckDBConnection> => {
      const c = idle.pop();
      return c ? Promise.resolve(c) : new Promise((resolve) => waiting.push(resolve));
    },
    give: (c: DuckDBConnection): void => {
      const next = waiting.shift();
      if (next) next(c);
      else idle.push(c);
    },
  };
}

/**
 * An in-memory database that reads only the files the query names and writes only into its
 * scratch folder (a new folder under the temp folder, removed by close() or when the process
 * exits, a forced exit by a second Ctrl+C included): no
 * extension is installed or loaded from the network (JSON and Parquet support are built into the
 * bindings).
 */
export async function openDuckDb(mod: DuckDbModule, options: OpenOptions = {}): Promise<SqlEngine> {
  const temp = options.tempDir ?? mkdtempSync(join(tmpdir(), 'apigw-log-analytics-duckdb-'));
  const instance: DuckDBInstance = await mod.DuckDBInstance.create(':memory:', duckDbConfig(temp, options));
  const pool = await connectionPool(instance, 2);
  const scratch = mkdtempSync(join(temp, 'records-'));
  // A forced exit (a second Ctrl+C) skips close(): the files still go, with the process.
  const removeFiles = () => {
    rmSync(scratch, { recursive: true, force: true });
    if (!options.tempDir) rmSync(temp, { recursive: true, force: true });
  };
  process.on('exit', removeFiles);
  let interrupted = false;
  return {
    name: `DuckDB ${mod.version()}`,
    scratch,
    async all(sql) {
      const connection = await pool.take();
      try {
        // A report runs several statements: once interrupted, the ones after it are refused too.
        if (interrupted) throw new Error(INTERRUPTED);
        const reader = await connection.runAndReadAll(sql);
        return reader.getRowsJS() as unknown[][];
      } finally {
        pool.give(connection);
      }
    },
    interrupt: () => {
      interrupted = true;
      for (const c of pool.all) c.interrupt();
    },
    close() {
      for (const c of pool.all) c.closeSync();
      instance.closeSync();
      process.off('exit', removeFiles);
      removeFiles();
    },
  };
}
