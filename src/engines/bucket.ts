/**
 * `--from-bucket`: the window's objects from the installation's log bucket, downloaded into a
 * folder for the local engine. Only the `dt` prefixes that can hold the window are listed, and an
 * object last written before the window started is skipped: it was closed before any request of
 * the window could arrive.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { ObjectInfo, S3Api } from '../aws/s3.js';
import type { S3DownloadApi } from '../aws/s3-download.js';
import { mapLimit } from '../aws/throttle.js';
import { BUCKET_PREFIXES } from '../core/outputs.js';
import { partitionDays, type TimeWindow } from '../core/questions/window.js';
import { InternalError } from '../errors.js';

export const DOWNLOAD_CONCURRENCY = 8;

export interface BucketDownload {
  objects: number;
  bytes: number;
  listed: number;
  partitions: { first: string; last: string };
}

export interface BucketDownloadDeps {
  s3: Pick<S3Api, 'listKeys'>;
  download: S3DownloadApi;
  bucket: string;
  expectedOwner?: string;
  window: TimeWindow;
  /** An empty folder the objects are written into (keys kept as paths). */
  dir: string;
  signal: AbortSignal;
  onProgress?: (done: number, total: number, bytes: number) => void;
}

/** The object keys to fetch: under the window's dt prefixes, not closed before the window began. */
export function selectObjects(listing: readonly ObjectInfo[], window: TimeWindow): ObjectInfo[] {
  return listing.filter((o) => !o.lastModified || o.lastModified.getTime() >= window.fromMs);
}

function localPath(dir: string, key: string): string {
  const root = resolve(dir);
  const path = resolve(root, key);
  if (!path.startsWith(root + sep) || relative(root, path).split(sep).includes('..')) {
    throw new InternalError(`refusing to write S3 key ${JSON.stringify(key)} outside ${root}`);
  }
  return path;
}

export async function downloadWindow(deps: BucketDownloadDeps): Promise<BucketDownload> {
  const { first, last, days } = partitionDays(deps.window);
  const listed: ObjectInfo[] = [];
  const owner = deps.expectedOwner ? { expectedOwner: deps.expectedOwner } : {};
  for (const day of days) {
    // Both layouts: gzip JSON filed by arrival (logs/dt=), Parquet filed by request time (logs/parquet/dt=/hour=).
    listed.push(...(await deps.s3.listKeys(deps.bucket, `${BUCKET_PREFIXES.logs}dt=${day}/`, owner)));
    listed.push(...(await deps.s3.listKeys(deps.bucket, `${BUCKET_PREFIXES.parquetLogs}dt=${day}/`, owner)));
  }
  const wanted = selectObjects(listed, deps.window);
  let done = 0;
  let bytes = 0;
  await mapLimit(wanted, DOWNLOAD_CONCURRENCY, async (o) => {
    const file = localPath(deps.dir, o.key);
    await mkdir(dirname(file), { recursive: true });
    const size = await deps.download.download(deps.bucket, o.key, file, {
      ...(deps.expectedOwner ? { expectedOwner: deps.expectedOwner } : {}),
      signal: deps.signal,
    });
    // Added after the await: `bytes += await ...` would read `bytes` before it and lose the others' sizes.
    bytes += size;
    done++;
    deps.onProgress?.(done, wanted.length, bytes);
  });
  return { objects: wanted.length, bytes, listed: listed.length, partitions: { first, last } };
}
