/**
 * What each dashboard visual makes Athena read: the dataset and Glue table behind it, and the
 * table's columns behind its field wells, its sort, its calculated fields and the fixed filters
 * scoped to it. The scan benchmark (bench/scan.bench.ts) prices a sheet load from this list, and
 * docs/dashboard/reads.md shows it, so neither keeps a hand-made copy of the dashboard.
 *
 * Columns are physical: `requestdatetime` is `requesttimeepoch` (raw) or `hour_ms` (rollups),
 * `logdate` and `loghour` are partitions (which Athena prunes on, and so reads no bytes of), and a
 * calculated field or computed column stands for the columns its expression names. The controls'
 * filters are left out: with nothing chosen (the default) they add no predicate to the query
 * QuickSight sends, except the date and the raw sheet's hours, which are partitions.
 */
import type { FilterGroup, Visual } from '@aws-sdk/client-quicksight';
import { columnOf, DATASETS, readsOf, type DatasetId } from './datasets.js';
import { buildDashboard, RAW_WINDOW_FILTER, REQUEST_ID_FILTER, SHEET_FILTERS, type DashboardModel } from './definition/dashboard.js';
import { calculatedField } from './definition/fields.js';
import { visualId } from './definition/layout.js';

export interface VisualRead {
  sheetId: string;
  visualId: string;
  title: string;
  /** The dataset the visual's fields come from, and the Glue table that dataset reads. */
  dataset: DatasetId;
  table: string;
  /** Dataset columns and calculated fields the visual names, sorted. */
  names: string[];
  /** Columns of the table the visual's query reads, sorted; partition columns are not among them. */
  columns: string[];
}

/** The table columns a dataset column or calculated field of `dataset` stands for. */
export function physicalColumns(name: string, dataset: DatasetId): string[] {
  const calculated = calculatedField(name);
  if (calculated?.dataset === dataset) return [...calculated.expression.matchAll(/\{([a-z0-9_]+)\}/g)].flatMap((m) => physicalColumns(m[1]!, dataset));
  const column = columnOf(dataset, name);
  if (!column) throw new Error(`"${name}" is neither a column nor a calculated field of the ${dataset} dataset`);
  return [...readsOf(column)];
}

/** Every column reference (dataset and name) in a part of the definition. */
function columnRefs(value: unknown, out: Array<[string, string]>): Array<[string, string]> {
  if (Array.isArray(value)) for (const v of value) columnRefs(v, out);
  else if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    if (typeof obj.ColumnName === 'string' && typeof obj.DataSetIdentifier === 'string') out.push([obj.DataSetIdentifier, obj.ColumnName]);
    for (const v of Object.values(obj)) columnRefs(v, out);
  }
  return out;
}

const CONTROL_FILTER_IDS = new Set<string>([...SHEET_FILTERS.map((f) => f.id), REQUEST_ID_FILTER.id, RAW_WINDOW_FILTER.id]);

/** Fixed filter groups (no control) that reach this visual. */
function fixedGroupsOf(groups: readonly FilterGroup[], sheetId: string, id: string): FilterGroup[] {
  return groups.filter((g) => {
    const filterIds = (g.Filters ?? []).map((f) => Object.values(f)[0] as { FilterId?: string }).map((f) => f.FilterId ?? '');
    if (filterIds.some((f) => CONTROL_FILTER_IDS.has(f))) return false;
    return (g.ScopeConfiguration?.SelectedSheets?.SheetVisualScopingConfigurations ?? []).some(
      (s) => s.SheetId === sheetId && (s.Scope === 'ALL_VISUALS' || (s.VisualIds ?? []).includes(id)),
    );
  });
}

function titleOf(visual: Visual): string {
  const inner = Object.values(visual)[0] as { Title?: { FormatText?: { PlainText?: string } } };
  return inner.Title?.FormatText?.PlainText ?? '';
}

/** The one dataset a visual's fields come from (a visual of two datasets is a mistake). */
function datasetOf(refs: Array<[string, string]>, id: string): DatasetId {
  const ids = new Set(refs.map(([d]) => d));
  const [only] = ids;
  if (ids.size !== 1 || !only || !(only in DATASETS)) throw new Error(`visual ${id} reads ${ids.size} datasets (${[...ids].join(', ')}), not one`);
  return only as DatasetId;
}

/** Every visual of the dashboard with the dataset, table and columns its query reads. */
export function visualReads(model: DashboardModel = buildDashboard()): VisualRead[] {
  const groups = model.definition.FilterGroups ?? [];
  return (model.definition.Sheets ?? []).flatMap((sheet) =>
    (sheet.Visuals ?? []).map((visual) => {
      const id = visualId(visual);
      const refs = columnRefs(visual, []);
      for (const g of fixedGroupsOf(groups, sheet.SheetId!, id)) columnRefs(g.Filters, refs);
      const dataset = datasetOf(refs, id);
      const names = [...new Set(refs.map(([, n]) => n))].sort();
      const columns = [...new Set(names.flatMap((n) => physicalColumns(n, dataset)))].sort();
      return { sheetId: sheet.SheetId!, visualId: id, title: titleOf(visual), dataset, table: DATASETS[dataset].table, names, columns };
    }),
  );
}

/** How fresh each dataset's data is. */
export const FRESHNESS: Readonly<Record<DatasetId, string>> = {
  logs: 'the Firehose buffer (60 s by default)',
  hourly: '30 to 90 min (the hour before, added at minute 30 of each UTC hour)',
  top: '30 to 90 min (the hour before, added at minute 30 of each UTC hour)',
};

/**
 * docs/dashboard/reads.md: for each visual, the dataset and table it reads, the table's columns its
 * query names, and how fresh it is. Generated by `npm run docs:dashboard`.
 */
export function renderReadsMarkdown(reads: readonly VisualRead[]): string {
  const lines = [
    '# What each visual reads',
    '',
    'Generated from the dashboard definition by `npm run docs:dashboard` (src/template/quicksight/reads.ts); a test fails when it is stale.',
    '',
    'Each visual is one query on one table, for the days of the date control (the raw-requests sheet: the hours of its own',
    'control), reading only the columns below: `access_logs` (raw Parquet, partitioned by the request\'s UTC day and hour),',
    '`access_logs_hourly` (the hourly rollup) or `access_logs_top_hourly` (the 1,000 busiest values per hour, API, stage and',
    'kind). docs/dashboard.md says what the rollups answer and how; `npm run bench -- scan` prices a load of each sheet.',
    '',
    '| dataset | fresh to within |',
    '|---|---|',
    ...(Object.keys(FRESHNESS) as DatasetId[]).map((d) => `| \`${d}\` (\`${DATASETS[d].table}\`) | ${FRESHNESS[d]} |`),
    '',
    '| sheet | visual | dataset | columns read |',
    '|---|---|---|---|',
  ];
  for (const r of reads) {
    const title = r.title.replace(/\|/g, '\\|');
    lines.push(`| ${r.sheetId} | ${title} (\`${r.visualId}\`) | \`${r.dataset}\` | ${r.columns.map((c) => `\`${c}\``).join(', ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
