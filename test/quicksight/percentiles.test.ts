/**
 * Latency percentiles from the rollup's cumulative histograms (definition/fields.ts): the SQL twin
 * of the QuickSight expression, run in DuckDB over the rollup the stack builds, lands in the bucket
 * of the exact percentile of the raw rows, and is null where the metric has no value.
 */
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { LATENCY_BOUNDS_MS, rollupSelectSql } from '../../src/core/rollup.js';
import { percentileExpression, PERCENTILES } from '../../src/template/quicksight/definition/fields.js';

const NULLS = ['apiid', 'stage', 'domainname', 'httpmethod', 'resourcepath', 'errorresponsetype', 'errormessage', 'wafresponsecode', 'usageplanname', 'customerid', 'apikeyname', 'identityapikeyid', 'identitycognitoidentityid', 'identityuserarn', 'sub', 'authorizerprincipalid', 'eventtype', 'apikind', 'integrationerror'];

describe('percentiles from the rollup histograms', () => {
  it('match the exact percentile to within one bucket, per group and over all groups, and are null without values', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      // Two route keys with different latency spreads; no authorizer latency at all.
      await c.run(
        `CREATE TABLE raw AS SELECT ${NULLS.map((x) => `NULL::VARCHAR AS ${x}`).join(', ')}, CASE WHEN i % 3 = 0 THEN 'slow' ELSE 'fast' END AS routekey,
         200 AS status, 200 AS integrationstatus, NULL::INTEGER AS authorizestatus, NULL::INTEGER AS authorizerstatus, 1700000000000 + i * 1000 AS requesttimeepoch,
         (CASE WHEN i % 3 = 0 THEN 100 + (i * 7919) % 4000 ELSE 1 + (i * 104729) % 90 END)::INTEGER AS responselatency,
         ((i * 31) % 300)::INTEGER AS integrationlatency, NULL::INTEGER AS authorizerlatency FROM range(20000) t(i)`,
      );
      await c.run(`CREATE TABLE rollup AS ${rollupSelectSql('raw', 'true')}`);
      const lowerBound = (b: number): number => LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.indexOf(b) - 1] ?? 0;
      for (const p of PERCENTILES) {
        const fromRollup = (await c.runAndReadAll(`SELECT routekey, ${percentileExpression('responselatency', p, 'sql')} AS v, ${percentileExpression('authorizerlatency', p, 'sql')} AS a FROM rollup GROUP BY ROLLUP (routekey)`)).getRowObjectsJS();
        const exact = (await c.runAndReadAll(`SELECT routekey, quantile_disc(responselatency, ${p / 100}) AS v FROM raw GROUP BY ROLLUP (routekey)`)).getRowObjectsJS();
        expect(fromRollup).toHaveLength(3);
        for (const r of fromRollup) {
          const e = Number(exact.find((x) => x.routekey === r.routekey)!.v);
          const bound = Number(r.v);
          expect(LATENCY_BOUNDS_MS, `p${p} ${String(r.routekey)}`).toContain(bound);
          // The reported bound is the bucket the exact value falls in: lower bound < exact <= bound.
          expect(e, `p${p} ${String(r.routekey)}`).toBeLessThanOrEqual(bound);
          expect(e, `p${p} ${String(r.routekey)}`).toBeGreaterThan(lowerBound(bound));
          expect(r.a, 'no authorizer latency at all').toBeNull();
        }
      }
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  it('renders one ifelse for QuickSight, naming only the metric\'s count, sum and histogram columns', () => {
    const e = percentileExpression('integrationlatency', 90);
    expect(e.startsWith('ifelse(sum({integrationlatency_le_1}) > 0 AND sum({integrationlatency_le_1}) >= 0.9 * sum({integrationlatency_count}), 1, ')).toBe(true);
    expect(e.endsWith(', sum({integrationlatency_sum}) * 0 + 60000)')).toBe(true);
    expect(new Set([...e.matchAll(/\{([a-z0-9_]+)\}/g)].map((m) => m[1]!.replace(/_le_\d+$/, '_le')))).toEqual(new Set(['integrationlatency_le', 'integrationlatency_count', 'integrationlatency_sum']));
  });
});
