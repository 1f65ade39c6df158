/**
 * What the hourly rollup refreshes cost: the raw columns each query reads (checked by running its
 * SQL in DuckDB on a table of exactly those columns), and the plan's estimate built on them.
 */
import { describe, expect, it } from 'vitest';
import { rawColumnType, useDuckDb } from '../helpers/duckdb.js';
import { athenaQueryDollars, estimateCost, HOURLY_REFRESH_QUERIES, hourlyRefreshMonthly, MEASURED_PARQUET_BYTES_BY_COLUMN, PRICES, refreshBytesPerRequest } from '../../src/core/cost.js';
import { rollupSelectSql, rollupSourceColumns } from '../../src/core/rollup.js';
import { TOP_VALUES_SOURCE_COLUMNS, topValuesSelectSql } from '../../src/core/top-values.js';

const MB = 1024 ** 2;
const TB = 1024 ** 4;

describe('the columns each refresh query reads', () => {
  const duck = useDuckDb();
  const runsOn = async (columns: readonly string[], sql: (source: string) => string): Promise<boolean> => {
    await duck().run(`CREATE OR REPLACE TABLE narrow (${columns.map((x) => `${x} ${rawColumnType(x)}`).join(', ')})`);
    return duck().run(sql('narrow')).then(
      () => true,
      () => false,
    );
  };
  const cases = [
    { name: 'rollup', columns: rollupSourceColumns(), sql: (s: string) => rollupSelectSql(s, 'true') },
    { name: 'top values', columns: [...TOP_VALUES_SOURCE_COLUMNS], sql: (s: string) => topValuesSelectSql(s, 'true') },
  ];

  it.each(cases)('the $name query reads exactly its listed columns', async ({ columns, sql }) => {
    expect(await runsOn(columns, sql)).toBe(true);
    for (const dropped of columns) expect(await runsOn(columns.filter((x) => x !== dropped), sql), dropped).toBe(false);
  });

  it('are the columns the estimate prices, each with a measured size', () => {
    expect(HOURLY_REFRESH_QUERIES.map((q) => [q.name, [...q.columns].sort()])).toEqual(cases.map((k) => [k.name, [...k.columns].sort()]));
    for (const q of HOURLY_REFRESH_QUERIES) for (const col of q.columns) expect(MEASURED_PARQUET_BYTES_BY_COLUMN[col], col).toBeTypeOf('number');
    expect(() => refreshBytesPerRequest(['nope'])).toThrow(/"nope"/);
  });
});

describe('the hourly refreshes in the cost estimate', () => {
  const bytes = HOURLY_REFRESH_QUERIES.map((q) => refreshBytesPerRequest(q.columns));

  it('bills each query of each hour at least 10 MB, then the bytes of its columns for an hour of requests', () => {
    const minimum = (10 * MB * 5) / TB;
    expect(athenaQueryDollars(0)).toBeCloseTo(minimum, 12);
    expect(hourlyRefreshMonthly(0).athena).toBeCloseTo(2 * 720 * minimum, 9);
    expect(hourlyRefreshMonthly(1e6).athena).toBeCloseTo(2 * 720 * minimum, 9);
    // A billion requests a day: 41.7 million an hour, each query past its minimum.
    const perHour = 1e9 / 24;
    const expected = bytes.reduce((sum, b) => sum + 720 * Math.ceil((perHour * b) / MB) * MB * (5 / TB), 0);
    expect(hourlyRefreshMonthly(1e9).athena).toBeCloseTo(expected, 6);
    expect(hourlyRefreshMonthly(1e9).athena).toBeGreaterThan(3);
    expect(hourlyRefreshMonthly(1e9).athena).toBeLessThan(5);
  });

  it('prices Scheduler\'s invocations, two an hour, at $1.00 per million past the free 14 million', () => {
    expect([PRICES.schedulerPerMillionInvocations, PRICES.schedulerFreeInvocationsPerMonth]).toEqual([1, 14_000_000]);
    expect(hourlyRefreshMonthly(0).scheduler).toBeCloseTo(1440 / 1e6, 12);
  });

  it('adds their minimum to the fixed cost and their scan to the cost per million requests, and says so in the plan', () => {
    const e = estimateCost({ bufferIntervalSeconds: 60, retentionDays: 90, dashboard: false });
    const objects = ((30 * 24 * 3600) / 60) * ((PRICES.s3PutPerThousand + PRICES.dynamicPartitioningPerThousandObjects) / 1000);
    expect(e.fixedMonthly).toBeCloseTo(objects + hourlyRefreshMonthly(0).athena + hourlyRefreshMonthly(0).scheduler, 9);
    expect(e.hourlyRefresh.perMillion).toBeCloseTo(((1e6 * (bytes[0]! + bytes[1]!)) / TB) * 5, 12);
    expect(e.hourlyRefresh.queriesPerMonth).toBe(1440);
    const line = e.lines.find((l) => l.startsWith('Rollups:'));
    expect(line).toMatch(/^Rollups: 2 Athena queries an hour refresh them, reading ~26 bytes of each request; each is billed at least 10 MB, about \$0\.07\/month for both up to ~760,000 requests an hour/);
    expect(line).toContain('$3.57/month at a billion requests a day');
    expect(line).toContain('1,440 invocations a month, free within the account\'s first 14 million, $1.00 per million after');
    expect(e.lines[0]).toMatch(/^Fixed: about \$0\.50\/month .*the hourly rollup queries at their minimum/);
  });
});
