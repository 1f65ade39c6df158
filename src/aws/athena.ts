/**
 * Athena adapter: start a query in a workgroup, read its state, page its results, stop it. The
 * workgroup enforces its own result location and bytes-scanned cutoff, so a query never names an
 * output location.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { ClientSettings } from './settings.js';
import { callAws } from './call.js';

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface QueryExecutionInfo {
  id: string;
  state: QueryState;
  stateChangeReason?: string;
  /** 1 system, 2 user, 3 other (AthenaError.ErrorCategory). */
  errorCategory?: number;
  errorType?: number;
  retryable?: boolean;
  dataScannedBytes: number;
  engineMs?: number;
  totalMs?: number;
}

export interface QueryResultsPage {
  /** Column names (ResultSetMetadata). */
  columns: string[];
  /** Every row of the page as text (null for SQL NULL), the header row included on the first page. */
  rows: Array<Array<string | null>>;
  nextToken?: string;
}

export interface StartQueryInput {
  sql: string;
  workGroup: string;
  database: string;
  catalog?: string;
}

export interface AthenaApi {
  startQuery(input: StartQueryInput): Promise<string>;
  getQueryExecution(id: string): Promise<QueryExecutionInfo>;
  /** One page of results (up to 1,000 rows, Athena's maximum). */
  getQueryResults(id: string, nextToken?: string): Promise<QueryResultsPage>;
  stopQuery(id: string): Promise<void>;
}

export const RESULTS_PAGE_SIZE = 1000;

export function createAthena(settings: ClientSettings): AthenaApi {
  const client = new AthenaClient(settings.clientConfig);
  return {
    async startQuery({ sql, workGroup, database, catalog = 'AwsDataCatalog' }) {
      const out = await callAws(settings, `starting an Athena query in workgroup ${workGroup} (athena:StartQueryExecution)`, () =>
        client.send(
          new StartQueryExecutionCommand({
            QueryString: sql,
            WorkGroup: workGroup,
            QueryExecutionContext: { Catalog: catalog, Database: database },
          }),
        ),
      );
      if (!out.QueryExecutionId) throw new Error('StartQueryExecution returned no QueryExecutionId');
      return out.QueryExecutionId;
    },

    async getQueryExecution(id) {
      const out = await callAws(settings, `reading the state of Athena query ${id} (athena:GetQueryExecution)`, () =>
        client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const q = out.QueryExecution;
      const status = q?.Status;
      const info: QueryExecutionInfo = {
        id,
        state: (status?.State ?? 'QUEUED') as QueryState,
        dataScannedBytes: q?.Statistics?.DataScannedInBytes ?? 0,
      };
      if (status?.StateChangeReason) info.stateChangeReason = status.StateChangeReason;
      const err = status?.AthenaError;
      if (err?.ErrorCategory !== undefined) info.errorCategory = err.ErrorCategory;
      if (err?.ErrorType !== undefined) info.errorType = err.ErrorType;
      if (err?.Retryable !== undefined) info.retryable = err.Retryable;
      if (!info.stateChangeReason && err?.ErrorMessage) info.stateChangeReason = err.ErrorMessage;
      if (q?.Statistics?.EngineExecutionTimeInMillis !== undefined) info.engineMs = q.Statistics.EngineExecutionTimeInMillis;
      if (q?.Statistics?.TotalExecutionTimeInMillis !== undefined) info.totalMs = q.Statistics.TotalExecutionTimeInMillis;
      return info;
    },

    async getQueryResults(id, nextToken) {
      const out = await callAws(settings, `reading the results of Athena query ${id} (athena:GetQueryResults)`, () =>
        client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: nextToken, MaxResults: RESULTS_PAGE_SIZE })),
      );
      const page: QueryResultsPage = {
        columns: (out.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? ''),
        rows: (out.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null)),
      };
      if (out.NextToken) page.nextToken = out.NextToken;
      return page;
    },

    async stopQuery(id) {
      await callAws(settings, `stopping Athena query ${id} (athena:StopQueryExecution)`, () =>
        client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })),
      );
    },
  };
}
