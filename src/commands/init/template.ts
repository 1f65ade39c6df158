/**
 * The template `init` deploys is the committed file users can read (templates/), bundled into the
 * CLI; a test keeps it identical to what the builders produce.
 */
import template from '../../../templates/apigw-log-analytics.template.json' with { type: 'json' };
import { PARAMETERS } from '../../template/types.js';
import type { DashboardChoice } from './quicksight.js';

export interface LoadedTemplate {
  body: string;
  parameterNames: string[];
  /** A short human list of what the stack creates, for the plan. */
  resourceSummary: string[];
}

const RESOURCE_LABELS: Array<[RegExp, string]> = [
  [/^AWS::S3::Bucket$/, 'S3 log bucket'],
  [/^AWS::KinesisFirehose::DeliveryStream$/, 'Firehose stream'],
  [/^AWS::Lambda::Function$/, 'enrichment Lambda'],
  [/^AWS::Glue::(Database|Table)$/, 'Glue database and table'],
  [/^AWS::Athena::WorkGroup$/, 'Athena workgroup'],
  [/^AWS::QuickSight::/, 'QuickSight data source, dataset and dashboard'],
  [/^AWS::IAM::Role$/, 'IAM roles'],
  [/^AWS::Logs::LogGroup$/, 'log groups'],
];

export function resourceSummary(types: readonly string[]): string[] {
  const out: string[] = [];
  for (const [re, label] of RESOURCE_LABELS) if (types.some((t) => re.test(t)) && !out.includes(label)) out.push(label);
  return out;
}

export function loadStackTemplate(): LoadedTemplate {
  const t = template as { Parameters?: Record<string, unknown>; Resources: Record<string, { Type: string }> };
  return {
    body: JSON.stringify(t),
    parameterNames: Object.keys(t.Parameters ?? {}),
    resourceSummary: resourceSummary(Object.values(t.Resources).map((r) => r.Type)),
  };
}

export interface ParameterInputs {
  project: string;
  retentionDays: number;
  dashboard: DashboardChoice;
  /** A log bucket a previous installation kept, to continue with. */
  existingLogBucket?: string;
}

/** The stack parameters init sets; everything else keeps the template's default. */
export function stackParameters(input: ParameterInputs, known: readonly string[] = loadStackTemplate().parameterNames): Record<string, string> {
  const p: Record<string, string> = {
    [PARAMETERS.projectName]: input.project,
    [PARAMETERS.retentionDays]: String(input.retentionDays),
    ...input.dashboard.parameters,
    ...(input.existingLogBucket ? { [PARAMETERS.existingLogBucket]: input.existingLogBucket } : {}),
  };
  const unknown = Object.keys(p).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`internal: the template has no parameter ${unknown.join(', ')}`);
  return p;
}
