/**
 * Getting the local engine: found where Node resolves it, else installed once into the cache with
 * the user's consent (a prompt, or --yes), else a message naming --yes. npm is faked: these tests
 * check what would be run and what is left on disk, never download anything.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DUCKDB_LINE, DUCKDB_PACKAGE, DUCKDB_VERSION, cacheRoot, engineDir, findDuckDb, loadDuckDb, npmInstallArgs, resolveDuckDb, type EngineDeps } from '../../src/engines/engine.js';
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
    find: (base) => (existsSync(base) && readFileSync(base, 'utf8').includes('installed-by-fake-npm') ? { version: DUCKDB_VERSION, load: () => fakeModule! } : null),
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
    // Its version is read from its package.json, before (and without) loading the native library.
    expect(findDuckDb(import.meta.url)?.version).toBe(DUCKDB_VERSION);
    expect(DUCKDB_LINE).toBe(DUCKDB_VERSION.split('.').slice(0, 2).join('.'));
  });

  it('passes over a package of another DuckDB line found beside ours, says so, and uses the pinned one (never loading the other)', async () => {
    const loaded: string[] = [];
    const beside = 'file:///project/node_modules/apigw-log-analytics/dist/main.js';
    const { deps, npmCalls, fakeModule, infos } = setup({ yes: true, selfUrl: beside });
    const find = deps.find!;
    deps.find = (base) => (base === beside ? { version: '1.1.3', load: () => (loaded.push(base), fakeModule!) } : find(base));
    expect(await loadDuckDb(deps)).toBe(fakeModule);
    expect(loaded).toEqual([]);
    expect(npmCalls).toHaveLength(1);
    expect(infos[0]).toBe(`Passing over ${DUCKDB_PACKAGE}@1.1.3 (found from ${beside}): the report needs DuckDB ${DUCKDB_LINE}.`);
    // A newer patch of the same line beside ours is used as it is, without an install.
    const same = setup({ selfUrl: beside });
    same.deps.find = (base) => (base === beside ? { version: `${DUCKDB_LINE}.99`, load: () => same.fakeModule! } : null);
    expect(await loadDuckDb(same.deps)).toBe(same.fakeModule);
    expect(same.npmCalls).toEqual([]);
    expect(same.infos).toEqual([]);
  });

  it('reads the version of a real package folder found beside ours without loading it, and installs the pinned one next to nothing of it', async () => {
    const project = mkdtempSync(join(tmpdir(), 'engine-project-'));
    dirs.push(project);
    // An older engine installed in the user's project, beside our package: loading it would throw.
    const writePackage = (root: string, version: string, body: string) => {
      const at = join(root, 'node_modules', ...DUCKDB_PACKAGE.split('/'));
      mkdirSync(join(at, 'lib'), { recursive: true });
      writeFileSync(join(at, 'package.json'), JSON.stringify({ name: DUCKDB_PACKAGE, version, main: './lib/index.js' }));
      writeFileSync(join(at, 'lib', 'index.js'), body);
    };
    writePackage(project, '1.1.3', 'throw new Error("the old engine was loaded");');
    const self = join(project, 'node_modules', 'apigw-log-analytics', 'dist', 'main.js');
    mkdirSync(join(self, '..'), { recursive: true });
    expect(findDuckDb(self)?.version).toBe('1.1.3');
    const { deps, npmCalls, infos } = setup({
      yes: true,
      selfUrl: self,
      find: findDuckDb,
      runNpm: (args, cwd) => {
        npmCalls.push({ args, cwd });
        writeFileSync(join(cwd, 'package.json'), '{"name":"engine-cache"}');
        writePackage(cwd, DUCKDB_VERSION, 'module.exports = { marker: "pinned" };');
        return Promise.resolve({ code: 0, output: 'added 1 package' });
      },
    });
    expect(await loadDuckDb(deps)).toEqual({ marker: 'pinned' });
    expect(npmCalls).toHaveLength(1);
    expect(infos[0]).toBe(`Passing over ${DUCKDB_PACKAGE}@1.1.3 (found from ${self}): the report needs DuckDB ${DUCKDB_LINE}.`);
  });

  it('without --yes, a package of another line beside ours is not used either: the message names the pinned version', async () => {
    const beside = 'file:///project/node_modules/apigw-log-analytics/dist/main.js';
    const { deps, npmCalls, fakeModule } = setup({ selfUrl: beside });
    deps.find = (base) => (base === beside ? { version: 'x\u001b[2J', load: () => fakeModule! } : null);
    const infos: string[] = [];
    deps.info = (m) => infos.push(m);
    const err = await loadDuckDb(deps).catch((e: unknown) => e);
    // A version that does not look like one (here a terminal escape) is not printed.
    expect(infos).toEqual([`Passing over ${DUCKDB_PACKAGE} of an unreadable version (found from ${beside}): the report needs DuckDB ${DUCKDB_LINE}.`]);
    expect(isAppError(err) && err.code).toBe('EngineNotInstalled');
    expect(isAppError(err) && err.message).toContain(`${DUCKDB_PACKAGE}@${DUCKDB_VERSION}`);
    expect(npmCalls).toEqual([]);
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
