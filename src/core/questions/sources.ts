/** The FROM item and partition predicates of the Athena source (the installation's Glue table). */
import type { ReportSource } from './compile.js';
import { sqlIdentifier, sqlString } from './dialect.js';
import { partitionDays, type TimeWindow } from './window.js';

/**
 * Reads only the `dt` partitions that can hold the window (partition projection turns the range
 * into S3 prefixes, so nothing outside it is listed or scanned).
 */
export function athenaSource(database: string, table: string, window: TimeWindow): ReportSource & { partitions: { first: string; last: string } } {
  const { first, last } = partitionDays(window);
  return {
    from: `${sqlIdentifier(database)}.${sqlIdentifier(table)}`,
    where: [`dt >= ${sqlString(first)}`, `dt <= ${sqlString(last)}`],
    partitions: { first, last },
  };
}
