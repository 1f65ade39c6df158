import type { S3Api } from '../../aws/s3.js';
import { BUCKET_PREFIXES } from '../../core/outputs.js';
import { parseStateRecord, stageKey, stateKey, type StageRef, type StageStateRecord } from '../../core/stage-patch.js';
import type { StageStateStore } from './connect.js';

/**
 * Connected stages' previous settings, as small JSON objects in the log bucket under
 * `_state/stages/<apiId>/<stage>.json`, read with ExpectedBucketOwner so a bucket name that
 * changed hands is never trusted.
 */
export function s3StateStore(s3: S3Api, bucket: string, account: string): StageStateStore {
  const owner = { expectedOwner: account };
  return {
    async get(ref: StageRef) {
      const raw = await s3.getJson(bucket, stateKey(ref), owner);
      return raw === null ? null : (parseStateRecord(raw) ?? null);
    },
    put: (record: StageStateRecord) => s3.putJson(bucket, stateKey(record), record, owner),
    delete: (ref: StageRef) => s3.deleteObject(bucket, stateKey(ref), owner),
    async list() {
      const keys = await s3.listKeys(bucket, `${BUCKET_PREFIXES.state}stages/`, owner);
      const records = await Promise.all(keys.filter((k) => k.key.endsWith('.json')).map((k) => s3.getJson(bucket, k.key, owner)));
      return records
        .map((r) => parseStateRecord(r))
        .filter((r): r is StageStateRecord => r !== undefined)
        .sort((a, b) => stageKey(a).localeCompare(stageKey(b)));
    },
  };
}
