/**
 * A property-by-property check of a CloudFormation template against the resource specification
 * that the AWS CDK itself is generated from (`@aws-cdk/aws-service-spec`, db.json.gz).
 *
 * What it checks:
 * - every resource type exists in the specification;
 * - every property, at any depth (nested property types are followed through their references),
 *   is known, has the right type (string, number, integer, boolean, enum values, arrays, maps,
 *   tags, nested objects, unions), and every required property is present;
 * - intrinsic functions are accepted wherever a value goes, and their targets are checked: Ref
 *   names a parameter, resource or pseudo parameter; Fn::GetAtt names a resource and one of its
 *   attributes; Fn::Sub's `${...}` names exist; Fn::If's condition exists and both branches
 *   have the expected type; DependsOn and Condition name things that exist;
 * - parameters: a known type, and a Default that fits its own constraints.
 *
 * Usage (the QuickSight fragment can check its Dashboard Definition the same way):
 *   const issues = validateTemplate(template);             // the whole template
 *   const issues = validateResource('AWS::QuickSight::Dashboard', props);  // one resource's properties
 *   expect(formatIssues(issues)).toBe('');
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

/** The parts of the specification's types this checker reads. */
export type SpecType =
  | { type: 'string'; allowedValues?: string[] }
  | { type: 'integer'; allowedValues?: number[] }
  | { type: 'number' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'union'; types: SpecType[] }
  | { type: 'ref'; reference: { $ref: string } };

export interface SpecProperty {
  type: SpecType;
  required?: boolean;
  deprecated?: string;
}

export interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, unknown>;
  tagInformation?: { tagPropertyName: string; variant: string };
}

export interface SpecTypeDefinition {
  name: string;
  properties: Record<string, SpecProperty>;
}

interface SpecDb {
  lookup(collection: 'resource', index: 'cloudFormationType', op: 'equals', value: string): readonly SpecResource[];
  get(collection: 'typeDefinition', id: string | { $ref: string }): SpecTypeDefinition;
}

let db: SpecDb | undefined;
function spec(): SpecDb {
  db ??= loadAwsServiceSpecSync() as unknown as SpecDb;
  return db;
}

export function resourceSpec(type: string): SpecResource | undefined {
  return spec().lookup('resource', 'cloudFormationType', 'equals', type)[0];
}

export function typeDefinition(reference: { $ref: string }): SpecTypeDefinition {
  return spec().get('typeDefinition', reference);
}

/** Whether CloudFormation lets this resource type carry tags, and under which property. */
export function tagProperty(type: string): string | undefined {
  return resourceSpec(type)?.tagInformation?.tagPropertyName;
}

export interface SpecIssue {
  /** Where: `Resources.LogBucket.Properties.LifecycleConfiguration.Rules[0].Status`. */
  path: string;
  message: string;
  level: 'error' | 'warning';
}

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

const INTRINSICS = new Set([
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Split',
  'Fn::Select',
  'Fn::If',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Base64',
  'Fn::FindInMap',
  'Fn::Cidr',
  'Fn::Length',
  'Fn::ToJsonString',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Condition',
]);

/** What the template declares, for checking references. Empty when checking a lone resource. */
interface Scope {
  parameters: Set<string>;
  resources: Map<string, string>;
  conditions: Set<string>;
  /** False when checking properties without a template: references are not checked. */
  checkRefs: boolean;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function intrinsicName(v: unknown): string | undefined {
  if (!isPlainObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  return INTRINSICS.has(key) ? key : undefined;
}

class Checker {
  readonly issues: SpecIssue[] = [];
  constructor(readonly scope: Scope) {}

  error(path: string, message: string): void {
    this.issues.push({ path, message, level: 'error' });
  }

  warn(path: string, message: string): void {
    this.issues.push({ path, message, level: 'warning' });
  }

  checkRefTarget(path: string, name: string): void {
    if (!this.scope.checkRefs) return;
    if (PSEUDO_PARAMETERS.has(name) || this.scope.parameters.has(name) || this.scope.resources.has(name)) return;
    this.error(path, `Ref to "${name}", which is neither a parameter, a resource nor a pseudo parameter`);
  }

  checkGetAtt(path: string, logicalId: string, attribute: string): void {
    if (!this.scope.checkRefs) return;
    const type = this.scope.resources.get(logicalId);
    if (type === undefined) {
      this.error(path, `Fn::GetAtt on "${logicalId}", which is not a resource of this template`);
      return;
    }
    const rs = resourceSpec(type);
    if (rs && !(attribute in rs.attributes)) {
      this.error(path, `Fn::GetAtt ${logicalId}.${attribute}: ${type} has no attribute "${attribute}" (it has ${Object.keys(rs.attributes).join(', ') || 'none'})`);
    }
  }

  checkCondition(path: string, name: unknown): void {
    if (!this.scope.checkRefs) return;
    if (typeof name !== 'string' || !this.scope.conditions.has(name)) this.error(path, `condition "${String(name)}" is not declared in Conditions`);
  }

  /** Checks an intrinsic's own arguments and references; `expected` is the type its result must have. */
  intrinsic(path: string, name: string, value: Record<string, unknown>, expected: SpecType | undefined): void {
    const arg = value[name];
    const at = `${path}.${name}`;
    switch (name) {
      case 'Ref':
        if (typeof arg !== 'string') this.error(at, 'Ref takes a string');
        else this.checkRefTarget(at, arg);
        return;
      case 'Fn::GetAtt': {
        const parts = typeof arg === 'string' ? splitOnce(arg, '.') : arg;
        if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string') {
          this.error(at, 'Fn::GetAtt takes [logicalId, attribute]');
          return;
        }
        if (typeof parts[1] === 'string') this.checkGetAtt(at, parts[0], parts[1]);
        else this.any(`${at}[1]`, parts[1]);
        return;
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
        if (typeof text !== 'string') {
          this.error(at, 'Fn::Sub takes a string or [string, variables]');
          return;
        }
        const local = new Set(isPlainObject(vars) ? Object.keys(vars) : []);
        if (isPlainObject(vars)) for (const [k, v] of Object.entries(vars)) this.any(`${at}[1].${k}`, v);
        for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
          const inner = m[1] as string;
          if (inner.startsWith('!') || local.has(inner)) continue;
          const dot = inner.indexOf('.');
          if (dot > 0 && !PSEUDO_PARAMETERS.has(inner)) this.checkGetAtt(at, inner.slice(0, dot), inner.slice(dot + 1));
          else this.checkRefTarget(at, inner);
        }
        return;
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3) {
          this.error(at, 'Fn::If takes [condition, valueIfTrue, valueIfFalse]');
          return;
        }
        this.checkCondition(`${at}[0]`, arg[0]);
        for (const i of [1, 2]) {
          const branch = arg[i];
          if (isPlainObject(branch) && branch.Ref === 'AWS::NoValue') continue;
          if (expected) this.value(`${at}[${i}]`, branch, expected);
          else this.any(`${at}[${i}]`, branch);
        }
        return;
      }
      case 'Condition':
        this.checkCondition(at, arg);
        return;
      default:
        this.any(at, arg);
    }
  }

  /** Walks a value of unknown type (json properties, intrinsic arguments) for references. */
  any(path: string, value: unknown): void {
    const name = intrinsicName(value);
    if (name !== undefined) {
      this.intrinsic(path, name, value as Record<string, unknown>, undefined);
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => this.any(`${path}[${i}]`, v));
    else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) this.any(`${path}.${k}`, v);
  }

  properties(path: string, value: unknown, props: Record<string, SpecProperty>, what: string): void {
    if (!isPlainObject(value)) {
      this.error(path, `expected an object (${what}), got ${describe(value)}`);
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      const prop = props[key];
      const at = `${path}.${key}`;
      if (prop === undefined) {
        this.error(at, `unknown property "${key}" of ${what} (known: ${Object.keys(props).sort().join(', ')})`);
        continue;
      }
      if (prop.deprecated) this.warn(at, `property "${key}" of ${what} is deprecated`);
      this.value(at, v, prop.type);
    }
    for (const [key, prop] of Object.entries(props)) {
      if (prop.required && !(key in value)) this.error(`${path}.${key}`, `missing required property "${key}" of ${what}`);
    }
  }

  value(path: string, value: unknown, type: SpecType): void {
    const name = intrinsicName(value);
    if (name !== undefined) {
      this.intrinsic(path, name, value as Record<string, unknown>, type);
      return;
    }
    switch (type.type) {
      case 'string':
        if (typeof value !== 'string') this.error(path, `expected a string, got ${describe(value)}`);
        else if (type.allowedValues && !type.allowedValues.includes(value)) this.error(path, `"${value}" is not one of ${type.allowedValues.join(', ')}`);
        return;
      case 'date-time':
        if (typeof value !== 'string') this.error(path, `expected a date-time string, got ${describe(value)}`);
        return;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) this.error(path, `expected an integer, got ${describe(value)}`);
        else if (type.allowedValues && !type.allowedValues.includes(value)) this.error(path, `${value} is not one of ${type.allowedValues.join(', ')}`);
        return;
      case 'number':
        if (typeof value !== 'number') this.error(path, `expected a number, got ${describe(value)}`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') this.error(path, `expected a boolean, got ${describe(value)}`);
        return;
      case 'null':
        if (value !== null) this.error(path, `expected null, got ${describe(value)}`);
        return;
      case 'json':
        // CloudFormation's Json properties take an object (an IAM policy, a Glue parameter map) or a list.
        if (typeof value !== 'object' || value === null) this.error(path, `expected a JSON object, got ${describe(value)}`);
        else this.any(path, value);
        return;
      case 'tag':
        this.properties(path, value, { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } }, 'Tag');
        return;
      case 'array':
        if (!Array.isArray(value)) this.error(path, `expected a list, got ${describe(value)}`);
        else value.forEach((v, i) => this.value(`${path}[${i}]`, v, type.element));
        return;
      case 'map':
        if (!isPlainObject(value)) this.error(path, `expected a map, got ${describe(value)}`);
        else for (const [k, v] of Object.entries(value)) this.value(`${path}.${k}`, v, type.element);
        return;
      case 'ref': {
        const def = typeDefinition(type.reference);
        this.properties(path, value, def.properties, def.name);
        return;
      }
      case 'union': {
        let best: SpecIssue[] | undefined;
        for (const member of type.types) {
          const trial = new Checker(this.scope);
          trial.value(path, value, member);
          const errors = trial.issues.filter((x) => x.level === 'error');
          if (errors.length === 0) {
            this.issues.push(...trial.issues);
            return;
          }
          if (best === undefined || errors.length < best.length) best = trial.issues;
        }
        this.issues.push(...(best ?? [{ path, message: 'matches no member of the union type', level: 'error' as const }]));
        return;
      }
    }
  }
}

function splitOnce(s: string, sep: string): string[] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'CreationPolicy', 'UpdatePolicy']);
const TEMPLATE_KEYS = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs']);
const PARAMETER_TYPES = /^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::Value<.+>)$/;

/** Checks one resource's properties against the specification (references are not checked). */
export function validateResource(type: string, properties: unknown, path = 'Properties'): SpecIssue[] {
  const checker = new Checker({ parameters: new Set(), resources: new Map(), conditions: new Set(), checkRefs: false });
  const rs = resourceSpec(type);
  if (rs === undefined) checker.error(path, `unknown resource type ${type}`);
  else checker.properties(path, properties ?? {}, rs.properties, type);
  return checker.issues;
}

/** Checks a whole template; see the module comment for what is checked. */
export function validateTemplate(template: unknown): SpecIssue[] {
  const t = template as Record<string, unknown>;
  const resources = isPlainObject(t.Resources) ? t.Resources : {};
  const parameters = isPlainObject(t.Parameters) ? t.Parameters : {};
  const conditions = isPlainObject(t.Conditions) ? t.Conditions : {};
  const scope: Scope = {
    parameters: new Set(Object.keys(parameters)),
    resources: new Map(Object.entries(resources).map(([id, r]) => [id, isPlainObject(r) && typeof r.Type === 'string' ? r.Type : ''])),
    conditions: new Set(Object.keys(conditions)),
    checkRefs: true,
  };
  const c = new Checker(scope);
  for (const key of Object.keys(t)) if (!TEMPLATE_KEYS.has(key)) c.error(key, `unknown template section "${key}"`);
  if (Object.keys(resources).length === 0) c.error('Resources', 'a template needs at least one resource');

  for (const [name, p] of Object.entries(parameters)) checkParameter(c, `Parameters.${name}`, p);
  for (const [name, cond] of Object.entries(conditions)) c.any(`Conditions.${name}`, cond);

  for (const [id, r] of Object.entries(resources)) {
    const path = `Resources.${id}`;
    if (!/^[A-Za-z0-9]+$/.test(id)) c.error(path, 'logical ids are alphanumeric');
    if (!isPlainObject(r) || typeof r.Type !== 'string') {
      c.error(path, 'a resource needs a Type');
      continue;
    }
    for (const key of Object.keys(r)) if (!RESOURCE_KEYS.has(key)) c.error(`${path}.${key}`, `unknown resource attribute "${key}"`);
    const dependsOn = r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
    for (const d of dependsOn) if (typeof d !== 'string' || !scope.resources.has(d)) c.error(`${path}.DependsOn`, `DependsOn "${String(d)}" is not a resource`);
    if (r.Condition !== undefined) c.checkCondition(`${path}.Condition`, r.Condition);
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const v = r[policy];
      if (v !== undefined && !['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'].includes(v as string)) c.error(`${path}.${policy}`, `invalid ${policy} ${String(v)}`);
    }
    if (r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource') {
      c.any(`${path}.Properties`, r.Properties);
      continue;
    }
    const rs = resourceSpec(r.Type);
    if (rs === undefined) {
      c.error(`${path}.Type`, `unknown resource type ${r.Type}`);
      continue;
    }
    c.properties(`${path}.Properties`, r.Properties ?? {}, rs.properties, r.Type);
  }

  const outputs = isPlainObject(t.Outputs) ? t.Outputs : {};
  for (const [name, o] of Object.entries(outputs)) {
    const path = `Outputs.${name}`;
    if (!/^[A-Za-z0-9]+$/.test(name)) c.error(path, 'output names are alphanumeric');
    if (!isPlainObject(o) || !('Value' in o)) {
      c.error(path, 'an output needs a Value');
      continue;
    }
    for (const key of Object.keys(o)) if (!['Description', 'Value', 'Export', 'Condition'].includes(key)) c.error(`${path}.${key}`, `unknown output key "${key}"`);
    if (o.Condition !== undefined) c.checkCondition(`${path}.Condition`, o.Condition);
    c.any(`${path}.Value`, o.Value);
  }
  return c.issues;
}

function checkParameter(c: Checker, path: string, p: unknown): void {
  if (!isPlainObject(p) || typeof p.Type !== 'string' || !PARAMETER_TYPES.test(p.Type)) {
    c.error(path, 'a parameter needs a valid Type');
    return;
  }
  const known = ['Type', 'Description', 'Default', 'AllowedValues', 'AllowedPattern', 'ConstraintDescription', 'MinLength', 'MaxLength', 'MinValue', 'MaxValue', 'NoEcho'];
  for (const key of Object.keys(p)) if (!known.includes(key)) c.error(`${path}.${key}`, `unknown parameter attribute "${key}"`);
  if (p.Default === undefined) return;
  const d = p.Default;
  if (p.Type === 'Number') {
    const n = typeof d === 'number' ? d : Number(d);
    if (!Number.isFinite(n)) c.error(`${path}.Default`, 'a Number parameter needs a numeric Default');
    if (typeof p.MinValue === 'number' && n < p.MinValue) c.error(`${path}.Default`, `Default ${n} is below MinValue ${p.MinValue}`);
    if (typeof p.MaxValue === 'number' && n > p.MaxValue) c.error(`${path}.Default`, `Default ${n} is above MaxValue ${p.MaxValue}`);
  }
  if (p.Type === 'String' && typeof d === 'string') {
    if (typeof p.AllowedPattern === 'string' && !new RegExp(p.AllowedPattern).test(d)) c.error(`${path}.Default`, 'Default does not match AllowedPattern');
    if (typeof p.MinLength === 'number' && d.length < p.MinLength) c.error(`${path}.Default`, 'Default is shorter than MinLength');
    if (typeof p.MaxLength === 'number' && d.length > p.MaxLength) c.error(`${path}.Default`, 'Default is longer than MaxLength');
  }
  if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(String(d))) c.error(`${path}.Default`, 'Default is not one of AllowedValues');
}

/** Errors only, one per line (empty when the template is valid): handy in `expect(...).toBe('')`. */
export function formatIssues(issues: readonly SpecIssue[], level: SpecIssue['level'] = 'error'): string {
  return issues
    .filter((x) => x.level === level)
    .map((x) => `${x.path}: ${x.message}`)
    .join('\n');
}
