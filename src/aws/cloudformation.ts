import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import type { ClientSettings } from './clients.js';
import { callAws } from './call.js';

export interface StackSummary {
  stackName: string;
  stackId: string;
  status: string;
  statusReason?: string;
  tags: Record<string, string>;
  outputs: Record<string, string>;
  parameters: Record<string, string>;
  lastUpdated?: Date;
}

export interface CloudFormationApi {
  /** Every stack in the region that is not deleted (DescribeStacks, all pages). */
  listStacks(): Promise<StackSummary[]>;
}

export function toStackSummary(s: Stack): StackSummary {
  const tags: Record<string, string> = {};
  for (const t of s.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  const outputs: Record<string, string> = {};
  for (const o of s.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? '';
  const parameters: Record<string, string> = {};
  for (const p of s.Parameters ?? []) if (p.ParameterKey) parameters[p.ParameterKey] = p.ParameterValue ?? '';
  const out: StackSummary = {
    stackName: s.StackName ?? '',
    stackId: s.StackId ?? '',
    status: s.StackStatus ?? 'UNKNOWN',
    tags,
    outputs,
    parameters,
  };
  if (s.StackStatusReason) out.statusReason = s.StackStatusReason;
  const updated = s.LastUpdatedTime ?? s.CreationTime;
  if (updated) out.lastUpdated = updated;
  return out;
}

export function createCloudFormation(settings: ClientSettings): CloudFormationApi {
  const client = new CloudFormationClient(settings.clientConfig);
  return {
    async listStacks() {
      const stacks: StackSummary[] = [];
      let token: string | undefined;
      do {
        const page = await callAws(settings, 'listing CloudFormation stacks (cloudformation:DescribeStacks)', () =>
          client.send(new DescribeStacksCommand({ NextToken: token })),
        );
        for (const s of page.Stacks ?? []) stacks.push(toStackSummary(s));
        token = page.NextToken;
      } while (token);
      return stacks;
    },
  };
}
