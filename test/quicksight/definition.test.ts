/**
 * The dashboard definition: structurally sound (the walker), a counterpart for every visual and
 * control of the AWS sample, each of the sample's defects fixed, and what the issue adds.
 */
import { describe, expect, it } from 'vitest';
import type { DashboardVersionDefinition, Filter, FilterGroup, MeasureField, Visual } from '@aws-sdk/client-quicksight';
import { DERIVED, datasetSql } from '../../src/template/quicksight/columns.js';
import { columnOf, DATASETS } from '../../src/template/quicksight/datasets.js';
import { buildDashboard, DATE_FILTER_ID, RAW_WINDOW_FILTER, SHEET_FILTERS, SHEETS } from '../../src/template/quicksight/definition/dashboard.js';
import { CALCULATED_FIELDS, percentileField } from '../../src/template/quicksight/definition/fields.js';
import { GRID_COLUMNS } from '../../src/template/quicksight/definition/layout.js';
import { scopeCovers, visualIdOf, walkDefinition } from './walker.js';

const model = buildDashboard();
// The definition is typed with the SDK's own type: this assignment is checked by `tsc`.
const definition: DashboardVersionDefinition = model.definition;
const sheets = definition.Sheets ?? [];
const groups = definition.FilterGroups ?? [];
const columnNames = Object.fromEntries(Object.values(DATASETS).map((d) => [d.id, d.columns.map((c) => c.name)]));
const walk = (d: DashboardVersionDefinition) => walkDefinition({ definition: d, datasetColumns: columnNames, dateFilterId: DATE_FILTER_ID });
const clone = (): DashboardVersionDefinition => structuredClone(definition);

const allVisuals = sheets.flatMap((s) => (s.Visuals ?? []).map((v) => ({ sheetId: s.SheetId!, visual: v, id: visualIdOf(v) })));

function visual(id: string): Visual {
  const v = allVisuals.find((x) => x.id === id);
  if (!v) throw new Error(`no visual ${id}`);
  return v.visual;
}
function sheetOf(id: string): string {
  return allVisuals.find((x) => x.id === id)!.sheetId;
}
function kindOf(v: Visual): string {
  return Object.keys(v).find((k) => (v as Record<string, unknown>)[k] !== undefined)!;
}
function titleOf(v: Visual): string {
  const inner = Object.values(v)[0] as { Title?: { FormatText?: { PlainText?: string } } };
  return inner.Title?.FormatText?.PlainText ?? '';
}
/** Every column a visual's field wells use, and how (dimension or measure). */
function fields(v: Visual): Array<{ column: string; kind: string; agg?: unknown; granularity?: string; path: string }> {
  const out: Array<{ column: string; kind: string; agg?: unknown; granularity?: string; path: string }> = [];
  const visit = (x: unknown, path: string) => {
    if (Array.isArray(x)) x.forEach((y, i) => visit(y, `${path}[${i}]`));
    else if (x && typeof x === 'object') {
      for (const [k, val] of Object.entries(x)) {
        if (/(Dimension|Measure)Field$|^UnaggregatedField$/.test(k) && val && typeof val === 'object' && 'Column' in val) {
          const f = val as { Column: { ColumnName: string }; AggregationFunction?: unknown; DateGranularity?: string };
          out.push({ column: f.Column.ColumnName, kind: k, agg: f.AggregationFunction, ...(f.DateGranularity ? { granularity: f.DateGranularity } : {}), path: `${path}.${k}` });
        } else visit(val, `${path}.${k}`);
      }
    }
  };
  visit(v, '');
  // Raw tables list plain { FieldId, Column } entries.
  const raw = (v.TableVisual?.ChartConfiguration?.FieldWells?.TableUnaggregatedFieldWells?.Values ?? []).map((f) => ({ column: f.Column!.ColumnName!, kind: 'Unaggregated', path: '' }));
  return [...out, ...raw];
}
const columnsOf = (v: Visual) => fields(v).map((f) => f.column);
/** The fixed (non-control) filters that apply to a visual. */
function fixedFilters(id: string): Filter[] {
  const controlFilters = new Set(SHEET_FILTERS.map((f) => f.id));
  return groups
    .filter((g) => scopeCovers(g, sheetOf(id), id))
    .flatMap((g) => g.Filters ?? [])
    .filter((f) => !controlFilters.has(Object.values(f)[0].FilterId));
}
const statusRanges = (id: string) =>
  fixedFilters(id)
    .map((f) => f.NumericRangeFilter)
    .filter((f) => f?.Column?.ColumnName === 'status')
    .map((f) => [f!.RangeMinimum?.StaticValue, f!.RangeMaximum?.StaticValue, f!.IncludeMinimum, f!.IncludeMaximum]);
const listValues = (id: string, column: string) =>
  fixedFilters(id)
    .map((f) => f.CategoryFilter)
    .filter((f) => f?.Column?.ColumnName === column)
    .map((f) => f!.Configuration?.FilterListConfiguration);
/** Percentiles come from the rollup's histograms, through one calculated field per metric and percentile. */
const hasPercentiles = (v: Visual, metric: string, ps: Array<50 | 90 | 99>) => ps.every((p) => columnsOf(v).includes(percentileField(metric, p)));
/** The dataset every field of a visual comes from. */
const datasetOfVisual = (v: Visual): string[] => [...new Set(JSON.stringify(v).match(/"DataSetIdentifier":"[a-z]+"/g) ?? [])];

describe('the walker', () => {
  it('finds nothing wrong with the dashboard', () => {
    expect(walk(definition)).toEqual([]);
  });

  it('reports a column the dataset does not declare', () => {
    const d = clone();
    const kpi = d.Sheets![0]!.Visuals![0]!.KPIVisual!;
    kpi.ChartConfiguration!.FieldWells!.Values![0]!.NumericalMeasureField!.Column!.ColumnName = 'awsendpointrequestid';
    expect(walk(d)).toEqual([expect.stringContaining('unknown column "awsendpointrequestid"')]);
  });

  it('reports a calculated field reading an unknown column', () => {
    const d = clone();
    d.CalculatedFields![0]!.Expression = 'concat({httpmethod}, {identity.usageplanname})';
    expect(walk(d)).toEqual([expect.stringContaining('unknown column "identity.usageplanname"')]);
  });

  it('reports two visuals, filters or fields with one id', () => {
    const d = clone();
    const [a, b] = d.Sheets![0]!.Visuals!;
    b!.KPIVisual!.VisualId = a!.KPIVisual!.VisualId;
    expect(walk(d)).toContain(`two visuals have the id "${a!.KPIVisual!.VisualId}"`);

    const f = clone();
    (f.FilterGroups![1]!.Filters![0]!.CategoryFilter as { FilterId: string }).FilterId = DATE_FILTER_ID;
    expect(walk(f)).toContain(`two filters have the id "${DATE_FILTER_ID}"`);

    const g = clone();
    const kpis = g.Sheets![0]!.Visuals!.map((v) => v.KPIVisual!);
    kpis[1]!.ChartConfiguration!.FieldWells!.Values![0]!.NumericalMeasureField!.FieldId = kpis[0]!.ChartConfiguration!.FieldWells!.Values![0]!.NumericalMeasureField!.FieldId;
    expect(walk(g).some((p) => p.startsWith('two fields have the id'))).toBe(true);
  });

  it('reports a visual the date filter does not reach', () => {
    const d = clone();
    const date = d.FilterGroups!.find((g) => g.Filters!.some((f) => f.RelativeDatesFilter?.FilterId === DATE_FILTER_ID))!;
    date.ScopeConfiguration!.SelectedSheets!.SheetVisualScopingConfigurations = date.ScopeConfiguration!.SelectedSheets!.SheetVisualScopingConfigurations!.filter(
      (s) => s.SheetId !== SHEETS.latency.id,
    );
    const problems = walk(d).filter((p) => p.includes('date filter'));
    expect(problems).toHaveLength(model.sheets.find((s) => s.id === SHEETS.latency.id)!.visualIds.length);
  });

  it('reports a layout element naming a missing visual, and a visual left out of the layout', () => {
    const d = clone();
    const elements = d.Sheets![1]!.Layouts![0]!.Configuration!.GridLayout!.Elements!;
    const was = elements[0]!.ElementId!;
    elements[0]!.ElementId = 'errors-gone';
    expect(walk(d).sort()).toEqual([`sheet errors: layout element "errors-gone" names no visual of the sheet`, `sheet errors: visual ${was} has no place in the layout`].sort());
  });

  it('reports default control settings on a one-sheet filter, and cross-sheet controls without them', () => {
    const d = clone();
    const local = d.FilterGroups!.find((g) => g.FilterGroupId === 'fg-request-id')!.Filters![0]!.CategoryFilter!;
    local.DefaultFilterControlConfiguration = { Title: 'Request id', ControlOptions: { DefaultTextFieldOptions: {} } };
    expect(walk(d)).toEqual(['filter filter-request-id has default control settings but is on one sheet only']);
    const e = clone();
    delete e.FilterGroups!.find((g) => g.FilterGroupId === 'fg-domain')!.Filters![0]!.CategoryFilter!.DefaultFilterControlConfiguration;
    expect(walk(e)).toEqual(['filter filter-domain has cross-sheet controls but no default control settings']);
  });

  it('reports a control whose filter does not exist, or of the wrong kind for its scope', () => {
    const d = clone();
    d.Sheets![0]!.FilterControls![1]!.CrossSheet!.SourceFilterId = 'filter-nope';
    expect(walk(d)).toEqual([expect.stringContaining('names no filter')]);
    const e = clone();
    const raw = e.Sheets!.find((s) => s.SheetId === SHEETS.raw.id)!;
    const local = raw.FilterControls!.find((c) => c.TextField)!;
    raw.FilterControls!.push({ CrossSheet: { FilterControlId: 'raw-extra', SourceFilterId: local.TextField!.SourceFilterId! } });
    expect(walk(e).sort()).toEqual([
      'filter filter-request-id has cross-sheet controls but no default control settings',
      'sheet raw: control raw-extra must not be a CrossSheet control',
    ]);
  });
});

describe('layout', () => {
  it('keeps every element inside the 36-column grid, without overlaps', () => {
    for (const s of sheets) {
      const cells = new Set<string>();
      for (const e of s.Layouts![0]!.Configuration!.GridLayout!.Elements!) {
        expect(e.ColumnIndex! + e.ColumnSpan!, `${e.ElementId}`).toBeLessThanOrEqual(GRID_COLUMNS);
        for (let c = e.ColumnIndex!; c < e.ColumnIndex! + e.ColumnSpan!; c++)
          for (let r = e.RowIndex!; r < e.RowIndex! + e.RowSpan!; r++) {
            expect(cells.has(`${c},${r}`), `${e.ElementId} overlaps at ${c},${r}`).toBe(false);
            cells.add(`${c},${r}`);
          }
      }
    }
  });
});

/**
 * Every visual of the sample's dashboard (seed-sample.md §3), by the question it answers, and the
 * visual that answers it here. `check` asserts the counterpart really answers it.
 */
const SAMPLE_VISUALS: Array<{ n: number; sample: string; question: string; id: string; check: (v: Visual) => void }> = [
  { n: 1, sample: 'API Requests (KPI)', question: 'How many requests, and is that more than the day before?', id: 'overview-kpi-requests', check: (v) => expect(fields(v)[0]).toMatchObject({ column: 'requests', agg: { SimpleNumericalAggregation: 'SUM' } }) },
  { n: 2, sample: '2xx Requests (KPI)', question: 'How many requests succeeded?', id: 'overview-kpi-2xx', check: (v) => expect(statusRanges(visualIdOf(v))).toEqual([[200, 299, true, true]]) },
  { n: 3, sample: '5xx Errors (KPI)', question: 'How many server errors?', id: 'overview-kpi-5xx', check: (v) => expect(statusRanges(visualIdOf(v))).toEqual([[500, 599, true, true]]) },
  { n: 4, sample: '4xx Errors (KPI)', question: 'How many client errors?', id: 'overview-kpi-4xx', check: (v) => expect(statusRanges(visualIdOf(v))).toEqual([[400, 499, true, true]]) },
  { n: 5, sample: 'Response Latency (ms) (KPI)', question: 'How long do responses take?', id: 'overview-kpi-response-p90', check: (v) => expect(columnsOf(v)).toContain(percentileField('responselatency', 90)) },
  { n: 6, sample: 'Integration Latency (ms) (KPI)', question: 'How long does the backend take?', id: 'overview-kpi-integration-p90', check: (v) => expect(columnsOf(v)).toContain(percentileField('integrationlatency', 90)) },
  { n: 7, sample: 'Athorizer Latency (ms) (KPI)', question: 'How long does authorization take?', id: 'overview-kpi-authorizer-p90', check: (v) => expect(columnsOf(v)).toContain(percentileField('authorizerlatency', 90)) },
  { n: 8, sample: 'By Response Status Code (pie)', question: 'What share of requests gets which status?', id: 'overview-status-codes', check: (v) => expect(v.PieChartVisual?.ChartConfiguration?.FieldWells?.PieChartAggregatedFieldWells?.Values).toHaveLength(1) },
  { n: 9, sample: 'Top domains (bar)', question: 'Which domains get the most requests?', id: 'overview-top-domains', check: (v) => expect(columnsOf(v)).toEqual(['domainname', 'requests']) },
  { n: 10, sample: '30 days API usage by domain (line)', question: 'How does traffic per domain change over time?', id: 'overview-requests-by-domain', check: (v) => expect(v.LineChartVisual?.ChartConfiguration?.FieldWells?.LineChartAggregatedFieldWells?.Colors?.[0]?.CategoricalDimensionField?.Column?.ColumnName).toBe('domainname') },
  { n: 11, sample: 'API Route (line)', question: 'How does traffic per route change over time?', id: 'overview-requests-by-route', check: (v) => expect(columnsOf(v)).toContain(DERIVED.route.name) },
  { n: 12, sample: '4xx Errors (table)', question: 'Which 4xx errors happened, when, where and why?', id: 'errors-4xx-table', check: (v) => { expect(columnsOf(v)).toEqual(expect.arrayContaining(['statuscode', 'domainname', 'httpmethod', 'route', 'errorresponsetype', 'requests'])); expect(statusRanges('errors-4xx-table')).toEqual([[400, 499, true, true]]); } },
  { n: 13, sample: '4xx Errors By Endpoint (stacked bar)', question: 'Which routes produce which 4xx statuses?', id: 'errors-4xx-by-route', check: (v) => { expect(v.BarChartVisual?.ChartConfiguration?.BarsArrangement).toBe('STACKED'); expect(columnsOf(v)).toEqual(['route', 'requests', 'statuscode']); } },
  { n: 14, sample: 'API By Usage Plan (table)', question: 'How much does each usage plan use, per day, domain, route and status?', id: 'consumers-usage-table', check: (v) => expect(columnsOf(v)).toEqual(expect.arrayContaining(['requestdatetime', 'usageplanname', 'domainname', 'route', 'requests'])) },
  { n: 15, sample: 'API Usage By API Key (line)', question: 'How does each API key\'s usage change over time?', id: 'consumers-by-key', check: (v) => { expect(columnsOf(v)).toContain(DERIVED.consumer.name); expect(listValues('consumers-by-key', 'identityapikeyid')).toEqual([expect.objectContaining({ NullOption: 'NON_NULLS_ONLY' })]); } },
  { n: 16, sample: 'Quota limits reached for APIs (table)', question: 'Which consumers hit their quota, on which route, first and last when?', id: 'consumers-limits-table', check: (v) => { expect(fields(v).filter((f) => f.kind === 'DateMeasureField').map((f) => f.agg)).toEqual(['MIN', 'MAX']); expect(listValues('consumers-limits-table', 'errorresponsetype')[0]?.CategoryValues).toEqual(['QUOTA_EXCEEDED', 'THROTTLED']); } },
  { n: 17, sample: 'Quota Usage By Domain (line)', question: 'When are quotas hit, over time?', id: 'consumers-limits-over-time', check: (v) => expect(columnsOf(v)).toContain(CALCULATED_FIELDS.limitEvent.name) },
  { n: 18, sample: 'API call by user agent (line)', question: 'Which clients (user agents) call the API, over time?', id: 'consumers-user-agents-over-time', check: (v) => { expect(columnsOf(v)).toEqual(expect.arrayContaining(['value', 'requests'])); expect(listValues('consumers-user-agents-over-time', 'kind')[0]?.CategoryValues).toEqual(['useragent']); } },
  { n: 19, sample: 'Cognito based access control (table)', question: 'Which Cognito users call most, with how many 4xx and 5xx, first and last when?', id: 'authentication-cognito-table', check: (v) => { expect(columnsOf(v)).toEqual(['caller', 'detail', 'requests', 'client_errors', 'server_errors', 'firstseen', 'lastseen']); expect(listValues('authentication-cognito-table', 'kind')[0]?.CategoryValues).toEqual(['cognito_user']); } },
  { n: 20, sample: 'Authenticated with IAM (table)', question: 'Which IAM principals call most, with how many 4xx and 5xx, first and last when?', id: 'authentication-iam-table', check: (v) => { expect(columnsOf(v)).toEqual(['caller', 'detail', 'requests', 'client_errors', 'server_errors', 'firstseen', 'lastseen']); expect(listValues('authentication-iam-table', 'kind')[0]?.CategoryValues).toEqual(['iam_caller']); } },
  { n: 21, sample: 'Authentication Failed Requests (table)', question: 'Which requests failed authentication or authorization, where, first and last when?', id: 'authentication-failures-table', check: () => expect(listValues('authentication-failures-table', 'statuscode')[0]?.CategoryValues).toEqual(['401', '403']) },
  { n: 22, sample: 'API Latency metrics (line)', question: 'How do response and integration latency change over time?', id: 'latency-response-over-time', check: (v) => { expect(hasPercentiles(v, 'responselatency', [50, 90, 99])).toBe(true); expect(hasPercentiles(visual('latency-integration-over-time'), 'integrationlatency', [50, 90, 99])).toBe(true); } },
  { n: 23, sample: 'Authorizer Latency metric (line)', question: 'How does authorizer latency change over time?', id: 'latency-authorizer-over-time', check: (v) => expect(hasPercentiles(v, 'authorizerlatency', [50, 90, 99])).toBe(true) },
  { n: 24, sample: 'API Latency metrics (table)', question: 'How slow is each route?', id: 'latency-by-route', check: (v) => expect(columnsOf(v)).toEqual(expect.arrayContaining(['route', percentileField('responselatency', 99), percentileField('integrationlatency', 99), percentileField('authorizerlatency', 99)])) },
  { n: 25, sample: 'API raw requests (table)', question: 'What exactly happened on one request?', id: 'raw-requests', check: (v) => expect(v.TableVisual?.ChartConfiguration?.FieldWells?.TableUnaggregatedFieldWells).toBeDefined() },
];

describe('every visual of the AWS sample has a counterpart', () => {
  it('covers all 25, each once', () => {
    expect(SAMPLE_VISUALS.map((s) => s.n)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });
  for (const s of SAMPLE_VISUALS) {
    it(`#${s.n} ${s.sample}: "${s.question}" → ${s.id}`, () => s.check(visual(s.id)));
  }

  it('the raw table shows every column the sample\'s did (under their new names), plus every latency', () => {
    // parse_date, domainname, path, status, identity.usageplanname, identityapikeyid, identity.apikeyname, requestid, sub,
    // identityuser, errorresponsetype, identityuseragent, stage, apiid, ip, authorizeError, authorizerError, errormessage
    const sample = ['requestdatetime', 'domainname', 'path', 'status', 'usageplanname', 'identityapikeyid', 'apikeyname', 'requestid', 'sub', 'identityuser', 'errorresponsetype', 'identityuseragent', 'stage', 'apiid', 'ip', 'authorizeerror', 'authorizererror', 'errormessage'];
    const latencies = ['responselatency', 'integrationlatency', 'authorizerlatency', 'authorizerintegrationlatency', 'authorizelatency'];
    expect(columnsOf(visual('raw-requests'))).toEqual(expect.arrayContaining([...sample, ...latencies]));
    const labels = visual('raw-requests').TableVisual!.ChartConfiguration!.FieldOptions!.SelectedFieldOptions!.map((o) => o.CustomLabel);
    expect(labels).toContain('Request id');
    expect(labels).not.toContain('Request count');
  });
});

/** The sample's 9 controls and what answers each here. */
const SAMPLE_CONTROLS: Array<{ sample: string; filterId: string; column: string; kind: string }> = [
  { sample: 'Date (relative date)', filterId: 'filter-date', column: 'logdate', kind: 'relative-date' },
  { sample: 'Domain', filterId: 'filter-domain', column: 'domainname', kind: 'dropdown' },
  { sample: 'API Status', filterId: 'filter-status', column: 'statuscode', kind: 'dropdown' },
  { sample: 'Path', filterId: 'filter-route', column: 'route', kind: 'dropdown' },
  { sample: 'Usage Plan', filterId: 'filter-usage-plan', column: 'usageplanname', kind: 'dropdown' },
  { sample: 'IP', filterId: 'filter-ip', column: 'ip', kind: 'text' },
  { sample: 'IAM user', filterId: 'filter-caller', column: 'caller', kind: 'text' },
  { sample: 'UserID (Cognito sub)', filterId: 'filter-caller', column: 'caller', kind: 'text' },
  { sample: 'requestid equals', filterId: 'filter-request-id', column: 'requestid', kind: 'text' },
];

function filterById(id: string): { filter: Filter; group: FilterGroup } {
  for (const g of groups) for (const f of g.Filters ?? []) if (Object.values(f)[0].FilterId === id) return { filter: f, group: g };
  throw new Error(`no filter ${id}`);
}

describe('every control of the AWS sample has a counterpart', () => {
  for (const c of SAMPLE_CONTROLS) {
    it(`${c.sample} → ${c.filterId} (${c.kind} on ${c.column})`, () => {
      const { filter } = filterById(c.filterId);
      const f = Object.values(filter)[0] as { Column: { ColumnName: string }; DefaultFilterControlConfiguration?: { ControlOptions?: Record<string, unknown> } };
      expect(f.Column.ColumnName).toBe(c.column);
      const controlled = sheets.some((s) => (s.FilterControls ?? []).some((ctl) => Object.values(ctl)[0].SourceFilterId === c.filterId));
      expect(controlled).toBe(true);
      if (c.kind === 'relative-date') expect(filter.RelativeDatesFilter).toBeDefined();
      if (c.kind === 'text') expect(filter.CategoryFilter?.Configuration?.CustomFilterConfiguration).toBeDefined();
      if (c.kind === 'dropdown') expect(f.DefaultFilterControlConfiguration?.ControlOptions?.DefaultDropdownOptions).toBeDefined();
    });
  }

  it('the caller control matches IAM principals, Cognito users and Lambda-authorizer principals', () => {
    expect(DERIVED.caller.sql).toBe('COALESCE("identityuserarn", "sub", "authorizerprincipalid")');
    // The top callers' dataset declares the caller too, so the control reaches the top Cognito and IAM tables.
    expect(columnOf('top', 'caller')?.sql).toBe(`CASE WHEN "kind" IN ('cognito_user', 'iam_caller') THEN "value" END`);
  });
});

describe('the sample\'s defects are fixed', () => {
  const statusColumns = new Set(['status', 'statuscode', 'statusclass']);

  it('matches status classes by numeric range or whole codes, never by text containing "4"', () => {
    for (const g of groups) {
      for (const f of g.Filters ?? []) {
        const cat = f.CategoryFilter;
        if (!cat || !statusColumns.has(cat.Column?.ColumnName ?? '')) continue;
        expect(cat.Configuration?.CustomFilterConfiguration, cat.FilterId).toBeUndefined();
        expect(cat.Configuration?.CustomFilterListConfiguration, cat.FilterId).toBeUndefined();
        for (const v of cat.Configuration?.FilterListConfiguration?.CategoryValues ?? []) expect(v).toMatch(/^[1-5]\d\d$/);
      }
    }
    const fourXx = ['overview-kpi-4xx', 'errors-4xx-by-route', 'errors-4xx-table'];
    for (const id of fourXx) expect(statusRanges(id), id).toEqual([[400, 499, true, true]]);
    expect(CALCULATED_FIELDS.statusClass.expression).toContain('{status} >= 400');
  });

  it('hard-codes no domain (or any other value of the data) into a filter', () => {
    const values = groups.flatMap((g) => g.Filters ?? []).flatMap((f) => [
      ...(f.CategoryFilter?.Configuration?.FilterListConfiguration?.CategoryValues ?? []),
      f.CategoryFilter?.Configuration?.CustomFilterConfiguration?.CategoryValue ?? '',
    ]);
    for (const v of values) expect(v).not.toMatch(/execute-api|amazonaws\.com|\./);
    const domainFilters = groups.flatMap((g) => g.Filters ?? []).filter((f) => f.CategoryFilter?.Column?.ColumnName === 'domainname');
    expect(domainFilters.map((f) => f.CategoryFilter!.FilterId)).toEqual(['filter-domain']);
  });

  it('shows throttling beside quota, told apart by the gateway response type', () => {
    const v = visual('consumers-limits-over-time');
    expect(listValues('consumers-limits-over-time', 'errorresponsetype')[0]?.CategoryValues).toEqual(['QUOTA_EXCEEDED', 'THROTTLED']);
    expect(v.LineChartVisual?.ChartConfiguration?.FieldWells?.LineChartAggregatedFieldWells?.Colors?.[0]?.CategoricalDimensionField?.Column?.ColumnName).toBe(CALCULATED_FIELDS.limitEvent.name);
    expect(CALCULATED_FIELDS.limitEvent.expression).toMatch(/QUOTA_EXCEEDED.*THROTTLED/);
  });

  it('groups by route (method + resource path template), never by the raw path, except in the raw table', () => {
    expect(DERIVED.route.sql).toContain('concat("httpmethod", \' \', "resourcepath")');
    for (const { id, visual: v } of allVisuals) {
      if (id === 'raw-requests') continue;
      expect(columnsOf(v), id).not.toContain('path');
    }
  });

  it('puts every visual under the date filter, the quota chart included', () => {
    for (const { id, sheetId } of allVisuals) {
      const covered = groups.some((g) => g.Filters?.some((f) => f.RelativeDatesFilter?.FilterId === DATE_FILTER_ID) && scopeCovers(g, sheetId, id));
      expect(covered, id).toBe(true);
    }
  });

  it('draws time by hour or day (never by minute), and sorts time ascending on charts', () => {
    const granularities = new Set(allVisuals.flatMap(({ visual: v }) => fields(v).map((f) => f.granularity).filter(Boolean)));
    expect([...granularities].sort()).toEqual(['DAY', 'HOUR']);
    for (const { id, visual: v } of allVisuals.filter((x) => x.visual.LineChartVisual)) {
      expect(v.LineChartVisual!.ChartConfiguration!.SortConfiguration!.CategorySort![0]!.FieldSort!.Direction, id).toBe('ASC');
      expect(v.LineChartVisual!.ChartConfiguration!.PrimaryYAxisDisplayOptions!.MissingDataConfigurations, id).toEqual([{ TreatmentOption: 'SHOW_AS_ZERO' }]);
    }
  });

  it('spells labels right, and labels the request id as such', () => {
    const text = JSON.stringify(definition);
    for (const typo of ['Athorizer', 'Usahe', 'Responce', 'Request count']) expect(text).not.toContain(typo);
  });

  it('gives every KPI a daily trend, a comparison and a sparkline, so the trend renders', () => {
    const kpis = allVisuals.filter((x) => x.visual.KPIVisual);
    expect(kpis).toHaveLength(11);
    for (const { id, visual: v } of kpis) {
      const c = v.KPIVisual!.ChartConfiguration!;
      expect(c.FieldWells!.TrendGroups![0]!.DateDimensionField?.DateGranularity, id).toBe('DAY');
      expect(c.KPIOptions!.Comparison!.ComparisonMethod, id).toBe('PERCENT_DIFFERENCE');
      expect(c.KPIOptions!.Sparkline, id).toMatchObject({ Visibility: 'VISIBLE', Type: 'AREA' });
    }
  });

  it('counts requests as the sum of the rollups\' request counts, never a DISTINCT_COUNT of the request id', () => {
    const requestMeasures = allVisuals.flatMap(({ visual: v }) => fields(v).filter((f) => f.column === 'requests' && f.kind.endsWith('MeasureField')));
    expect(requestMeasures.length).toBeGreaterThan(20);
    expect(requestMeasures.map((f) => f.agg)).toEqual(requestMeasures.map(() => ({ SimpleNumericalAggregation: 'SUM' })));
    expect(JSON.stringify(definition)).not.toContain('DISTINCT_COUNT');
  });

  it('keeps rows with nulls when a control is left open (the sample\'s NON_NULLS_ONLY dropped requests without a key)', () => {
    for (const f of SHEET_FILTERS.filter((x) => x.kind !== 'relative-date')) {
      const cat = filterById(f.id).filter.CategoryFilter!;
      const cfg = cat.Configuration!.FilterListConfiguration ?? cat.Configuration!.CustomFilterConfiguration!;
      expect(cfg.NullOption, f.id).toBe('ALL_VALUES');
      expect(cfg.SelectAllOptions, f.id).toBe('FILTER_ALL_VALUES');
    }
  });

  it('has no dropdown over a column with unbounded values', () => {
    const unbounded = new Set(['requestid', 'extendedrequestid', 'ip', 'identityuseragent', 'identityuserarn', 'identitycaller', 'sub', 'path', DERIVED.caller.name, 'requestdatetime', 'value']);
    for (const g of groups) {
      for (const f of g.Filters ?? []) {
        const cat = f.CategoryFilter;
        if (cat?.DefaultFilterControlConfiguration?.ControlOptions?.DefaultDropdownOptions) expect(unbounded.has(cat.Column!.ColumnName!), cat.FilterId).toBe(false);
      }
    }
    for (const s of sheets) for (const c of s.FilterControls ?? []) expect(c.Dropdown ?? c.List, s.SheetId).toBeUndefined();
  });
});

describe('what the issue adds', () => {
  const sheetByName = (name: string) => model.sheets.find((s) => s.name === name);

  it('has the seven sheets, in order', () => {
    expect(model.sheets.map((s) => s.name)).toEqual(['Overview', 'Errors', 'Consumers & quota', 'Authentication', 'Latency', 'WebSocket', 'Raw requests']);
    for (const s of model.sheets) expect(s.visualIds.length, s.name).toBeGreaterThan(0);
  });

  it('puts the controls for date, API kind, domain, stage, status, route, usage plan, customer or key, IP and user on every sheet', () => {
    const expected = ['filter-date', 'filter-api-kind', 'filter-domain', 'filter-stage', 'filter-status', 'filter-route', 'filter-usage-plan', 'filter-consumer', 'filter-ip', 'filter-caller'];
    for (const s of sheets) {
      const sources = (s.FilterControls ?? []).map((c) => Object.values(c)[0].SourceFilterId);
      expect(sources.slice(0, expected.length), s.SheetId).toEqual(expected);
    }
    expect(filterById('filter-stage').filter.CategoryFilter!.Column!.ColumnName).toBe('stage');
    expect(filterById('filter-consumer').filter.CategoryFilter!.Column!.ColumnName).toBe(DERIVED.consumer.name);
    expect(sheetByName('Raw requests')!.controlIds).toContain('raw-filter-request-id');
  });

  it('filters every sheet by API kind, counting rows from before the column as REST', () => {
    expect(filterById('filter-api-kind').filter.CategoryFilter!.Column!.ColumnName).toBe('apikind');
    expect(datasetSql('db', 't')).toContain(`COALESCE("apikind", 'REST') AS "apikind"`);
  });

  it('says on the REST-only sheets and visuals that they are REST-only', () => {
    expect(sheetByName('Consumers & quota')).toBeDefined();
    const desc = (name: string) => sheets.find((s) => s.Name === name)!.Description!;
    expect(desc('Consumers & quota')).toContain('REST APIs only: HTTP APIs have no usage plans or API keys');
    expect(desc('Authentication')).toContain('REST APIs only: HTTP and WebSocket access logs carry no WAF decision');
  });

  it('gives WebSocket APIs connections, messages and disconnects over time, by route key, and how disconnects ended, on WebSocket rows only', () => {
    const ws = sheetByName('WebSocket')!;
    expect(ws.visualIds).toEqual([
      'websocket-kpi-connections',
      'websocket-kpi-messages',
      'websocket-kpi-disconnects',
      'websocket-kpi-errors',
      'websocket-events-over-time',
      'websocket-messages-by-route',
      'websocket-top-routes',
      'websocket-disconnects',
      'websocket-integration-latency',
    ]);
    const groups = model.definition.FilterGroups!;
    const only = groups.find((g) => g.FilterGroupId === 'fg-websocket')!;
    expect(only.Filters![0]!.CategoryFilter!.Configuration!.FilterListConfiguration!.CategoryValues).toEqual(['WEBSOCKET']);
    expect(only.ScopeConfiguration!.SelectedSheets!.SheetVisualScopingConfigurations).toEqual([{ SheetId: 'websocket', Scope: 'ALL_VISUALS' }]);
    const scoped = (id: string) => groups.find((g) => g.FilterGroupId === id)!.ScopeConfiguration!.SelectedSheets!.SheetVisualScopingConfigurations![0]!.VisualIds;
    expect(scoped('fg-ws-connect')).toEqual(['websocket-kpi-connections']);
    expect(scoped('fg-ws-disconnect')).toEqual(['websocket-kpi-disconnects', 'websocket-disconnects']);
    expect(scoped('fg-ws-message')).toEqual(['websocket-kpi-messages', 'websocket-messages-by-route', 'websocket-top-routes']);
  });

  it('plots the 4xx and 5xx error rates over time', () => {
    const v = visual('overview-error-rate');
    const values = v.LineChartVisual!.ChartConfiguration!.FieldWells!.LineChartAggregatedFieldWells!.Values!;
    expect(values.map((m: MeasureField) => m.NumericalMeasureField?.Column?.ColumnName)).toEqual([CALCULATED_FIELDS.clientErrorRate.name, CALCULATED_FIELDS.serverErrorRate.name]);
    // Aggregated calculated fields carry no aggregation of their own.
    expect(values.every((m: MeasureField) => m.NumericalMeasureField?.AggregationFunction === undefined)).toBe(true);
    expect(CALCULATED_FIELDS.clientErrorRate.expression).toBe('sum(ifelse({status} >= 400 AND {status} < 500, {requests}, 0)) / sum({requests})');
  });

  it('has p50, p90 and p99 of response, integration and authorizer latency per route and per customer', () => {
    for (const id of ['latency-by-route', 'latency-by-consumer']) {
      for (const column of ['responselatency', 'integrationlatency', 'authorizerlatency']) expect(hasPercentiles(visual(id), column, [50, 90, 99]), `${id} ${column}`).toBe(true);
    }
    expect(columnsOf(visual('latency-by-route'))[0]).toBe(DERIVED.route.name);
    expect(columnsOf(visual('latency-by-consumer'))[0]).toBe(DERIVED.consumer.name);
  });

  it('breaks requests down by authentication method', () => {
    // The rollup computes the method when it is built (src/core/rollup.ts, from the report's list).
    expect(columnsOf(visual('authentication-methods'))).toEqual(['authmethod', 'requests']);
    expect(columnOf('hourly', 'authmethod')).toMatchObject({ type: 'STRING', sql: '"authmethod"' });
  });

  it('shows WAF decisions and the IPs WAF blocked, and the top client IPs', () => {
    expect(columnsOf(visual('authentication-waf-over-time'))).toContain('wafresponsecode');
    // The top values keep the IPs WAF blocked as their own kind (src/core/top-values.ts: wafresponsecode = 'WAF_BLOCK').
    expect(listValues('authentication-waf-blocked-ips', 'kind')[0]?.CategoryValues).toEqual(['waf_blocked_ip']);
    expect(columnsOf(visual('authentication-waf-blocked-ips'))[0]).toBe('ip');
    expect(columnsOf(visual('overview-top-ips'))[0]).toBe('ip');
    expect(listValues('overview-top-ips', 'kind')[0]?.CategoryValues).toEqual(['ip']);
  });

  it('titles every visual', () => {
    for (const { id, visual: v } of allVisuals) expect(titleOf(v).length, id).toBeGreaterThan(3);
    expect(allVisuals.map(({ visual: v }) => kindOf(v))).not.toContain(undefined);
  });
});

describe('a billion requests a day (issue 16): each visual reads the smallest table that answers it', () => {
  const readsOf = (id: string) => datasetOfVisual(visual(id));

  it('reads the raw table on the raw-requests sheet only; every other visual reads the rollup or the top values', () => {
    for (const { id, sheetId, visual: v } of allVisuals) {
      const ds = datasetOfVisual(v);
      expect(ds, id).toHaveLength(1);
      if (sheetId === SHEETS.raw.id) expect(ds, id).toEqual(['"DataSetIdentifier":"logs"']);
      else expect(['"DataSetIdentifier":"hourly"', '"DataSetIdentifier":"top"'], id).toContain(ds[0]);
    }
    expect(definition.DataSetIdentifierDeclarations!.map((d) => d.Identifier)).toEqual(['logs', 'hourly', 'top']);
  });

  it('titles every top-values visual as the busiest per hour, and says which controls reach it', () => {
    const top = allVisuals.filter(({ visual: v }) => readsOf(visualIdOf(v))[0] === '"DataSetIdentifier":"top"');
    expect(top.map((t) => t.id).sort()).toEqual(
      ['overview-top-ips', 'consumers-user-agents-over-time', 'consumers-top-user-agents', 'authentication-waf-blocked-ips', 'authentication-cognito-table', 'authentication-iam-table'].sort(),
    );
    // The controls a subtitle names are the ones whose column the visual's rows carry a value in.
    const reaching: Record<string, string> = {
      'overview-top-ips': 'date, stage and client IP',
      'authentication-waf-blocked-ips': 'date, stage and client IP',
      'authentication-cognito-table': 'date, stage and user',
      'authentication-iam-table': 'date, stage and user',
      'consumers-user-agents-over-time': 'date, stage',
      'consumers-top-user-agents': 'date, stage',
    };
    for (const { id, visual: v } of top) {
      expect(titleOf(v), id).toMatch(/\(busiest per hour\)$/);
      const sub = (Object.values(v)[0] as { Subtitle?: { FormatText?: { PlainText?: string } } }).Subtitle?.FormatText?.PlainText ?? '';
      expect(sub, id).toContain("among that hour's 1,000 busiest");
      expect(sub, id).toContain(`follows the ${reaching[id]} controls only`);
    }
    // Of the controls, the top-values dataset has the date, stage, IP and caller columns, and no other.
    for (const f of SHEET_FILTERS) expect(!!columnOf('top', f.column), f.column).toBe(['logdate', 'stage', 'ip', 'caller'].includes(f.column));
    expect(columnOf('top', 'ip')!.sql).toBe(`CASE WHEN "kind" IN ('ip', 'waf_blocked_ip') THEN "value" END`);
  });

  it('applies every control to all datasets, on a column of one name and one type wherever it is declared', () => {
    for (const f of SHEET_FILTERS) {
      expect(filterById(f.id).group.CrossDataset, f.id).toBe('ALL_DATASETS');
      const types = new Set(Object.values(DATASETS).flatMap((d) => d.columns.filter((c) => c.name === f.column).map((c) => c.type)));
      expect(types.size, f.column).toBe(1);
      // Lists take their values from the rollup (a small table), never from the raw one.
      if (f.kind === 'dropdown') expect(f.dataset, f.id).toBe('hourly');
    }
    for (const name of ['requestdatetime', 'logdate']) for (const d of Object.values(DATASETS)) expect(columnOf(d.id, name)?.type, `${d.id}.${name}`).toBe('DATETIME');
    for (const name of ['route', 'statuscode', 'consumer']) expect(columnOf('hourly', name)?.sql, name).toBe(columnOf('logs', name)?.sql);
  });

  it('opens the raw-requests sheet on the last hour\'s partitions, with a control of its own', () => {
    const { filter, group } = filterById(RAW_WINDOW_FILTER.id);
    expect(filter.RelativeDatesFilter).toMatchObject({ Column: { DataSetIdentifier: 'logs', ColumnName: 'loghour' }, TimeGranularity: 'HOUR', RelativeDateType: 'LAST', RelativeDateValue: 1 });
    expect(group.ScopeConfiguration!.SelectedSheets!.SheetVisualScopingConfigurations).toEqual([{ SheetId: SHEETS.raw.id, Scope: 'ALL_VISUALS' }]);
    expect(columnOf('logs', 'loghour')).toMatchObject({ type: 'DATETIME', reads: [] });
    expect(columnOf('logs', 'loghour')!.sql).toBe(`date_parse(concat("dt", ' ', "hour"), '%Y-%m-%d %H')`);
    const raw = sheets.find((s) => s.SheetId === SHEETS.raw.id)!;
    expect(raw.FilterControls!.map((c) => c.RelativeDateTime?.SourceFilterId).filter(Boolean)).toEqual([RAW_WINDOW_FILTER.id]);
  });

  it('keeps every calculated field within QuickSight\'s 32,000 characters and on the rollup dataset', () => {
    for (const c of definition.CalculatedFields!) {
      expect(c.Expression!.length, c.Name).toBeLessThanOrEqual(32_000);
      expect(c.DataSetIdentifier, c.Name).toBe('hourly');
    }
  });

  it('the walker reports a one-dataset filter scoped to a visual of another dataset', () => {
    const d = clone();
    const g = d.FilterGroups!.find((x) => x.FilterGroupId === 'fg-2xx')!;
    g.Filters![0]!.NumericRangeFilter!.Column!.DataSetIdentifier = 'logs';
    expect(walk(d)).toEqual(['filter group fg-2xx filters logs but visual overview-kpi-2xx reads hourly']);
  });
});
