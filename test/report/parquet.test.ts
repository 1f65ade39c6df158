/**
 * `report --local` reads the columnar layout: the fixture written as Parquet the way Firehose writes
 * it (the Glue table's lowercase, typed columns, under logs/parquet/dt=/hour=/) gives the same report
 * as the gzip JSON it came from, and a folder holding both layouts is read whole.
 */
import { mkdtempSync, mkdirSync, readdirSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { runReport } from '../../src/commands/report/run.js';
import { RECORD_FIELDS } from '../../src/core/log-format.js';
import { duckDbSource, findLogFiles } from '../../src/engines/local-files.js';
import { FIXTURE, options } from './helpers.js';
import { createTestContext } from '../helpers/context.js';

const scratch = mkdtempSync(join(tmpdir(), 'report-parquet-test-'));
const PARQUET = join(scratch, 'parquet');
const BOTH = join(scratch, 'both');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    // The fixture's access-log records as the report reads them (typed, its damaged and foreign
    // files handled as the report does), under the Glue table's lowercase column names.
    const found = await findLogFiles(FIXTURE);
    const source = duckDbSource({ gzip: found.gzip, plain: found.plain, lenient: new Set([...found.gzip, ...found.plain]) });
    const select = RECORD_FIELDS.map((f) => `"${f.key}" AS ${f.key.toLowerCase()}`).join(', ');
    await c.run(`CREATE TABLE t AS SELECT ${select} FROM ${source.from}`);
    // One object per request hour, in Firehose's partition folders.
    const hours = (await c.runAndReadAll(`SELECT DISTINCT strftime(make_timestamp(requesttimeepoch * 1000), '%Y-%m-%d/%H') AS h FROM t ORDER BY 1`)).getRows();
    for (const [h] of hours) {
      const [day, hour] = String(h).split('/');
      const dir = join(PARQUET, 'logs', 'parquet', `dt=${day}`, `hour=${hour}`);
      mkdirSync(dir, { recursive: true });
      await c.run(
        `COPY (SELECT * FROM t WHERE strftime(make_timestamp(requesttimeepoch * 1000), '%Y-%m-%d/%H') = '${String(h)}') TO '${join(dir, 'amazon-apigateway-shop-parquet-1.parquet')}' (FORMAT parquet, COMPRESSION snappy)`,
      );
    }
    // A record without a request time is filed by its arrival (the Lambda's fallback): any hour folder.
    const [firstHour] = hours[0] as [string];
    const [d0, h0] = String(firstHour).split('/');
    await c.run(`COPY (SELECT * FROM t WHERE requesttimeepoch IS NULL) TO '${join(PARQUET, 'logs', 'parquet', `dt=${d0}`, `hour=${h0}`, 'untimed.parquet')}' (FORMAT parquet)`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
  // Both layouts side by side: the gzip JSON of one day and the Parquet of the same requests would
  // double them, so the mixed folder takes the fixture's JSON and the Parquet of its first hour only.
  cpSync(FIXTURE, join(BOTH, 'json'), { recursive: true });
  const first = readdirSync(join(PARQUET, 'logs', 'parquet'))[0]!;
  cpSync(join(PARQUET, 'logs', 'parquet', first), join(BOTH, 'logs', 'parquet', first), { recursive: true });
});

async function reportOf(local: string) {
  return runReport(options({ local, top: 1000 }), createTestContext().ctx);
}

describe('report --local over Parquet', () => {
  it('finds the Parquet objects by their magic bytes', async () => {
    const found = await findLogFiles(PARQUET);
    expect(found.gzip).toEqual([]);
    expect(found.parquet.length).toBeGreaterThan(1);
    expect(found.parquet.every((f) => f.endsWith('.parquet'))).toBe(true);
  });

  it('answers every question as it does from the gzip JSON the Parquet was made from', async () => {
    const json = await reportOf(FIXTURE);
    const parquet = await reportOf(PARQUET);
    expect(parquet.questions.map((q) => q.id)).toEqual(json.questions.map((q) => q.id));
    for (const q of json.questions) {
      expect(parquet.questions.find((p) => p.id === q.id)?.rows, q.id).toEqual(q.rows);
    }
  });

  it('reads a folder that holds both layouts', async () => {
    const found = await findLogFiles(BOTH);
    expect(found.gzip.length).toBeGreaterThan(0);
    expect(found.parquet.length).toBeGreaterThan(0);
    const json = await reportOf(FIXTURE);
    const both = await reportOf(BOTH);
    const total = (d: typeof json) => Number(d.questions.find((q) => q.id === 'totals')?.rows[0]?.requests);
    expect(total(both)).toBeGreaterThan(total(json));
  });
});
