/**
 * Pieces the Glue tables of the template share: the Parquet storage format (the access-log table
 * Firehose writes and the rollup table Athena writes) and the day partition's projection (the
 * Parquet table and the gzip JSON table an upgrade keeps).
 */
import { sub } from './intrinsics.js';
import { PARAMETERS, type CfnValue } from './types.js';

/** Hive's Parquet input and output formats and SerDe, as Athena and Firehose read and write them. */
export const PARQUET_STORAGE = {
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', Parameters: { 'serialization.format': '1' } },
} as const;

/**
 * Partition projection of a `yyyy-MM-dd` day key over the retention period (and tomorrow, for
 * clocks ahead), so Athena needs no crawler and no registered partitions.
 */
export function dayProjection(key: string, format: string): Record<string, CfnValue> {
  return {
    [`projection.${key}.type`]: 'date',
    [`projection.${key}.format`]: format,
    [`projection.${key}.range`]: sub(`NOW-\${${PARAMETERS.retentionDays}}DAYS,NOW+1DAYS`),
    [`projection.${key}.interval`]: '1',
    [`projection.${key}.interval.unit`]: 'DAYS',
  };
}
