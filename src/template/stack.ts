/**
 * The whole stack: fragments merged into one template. Each fragment owns its parameters,
 * conditions, resources and outputs and refers to another's resources only through LOGICAL_IDS;
 * merging refuses a name that two fragments both declare, so a collision is a build error rather
 * than one fragment silently overwriting the other.
 *
 * Merge point for the dashboard (issue #5): add
 * `{ label: 'Dashboard (QuickSight)', fragment: quickSightFragment(...) }` to `stackFragments`.
 * Its resources can carry a `Condition` (for example `DashboardEnabled`, declared in its own
 * `Conditions`), which the merge keeps as is.
 */
import { TOOL } from '../core/names.js';
import { bridgeFragment } from './bridge.js';
import { pipelineFragment } from './pipeline.js';
import { quickSightFragment } from './quicksight/index.js';
import { rollupFragment } from './rollup.js';
import type { CfnTemplate, TemplateFragment } from './types.js';

/** Where the generated template lives in the repository and the npm package. */
export const TEMPLATE_PATH = 'templates/apigw-log-analytics.template.json';

/** CloudFormation's limit for a template sent inline (TemplateBody); above it, deploy via S3. */
export const TEMPLATE_BODY_MAX_BYTES = 51_200;

/**
 * The largest template `init` stages in S3 for TemplateURL (it sends the minified JSON). The current
 * quotas page gives 1 MB for a template in an S3 object; the archived user guide
 * (awsdocs/aws-cloudformation-user-guide, doc_source/cloudformation-limits.md) and the SDKs'
 * TemplateURL documentation still say 460,800 bytes. Staying under the older, stricter figure works
 * in every partition whichever one applies there.
 */
export const TEMPLATE_URL_MAX_BYTES = 460_800;

export interface StackOptions {
  /** The CLI version (package.json), written to the TemplateVersion output. */
  version: string;
  /** Source of the enrichment Lambda (assets/lambda/index.cjs), shipped inline. */
  lambdaSource: string;
}

export interface NamedFragment {
  /** Shown as the parameter group in the CloudFormation console. */
  label: string;
  fragment: TemplateFragment;
}

/** The fragments of the stack, in template order. */
export function stackFragments(options: StackOptions): NamedFragment[] {
  return [
    { label: 'Data pipeline', fragment: pipelineFragment(options) },
    { label: 'Hourly rollup', fragment: rollupFragment() },
    { label: 'HTTP and WebSocket APIs (CloudWatch Logs bridge)', fragment: bridgeFragment() },
    { label: 'Dashboard (QuickSight)', fragment: quickSightFragment() },
  ];
}

type Section = 'Parameters' | 'Conditions' | 'Resources' | 'Outputs';
const SECTIONS: readonly Section[] = ['Parameters', 'Conditions', 'Resources', 'Outputs'];

/**
 * Merges fragments into one. Throws when two fragments declare the same parameter, condition,
 * resource or output, or when a name is used in two sections (CloudFormation shares one
 * namespace between parameters and resources, which Ref can name either).
 */
export function mergeFragments(fragments: readonly NamedFragment[]): TemplateFragment {
  const merged: Required<TemplateFragment> = { Parameters: {}, Conditions: {}, Resources: {}, Outputs: {} };
  const owner = new Map<string, string>();
  for (const { label, fragment } of fragments) {
    for (const section of SECTIONS) {
      const entries = Object.entries(fragment[section] ?? {});
      for (const [name, value] of entries) {
        // Parameters and resources share the Ref namespace; conditions and outputs have their own.
        const namespace = section === 'Parameters' || section === 'Resources' ? 'Ref' : section;
        const key = `${namespace}:${name}`;
        const previous = owner.get(key);
        if (previous !== undefined) {
          throw new Error(`Template fragments collide: ${section} "${name}" is declared by both "${previous}" and "${label}".`);
        }
        owner.set(key, label);
        (merged[section] as Record<string, unknown>)[name] = value;
      }
    }
  }
  const out: TemplateFragment = { Resources: merged.Resources };
  if (Object.keys(merged.Parameters).length > 0) out.Parameters = merged.Parameters;
  if (Object.keys(merged.Conditions).length > 0) out.Conditions = merged.Conditions;
  if (Object.keys(merged.Outputs).length > 0) out.Outputs = merged.Outputs;
  return out;
}

/** The complete template, in the key order CloudFormation users expect to read. */
export function buildStackTemplate(options: StackOptions): CfnTemplate {
  const fragments = stackFragments(options);
  const merged = mergeFragments(fragments);
  const template: CfnTemplate = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `API Gateway REST access-log analytics (${TOOL} ${options.version}): Firehose stream, enrichment Lambda, S3 log bucket, Glue table, Athena workgroup and QuickSight dashboard.`,
    Metadata: {
      'AWS::CloudFormation::Interface': {
        ParameterGroups: fragments
          .filter((f) => Object.keys(f.fragment.Parameters ?? {}).length > 0)
          .map((f) => ({ Label: { default: f.label }, Parameters: Object.keys(f.fragment.Parameters ?? {}) })),
      },
      [TOOL]: { version: options.version },
    },
    ...(merged.Parameters ? { Parameters: merged.Parameters } : {}),
    ...(merged.Conditions ? { Conditions: merged.Conditions } : {}),
    Resources: merged.Resources,
    ...(merged.Outputs ? { Outputs: merged.Outputs } : {}),
  };
  return template;
}

/** The committed form: pretty-printed, stable key order, trailing newline. */
export function renderTemplate(template: CfnTemplate): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}
