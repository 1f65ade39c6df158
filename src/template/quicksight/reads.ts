/**
 * What each dashboard visual makes Athena read: the Glue columns behind its field wells, its sort,
 * its calculated fields and the fixed filters scoped to it. The scan benchmark (bench/scan.bench.ts)
 * prices a sheet load from this list, and docs/dashboard.md shows it, so neither keeps a hand-made
 * copy of the dashboard.
 *
 * Columns are physical: `requestdatetime` is `requesttimeepoch`, `logdate` is the `dt` partition
 * (which Athena prunes on, and so reads no bytes of), and a calculated field stands for the columns
 * its expression names. The controls' filters are left out: with nothing chosen (the default) they
 * add no predicate to the query QuickSight sends.
 */
import type { FilterGroup, Visual } from '@aws-sdk/client-quicksight';
import { datasetColumn, LOG_DATE_COLUMN, PARTITION_COLUMN, REQUEST_TIME_COLUMN } from './columns.js';
import { buildDashboard, SHEET_FILTERS, type DashboardModel } from './definition/dashboard.js';
import { CALCULATED_FIELDS } from './definition/fields.js';
import { visualId } from './definition/layout.js';

export interface VisualRead {
  sheetId: string;
  visualId: string;
  title: string;
  /** Dataset columns and calculated fields the visual names, sorted. */
  names: string[];
  /** Glue columns the visual's query reads, sorted; the partition column is not among them. */
  columns: string[];
}

const CALCULATED = new Map<string, string>(Object.values(CALCULATED_FIELDS).map((c) => [c.name, c.expression]));

/** The Glue columns a dataset column or calculated field stands for. */
export function physicalColumns(name: string): string[] {
  const expression = CALCULATED.get(name);
  if (expression !== undefined) return [...expression.matchAll(/\{([a-z0-9_]+)\}/g)].flatMap((m) => physicalColumns(m[1]!));
  if (name === LOG_DATE_COLUMN || name === PARTITION_COLUMN) return [];
  if (name === REQUEST_TIME_COLUMN) return ['requesttimeepoch'];
  if (!datasetColumn(name)) throw new Error(`"${name}" is neither a dataset column nor a calculated field`);
  return [name];
}

function columnNames(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) columnNames(v, out);
  else if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    if (typeof obj.ColumnName === 'string' && typeof obj.DataSetIdentifier === 'string') out.add(obj.ColumnName);
    for (const v of Object.values(obj)) columnNames(v, out);
  }
  return out;
}

const CONTROL_FILTER_IDS = new Set<string>(SHEET_FILTERS.map((f) => f.id));

/** Fixed filter groups (no control) that reach this visual. */
function fixedGroupsOf(groups: readonly FilterGroup[], sheetId: string, id: string): FilterGroup[] {
  return groups.filter((g) => {
    const filterIds = (g.Filters ?? []).map((f) => Object.values(f)[0] as { FilterId?: string }).map((f) => f.FilterId ?? '');
    if (filterIds.some((f) => CONTROL_FILTER_IDS.has(f) || f === 'filter-request-id')) return false;
    return (g.ScopeConfiguration?.SelectedSheets?.SheetVisualScopingConfigurations ?? []).some(
      (s) => s.SheetId === sheetId && (s.Scope === 'ALL_VISUALS' || (s.VisualIds ?? []).includes(id)),
    );
  });
}

function titleOf(visual: Visual): string {
  const inner = Object.values(visual)[0] as { Title?: { FormatText?: { PlainText?: string } } };
  return inner.Title?.FormatText?.PlainText ?? '';
}

/** Every visual of the dashboard with the columns its query reads. */
export function visualReads(model: DashboardModel = buildDashboard()): VisualRead[] {
  const groups = model.definition.FilterGroups ?? [];
  return (model.definition.Sheets ?? []).flatMap((sheet) =>
    (sheet.Visuals ?? []).map((visual) => {
      const id = visualId(visual);
      const names = columnNames(visual, new Set());
      for (const g of fixedGroupsOf(groups, sheet.SheetId!, id)) columnNames(g.Filters, names);
      const columns = [...new Set([...names].flatMap(physicalColumns))].sort();
      return { sheetId: sheet.SheetId!, visualId: id, title: titleOf(visual), names: [...names].sort(), columns };
    }),
  );
}
