/**
 * Compiles the question list into ONE SQL statement that reads the records once.
 *
 * Athena bills every query for the bytes it reads, and JSON is read whole: eleven queries would
 * scan the window eleven times. So every question becomes a "set" of one query: each record is
 * paired with the id of every question that looks at it (a cross join with a VALUES list, then the
 * question's own predicate), grouped by the set id and the question's dimensions (as text columns
 * k1..kN, null where a question has fewer), and measured with aggregates whose FILTER clause keeps
 * them to the sets that ask for them. A window function then ranks each set's rows by the
 * question's order and keeps its top N. The result is a small table of (set, keys, measures) rows
 * that `results.ts` splits back into questions.
 *
 * Both dialects run the same shape; only `Dialect` differs. Athena runs the whole statement (one
 * scan). The local engine (src/engines/per-question.ts) runs it one question at a time, over the
 * records it loaded: a statement of one question has no sets to pair, so its records are grouped by
 * the question's dimensions as they are (oneQuestionSql; a question whose dimensions classify a few
 * columns counts its records by those columns first, preGroupedSql; a top-N question of source
 * addresses, or of any column the loaded records hold many values of, finds its N keys by counting
 * first, topKeysSql), and questions that group alike are
 * grouped once for all of them (sharedGroupingSql), with the same predicates, measures and
 * ranking; test/report/local-engine.test.ts holds those answers equal to the whole statement's, so
 * the tests that check the local answers check the logic Athena runs too.
 */
import type { Dialect } from './dialect.js';
import type { ReportFilters } from './filters.js';
import { filterPredicates } from './filters.js';
import { QUESTIONS, bucketFor, type FragmentContext, type Measure, type Question } from './questions.js';
import type { TimeWindow } from './window.js';
import { RECORD_FIELDS } from '../log-format.js';

export interface ReportSource {
  /** A FROM item whose columns are the record's keys (a table, or a subquery over files). */
  from: string;
  /** Predicates the source needs on top of the window and filters (Athena's partition range). */
  where: readonly string[];
  /**
   * Record columns the source holds as TRUE or null only (the local engine's load keeps only the
   * presence of the ids a statement tests for null): counting them first takes them as they are.
   */
  presenceOnly?: ReadonlySet<string>;
  /**
   * Record columns with many distinct values in this source (the local engine's Parquet scratch file
   * holds them without a dictionary: survey.ts): a "top" question keyed by one counts its keys first
   * (countsFirst), as Question.topFirst does for the source address.
   */
  manyValues?: ReadonlySet<string>;
}

export interface CompileOptions {
  dialect: Dialect;
  source: ReportSource;
  /** Null: every record (a local file with no --since/--from). */
  window: TimeWindow | null;
  filters: ReportFilters;
  /** Rows kept for the "top" questions. */
  top: number;
  questions?: readonly Question[];
}

export interface CompiledReport {
  sql: string;
  /** Question of set id i + 1. */
  questions: readonly Question[];
  /** How many key columns (k1..kN) the result has. */
  keyCount: number;
  /** Measure ids in result order (columns m_<id>). */
  measureIds: readonly string[];
  bucketMs: number;
}

export const MAX_TOP = 1000;

const indent = (s: string, by = '    '): string =>
  s
    .split('\n')
    .map((l) => by + l)
    .join('\n');

/** `CASE set_id WHEN 1 THEN a WHEN 2 THEN b END`, or null when no set has a value. */
function perSet(values: ReadonlyArray<[number, string]>, fallback?: string): string | null {
  if (values.length === 0) return fallback ?? null;
  return `CASE set_id ${values.map(([id, v]) => `WHEN ${id} THEN ${v}`).join(' ')}${fallback ? ` ELSE ${fallback}` : ''} END`;
}

function aggregate(m: Measure, c: FragmentContext, counted = false): string {
  // Over counted groups (preGroupedSql), a count is the sum of the groups' counts, a minimum the
  // least of their minimums.
  if (counted) return m.agg === 'count' ? 'sum(__n)' : m.agg === 'percentile' ? unreachable(m) : `${m.agg}(__${m.agg}_${m.of})`;
  switch (m.agg) {
    case 'count':
      return 'count(*)';
    case 'min':
      return `min(${m.of})`;
    case 'max':
      return `max(${m.of})`;
    case 'percentile':
      return c.dialect.percentile(m.of, m.fraction);
  }
}

/** A measure's FILTER clause: the sets that ask for it, and its own condition. */
function measureFilter(m: Measure, ids: readonly number[]): string {
  const setFilter = `set_id IN (${ids.join(', ')})`;
  return m.where ? `${setFilter} AND (${m.where})` : setFilter;
}

function unreachable(m: Measure): never {
  throw new Error(`measure ${m.id}: a percentile needs every value, not counted groups`);
}

/** A measure's aggregate with its FILTER clause; `ids` null: one question's statement, no sets to keep apart. */
function filtered(agg: string, m: Measure, ids: readonly number[] | null): string {
  if (ids) return `${agg} FILTER (WHERE ${measureFilter(m, ids)})`;
  return m.where ? `${agg} FILTER (WHERE ${m.where})` : agg;
}

/** A count over counted groups as the count it stands for: a BIGINT, 0 (not null) when no group counts. */
function asCount(agg: string): string {
  return `CAST(COALESCE(${agg}, 0) AS BIGINT)`;
}

/**
 * Percentiles of the same value over the same rows, as one list aggregate each (when the dialect
 * has one: Dialect.percentiles): the list's column, and where in it each measure is.
 */
function percentileLists(measures: ReadonlyArray<{ m: Measure; sets: number[] }>, c: FragmentContext, single: boolean): { lists: string[]; at: Map<string, string> } {
  const groups = new Map<string, { of: string; m: Measure; sets: number[]; fractions: number[]; ids: string[] }>();
  for (const { m, sets } of measures) {
    if (m.agg !== 'percentile' || !c.dialect.percentiles) continue;
    const key = `${m.of}\n${measureFilter(m, sets)}`;
    const g = groups.get(key) ?? { of: m.of, m, sets, fractions: [], ids: [] };
    g.fractions.push(m.fraction);
    g.ids.push(m.id);
    groups.set(key, g);
  }
  const lists: string[] = [];
  const at = new Map<string, string>();
  for (const g of groups.values()) {
    if (g.ids.length < 2) continue;
    const name = `p_${lists.length + 1}`;
    lists.push(`${filtered(c.dialect.percentiles!(g.of, g.fractions), g.m, single ? null : g.sets)} AS ${name}`);
    g.ids.forEach((id, i) => at.set(id, `${name}[${i + 1}]`));
  }
  return { lists, at };
}

/**
 * Step 3's statement: one column m_<id> per measure, by set and keys. `keys` are the set id and
 * the k1..kN columns as grouped; `asText`, when given, the k1..kN the statement returns (the keys
 * grouped as they are, then made text: one question's statement).
 */
function groupedSql(
  from: string,
  keys: readonly string[],
  keyCount: number,
  measures: ReadonlyArray<{ m: Measure; sets: number[] }>,
  c: FragmentContext,
  asText?: readonly string[],
  counted = false,
): string {
  const single = asText !== undefined;
  const { lists, at } = percentileLists(measures, c, single);
  const measureColumns = measures
    .filter(({ m }) => !at.has(m.id))
    .map(({ m, sets }) => {
      const agg = filtered(aggregate(m, c, counted), m, single ? null : sets);
      return `${counted && m.agg === 'count' ? asCount(agg) : agg} AS m_${m.id}`;
    });
  const inner = ['SELECT', indent([...keys, ...measureColumns, ...lists].join(',\n')), `FROM ${from}`, `GROUP BY ${Array.from({ length: keyCount + 1 }, (_, i) => i + 1).join(', ')}`].join('\n');
  if (lists.length === 0 && !single) return inner;
  const names = ['set_id', ...(asText ?? Array.from({ length: keyCount }, (_, i) => `k${i + 1}`))];
  const outer = [...names, ...measures.map(({ m }) => (at.has(m.id) ? `${at.get(m.id)} AS m_${m.id}` : `m_${m.id}`))];
  return ['SELECT', indent(outer.join(',\n')), 'FROM (', indent(inner, '  '), ') AS lists'].join('\n');
}

/**
 * Steps 2 and 3 for a statement of one question (the local engine's, src/engines/per-question.ts):
 * its records grouped by its dimensions as they are, no set to pair them with, then the keys made
 * text. Grouping on the text cast each record's key (millions of casts, and string hashing); the
 * groups are the same, since each cast is one to one, so the rows are the same as the whole
 * statement's set (test/report/local-engine.test.ts).
 */
function oneQuestionSql(q: Question, id: number, keyCount: number, measures: ReadonlyArray<{ m: Measure; sets: number[] }>, c: FragmentContext, topKeys: boolean, presenceOnly?: ReadonlySet<string>): string {
  const { from, raw, text } = questionGrouping(q, c, topKeys);
  if (q.preGroup) return groupedSql(preGroupedSql(q, from, measures, c, presenceOnly), [`${id} AS set_id`, ...raw], keyCount, measures, c, text(''), true);
  return groupedSql(from, [`${id} AS set_id`, ...raw], keyCount, measures, c, text(''));
}

/** The record columns (RECORD_FIELDS keys) an SQL fragment names. */
export function columnsOf(sql: string, keys: readonly string[] = RECORD_FIELDS.map((f) => f.key)): string[] {
  return keys.filter((k) => new RegExp(`\\b${k}\\b`).test(sql));
}

/** Whether `sql` names column `key` only to test it for null (`key IS NULL`, `key IS NOT NULL`). */
export function testedForNullOnly(sql: string, key: string): boolean {
  return !new RegExp(`\\b${key}\\b(?!\\s+IS\\s+(NOT\\s+)?NULL\\b)`).test(sql);
}

/**
 * A question's records (`from`) counted by every record column its dimensions and measures read
 * (Question.preGroup), with the least and greatest value of each column a minimum or maximum is
 * of: the question's dimensions, conditions and measures then read these groups as they would
 * read the records (the same columns, the same values), each count summing the groups' counts.
 * Every condition reads only grouped columns, so a group's records all meet it or all fail it.
 */
function preGroupedSql(q: Question, from: string, measures: ReadonlyArray<{ m: Measure }>, c: FragmentContext, presenceOnly: ReadonlySet<string> = new Set()): string {
  const read = [...q.dimensions.map((d) => d.sql(c)), ...measures.map(({ m }) => m.where ?? '')].join('\n');
  const columns = columnsOf(read);
  const extremes = [...new Set(measures.flatMap(({ m }) => (m.agg === 'min' || m.agg === 'max' ? [`${m.agg}(${m.of}) AS __${m.agg}_${m.of}`] : m.agg === 'percentile' ? unreachable(m) : [])))];
  // A column only tested for null is counted as TRUE or null: the API key id by whether there is one,
  // not by key. One the source already holds so is taken as it is (a CASE a record costs: 83 against
  // 54 ms for the authentication methods' counts at 1.4 million records).
  const counted = columns.map((k) => (testedForNullOnly(read, k) && !presenceOnly.has(k) ? `CASE WHEN ${k} IS NOT NULL THEN TRUE END AS ${k}` : k));
  const select = [...counted, 'count(*) AS __n', ...extremes].join(', ');
  return `(\n  SELECT ${select}\n  FROM ${from.replaceAll('\n', '\n  ')}\n  GROUP BY ${columns.map((_, i) => i + 1).join(', ') || '()'}\n) AS counted`;
}

/**
 * A question's records (`from`: those of its top keys only, when `topKeys`), its keys as grouped
 * (`raw`, k1..kN), and those keys made text (of the relation `of`).
 */
function questionGrouping(q: Question, c: FragmentContext, topKeys = false): { from: string; raw: string[]; text: (of: string) => string[] } {
  // IS NOT DISTINCT FROM: a null key (requests without the value) is a key like any other.
  const records = topKeys ? `records\nSEMI JOIN top_keys ON ${q.dimensions.map((d, k) => `(${d.sql(c)}) IS NOT DISTINCT FROM top_keys.k${k + 1}`).join(' AND ')}` : 'records';
  return {
    from: q.where ? `${records}\nWHERE (${q.where})` : records,
    raw: q.dimensions.map((d, k) => `(${d.sql(c)}) AS k${k + 1}`),
    text: (of) => q.dimensions.map((d, k) => `${d.type === 'text' ? `${of}k${k + 1}` : c.dialect.text(`${of}k${k + 1}`)} AS k${k + 1}`),
  };
}

/** Whether a question is a "top" question of text keys ranked by an unfiltered count alone (its top keys can be counted first: topKeysSql). */
function rankedByCount(q: Question): boolean {
  const requests = q.measures.find((m) => m.id === q.orderBy[0]?.column);
  const byCount = q.rows === 'top' && q.orderBy.length === 1 && q.orderBy[0]!.desc && requests?.agg === 'count' && !requests.where && !q.nonZero;
  return byCount && q.dimensions.every((d) => d.type === 'text');
}

/**
 * Whether a one-question statement finds its top keys first (topKeysSql): always for a question
 * marked topFirst; for any other "top" question ranked by its count, when one of its keys' columns
 * has many values in the source (ReportSource.manyValues). Grouping a column of few values
 * (dictionary-encoded in the scratch file) with every measure at once is cheaper than reading it
 * twice: 136 against 230 ms for the top user agents of the bench's 5 million requests (12 agents);
 * with every request its own agent, 3.1 against 2.3 to 2.7 s (medians of 3, the statement alone
 * on the scratch file).
 */
function countsFirst(q: Question, c: FragmentContext, source: ReportSource): boolean {
  if (q.topFirst) return true;
  const many = source.manyValues;
  return !!many?.size && rankedByCount(q) && q.dimensions.some((d) => columnsOf(d.sql(c)).some((k) => many.has(k)));
}

/**
 * A "top" question's N keys, found by counting its records alone (Question.topFirst): the keys
 * its whole ranking keeps, since that ranking is by the same count, keys breaking ties in the same
 * order. The statement then measures only these keys' records (questionGrouping).
 */
function topKeysSql(q: Question, top: number, c: FragmentContext): string {
  if (!rankedByCount(q)) throw new Error(`question ${q.id}: topFirst needs a "top" question of text keys ranked by an unfiltered count alone`);
  const { from, raw } = questionGrouping(q, c);
  return [
    `SELECT ${raw.join(', ')}, count(*) AS n`,
    `FROM ${from}`,
    `GROUP BY ${raw.map((_, k) => k + 1).join(', ')}`,
    `ORDER BY n DESC, ${raw.map((_, k) => `k${k + 1} ASC NULLS LAST`).join(', ')}`,
    `LIMIT ${top}`,
  ].join('\n');
}

/** Whether every set's question groups the same records by the same keys (then one grouping serves them all). */
function sameGrouping(sets: ReadonlyArray<{ q: Question }>, c: FragmentContext): boolean {
  const signature = (q: Question) => JSON.stringify([q.where ?? null, q.dimensions.map((d) => [d.type, d.sql(c)])]);
  return sets.every((s) => signature(s.q) === signature(sets[0]!.q));
}

/**
 * Steps 2 and 3 for a statement of questions that group the same records by the same keys (the
 * local engine's top routes, 5xx by route and latency by route): the records grouped once, every
 * measure with its own condition only, then each group given to every set, each set keeping only
 * its own measures (null for the others'). Pairing each record with every set, as the whole
 * statement does, groups the records once per set; here they are grouped once.
 */
function sharedGroupingSql(sets: ReadonlyArray<{ q: Question; id: number }>, keyCount: number, measures: ReadonlyArray<{ m: Measure; sets: number[] }>, c: FragmentContext): string {
  const { from, raw, text } = questionGrouping(sets[0]!.q, c);
  const keys = Array.from({ length: keyCount }, (_, i) => `k${i + 1}`);
  const inner = groupedSql(from, ['0 AS set_id', ...raw], keyCount, measures, c, keys);
  const own = measures.map(({ m, sets: ids }) => `CASE WHEN s.set_id IN (${ids.join(', ')}) THEN g.m_${m.id} END AS m_${m.id}`);
  return [
    'SELECT',
    indent(['s.set_id', ...text('g.'), ...own].join(',\n')),
    'FROM (',
    indent(inner, '  '),
    ') AS g',
    `CROSS JOIN (VALUES ${sets.map((x) => `(${x.id})`).join(', ')}) AS s(set_id)`,
  ].join('\n');
}

export function compileReport(options: CompileOptions): CompiledReport {
  const questions = options.questions ?? QUESTIONS;
  if (!Number.isInteger(options.top) || options.top < 1 || options.top > MAX_TOP) throw new Error(`top must be 1..${MAX_TOP}`);
  const bucketMs = bucketFor(options.window ? options.window.toMs - options.window.fromMs : null);
  const c: FragmentContext = { dialect: options.dialect, bucketMs };
  const sets = questions.map((q, i) => ({ q, id: i + 1 }));
  const keyCount = Math.max(0, ...questions.map((q) => q.dimensions.length));

  // Which sets ask for each measure (one aggregate per measure id, shared by those sets).
  const measures = new Map<string, { m: Measure; sets: number[] }>();
  for (const { q, id } of sets) {
    for (const m of q.measures) {
      const seen = measures.get(m.id);
      if (seen && JSON.stringify({ ...seen.m }) !== JSON.stringify({ ...m })) throw new Error(`measure ${m.id} is defined twice, differently`);
      if (seen) seen.sets.push(id);
      else measures.set(m.id, { m, sets: [id] });
    }
  }

  // 1. The records in the window that pass the filters.
  const recordWhere = [...options.source.where];
  if (options.window) {
    recordWhere.push(`requestTimeEpoch >= ${options.window.fromMs}`, `requestTimeEpoch < ${options.window.toMs}`);
  }
  recordWhere.push(...filterPredicates(options.filters));
  const records = [`SELECT *`, `FROM ${options.source.from}`, ...(recordWhere.length ? [`WHERE ${recordWhere.join('\n  AND ')}`] : [])].join('\n');

  // 2. Each record once per question that looks at it.
  const setWhere = perSet(
    sets.filter((s) => s.q.where).map((s) => [s.id, `(${s.q.where as string})`]),
    'TRUE',
  ) as string;
  const questionRows = [
    'SELECT s.set_id, r.*',
    'FROM records r',
    `CROSS JOIN (VALUES ${sets.map((s) => `(${s.id})`).join(', ')}) AS s(set_id)`,
    `WHERE ${setWhere}`,
  ].join('\n');

  // 3. Grouped per set and keys, every measure kept to the sets that ask for it.
  const keyColumns: string[] = [];
  for (let k = 0; k < keyCount; k++) {
    const expr = perSet(
      sets
        .filter((s) => s.q.dimensions[k])
        .map((s) => {
          const d = s.q.dimensions[k]!;
          const sql = d.sql(c);
          return [s.id, d.type === 'text' ? `(${sql})` : c.dialect.text(`(${sql})`)];
        }),
    );
    keyColumns.push(`${expr ?? 'NULL'} AS k${k + 1}`);
  }
  const single = sets.length === 1 ? sets[0]! : null;
  // One grouping for every set when they all group alike (the local engine's statements; the whole
  // statement's questions group by different keys, so it pairs each record with every set).
  const shared = !single && sameGrouping(sets, c);
  // A one-question statement that finds its top keys first: the top_keys CTE, and its records joined to it.
  const topKeys = single !== null && countsFirst(single.q, c, options.source);
  const grouped = single
    ? oneQuestionSql(single.q, single.id, keyCount, [...measures.values()], c, topKeys, options.source.presenceOnly)
    : shared
      ? sharedGroupingSql(sets, keyCount, [...measures.values()], c)
      : groupedSql('question_rows', ['set_id', ...keyColumns], keyCount, [...measures.values()], c);

  // 4. Ranked within each set by the question's order (numbers, descending made ascending by
  //    negation, so one ORDER BY serves every set), keys breaking ties.
  const orderTerms: string[] = [];
  const maxOrder = Math.max(0, ...questions.map((q) => q.orderBy.length));
  for (let o = 0; o < maxOrder; o++) {
    const values: Array<[number, string]> = [];
    for (const { q, id } of sets) {
      const term = q.orderBy[o];
      if (!term) continue;
      let expr: string;
      const dIndex = q.dimensions.findIndex((d) => d.id === term.column);
      if (measures.has(term.column) && q.measures.some((m) => m.id === term.column)) expr = `m_${term.column}`;
      else if (dIndex >= 0 && (q.dimensions[dIndex]!.type === 'time' || q.dimensions[dIndex]!.type === 'code')) {
        expr = `CAST(k${dIndex + 1} AS BIGINT)`;
      } else throw new Error(`question ${q.id}: order by ${term.column} must be one of its measures or a numeric dimension`);
      values.push([id, term.desc ? `-(${expr})` : expr]);
    }
    orderTerms.push(`${perSet(values) ?? 'NULL'} ASC NULLS LAST`);
  }
  for (let k = 0; k < keyCount; k++) orderTerms.push(`k${k + 1} ASC NULLS LAST`);
  const nonZero = sets.filter((s) => s.q.nonZero).map((s) => `(set_id <> ${s.id} OR m_${s.q.nonZero as string} > 0)`);
  const ranked = [
    'SELECT g.*, row_number() OVER (',
    '    PARTITION BY set_id',
    `    ORDER BY ${orderTerms.length ? orderTerms.join(',\n      ') : 'set_id'}`,
    '  ) AS rn',
    'FROM grouped g',
    ...(nonZero.length ? [`WHERE ${nonZero.join('\n  AND ')}`] : []),
  ].join('\n');

  // 5. The top N of the "top" questions, every row of the others.
  const topSets = sets.filter((s) => s.q.rows === 'top').map((s) => s.id);
  const columns = ['set_id', ...Array.from({ length: keyCount }, (_, i) => `k${i + 1}`), ...[...measures.keys()].map((id) => `m_${id}`)];
  const final = [
    `SELECT ${columns.join(', ')}`,
    'FROM ranked',
    ...(topSets.length ? [`WHERE set_id NOT IN (${topSets.join(', ')}) OR rn <= ${options.top}`] : []),
    'ORDER BY set_id, rn',
  ].join('\n');

  const header = sets.map((s) => `--   set ${s.id}: ${s.q.id}`).join('\n');
  // The statement starts with its keyword (Athena tells statement types apart by how they begin);
  // the comment goes inside.
  const sql = [
    'WITH',
    `-- apigw-log-analytics report (${options.dialect.name}): one pass over the records answers every question.`,
    header,
    'records AS (',
    indent(records, '  '),
    '),',
    ...(single || shared ? [] : ['question_rows AS (', indent(questionRows, '  '), '),']),
    ...(single && topKeys ? ['top_keys AS (', indent(topKeysSql(single.q, options.top, c), '  '), '),'] : []),
    'grouped AS (',
    indent(grouped, '  '),
    '),',
    'ranked AS (',
    indent(ranked, '  '),
    ')',
    final,
  ].join('\n');
  return { sql, questions, keyCount, measureIds: [...measures.keys()], bucketMs };
}
