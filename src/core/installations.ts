/**
 * Installations are found by stack tag, never by local files: any machine with credentials sees
 * the same list. Their resource names come from the stack's Outputs (src/core/outputs.ts).
 */
import type { StackSummary } from '../aws/cloudformation.js';
import { OUTPUT_KEYS } from './outputs.js';
import { TAG_PROJECT, TAG_VERSION, streamName } from './names.js';

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

