/**
 * Small builders for the visual types the dashboard uses, typed with the SDK's own definition
 * types (the CloudFormation `Definition` uses the same shapes and the same PascalCase names). Each
 * takes what differs between visuals and fixes the rest: titles, sort order, item limits, legends,
 * zero-filled time series and readable labels.
 */
import type {
  ChartAxisLabelOptions,
  DimensionField,
  MeasureField,
  TableFieldOption,
  TimeGranularity,
  Visual,
  VisualSubtitleLabelOptions,
  VisualTitleLabelOptions,
} from '@aws-sdk/client-quicksight';
import type { DatasetId } from '../datasets.js';
import { categorical, column, dateDimension, fieldColumn, fieldId, FieldIds, TIME } from './fields.js';

export interface VisualText {
  id: string;
  title: string;
  subtitle?: string;
  /** The dataset every field of the visual comes from. */
  dataset: DatasetId;
}

type Measure = (ids: FieldIds) => MeasureField;
type Dimension = (ids: FieldIds) => DimensionField;
/** A measure with the label shown for it (axis, legend entry or column header). */
export type LabelledMeasure = [Measure, string];
export type LabelledDimension = [Dimension, string];

function title(text: string): VisualTitleLabelOptions {
  return { Visibility: 'VISIBLE', FormatText: { PlainText: text } };
}

function subtitle(text: string | undefined): VisualSubtitleLabelOptions {
  return text ? { Visibility: 'VISIBLE', FormatText: { PlainText: text } } : { Visibility: 'HIDDEN' };
}

function measureLabels(measures: Array<[MeasureField, string]>): ChartAxisLabelOptions {
  return {
    Visibility: 'VISIBLE',
    AxisLabelOptions: measures.map(([m, label]) => ({ CustomLabel: label, ApplyTo: { FieldId: fieldId(m), Column: fieldColumn(m) } })),
  };
}

/**
 * A KPI with a trend: the value per day, the latest day's value compared with the day before, and
 * a sparkline. The sample's KPIs asked for a comparison and a sparkline but had no trend field, so
 * only a bare number rendered.
 */
export function kpi(text: VisualText, value: Measure): Visual {
  const ids = new FieldIds(text.id, text.dataset);
  const v = value(ids);
  const trend = dateDimension(ids, 'DAY');
  return {
    KPIVisual: {
      VisualId: text.id,
      Title: title(text.title),
      Subtitle: subtitle(text.subtitle ?? 'Latest day (UTC), change from the day before'),
      ChartConfiguration: {
        FieldWells: { Values: [v], TrendGroups: [trend] },
        SortConfiguration: { TrendGroupSort: [{ FieldSort: { FieldId: fieldId(trend), Direction: 'ASC' } }] },
        KPIOptions: {
          Comparison: { ComparisonMethod: 'PERCENT_DIFFERENCE' },
          PrimaryValueDisplayType: 'ACTUAL',
          TrendArrows: { Visibility: 'VISIBLE' },
          Sparkline: { Visibility: 'VISIBLE', Type: 'AREA', TooltipVisibility: 'VISIBLE' },
        },
      },
      Actions: [],
    },
  };
}

export interface LineOptions extends VisualText {
  granularity: Extract<TimeGranularity, 'HOUR' | 'DAY'>;
  values: LabelledMeasure[];
  /** One line per value of this dimension (at most `colorLimit`, the rest as "Other"). */
  colorBy?: LabelledDimension;
  colorLimit?: number;
  yAxisLabel?: string;
}

/** Values over request time, one line per measure or per value of `colorBy`; gaps drawn as zero. */
export function line(o: LineOptions): Visual {
  const ids = new FieldIds(o.id, o.dataset);
  const x = dateDimension(ids, o.granularity);
  const values = o.values.map(([m, label]) => [m(ids), label] as [MeasureField, string]);
  const color = o.colorBy ? o.colorBy[0](ids) : undefined;
  return {
    LineChartVisual: {
      VisualId: o.id,
      Title: title(o.title),
      Subtitle: subtitle(o.subtitle),
      ChartConfiguration: {
        FieldWells: {
          LineChartAggregatedFieldWells: { Category: [x], Values: values.map(([m]) => m), ...(color ? { Colors: [color] } : {}) },
        },
        SortConfiguration: {
          CategorySort: [{ FieldSort: { FieldId: fieldId(x), Direction: 'ASC' } }],
          ...(color ? { ColorItemsLimitConfiguration: { ItemsLimit: o.colorLimit ?? 10, OtherCategories: 'INCLUDE' } } : {}),
        },
        Type: 'LINE',
        XAxisLabelOptions: { Visibility: 'VISIBLE', AxisLabelOptions: [{ CustomLabel: o.granularity === 'HOUR' ? 'Hour (UTC)' : 'Day (UTC)' }] },
        PrimaryYAxisLabelOptions: o.yAxisLabel
          ? { Visibility: 'VISIBLE', AxisLabelOptions: [{ CustomLabel: o.yAxisLabel }] }
          : measureLabels(values),
        // The sample's sparse series were drawn as long interpolated slopes; a missing hour is zero requests.
        PrimaryYAxisDisplayOptions: { MissingDataConfigurations: [{ TreatmentOption: 'SHOW_AS_ZERO' }] },
        Legend: {
          Visibility: 'VISIBLE',
          Position: 'BOTTOM',
          ...(o.colorBy ? { Title: { Visibility: 'VISIBLE', CustomLabel: o.colorBy[1] } } : {}),
        },
        DataLabels: { Visibility: 'HIDDEN' },
      },
      Actions: [],
    },
  };
}

export interface BarOptions extends VisualText {
  category: LabelledDimension;
  values: LabelledMeasure[];
  /** Stacks or clusters per value of this dimension. */
  colorBy?: LabelledDimension;
  orientation?: 'HORIZONTAL' | 'VERTICAL';
  arrangement?: 'CLUSTERED' | 'STACKED';
  /** Show the top N categories by the first value. */
  limit?: number;
}

/** Top-N bars sorted by the first value, largest first. */
export function bar(o: BarOptions): Visual {
  const ids = new FieldIds(o.id, o.dataset);
  const category = o.category[0](ids);
  const values = o.values.map(([m, label]) => [m(ids), label] as [MeasureField, string]);
  const color = o.colorBy ? o.colorBy[0](ids) : undefined;
  const first = values[0];
  if (!first) throw new Error(`bar ${o.id} has no value`);
  return {
    BarChartVisual: {
      VisualId: o.id,
      Title: title(o.title),
      Subtitle: subtitle(o.subtitle),
      ChartConfiguration: {
        FieldWells: {
          BarChartAggregatedFieldWells: { Category: [category], Values: values.map(([m]) => m), ...(color ? { Colors: [color] } : {}) },
        },
        SortConfiguration: {
          CategorySort: [{ FieldSort: { FieldId: fieldId(first[0]), Direction: 'DESC' } }],
          CategoryItemsLimit: { ItemsLimit: o.limit ?? 10, OtherCategories: 'EXCLUDE' },
          ...(color ? { ColorItemsLimit: { ItemsLimit: 10, OtherCategories: 'INCLUDE' } } : {}),
        },
        Orientation: o.orientation ?? 'HORIZONTAL',
        BarsArrangement: o.arrangement ?? 'CLUSTERED',
        CategoryLabelOptions: { Visibility: 'VISIBLE', AxisLabelOptions: [{ CustomLabel: o.category[1] }] },
        ValueLabelOptions: measureLabels(values),
        Legend: color ? { Visibility: 'VISIBLE', Position: 'BOTTOM', Title: { Visibility: 'VISIBLE', CustomLabel: o.colorBy![1] } } : { Visibility: 'HIDDEN' },
        DataLabels: { Visibility: 'VISIBLE', Overlap: 'DISABLE_OVERLAP' },
      },
      Actions: [],
    },
  };
}

export interface DonutOptions extends VisualText {
  category: LabelledDimension;
  value: LabelledMeasure;
  limit?: number;
}

/** Share of a whole, largest slices first; the value field is explicit (the sample's pie had none). */
export function donut(o: DonutOptions): Visual {
  const ids = new FieldIds(o.id, o.dataset);
  const category = o.category[0](ids);
  const value = o.value[0](ids);
  return {
    PieChartVisual: {
      VisualId: o.id,
      Title: title(o.title),
      Subtitle: subtitle(o.subtitle),
      ChartConfiguration: {
        FieldWells: { PieChartAggregatedFieldWells: { Category: [category], Values: [value] } },
        SortConfiguration: {
          CategorySort: [{ FieldSort: { FieldId: fieldId(value), Direction: 'DESC' } }],
          CategoryItemsLimit: { ItemsLimit: o.limit ?? 10, OtherCategories: 'INCLUDE' },
        },
        DonutOptions: { ArcOptions: { ArcThickness: 'MEDIUM' } },
        CategoryLabelOptions: { Visibility: 'VISIBLE', AxisLabelOptions: [{ CustomLabel: o.category[1] }] },
        ValueLabelOptions: measureLabels([[value, o.value[1]]]),
        Legend: { Visibility: 'VISIBLE', Position: 'RIGHT', Title: { Visibility: 'VISIBLE', CustomLabel: o.category[1] } },
        DataLabels: { Visibility: 'VISIBLE', LabelContent: 'PERCENT', Overlap: 'DISABLE_OVERLAP' },
      },
      Actions: [],
    },
  };
}

export interface TableOptions extends VisualText {
  groupBy: LabelledDimension[];
  values: LabelledMeasure[];
  /** Sort by this value, largest first (default the first value). */
  sortByValue?: number;
  /** Or by the first group-by column (a time), newest first. */
  sortByTimeDesc?: boolean;
  pageSize?: number;
}

function tableFieldOptions(fields: Array<[string, string]>): { SelectedFieldOptions: TableFieldOption[]; Order: string[] } {
  return {
    SelectedFieldOptions: fields.map(([FieldId, CustomLabel]) => ({ FieldId, CustomLabel, Visibility: 'VISIBLE' })),
    Order: fields.map(([id]) => id),
  };
}

/** Grouped rows with aggregated values, every column labelled. */
export function table(o: TableOptions): Visual {
  const ids = new FieldIds(o.id, o.dataset);
  const groupBy = o.groupBy.map(([d, label]) => [d(ids), label] as [DimensionField, string]);
  const values = o.values.map(([m, label]) => [m(ids), label] as [MeasureField, string]);
  const sortField = o.sortByTimeDesc ? groupBy[0]?.[0] : values[o.sortByValue ?? 0]?.[0];
  if (!sortField) throw new Error(`table ${o.id} has nothing to sort by`);
  return {
    TableVisual: {
      VisualId: o.id,
      Title: title(o.title),
      Subtitle: subtitle(o.subtitle),
      ChartConfiguration: {
        FieldWells: { TableAggregatedFieldWells: { GroupBy: groupBy.map(([d]) => d), Values: values.map(([m]) => m) } },
        SortConfiguration: {
          RowSort: [{ FieldSort: { FieldId: fieldId(sortField), Direction: 'DESC' } }],
          PaginationConfiguration: { PageSize: o.pageSize ?? 100, PageNumber: 1 },
        },
        FieldOptions: tableFieldOptions([...groupBy, ...values].map(([f, label]) => [fieldId(f), label])),
      },
      Actions: [],
    },
  };
}

export interface RawTableOptions extends VisualText {
  columns: Array<[string, string]>;
  pageSize?: number;
}

/** One row per request (no grouping), newest first. */
export function rawTable(o: RawTableOptions): Visual {
  const ids = new FieldIds(o.id, o.dataset);
  const fields = o.columns.map(([name, label]) => ({ FieldId: ids.next('col'), Column: column(name, o.dataset), label }));
  const time = fields.find((f) => f.Column.ColumnName === TIME);
  if (!time) throw new Error(`raw table ${o.id} must show ${TIME}`);
  return {
    TableVisual: {
      VisualId: o.id,
      Title: title(o.title),
      Subtitle: subtitle(o.subtitle),
      ChartConfiguration: {
        FieldWells: { TableUnaggregatedFieldWells: { Values: fields.map(({ FieldId, Column }) => ({ FieldId, Column })) } },
        SortConfiguration: {
          RowSort: [{ FieldSort: { FieldId: time.FieldId, Direction: 'DESC' } }],
          PaginationConfiguration: { PageSize: o.pageSize ?? 100, PageNumber: 1 },
        },
        FieldOptions: tableFieldOptions(fields.map((f) => [f.FieldId, f.label])),
      },
      Actions: [],
    },
  };
}

/** Shorthands for the dimension builders, so sheets read as data. */
export const dim = {
  text:
    (name: string): Dimension =>
    (ids) =>
      categorical(ids, name),
  time:
    (granularity: TimeGranularity): Dimension =>
    (ids) =>
      dateDimension(ids, granularity),
};
