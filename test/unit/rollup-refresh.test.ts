/**
 * The rollup's scheduled refresh, run in DuckDB with the hour given as literals (DuckDB has no
 * date_format or to_unixtime): one hour's partition in, partition column last, never twice.
 */
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { rawColumnType } from '../helpers/duckdb.js';
import { rollupColumns, rollupInsertSql, rollupSourceColumns, ROLLUP_TABLE_NAME } from '../../src/core/rollup.js';

const HOUR = 1_764_000_000_000 - (1_764_000_000_000 % 3_600_000);

describe('the scheduled refresh of the hourly rollup', () => {
  it('adds the hour from that hour\'s partition only, and a second run adds nothing', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      await c.run('CREATE SCHEMA db');
      const raw = rollupSourceColumns().map((x) => `${x} ${rawColumnType(x)}`);
      await c.run(`CREATE TABLE db.access_logs (${raw.join(', ')}, dt VARCHAR, hour VARCHAR)`);
      const row = (t: number, dt: string, hour: string, latency: number): string =>
        `INSERT INTO db.access_logs BY NAME SELECT 'a1' AS apiid, 'prod' AS stage, 200 AS status, ${t} AS requesttimeepoch, ${latency} AS responselatency, '${dt}' AS dt, '${hour}' AS hour`;
      for (const [t, dt, hour, latency] of [
        [HOUR, '2025-11-24', '16', 5],
        [HOUR + 60_000, '2025-11-24', '16', 50],
        [HOUR - 3_600_000, '2025-11-24', '15', 7],
        [HOUR - 86_400_000, '2025-11-23', '16', 9],
      ] as const) {
        await c.run(row(t, dt, hour, latency));
      }
      const cols = rollupColumns().map((x) => `${x.name} ${x.type === 'string' ? 'VARCHAR' : 'BIGINT'}`);
      await c.run(`CREATE TABLE db.${ROLLUP_TABLE_NAME} (${cols.join(', ')}, dt VARCHAR)`);
      const insert = rollupInsertSql('db', 'access_logs', ROLLUP_TABLE_NAME, { day: "'2025-11-24'", hourOfDay: "'16'", hourMs: String(HOUR) });
      await c.run(insert);
      await c.run(insert);
      const rows = (await c.runAndReadAll(`SELECT hour_ms, requests, responselatency_count, responselatency_sum, dt FROM db.${ROLLUP_TABLE_NAME}`)).getRowObjectsJS();
      expect(rows).toEqual([{ hour_ms: BigInt(HOUR), requests: 2n, responselatency_count: 2n, responselatency_sum: 55n, dt: '2025-11-24' }]);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});
