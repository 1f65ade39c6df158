/**
 * `report`: the dashboard's questions answered from one of three sources (Athena on the
 * installation's workgroup; `--local` files; `--from-bucket`, the window's objects downloaded and
 * read locally), printed as tables, or written as JSON, CSV files or one HTML page.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { RunContext } from '../../context.js';
import type { ReportOptions } from './index.js';
import { CancelledError, isAppError, UsageError, UserError } from '../../errors.js';
import { OUTPUT_KEYS } from '../../core/outputs.js';
import { compileReport, MAX_TOP, type CompiledReport, type ReportSource } from '../../core/questions/compile.js';
import type { Question } from '../../core/questions/questions.js';
import { ATHENA, DUCKDB } from '../../core/questions/dialect.js';
import { parseFilters, type ReportFilters } from '../../core/questions/filters.js';
import { formatBytes, formatUsd } from '../../core/questions/format.js';
import { athenaCostUsd, type LocalSourceInfo, type ReportData, type SourceInfo } from '../../core/questions/model.js';
import { decodeResults, fillTimeSeries, type QuestionResult } from '../../core/questions/results.js';
import { athenaSource } from '../../core/questions/sources.js';
import { iso, resolveWindow, type TimeWindow } from '../../core/questions/window.js';
import { renderText } from '../../core/questions/render-text.js';
import { reportCsvFiles } from '../../core/questions/render-csv.js';
import { renderHtml } from '../../core/questions/render-html.js';
import { reportJson } from '../../core/questions/render-json.js';
import { chooseInstallation, listInstallations, requireOutputs } from '../shared/installation.js';
import { runAthenaQuery } from '../../engines/athena-query.js';
import { downloadWindow } from '../../engines/bucket.js';
import { loadDuckDb, openDuckDb, type SqlEngine } from '../../engines/engine.js';
import { allFiles, fieldsKept, findLogFiles, resolveLocalPath, totalBytes, type LocalFiles, type Skip } from '../../engines/local-files.js';
import { runPerQuestion } from '../../engines/per-question.js';
import { surveyLogs, type Survey } from '../../engines/survey.js';
import { terminalSafe } from '../../core/text-table.js';
import type { Installation } from '../../core/installations.js';
import { checkCsvDir, checkHtmlPath } from './output-paths.js';

/** The window when none is asked for, for the AWS sources (local files default to every record). */
export const DEFAULT_SINCE = '24h';
export const DEFAULT_TOP = 10;

export interface ResolvedReportInputs {
  mode: 'athena' | 'local' | 'bucket';
  window: TimeWindow | null;
  filters: ReportFilters;
  top: number;
}

/** The window of the flags; `--from` alone after now is named as such (the end defaults to now). */
function windowOf(options: ReportOptions, nowMs: number, mode: ResolvedReportInputs['mode']): TimeWindow | null {
  try {
    return resolveWindow({ since: options.since, from: options.from, to: options.to }, nowMs, mode === 'local' ? null : DEFAULT_SINCE);
  } catch (e) {
    if (isAppError(e) && e.code === 'EmptyWindow' && options.from !== undefined && options.to === undefined && options.since === undefined) {
      throw new UsageError('FromInFuture', `--from ${options.from} is in the future (it is ${iso(nowMs)} now, UTC), so the window would be empty.`, {
        resolution: 'Pass a start in the past (for example --from 2026-11-01), or add --to for a window that has ended.',
      });
    }
    throw e;
  }
}

/** Checks the flags together, before anything is read or called. */
export function resolveInputs(options: ReportOptions, nowMs: number): ResolvedReportInputs {
  if (options.local !== undefined && options.fromBucket) {
    throw new UsageError('ConflictingSource', '--local and --from-bucket both choose where the logs come from.', {
      resolution: 'Pass one: --local PATH for files on this machine, --from-bucket to download them from the installation.',
    });
  }
  if (options.local !== undefined && options.project !== undefined) {
    throw new UsageError('ConflictingSource', '--project has no meaning with --local: the files are the source.', {
      resolution: 'Drop --project, or drop --local to query that installation with Athena.',
    });
  }
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
    throw new UsageError('InvalidTop', `--top "${String(options.top)}" is not a whole number from 1 to ${MAX_TOP}.`, {
      resolution: 'Pass --top 10, for example.',
    });
  }
  const mode = options.local !== undefined ? 'local' : options.fromBucket ? 'bucket' : 'athena';
  const window = windowOf(options, nowMs, mode);
  const filters = parseFilters({ stage: options.stage, domain: options.domain, customer: options.customer, usagePlan: options.usagePlan });
  return { mode, window, filters, top };
}

interface Answer {
  source: SourceInfo;
  compiled: CompiledReport;
  rows: unknown[][];
}

async function withEngine<T>(options: ReportOptions, ctx: RunContext, fn: (engine: SqlEngine) => Promise<T>): Promise<T> {
  const mod = await loadDuckDb({
    env: ctx.env,
    interactive: ctx.interactive,
    prompter: ctx.prompter,
    yes: options.yes,
    info: (m) => ctx.io.info(m),
  });
  const engine = await openDuckDb(mod);
  const onAbort = () => engine.interrupt();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(engine);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    engine.close();
  }
}

/** `--local` as given: once, repeated, or several paths after one flag (a shell's `logs/*.gz`). */
export function localPaths(local: ReportOptions['local']): string[] {
  return local === undefined ? [] : typeof local === 'string' ? [local] : [...local];
}

const MAX_SKIPS_SHOWN = 10;

/** What was left out, on stderr; with --strict, a failure instead (exit 1). */
function reportSkips(skips: readonly Skip[], strict: boolean, ctx: RunContext): void {
  if (skips.length === 0) return;
  const lines = skips.map((s) => `${terminalSafe(s.file)}: ${terminalSafe(s.reason)}`);
  const shown = [...lines.slice(0, MAX_SKIPS_SHOWN), ...(lines.length > MAX_SKIPS_SHOWN ? [`…and ${lines.length - MAX_SKIPS_SHOWN} more (every one in --json, source.skipped)`] : [])];
  const files = skips.filter((s) => s.lines === undefined).length;
  const summary = `Skipped ${files} file(s) and lines of ${skips.length - files} other file(s):`;
  if (strict) {
    throw new UserError('SkippedInput', `${summary.replace(/:$/, '')}, and --strict makes that a failure.`, {
      details: shown,
      resolution: 'Move the files named above out of the way, or run without --strict to report on what can be read.',
    });
  }
  ctx.io.warn(summary);
  for (const l of shown) ctx.io.info(`  ${l}`);
}

interface Read {
  rows: unknown[][];
  compiled: CompiledReport;
  survey: Survey;
}

/** Surveys the files, names what is skipped, then runs the report over what is readable. */
/** `shownAs`: how a file is named to the user (a downloaded object by its S3 key). */
async function readFiles(
  engine: SqlEngine,
  files: LocalFiles,
  inputs: ResolvedReportInputs,
  options: ReportOptions,
  ctx: RunContext,
  where: string,
  shownAs: (file: string) => string = (f) => f,
): Promise<Read> {
  const compile = (source: ReportSource, questions?: readonly Question[]) =>
    compileReport({ dialect: DUCKDB, source, window: inputs.window, filters: inputs.filters, top: inputs.top, ...(questions ? { questions } : {}) });
  // The fields the statement names: only those are loaded.
  const sql = compile({ from: 'logs', where: [] }).sql;
  const loaded = await surveyLogs(engine, files, fieldsKept(sql));
  const survey = { ...loaded, skips: loaded.skips.map((k) => ({ ...k, file: shownAs(k.file) })) };
  reportSkips(survey.skips, options.strict === true, ctx);
  if (allFiles(survey.plan).length === 0) {
    throw new UserError('UnreadableLogs', `None of the access-log files under ${where} could be read.`, {
      resolution: 'Every line must be one JSON object (gzip or plain). Check the files named above.',
    });
  }
  const compiled = compile(survey.source);
  const run = (statement: string) => {
    ctx.io.debug(statement);
    return queryLocal(engine, statement, where);
  };
  const rows = await runPerQuestion(compiled, (questions) => compile(survey.source, questions), run, survey.records);
  return { rows, compiled, survey };
}

function readInfo(survey: Survey): Pick<LocalSourceInfo, 'skipped' | 'holds'> {
  return {
    skipped: survey.skips,
    holds: survey.firstMs === null || survey.lastMs === null ? null : { first: iso(survey.firstMs), last: iso(survey.lastMs) },
  };
}

async function runLocal(options: ReportOptions, inputs: ResolvedReportInputs, ctx: RunContext): Promise<Answer> {
  const given = localPaths(options.local);
  const resolved = given.map((p) => resolveLocalPath(p));
  for (const local of resolved) if (local.packagedSample) ctx.io.info(`Reading the sample logs shipped with apigw-log-analytics (${local.path}).`);
  const files = await findLogFiles(resolved.map((l) => l.path));
  const shown = given.map((p, i) => (resolved[i]!.packagedSample ? resolved[i]!.path : p)).join(', ');
  ctx.io.debug(`Reading ${files.gzip.length} gzip, ${files.plain.length} plain and ${files.parquet.length} Parquet file(s); skipped ${files.skipped.length}.`);
  return withEngine(options, ctx, async (engine) => {
    const read = await ctx.io.step(`Querying ${formatBytes(totalBytes(files))} of logs`, () => readFiles(engine, files, inputs, options, ctx, shown));
    const { plan } = read.survey;
    return {
      source: { kind: 'local', path: shown, files: allFiles(plan).length, bytes: totalBytes(files), engine: engine.name, ...readInfo(read.survey) },
      compiled: read.compiled,
      rows: read.rows,
    };
  });
}

/** DuckDB's own message names the file and line of a record it cannot read. */
async function queryLocal(engine: SqlEngine, sql: string, path: string): Promise<unknown[][]> {
  try {
    return await engine.all(sql);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // Ctrl+C interrupts the engine (withEngine); that is a cancel, not unreadable logs.
    if (/interrupt/i.test(message)) throw new CancelledError('Stopped reading the logs.');
    throw new UserError('UnreadableLogs', `Could not read the access logs under ${path}: ${message.split('\n')[0]}`, {
      resolution: 'Every line must be one JSON object (gzip or plain). Move files that are not access logs out of the folder, or pass a single file.',
      cause: e,
    });
  }
}

async function findInstallation(options: ReportOptions, ctx: RunContext): Promise<{ inst: Installation; region: string }> {
  const aws = await ctx.aws();
  const cfn = await aws.cloudFormation();
  const installations = await ctx.io.step('Finding the installation', () => listInstallations(cfn));
  const inst = await chooseInstallation(installations, options.project, ctx, aws.target.region);
  return { inst, region: aws.target.region };
}

async function runAthena(options: ReportOptions, inputs: ResolvedReportInputs, ctx: RunContext): Promise<Answer> {
  const window = inputs.window as TimeWindow;
  const { inst, region } = await findInstallation(options, ctx);
  const outputs = requireOutputs(inst, [OUTPUT_KEYS.glueDatabaseName, OUTPUT_KEYS.glueTableName, OUTPUT_KEYS.athenaWorkGroupName]);
  const database = outputs[OUTPUT_KEYS.glueDatabaseName] as string;
  const table = outputs[OUTPUT_KEYS.glueTableName] as string;
  const workGroup = outputs[OUTPUT_KEYS.athenaWorkGroupName] as string;
  const source = athenaSource(database, table, window);
  const compiled = compileReport({ dialect: ATHENA, source, window, filters: inputs.filters, top: inputs.top });
  ctx.io.debug(compiled.sql);
  const athena = await (await ctx.aws()).athena();
  const result = await ctx.io.step(
    `Querying ${database}.${table} in Athena workgroup ${workGroup} (dt ${source.partitions.first} to ${source.partitions.last})`,
    (step) =>
      runAthenaQuery(
        athena,
        { sql: compiled.sql, workGroup, database },
        {
          sleep: ctx.sleep,
          signal: ctx.signal,
          onState: (e) => step.update(`Athena query ${e.state.toLowerCase()}, ${formatBytes(e.dataScannedBytes)} scanned`),
        },
      ),
    (r) => `Athena scanned ${formatBytes(r.execution.dataScannedBytes)} (about ${formatUsd(athenaCostUsd(r.execution.dataScannedBytes))} at $5 per TB)`,
  );
  ctx.io.debug(`Query ${result.execution.id}: ${result.rows.length} rows in ${result.pages} page(s).`);
  return {
    source: {
      kind: 'athena',
      project: inst.project,
      region,
      workGroup,
      database,
      table,
      queryExecutionId: result.execution.id,
      partitions: source.partitions,
      dataScannedBytes: result.execution.dataScannedBytes,
      costUsd: athenaCostUsd(result.execution.dataScannedBytes),
    },
    compiled,
    rows: result.rows,
  };
}

/** The account that owns the stack (and so its bucket), from the stack id ARN. */
function stackAccount(inst: Installation): string | undefined {
  return /^arn:[^:]+:cloudformation:[^:]*:(\d{12}):/.exec(inst.stackId)?.[1];
}

async function runBucket(options: ReportOptions, inputs: ResolvedReportInputs, ctx: RunContext): Promise<Answer> {
  const window = inputs.window as TimeWindow;
  const { inst, region } = await findInstallation(options, ctx);
  const bucket = requireOutputs(inst, [OUTPUT_KEYS.bucketName])[OUTPUT_KEYS.bucketName] as string;
  const aws = await ctx.aws();
  const [s3, download] = await Promise.all([aws.s3(), aws.s3Download()]);
  // The engine first: no point downloading what cannot be read.
  return withEngine(options, ctx, async (engine) => {
    const dir = await mkdtemp(join(tmpdir(), 'apigw-log-analytics-bucket-'));
    try {
      const owner = stackAccount(inst);
      const got = await ctx.io.step(
        `Downloading the window's objects from s3://${bucket}/logs/`,
        (step) =>
          downloadWindow({
            s3,
            download,
            bucket,
            ...(owner ? { expectedOwner: owner } : {}),
            window,
            dir,
            signal: ctx.signal,
            onProgress: (done, total, bytes) => step.update(`Downloading ${done}/${total} objects, ${formatBytes(bytes)}`),
          }),
        (d) => `Downloaded ${d.objects} objects, ${formatBytes(d.bytes)} (dt ${d.partitions.first} to ${d.partitions.last})`,
      );
      const source: SourceInfo = {
        kind: 'bucket',
        project: inst.project,
        region,
        bucket,
        partitions: got.partitions,
        objects: got.objects,
        bytesDownloaded: got.bytes,
        engine: engine.name,
      };
      const compile = (from: ReportSource) => compileReport({ dialect: DUCKDB, source: from, window, filters: inputs.filters, top: inputs.top });
      // No object: nothing to run; the statement's layout still decodes the empty answer (zero totals).
      if (got.objects === 0) return { source, compiled: compile({ from: 'no_objects', where: [] }), rows: [] };
      const files = await findLogFiles(dir);
      const shownAs = (file: string) => `s3://${bucket}/${relative(dir, file).split(sep).join('/')}`;
      const read = await ctx.io.step('Querying the downloaded logs', () => readFiles(engine, files, inputs, options, ctx, `s3://${bucket}/logs/`, shownAs));
      return { source: { ...source, ...readInfo(read.survey) }, compiled: read.compiled, rows: read.rows };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

export async function collectReport(options: ReportOptions, ctx: RunContext): Promise<ReportData> {
  const inputs = resolveInputs(options, ctx.now());
  const answer =
    inputs.mode === 'local' ? await runLocal(options, inputs, ctx) : inputs.mode === 'bucket' ? await runBucket(options, inputs, ctx) : await runAthena(options, inputs, ctx);
  const questions = decodeResults(answer.compiled, answer.rows).map((q) =>
    q.id === 'requests_over_time' ? fillTimeSeries(q, answer.compiled.bucketMs, inputs.window) : q,
  );
  const apiNames = inputs.mode === 'local' ? undefined : await namesOfApis(questions, ctx);
  return {
    schemaVersion: 2,
    generatedAt: iso(ctx.now()),
    source: answer.source,
    window: { from: inputs.window ? iso(inputs.window.fromMs) : null, to: inputs.window ? iso(inputs.window.toMs) : null },
    filters: inputs.filters,
    top: inputs.top,
    bucketMs: answer.compiled.bucketMs,
    questions,
    ...(apiNames ? { apiNames } : {}),
  };
}

/**
 * The names of the APIs the rows name, from API Gateway (REST, then HTTP and WebSocket): access
 * logs carry only the id. Names are a courtesy: without `apigateway:GET` on /restapis and /apis,
 * or on any error, the report keeps the ids and says so at -v.
 */
async function namesOfApis(questions: readonly QuestionResult[], ctx: RunContext): Promise<Record<string, string> | undefined> {
  const ids = new Set(questions.flatMap((q) => q.rows.map((r) => r.apiId)).filter((v): v is string => typeof v === 'string'));
  if (ids.size === 0) return undefined;
  const names: Record<string, string> = {};
  try {
    const aws = await ctx.aws();
    for (const api of await (await aws.apiGateway()).listRestApis()) if (ids.has(api.id)) names[api.id] = api.name;
    if (Object.keys(names).length < ids.size) for (const api of await (await aws.apiGatewayV2()).listApis()) if (ids.has(api.id)) names[api.id] = api.name;
  } catch (err) {
    ctx.io.debug(`API names not read, the report shows API ids: ${err instanceof Error ? err.message : String(err)}`);
  }
  return names;
}

/** "No requests", with the days the files do hold when a window missed them. */
export function noRequests(report: ReportData): string {
  const { window, source } = report;
  if (!window.from) return 'No requests in these files.';
  const base = `No requests from ${window.from} to ${window.to}${source.kind === 'local' ? ' in these files' : ''}.`;
  const holds = source.kind === 'athena' ? null : source.holds;
  if (!holds) return base;
  const day = (t: string) => t.slice(0, 10);
  return `${base} They hold requests from ${holds.first} to ${holds.last} (UTC): try --from ${day(holds.first)} --to ${day(holds.last)}.`;
}

export async function runReport(options: ReportOptions, ctx: RunContext): Promise<ReportData> {
  // Before any AWS call or query: a paid query must not be lost to a path that cannot be written.
  const csvDir = options.csv !== undefined ? checkCsvDir(options.csv) : undefined;
  const htmlFile = options.html !== undefined ? checkHtmlPath(options.html) : undefined;
  const report = await collectReport(options, ctx);
  const totals = report.questions.find((q) => q.id === 'totals')?.rows[0];
  if (totals && totals.requests === 0) ctx.io.warn(noRequests(report));
  if (csvDir !== undefined) {
    const dir = csvDir;
    await mkdir(dir, { recursive: true });
    const files = reportCsvFiles(report);
    for (const [name, text] of files) await writeFile(join(dir, name), text, 'utf8');
    ctx.io.success(`Wrote ${files.size} CSV files to ${dir}`);
  }
  if (htmlFile !== undefined) {
    const file = htmlFile;
    await writeFile(file, renderHtml(report), 'utf8');
    ctx.io.success(`Wrote ${file}`);
  }
  if (options.json) ctx.io.json(reportJson(report));
  else ctx.io.result(renderText(report, ctx.io.style, { width: ctx.io.width }));
  return report;
}
