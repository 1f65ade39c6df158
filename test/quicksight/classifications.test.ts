/**
 * The report and the dashboard classify requests from one definition (src/core/classifications.ts):
 * the dashboard's calculated fields are generated from the same lists the report's SQL is.
 */
import { describe, expect, it } from 'vitest';
import { AUTH_METHODS, BACKEND_ERROR, CLIENT_ERROR_TYPES, NO_AUTH, OTHER_GATEWAY_ERROR } from '../../src/core/classifications.js';
import { CALCULATED_FIELDS } from '../../src/template/quicksight/definition/fields.js';
import { datasetColumn } from '../../src/template/quicksight/columns.js';
import { compileReport } from '../../src/core/questions/compile.js';
import { ATHENA } from '../../src/core/questions/dialect.js';
import { NO_FILTERS } from '../../src/core/questions/filters.js';

describe('one classification for the report and the dashboard', () => {
  it('the dashboard authentication field has every method, in the report order, then the fallback', () => {
    const expr = CALCULATED_FIELDS.authMethod.expression;
    const labels = [...expr.matchAll(/, '([^']+)'/g)].map((m) => m[1]);
    expect(labels).toEqual([...AUTH_METHODS.map((m) => m.label), NO_AUTH]);
    for (const m of AUTH_METHODS) for (const k of m.anyPresent) expect(expr).toContain(`isNotNull({${k.toLowerCase()}})`);
  });

  it('the dashboard error-type field has every type, in the report order, then the two fallbacks', () => {
    const expr = CALCULATED_FIELDS.errorType.expression;
    const labels = [...expr.matchAll(/, '([^']+)'/g)].map((m) => m[1]);
    expect(labels).toEqual([...CLIENT_ERROR_TYPES.map((t) => t.label), OTHER_GATEWAY_ERROR, BACKEND_ERROR]);
    for (const t of CLIENT_ERROR_TYPES) for (const r of t.responseTypes) expect(expr).toContain(`{errorresponsetype} = '${r}'`);
  });

  it('every column a calculated field names is a dataset column', () => {
    for (const f of Object.values(CALCULATED_FIELDS)) {
      for (const m of f.expression.matchAll(/\{([a-z0-9_]+)\}/g)) expect(datasetColumn(m[1]!), `${f.name} uses {${m[1]}}`).toBeTruthy();
    }
  });

  it('the report SQL classifies with the same labels and response types', () => {
    const { sql } = compileReport({ dialect: ATHENA, source: { from: 'db.access_logs', where: [] }, window: null, filters: NO_FILTERS, top: 10 });
    for (const m of AUTH_METHODS) expect(sql).toContain(`THEN '${m.label}'`);
    for (const t of CLIENT_ERROR_TYPES) expect(sql).toContain(`WHEN errorResponseType IN (${t.responseTypes.map((r) => `'${r}'`).join(', ')}) THEN '${t.label}'`);
  });
});
