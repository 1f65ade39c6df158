/**
 * The hourly top values, run in DuckDB on crafted rows: the SELECT the stack's refresh runs, and
 * the refresh itself (INSERT INTO with the hour given as literals, since DuckDB has no
 * date_format or to_unixtime).
 */
import { describe, expect, it } from 'vitest';
import { useDuckDb } from '../helpers/duckdb.js';
import { TOP_VALUES_LIMIT, TOP_VALUES_TABLE_NAME, topValuesColumns, topValuesInsertSql, topValuesSelectSql } from '../../src/core/top-values.js';

const HOUR = 1_764_000_000_000 - (1_764_000_000_000 % 3_600_000);
const COLUMNS = ['apiid', 'stage', 'ip', 'identityuseragent', 'wafresponsecode', 'sub', 'cognitoclientid', 'aud', 'identityuserarn', 'identityaccountid'] as const;
type Raw = Partial<Record<(typeof COLUMNS)[number], string>> & { t?: number; status?: number; dt?: string; hour?: string };

const duck = useDuckDb();

const lit = (v: string | number | undefined): string => (v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);

/** A raw table of these rows (API a1, stage prod, status 200, the first second of HOUR unless given). */
async function rawTable(name: string, rows: readonly Raw[]): Promise<void> {
  const cols = [...COLUMNS.map((k) => `${k} VARCHAR`), 'status INTEGER', 'requesttimeepoch BIGINT', 'dt VARCHAR', 'hour VARCHAR'];
  await duck().run(`CREATE OR REPLACE TABLE ${name} (${cols.join(', ')})`);
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r) => {
      const base = { apiid: 'a1', stage: 'prod', ...r };
      return `(${[...COLUMNS.map((k) => lit(base[k])), lit(r.status ?? 200), lit(r.t ?? HOUR), lit(r.dt ?? '2025-11-24'), lit(r.hour ?? '16')].join(', ')})`;
    });
    await duck().run(`INSERT INTO ${name} VALUES ${values.join(', ')}`);
  }
}

type Row = { hour_ms: number; apiid: string; stage: string; kind: string; value: string; detail: string | null; requests: number; client_errors: number; server_errors: number; first_request_ms: number; last_request_ms: number };

async function top(source: string, where = 'true'): Promise<Row[]> {
  const rows = (await duck().runAndReadAll(`${topValuesSelectSql(source, where)} ORDER BY hour_ms, apiid, stage, kind, requests DESC, value`)).getRowObjectsJS();
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])) as Row);
}
const ofKind = (rows: readonly Row[], kind: string): Row[] => rows.filter((r) => r.kind === kind);
const ip = (i: number): string => `10.0.${Math.floor(i / 256)}.${i % 256}`;

describe('the top values of an hour', () => {
  it('has the table\'s columns in order, and the partition last when given', async () => {
    await rawTable('one', [{ ip: '1.1.1.1' }]);
    const sql = topValuesSelectSql('one', 'true', "'2025-11-24'");
    const names = Object.keys((await duck().runAndReadAll(sql)).getRowObjectsJS()[0]!);
    expect(names).toEqual([...topValuesColumns().map((x) => x.name), 'dt']);
  });

  it(`keeps the ${TOP_VALUES_LIMIT} busiest values of each hour, API, stage and kind, and every value of a smaller group`, async () => {
    // Ten values of three requests each, last in the value order, among 1,200 of one request.
    const heavy = Array.from({ length: 10 }, (_, i) => `99.0.0.${i}`);
    const busy = [...Array.from({ length: TOP_VALUES_LIMIT + 200 }, (_, i) => ({ ip: ip(i) })), ...heavy.flatMap((v) => [{ ip: v }, { ip: v }, { ip: v }])];
    const nextHour = busy.map((r) => ({ ...r, t: HOUR + 3_600_000 }));
    const otherStage = [{ stage: 'dev', ip: '9.9.9.9' }, { stage: 'dev', ip: '9.9.9.8' }];
    await rawTable('limits', [...busy, ...nextHour, ...otherStage]);
    const ips = ofKind(await top('limits'), 'ip');
    expect(ips.filter((r) => r.stage === 'prod' && r.hour_ms === HOUR)).toHaveLength(TOP_VALUES_LIMIT);
    expect(ips.filter((r) => r.stage === 'prod' && r.hour_ms === HOUR + 3_600_000)).toHaveLength(TOP_VALUES_LIMIT);
    expect(ips.filter((r) => r.stage === 'dev').map((r) => r.value).sort()).toEqual(['9.9.9.8', '9.9.9.9']);
    expect(ips.filter((r) => r.hour_ms === HOUR && r.requests === 3).map((r) => r.value)).toEqual(heavy);
  });

  it('breaks ties at the limit by the value, the same whatever order the rows come in', async () => {
    const rows = Array.from({ length: TOP_VALUES_LIMIT + 50 }, (_, i) => ({ ip: ip(i) }));
    await rawTable('ties', rows);
    await rawTable('ties_reversed', [...rows].reverse());
    const kept = ofKind(await top('ties'), 'ip').map((r) => r.value);
    expect(kept).toEqual(rows.map((r) => r.ip).sort().slice(0, TOP_VALUES_LIMIT));
    expect(ofKind(await top('ties_reversed'), 'ip').map((r) => r.value)).toEqual(kept);
  });

  it('counts 4xx and 5xx per value, with its first and last request of the hour', async () => {
    const statuses = [200, 204, 301, 400, 404, 429, 499, 500, 503, 599];
    await rawTable('errors', statuses.map((status, i) => ({ ip: '1.2.3.4', status, t: HOUR + i * 1000 })));
    const [row] = ofKind(await top('errors'), 'ip');
    expect(row).toMatchObject({ requests: 10, client_errors: 4, server_errors: 3, first_request_ms: HOUR, last_request_ms: HOUR + 9000 });
  });

  it('leaves out the rows without the value, and counts a blocked IP only when WAF blocked the request', async () => {
    await rawTable('filters', [
      { ip: '1.1.1.1', wafresponsecode: 'WAF_BLOCK' },
      { ip: '1.1.1.1', wafresponsecode: 'WAF_ALLOW' },
      { ip: '2.2.2.2' },
      { wafresponsecode: 'WAF_BLOCK' },
      { identityuseragent: 'curl/8' },
    ]);
    const rows = await top('filters');
    expect(ofKind(rows, 'ip').map((r) => [r.value, r.requests])).toEqual([['1.1.1.1', 2], ['2.2.2.2', 1]]);
    expect(ofKind(rows, 'waf_blocked_ip').map((r) => [r.value, r.requests])).toEqual([['1.1.1.1', 1]]);
    expect(ofKind(rows, 'useragent').map((r) => [r.value, r.requests])).toEqual([['curl/8', 1]]);
    expect(ofKind(rows, 'cognito_user')).toEqual([]);
    expect(ofKind(rows, 'iam_caller')).toEqual([]);
    expect(rows.every((r) => r.value !== null)).toBe(true);
  });

  it('shows beside each value its detail: the app client of a Cognito user (or its token audience), the account of an IAM caller, nothing for IPs and user agents', async () => {
    await rawTable('details', [
      { sub: 'u1', cognitoclientid: 'client-b', aud: 'aud-x', ip: '1.1.1.1', identityuseragent: 'ua' },
      { sub: 'u1', cognitoclientid: 'client-a' },
      { sub: 'u2', aud: 'aud-only' },
      { identityuserarn: 'arn:aws:iam::111122223333:user/jane', identityaccountid: '111122223333' },
    ]);
    const rows = await top('details');
    expect(ofKind(rows, 'cognito_user').map((r) => [r.value, r.detail, r.requests])).toEqual([['u1', 'client-a', 2], ['u2', 'aud-only', 1]]);
    expect(ofKind(rows, 'iam_caller').map((r) => [r.value, r.detail])).toEqual([['arn:aws:iam::111122223333:user/jane', '111122223333']]);
    expect([...ofKind(rows, 'ip'), ...ofKind(rows, 'useragent')].map((r) => r.detail)).toEqual([null, null]);
  });
});

describe('the scheduled refresh of the top values', () => {
  const hour = { day: "'2025-11-24'", hourOfDay: "'16'", hourMs: String(HOUR) };
  const count = async (sql: string): Promise<number> => Number((await duck().runAndReadAll(sql)).getRows()[0]![0]);

  it('adds the hour from that hour\'s partition only, and a second run adds nothing', async () => {
    await duck().run('CREATE SCHEMA IF NOT EXISTS db');
    await rawTable('db.access_logs', [
      { ip: '1.1.1.1' },
      { ip: '1.1.1.1', t: HOUR + 60_000 },
      { ip: '3.3.3.3', t: HOUR - 3_600_000, hour: '15' },
      { ip: '4.4.4.4', t: HOUR - 86_400_000, dt: '2025-11-23' },
    ]);
    const cols = topValuesColumns().map((x) => `${x.name} ${x.type === 'bigint' ? 'BIGINT' : 'VARCHAR'}`);
    await duck().run(`CREATE TABLE db.${TOP_VALUES_TABLE_NAME} (${cols.join(', ')}, dt VARCHAR)`);
    const insert = topValuesInsertSql('db', 'access_logs', TOP_VALUES_TABLE_NAME, hour);
    await duck().run(insert);
    await duck().run(insert);
    const rows = (await duck().runAndReadAll(`SELECT kind, value, requests, dt FROM db.${TOP_VALUES_TABLE_NAME}`)).getRowObjectsJS();
    expect(rows).toEqual([{ kind: 'ip', value: '1.1.1.1', requests: 2n, dt: '2025-11-24' }]);
    expect(await count(`SELECT count(*) FROM db.${TOP_VALUES_TABLE_NAME} WHERE hour_ms = ${HOUR}`)).toBe(1);
  });

  it('runs in Athena as one INSERT INTO the table, partition column last, pruned to the previous UTC hour', () => {
    const sql = topValuesInsertSql('apigw_log_analytics_shop', 'access_logs');
    expect(sql).toMatch(/^INSERT INTO "apigw_log_analytics_shop"\."access_logs_top_hourly"\nSELECT hour_ms, .*, last_request_ms, date_format\(.*\) AS dt\n/);
    expect(sql).toContain("WHERE (dt = date_format(date_trunc('hour', current_timestamp - interval '1' hour), '%Y-%m-%d')\n  AND hour = date_format(date_trunc('hour', current_timestamp - interval '1' hour), '%H')");
    expect(sql).toContain('NOT EXISTS (SELECT 1 FROM "apigw_log_analytics_shop"."access_logs_top_hourly" done WHERE done.dt = ');
    expect(sql).toContain(`WHERE value_rank <= ${TOP_VALUES_LIMIT}`);
  });
});
