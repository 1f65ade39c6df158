/**
 * Columns, calculated fields and the field-well entries built on them. Every column name goes
 * through `column()`, which refuses a name the visual's dataset does not declare (datasets.ts), so a
 * typo, or a column of the wrong dataset, fails when the definition is built (in every test), not
 * when CloudFormation creates the dashboard.
 */
import type {
  CalculatedField,
  ColumnIdentifier,
  DimensionField,
  MeasureField,
  NumericalAggregationFunction,
  TimeGranularity,
} from '@aws-sdk/client-quicksight';
import { histogramColumn, LATENCY_BOUNDS_MS, latencyCountColumn, latencySumColumn, LATENCY_METRICS } from '../../../core/rollup.js';
import { BACKEND_ERROR, CLIENT_ERROR_TYPES, OTHER_GATEWAY_ERROR } from '../../../core/classifications.js';
import { LOG_DATE_COLUMN, REQUEST_TIME_COLUMN } from '../columns.js';
import { columnOf, DATASET_IDS, FIRST_SEEN_COLUMN, LAST_SEEN_COLUMN, type DatasetId } from '../datasets.js';

const q = (text: string): string => `'${text.replace(/'/g, "\\'")}'`;

/** `ifelse({errorresponsetype} = 'X' OR ..., 'label', ..., isNotNull(...), 'Other…', 'Backend')` from CLIENT_ERROR_TYPES. */
export function errorTypeExpression(): string {
  const branches = CLIENT_ERROR_TYPES.map((t) => `${t.responseTypes.map((r) => `{errorresponsetype} = ${q(r)}`).join(' OR ')}, ${q(t.label)}`);
  return `ifelse(${branches.join(', ')}, isNotNull({errorresponsetype}), ${q(OTHER_GATEWAY_ERROR)}, ${q(BACKEND_ERROR)})`;
}

export type Percentile = 50 | 90 | 99;
export const PERCENTILES: readonly Percentile[] = [50, 90, 99];

/** The name of the calculated field that is a latency metric's percentile, e.g. `responselatency_p90`. */
export const percentileField = (metric: string, p: Percentile): string => `${metric}_p${p}`;

/**
 * A percentile from the rollup's cumulative histogram: the first bound whose summed counter reaches
 * p x the summed count, reported as that bound (so within one bucket, about 25 %, above the true
 * value). `sum(le) > 0` keeps a group without any value of the metric (no authorizer) out of every
 * branch, and the last branch, `sum(<metric>_sum) * 0 + 60000`, is null for such a group and 60 s
 * for a percentile above the last bound. Rendered for QuickSight (`ifelse`) and as SQL (`CASE`,
 * which the tests run in DuckDB against exact percentiles).
 */
export function percentileExpression(metric: string, p: Percentile, dialect: 'quicksight' | 'sql' = 'quicksight'): string {
  const ref = (c: string): string => (dialect === 'quicksight' ? `{${c}}` : `"${c}"`);
  const sum = (c: string): string => `sum(${ref(c)})`;
  const share = `${p / 100} * ${sum(latencyCountColumn(metric))}`;
  const branches = LATENCY_BOUNDS_MS.map((b) => {
    const le = sum(histogramColumn(metric, b));
    return [`${le} > 0 AND ${le} >= ${share}`, String(b)] as const;
  });
  const last = `${sum(latencySumColumn(metric))} * 0 + ${LATENCY_BOUNDS_MS.at(-1)}`;
  if (dialect === 'sql') return `CASE ${branches.map(([c, v]) => `WHEN ${c} THEN ${v}`).join(' ')} ELSE ${last} END`;
  return `ifelse(${branches.map(([c, v]) => `${c}, ${v}`).join(', ')}, ${last})`;
}

/** A share of requests: `sum(ifelse(<status range>, {requests}, 0)) / sum({requests})`. */
const statusShare = (condition: string): string => `sum(ifelse(${condition}, {requests}, 0)) / sum({requests})`;

interface CalculatedSpec {
  name: string;
  expression: string;
  type: 'STRING' | 'DECIMAL';
  dataset: DatasetId;
}

/**
 * Calculated fields of the dashboard (QuickSight expressions), each on the rollup dataset. Under
 * direct query QuickSight turns them into SQL for Athena, so they use only functions that
 * translate: ifelse, isNotNull and sum. The controls' computed columns (route, status code,
 * consumer, caller) are dataset columns instead (columns.ts), so one filter reaches every dataset.
 */
export const CALCULATED_FIELDS = {
  statusClass: {
    name: 'statusclass',
    expression: "ifelse({status} >= 500, '5xx', {status} >= 400, '4xx', {status} >= 300, '3xx', {status} >= 200, '2xx', 'other')",
    type: 'STRING',
    dataset: DATASET_IDS.hourly,
  },
  /** Why API Gateway answered a request itself (4xx by type): the report's list too. */
  errorType: { name: 'errortype', expression: errorTypeExpression(), type: 'STRING', dataset: DATASET_IDS.hourly },
  /** API Gateway's two kinds of 429: a usage plan's quota, and throttling (stage, method or plan rate). */
  limitEvent: {
    name: 'limitevent',
    expression: "ifelse({errorresponsetype} = 'QUOTA_EXCEEDED', 'Quota exceeded', {errorresponsetype} = 'THROTTLED', 'Throttled', 'Other')",
    type: 'STRING',
    dataset: DATASET_IDS.hourly,
  },
  clientErrorRate: { name: 'clienterrorrate', expression: statusShare('{status} >= 400 AND {status} < 500'), type: 'DECIMAL', dataset: DATASET_IDS.hourly },
  serverErrorRate: { name: 'servererrorrate', expression: statusShare('{status} >= 500'), type: 'DECIMAL', dataset: DATASET_IDS.hourly },
} as const satisfies Record<string, CalculatedSpec>;

/** The nine latency percentiles (p50, p90, p99 of each metric), on the rollup dataset. */
export const PERCENTILE_FIELDS: readonly CalculatedSpec[] = LATENCY_METRICS.flatMap((m) =>
  PERCENTILES.map((p) => ({ name: percentileField(m, p), expression: percentileExpression(m, p), type: 'DECIMAL' as const, dataset: DATASET_IDS.hourly })),
);

export type CalculatedFieldKey = keyof typeof CALCULATED_FIELDS;

/** Every calculated field of the dashboard. */
export const ALL_CALCULATED: readonly CalculatedSpec[] = [...Object.values(CALCULATED_FIELDS), ...PERCENTILE_FIELDS];
const CALCULATED_BY_NAME = new Map<string, CalculatedSpec>(ALL_CALCULATED.map((c) => [c.name, c]));

/** The calculated field of that name, if there is one. */
export function calculatedField(name: string): CalculatedSpec | undefined {
  return CALCULATED_BY_NAME.get(name);
}

/** Calculated fields whose expression aggregates: they go into field wells without an aggregation. */
export const AGGREGATED_CALCULATIONS = new Set<string>([
  CALCULATED_FIELDS.clientErrorRate.name,
  CALCULATED_FIELDS.serverErrorRate.name,
  ...PERCENTILE_FIELDS.map((c) => c.name),
]);

export function calculatedFields(): CalculatedField[] {
  return ALL_CALCULATED.map((c) => ({ DataSetIdentifier: c.dataset, Name: c.name, Expression: c.expression }));
}

/** A reference to a column or calculated field of a dataset; throws on any other name. */
export function column(name: string, dataset: DatasetId): ColumnIdentifier {
  if (!columnOf(dataset, name) && calculatedField(name)?.dataset !== dataset) {
    throw new Error(`The dashboard refers to "${name}", which is neither a column nor a calculated field of the ${dataset} dataset.`);
  }
  return { DataSetIdentifier: dataset, ColumnName: name };
}

export const TIME = REQUEST_TIME_COLUMN;
export const LOG_DATE = LOG_DATE_COLUMN;

/** Field ids are unique in the whole definition: `<visual id>.<role><n>`. The visual's dataset comes with them. */
export class FieldIds {
  private n = 0;
  constructor(
    private readonly visualId: string,
    readonly dataset: DatasetId,
  ) {}
  next(role: string): string {
    this.n += 1;
    return `${this.visualId}.${role}${this.n}`;
  }
}

export function categorical(ids: FieldIds, name: string): DimensionField {
  return { CategoricalDimensionField: { FieldId: ids.next('dim'), Column: column(name, ids.dataset) } };
}

export function numericalDimension(ids: FieldIds, name: string): DimensionField {
  return { NumericalDimensionField: { FieldId: ids.next('dim'), Column: column(name, ids.dataset) } };
}

export function dateDimension(ids: FieldIds, granularity: TimeGranularity, name: string = TIME): DimensionField {
  return { DateDimensionField: { FieldId: ids.next('time'), Column: column(name, ids.dataset), DateGranularity: granularity } };
}

/**
 * Number of requests: the sum of the rollup's or the top values' `requests` (the raw dataset would
 * count request ids, never the sample's DISTINCT_COUNT; no aggregate visual reads it).
 */
export function requestCount(ids: FieldIds): MeasureField {
  return numericMeasure(ids, 'requests', 'SUM', 'requests');
}

export type Statistic = 'AVERAGE' | 'MAX' | 'SUM' | 'COUNT' | { percentile: 50 | 90 | 95 | 99 };

function aggregation(stat: Statistic): NumericalAggregationFunction {
  return typeof stat === 'string' ? { SimpleNumericalAggregation: stat } : { PercentileAggregation: { PercentileValue: stat.percentile } };
}

export function numericMeasure(ids: FieldIds, name: string, stat: Statistic, role?: string): MeasureField {
  return {
    NumericalMeasureField: {
      FieldId: ids.next(role ?? (typeof stat === 'string' ? stat.toLowerCase() : `p${stat.percentile}`)),
      Column: column(name, ids.dataset),
      AggregationFunction: aggregation(stat),
      FormatConfiguration: { FormatConfiguration: { NumberDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 0 } } } },
    },
  };
}

/** An aggregated calculated field (a rate, or a percentile in ms), without an aggregation of its own. */
function aggregated(ids: FieldIds, name: string, role: string, format: NonNullable<MeasureField['NumericalMeasureField']>['FormatConfiguration']): MeasureField {
  if (!AGGREGATED_CALCULATIONS.has(name)) throw new Error(`"${name}" is not an aggregated calculated field.`);
  return { NumericalMeasureField: { FieldId: ids.next(role), Column: column(name, ids.dataset), FormatConfiguration: format } };
}

/** A rate, shown as a percentage. */
export function rate(ids: FieldIds, name: string): MeasureField {
  return aggregated(ids, name, 'rate', { FormatConfiguration: { PercentageDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 2 } } } });
}

/** A latency percentile from the rollup's histograms, in whole milliseconds. */
export function percentile(ids: FieldIds, metric: string, p: Percentile): MeasureField {
  return aggregated(ids, percentileField(metric, p), `p${p}`, { FormatConfiguration: { NumberDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 0 } } } });
}

/** First or last time something was seen (the sample's first_seen and last_seen): the rows' first and last request. */
export function timeMeasure(ids: FieldIds, which: 'MIN' | 'MAX'): MeasureField {
  const name = which === 'MIN' ? FIRST_SEEN_COLUMN : LAST_SEEN_COLUMN;
  return { DateMeasureField: { FieldId: ids.next(which === 'MIN' ? 'first' : 'last'), Column: column(name, ids.dataset), AggregationFunction: which } };
}

/** The field id of a dimension or measure, whatever its kind. */
export function fieldId(field: DimensionField | MeasureField): string {
  const inner = Object.values(field).find((v): v is { FieldId: string } => typeof v === 'object' && v !== null && 'FieldId' in v);
  if (!inner) throw new Error('field without an id');
  return inner.FieldId;
}

/** The column of a dimension or measure, whatever its kind. */
export function fieldColumn(field: DimensionField | MeasureField): ColumnIdentifier {
  const inner = Object.values(field).find((v): v is { Column: ColumnIdentifier } => typeof v === 'object' && v !== null && 'Column' in v);
  if (!inner) throw new Error('field without a column');
  return inner.Column;
}
