/**
 * The template `init` deploys is the committed file users can read (templates/), bundled into the
 * CLI; a test keeps it identical to what the builders produce.
 */
import template from '../../../templates/apigw-log-analytics.template.json' with { type: 'json' };
import { PARAMETERS } from '../../template/types.js';
import { describeResources, plannedResources, type TemplateDocument } from '../../core/planned-resources.js';
import type { DashboardChoice } from './quicksight.js';

export interface LoadedTemplate {
  body: string;
  parameterNames: string[];
  /** The parsed template: the plan reads its Conditions and Resources. */
  document: TemplateDocument;
}

export function loadStackTemplate(): LoadedTemplate {
  const t = template as TemplateDocument;
  return { body: JSON.stringify(t), parameterNames: Object.keys(t.Parameters ?? {}), document: t };
}

/** What the stack will hold for these parameters, in words, as the template's conditions decide. */
export function resourceSummary(loaded: LoadedTemplate, parameters: Readonly<Record<string, string>>): string[] {
  return describeResources(plannedResources(loaded.document, parameters));
}

export interface ParameterInputs {
  project: string;
  retentionDays: number;
  dashboard: DashboardChoice;
  /** The installed stack's parameter values (an upgrade): those init does not choose are kept. */
  installed?: Readonly<Record<string, string>> | undefined;
  /** A log bucket a previous installation kept, to continue with. */
  existingLogBucket?: string;
}

/**
 * The stack parameters init sets. On an upgrade, a parameter init does not choose keeps its
 * installed value (for example QuickSightImportMode=SPICE set in the console), as long as the
 * template still has it; otherwise it takes the template's default. CloudFormation gives an
 * omitted parameter the template's default, on an update too
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html), which
 * would silently switch a SPICE dataset back to direct query and delete its refresh schedules.
 */
export function stackParameters(input: ParameterInputs, known: readonly string[] = loadStackTemplate().parameterNames): Record<string, string> {
  const kept = Object.entries(input.installed ?? {}).filter(([k]) => known.includes(k));
  const p: Record<string, string> = {
    ...Object.fromEntries(kept),
    [PARAMETERS.projectName]: input.project,
    [PARAMETERS.retentionDays]: String(input.retentionDays),
    ...input.dashboard.parameters,
    ...(input.existingLogBucket ? { [PARAMETERS.existingLogBucket]: input.existingLogBucket } : {}),
  };
  const unknown = Object.keys(p).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`internal: the template has no parameter ${unknown.join(', ')}`);
  return p;
}
