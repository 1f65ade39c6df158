/**
 * Walks a dashboard definition and lists what QuickSight would reject or what would silently
 * break: a column the dataset does not declare, two things with one id, a visual the date filter
 * does not reach, a layout element without its visual (or a visual without a place), a control or
 * scope naming a filter, sheet or visual that does not exist, a sort on a field the visual does not
 * have, and a calculated field reading an unknown column.
 */
import type { DashboardVersionDefinition, FilterGroup, SheetDefinition, Visual } from '@aws-sdk/client-quicksight';

export interface WalkInput {
  definition: DashboardVersionDefinition;
  /** Column names each dataset declares, by the identifier the definition uses for it. */
  datasetColumns: Readonly<Record<string, readonly string[]>>;
  /** The filter every visual must be under. */
  dateFilterId: string;
}

type Json = unknown;

/** Every object in the tree, with its path. */
function* objects(value: Json, path = '$'): Generator<[Record<string, unknown>, string]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* objects(value[i], `${path}[${i}]`);
  } else if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    yield [obj, path];
    for (const [k, v] of Object.entries(obj)) yield* objects(v, `${path}.${k}`);
  }
}

export function visualIdOf(visual: Visual): string {
  for (const v of Object.values(visual)) if (v && typeof v === 'object' && 'VisualId' in v) return String((v as { VisualId: string }).VisualId);
  return '';
}

/** Field ids a visual declares in its field wells. */
function fieldIdsOf(visual: Visual): Set<string> {
  const out = new Set<string>();
  for (const [obj, path] of objects(visual)) {
    if (path.includes('FieldWells') && typeof obj.FieldId === 'string') out.add(obj.FieldId);
  }
  return out;
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/** Does the group's scope reach this visual on this sheet? */
export function scopeCovers(group: FilterGroup, sheetId: string, visualId: string): boolean {
  if (group.Status === 'DISABLED') return false;
  const scope = group.ScopeConfiguration;
  if (scope?.AllSheets) return true;
  return (scope?.SelectedSheets?.SheetVisualScopingConfigurations ?? []).some(
    (s) => s.SheetId === sheetId && (s.Scope === 'ALL_VISUALS' || (s.VisualIds ?? []).includes(visualId)),
  );
}

function filterIdOf(filter: Record<string, unknown>): string | undefined {
  for (const v of Object.values(filter)) if (v && typeof v === 'object' && 'FilterId' in v) return String((v as { FilterId: string }).FilterId);
  return undefined;
}

export function walkDefinition({ definition, datasetColumns, dateFilterId }: WalkInput): string[] {
  const problems: string[] = [];
  const sheets: SheetDefinition[] = definition.Sheets ?? [];
  const groups: FilterGroup[] = definition.FilterGroups ?? [];
  const calculated = definition.CalculatedFields ?? [];
  const datasetIds = new Set((definition.DataSetIdentifierDeclarations ?? []).map((d) => d.Identifier));
  // Columns and calculated fields, per dataset: a column reference names both.
  const known = (dataset: string): Set<string> =>
    new Set([...(datasetColumns[dataset] ?? []), ...calculated.filter((c) => c.DataSetIdentifier === dataset).map((c) => c.Name ?? '')]);

  // Columns, wherever they are referenced.
  for (const [obj, path] of objects(definition)) {
    if (typeof obj.ColumnName === 'string') {
      const dataset = String(obj.DataSetIdentifier);
      if (!datasetIds.has(dataset)) problems.push(`unknown dataset "${dataset}" at ${path}`);
      else if (!known(dataset).has(obj.ColumnName)) problems.push(`unknown column "${obj.ColumnName}" at ${path}`);
    }
  }
  for (const c of calculated) {
    const dataset = c.DataSetIdentifier ?? '';
    if (!datasetIds.has(dataset)) problems.push(`calculated field "${c.Name}" is on unknown dataset "${dataset}"`);
    for (const m of (c.Expression ?? '').matchAll(/\{([^}]+)\}/g)) {
      if (!known(dataset).has(m[1]!)) problems.push(`calculated field "${c.Name}" reads unknown column "${m[1]}"`);
    }
    if (Object.values(datasetColumns).some((cols) => cols.includes(c.Name ?? ''))) problems.push(`calculated field "${c.Name}" has the name of a dataset column`);
  }

  // Ids: each kind unique across the definition.
  const visuals = sheets.flatMap((s) => (s.Visuals ?? []).map((v) => ({ sheetId: s.SheetId!, visual: v, id: visualIdOf(v) })));
  const filters = groups.flatMap((g) => (g.Filters ?? []).map((f) => ({ group: g, id: filterIdOf(f as Record<string, unknown>) ?? '' })));
  const controls = sheets.flatMap((s) => (s.FilterControls ?? []).map((c) => ({ sheetId: s.SheetId!, control: c })));
  const controlIdOf = (c: (typeof controls)[number]['control']): string =>
    Object.values(c).find((x): x is { FilterControlId: string } => typeof x === 'object' && x !== null && 'FilterControlId' in x)?.FilterControlId ?? '';
  const idKinds: Array<[string, string[]]> = [
    ['sheet', sheets.map((s) => s.SheetId ?? '')],
    ['visual', visuals.map((v) => v.id)],
    ['filter group', groups.map((g) => g.FilterGroupId ?? '')],
    ['filter', filters.map((f) => f.id)],
    ['filter control', controls.map((c) => controlIdOf(c.control))],
    ['field', visuals.flatMap((v) => [...fieldIdsOf(v.visual)])],
    ['calculated field', calculated.map((c) => c.Name ?? '')],
  ];
  for (const [kind, ids] of idKinds) for (const d of duplicates(ids)) problems.push(`two ${kind}s have the id "${d}"`);
  // Field ids are collected as a set per visual; count them again per visual to catch duplicates inside one.
  for (const v of visuals) {
    const all: string[] = [];
    for (const [obj, path] of objects(v.visual)) if (path.includes('FieldWells') && typeof obj.FieldId === 'string') all.push(obj.FieldId);
    for (const d of duplicates(all)) problems.push(`visual ${v.id} has two fields with the id "${d}"`);
  }

  // Layout: every element is a visual of its sheet, every visual has an element.
  for (const s of sheets) {
    const ids = new Set((s.Visuals ?? []).map(visualIdOf));
    const placed = new Set<string>();
    for (const layout of s.Layouts ?? []) {
      for (const e of layout.Configuration?.GridLayout?.Elements ?? []) {
        if (e.ElementType === 'VISUAL') {
          if (!ids.has(e.ElementId ?? '')) problems.push(`sheet ${s.SheetId}: layout element "${e.ElementId}" names no visual of the sheet`);
          placed.add(e.ElementId ?? '');
        }
      }
    }
    for (const id of ids) if (!placed.has(id)) problems.push(`sheet ${s.SheetId}: visual ${id} has no place in the layout`);
  }

  // Sorts refer to the visual's own fields.
  for (const v of visuals) {
    const own = fieldIdsOf(v.visual);
    for (const [obj, path] of objects(v.visual)) {
      if (path.includes('SortConfiguration') && path.endsWith('.FieldSort') && !own.has(String(obj.FieldId))) {
        problems.push(`visual ${v.id} sorts on field "${String(obj.FieldId)}", which it does not have`);
      }
    }
  }

  // Scopes name real sheets and visuals.
  const sheetIds = new Set(sheets.map((s) => s.SheetId));
  const visualKeys = new Set(visuals.map((v) => `${v.sheetId}/${v.id}`));
  for (const g of groups) {
    for (const sc of g.ScopeConfiguration?.SelectedSheets?.SheetVisualScopingConfigurations ?? []) {
      if (!sheetIds.has(sc.SheetId)) problems.push(`filter group ${g.FilterGroupId} is scoped to unknown sheet "${sc.SheetId}"`);
      for (const id of sc.VisualIds ?? []) if (!visualKeys.has(`${sc.SheetId}/${id}`)) problems.push(`filter group ${g.FilterGroupId} is scoped to unknown visual "${id}" on ${sc.SheetId}`);
    }
  }

  // A visual reads one dataset; a single-dataset filter scoped to it filters that dataset, or it would silently not apply.
  const datasetsOf = (x: unknown): Set<string> => {
    const out = new Set<string>();
    for (const [obj] of objects(x)) if (typeof obj.ColumnName === 'string') out.add(String(obj.DataSetIdentifier));
    return out;
  };
  const visualDataset = new Map<string, string>();
  for (const v of visuals) {
    const ds = datasetsOf(v.visual);
    if (ds.size !== 1) problems.push(`visual ${v.id} reads ${ds.size} datasets`);
    visualDataset.set(`${v.sheetId}/${v.id}`, [...ds][0] ?? '');
  }
  for (const g of groups.filter((x) => x.CrossDataset !== 'ALL_DATASETS')) {
    const filtered = datasetsOf(g.Filters);
    for (const v of visuals) {
      const ds = visualDataset.get(`${v.sheetId}/${v.id}`)!;
      if (scopeCovers(g, v.sheetId, v.id) && !filtered.has(ds)) problems.push(`filter group ${g.FilterGroupId} filters ${[...filtered].join(', ')} but visual ${v.id} reads ${ds}`);
    }
  }

  // Controls name a filter that reaches their sheet; cross-sheet controls for multi-sheet filters only.
  const filterById = new Map(filters.map((f) => [f.id, f.group]));
  for (const { sheetId, control } of controls) {
    const inner = Object.values(control).find((x): x is { SourceFilterId: string } => typeof x === 'object' && x !== null && 'SourceFilterId' in x);
    const group = inner ? filterById.get(inner.SourceFilterId) : undefined;
    if (!group) {
      problems.push(`sheet ${sheetId}: control ${controlIdOf(control)} names no filter`);
      continue;
    }
    const scoped = group.ScopeConfiguration?.SelectedSheets?.SheetVisualScopingConfigurations ?? [];
    const multiSheet = !!group.ScopeConfiguration?.AllSheets || new Set(scoped.map((s) => s.SheetId)).size > 1;
    if (!group.ScopeConfiguration?.AllSheets && !scoped.some((s) => s.SheetId === sheetId)) problems.push(`sheet ${sheetId}: control ${controlIdOf(control)} drives a filter that is not on the sheet`);
    if (multiSheet !== !!control.CrossSheet) {
      problems.push(`sheet ${sheetId}: control ${controlIdOf(control)} must ${multiSheet ? '' : 'not '}be a CrossSheet control`);
    }
  }

  // Default control settings belong to cross-sheet filters (their controls take their look from them), and only to them.
  for (const g of groups) {
    const scoped = g.ScopeConfiguration?.SelectedSheets?.SheetVisualScopingConfigurations ?? [];
    const multiSheet = !!g.ScopeConfiguration?.AllSheets || new Set(scoped.map((s) => s.SheetId)).size > 1;
    for (const f of g.Filters ?? []) {
      const inner = Object.values(f).find((x) => x && typeof x === 'object') as { FilterId?: string; DefaultFilterControlConfiguration?: unknown };
      const controlled = controls.some(({ control }) => control.CrossSheet?.SourceFilterId === inner.FilterId);
      if (inner.DefaultFilterControlConfiguration && !multiSheet) problems.push(`filter ${inner.FilterId} has default control settings but is on one sheet only`);
      if (controlled && !inner.DefaultFilterControlConfiguration) problems.push(`filter ${inner.FilterId} has cross-sheet controls but no default control settings`);
    }
  }

  // The date filter reaches every visual.
  const dateGroups = groups.filter((g) => (g.Filters ?? []).some((f) => filterIdOf(f as Record<string, unknown>) === dateFilterId));
  if (dateGroups.length === 0) problems.push(`no filter has the id ${dateFilterId}`);
  for (const v of visuals) {
    if (!dateGroups.some((g) => scopeCovers(g, v.sheetId, v.id))) problems.push(`visual ${v.id} on ${v.sheetId} is not covered by the date filter`);
  }
  return problems;
}
