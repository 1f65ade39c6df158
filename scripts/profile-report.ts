/**
 * Where `report --local` spends its time: discovery, the load, the survey and each question's
 * statement, timed one by one on the engine the command uses, with the process's peak memory, and
 * the bench's scan floor timed first in the same process (the load's cost is the difference).
 * The bench (`npm run bench -- report`) says how far the whole run is from the scan floor; this
 * says which step to look at.
 *
 *   npx tsx scripts/profile-report.ts FOLDER [FOLDER...]
 *
 * (The bench's data sets are kept in the temp folder: $TMPDIR/apigw-log-analytics-bench/report-*\/logs.)
 */
import { createRequire } from 'node:module';
import { compileReport, type ReportSource } from '../src/core/questions/compile.js';
import { DUCKDB } from '../src/core/questions/dialect.js';
import { parseFilters } from '../src/core/questions/filters.js';
import type { Question } from '../src/core/questions/questions.js';
import { openDuckDb } from '../src/engines/engine.js';
import { fieldsKept, findLogFiles, scanFloorSql } from '../src/engines/local-files.js';
import { runPerQuestion, withTopN } from '../src/engines/per-question.js';
import { surveyLogs } from '../src/engines/survey.js';

const folders = process.argv.slice(2);
if (folders.length === 0) throw new Error('Usage: npx tsx scripts/profile-report.ts FOLDER [FOLDER...]');

const secs = (ms: number) => `${(ms / 1000).toFixed(2).padStart(6)} s`;
const compile = (source: ReportSource, questions?: readonly Question[]) =>
  compileReport({ dialect: DUCKDB, source, window: null, filters: parseFilters({}), top: 10, ...(questions ? { questions } : {}) });

const started = performance.now();
const files = await findLogFiles(folders);
console.log(`${secs(performance.now() - started)}  discovery: ${files.gzip.length} gzip, ${files.plain.length} plain, ${files.parquet?.length ?? 0} Parquet file(s)`);
const engine = await openDuckDb(createRequire(import.meta.url)('@duckdb/node-api'));
try {
  const timed = async (label: string, sql: string): Promise<unknown[][]> => {
    const t = performance.now();
    const rows = await engine.all(sql);
    console.log(`${secs(performance.now() - t)}  ${label}`);
    return rows;
  };
  // The bench's scan floor (the load's reads with a count instead of the file), in this process:
  // the load's own cost is the difference. Its time is not counted in the total below.
  const kept = fieldsKept(compile({ from: 'logs', where: [] }).sql);
  const floorStarted = performance.now();
  await timed('scan floor (not part of the report; bench/report.bench.ts compares against it)', scanFloorSql(files, kept.keep));
  const floorMs = performance.now() - floorStarted;
  const labels = new Map<string, string>();
  const loading = { ...engine, all: (sql: string) => timed(/^(COPY|CREATE)/.test(sql) ? `load (${sql.startsWith('COPY') ? 'COPY to the scratch file' : 'a table in memory'})` : `survey: ${sql.slice(0, 40)}…`, sql) };
  const survey = await surveyLogs(loading, files, kept);
  const asked = performance.now();
  await runPerQuestion(
    compile(survey.source),
    (questions) => {
      const part = compile(survey.source, questions);
      labels.set(withTopN(part.sql), questions.map((q) => `${q.id} (${q.measures.length} measures)`).join(' + '));
      return part;
    },
    (sql) => timed(`question: ${labels.get(sql) ?? '?'}`, sql),
    survey.records,
  );
  console.log(`${secs(performance.now() - asked)}  every question (two statements at a time)`);
  console.log(`${secs(performance.now() - started - floorMs)}  in all; ${survey.records.toLocaleString('en-US')} records; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
} finally {
  engine.close();
}
