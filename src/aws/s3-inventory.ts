/**
 * Finding the log bucket of an installation whose stack is gone (the bucket is retained on
 * purpose), so `uninstall --purge-bucket` can finish the job after a plain uninstall or a failure
 * half-way. Candidates are this region's buckets named like the stack's generated bucket names,
 * confirmed by their project tag.
 */
import { GetBucketTaggingCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { ClientSettings } from './settings.js';
import { callAws } from './call.js';
import { TAG_PROJECT, TOOL } from '../core/names.js';

export interface S3InventoryApi {
  /** Buckets in this region tagged `apigw-log-analytics:project=<project>` whose names start with the stack's. */
  findRetainedLogBuckets(project: string, account: string): Promise<string[]>;
}

function errorName(e: unknown): string {
  return (e as { name?: string } | null)?.name ?? '';
}

export function createS3Inventory(settings: ClientSettings): S3InventoryApi {
  const client = new S3Client(settings.clientConfig);
  return {
    async findRetainedLogBuckets(project, account) {
      // CloudFormation names a bucket <stack>-<logicalid>-<suffix>, lowercased, cutting the stack
      // name when the whole is too long; the tool's prefix always survives.
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await callAws(settings, 'listing S3 buckets (s3:ListAllMyBuckets)', () =>
          client.send(new ListBucketsCommand({ Prefix: `${TOOL}-`, BucketRegion: settings.target.region, ContinuationToken: token, MaxBuckets: 1000 })),
        );
        for (const b of page.Buckets ?? []) if (b.Name && !b.Name.startsWith(`${TOOL}-artifacts-`)) names.push(b.Name);
        token = page.ContinuationToken;
      } while (token);
      const found: string[] = [];
      for (const name of names) {
        try {
          const tags = await client.send(new GetBucketTaggingCommand({ Bucket: name, ExpectedBucketOwner: account }));
          if ((tags.TagSet ?? []).some((t) => t.Key === TAG_PROJECT && t.Value === project)) found.push(name);
        } catch (e) {
          if (errorName(e) === 'NoSuchTagSet' || errorName(e) === 'NoSuchBucket' || errorName(e) === 'AccessDenied') continue;
          throw e;
        }
      }
      return found;
    },
  };
}
