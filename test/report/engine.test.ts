/**
 * Getting the local engine: found where Node resolves it, else installed once into the cache with
 * the user's consent (a prompt, or --yes), else a message naming --yes. npm is faked: these tests
 * check what would be run and what is left on disk, never download anything.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DUCKDB_PACKAGE, DUCKDB_VERSION, cacheRoot, engineDir, loadDuckDb, npmInstallArgs, resolveDuckDb, type EngineDeps } from '../../src/engines/engine.js';
import { isAppError } from '../../src/errors.js';
import { ScriptedPrompter } from '../helpers/context.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(overrides: Partial<EngineDeps> = {}) {
  const cache = mkdtempSync(join(tmpdir(), 'engine-test-'));
  dirs.push(cache);
  const npmCalls: Array<{ args: string[]; cwd: string }> = [];
  const infos: string[] = [];
  const fakeModule = { marker: 'duckdb' } as unknown as ReturnType<typeof resolveDuckDb>;
  const deps: EngineDeps = {
    env: { APIGW_LOG_ANALYTICS_CACHE_DIR: cache },
    interactive: false,
    prompter: new ScriptedPrompter(),
    yes: false,
    info: (m) => infos.push(m),
    // Found only once installed: a package.json that npm would have written into the install dir.
    resolve: (bases) => (bases.some((b) => existsSync(b) && readFileSync(b, 'utf8').includes('installed-by-fake-npm')) ? fakeModule : null),
    runNpm: (args, cwd) => {
      npmCalls.push({ args, cwd });
      writeFileSync(join(cwd, 'package.json'), '{"name":"installed-by-fake-npm"}');
      return Promise.resolve({ code: 0, output: 'added 3 packages' });
    },
    ...overrides,
  };
  return { cache, deps, npmCalls, infos, fakeModule };
}

describe('the local engine', () => {
  it('is the version the tests run: package.json pins it and node_modules has it', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string>; dependencies?: Record<string, string> };
    expect(pkg.devDependencies[DUCKDB_PACKAGE]).toBe(DUCKDB_VERSION);
    // Not a runtime dependency: npx users who never read local logs do not download it.
    expect(pkg.dependencies?.[DUCKDB_PACKAGE]).toBeUndefined();
    const installed = JSON.parse(readFileSync(new URL(`../../node_modules/${DUCKDB_PACKAGE}/package.json`, import.meta.url), 'utf8')) as { version: string };
    expect(installed.version).toBe(DUCKDB_VERSION);
    expect(resolveDuckDb([import.meta.url])?.DuckDBInstance).toBeTypeOf('function');
  });

  it('without it and without --yes, a non-interactive run says how to get it and installs nothing', async () => {
    const { deps, npmCalls, cache } = setup();
    const err = await loadDuckDb(deps).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('EngineNotInstalled');
    expect(isAppError(err) && err.message).toContain(`${DUCKDB_PACKAGE}@${DUCKDB_VERSION}, about 24 MB to download`);
    expect(isAppError(err) && err.resolution).toContain('Run again with --yes');
    expect(isAppError(err) && err.resolution).toContain(`npm install --prefix "${join(cache, 'duckdb', DUCKDB_VERSION)}" ${DUCKDB_PACKAGE}@${DUCKDB_VERSION}`);
    expect(npmCalls).toEqual([]);
  });

  it('with --yes, installs the pinned version once into the cache and loads it from there', async () => {
    const { deps, npmCalls, cache, fakeModule, infos } = setup({ yes: true });
    expect(await loadDuckDb(deps)).toBe(fakeModule);
    const dir = join(cache, 'duckdb', DUCKDB_VERSION);
    expect(npmCalls).toHaveLength(1);
    const call = npmCalls[0]!;
    expect(call.args).toEqual(npmInstallArgs(call.cwd));
    expect(call.args).toContain(`${DUCKDB_PACKAGE}@${DUCKDB_VERSION}`);
    expect(call.cwd.startsWith(join(cache, 'duckdb', `.install-${DUCKDB_VERSION}-`))).toBe(true);
    // Moved into place whole; the staging folder is gone.
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toContain('installed-by-fake-npm');
    expect(readdirSync(join(cache, 'duckdb'))).toEqual([DUCKDB_VERSION]);
    expect(infos.join('\n')).toContain(`Installing ${DUCKDB_PACKAGE}@${DUCKDB_VERSION} into ${dir}`);
    // The next run finds it without npm.
    expect(await loadDuckDb(deps)).toBe(fakeModule);
    expect(npmCalls).toHaveLength(1);
  });

  it('asks first when interactive, and a "no" installs nothing', async () => {
    const yes = setup({ interactive: true, prompter: new ScriptedPrompter([{ match: /Reading logs locally needs the DuckDB engine .* Install it into .* now\?/, answer: true }]) });
    expect(await loadDuckDb(yes.deps)).toBe(yes.fakeModule);
    expect(yes.npmCalls).toHaveLength(1);

    const no = setup({ interactive: true, prompter: new ScriptedPrompter([{ match: /Install it/, answer: false }]) });
    const err = await loadDuckDb(no.deps).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('EngineNotInstalled');
    expect(no.npmCalls).toEqual([]);
  });

  it('a failed npm install leaves no half-installed folder and shows npm\'s last lines', async () => {
    const { deps, cache } = setup({
      yes: true,
      runNpm: (_args, cwd) => {
        mkdirSync(join(cwd, 'node_modules'), { recursive: true });
        return Promise.resolve({ code: 1, output: 'npm error code E404\nnpm error 404 Not Found - GET https://registry.example/@duckdb%2fnode-api' });
      },
    });
    const err = await loadDuckDb(deps).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('EngineInstallFailed');
    expect(isAppError(err) && err.details).toContain('npm error code E404');
    expect(readdirSync(join(cache, 'duckdb'))).toEqual([]);
    expect(engineDir(deps.env)).toBe(join(cache, 'duckdb', DUCKDB_VERSION));
  });

  it('keeps its cache where each platform keeps caches', () => {
    expect(cacheRoot({}, 'linux', '/home/ann')).toBe('/home/ann/.cache/apigw-log-analytics');
    expect(cacheRoot({ XDG_CACHE_HOME: '/var/cache/ann' }, 'linux', '/home/ann')).toBe('/var/cache/ann/apigw-log-analytics');
    expect(cacheRoot({}, 'darwin', '/Users/ann')).toBe('/Users/ann/Library/Caches/apigw-log-analytics');
    expect(cacheRoot({ LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, 'win32', 'C:\\Users\\ann')).toContain('apigw-log-analytics');
    expect(cacheRoot({ APIGW_LOG_ANALYTICS_CACHE_DIR: '/tmp/x' }, 'linux', '/home/ann')).toBe('/tmp/x');
  });
});
