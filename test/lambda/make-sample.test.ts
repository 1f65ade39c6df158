/**
 * scripts/make-sample.ts files objects as Firehose does: the prefix and name come from the arrival
 * of the object's oldest record (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html),
 * and the committed sample (assets/sample) is exactly what `npm run sample` writes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DIR, SAMPLE_OPTIONS, fileAsFirehose, makeSampleObjects } from '../../scripts/make-sample.js';

const at = (iso: string) => Date.parse(iso);

describe('fileAsFirehose', () => {
  it('opens an object at its first arrival and keeps it for the buffer interval, across midnight', () => {
    const arrivals = [at('2025-01-06T23:59:50Z'), at('2025-01-07T00:00:20Z'), at('2025-01-07T00:00:49Z'), at('2025-01-07T00:00:50Z'), at('2025-01-07T00:03:00Z')];
    const objects = fileAsFirehose(['a', 'b', 'c', 'd', 'e'], arrivals, 60_000);
    expect(objects.map((o) => [new Date(o.openedMs).toISOString(), o.items])).toEqual([
      ['2025-01-06T23:59:50.000Z', ['a', 'b', 'c']],
      ['2025-01-07T00:00:50.000Z', ['d']],
      ['2025-01-07T00:03:00.000Z', ['e']],
    ]);
    // The request at 00:00:20 on the 7th is in the object the 6th names.
    expect(new Date(objects[0]!.openedMs).toISOString().slice(0, 10)).toBe('2025-01-06');
    expect(objects[0]!.deliveredMs).toBeGreaterThanOrEqual(arrivals[0]! + 60_000);
  });

  it('files by arrival order, not by the order records were given', () => {
    const objects = fileAsFirehose(['late', 'early'], [at('2025-01-07T00:00:30Z'), at('2025-01-06T23:59:59Z')], 60_000);
    expect(objects.map((o) => o.items)).toEqual([['early', 'late']]);
  });
});

describe('the committed sample', () => {
  const read = (key: string) =>
    gunzipSync(readFileSync(join(SAMPLE_DIR, key)))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { requestTimeEpoch: number });

  it('is what npm run sample writes (regenerate it after changing the Lambda, the generator or the filing)', async () => {
    const objects = await makeSampleObjects(SAMPLE_OPTIONS);
    const onDisk = readdirSync(join(SAMPLE_DIR, 'logs')).flatMap((dt) => readdirSync(join(SAMPLE_DIR, 'logs', dt)).map((name) => `logs/${dt}/${name}`));
    expect(onDisk.sort()).toEqual(objects.map((o) => o.key).sort());
    for (const o of objects) expect(readFileSync(join(SAMPLE_DIR, o.key)).equals(o.body), o.key).toBe(true);
  });

  it('has boundary objects: requests of a day under the previous day\'s prefix, never under a later one', async () => {
    const objects = await makeSampleObjects(SAMPLE_OPTIONS);
    let boundary = 0;
    for (const o of objects) {
      const dt = /dt=(\d{4}-\d{2}-\d{2})\//.exec(o.key)![1]!;
      const days = read(o.key).map((r) => new Date(r.requestTimeEpoch).toISOString().slice(0, 10));
      // Requests arrive after they happen, so an object's day is never after a request's (the
      // sample's arrivals are within seconds, so never a day later either).
      for (const d of days) expect(dt <= d, `${o.key}: ${d}`).toBe(true);
      if (days.some((d) => d > dt)) boundary++;
    }
    expect(boundary).toBeGreaterThan(0);
  });
});
