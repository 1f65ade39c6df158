/**
 * The report and the dashboard classify requests from one definition (src/core/classifications.ts):
 * the dashboard's calculated fields are generated from the same lists the report's SQL is.
 */
import { describe, expect, it } from 'vitest';
import { AUTH_METHODS, BACKEND_ERROR, CLIENT_ERROR_TYPES, NO_AUTH, OTHER_GATEWAY_ERROR } from '../../src/core/classifications.js';
import { ALL_CALCULATED, CALCULATED_FIELDS } from '../../src/template/quicksight/definition/fields.js';
import { columnOf } from '../../src/template/quicksight/datasets.js';
import { rollupSelectSql } from '../../src/core/rollup.js';
import { compileReport } from '../../src/core/questions/compile.js';
import { ATHENA } from '../../src/core/questions/dialect.js';
import { NO_FILTERS } from '../../src/core/questions/filters.js';

describe('one classification for the report and the dashboard', () => {
  it('the rollup the dashboard reads computes the authentication method with every method, in the report order, then the fallback', () => {
    const sql = rollupSelectSql('raw', 'true');
    const labels = [...sql.matchAll(/THEN '([^']+)'/g)].map((m) => m[1]);
    expect(labels).toEqual(AUTH_METHODS.map((m) => m.label));
    expect(sql).toContain(`ELSE '${NO_AUTH}' END AS authmethod`);
    for (const m of AUTH_METHODS) for (const k of m.anyPresent) expect(sql).toContain(`${k.toLowerCase()} IS NOT NULL`);
    expect(columnOf('hourly', 'authmethod')).toBeDefined();
  });

  it('the dashboard error-type field has every type, in the report order, then the two fallbacks', () => {
    const expr = CALCULATED_FIELDS.errorType.expression;
    const labels = [...expr.matchAll(/, '([^']+)'/g)].map((m) => m[1]);
    expect(labels).toEqual([...CLIENT_ERROR_TYPES.map((t) => t.label), OTHER_GATEWAY_ERROR, BACKEND_ERROR]);
    for (const t of CLIENT_ERROR_TYPES) for (const r of t.responseTypes) expect(expr).toContain(`{errorresponsetype} = '${r}'`);
  });

  it('every column a calculated field names is a column of its dataset', () => {
    for (const f of ALL_CALCULATED) {
      for (const m of f.expression.matchAll(/\{([a-z0-9_]+)\}/g)) expect(columnOf(f.dataset, m[1]!), `${f.name} uses {${m[1]}}`).toBeTruthy();
    }
  });

  it('the report SQL classifies with the same labels and response types', () => {
    const { sql } = compileReport({ dialect: ATHENA, source: { from: 'db.access_logs', where: [] }, window: null, filters: NO_FILTERS, top: 10 });
    for (const m of AUTH_METHODS) expect(sql).toContain(`THEN '${m.label}'`);
    for (const t of CLIENT_ERROR_TYPES) expect(sql).toContain(`WHEN errorResponseType IN (${t.responseTypes.map((r) => `'${r}'`).join(', ')}) THEN '${t.label}'`);
  });
});
