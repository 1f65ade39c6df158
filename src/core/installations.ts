/**
 * Installations are found by stack tag, never by local files: any machine with credentials sees
 * the same list. Their resource names come from the stack's Outputs (src/core/outputs.ts).
 */
import type { StackSummary } from '../aws/cloudformation.js';
import { OUTPUT_KEYS } from './outputs.js';
import { TAG_PROJECT, TAG_VERSION, streamName } from './names.js';
import type { KnownStream } from './destinations.js';
import { LEGACY_OUTPUT_KEY } from './layout-upgrade.js';

export interface Installation {
  project: string;
  stackName: string;
  stackId: string;
  stackStatus: string;
  statusReason: string | null;
  /** The CLI version that last deployed it (stack tag). */
  version: string | null;
  streamName: string;
  streamArn: string | null;
  lastUpdated: string | null;
  /** Every Output of the stack, by key (see OUTPUT_KEYS). */
  outputs: Record<string, string>;
  parameters: Record<string, string>;
}

export function installationsFromStacks(stacks: readonly StackSummary[]): Installation[] {
  return stacks
    .filter((s) => s.tags[TAG_PROJECT] !== undefined && s.status !== 'DELETE_COMPLETE')
    .map((s) => {
      const project = s.tags[TAG_PROJECT] as string;
      return {
        project,
        stackName: s.stackName,
        stackId: s.stackId,
        stackStatus: s.status,
        statusReason: s.statusReason ?? null,
        version: s.tags[TAG_VERSION] ?? null,
        streamName: s.outputs[OUTPUT_KEYS.deliveryStreamName] ?? streamName(project),
        streamArn: s.outputs[OUTPUT_KEYS.deliveryStreamArn] ?? null,
        lastUpdated: s.lastUpdated ? s.lastUpdated.toISOString() : null,
        outputs: s.outputs,
        parameters: s.parameters,
      };
    })
    .sort((a, b) => a.project.localeCompare(b.project));
}

/**
 * The streams stages of these installations deliver to: each one's stream, and, while an upgrade
 * keeps it, its old gzip JSON stream (src/core/layout-upgrade.ts), so a stage still on it counts as
 * connected to its installation everywhere (init, connect-stage, status, uninstall).
 */
export function knownStreams(installations: readonly Installation[]): KnownStream[] {
  return installations.flatMap((i) => {
    const own: KnownStream = { project: i.project, streamName: i.streamName, ...(i.streamArn ? { streamArn: i.streamArn } : {}) };
    const legacy = i.outputs[LEGACY_OUTPUT_KEY];
    return legacy ? [own, { project: i.project, streamName: legacy.slice(legacy.lastIndexOf('/') + 1), streamArn: legacy }] : [own];
  });
}
