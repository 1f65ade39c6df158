/**
 * Evaluates a whole template for one set of parameter values, the way CloudFormation does before
 * it creates anything, and reports every problem with its template path:
 * 1. parameter values against their declared constraints (CloudFormation refuses the stack);
 * 2. Conditions, with only condition functions and parameter Refs (cfn-eval.ts);
 * 3. each created resource's properties resolved to concrete values: every Ref and Fn::GetAtt
 *    target exists and is created under these conditions, each GetAtt attribute is one its type
 *    has (@aws-cdk/aws-service-spec, via cfn-spec.ts), and physical ids are stand-ins that look
 *    like the real ones (a named resource's name, else a generated `<stack>-<LogicalId>-<suffix>`
 *    cut to the type's limit, ARNs in the partition's format);
 * 4. the resolved values against the registry schemas, the services' naming rules and IAM's
 *    inline-policy size (cfn-constraints.ts);
 * 5. DependsOn: targets exist and are created, a DependsOn that a Ref/GetAtt/Sub already implies
 *    is flagged (cfn-lint W3005), and a dependency cycle is an error;
 * 6. Outputs resolve to strings.
 *
 * Stand-in ids: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
 * (generated physical names), and each type's "Return values" section in the resource reference.
 */
import { CfnError, intrinsicName, resolveValue, type Scope } from './cfn-eval.js';
import { nameProblems, policySizeProblems, schemaProblems, type Problem } from './cfn-constraints.js';
import { resourceSpec } from './cfn-spec.js';

export type { Problem } from './cfn-constraints.js';
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export interface DeployInput {
  parameters: Record<string, string>;
  partition?: Partition;
  region?: string;
  stackName?: string;
}

export interface ResolvedResource {
  Type: string;
  Properties: Record<string, unknown>;
  physicalId: string;
}

export interface StackEvaluation {
  problems: Problem[];
  conditions: Record<string, boolean>;
  resources: Record<string, ResolvedResource>;
  outputs: Record<string, unknown>;
}

/** Partition facts: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html */
export const PARTITIONS: Record<Partition, { region: string; urlSuffix: string }> = {
  aws: { region: 'us-east-1', urlSuffix: 'amazonaws.com' },
  'aws-cn': { region: 'cn-north-1', urlSuffix: 'amazonaws.com.cn' },
  'aws-us-gov': { region: 'us-gov-west-1', urlSuffix: 'amazonaws.com' },
};
export const ACCOUNT_ID = '123456789012';

interface TemplateShape {
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown; Condition?: unknown }>;
  Outputs?: Record<string, { Value: unknown; Condition?: unknown }>;
}

/** Where each type keeps its name, what Ref returns, and the longest name CloudFormation generates. */
const NAMING: Record<string, { name?: string; ref?: (p: Record<string, unknown>, name: string) => string; max?: number; lowercase?: boolean }> = {
  'AWS::S3::Bucket': { name: 'BucketName', max: 63, lowercase: true },
  'AWS::IAM::Role': { name: 'RoleName', max: 64 },
  'AWS::Logs::LogGroup': { name: 'LogGroupName', max: 512 },
  'AWS::Logs::LogStream': { name: 'LogStreamName', max: 512 },
  'AWS::KinesisFirehose::DeliveryStream': { name: 'DeliveryStreamName', max: 64 },
  'AWS::Lambda::Function': { name: 'FunctionName', max: 64 },
  'AWS::Glue::Database': { name: 'DatabaseInput.Name', max: 255, lowercase: true },
  'AWS::Glue::Table': { name: 'TableInput.Name', max: 255, lowercase: true },
  'AWS::Athena::WorkGroup': { name: 'Name', max: 128 },
  // Registry types return their primary identifier, parts joined with "|".
  'AWS::QuickSight::DataSource': { ref: (p) => `${String(p.AwsAccountId)}|${String(p.DataSourceId)}` },
  'AWS::QuickSight::DataSet': { ref: (p) => `${String(p.AwsAccountId)}|${String(p.DataSetId)}` },
  'AWS::QuickSight::Dashboard': { ref: (p) => `${String(p.AwsAccountId)}|${String(p.DashboardId)}` },
};

/** GetAtt stand-ins, in the format each type's reference documents. */
function attributeStandIn(type: string, attribute: string, name: string, props: Record<string, unknown>, env: Env): string | undefined {
  const { partition: p, region: r, urlSuffix } = env;
  const a = ACCOUNT_ID;
  const qs = (kind: string, id: unknown) => `arn:${p}:quicksight:${r}:${a}:${kind}/${String(id)}`;
  const table: Record<string, Record<string, () => string>> = {
    'AWS::S3::Bucket': {
      Arn: () => `arn:${p}:s3:::${name}`,
      DomainName: () => `${name}.s3.${urlSuffix}`,
      RegionalDomainName: () => `${name}.s3.${r}.${urlSuffix}`,
    },
    'AWS::IAM::Role': { Arn: () => `arn:${p}:iam::${a}:role/${name}`, RoleId: () => 'AROAEXAMPLEROLEID0001' },
    'AWS::Logs::LogGroup': { Arn: () => `arn:${p}:logs:${r}:${a}:log-group:${name}:*` },
    'AWS::KinesisFirehose::DeliveryStream': { Arn: () => `arn:${p}:firehose:${r}:${a}:deliverystream/${name}` },
    'AWS::Lambda::Function': { Arn: () => `arn:${p}:lambda:${r}:${a}:function:${name}` },
    'AWS::QuickSight::DataSource': { Arn: () => qs('datasource', props.DataSourceId) },
    'AWS::QuickSight::DataSet': { Arn: () => qs('dataset', props.DataSetId) },
    'AWS::QuickSight::Dashboard': { Arn: () => qs('dashboard', props.DashboardId) },
  };
  return table[type]?.[attribute]?.();
}

interface Env {
  partition: Partition;
  region: string;
  urlSuffix: string;
  stackName: string;
}

/** CloudFormation's generated name `<stack>-<LogicalId>-<suffix>`, the stack part cut first to fit. */
export function generatedName(stackName: string, logicalId: string, max: number, lowercase: boolean): string {
  const suffix = lowercase ? 'a1b2c3d4e5f6' : 'A1B2C3D4E5F6';
  let [stack, id] = [stackName, logicalId];
  const over = () => stack.length + id.length + suffix.length + 2 - max;
  if (over() > 0) stack = stack.slice(0, Math.max(1, stack.length - over()));
  if (over() > 0) id = id.slice(0, Math.max(1, id.length - over()));
  const name = `${stack}-${id}-${suffix}`;
  return lowercase ? name.toLowerCase() : name;
}

const pathGet = (o: Record<string, unknown>, dotted: string): unknown => dotted.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

class StackEvaluator {
  readonly problems: Problem[] = [];
  private readonly conditions = new Map<string, boolean>();
  private readonly conditionsInProgress = new Set<string>();
  private readonly resolved = new Map<string, Record<string, unknown>>();
  private readonly inProgress: string[] = [];
  /** Edges a Ref/GetAtt/Sub makes: resource -> resources it references. */
  readonly references = new Map<string, Set<string>>();
  private readonly parameters: Record<string, unknown> = {};
  private readonly pseudo: Record<string, unknown>;

  constructor(
    readonly template: TemplateShape,
    readonly input: DeployInput,
    readonly env: Env,
  ) {
    this.pseudo = {
      'AWS::AccountId': ACCOUNT_ID,
      'AWS::Region': env.region,
      'AWS::Partition': env.partition,
      'AWS::URLSuffix': env.urlSuffix,
      'AWS::StackName': env.stackName,
      'AWS::StackId': `arn:${env.partition}:cloudformation:${env.region}:${ACCOUNT_ID}:stack/${env.stackName}/51af3dc0-da77-11e4-872e-1234567db123`,
      'AWS::NotificationARNs': [],
    };
  }

  error(path: string, message: string, level: Problem['level'] = 'error'): void {
    this.problems.push({ path, message, level });
  }

  /** Takes each parameter's value or Default and checks it as CloudFormation does before anything else. */
  bindParameters(): void {
    const declared = this.template.Parameters ?? {};
    for (const name of Object.keys(this.input.parameters)) if (!(name in declared)) this.error(`Parameters.${name}`, 'a value was given for a parameter the template does not declare');
    for (const [name, p] of Object.entries(declared)) {
      const given = this.input.parameters[name] ?? (p.Default === undefined ? undefined : String(p.Default));
      const at = `Parameters.${name}`;
      if (given === undefined) {
        this.error(at, 'no value given and no Default');
        continue;
      }
      for (const why of parameterProblems(given, p)) this.error(at, `${JSON.stringify(given)} ${why}`);
      this.parameters[name] = /^List<|CommaDelimitedList/.test(String(p.Type)) ? given.split(',') : given;
    }
  }

  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new Error(`condition "${name}" is not declared in Conditions`);
    if (this.conditionsInProgress.has(name)) throw new Error(`condition "${name}" refers to itself`);
    this.conditionsInProgress.add(name);
    const fn = intrinsicName(expression);
    const at = `Conditions.${name}`;
    let value = false;
    if (fn === undefined || !['Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not', 'Condition'].includes(fn)) this.error(at, 'a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition');
    else {
      const v = this.capture(at, () => resolveValue(expression, at, this.scope(undefined), 'condition'));
      if (typeof v === 'boolean') value = v;
    }
    this.conditionsInProgress.delete(name);
    this.conditions.set(name, value);
    return value;
  }

  /** Whether a resource is created under these parameters. */
  created(id: string): boolean {
    const c = this.template.Resources[id]?.Condition;
    return c === undefined || (typeof c === 'string' && this.capture(`Resources.${id}.Condition`, () => this.condition(c)) === true);
  }

  /** A scope for expressions in `from` (a resource's logical id, or undefined for conditions and outputs). */
  scope(from: string | undefined): Scope {
    const resources = this.template.Resources;
    const target = (id: string): { Type: string } => {
      const r = resources[id];
      if (r === undefined) throw new Error(`"${id}" is not a resource of this template`);
      if (!this.created(id)) throw new Error(`"${id}" is not created under these parameters (its Condition ${String(r.Condition)} is false)`);
      if (from !== undefined) (this.references.get(from) ?? this.references.set(from, new Set()).get(from))?.add(id);
      return r;
    };
    return {
      ref: (name) => {
        if (name in this.parameters) return this.parameters[name];
        if (name in this.pseudo) return this.pseudo[name];
        if (name in resources) {
          target(name);
          return this.physicalId(name);
        }
        throw new Error(`"${name}" is not a parameter, resource or pseudo parameter`);
      },
      getAtt: (id, attribute) => {
        const { Type } = target(id);
        const attributes = Object.keys(resourceSpec(Type)?.attributes ?? {});
        if (!attributes.includes(attribute)) throw new Error(`${Type} has no attribute "${attribute}" (it has ${attributes.join(', ') || 'none'})`);
        const standIn = attributeStandIn(Type, attribute, this.physicalId(id), this.properties(id), this.env);
        if (standIn === undefined) throw new Error(`the evaluator has no stand-in for ${Type}.${attribute}: add one to cfn-stack-eval.ts`);
        return standIn;
      },
      condition: (name) => this.condition(name),
      isParameter: (name) => name in this.parameters || name in this.pseudo,
      findInMap: (map, top, second) => {
        const v = this.template.Mappings?.[map]?.[top]?.[second];
        if (v === undefined) throw new Error(`Mappings.${map}.${top}.${second} does not exist`);
        return v;
      },
    };
  }

  /** A resource's properties, resolved once; a resource met again while resolving is a cycle. */
  properties(id: string): Record<string, unknown> {
    const done = this.resolved.get(id);
    if (done) return done;
    if (this.inProgress.includes(id)) throw new Error(`a reference cycle: ${[...this.inProgress.slice(this.inProgress.indexOf(id)), id].join(' -> ')}`);
    this.inProgress.push(id);
    const at = `Resources.${id}.Properties`;
    const raw = this.template.Resources[id]?.Properties ?? {};
    const out: Record<string, unknown> = {};
    try {
      for (const [k, v] of Object.entries(raw)) {
        const r = this.capture(`${at}.${k}`, () => resolveValue(v, `${at}.${k}`, this.scope(id)));
        if (typeof r !== 'symbol' && r !== undefined) out[k] = r;
      }
    } finally {
      this.inProgress.pop();
    }
    this.resolved.set(id, out);
    return out;
  }

  physicalId(id: string): string {
    const r = this.template.Resources[id];
    if (!r) throw new Error(`"${id}" is not a resource of this template`);
    const naming = NAMING[r.Type] ?? {};
    const props = this.properties(id);
    if (naming.ref) return naming.ref(props, id);
    const name = naming.name === undefined ? undefined : pathGet(props, naming.name);
    return typeof name === 'string' ? name : generatedName(this.env.stackName, id, naming.max ?? 255, naming.lowercase ?? false);
  }

  /** Runs one evaluation step; a CfnError or Error becomes a problem at its path and the step yields undefined. */
  capture<T>(at: string, f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      if (e instanceof CfnError) this.error(e.path, e.message.slice(e.path.length + 2));
      else this.error(at, (e as Error).message);
      return undefined;
    }
  }
}

function parameterProblems(value: string, p: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(value)) out.push(`is not one of ${p.AllowedValues.join(', ')}`);
  // AllowedPattern must match the whole value.
  if (typeof p.AllowedPattern === 'string' && !new RegExp(`^(?:${p.AllowedPattern})$`).test(value)) out.push(`does not match AllowedPattern ${p.AllowedPattern}`);
  if (typeof p.MinLength === 'number' && value.length < p.MinLength) out.push(`is shorter than MinLength ${p.MinLength}`);
  if (typeof p.MaxLength === 'number' && value.length > p.MaxLength) out.push(`is longer than MaxLength ${p.MaxLength}`);
  if (p.Type === 'Number') {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) out.push('is not a number');
    if (typeof p.MinValue === 'number' && n < p.MinValue) out.push(`is below MinValue ${p.MinValue}`);
    if (typeof p.MaxValue === 'number' && n > p.MaxValue) out.push(`is above MaxValue ${p.MaxValue}`);
  }
  return out;
}

/** References a resource's raw properties make outside any Fn::If, so that a DependsOn on them is implied. */
function unconditionalReferences(value: unknown, out = new Set<string>()): Set<string> {
  const fn = intrinsicName(value);
  const arg = fn === undefined ? undefined : (value as Record<string, unknown>)[fn];
  if (fn === 'Fn::If') return out;
  if (fn === 'Ref' && typeof arg === 'string') out.add(arg);
  else if (fn === 'Fn::GetAtt') out.add(String(Array.isArray(arg) ? arg[0] : String(arg).split('.')[0]));
  else if (fn === 'Fn::Sub') {
    const text = Array.isArray(arg) ? arg[0] : arg;
    if (typeof text === 'string') for (const m of text.matchAll(/\$\{([^!}][^}.]*)[^}]*\}/g)) out.add(m[1] as string);
  }
  const children = fn === undefined ? value : arg;
  if (Array.isArray(children)) children.forEach((c) => unconditionalReferences(c, out));
  else if (typeof children === 'object' && children !== null) Object.values(children).forEach((c) => unconditionalReferences(c, out));
  return out;
}

function checkDependencies(ev: StackEvaluator, created: string[]): void {
  const edges = new Map<string, Set<string>>(created.map((id) => [id, new Set(ev.references.get(id) ?? [])]));
  for (const id of created) {
    const r = ev.template.Resources[id];
    const at = `Resources.${id}.DependsOn`;
    const implied = unconditionalReferences(r?.Properties ?? {});
    for (const d of asList(r?.DependsOn)) {
      if (typeof d !== 'string' || !(d in ev.template.Resources)) ev.error(at, `DependsOn "${String(d)}" is not a resource of this template`);
      else if (!ev.created(d)) ev.error(at, `DependsOn "${d}", which is not created under these parameters`);
      else {
        edges.get(id)?.add(d);
        if (implied.has(d)) ev.error(at, `DependsOn "${d}" is redundant: a Ref, Fn::GetAtt or Fn::Sub in the properties already makes ${id} wait for it`, 'warning');
      }
    }
  }
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      ev.error(`Resources.${id}`, `dependency cycle: ${[...trail.slice(trail.indexOf(id)), id].join(' -> ')}`);
      return;
    }
    state.set(id, 'open');
    for (const next of edges.get(id) ?? []) visit(next, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of created) visit(id, []);
}

/** Evaluates the template for one parameter set; see the module comment for what is checked. */
export function evaluateStack(template: unknown, input: DeployInput): StackEvaluation {
  const t = template as TemplateShape;
  const partition = input.partition ?? 'aws';
  const env: Env = {
    partition,
    region: input.region ?? PARTITIONS[partition].region,
    urlSuffix: PARTITIONS[partition].urlSuffix,
    stackName: input.stackName ?? 'apigw-log-analytics-test',
  };
  const ev = new StackEvaluator(t, input, env);
  ev.bindParameters();
  const conditions = Object.fromEntries(Object.keys(t.Conditions ?? {}).map((name) => [name, ev.condition(name)]));
  for (const [id, r] of Object.entries(t.Resources)) {
    if (r.Condition !== undefined && (typeof r.Condition !== 'string' || !(r.Condition in (t.Conditions ?? {})))) {
      ev.error(`Resources.${id}.Condition`, `condition "${String(r.Condition)}" is not declared in Conditions`);
    }
  }
  const created = Object.keys(t.Resources).filter((id) => ev.created(id));
  const resources: Record<string, ResolvedResource> = {};
  for (const id of created) {
    const Type = (t.Resources[id] as { Type: string }).Type;
    const Properties = ev.properties(id);
    const physicalId = ev.capture(`Resources.${id}`, () => ev.physicalId(id)) ?? '';
    resources[id] = { Type, Properties, physicalId };
    ev.problems.push(
      ...schemaProblems(Type, Properties, `Resources.${id}.Properties`),
      ...nameProblems(Type, t.Resources[id]?.Properties ?? {}, Properties, physicalId, `Resources.${id}`),
      ...policySizeProblems(Type, Properties, `Resources.${id}`),
    );
  }
  checkDependencies(ev, created);
  const outputs: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(t.Outputs ?? {})) {
    const at = `Outputs.${name}`;
    if (o.Condition !== undefined && !ev.capture(`${at}.Condition`, () => ev.condition(String(o.Condition)))) continue;
    const v = ev.capture(`${at}.Value`, () => resolveValue(o.Value, `${at}.Value`, ev.scope(undefined)));
    if (v !== undefined && typeof v !== 'string') ev.error(`${at}.Value`, `an output value must be a string, got ${JSON.stringify(v)}`);
    outputs[name] = v;
  }
  return { problems: ev.problems, conditions, resources, outputs };
}

/** Problems one per line (empty when there are none): handy in `expect(...).toBe('')`. */
export function formatProblems(problems: readonly Problem[], level?: Problem['level']): string {
  return problems
    .filter((p) => level === undefined || p.level === level)
    .map((p) => `${p.level}: ${p.path}: ${p.message}`)
    .join('\n');
}
