/**
 * The upgrade from the gzip JSON layout to the Parquet one (issue 16), decided from what is there.
 *
 * Firehose cannot turn dynamic partitioning on for an existing stream, so the Parquet layout comes
 * with a new stream (amazon-apigateway-<project>-parquet) beside the old one. Nothing is lost:
 * 1. `init` deploys with the old stream kept (LegacyDeliveryStream = kept): both streams exist;
 * 2. it moves every stage that delivers to the old stream onto the new one (and keeps each stage's
 *    saved original settings, so `disconnect-stage` still restores what the user had);
 * 3. a later `init`, once no stage delivers to the old stream any more, removes it. By then the
 *    old stream has flushed its buffer (at most the buffer interval, 15 minutes).
 * The objects the old stream wrote stay where they are (logs/dt=.../), readable through the
 * `access_logs_json` table until the bucket's lifecycle expires them.
 */
import { streamName } from './names.js';
import { OUTPUT_KEYS } from './outputs.js';

/** The template's parameter, its values, and the stack output of the kept stream (src/template/pipeline.ts). */
export const LEGACY_PARAMETER = 'LegacyDeliveryStream';
export const LEGACY_KEPT = 'kept';
export const LEGACY_ABSENT = 'absent';
export const LEGACY_OUTPUT_KEY = 'LegacyDeliveryStreamArn';

export interface LayoutUpgrade {
  /** The old stream's ARN, or null when the installation has none (new, or already upgraded). */
  legacyStreamArn: string | null;
  /** The parameter value to deploy with. */
  parameter: typeof LEGACY_KEPT | typeof LEGACY_ABSENT;
  /** Stages (api/stage) that deliver to the old stream and are moved to the new one after the deploy. */
  stagesToMove: string[];
}

/**
 * The old stream of an installation: the primary stream of a stack deployed before the Parquet
 * layout (its DeliveryStreamArn names amazon-apigateway-<project>), or the kept legacy stream.
 */
export function legacyStreamArn(outputs: Readonly<Record<string, string>>, project: string): string | null {
  const kept = outputs[LEGACY_OUTPUT_KEY];
  if (kept) return kept;
  const primary = outputs[OUTPUT_KEYS.deliveryStreamArn];
  return primary && primary.endsWith(`:deliverystream/${streamName(project)}`) ? primary : null;
}

/**
 * What this `init` does about the layout. `stagesOnLegacy` are the stages whose access logs go to
 * the old stream now. The old stream is kept while any stage still uses it, and always on the run
 * that creates the new stream (the stages move only after that deploy).
 */
export function planLayoutUpgrade(outputs: Readonly<Record<string, string>> | null, project: string, stagesOnLegacy: readonly string[]): LayoutUpgrade {
  const legacy = outputs ? legacyStreamArn(outputs, project) : null;
  if (legacy === null) return { legacyStreamArn: null, parameter: LEGACY_ABSENT, stagesToMove: [] };
  const firstRun = outputs?.[LEGACY_OUTPUT_KEY] === undefined;
  const keep = firstRun || stagesOnLegacy.length > 0;
  return { legacyStreamArn: legacy, parameter: keep ? LEGACY_KEPT : LEGACY_ABSENT, stagesToMove: [...stagesOnLegacy] };
}

/** The plan's lines about the layout upgrade (none when there is nothing to upgrade). */
export function describeLayoutUpgrade(u: LayoutUpgrade): string[] {
  if (u.legacyStreamArn === null) return [];
  const name = u.legacyStreamArn.slice(u.legacyStreamArn.indexOf('/') + 1);
  const lines = ['  Layout    access logs move to Parquet, filed by request time, on a new stream (<name>-parquet).'];
  lines.push('            Logs delivered so far stay in the bucket as gzip JSON: query them as table access_logs_json until they expire.');
  if (u.stagesToMove.length > 0) lines.push(`            ${u.stagesToMove.length} stage${u.stagesToMove.length === 1 ? '' : 's'} move from ${name} to the new stream after the deploy: ${u.stagesToMove.join(', ')}`);
  lines.push(
    u.parameter === LEGACY_KEPT
      ? `            ${name} is kept for now; the next init removes it once no stage delivers to it.`
      : `            ${name} is removed: no stage delivers to it any more.`,
  );
  return lines;
}
