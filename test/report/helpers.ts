/** Shared by the report tests: the installation's stack as DescribeStacks returns it, and engine rows as Athena would. */
import type { Stack } from '@aws-sdk/client-cloudformation';
import { fileURLToPath } from 'node:url';
import type { ReportOptions } from '../../src/commands/report/index.js';
import { resolveInputs } from '../../src/commands/report/run.js';
import { compileReport } from '../../src/core/questions/compile.js';
import { DUCKDB } from '../../src/core/questions/dialect.js';
import { openDuckDb, resolveDuckDb } from '../../src/engines/engine.js';
import { duckDbSource, findLogFiles } from '../../src/engines/local-files.js';

export const FIXTURE = fileURLToPath(new URL('./fixtures', import.meta.url));
export const ACCOUNT = '111122223333';

export const options = (o: Partial<ReportOptions> = {}): ReportOptions => ({ fromBucket: false, json: true, yes: false, ...o });

export function installationStack(project: string, outputs: Record<string, string> = {}): Stack {
  const all: Record<string, string> = {
    LogBucketName: `${project}-logs-${ACCOUNT}`,
    GlueDatabaseName: `apigw_log_analytics_${project}`,
    GlueTableName: 'access_logs',
    AthenaWorkGroupName: `apigw-log-analytics-${project}`,
    ...outputs,
  };
  return {
    StackName: `apigw-log-analytics-${project}`,
    StackId: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/apigw-log-analytics-${project}/0a1b2c3d`,
    StackStatus: 'CREATE_COMPLETE',
    CreationTime: new Date('2026-11-01T00:00:00Z'),
    Tags: [
      { Key: 'apigw-log-analytics:project', Value: project },
      { Key: 'apigw-log-analytics:version', Value: '0.1.0' },
    ],
    Outputs: Object.entries(all)
      .filter(([, v]) => v !== '')
      .map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
  };
}

/** A value as Athena's GetQueryResults returns it: text, or absent for NULL. */
export function athenaCell(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  return String(v);
}

/**
 * The rows of the report statement the local engine computes for these flags over the fixture,
 * in the positional layout the Athena statement shares (same questions, same columns).
 */
export async function engineRows(flags: Partial<ReportOptions>, nowMs: number, dir = FIXTURE): Promise<unknown[][]> {
  const inputs = resolveInputs(options({ local: dir, ...flags }), nowMs);
  const compiled = compileReport({ dialect: DUCKDB, source: duckDbSource(await findLogFiles(dir)), window: inputs.window, filters: inputs.filters, top: inputs.top });
  const engine = await openDuckDb(resolveDuckDb([import.meta.url])!);
  try {
    return await engine.all(compiled.sql);
  } finally {
    engine.close();
  }
}
