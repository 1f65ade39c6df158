/**
 * Runs one Athena query to the end: start it in the workgroup, poll its state (backing off, with
 * the injected sleep), read every page of results, and turn a failure into a message that says
 * what to do, the workgroup's bytes-scanned cutoff above all. Ctrl+C stops the query in Athena
 * too, so nothing keeps scanning (and billing) after the CLI is gone.
 */
import type { AthenaApi, QueryExecutionInfo, StartQueryInput } from '../aws/athena.js';
import type { Sleep } from '../aws/throttle.js';
import { CancelledError, UserError, isAppError } from '../errors.js';
import { formatBytes } from '../core/questions/format.js';

export interface AthenaQueryResult {
  columns: string[];
  rows: Array<Array<string | null>>;
  execution: QueryExecutionInfo;
  pages: number;
}

export interface AthenaQueryDeps {
  sleep: Sleep;
  signal: AbortSignal;
  /** Called on every state read (for a progress line). */
  onState?: (execution: QueryExecutionInfo) => void;
}

/** Poll delays: quick at first (small queries finish in a second or two), then every 2 s. */
export const POLL_DELAYS_MS = [300, 500, 1000, 1000, 2000] as const;

export function pollDelay(attempt: number): number {
  return POLL_DELAYS_MS[Math.min(attempt, POLL_DELAYS_MS.length - 1)] as number;
}

const SCAN_LIMIT_RE = /bytes scanned limit was exceeded/i;

export function isScanLimitError(execution: QueryExecutionInfo): boolean {
  return SCAN_LIMIT_RE.test(execution.stateChangeReason ?? '');
}

/** The error for a query that ended FAILED or CANCELLED. */
export function queryFailure(execution: QueryExecutionInfo, input: StartQueryInput): UserError {
  const reason = execution.stateChangeReason?.trim() || 'Athena gave no reason.';
  const details = [`Query execution id: ${execution.id} (workgroup ${input.workGroup})`];
  if (isScanLimitError(execution)) {
    return new UserError(
      'ScanLimitExceeded',
      `Athena stopped the report query: it needed to scan more than workgroup ${input.workGroup} allows per query (${reason})` +
        (execution.dataScannedBytes > 0 ? `. It had read ${formatBytes(execution.dataScannedBytes)}, which is billed.` : '.'),
      {
        details,
        resolution:
          'Narrow the window: a shorter --since (24h, 7d) or --from/--to over fewer days; only the days in the window are read, ' +
          'filters such as --stage do not reduce what is scanned. To allow larger scans, raise the workgroup\'s ' +
          '"Limit data usage per query" (BytesScannedCutoffPerQuery) in the Athena console.',
      },
    );
  }
  if (execution.state === 'CANCELLED') {
    return new UserError('AthenaQueryCancelled', `The Athena query was cancelled outside this command: ${reason}`, {
      details,
      resolution: 'Someone or something stopped it (StopQueryExecution). Run the report again.',
    });
  }
  let resolution: string;
  if (execution.errorCategory === 1 || execution.retryable) {
    resolution = 'This failure is on Athena\'s side. Run the report again in a minute.';
  } else if (/TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|does not exist/i.test(reason)) {
    resolution = 'The installation\'s Glue database or table is missing. Run `apigw-log-analytics status` to check the stack, and `init` to repair it.';
  } else if (/COLUMN_NOT_FOUND|TYPE_MISMATCH|HIVE_BAD_DATA|HIVE_CURSOR_ERROR/i.test(reason)) {
    // Tested before permissions: Athena's COLUMN_NOT_FOUND text also says "or requester is not authorized".
    resolution = 'The table may be older than this CLI, or hold records in another format. Run `apigw-log-analytics init` to upgrade the installation, then try again.';
  } else if (/access denied|not authorized|insufficient (lake formation )?permissions/i.test(reason)) {
    resolution =
      'Your identity needs athena:StartQueryExecution/GetQueryExecution/GetQueryResults on the workgroup, glue:GetTable and ' +
      'glue:GetDatabase on the table, s3:GetObject and s3:ListBucket on the log bucket, and s3:PutObject on its athena-results/ prefix.';
  } else {
    resolution = 'Run again with -v to see the SQL that was sent, and report it if the query looks wrong.';
  }
  return new UserError('AthenaQueryFailed', `The Athena query failed: ${reason}`, { details, resolution });
}

export async function runAthenaQuery(api: AthenaApi, input: StartQueryInput, deps: AthenaQueryDeps): Promise<AthenaQueryResult> {
  const id = await api.startQuery(input);
  let execution: QueryExecutionInfo;
  try {
    for (let attempt = 0; ; attempt++) {
      execution = await api.getQueryExecution(id);
      deps.onState?.(execution);
      if (execution.state === 'SUCCEEDED') break;
      if (execution.state === 'FAILED' || execution.state === 'CANCELLED') throw queryFailure(execution, input);
      if (deps.signal.aborted) throw new CancelledError();
      await deps.sleep(pollDelay(attempt));
    }
  } catch (e) {
    if (isAppError(e) && e.kind === 'cancel') {
      // Best effort: the process is stopping; a failure to stop is reported but not thrown.
      await api.stopQuery(id).catch(() => undefined);
      throw new CancelledError(`Stopped Athena query ${id}.`);
    }
    throw e;
  }

  let columns: string[] = [];
  const rows: Array<Array<string | null>> = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await api.getQueryResults(id, token);
    if (pages === 0) {
      columns = page.columns;
      // The first row of a SELECT's first page repeats the column names.
      const first = page.rows[0];
      const isHeader = first !== undefined && first.length === columns.length && first.every((v, i) => (v ?? '').toLowerCase() === (columns[i] ?? '').toLowerCase());
      rows.push(...(isHeader ? page.rows.slice(1) : page.rows));
    } else {
      rows.push(...page.rows);
    }
    pages++;
    token = page.nextToken;
  } while (token);
  return { columns, rows, execution, pages };
}
