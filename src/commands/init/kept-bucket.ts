/**
 * Re-installing after an uninstall that kept the data: `uninstall` keeps the log bucket (tagged
 * with the project), and `init` of the same project continues with it instead of creating a
 * second, empty bucket, so the new dashboard shows the old data. The stack takes the bucket as
 * its ExistingLogBucket parameter (docs/template.md, "Re-installing": why not a resource import).
 */
import type { AwsServices } from '../../aws/clients.js';
import type { Installation } from '../../core/installations.js';
import type { Io } from '../../ui/io.js';
import { PARAMETERS } from '../../template/types.js';

export interface KeptBucket {
  /** The bucket the stack continues with. */
  name: string;
  /** Other buckets earlier installations of the project kept (`uninstall --purge-bucket` removes them). */
  alsoKept: string[];
}

/**
 * The kept bucket to continue with: on an upgrade, the one the stack already uses (the parameter
 * must be passed again, or CloudFormation would fall back to its empty default and create a
 * bucket); on a fresh install, the first bucket a previous installation of the project kept.
 */
export async function findKeptBucket(input: { aws: AwsServices; existing: Installation | null; project: string; account: string; io: Io }): Promise<KeptBucket | null> {
  if (input.existing) {
    const name = input.existing.parameters[PARAMETERS.existingLogBucket];
    return name ? { name, alsoKept: [] } : null;
  }
  try {
    const found = (await (await input.aws.s3Inventory()).findRetainedLogBuckets(input.project, input.account)).sort();
    const [name, ...alsoKept] = found;
    return name ? { name, alsoKept } : null;
  } catch (e) {
    // Not being allowed to list buckets must not stop a first install; say what it means.
    input.io.warn(
      `Could not look for a log bucket a previous installation of ${input.project} kept (${e instanceof Error ? e.message : String(e)}); a new bucket will be created. ` +
        'Grant s3:ListAllMyBuckets and s3:GetBucketTagging to continue with a kept bucket.',
    );
    return null;
  }
}
