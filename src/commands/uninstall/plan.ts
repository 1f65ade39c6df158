/**
 * What `uninstall` will do, decided from what API Gateway says (which stages point at the
 * installation's stream) and what the log bucket holds (their saved settings), and its wording.
 * The run does exactly what this plan says, and stops before the stack if it cannot.
 */
import { describeDestination, describeSettings } from '../../core/destinations.js';
import { stageKey, type StageRef } from '../../core/stage-patch.js';
import type { BucketState } from '../../aws/s3.js';
import type { StoredStageState } from '../shared/connect.js';
import type { StageInfo } from '../shared/stages.js';

/**
 * restore: back to the saved settings. turn-off: access logs removed (no saved settings exist).
 * forget: the record of a stage that no longer points here is dropped; the stage is not touched.
 * blocked: its saved settings exist but cannot be read, so uninstall stops before changing anything.
 */
export type StageAction = 'restore' | 'turn-off' | 'forget' | 'blocked';

export interface PlannedStage {
  stage: string;
  action: StageAction;
  restoreTo: string;
  saved: boolean;
  note?: string;
}

export interface PlannedBucket {
  name: string;
  objects: number;
  bytes: number;
  action: 'keep' | 'purge';
}

export interface UninstallPlan {
  schemaVersion: 1;
  account: string;
  region: string;
  project: string;
  /** null when the stack is already gone (a re-run). */
  stack: { name: string; status: string } | null;
  stages: PlannedStage[];
  /** The installation's log bucket (after the stack went: the one a previous uninstall kept). */
  bucket: PlannedBucket | null;
  /** Other log buckets earlier installations of the project kept (listed when they are purged, or when the stack is gone). */
  retainedBuckets: PlannedBucket[];
  /** Why uninstall must stop before changing anything, when it must. */
  blocked: string | null;
  artifactsBucket: { name: string; action: 'delete' | 'keep' };
}

export interface StagePicture {
  /** Stages API Gateway says send their logs to this installation's stream. */
  pointing: readonly StageInfo[];
  /** Every stage of the region (to say where a recorded stage sends its logs now). */
  all: readonly StageInfo[];
  records: readonly StoredStageState[];
  bucketName: string | null;
  bucketState: BucketState;
}

export const refOf = (s: StageRef): StageRef => ({ apiId: s.apiId, stageName: s.stageName });

function withoutRecord(state: BucketState, bucket: string | null): Pick<PlannedStage, 'action' | 'note'> {
  if (state === 'forbidden') return { action: 'blocked', note: `its saved settings in ${bucket} cannot be read` };
  if (state === 'missing' && bucket) return { action: 'turn-off', note: `its saved settings were in ${bucket}, which no longer exists` };
  return { action: 'turn-off', note: 'no saved settings' };
}

export function planStages(p: StagePicture): PlannedStage[] {
  const recordOf = (s: StageRef) => p.records.find((r) => stageKey(r.record) === stageKey(s));
  const out: PlannedStage[] = [];
  for (const s of p.pointing) {
    const rec = recordOf(s);
    if (rec) out.push({ stage: stageKey(s), action: 'restore', restoreTo: describeSettings(rec.record.previous), saved: true });
    else out.push({ stage: stageKey(s), restoreTo: 'no access logs', saved: false, ...withoutRecord(p.bucketState, p.bucketName) });
  }
  for (const r of p.records) {
    if (p.pointing.some((s) => stageKey(s) === stageKey(r.record))) continue;
    const now = p.all.find((s) => stageKey(s) === stageKey(r.record));
    out.push({
      stage: stageKey(r.record),
      action: 'forget',
      restoreTo: describeSettings(r.record.previous),
      saved: true,
      note: now ? `now sends to ${describeDestination(now.destination)}; left as it is` : 'the stage no longer exists',
    });
  }
  return out.sort((a, b) => a.stage.localeCompare(b.stage));
}

export function blockedReason(stages: readonly PlannedStage[], bucket: string | null): string | null {
  const blocked = stages.filter((s) => s.action === 'blocked');
  if (blocked.length === 0) return null;
  return `${blocked.length} connected stage${blocked.length === 1 ? '' : 's'} (${blocked.map((s) => s.stage).join(', ')}) still send${blocked.length === 1 ? 's' : ''} logs to this installation, and ${blocked.length === 1 ? 'its' : 'their'} saved settings in ${bucket} cannot be read (S3 answered 403: this identity has no s3:ListBucket on it, or the bucket is in another account).`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function stageLine(s: PlannedStage): string {
  switch (s.action) {
    case 'restore':
      return `  Stage      ${s.stage}: restore ${s.restoreTo}`;
    case 'turn-off':
      return `  Stage      ${s.stage}: turn access logs off (${s.note ?? 'no saved settings'})`;
    case 'forget':
      return `  Stage      ${s.stage}: drop its saved settings (${s.note ?? ''})`;
    case 'blocked':
      return `  Stage      ${s.stage}: CANNOT RESTORE (${s.note ?? ''})`;
  }
}

function bucketLine(b: PlannedBucket, label: string): string {
  return b.action === 'purge'
    ? `  ${label} DELETE ${b.name} and all ${b.objects} objects (${formatBytes(b.bytes)}), every version: the access logs are lost`
    : `  ${label} keep ${b.name} (${b.objects} objects, ${formatBytes(b.bytes)}); --purge-bucket deletes it`;
}

export function renderPlan(plan: UninstallPlan): string {
  const out = [`Uninstall ${plan.project} from ${plan.region} (account ${plan.account}):`];
  if (plan.stages.length === 0) out.push('  Stages     none connected');
  for (const s of plan.stages) out.push(stageLine(s));
  out.push(plan.stack ? `  Stack      delete ${plan.stack.name} (${plan.stack.status}) and wait` : '  Stack      already deleted');
  if (plan.bucket) out.push(bucketLine(plan.bucket, 'Log bucket'));
  for (const b of plan.retainedBuckets) out.push(bucketLine(b, 'Kept earlier'));
  out.push(
    plan.artifactsBucket.action === 'delete'
      ? `  Artifacts  delete ${plan.artifactsBucket.name} (the last installation in ${plan.region} goes)`
      : `  Artifacts  keep ${plan.artifactsBucket.name} (other installations use it)`,
  );
  if (plan.blocked) out.push(`  Uninstall stops before changing anything: ${plan.blocked}`);
  return out.join('\n');
}
