/**
 * The default source: one Athena query on the installation's workgroup and table, with the Athena
 * and CloudFormation SDK clients mocked. What was sent (query text, workgroup, database, partition
 * range), how it waited (polls on the injected sleep), how it read (result pages), what it printed
 * (bytes scanned, cost) and what a failure says.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mockClient } from 'aws-sdk-client-mock';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetApisCommand } from '@aws-sdk/client-apigatewayv2';
import { beforeEach, describe, expect, it } from 'vitest';
import { reportJson } from '../../src/core/questions/render-json.js';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryExecutionOutput,
  type GetQueryResultsOutput,
  type QueryExecutionState,
  type QueryExecutionStatus,
} from '@aws-sdk/client-athena';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { runReport } from '../../src/commands/report/run.js';
import { isAppError } from '../../src/errors.js';
import { compileReport } from '../../src/core/questions/compile.js';
import { ATHENA, DUCKDB } from '../../src/core/questions/dialect.js';
import { NO_FILTERS } from '../../src/core/questions/filters.js';
import { decodeResults } from '../../src/core/questions/results.js';
import { athenaSource } from '../../src/core/questions/sources.js';
import { openDuckDb, resolveDuckDb } from '../../src/engines/engine.js';
import { duckDbSource, findLogFiles } from '../../src/engines/local-files.js';
import { createTestContext } from '../helpers/context.js';
import { FIXTURE, athenaCell, engineRows, installationStack, options } from './helpers.js';

const athena = mockClient(AthenaClient);
const cfn = mockClient(CloudFormationClient);
// API names are read after the query (access logs carry only the id).
const apigw = mockClient(APIGatewayClient);
const apigwv2 = mockClient(ApiGatewayV2Client);
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const QID = '5a1c1e8e-0000-4000-8000-00000000a71e';

beforeEach(() => {
  athena.reset();
  cfn.reset();
  apigw.reset();
  apigwv2.reset();
  apigw.on(GetRestApisCommand).resolves({ items: [] });
  apigwv2.on(GetApisCommand).resolves({ Items: [] });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [installationStack('shop')] });
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QID });
});

const state = (State: QueryExecutionState, extra: Partial<QueryExecutionStatus> = {}, scanned = 0): GetQueryExecutionOutput => ({
  QueryExecution: { QueryExecutionId: QID, Status: { State, ...extra }, Statistics: { DataScannedInBytes: scanned } },
});

function pages(columns: string[], rows: Array<Array<string | null>>, perPage: number): GetQueryResultsOutput[] {
  const meta = { ColumnInfo: columns.map((Name) => ({ Name, Type: 'varchar' })) };
  const toRow = (r: Array<string | null>) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) });
  const all = [columns, ...rows];
  const out: GetQueryResultsOutput[] = [];
  for (let i = 0; i < all.length; i += perPage) {
    out.push({
      ResultSet: { ResultSetMetadata: meta, Rows: all.slice(i, i + perPage).map(toRow) },
      ...(i + perPage < all.length ? { NextToken: `page-${out.length + 2}` } : {}),
    });
  }
  return out;
}

describe('report (Athena)', () => {
  it('runs one query in the workgroup over the window\'s partitions, polls, reads every page, and answers as the local engine does', async () => {
    const flags = { from: '2025-01-06', to: '2025-01-07' };
    // What Athena would return: the same statement's rows, as text, over three pages.
    const rows = (await engineRows(flags, NOW)).map((r) => r.map(athenaCell));
    const columns = ['set_id', 'k1', 'k2', 'k3', ...Array.from({ length: (rows[0]?.length ?? 4) - 4 }, (_, i) => `m${i}`)];
    const [p1, p2, p3, p4] = pages(columns, rows, Math.ceil((rows.length + 1) / 3));
    expect(p3).toBeDefined();
    expect(p4).toBeUndefined();
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('QUEUED'))
      .resolvesOnce(state('RUNNING', {}, 1_000_000))
      .resolves(state('SUCCEEDED', {}, 123_456_789));
    athena.on(GetQueryResultsCommand, { NextToken: undefined }).resolves(p1!).on(GetQueryResultsCommand, { NextToken: 'page-2' }).resolves(p2!);
    athena.on(GetQueryResultsCommand, { NextToken: 'page-3' }).resolves(p3!);

    const h = createTestContext({ startMs: NOW });
    const report = await runReport(options(flags), h.ctx);

    const start = athena.commandCalls(StartQueryExecutionCommand);
    expect(start).toHaveLength(1);
    const input = start[0]!.args[0].input;
    expect(input.WorkGroup).toBe('apigw-log-analytics-shop');
    expect(input.QueryExecutionContext).toEqual({ Catalog: 'AwsDataCatalog', Database: 'apigw_log_analytics_shop' });
    expect(input.ResultConfiguration).toBeUndefined();
    const sql = input.QueryString as string;
    expect(sql).toContain('FROM "apigw_log_analytics_shop"."access_logs"');
    // The window is 2025-01-06T00:00Z to 2025-01-08T00:00Z: the day before (objects whose oldest
    // record arrived before midnight) and the day after (requests that arrived after it) are read too.
    expect(sql).toContain("WHERE dt >= '2025-01-05'\n    AND dt <= '2025-01-08'");
    expect(sql).toContain(`requestTimeEpoch >= ${Date.UTC(2025, 0, 6)}`);
    expect(sql).toContain(`requestTimeEpoch < ${Date.UTC(2025, 0, 8)}`);
    expect(sql).toContain('approx_percentile(CAST(responseLatency AS DOUBLE), 0.99)');
    expect(sql).not.toMatch(/quantile_cont|\/\/|read_json/);
    expect(sql.match(/FROM "apigw_log_analytics_shop"/g)).toHaveLength(1);

    // Polled until SUCCEEDED, backing off on the injected clock, then every page in order.
    expect(athena.commandCalls(GetQueryExecutionCommand).map((c) => c.args[0].input)).toEqual(Array(3).fill({ QueryExecutionId: QID }));
    expect(h.clock.sleeps).toEqual([300, 500]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: QID, MaxResults: 1000, NextToken: undefined },
      { QueryExecutionId: QID, MaxResults: 1000, NextToken: 'page-2' },
      { QueryExecutionId: QID, MaxResults: 1000, NextToken: 'page-3' },
    ]);

    // Text from Athena decodes to the same answers as the local engine's native values.
    const local = await runReport(options({ ...flags, local: FIXTURE }), createTestContext({ startMs: NOW }).ctx);
    expect(report.questions).toEqual(local.questions);
    expect(report.questions.find((q) => q.id === 'totals')?.rows[0]?.requests).toBe(423);

    expect(report.source).toEqual({
      kind: 'athena',
      project: 'shop',
      region: 'us-east-1',
      workGroup: 'apigw-log-analytics-shop',
      database: 'apigw_log_analytics_shop',
      table: 'access_logs',
      queryExecutionId: QID,
      partitions: { first: '2025-01-05', last: '2025-01-08' },
      dataScannedBytes: 123_456_789,
      costUsd: (123_456_789 / 1024 ** 4) * 5,
    });
    expect(h.out('stderr')).toContain('Athena scanned 118 MB (about $0.0006 at $5 per TB)');
    expect(JSON.parse(h.out('stdout'))).toEqual(JSON.parse(JSON.stringify(reportJson(report))));
  });

  it('defaults to the last 24 hours, and bills the 10 MB minimum for a query that read little', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED', {}, 2048));
    athena.on(GetQueryResultsCommand).resolves(pages(['set_id'], [], 10)[0]!);
    const h = createTestContext({ startMs: NOW });
    const report = await runReport(options({ json: false }), h.ctx);
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString as string;
    expect(sql).toContain("WHERE dt >= '2026-11-24'\n    AND dt <= '2026-11-26'");
    expect(report.window).toEqual({ from: '2026-11-24T12:00:00Z', to: '2026-11-25T12:00:00Z' });
    expect(h.clock.sleeps).toEqual([]);
    expect(report.source.kind === 'athena' && report.source.costUsd).toBeCloseTo((10 * 1024 ** 2 / 1024 ** 4) * 5, 12);
    expect(h.out('stdout')).toContain('Scanned  2.0 KB, about <$0.0001 at $5 per TB');
    expect(h.out('stderr')).toContain('No requests from 2026-11-24T12:00:00Z to 2026-11-25T12:00:00Z.');
    // Zero-filled: 24 hours.
    expect(report.questions.find((q) => q.id === 'requests_over_time')?.rows).toHaveLength(24);
  });

  it('surfaces a failed query\'s reason, with its id and what to do', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('RUNNING'))
      .resolves(
        state('FAILED', {
          StateChangeReason: "COLUMN_NOT_FOUND: line 9:8: Column 'requesttimeepoch' cannot be resolved or requester is not authorized to access requested resources",
          AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false },
        }),
      );
    const h = createTestContext({ startMs: NOW });
    const err = await runReport(options(), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && [err.code, err.kind]).toEqual(['AthenaQueryFailed', 'user']);
    expect(isAppError(err) && err.message).toBe(
      "The Athena query failed: COLUMN_NOT_FOUND: line 9:8: Column 'requesttimeepoch' cannot be resolved or requester is not authorized to access requested resources",
    );
    expect(isAppError(err) && err.details).toEqual([`Query execution id: ${QID} (workgroup apigw-log-analytics-shop)`]);
    expect(isAppError(err) && err.resolution).toContain('apigw-log-analytics init');
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
    expect(h.out('stdout')).toBe('');
  });

  it('turns the workgroup\'s bytes-scanned cutoff into a message that says how to narrow the window', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('CANCELLED', { StateChangeReason: 'Bytes scanned limit was exceeded' }, 10 * 1024 ** 3));
    const h = createTestContext({ startMs: NOW });
    const err = await runReport(options({ since: '30d' }), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('ScanLimitExceeded');
    expect(isAppError(err) && err.message).toBe(
      'Athena stopped the report query: it needed to scan more than workgroup apigw-log-analytics-shop allows per query ' +
        '(Bytes scanned limit was exceeded). It had read 10.0 GB, which is billed.',
    );
    expect(isAppError(err) && err.resolution).toMatch(/^Narrow the window: a shorter --since \(24h, 7d\) or --from\/--to over fewer days/);
    expect(isAppError(err) && err.resolution).toContain('BytesScannedCutoffPerQuery');
  });

  it('a query cancelled by someone else is not mistaken for the cutoff', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('CANCELLED', { StateChangeReason: 'Query was cancelled by user' }));
    const err = await runReport(options(), createTestContext({ startMs: NOW }).ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('AthenaQueryCancelled');
  });

  it('Ctrl+C while the query runs stops it in Athena', async () => {
    const h = createTestContext({ startMs: NOW });
    let polls = 0;
    athena.on(GetQueryExecutionCommand).callsFake(() => {
      if (++polls === 2) h.abort.abort();
      return state('RUNNING');
    });
    athena.on(StopQueryExecutionCommand).resolves({});
    const err = await runReport(options(), h.ctx).catch((e: unknown) => e);
    expect(isAppError(err) && [err.kind, err.message]).toEqual(['cancel', `Stopped Athena query ${QID}.`]);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([{ QueryExecutionId: QID }]);
  });
});

describe('the Athena statement', () => {
  it('runs, and gives the local answers, when its one Athena-only aggregate is renamed for DuckDB', async () => {
    // DuckDB is not Trino: this catches structural mistakes (CTEs, FILTER, quoting, window
    // functions, the partition predicate) and wrong answers, not Trino-only syntax. Integer
    // division differs (DuckDB's / is exact), so the time buckets are left out of the comparison.
    const window = { fromMs: Date.UTC(2025, 0, 6), toMs: Date.UTC(2025, 0, 8) };
    const files = await findLogFiles(join(FIXTURE, 'logs'));
    const engine = await openDuckDb(resolveDuckDb([import.meta.url])!);
    try {
      await engine.all('CREATE SCHEMA shop');
      await engine.all(`CREATE TABLE shop.access_logs AS SELECT *, strftime(make_timestamp(requestTimeEpoch * 1000), '%Y-%m-%d') AS dt FROM ${duckDbSource(files).from}`);
      const asAthena = compileReport({ dialect: ATHENA, source: athenaSource('shop', 'access_logs', window), window, filters: NO_FILTERS, top: 10 });
      const asDuck = compileReport({ dialect: DUCKDB, source: { from: 'shop.access_logs', where: [] }, window, filters: NO_FILTERS, top: 10 });
      const a = decodeResults(asAthena, await engine.all(asAthena.sql.replaceAll('approx_percentile(', 'quantile_cont(')));
      const d = decodeResults(asDuck, await engine.all(asDuck.sql));
      const strip = (qs: typeof a) => qs.filter((q) => q.id !== 'requests_over_time');
      expect(strip(a)).toEqual(strip(d));
      expect(a.find((q) => q.id === 'totals')?.rows[0]?.requests).toBe(400);
    } finally {
      engine.close();
    }
  });
});

describe('the first day of a window (Firehose files objects by their oldest record)', () => {
  const SAMPLE = fileURLToPath(new URL('../../assets/sample', import.meta.url));
  const day = { fromMs: Date.UTC(2025, 0, 6), toMs: Date.UTC(2025, 0, 7) };

  it('report --from 2025-01-06 --to 2025-01-06 queries from the day before, filtering on the request time', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED', {}, 2048));
    athena.on(GetQueryResultsCommand).resolves(pages(['set_id'], [], 10)[0]!);
    const report = await runReport(options({ from: '2025-01-06', to: '2025-01-06' }), createTestContext({ startMs: NOW }).ctx);
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString as string;
    expect(sql).toContain("WHERE dt >= '2025-01-05'\n    AND dt <= '2025-01-07'");
    expect(sql).toContain(`requestTimeEpoch >= ${day.fromMs}`);
    expect(sql).toContain(`requestTimeEpoch < ${day.toMs}`);
    expect(report.source).toMatchObject({ kind: 'athena', partitions: { first: '2025-01-05', last: '2025-01-07' } });
  });

  it('counts, through the Athena statement, a request at 00:00 that sits in the previous day\'s object', async () => {
    // The table as partition projection sees the bucket: dt is the object's prefix, not the request's day.
    const engine = await openDuckDb(resolveDuckDb([import.meta.url])!);
    try {
      await engine.all('CREATE SCHEMA shop');
      const parts: string[] = [];
      for (const dt of ['2025-01-05', '2025-01-06']) {
        const files = await findLogFiles(join(SAMPLE, 'logs', `dt=${dt}`));
        parts.push(`SELECT *, '${dt}' AS dt FROM ${duckDbSource(files).from}`);
      }
      await engine.all(`CREATE TABLE shop.access_logs AS ${parts.join(' UNION ALL ')}`);
      const early = await engine.all(`SELECT count(*) AS n FROM shop.access_logs WHERE dt = '2025-01-05' AND requestTimeEpoch >= ${day.fromMs}`);
      expect(Number(early[0]?.[0])).toBeGreaterThan(0);

      const asAthena = compileReport({ dialect: ATHENA, source: athenaSource('shop', 'access_logs', day), window: day, filters: NO_FILTERS, top: 10 });
      const totals = decodeResults(asAthena, await engine.all(asAthena.sql.replaceAll('approx_percentile(', 'quantile_cont(')));
      const inDay = await engine.all(`SELECT count(*) AS n FROM shop.access_logs WHERE requestTimeEpoch >= ${day.fromMs} AND requestTimeEpoch < ${day.toMs}`);
      expect(totals.find((q) => q.id === 'totals')?.rows[0]?.requests).toBe(Number(inDay[0]?.[0]));
    } finally {
      engine.close();
    }
  });
});

describe('report (finding the installation)', () => {
  it('asks for --project when the region has several, and uses the one named', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [installationStack('shop'), installationStack('blog')] });
    const ambiguous = await runReport(options(), createTestContext({ startMs: NOW }).ctx).catch((e: unknown) => e);
    expect(isAppError(ambiguous) && ambiguous.code).toBe('AmbiguousInstallation');
    expect(isAppError(ambiguous) && ambiguous.resolution).toBe('Pass --project (one of blog, shop).');
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);

    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(pages(['set_id'], [], 10)[0]!);
    await runReport(options({ project: 'blog' }), createTestContext({ startMs: NOW }).ctx);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.WorkGroup).toBe('apigw-log-analytics-blog');
  });

  it('says what is missing when the stack has no workgroup output', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [installationStack('shop', { AthenaWorkGroupName: '' })] });
    const err = await runReport(options(), createTestContext({ startMs: NOW }).ctx).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('InstallationIncomplete');
    expect(isAppError(err) && err.message).toContain('AthenaWorkGroupName');
  });

  it('checks the flags before calling AWS', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ since: '5x' }, 'InvalidSince', /--since "5x"/],
      [{ since: '7d', from: '2026-11-01' }, 'ConflictingWindow', /--since and --from/],
      [{ from: '2026-02-30' }, 'InvalidTime', /--from "2026-02-30"/],
      [{ from: '2026-11-02', to: '2026-11-01' }, 'EmptyWindow', /not before/],
      [{ to: '2026-11-01' }, 'MissingFrom', /--to needs a start/],
      [{ stage: ['ABC/prod'] }, 'InvalidStage', /--stage "ABC\/prod"/],
      [{ domain: ['not a domain'] }, 'InvalidDomain', /--domain/],
      [{ top: 0 }, 'InvalidTop', /--top "0"/],
      [{ top: Number.NaN }, 'InvalidTop', /--top "NaN"/],
      [{ local: FIXTURE, fromBucket: true }, 'ConflictingSource', /--local and --from-bucket/],
      [{ local: FIXTURE, project: 'shop' }, 'ConflictingSource', /--project/],
      [{ html: '/nonexistent/dir/r.html' }, 'BadOutputPath', /--html \/nonexistent\/dir\/r\.html: the folder \/nonexistent\/dir does not exist/],
      [{ html: '/etc/passwd' }, 'BadOutputPath', /--html \/etc\/passwd: exists and is not a report written by apigw-log-analytics/],
      [{ html: '/etc' }, 'BadOutputPath', /--html \/etc: is a folder/],
      [{ csv: '/etc/passwd' }, 'BadOutputPath', /--csv \/etc\/passwd: is a file, not a folder/],
      [{ csv: '/etc/passwd/sub' }, 'BadOutputPath', /--csv \/etc\/passwd\/sub: \/etc\/passwd is a file/],
    ];
    for (const [flags, code, message] of cases) {
      const err = await runReport(options(flags), createTestContext({ startMs: NOW }).ctx).catch((e: unknown) => e);
      expect(isAppError(err) && [err.code, err.kind], JSON.stringify(flags)).toEqual([code, 'usage']);
      expect(isAppError(err) && err.message).toMatch(message);
    }
    expect(cfn.calls()).toHaveLength(0);
    expect(athena.calls()).toHaveLength(0);
  });
});

