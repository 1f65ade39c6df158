/**
 * An in-memory S3 behind aws-sdk-client-mock for the object calls our adapter makes (PutObject,
 * GetObject, DeleteObject, ListObjectsV2), so state records round-trip through the real adapter.
 */
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export function installFakeS3(mock: AwsClientStub<S3Client>, objects = new Map<string, string>()): Map<string, string> {
  const k = (b: string | undefined, key: string | undefined) => `${b}/${key}`;
  mock.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: string | Uint8Array }) => {
    objects.set(k(input.Bucket, input.Key), typeof input.Body === 'string' ? input.Body : Buffer.from(input.Body).toString('utf8'));
    return {};
  });
  mock.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const body = objects.get(k(input.Bucket, input.Key));
    if (body === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    // The adapter only calls transformToString on the body.
    return { Body: { transformToString: () => Promise.resolve(body) } as never };
  });
  mock.on(DeleteObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    objects.delete(k(input.Bucket, input.Key));
    return {};
  });
  mock.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix?: string }) => {
    const prefix = `${input.Bucket}/${input.Prefix ?? ''}`;
    const contents = [...objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, body]) => ({ Key: key.slice(input.Bucket.length + 1), Size: body.length, LastModified: new Date('2026-11-25T11:00:00Z') }));
    return { Contents: contents, KeyCount: contents.length, IsTruncated: false };
  });
  return objects;
}
