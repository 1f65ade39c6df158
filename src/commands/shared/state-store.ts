import type { S3Api } from '../../aws/s3.js';
import { BUCKET_PREFIXES } from '../../core/outputs.js';
import { parseStateRecord, stageKey, stateKey, type StageRef } from '../../core/stage-patch.js';
import type { StageStateStore, StoredStageState } from './connect.js';

/**
 * Connected stages' previous settings, as small JSON objects in the log bucket under
 * `_state/stages/<apiId>/<stage>.json`, read with ExpectedBucketOwner so a bucket name that
 * changed hands is never trusted. Every write and delete is conditional (If-None-Match: * to
 * create, If-Match: <ETag> to replace or delete: see WriteCondition in src/aws/s3.ts), so two runs
 * at once can never silently overwrite or drop each other's record.
 */
export function s3StateStore(s3: S3Api, bucket: string, account: string): StageStateStore {
  const owner = { expectedOwner: account };
  const read = async (key: string): Promise<StoredStageState | null> => {
    const got = await s3.getJsonVersioned(bucket, key, owner);
    const record = got ? parseStateRecord(got.value) : undefined;
    return got && record ? { record, etag: got.etag } : null;
  };
  return {
    get: (ref: StageRef) => read(stateKey(ref)),
    create: (record) => s3.putJson(bucket, stateKey(record), record, { ...owner, ifNoneMatch: '*' }),
    replace: (record, etag) => s3.putJson(bucket, stateKey(record), record, { ...owner, ifMatch: etag }),
    async delete(ref, etag) {
      const out = await s3.deleteObject(bucket, stateKey(ref), { ...owner, ifMatch: etag });
      return out === 'written' ? 'deleted' : out === 'not-found' ? 'gone' : out;
    },
    async list() {
      const keys = await s3.listKeys(bucket, `${BUCKET_PREFIXES.state}stages/`, owner);
      const stored = await Promise.all(keys.filter((k) => k.key.endsWith('.json')).map((k) => read(k.key)));
      return stored.filter((r): r is StoredStageState => r !== null).sort((a, b) => stageKey(a.record).localeCompare(stageKey(b.record)));
    },
  };
}
