/**
 * DuckDB for tests that run the stack's SQL: an in-memory connection opened before a file's (or
 * describe's) tests and closed after them, and the DuckDB type of a raw-table column, from the log
 * format's field list (src/core/log-format.ts) rather than a list of its own.
 */
import { afterAll, beforeAll } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { RECORD_FIELDS } from '../../src/core/log-format.js';

/** Registers the hooks; call the returned function inside a test for the open connection. */
export function useDuckDb(): () => DuckDBConnection {
  let db: DuckDBInstance | undefined;
  let c: DuckDBConnection | undefined;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
    c = await db.connect();
  });
  afterAll(() => {
    c?.closeSync();
    db?.closeSync();
  });
  return () => {
    if (!c) throw new Error('useDuckDb: the connection opens in beforeAll; use it inside a test');
    return c;
  };
}

const NUMERIC_COLUMNS = new Set(RECORD_FIELDS.filter((f) => f.type !== 'string').map((f) => f.key.toLowerCase()));

/** The DuckDB type a raw-table column is declared with: BIGINT for the numeric fields, VARCHAR for the rest. */
export const rawColumnType = (name: string): 'BIGINT' | 'VARCHAR' => (NUMERIC_COLUMNS.has(name) ? 'BIGINT' : 'VARCHAR');
