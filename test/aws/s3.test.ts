import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
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
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { artifactsBucketName, objectUrl, type S3Api } from '../../src/aws/s3.js';
import { isAppError, type AppError } from '../../src/errors.js';
import { createTestContext } from '../helpers/context.js';

const s3 = mockClient(S3Client);
const ACCOUNT = '111122223333';

const err = (name: string, status: number, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

async function adapter(region = 'eu-west-1'): Promise<S3Api> {
  const h = createTestContext({ region });
  return (await h.ctx.aws()).s3();
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

beforeEach(() => s3.reset());

describe('artifacts bucket name and URLs', () => {
  it('fits S3 naming rules in every partition', () => {
    expect(artifactsBucketName(ACCOUNT, 'ap-southeast-2')).toBe('apigw-log-analytics-artifacts-111122223333-ap-southeast-2');
    for (const region of ['us-east-1', 'ap-northeast-3', 'us-gov-west-1', 'cn-northwest-1', 'eusc-de-east-1']) {
      const name = artifactsBucketName(ACCOUNT, region);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    }
    expect(() => artifactsBucketName('12345', 'us-east-1')).toThrow(/12-digit/);
  });

  it('builds regional virtual-hosted URLs with the partition\'s domain', () => {
    expect(objectUrl('b', 'eu-west-1', 'templates/x.json')).toBe('https://b.s3.eu-west-1.amazonaws.com/templates/x.json');
    expect(objectUrl('b', 'cn-north-1', 'k')).toBe('https://b.s3.cn-north-1.amazonaws.com.cn/k');
    expect(objectUrl('b', 'eusc-de-east-1', 'k')).toBe('https://b.s3.eusc-de-east-1.amazonaws.eu/k');
  });
});

describe('ensureArtifactsBucket', () => {
  const bucket = `apigw-log-analytics-artifacts-${ACCOUNT}-eu-west-1`;
  const configured = () => {
    s3.on(PutPublicAccessBlockCommand).resolves({});
    s3.on(PutBucketEncryptionCommand).resolves({});
    s3.on(PutBucketPolicyCommand).resolves({});
    s3.on(PutBucketLifecycleConfigurationCommand).resolves({});
    s3.on(PutBucketTaggingCommand).resolves({});
  };

  it('creates it on first use with every protection, then reuses it', async () => {
    s3.on(GetBucketTaggingCommand)
      .rejectsOnce(err('NoSuchBucket', 404))
      .resolves({ TagSet: [{ Key: 'apigw-log-analytics:purpose', Value: 'artifacts' }] });
    s3.on(CreateBucketCommand).resolves({});
    configured();
    const api = await adapter();

    expect(await api.ensureArtifactsBucket({ account: ACCOUNT, tags: { 'apigw-log-analytics:version': '0.2.0' } })).toEqual({ name: bucket, created: true });
    expect(await api.ensureArtifactsBucket({ account: ACCOUNT })).toEqual({ name: bucket, created: false });

    expect(s3.commandCalls(CreateBucketCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: bucket, ObjectOwnership: 'BucketOwnerEnforced', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } },
    ]);
    expect(s3.commandCalls(GetBucketTaggingCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: bucket, ExpectedBucketOwner: ACCOUNT },
      { Bucket: bucket, ExpectedBucketOwner: ACCOUNT },
    ]);
    expect(s3.commandCalls(PutPublicAccessBlockCommand)[0]!.args[0].input).toEqual({
      Bucket: bucket,
      ExpectedBucketOwner: ACCOUNT,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    });
    expect(s3.commandCalls(PutBucketEncryptionCommand)[0]!.args[0].input.ServerSideEncryptionConfiguration).toEqual({
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0]!.args[0].input.Policy!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
    expect(s3.commandCalls(PutBucketLifecycleConfigurationCommand)[0]!.args[0].input.LifecycleConfiguration).toEqual({
      Rules: [
        { ID: 'expire-staged-templates', Status: 'Enabled', Filter: { Prefix: 'templates/' }, Expiration: { Days: 30 } },
        { ID: 'abort-incomplete-uploads', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
      ],
    });
    expect(s3.commandCalls(PutBucketTaggingCommand)[0]!.args[0].input.Tagging).toEqual({
      TagSet: [
        { Key: 'apigw-log-analytics:version', Value: '0.2.0' },
        { Key: 'apigw-log-analytics:purpose', Value: 'artifacts' },
      ],
    });
    // Tagging (the "configured" marker) comes last.
    const order = s3.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('PutBucketTaggingCommand')).toBeGreaterThan(order.indexOf('PutBucketLifecycleConfigurationCommand'));
  });

  it('sends no LocationConstraint in us-east-1', async () => {
    s3.on(GetBucketTaggingCommand).rejects(err('NoSuchBucket', 404));
    s3.on(CreateBucketCommand).resolves({});
    configured();
    const api = await adapter('us-east-1');
    await api.ensureArtifactsBucket({ account: ACCOUNT });
    expect(s3.commandCalls(CreateBucketCommand)[0]!.args[0].input).toEqual({
      Bucket: `apigw-log-analytics-artifacts-${ACCOUNT}-us-east-1`,
      ObjectOwnership: 'BucketOwnerEnforced',
    });
  });

  it('carries on when another run created it first (BucketAlreadyOwnedByYou)', async () => {
    s3.on(GetBucketTaggingCommand).rejects(err('NoSuchBucket', 404));
    s3.on(CreateBucketCommand).rejects(err('BucketAlreadyOwnedByYou', 409));
    configured();
    const api = await adapter();
    expect(await api.ensureArtifactsBucket({ account: ACCOUNT })).toEqual({ name: bucket, created: true });
    expect(s3.commandCalls(PutBucketTaggingCommand)).toHaveLength(1);
  });

  it('finishes configuring a bucket of ours that lacks the marker, without creating it again', async () => {
    s3.on(GetBucketTaggingCommand).rejects(err('NoSuchTagSet', 404));
    configured();
    const api = await adapter();
    await api.ensureArtifactsBucket({ account: ACCOUNT });
    expect(s3.commandCalls(CreateBucketCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(1);
  });

  it.each([
    [
      'the name is taken by another account',
      () => s3.on(GetBucketTaggingCommand).rejects(err('NoSuchBucket', 404)).on(CreateBucketCommand).rejects(err('BucketAlreadyExists', 409)),
      `The bucket name ${bucket} is taken by another AWS account.`,
    ],
    [
      'the bucket answers 403 to its expected owner',
      () => s3.on(GetBucketTaggingCommand).rejects(err('AccessDenied', 403, 'Access Denied')),
      `The bucket ${bucket} exists but S3 refused access as account ${ACCOUNT}: it belongs to another account, or your identity may not read it.`,
    ],
  ])('refuses when %s', async (_label, arrange, message) => {
    arrange();
    const api = await adapter();
    const e = await failure(api.ensureArtifactsBucket({ account: ACCOUNT }));
    expect(e.code).toBe('ArtifactsBucketTaken');
    expect(e.message).toBe(message);
    expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('reports a missing permission as such, not as a foreign bucket', async () => {
    s3.on(GetBucketTaggingCommand).rejects(err('AccessDenied', 403, 'User: arn:aws:iam::1:user/x is not authorized to perform: s3:GetBucketTagging on resource: "arn:aws:s3:::b"'));
    const api = await adapter();
    const e = await failure(api.ensureArtifactsBucket({ account: ACCOUNT }));
    expect(e.code).toBe('AccessDenied');
    expect(e.resolution).toContain('s3:GetBucketTagging');
  });
});

describe('objects', () => {
  it('uploadTemplate puts a content-addressed key and returns its TemplateURL', async () => {
    s3.on(PutObjectCommand).resolves({});
    const api = await adapter();
    const body = '{"Resources":{}}';
    const sha = createHash('sha256').update(body).digest('hex');
    expect(await api.uploadTemplate('bkt', body, { expectedOwner: ACCOUNT })).toEqual({
      bucket: 'bkt',
      key: `templates/${sha}.json`,
      url: `https://bkt.s3.eu-west-1.amazonaws.com/templates/${sha}.json`,
      sha256: sha,
      bytes: 16,
    });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'bkt',
      Key: `templates/${sha}.json`,
      Body: body,
      ContentType: 'application/json',
      ExpectedBucketOwner: ACCOUNT,
    });
  });

  it('putJson / getJson round-trip, and getJson is null for a missing key', async () => {
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand, { Key: '_state/a.json' })
      .resolves({ Body: { transformToString: () => Promise.resolve('{"format":"$context.requestId"}') } as never })
      .on(GetObjectCommand, { Key: '_state/none.json' })
      .rejects(err('NoSuchKey', 404));
    const api = await adapter();
    await api.putJson('logs', '_state/a.json', { format: '$context.requestId' });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'logs',
      Key: '_state/a.json',
      Body: '{"format":"$context.requestId"}',
      ContentType: 'application/json',
    });
    expect(await api.getJson('logs', '_state/a.json')).toEqual({ format: '$context.requestId' });
    expect(await api.getJson('logs', '_state/none.json')).toBeNull();
  });

  it('listKeys and bucketSize page through ListObjectsV2', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({ IsTruncated: true, NextContinuationToken: 'n2', Contents: [{ Key: 'logs/a', Size: 10 }, { Key: 'logs/b', Size: 20 }] })
      .on(ListObjectsV2Command, { ContinuationToken: 'n2' })
      .resolves({ IsTruncated: false, Contents: [{ Key: 'logs/c', Size: 5, LastModified: new Date('2026-01-01T00:00:00Z') }] });
    const api = await adapter();
    expect(await api.listKeys('logs', 'logs/')).toEqual([
      { key: 'logs/a', size: 10 },
      { key: 'logs/b', size: 20 },
      { key: 'logs/c', size: 5, lastModified: new Date('2026-01-01T00:00:00Z') },
    ]);
    expect(await api.bucketSize('logs', 'logs/')).toEqual({ count: 3, bytes: 35 });
    expect(s3.commandCalls(ListObjectsV2Command)[1]!.args[0].input).toEqual({ Bucket: 'logs', Prefix: 'logs/', ContinuationToken: 'n2' });
  });

  it('headBucket tells owned, missing and forbidden apart', async () => {
    s3.on(HeadBucketCommand, { Bucket: 'a' }).resolves({}).on(HeadBucketCommand, { Bucket: 'b' }).rejects(err('NotFound', 404)).on(HeadBucketCommand, { Bucket: 'c' }).rejects(err('Forbidden', 403));
    const api = await adapter();
    expect([await api.headBucket('a'), await api.headBucket('b'), await api.headBucket('c', { expectedOwner: ACCOUNT })]).toEqual(['owned', 'missing', 'forbidden']);
    expect(s3.commandCalls(HeadBucketCommand)[2]!.args[0].input).toEqual({ Bucket: 'c', ExpectedBucketOwner: ACCOUNT });
  });
});

describe('emptyAndDeleteBucket', () => {
  /** A versioned bucket: `versions` object versions of 100 bytes, then `markers` delete markers, listed 1,000 entries a page. */
  function versionedBucket(versions: number, markers: number) {
    const all = [
      ...Array.from({ length: versions }, (_, i) => ({ kind: 'v' as const, Key: `logs/k${Math.floor(i / 2)}`, VersionId: `v${i}` })),
      ...Array.from({ length: markers }, (_, i) => ({ kind: 'm' as const, Key: `logs/k${i}`, VersionId: `m${i}` })),
    ];
    s3.on(ListObjectVersionsCommand).callsFake((input: { KeyMarker?: string; VersionIdMarker?: string; MaxKeys?: number }) => {
      const start = input.VersionIdMarker ? all.findIndex((e) => e.VersionId === input.VersionIdMarker) + 1 : 0;
      const page = all.slice(start, start + (input.MaxKeys ?? 1000));
      const last = page[page.length - 1];
      const truncated = start + page.length < all.length;
      const out: Partial<ListObjectVersionsCommandOutput> = {
        IsTruncated: truncated,
        Versions: page.filter((e) => e.kind === 'v').map((e) => ({ Key: e.Key, VersionId: e.VersionId, Size: 100 })),
        DeleteMarkers: page.filter((e) => e.kind === 'm').map((e) => ({ Key: e.Key, VersionId: e.VersionId })),
        ...(truncated && last ? { NextKeyMarker: last.Key, NextVersionIdMarker: last.VersionId } : {}),
      };
      return out;
    });
  }

  it('deletes every version and delete marker through paging, in batches of at most 1,000, then the bucket', async () => {
    versionedBucket(2300, 450);
    s3.on(DeleteObjectsCommand).resolves({});
    s3.on(DeleteBucketCommand).resolves({});
    const api = await adapter();
    const progress: number[] = [];

    const result = await api.emptyAndDeleteBucket('logs', { expectedOwner: ACCOUNT, onProgress: (p) => progress.push(p.versionsDeleted + p.deleteMarkersDeleted) });

    expect(result).toEqual({ versionsDeleted: 2300, deleteMarkersDeleted: 450, bytesDeleted: 230_000, bucketDeleted: true });
    const lists = s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input);
    expect(lists).toEqual([
      { Bucket: 'logs', KeyMarker: undefined, VersionIdMarker: undefined, MaxKeys: 1000, ExpectedBucketOwner: ACCOUNT },
      { Bucket: 'logs', KeyMarker: 'logs/k499', VersionIdMarker: 'v999', MaxKeys: 1000, ExpectedBucketOwner: ACCOUNT },
      { Bucket: 'logs', KeyMarker: 'logs/k999', VersionIdMarker: 'v1999', MaxKeys: 1000, ExpectedBucketOwner: ACCOUNT },
    ]);
    const batches = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input);
    expect(batches.map((b) => b.Delete!.Objects!.length)).toEqual([1000, 1000, 750]);
    expect(batches.every((b) => b.Delete!.Quiet === true && b.ExpectedBucketOwner === ACCOUNT)).toBe(true);
    // Every version and marker exactly once, with its VersionId.
    const deleted = batches.flatMap((b) => b.Delete!.Objects!.map((o) => o.VersionId));
    expect(new Set(deleted).size).toBe(2750);
    expect(batches[2]!.Delete!.Objects!.at(-1)).toEqual({ Key: 'logs/k449', VersionId: 'm449' });
    expect(progress).toEqual([1000, 2000, 2750]);
    expect(s3.commandCalls(DeleteBucketCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'logs', ExpectedBucketOwner: ACCOUNT }]);
    const order = s3.calls().map((c) => c.args[0].constructor.name);
    expect(order.at(-1)).toBe('DeleteBucketCommand');
  });

  it('stops with the keys that could not be deleted, and keeps the bucket', async () => {
    versionedBucket(3, 0);
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'logs/k0', VersionId: 'v0', Code: 'AccessDenied', Message: 'Object is WORM protected' }] });
    const api = await adapter();
    const e = await failure(api.emptyAndDeleteBucket('logs'));
    expect(e.code).toBe('BucketNotEmptied');
    expect(e.details).toEqual(['logs/k0 (version v0): AccessDenied Object is WORM protected']);
    expect(s3.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });

  it('is not an error when the bucket is already gone', async () => {
    s3.on(ListObjectVersionsCommand).rejects(err('NoSuchBucket', 404));
    const api = await adapter();
    expect(await api.emptyAndDeleteBucket('gone')).toEqual({ versionsDeleted: 0, deleteMarkersDeleted: 0, bytesDeleted: 0, bucketDeleted: false });
    expect(s3.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });

  it('stops between batches on Ctrl+C, saying how far it got', async () => {
    versionedBucket(2500, 0);
    s3.on(DeleteObjectsCommand).resolves({});
    const abort = new AbortController();
    const api = await adapter();
    const e = await failure(api.emptyAndDeleteBucket('logs', { signal: abort.signal, onProgress: () => abort.abort() }));
    expect(e.kind).toBe('cancel');
    expect(e.message).toBe('Stopped emptying s3://logs; 1000 object versions were deleted so far.');
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(1);
    expect(s3.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });
});
