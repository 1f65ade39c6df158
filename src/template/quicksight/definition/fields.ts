/**
 * Columns, calculated fields and the field-well entries built on them. Every column name goes
 * through `column()`, which refuses a name the dataset does not declare, so a typo fails when the
 * definition is built (in every test), not when CloudFormation creates the dashboard.
 */
import type {
  CalculatedField,
  ColumnIdentifier,
  DimensionField,
  MeasureField,
  NumericalAggregationFunction,
  TimeGranularity,
} from '@aws-sdk/client-quicksight';
import { datasetColumn, LOG_DATE_COLUMN, REQUEST_TIME_COLUMN } from '../columns.js';
import { DATASET_IDENTIFIER } from '../names.js';
import { AUTH_METHODS, BACKEND_ERROR, CLIENT_ERROR_TYPES, NO_AUTH, OTHER_GATEWAY_ERROR } from '../../../core/classifications.js';

const q = (text: string): string => `'${text.replace(/'/g, "\\'")}'`;
const col = (key: string): string => `{${key.toLowerCase()}}`;

/** `ifelse(isNotNull(...) OR ..., 'label', ..., 'None')` from AUTH_METHODS. */
export function authMethodExpression(): string {
  const branches = AUTH_METHODS.map((m) => `${m.anyPresent.map((k) => `isNotNull(${col(k)})`).join(' OR ')}, ${q(m.label)}`);
  return `ifelse(${branches.join(', ')}, ${q(NO_AUTH)})`;
}

/** `ifelse({errorresponsetype} = 'X' OR ..., 'label', ..., isNotNull(...), 'Other…', 'Backend')` from CLIENT_ERROR_TYPES. */
export function errorTypeExpression(): string {
  const branches = CLIENT_ERROR_TYPES.map((t) => `${t.responseTypes.map((r) => `{errorresponsetype} = ${q(r)}`).join(' OR ')}, ${q(t.label)}`);
  return `ifelse(${branches.join(', ')}, isNotNull({errorresponsetype}), ${q(OTHER_GATEWAY_ERROR)}, ${q(BACKEND_ERROR)})`;
}

/**
 * Calculated fields of the dashboard (QuickSight expressions). Under direct query QuickSight turns
 * them into SQL for Athena, so they use only functions that translate: ifelse, concat, coalesce,
 * toString, isNotNull, sum and count.
 */
export const CALCULATED_FIELDS = {
  /**
   * The route as API Gateway matched it: method plus resource path template on REST APIs (not the
   * raw path), the route key on HTTP APIs ("GET /pets/{id}") and WebSocket APIs ("$connect").
   */
  route: {
    name: 'route',
    expression:
      "ifelse(isNotNull({resourcepath}), concat({httpmethod}, ' ', {resourcepath}), isNotNull({routekey}), {routekey}, '(no matching resource)')",
    type: 'STRING',
  },
  statusCode: { name: 'statuscode', expression: 'toString({status})', type: 'STRING' },
  statusClass: {
    name: 'statusclass',
    expression: "ifelse({status} >= 500, '5xx', {status} >= 400, '4xx', {status} >= 300, '3xx', {status} >= 200, '2xx', 'other')",
    type: 'STRING',
  },
  /** The customer, or else the API key's name, or else its id: who a request is billed to. */
  consumer: { name: 'consumer', expression: 'coalesce({customerid}, {apikeyname}, {identityapikeyid})', type: 'STRING' },
  /** The authenticated caller: IAM principal ARN, Cognito user (sub), or Lambda authorizer principal. */
  caller: { name: 'caller', expression: 'coalesce({identityuserarn}, {sub}, {authorizerprincipalid})', type: 'STRING' },
  /** How the caller was identified: generated from the list the report uses (src/core/classifications.ts). */
  authMethod: { name: 'authmethod', expression: authMethodExpression(), type: 'STRING' },
  /** Why API Gateway answered a request itself (4xx by type): the report's list too. */
  errorType: { name: 'errortype', expression: errorTypeExpression(), type: 'STRING' },
  /** API Gateway's two kinds of 429: a usage plan's quota, and throttling (stage, method or plan rate). */
  limitEvent: {
    name: 'limitevent',
    expression: "ifelse({errorresponsetype} = 'QUOTA_EXCEEDED', 'Quota exceeded', {errorresponsetype} = 'THROTTLED', 'Throttled', 'Other')",
    type: 'STRING',
  },
  clientErrorRate: {
    name: 'clienterrorrate',
    expression: 'sum(ifelse({status} >= 400 AND {status} < 500, 1, 0)) / count({requestid})',
    type: 'DECIMAL',
  },
  serverErrorRate: {
    name: 'servererrorrate',
    expression: 'sum(ifelse({status} >= 500, 1, 0)) / count({requestid})',
    type: 'DECIMAL',
  },
} as const satisfies Record<string, { name: string; expression: string; type: 'STRING' | 'DECIMAL' }>;

export type CalculatedFieldKey = keyof typeof CALCULATED_FIELDS;

const CALCULATED_NAMES = new Set<string>(Object.values(CALCULATED_FIELDS).map((c) => c.name));

/** Calculated fields whose expression aggregates: they go into field wells without an aggregation. */
export const AGGREGATED_CALCULATIONS = new Set<string>([CALCULATED_FIELDS.clientErrorRate.name, CALCULATED_FIELDS.serverErrorRate.name]);

export function calculatedFields(): CalculatedField[] {
  return Object.values(CALCULATED_FIELDS).map((c) => ({ DataSetIdentifier: DATASET_IDENTIFIER, Name: c.name, Expression: c.expression }));
}

/** A reference to a dataset column or a calculated field; throws on any other name. */
export function column(name: string): ColumnIdentifier {
  if (!datasetColumn(name) && !CALCULATED_NAMES.has(name)) {
    throw new Error(`The dashboard refers to "${name}", which is neither a dataset column nor a calculated field.`);
  }
  return { DataSetIdentifier: DATASET_IDENTIFIER, ColumnName: name };
}

export const TIME = REQUEST_TIME_COLUMN;
export const LOG_DATE = LOG_DATE_COLUMN;

/** Field ids are unique in the whole definition: `<visual id>.<role><n>`. */
export class FieldIds {
  private n = 0;
  constructor(private readonly visualId: string) {}
  next(role: string): string {
    this.n += 1;
    return `${this.visualId}.${role}${this.n}`;
  }
}

export function categorical(ids: FieldIds, name: string): DimensionField {
  return { CategoricalDimensionField: { FieldId: ids.next('dim'), Column: column(name) } };
}

export function numericalDimension(ids: FieldIds, name: string): DimensionField {
  return { NumericalDimensionField: { FieldId: ids.next('dim'), Column: column(name) } };
}

export function dateDimension(ids: FieldIds, granularity: TimeGranularity, name: string = TIME): DimensionField {
  return { DateDimensionField: { FieldId: ids.next('time'), Column: column(name), DateGranularity: granularity } };
}

/** Number of requests: COUNT of the request id (never empty), not the sample's DISTINCT_COUNT. */
export function requestCount(ids: FieldIds): MeasureField {
  return { CategoricalMeasureField: { FieldId: ids.next('requests'), Column: column('requestid'), AggregationFunction: 'COUNT' } };
}

export type Statistic = 'AVERAGE' | 'MAX' | 'SUM' | 'COUNT' | { percentile: 50 | 90 | 95 | 99 };

function aggregation(stat: Statistic): NumericalAggregationFunction {
  return typeof stat === 'string' ? { SimpleNumericalAggregation: stat } : { PercentileAggregation: { PercentileValue: stat.percentile } };
}

export function numericMeasure(ids: FieldIds, name: string, stat: Statistic): MeasureField {
  return {
    NumericalMeasureField: {
      FieldId: ids.next(typeof stat === 'string' ? stat.toLowerCase() : `p${stat.percentile}`),
      Column: column(name),
      AggregationFunction: aggregation(stat),
      FormatConfiguration: { FormatConfiguration: { NumberDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 0 } } } },
    },
  };
}

/** An aggregated calculated field (a rate), shown as a percentage. */
export function rate(ids: FieldIds, name: string): MeasureField {
  if (!AGGREGATED_CALCULATIONS.has(name)) throw new Error(`"${name}" is not an aggregated calculated field.`);
  return {
    NumericalMeasureField: {
      FieldId: ids.next('rate'),
      Column: column(name),
      FormatConfiguration: { FormatConfiguration: { PercentageDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 2 } } } },
    },
  };
}

/** First or last time something was seen (the sample's first_seen and last_seen). */
export function timeMeasure(ids: FieldIds, which: 'MIN' | 'MAX'): MeasureField {
  return { DateMeasureField: { FieldId: ids.next(which === 'MIN' ? 'first' : 'last'), Column: column(TIME), AggregationFunction: which } };
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
