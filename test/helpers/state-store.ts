import type { StageStateStore, StoredStageState } from '../../src/commands/shared/connect.js';
import { stageKey, type StageRef, type StageStateRecord } from '../../src/core/stage-patch.js';

/** An in-memory StageStateStore with S3's conditional semantics that records the order of writes. */
export class MemoryStateStore implements StageStateStore {
  readonly stored = new Map<string, StoredStageState>();
  readonly log: string[] = [];
  private seq = 0;
  /** The records, without their versions. */
  get records(): Map<string, StageStateRecord> {
    return new Map([...this.stored].map(([k, v]) => [k, v.record]));
  }
  get(ref: StageRef) {
    return Promise.resolve(this.stored.get(stageKey(ref)) ?? null);
  }
  /** Unconditional, for test setup. */
  put(record: StageStateRecord): StoredStageState {
    const s = { record, etag: `"e${++this.seq}"` };
    this.stored.set(stageKey(record), s);
    return s;
  }
  create(record: StageStateRecord) {
    this.log.push(`create ${stageKey(record)}`);
    if (this.stored.has(stageKey(record))) return Promise.resolve('precondition-failed' as const);
    this.put(record);
    return Promise.resolve('written' as const);
  }
  replace(record: StageStateRecord, etag: string) {
    this.log.push(`replace ${stageKey(record)}`);
    if (this.stored.get(stageKey(record))?.etag !== etag) return Promise.resolve('precondition-failed' as const);
    this.put(record);
    return Promise.resolve('written' as const);
  }
  delete(ref: StageRef, etag: string) {
    this.log.push(`delete ${stageKey(ref)}`);
    const s = this.stored.get(stageKey(ref));
    if (!s) return Promise.resolve('gone' as const);
    if (s.etag !== etag) return Promise.resolve('precondition-failed' as const);
    this.stored.delete(stageKey(ref));
    return Promise.resolve('deleted' as const);
  }
  list() {
    return Promise.resolve([...this.stored.values()]);
  }
}
