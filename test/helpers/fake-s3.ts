/**
 * An in-memory S3 behind aws-sdk-client-mock, versioned like the log bucket: objects, their
 * versions and delete markers, bucket tags, and the calls our adapters make (objects, listings
 * with paging, HeadBucket, ListObjectVersions, DeleteObjects, DeleteBucket, ListBuckets,
 * GetBucketTagging). PutObject and DeleteObject honour S3's conditional requests (If-None-Match: *,
 * If-Match: <ETag>) with S3's answers: 412 PreconditionFailed, 404 NoSuchKey for If-Match on a key
 * with no current object. `before` runs (and is awaited) ahead of every call, so a test can run
 * another command in the middle of one.
 */
import { createHash } from 'node:crypto';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

interface Version {
  key: string;
  versionId: string;
  etag: string;
  body: string | null; // null: a delete marker
  size: number;
  lastModified: Date;
}

interface Bucket {
  versions: Version[]; // oldest first
  tags: Record<string, string>;
}

const s3Error = (name: string, status: number, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

export class FakeS3 {
  readonly buckets = new Map<string, Bucket>();
  private seq = 0;
  /** Listings return at most this many keys per page. */
  pageSize = 1000;
  /** Buckets that answer HeadBucket with 403 (a caller without s3:ListBucket). */
  readonly forbidden = new Set<string>();
  /** Awaited before every call: (operation, input). */
  before: ((op: string, input: Record<string, unknown>) => Promise<void> | void) | undefined;

  bucket(name: string, tags: Record<string, string> = {}): this {
    if (!this.buckets.has(name)) this.buckets.set(name, { versions: [], tags });
    return this;
  }

  put(bucket: string, key: string, body: string, lastModified = new Date('2026-11-25T11:00:00Z')): void {
    this.bucket(bucket);
    this.buckets.get(bucket)!.versions.push({ key, versionId: `v${++this.seq}`, etag: `"${createHash('md5').update(body).digest('hex')}"`, body, size: body.length, lastModified });
  }

  deleteMarker(bucket: string, key: string): void {
    this.buckets.get(bucket)!.versions.push({ key, versionId: `v${++this.seq}`, etag: '', body: null, size: 0, lastModified: new Date('2026-11-25T11:00:00Z') });
  }

  /** The current (latest, not deleted) objects of a bucket. */
  current(bucket: string): Map<string, Version> {
    const out = new Map<string, Version>();
    for (const v of this.buckets.get(bucket)?.versions ?? []) {
      if (v.body === null) out.delete(v.key);
      else out.set(v.key, v);
    }
    return out;
  }

  get(bucket: string, key: string): string | undefined {
    return this.current(bucket).get(key)?.body ?? undefined;
  }

  install(mock: AwsClientStub<S3Client>): this {
    const need = (name: string) => {
      const b = this.buckets.get(name);
      if (!b) throw s3Error('NoSuchBucket', 404, 'The specified bucket does not exist');
      return b;
    };
    const noSuchKey = () => new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    /** S3's If-None-Match / If-Match evaluation against the current version. */
    const check = (bucket: string, key: string, c: { IfNoneMatch?: string; IfMatch?: string }) => {
      const current = this.current(bucket).get(key);
      if (c.IfNoneMatch === '*' && current) throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
      if (c.IfMatch !== undefined && !current) throw noSuchKey();
      if (c.IfMatch !== undefined && current && c.IfMatch !== current.etag) throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
    };
    const on = <I extends object>(command: unknown, op: string, fn: (i: I) => unknown) =>
      mock.on(command as Parameters<typeof mock.on>[0]).callsFake(async (i: I) => {
        await this.before?.(op, i as Record<string, unknown>);
        return fn(i);
      });
    on(HeadBucketCommand, 'HeadBucket', (i: { Bucket: string }) => {
      if (this.forbidden.has(i.Bucket)) throw s3Error('Forbidden', 403, 'Forbidden');
      if (!this.buckets.has(i.Bucket)) throw s3Error('NotFound', 404);
      return {};
    });
    on(PutObjectCommand, 'PutObject', (i: { Bucket: string; Key: string; Body: string; IfNoneMatch?: string; IfMatch?: string }) => {
      need(i.Bucket);
      check(i.Bucket, i.Key, i);
      this.put(i.Bucket, i.Key, String(i.Body));
      return { ETag: this.current(i.Bucket).get(i.Key)!.etag };
    });
    on(GetObjectCommand, 'GetObject', (i: { Bucket: string; Key: string }) => {
      need(i.Bucket);
      const v = this.current(i.Bucket).get(i.Key);
      if (!v || v.body === null) throw noSuchKey();
      const body = v.body;
      // The adapter only calls transformToString on the body.
      return { ETag: v.etag, Body: { transformToString: () => Promise.resolve(body) } as never };
    });
    on(DeleteObjectCommand, 'DeleteObject', (i: { Bucket: string; Key: string; IfMatch?: string }) => {
      need(i.Bucket);
      check(i.Bucket, i.Key, i);
      this.deleteMarker(i.Bucket, i.Key);
      return {};
    });
    mock.on(ListObjectsV2Command).callsFake((i: { Bucket: string; Prefix?: string; ContinuationToken?: string }) => {
      const all = [...this.current(i.Bucket).values()].filter((v) => v.key.startsWith(i.Prefix ?? '')).sort((a, b) => a.key.localeCompare(b.key));
      need(i.Bucket);
      const start = i.ContinuationToken ? Number(i.ContinuationToken) : 0;
      const page = all.slice(start, start + this.pageSize);
      const more = start + this.pageSize < all.length;
      return {
        Contents: page.map((v) => ({ Key: v.key, Size: v.size, LastModified: v.lastModified })),
        KeyCount: page.length,
        IsTruncated: more,
        ...(more ? { NextContinuationToken: String(start + this.pageSize) } : {}),
      };
    });
    mock.on(ListObjectVersionsCommand).callsFake((i: { Bucket: string; KeyMarker?: string; VersionIdMarker?: string; MaxKeys?: number }) => {
      const b = need(i.Bucket);
      const sorted = [...b.versions].sort((x, y) => x.key.localeCompare(y.key) || x.versionId.localeCompare(y.versionId));
      let start = 0;
      if (i.KeyMarker) {
        start = sorted.findIndex((v) => v.key > i.KeyMarker! || (v.key === i.KeyMarker && i.VersionIdMarker !== undefined && v.versionId > i.VersionIdMarker));
        if (start < 0) start = sorted.length;
      }
      const max = Math.min(i.MaxKeys ?? 1000, this.pageSize);
      const page = sorted.slice(start, start + max);
      const more = start + max < sorted.length;
      const last = page[page.length - 1];
      return {
        Versions: page.filter((v) => v.body !== null).map((v) => ({ Key: v.key, VersionId: v.versionId, Size: v.size })),
        DeleteMarkers: page.filter((v) => v.body === null).map((v) => ({ Key: v.key, VersionId: v.versionId })),
        IsTruncated: more,
        ...(more && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.versionId } : {}),
      };
    });
    mock.on(DeleteObjectsCommand).callsFake((i: { Bucket: string; Delete: { Objects: Array<{ Key: string; VersionId?: string }> } }) => {
      const b = need(i.Bucket);
      if (i.Delete.Objects.length > 1000) throw s3Error('MalformedXML', 400, 'more than 1000 keys');
      const gone = new Set(i.Delete.Objects.map((o) => `${o.Key}\u0000${o.VersionId}`));
      b.versions = b.versions.filter((v) => !gone.has(`${v.key}\u0000${v.versionId}`));
      return { Deleted: i.Delete.Objects };
    });
    mock.on(DeleteBucketCommand).callsFake((i: { Bucket: string }) => {
      const b = need(i.Bucket);
      if (b.versions.length > 0) throw s3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty');
      this.buckets.delete(i.Bucket);
      return {};
    });
    mock.on(ListBucketsCommand).callsFake((i: { Prefix?: string }) => ({
      Buckets: [...this.buckets.keys()].filter((n) => n.startsWith(i.Prefix ?? '')).map((Name) => ({ Name })),
    }));
    mock.on(GetBucketTaggingCommand).callsFake((i: { Bucket: string }) => {
      const b = need(i.Bucket);
      if (Object.keys(b.tags).length === 0) throw s3Error('NoSuchTagSet', 404);
      return { TagSet: Object.entries(b.tags).map(([Key, Value]) => ({ Key, Value })) };
    });
    return this;
  }
}
