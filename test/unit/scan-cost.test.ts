import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { athenaQueryPrice, queryBytes, sheetScans, type VisualQuery } from '../../src/core/scan-cost.js';
import { estimateCost, firehosePerMillion } from '../../src/core/cost.js';
import { histogramColumn, LATENCY_BOUNDS_MS, rollupColumns, rollupSelectSql } from '../../src/core/rollup.js';
import { physicalColumns, visualReads } from '../../src/template/quicksight/reads.js';
import { buildDashboard, RAW_COLUMNS } from '../../src/template/quicksight/definition/dashboard.js';

const MB = 1024 ** 2;

describe('Athena price of one query', () => {
  it('bills at least 10 MB, then whole megabytes at $5 per TB', () => {
    expect(athenaQueryPrice(0)).toBeCloseTo((10 * MB * 5) / 1024 ** 4, 12);
    expect(athenaQueryPrice(10 * MB + 1)).toBeCloseTo((11 * MB * 5) / 1024 ** 4, 12);
    expect(athenaQueryPrice(1024 ** 4)).toBeCloseTo(5, 9);
  });
});

describe('Firehose charges in the plan estimate', () => {
  it('bills ingestion and Parquet conversion on 5 KB increments, dynamic partitioning on the bytes delivered', () => {
    const gb = (1e6 * 5) / 1024 / 1024;
    const fh = firehosePerMillion(1400, 86);
    expect(fh.ingestion).toBeCloseTo(gb * 0.029, 9);
    expect(fh.conversion).toBeCloseTo(gb * 0.018, 9);
    expect(fh.partitioning).toBeCloseTo(((1e6 * 86) / 1024 ** 3) * 0.02, 9);
    const est = estimateCost({ bufferIntervalSeconds: 60, retentionDays: 90, dashboard: true });
    expect(est.perMillionRequests).toBeGreaterThan(fh.ingestion + fh.conversion + fh.partitioning);
    expect(est.lines.join('\n')).toMatch(/Parquet conversion \$0\.09/);
  });
});

describe('bytes a visual scans', () => {
  const base = { sheetId: 's', visualId: 'v', columns: ['a', 'b'], windowHours: 48 };
  it('reads whole rows of gzip JSON, named columns of Parquet, and hours of a rollup', () => {
    expect(queryBytes({ ...base, source: { kind: 'whole-rows', bytesPerRecord: 100 } }, 1000)).toBe(2 * 1000 * 100);
    expect(queryBytes({ ...base, source: { kind: 'columns', bytesPerRecordByColumn: { a: 1, b: 2, c: 50 }, overheadBytesPerRecord: 0.5 } }, 1000)).toBe(2000 * 3.5);
    // A rollup: rows per hour (whatever the requests a day) times the bytes per row of the named columns.
    expect(queryBytes({ ...base, source: { kind: 'rollup', rowsPerHour: 10, bytesPerRowByColumn: { a: 1, b: 3, c: 100 } } }, 1e9)).toBe(48 * 10 * 4);
    expect(() => queryBytes({ ...base, source: { kind: 'rollup', rowsPerHour: 10, bytesPerRowByColumn: { b: 3 } } }, 1)).toThrow(/"a"/);
  });
  it('refuses a column it has no size for', () => {
    expect(() => queryBytes({ ...base, source: { kind: 'columns', bytesPerRecordByColumn: { a: 1 } } }, 1)).toThrow(/"b"/);
  });
  it('sums a sheet and counts the queries over the cutoff', () => {
    const q = (visualId: string, bytesPerRecord: number): VisualQuery => ({ ...base, visualId, source: { kind: 'whole-rows', bytesPerRecord } });
    const [sheet] = sheetScans([q('small', 1), q('big', 100)], 24, 1000);
    expect(sheet).toMatchObject({ sheetId: 's', bytes: 48 + 4800, largestBytes: 4800, overCutoff: 1 });
  });
});

describe('what each visual reads', () => {
  const reads = visualReads();
  it('lists physical columns of the dataset\'s table: computed columns and calculated fields expanded, partitions never, the time as its epoch', () => {
    expect(new Set(physicalColumns('route', 'logs'))).toEqual(new Set(['resourcepath', 'httpmethod', 'routekey']));
    expect(new Set(physicalColumns('route', 'hourly'))).toEqual(new Set(['resourcepath', 'httpmethod', 'routekey']));
    expect(physicalColumns('logdate', 'top')).toEqual([]);
    expect(physicalColumns('loghour', 'logs')).toEqual([]);
    expect(physicalColumns('requestdatetime', 'logs')).toEqual(['requesttimeepoch']);
    expect(physicalColumns('requestdatetime', 'hourly')).toEqual(['hour_ms']);
    expect(physicalColumns('ip', 'top')).toEqual(['kind', 'value']);
    expect(physicalColumns('clienterrorrate', 'hourly').sort()).toEqual(['requests', 'requests', 'status', 'status']);
    expect(() => physicalColumns('nope', 'logs')).toThrow(/nope/);
    // A calculated field belongs to one dataset.
    expect(() => physicalColumns('clienterrorrate', 'logs')).toThrow(/clienterrorrate/);
  });
  it('covers every visual, each on one dataset, and the raw table reads every column it shows', () => {
    expect(reads).toHaveLength(buildDashboard().sheets.reduce((n, sh) => n + sh.visualIds.length, 0));
    const raw = reads.find((r) => r.visualId === 'raw-requests')!;
    expect(raw).toMatchObject({ dataset: 'logs', table: 'access_logs' });
    expect(raw.columns).toEqual([...new Set(RAW_COLUMNS.map(([c]) => physicalColumns(c, 'logs')).flat())].sort());
    expect(new Set(reads.filter((r) => r.sheetId !== 'raw').map((r) => r.table))).toEqual(new Set(['access_logs_hourly', 'access_logs_top_hourly']));
  });
  it('includes the columns of the fixed filters scoped to a visual', () => {
    expect(reads.find((r) => r.visualId === 'authentication-waf-over-time')!.columns).toContain('wafresponsecode');
    expect(reads.find((r) => r.visualId === 'authentication-waf-blocked-ips')!.columns).toEqual(['kind', 'requests', 'value']);
  });
  it('refuses a visual whose fields come from two datasets', () => {
    const model = buildDashboard();
    const kpi = model.definition.Sheets![0]!.Visuals![0]!.KPIVisual!;
    kpi.ChartConfiguration!.FieldWells!.TrendGroups![0]!.DateDimensionField!.Column!.DataSetIdentifier = 'logs';
    expect(() => visualReads(model)).toThrow(/overview-kpi-requests reads 2 datasets/);
  });
});

describe('the hourly rollup', () => {
  it('runs as plain SQL and keeps counts whose histogram is cumulative and ends at the request count', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const cols = ['apiid', 'stage', 'domainname', 'httpmethod', 'resourcepath', 'errorresponsetype', 'errormessage', 'wafresponsecode', 'usageplanname', 'customerid', 'apikeyname', 'identityapikeyid', 'identitycognitoidentityid', 'identityuserarn', 'sub', 'authorizerprincipalid', 'routekey', 'eventtype', 'apikind', 'integrationerror'];
      await c.run(
        `CREATE TABLE raw AS SELECT ${cols.map((x) => `NULL::VARCHAR AS ${x}`).join(', ')}, 200 AS status, 200 AS integrationstatus, NULL::INTEGER AS authorizestatus, NULL::INTEGER AS authorizerstatus,
         1700000000000 + i * 1000 AS requesttimeepoch, (i * 37 % 5000)::INTEGER AS responselatency, (i % 300)::INTEGER AS integrationlatency, NULL::INTEGER AS authorizerlatency FROM range(5000) t(i)`,
      );
      const rows = (await c.runAndReadAll(rollupSelectSql('raw', 'true'))).getRowObjectsJS();
      expect(rows.map((r) => Object.keys(r))[0]).toEqual(rollupColumns().map((x) => x.name));
      expect(rows.reduce((s, r) => s + Number(r.requests), 0)).toBe(5000);
      for (const r of rows) {
        const counts = LATENCY_BOUNDS_MS.map((b) => Number(r[histogramColumn('responselatency', b)]));
        expect(counts).toEqual([...counts].sort((a, b) => a - b));
        expect(counts.at(-1)).toBe(Number(r.requests));
        expect(r.authmethod).toBe('None');
      }
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});
