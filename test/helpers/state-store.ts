import type { StageStateStore } from '../../src/commands/shared/connect.js';
import { stageKey, type StageRef, type StageStateRecord } from '../../src/core/stage-patch.js';

/** An in-memory StageStateStore that records the order of writes. */
export class MemoryStateStore implements StageStateStore {
  readonly records = new Map<string, StageStateRecord>();
  readonly log: string[] = [];
  get(ref: StageRef) {
    return Promise.resolve(this.records.get(stageKey(ref)) ?? null);
  }
  put(record: StageStateRecord) {
    this.log.push(`put ${stageKey(record)}`);
    this.records.set(stageKey(record), record);
    return Promise.resolve();
  }
  delete(ref: StageRef) {
    this.log.push(`delete ${stageKey(ref)}`);
    this.records.delete(stageKey(ref));
    return Promise.resolve();
  }
  list() {
    return Promise.resolve([...this.records.values()]);
  }
}
