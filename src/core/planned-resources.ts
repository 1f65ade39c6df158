/**
 * What a stack operation will create, read from the template itself: the template's Conditions
 * are evaluated for the chosen parameters (the template's defaults for the rest), and every
 * resource whose Condition holds is listed with a human name for its type. The plan `init` shows
 * cannot disagree with what CloudFormation creates from the same template and parameters.
 *
 * Condition functions as CloudFormation defines them:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html
 */

export interface TemplateDocument {
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string }>;
}

export interface PlannedResource {
  logicalId: string;
  type: string;
}

/** A human name per resource type: [one, several]. */
export const RESOURCE_TYPE_NAMES: Readonly<Record<string, readonly [string, string]>> = {
  'AWS::S3::Bucket': ['S3 log bucket', 'S3 buckets'],
  'AWS::S3::BucketPolicy': ['bucket policy', 'bucket policies'],
  'AWS::IAM::Role': ['IAM role', 'IAM roles'],
  'AWS::Logs::LogGroup': ['CloudWatch log group', 'CloudWatch log groups'],
  'AWS::Logs::SubscriptionFilter': ['CloudWatch Logs subscription filter', 'CloudWatch Logs subscription filters'],
  'AWS::Logs::LogStream': ['log stream', 'log streams'],
  'AWS::KinesisFirehose::DeliveryStream': ['Firehose stream', 'Firehose streams'],
  'AWS::Lambda::Function': ['enrichment Lambda', 'Lambda functions'],
  'AWS::Glue::Database': ['Glue database', 'Glue databases'],
  'AWS::Glue::Table': ['Glue table', 'Glue tables'],
  'AWS::Athena::WorkGroup': ['Athena workgroup', 'Athena workgroups'],
  'AWS::Scheduler::Schedule': ['EventBridge Scheduler schedule', 'EventBridge Scheduler schedules'],
  'AWS::QuickSight::DataSource': ['QuickSight data source', 'QuickSight data sources'],
  'AWS::QuickSight::DataSet': ['QuickSight dataset', 'QuickSight datasets'],
  'AWS::QuickSight::RefreshSchedule': ['QuickSight SPICE refresh schedule', 'QuickSight SPICE refresh schedules'],
  'AWS::QuickSight::Dashboard': ['QuickSight dashboard', 'QuickSight dashboards'],
};

type Scalar = string | number | boolean;

class ConditionEvaluator {
  private readonly cache = new Map<string, boolean>();

  constructor(
    private readonly template: TemplateDocument,
    private readonly parameters: Readonly<Record<string, string>>,
  ) {}

  condition(name: string, seen: readonly string[] = []): boolean {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    if (seen.includes(name)) throw new Error(`internal: condition ${name} refers to itself (${[...seen, name].join(' → ')})`);
    const body = this.template.Conditions?.[name];
    if (body === undefined) throw new Error(`internal: the template has no condition ${name}`);
    const value = this.bool(body, [...seen, name]);
    this.cache.set(name, value);
    return value;
  }

  private bool(node: unknown, seen: readonly string[]): boolean {
    const [fn, arg] = single(node);
    const list = (n: number | [number, number]): unknown[] => args(fn, arg, n);
    switch (fn) {
      case 'Condition':
        if (typeof arg !== 'string') throw new Error('internal: {"Condition": name} takes a string');
        return this.condition(arg, seen);
      case 'Fn::Not':
        return !this.bool(list(1)[0], seen);
      case 'Fn::And':
        return list([2, 10]).every((c) => this.bool(c, seen));
      case 'Fn::Or':
        return list([2, 10]).some((c) => this.bool(c, seen));
      case 'Fn::Equals': {
        const [a, b] = list(2);
        return String(this.value(a)) === String(this.value(b));
      }
      default:
        throw new Error(`internal: ${fn} is not a condition function`);
    }
  }

  private value(node: unknown): Scalar {
    if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return node;
    const [fn, arg] = single(node);
    if (fn !== 'Ref' || typeof arg !== 'string') throw new Error(`internal: Fn::Equals compares values and parameter Refs only, not ${fn}`);
    const chosen = this.parameters[arg];
    if (chosen !== undefined) return chosen;
    const declared = this.template.Parameters?.[arg];
    if (!declared) throw new Error(`internal: the template has no parameter ${arg}`);
    const d = declared.Default;
    if (typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean') return d;
    throw new Error(`internal: parameter ${arg} has no value and no default`);
  }
}

function single(node: unknown): [string, unknown] {
  const entries = node && typeof node === 'object' && !Array.isArray(node) ? Object.entries(node) : [];
  if (entries.length !== 1) throw new Error(`internal: expected one function, got ${JSON.stringify(node)}`);
  return entries[0]!;
}

function args(fn: string, arg: unknown, n: number | [number, number]): unknown[] {
  const [min, max] = typeof n === 'number' ? [n, n] : n;
  if (!Array.isArray(arg) || arg.length < min || arg.length > max) throw new Error(`internal: ${fn} takes ${min === max ? min : `${min} to ${max}`} arguments`);
  return arg;
}

/** Every condition of the template, evaluated for the parameters (defaults for the rest). */
export function evaluateConditions(template: TemplateDocument, parameters: Readonly<Record<string, string>>): Record<string, boolean> {
  const e = new ConditionEvaluator(template, parameters);
  return Object.fromEntries(Object.keys(template.Conditions ?? {}).map((name) => [name, e.condition(name)]));
}

/** The resources CloudFormation creates for these parameters, in template order. */
export function plannedResources(template: TemplateDocument, parameters: Readonly<Record<string, string>>): PlannedResource[] {
  const conditions = evaluateConditions(template, parameters);
  return Object.entries(template.Resources)
    .filter(([, r]) => {
      if (r.Condition === undefined) return true;
      const holds = conditions[r.Condition];
      if (holds === undefined) throw new Error(`internal: the template has no condition ${r.Condition}`);
      return holds;
    })
    .map(([logicalId, r]) => ({ logicalId, type: r.Type }));
}

/** "Firehose stream", "2 IAM roles", ...: one entry per type, in order of first appearance. */
export function describeResources(resources: readonly PlannedResource[]): string[] {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => {
    const names = RESOURCE_TYPE_NAMES[type];
    if (!names) return n === 1 ? type : `${n} × ${type}`;
    return n === 1 ? names[0] : `${n} ${names[1]}`;
  });
}
