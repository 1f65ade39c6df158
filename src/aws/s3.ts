/**
 * S3 adapter: the CLI's artifacts bucket (where templates are staged for CloudFormation, like
 * `cdk bootstrap`'s staging bucket), small JSON state objects in the log bucket, and emptying a
 * versioned bucket before it is deleted. Every call names the expected bucket owner when the caller
 * knows it, so a bucket of the same name in another account is never written to or read from.
 */
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type BucketLocationConstraint,
  type ObjectIdentifier,
} from '@aws-sdk/client-s3';
import type { ClientSettings } from './settings.js';
import { callAws } from './call.js';
import { CancelledError, UserError } from '../errors.js';
import { TOOL } from '../core/names.js';
import { partitionOf } from './config.js';

export const ARTIFACTS_BUCKET_PREFIX = `${TOOL}-artifacts-`;
/** Staged templates live under this prefix and expire after TEMPLATE_EXPIRY_DAYS. */
export const TEMPLATE_PREFIX = 'templates/';
export const TEMPLATE_EXPIRY_DAYS = 30;
/** The tag that marks a bucket as our artifacts bucket, fully configured (set last). */
export const ARTIFACTS_MARKER_TAG = { key: `${TOOL}:purpose`, value: 'artifacts' } as const;
/** DeleteObjects takes at most 1,000 keys per request. */
export const DELETE_BATCH_SIZE = 1000;

export interface OwnerOption {
  /** The account that must own the bucket (ExpectedBucketOwner); the call fails with 403 otherwise. */
  expectedOwner?: string;
}

export interface ArtifactsBucket {
  name: string;
  /** True when this run created (or finished configuring) it. */
  created: boolean;
}

export interface StagedTemplate {
  bucket: string;
  key: string;
  /** Regional virtual-hosted https URL, for CreateChangeSet's TemplateURL. */
  url: string;
  sha256: string;
  bytes: number;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified?: Date;
}

export interface EmptyBucketProgress {
  versionsDeleted: number;
  deleteMarkersDeleted: number;
  bytesDeleted: number;
}

export interface EmptyBucketResult extends EmptyBucketProgress {
  /** False when the bucket did not exist in the first place. */
  bucketDeleted: boolean;
}

export type BucketState = 'owned' | 'missing' | 'forbidden';

/**
 * S3 conditional writes and deletes (SDK fields IfNoneMatch / IfMatch on PutObjectCommand, IfMatch
 * on DeleteObjectCommand): If-None-Match: * writes only when the key has no current object,
 * If-Match: <ETag> writes or deletes only when the current object still has that ETag. A failed
 * precondition is 412 PreconditionFailed (If-Match on a key with no current object: 404
 * NoSuchKey), and a concurrent conditional request on the same key can get 409
 * ConditionalRequestConflict. Deleting with an ETag also needs s3:GetObject.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
 */
export interface WriteCondition {
  /** '*': create only. */
  ifNoneMatch?: '*';
  /** Replace only this version (an ETag from getJsonVersioned). */
  ifMatch?: string;
}

export type ConditionalOutcome = 'written' | 'precondition-failed' | 'conflict';

/** How S3 answered a conditional request that it did not carry out, or null for any other error. */
function conditionFailure(e: unknown): 'precondition-failed' | 'conflict' | 'not-found' | null {
  const name = errorName(e);
  const status = httpStatus(e);
  if (name === 'PreconditionFailed' || status === 412) return 'precondition-failed';
  if (name === 'ConditionalRequestConflict' || status === 409) return 'conflict';
  if (name === 'NoSuchKey' || status === 404) return 'not-found';
  return null;
}

export interface S3Api {
  readonly region: string;
  /** Whether the bucket exists and is reachable as `expectedOwner` ('forbidden': another owner, or no s3:ListBucket). */
  headBucket(bucket: string, options?: OwnerOption): Promise<BucketState>;
  /** The artifacts bucket of this account and region, created and configured on first use. */
  ensureArtifactsBucket(options: { account: string; tags?: Record<string, string> }): Promise<ArtifactsBucket>;
  /** Stages a template under a content-addressed key and returns its TemplateURL. */
  uploadTemplate(bucket: string, body: string, options?: OwnerOption): Promise<StagedTemplate>;
  /**
   * Writes a JSON object. With a condition (S3 conditional writes) it returns 'precondition-failed'
   * instead of writing when the object is not as expected, and 'conflict' when a concurrent write
   * to the key won (409 ConditionalRequestConflict: read again and retry).
   */
  putJson(bucket: string, key: string, value: unknown, options?: OwnerOption & WriteCondition): Promise<ConditionalOutcome>;
  /** The parsed object, or null when there is no such key. */
  getJson<T = unknown>(bucket: string, key: string, options?: OwnerOption): Promise<T | null>;
  /** The parsed object and its ETag (for a later If-Match), or null when there is no such key. */
  getJsonVersioned<T = unknown>(bucket: string, key: string, options?: OwnerOption): Promise<{ value: T; etag: string } | null>;
  /** With `ifMatch`, deletes only the version read ('precondition-failed' if it changed, 'not-found' if it went). */
  deleteObject(bucket: string, key: string, options?: OwnerOption & { ifMatch?: string }): Promise<ConditionalOutcome | 'not-found'>;
  /** Every current object under the prefix (ListObjectsV2, all pages). */
  listKeys(bucket: string, prefix?: string, options?: OwnerOption): Promise<ObjectInfo[]>;
  /** Count and bytes of the current objects under the prefix (noncurrent versions not included). */
  bucketSize(bucket: string, prefix?: string, options?: OwnerOption): Promise<{ count: number; bytes: number }>;
  /**
   * Deletes every object version and delete marker (ListObjectVersions pages, DeleteObjects batches
   * of up to 1,000), then the bucket. A bucket that does not exist is not an error.
   */
  emptyAndDeleteBucket(
    bucket: string,
    options?: OwnerOption & { signal?: AbortSignal; onProgress?: (p: EmptyBucketProgress) => void },
  ): Promise<EmptyBucketResult>;
}

/** The partition and DNS suffix of a region, for ARNs and URLs. */
export function regionPartition(region: string): { partition: string; dnsSuffix: string } {
  return partitionOf(region) ?? { partition: 'aws', dnsSuffix: 'amazonaws.com' };
}

/**
 * `apigw-log-analytics-artifacts-<account>-<region>`: 30 + 12 + 1 + the region (14 for the longest
 * today) = 57, within S3's 63. One per account and region, because a TemplateURL must be in the
 * stack's region.
 */
export function artifactsBucketName(account: string, region: string): string {
  if (!/^\d{12}$/.test(account)) throw new UserError('InvalidAccount', `"${account}" is not a 12-digit AWS account id.`);
  const name = `${ARTIFACTS_BUCKET_PREFIX}${account}-${region}`;
  if (name.length > 63 || !/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name)) {
    throw new UserError('InvalidBucketName', `The artifacts bucket name ${name} breaks S3's bucket naming rules (at most 63 lowercase letters, digits and hyphens).`);
  }
  return name;
}

export function templateKey(body: string): { key: string; sha256: string } {
  const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
  return { key: `${TEMPLATE_PREFIX}${sha256}.json`, sha256 };
}

/** https://<bucket>.s3.<region>.<dns suffix>/<key> */
export function objectUrl(bucket: string, region: string, key: string): string {
  const { dnsSuffix } = regionPartition(region);
  return `https://${bucket}.s3.${region}.${dnsSuffix}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** Denies every request that does not use TLS. */
export function tlsOnlyPolicy(bucket: string, region: string): string {
  const { partition } = regionPartition(region);
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:${partition}:s3:::${bucket}`, `arn:${partition}:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}

function errorName(e: unknown): string {
  const err = e as { name?: string; Code?: string } | null;
  return (err?.name && err.name !== 'Error' ? err.name : err?.Code) ?? '';
}

function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

const owner = (o?: OwnerOption) => (o?.expectedOwner ? { ExpectedBucketOwner: o.expectedOwner } : {});

export function createS3(settings: ClientSettings): S3Api {
  const client = new S3Client(settings.clientConfig);
  const region = settings.target.region;

  const configureArtifactsBucket = async (bucket: string, account: string, tags: Record<string, string>) => {
    const o = { ExpectedBucketOwner: account };
    await callAws(settings, `blocking public access to ${bucket} (s3:PutBucketPublicAccessBlock)`, () =>
      client.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
          ...o,
        }),
      ),
    );
    await callAws(settings, `turning on default encryption of ${bucket} (s3:PutEncryptionConfiguration)`, () =>
      client.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          ...o,
        }),
      ),
    );
    await callAws(settings, `setting the TLS-only policy of ${bucket} (s3:PutBucketPolicy)`, () =>
      client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: tlsOnlyPolicy(bucket, region), ...o })),
    );
    await callAws(settings, `setting the lifecycle rules of ${bucket} (s3:PutLifecycleConfiguration)`, () =>
      client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket,
          LifecycleConfiguration: {
            Rules: [
              { ID: 'expire-staged-templates', Status: 'Enabled', Filter: { Prefix: TEMPLATE_PREFIX }, Expiration: { Days: TEMPLATE_EXPIRY_DAYS } },
              { ID: 'abort-incomplete-uploads', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
            ],
          },
          ...o,
        }),
      ),
    );
    // Tagged last: the marker tag says the configuration above is complete.
    const tagSet = Object.entries({ ...tags, [ARTIFACTS_MARKER_TAG.key]: ARTIFACTS_MARKER_TAG.value }).map(([Key, Value]) => ({ Key, Value }));
    await callAws(settings, `tagging ${bucket} (s3:PutBucketTagging)`, () =>
      client.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tagSet }, ...o })),
    );
  };

  const listObjectsPages = async (bucket: string, prefix: string | undefined, o: OwnerOption | undefined, each: (info: ObjectInfo) => void) => {
    let token: string | undefined;
    do {
      const page = await callAws(settings, `listing objects in s3://${bucket}/${prefix ?? ''} (s3:ListBucket)`, () =>
        client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, ...owner(o) })),
      );
      for (const c of page.Contents ?? []) {
        if (!c.Key) continue;
        const info: ObjectInfo = { key: c.Key, size: c.Size ?? 0 };
        if (c.LastModified) info.lastModified = c.LastModified;
        each(info);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  };

  return {
    region,

    async headBucket(bucket, options) {
      return callAws(settings, `checking bucket ${bucket} (s3:ListBucket)`, async () => {
        try {
          await client.send(new HeadBucketCommand({ Bucket: bucket, ...owner(options) }));
          return 'owned' as const;
        } catch (e) {
          const status = httpStatus(e);
          if (status === 404 || errorName(e) === 'NotFound' || errorName(e) === 'NoSuchBucket') return 'missing' as const;
          if (status === 403) return 'forbidden' as const;
          throw e;
        }
      });
    },

    async ensureArtifactsBucket({ account, tags = {} }) {
      const bucket = artifactsBucketName(account, region);
      // One call on the usual path: the marker tag is set last, so its presence means the bucket
      // exists, is ours and was fully configured.
      const probe = await callAws(settings, `checking the artifacts bucket ${bucket} (s3:GetBucketTagging)`, async () => {
        try {
          const out = await client.send(new GetBucketTaggingCommand({ Bucket: bucket, ExpectedBucketOwner: account }));
          const marked = (out.TagSet ?? []).some((t) => t.Key === ARTIFACTS_MARKER_TAG.key && t.Value === ARTIFACTS_MARKER_TAG.value);
          return marked ? ('ready' as const) : ('unconfigured' as const);
        } catch (e) {
          const name = errorName(e);
          if (name === 'NoSuchTagSet') return 'unconfigured' as const;
          if (name === 'NoSuchBucket' || httpStatus(e) === 404) return 'missing' as const;
          if (httpStatus(e) === 403 && !/not authorized to perform/i.test((e as Error).message ?? '')) return 'foreign' as const;
          throw e;
        }
      });
      if (probe === 'ready') return { name: bucket, created: false };
      if (probe === 'foreign') throw foreignBucketError(bucket, account, false);
      if (probe === 'missing') {
        await callAws(settings, `creating the artifacts bucket ${bucket} (s3:CreateBucket)`, async () => {
          try {
            await client.send(
              new CreateBucketCommand({
                Bucket: bucket,
                ObjectOwnership: 'BucketOwnerEnforced',
                // us-east-1 refuses a LocationConstraint naming itself; every other region needs one.
                ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
              }),
            );
          } catch (e) {
            if (errorName(e) === 'BucketAlreadyOwnedByYou') return; // another run got there first
            if (errorName(e) === 'BucketAlreadyExists') throw foreignBucketError(bucket, account, true);
            throw e;
          }
        });
      }
      await configureArtifactsBucket(bucket, account, tags);
      return { name: bucket, created: true };
    },

    async uploadTemplate(bucket, body, options) {
      const { key, sha256 } = templateKey(body);
      // Always put, even when the key exists: it restarts the object's expiry clock.
      await callAws(settings, `staging the template in s3://${bucket}/${key} (s3:PutObject)`, () =>
        client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ...owner(options) })),
      );
      return { bucket, key, url: objectUrl(bucket, region, key), sha256, bytes: Buffer.byteLength(body, 'utf8') };
    },

    async putJson(bucket, key, value, options) {
      const conditional = options?.ifNoneMatch !== undefined || options?.ifMatch !== undefined;
      return callAws(settings, `writing s3://${bucket}/${key} (s3:PutObject)`, async () => {
        try {
          await client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: JSON.stringify(value),
              ContentType: 'application/json',
              ...(options?.ifNoneMatch ? { IfNoneMatch: options.ifNoneMatch } : {}),
              ...(options?.ifMatch ? { IfMatch: options.ifMatch } : {}),
              ...owner(options),
            }),
          );
          return 'written' as const;
        } catch (e) {
          const failure = conditional ? conditionFailure(e) : null;
          if (failure === null) throw e;
          return failure === 'conflict' ? 'conflict' : 'precondition-failed';
        }
      });
    },

    async getJson<T = unknown>(bucket: string, key: string, options?: OwnerOption): Promise<T | null> {
      return (await this.getJsonVersioned<T>(bucket, key, options))?.value ?? null;
    },

    async getJsonVersioned<T = unknown>(bucket: string, key: string, options?: OwnerOption): Promise<{ value: T; etag: string } | null> {
      const got = await callAws(settings, `reading s3://${bucket}/${key} (s3:GetObject)`, async () => {
        try {
          const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...owner(options) }));
          return { text: (await out.Body?.transformToString('utf-8')) ?? '', etag: out.ETag ?? '' };
        } catch (e) {
          if (errorName(e) === 'NoSuchKey') return null;
          throw e;
        }
      });
      if (got === null) return null;
      try {
        return { value: JSON.parse(got.text) as T, etag: got.etag };
      } catch (e) {
        throw new UserError('CorruptState', `s3://${bucket}/${key} is not valid JSON.`, {
          resolution: 'It may have been edited by hand. Restore it from a previous version, or delete it and run the command again.',
          cause: e,
        });
      }
    },

    async deleteObject(bucket, key, options) {
      const ifMatch = options?.ifMatch;
      return callAws(settings, `deleting s3://${bucket}/${key} (s3:DeleteObject)`, async () => {
        try {
          await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, ...(ifMatch ? { IfMatch: ifMatch } : {}), ...owner(options) }));
          return 'written' as const;
        } catch (e) {
          const failure = ifMatch ? conditionFailure(e) : null;
          if (failure === null) throw e;
          return failure;
        }
      });
    },

    async listKeys(bucket, prefix, options) {
      const out: ObjectInfo[] = [];
      await listObjectsPages(bucket, prefix, options, (info) => out.push(info));
      return out;
    },

    async bucketSize(bucket, prefix, options) {
      let count = 0;
      let bytes = 0;
      await listObjectsPages(bucket, prefix, options, (info) => {
        count++;
        bytes += info.size;
      });
      return { count, bytes };
    },

    async emptyAndDeleteBucket(bucket, options = {}) {
      const progress: EmptyBucketProgress = { versionsDeleted: 0, deleteMarkersDeleted: 0, bytesDeleted: 0 };
      let keyMarker: string | undefined;
      let versionMarker: string | undefined;
      for (;;) {
        if (options.signal?.aborted) {
          throw new CancelledError(`Stopped emptying s3://${bucket}; ${progress.versionsDeleted + progress.deleteMarkersDeleted} object versions were deleted so far.`, {
            resolution: 'Run the command again to finish.',
          });
        }
        const page = await callAws(settings, `listing object versions in ${bucket} (s3:ListBucketVersions)`, async () => {
          try {
            return await client.send(
              new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker, MaxKeys: DELETE_BATCH_SIZE, ...owner(options) }),
            );
          } catch (e) {
            if (errorName(e) === 'NoSuchBucket') return null;
            throw e;
          }
        });
        if (!page) return { ...progress, bucketDeleted: false };
        const entries: Array<ObjectIdentifier & { size: number; marker: boolean }> = [];
        for (const v of page.Versions ?? []) if (v.Key) entries.push({ Key: v.Key, VersionId: v.VersionId, size: v.Size ?? 0, marker: false });
        for (const m of page.DeleteMarkers ?? []) if (m.Key) entries.push({ Key: m.Key, VersionId: m.VersionId, size: 0, marker: true });
        for (let i = 0; i < entries.length; i += DELETE_BATCH_SIZE) {
          const batch = entries.slice(i, i + DELETE_BATCH_SIZE);
          const out = await callAws(settings, `deleting object versions in ${bucket} (s3:DeleteObjectVersion)`, () =>
            client.send(
              new DeleteObjectsCommand({
                Bucket: bucket,
                Delete: { Objects: batch.map(({ Key, VersionId }) => ({ Key, VersionId })), Quiet: true },
                ...owner(options),
              }),
            ),
          );
          const errors = out.Errors ?? [];
          const failed = new Set(errors.map((e) => `${e.Key}\u0000${e.VersionId ?? ''}`));
          for (const entry of batch) {
            if (failed.has(`${entry.Key}\u0000${entry.VersionId ?? ''}`)) continue;
            if (entry.marker) progress.deleteMarkersDeleted++;
            else progress.versionsDeleted++;
            progress.bytesDeleted += entry.size;
          }
          options.onProgress?.({ ...progress });
          if (errors.length > 0) {
            throw new UserError('BucketNotEmptied', `Could not delete ${errors.length} object version(s) in s3://${bucket}.`, {
              details: errors.slice(0, 5).map((e) => `${e.Key} (version ${e.VersionId ?? 'null'}): ${e.Code ?? 'Error'} ${e.Message ?? ''}`.trim()),
              resolution: 'Check s3:DeleteObjectVersion permission and any Object Lock retention on the bucket, then run the command again.',
            });
          }
        }
        if (!page.IsTruncated) break;
        keyMarker = page.NextKeyMarker;
        versionMarker = page.NextVersionIdMarker;
      }
      await callAws(settings, `deleting bucket ${bucket} (s3:DeleteBucket)`, () => client.send(new DeleteBucketCommand({ Bucket: bucket, ...owner(options) })));
      return { ...progress, bucketDeleted: true };
    },
  };
}

/** `certain`: S3 said the name is taken; otherwise a plain 403, which may also be a missing permission. */
function foreignBucketError(bucket: string, account: string, certain: boolean): UserError {
  if (certain) {
    return new UserError('ArtifactsBucketTaken', `The bucket name ${bucket} is taken by another AWS account.`, {
      resolution: 'S3 bucket names are global and someone else holds this one, so the CLI cannot stage templates in this region. Please report it at the project\'s issue tracker.',
    });
  }
  return new UserError('ArtifactsBucketTaken', `The bucket ${bucket} exists but S3 refused access as account ${account}: it belongs to another account, or your identity may not read it.`, {
    resolution: `Check that your identity may call s3:GetBucketTagging and s3:PutObject on ${bucket}. If the bucket is not in account ${account}, the name is taken; please report it at the project's issue tracker.`,
  });
}
