/**
 * Filters, their scopes and their controls.
 *
 * - Sheet-wide filters with a control (date, domain, stage, ...) are cross-sheet: one filter scoped
 *   to every sheet, so a choice made on one sheet holds on all of them, and each sheet shows it
 *   through a `CrossSheet` control. QuickSight requires that control type for a filter scoped to
 *   more than one sheet; the filter's `DefaultFilterControlConfiguration` says how it looks.
 * - Fixed filters belong to the visuals that need them ("4xx only") and have no control.
 *
 * Every control-backed category filter keeps rows whose column is null (`NullOption: ALL_VALUES`):
 * the sample's NON_NULLS_ONLY silently dropped, for example, every request without an API key as
 * soon as the usage plan control was on the page.
 *
 * The controls' filters apply to all datasets (`CrossDataset: 'ALL_DATASETS'`): each names its
 * column in one dataset (the rollup for dates and lists, so a list's values come from the small
 * rollup table; the raw dataset for the free-text matches), and reaches the visuals of every
 * dataset that declares a column of that name and type (datasets.ts).
 */
import type { Filter, FilterControl, FilterGroup, SheetVisualScopingConfiguration } from '@aws-sdk/client-quicksight';
import type { DatasetId } from '../datasets.js';
import { column, LOG_DATE } from './fields.js';

export type ControlKind = 'relative-date' | 'dropdown' | 'text';

/** A filter the user drives from a control on every sheet. */
export interface SheetFilter {
  id: string;
  title: string;
  column: string;
  kind: ControlKind;
  /** The dataset whose column the filter names. */
  dataset: DatasetId;
}

/** Relative dates on the request's day (the `dt` partition, so Athena reads only those days). */
export function dateFilter(id: string, title: string, lastDays: number, dataset: DatasetId): Filter {
  return {
    RelativeDatesFilter: {
      FilterId: id,
      Column: column(LOG_DATE, dataset),
      AnchorDateConfiguration: { AnchorOption: 'NOW' },
      TimeGranularity: 'DAY',
      MinimumGranularity: 'DAY',
      RelativeDateType: 'LAST',
      RelativeDateValue: lastDays,
      NullOption: 'NON_NULLS_ONLY',
      DefaultFilterControlConfiguration: {
        Title: title,
        ControlOptions: { DefaultRelativeDateTimeOptions: { DisplayOptions: { DateTimeFormat: 'YYYY-MM-DD' } } },
      },
    },
  };
}

/**
 * The last hours of a partition-derived hour column, for one sheet (its control is a sheet-local
 * relative date-time control that carries its own title).
 */
export function lastHoursFilter(id: string, columnName: string, lastHours: number, dataset: DatasetId): Filter {
  return {
    RelativeDatesFilter: {
      FilterId: id,
      Column: column(columnName, dataset),
      AnchorDateConfiguration: { AnchorOption: 'NOW' },
      TimeGranularity: 'HOUR',
      MinimumGranularity: 'HOUR',
      RelativeDateType: 'LAST',
      RelativeDateValue: lastHours,
      NullOption: 'NON_NULLS_ONLY',
    },
  };
}

/** A multi-select list of the column's values; nothing selected means every row, nulls included. */
export function dropdownFilter(id: string, title: string, columnName: string, dataset: DatasetId): Filter {
  return {
    CategoryFilter: {
      FilterId: id,
      Column: column(columnName, dataset),
      Configuration: { FilterListConfiguration: { MatchOperator: 'CONTAINS', SelectAllOptions: 'FILTER_ALL_VALUES', NullOption: 'ALL_VALUES' } },
      DefaultFilterControlConfiguration: {
        Title: title,
        ControlOptions: {
          DefaultDropdownOptions: { Type: 'MULTI_SELECT', DisplayOptions: { SelectAllOptions: { Visibility: 'VISIBLE' } } },
        },
      },
    },
  };
}

/**
 * A free-text "contains" match, for columns with too many values for a list (IPs, callers,
 * request ids): a dropdown would have to load every distinct value first.
 */
export function textFilter(id: string, title: string, columnName: string, dataset: DatasetId): Filter {
  return {
    CategoryFilter: {
      FilterId: id,
      Column: column(columnName, dataset),
      Configuration: { CustomFilterConfiguration: { MatchOperator: 'CONTAINS', SelectAllOptions: 'FILTER_ALL_VALUES', NullOption: 'ALL_VALUES' } },
      DefaultFilterControlConfiguration: {
        Title: title,
        ControlOptions: { DefaultTextFieldOptions: { DisplayOptions: { PlaceholderOptions: { Visibility: 'VISIBLE' } } } },
      },
    },
  };
}

/**
 * The same text match for a filter on one sheet only: its control is a sheet-local text field
 * that carries its own title (default control settings apply to cross-sheet filters only).
 */
export function sheetTextFilter(id: string, columnName: string, match: 'CONTAINS' | 'EQUALS', dataset: DatasetId): Filter {
  return {
    CategoryFilter: {
      FilterId: id,
      Column: column(columnName, dataset),
      Configuration: { CustomFilterConfiguration: { MatchOperator: match, SelectAllOptions: 'FILTER_ALL_VALUES', NullOption: 'ALL_VALUES' } },
    },
  };
}

export function sheetFilter(f: SheetFilter, lastDays = 7): Filter {
  switch (f.kind) {
    case 'relative-date':
      return dateFilter(f.id, f.title, lastDays, f.dataset);
    case 'dropdown':
      return dropdownFilter(f.id, f.title, f.column, f.dataset);
    case 'text':
      return textFilter(f.id, f.title, f.column, f.dataset);
  }
}

/** The control of a cross-sheet filter on one sheet. */
export function crossSheetControl(sheetId: string, filterId: string): FilterControl {
  return { CrossSheet: { FilterControlId: `${sheetId}-${filterId}`, SourceFilterId: filterId } };
}

/** A sheet-local text field (for a filter scoped to that sheet only). */
export function textFieldControl(sheetId: string, filterId: string, title: string): FilterControl {
  return {
    TextField: {
      FilterControlId: `${sheetId}-${filterId}`,
      SourceFilterId: filterId,
      Title: title,
      DisplayOptions: { PlaceholderOptions: { Visibility: 'VISIBLE' }, TitleOptions: { Visibility: 'VISIBLE' } },
    },
  };
}

/** A sheet-local relative date-time control (for a filter scoped to that sheet only). */
export function relativeDateTimeControl(sheetId: string, filterId: string, title: string): FilterControl {
  return {
    RelativeDateTime: {
      FilterControlId: `${sheetId}-${filterId}`,
      SourceFilterId: filterId,
      Title: title,
      DisplayOptions: { DateTimeFormat: 'YYYY-MM-DD HH:00', TitleOptions: { Visibility: 'VISIBLE' } },
    },
  };
}

/** Fixed filters (no control), each on the dataset of the visuals it is scoped to. */
export const fixed = {
  /** Numeric status range, inclusive: 400-499 is "4xx" (the sample matched text containing "4"). */
  statusBetween(id: string, min: number, max: number, dataset: DatasetId): Filter {
    return {
      NumericRangeFilter: {
        FilterId: id,
        Column: column('status', dataset),
        RangeMinimum: { StaticValue: min },
        RangeMaximum: { StaticValue: max },
        IncludeMinimum: true,
        IncludeMaximum: true,
        NullOption: 'NON_NULLS_ONLY',
      },
    };
  },
  /** Rows where the column has a value. */
  notNull(id: string, columnName: string, dataset: DatasetId): Filter {
    return {
      CategoryFilter: {
        FilterId: id,
        Column: column(columnName, dataset),
        Configuration: { FilterListConfiguration: { MatchOperator: 'CONTAINS', SelectAllOptions: 'FILTER_ALL_VALUES', NullOption: 'NON_NULLS_ONLY' } },
      },
    };
  },
  /** Rows whose column is one of the values, exactly. */
  oneOf(id: string, columnName: string, values: string[], dataset: DatasetId): Filter {
    return {
      CategoryFilter: {
        FilterId: id,
        Column: column(columnName, dataset),
        Configuration: { FilterListConfiguration: { MatchOperator: 'CONTAINS', CategoryValues: values, NullOption: 'NON_NULLS_ONLY' } },
      },
    };
  },
};

/**
 * A filter group applying one filter to every visual of the given sheets: of its own dataset only,
 * or of every dataset with a column of that name and type (`ALL_DATASETS`, the controls).
 */
export function allVisualsOf(groupId: string, filter: Filter, sheetIds: string[], crossDataset: 'SINGLE_DATASET' | 'ALL_DATASETS' = 'SINGLE_DATASET'): FilterGroup {
  return {
    FilterGroupId: groupId,
    Filters: [filter],
    ScopeConfiguration: {
      SelectedSheets: { SheetVisualScopingConfigurations: sheetIds.map((SheetId) => ({ SheetId, Scope: 'ALL_VISUALS' })) },
    },
    CrossDataset: crossDataset,
    Status: 'ENABLED',
  };
}

/** A filter group applying one filter to the listed visuals (which may be on several sheets). */
export function selectedVisuals(groupId: string, filter: Filter, visuals: Array<{ sheetId: string; visualId: string }>): FilterGroup {
  const bySheet = new Map<string, string[]>();
  for (const v of visuals) bySheet.set(v.sheetId, [...(bySheet.get(v.sheetId) ?? []), v.visualId]);
  const scopes: SheetVisualScopingConfiguration[] = [...bySheet].map(([SheetId, VisualIds]) => ({ SheetId, Scope: 'SELECTED_VISUALS', VisualIds }));
  return {
    FilterGroupId: groupId,
    Filters: [filter],
    ScopeConfiguration: { SelectedSheets: { SheetVisualScopingConfigurations: scopes } },
    CrossDataset: 'SINGLE_DATASET',
    Status: 'ENABLED',
  };
}
