/**
 * Streams S3 objects to local files (report --from-bucket), never holding one in memory. Kept apart
 * from s3.ts, whose reads are small JSON objects.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ClientSettings } from './settings.js';
import { callAws } from './call.js';

export interface DownloadOptions {
  /** The account that must own the bucket (ExpectedBucketOwner). */
  expectedOwner?: string;
  signal?: AbortSignal;
}

export interface S3DownloadApi {
  /** Writes s3://bucket/key to `file`; resolves with the bytes written. */
  download(bucket: string, key: string, file: string, options?: DownloadOptions): Promise<number>;
}

export function createS3Download(settings: ClientSettings): S3DownloadApi {
  const client = new S3Client(settings.clientConfig);
  return {
    async download(bucket, key, file, options = {}) {
      return callAws(settings, `downloading s3://${bucket}/${key} (s3:GetObject)`, async () => {
        const out = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, ...(options.expectedOwner ? { ExpectedBucketOwner: options.expectedOwner } : {}) }),
          options.signal ? { abortSignal: options.signal } : {},
        );
        if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
        await pipeline(out.Body as Readable, createWriteStream(file), options.signal ? { signal: options.signal } : {});
        return (await stat(file)).size;
      });
    },
  };
}
