/**
 * Checks resolved property values against what the services accept:
 * - the registry schemas' constraints (type, enum, pattern, minLength/maxLength, minItems/maxItems,
 *   minimum/maximum, map-key patterns), extracted per resource type and property path into
 *   test/fixtures/cfn-constraints.json (see the script beside it). @aws-cdk/aws-service-spec,
 *   which cfn-spec.ts uses, has types and enums but no patterns or lengths;
 * - the naming rules that the services document but the schemas leave out or leave unanchored
 *   (NAME_RULES below, each with its source).
 *
 * CloudFormation converts scalar property values to the schema's type ("90" for an integer, "true"
 * for a boolean), so a numeric string passes an integer check, as it does in a deployment.
 */
import { readFileSync } from 'node:fs';

export interface Problem {
  /** Where: `Resources.LogBucket.Properties.BucketName`. */
  path: string;
  message: string;
  level: 'error' | 'warning';
}

interface Constraint {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  keyPattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
}

const FIXTURE = new URL('../fixtures/cfn-constraints.json', import.meta.url);
let loaded: Record<string, Record<string, Constraint>> | undefined;
function constraintsOf(type: string): Record<string, Constraint> | undefined {
  loaded ??= (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { types: Record<string, Record<string, Constraint>> }).types;
  return loaded[type];
}

/** The schemas' regexes are ECMA-262 with a few Java/Python habits (`\Z`); `u` for `\p{L}`. */
function schemaRegex(pattern: string): RegExp {
  return new RegExp(pattern.replace(/\\Z/g, '$'), 'u');
}

const length = (s: string): number => [...s].length;

function typeProblem(value: unknown, type: string | string[]): string | undefined {
  const types = Array.isArray(type) ? type : [type];
  const fits = types.some((t) => {
    switch (t) {
      case 'string':
        return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
      case 'integer':
        return Number.isInteger(typeof value === 'string' ? Number(value) : value) && value !== '';
      case 'number':
        return Number.isFinite(typeof value === 'string' ? Number(value) : value) && value !== '';
      case 'boolean':
        return typeof value === 'boolean' || value === 'true' || value === 'false';
      case 'array':
        return Array.isArray(value);
      case 'object':
        return typeof value === 'object' && value !== null && !Array.isArray(value);
      default:
        return true;
    }
  });
  return fits ? undefined : `expected ${types.join(' or ')}, got ${JSON.stringify(value)}`;
}

/** The problems of one resolved value against one constraint entry. */
export function valueProblems(value: unknown, c: Constraint): string[] {
  const out: string[] = [];
  const t = c.type === undefined ? undefined : typeProblem(value, c.type);
  if (t) return [t];
  if (c.enum && !c.enum.map(String).includes(String(value))) out.push(`${JSON.stringify(value)} is not one of ${c.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (c.pattern !== undefined && !schemaRegex(c.pattern).test(value)) out.push(`${JSON.stringify(value)} does not match the pattern ${c.pattern}`);
    if (c.minLength !== undefined && length(value) < c.minLength) out.push(`${JSON.stringify(value)} is ${length(value)} characters, under the minimum ${c.minLength}`);
    if (c.maxLength !== undefined && length(value) > c.maxLength) out.push(`${JSON.stringify(value)} is ${length(value)} characters, over the maximum ${c.maxLength}`);
  }
  if (Array.isArray(value)) {
    if (c.minItems !== undefined && value.length < c.minItems) out.push(`${value.length} items, under the minimum ${c.minItems}`);
    if (c.maxItems !== undefined && value.length > c.maxItems) out.push(`${value.length} items, over the maximum ${c.maxItems}`);
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && c.type !== 'string' ? Number(value) : NaN;
  if (c.minimum !== undefined && n < c.minimum) out.push(`${n} is under the minimum ${c.minimum}`);
  if (c.maximum !== undefined && n > c.maximum) out.push(`${n} is over the maximum ${c.maximum}`);
  return out;
}

/**
 * Walks a resource's resolved properties against its type's fixture entries. A path the fixture
 * does not know, under an object whose children it lists, means the fixture is stale.
 */
export function schemaProblems(type: string, properties: Record<string, unknown>, at: string): Problem[] {
  const table = constraintsOf(type);
  if (!table) return [{ path: at, message: `${type} is not in test/fixtures/cfn-constraints.json: regenerate it (see extract-cfn-constraints.py)`, level: 'error' }];
  const problems: Problem[] = [];
  const hasChildren = (key: string): boolean => Object.keys(table).some((k) => k.startsWith(`${key}.`) || k.startsWith(`${key}[]`));
  const walk = (value: unknown, key: string, path: string): void => {
    const c = table[key];
    if (c === undefined) {
      problems.push({ path, message: `${type} property path "${key}" is not in test/fixtures/cfn-constraints.json: regenerate it (see extract-cfn-constraints.py)`, level: 'error' });
      return;
    }
    for (const message of valueProblems(value, c)) problems.push({ path, message, level: 'error' });
    if (Array.isArray(value) && hasChildren(key)) value.forEach((v, i) => walk(v, `${key}[]`, `${path}[${i}]`));
    else if (typeof value === 'object' && value !== null && !Array.isArray(value) && hasChildren(key)) {
      for (const [k, v] of Object.entries(value)) {
        const literal = `${key}.${k}`;
        const isMap = table[literal] === undefined && table[`${key}.*`] !== undefined;
        if (isMap && c.keyPattern !== undefined && !schemaRegex(c.keyPattern).test(k)) {
          problems.push({ path: `${path}.${k}`, message: `the key ${JSON.stringify(k)} does not match the pattern ${c.keyPattern}`, level: 'error' });
        }
        walk(v, isMap ? `${key}.*` : literal, `${path}.${k}`);
      }
    }
  };
  for (const [k, v] of Object.entries(properties)) walk(v, k, `${at}.${k}`);
  return problems;
}

/** A documented naming rule: returns why the name is refused, or undefined. */
interface NameRule {
  type: string;
  /** The name property (dot path in Properties); absent names are generated by CloudFormation. */
  property: string;
  source: string;
  check(name: string): string | undefined;
}

const within = (min: number, max: number) => (s: string) => (length(s) < min || length(s) > max ? `is ${length(s)} characters, outside ${min} to ${max}` : undefined);
const matching = (re: RegExp, what: string) => (s: string) => (re.test(s) ? undefined : `must be ${what}`);
const all =
  (...checks: Array<(s: string) => string | undefined>) =>
  (s: string) =>
    checks.map((c) => c(s)).find((x) => x !== undefined);

function s3BucketName(name: string): string | undefined {
  return all(
    within(3, 63),
    matching(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit'),
    (s) => (s.includes('..') ? 'must not contain two adjacent periods' : undefined),
    (s) => (/^\d+\.\d+\.\d+\.\d+$/.test(s) ? 'must not be formatted as an IP address' : undefined),
    (s) => ['xn--', 'sthree-', 'amzn-s3-demo-'].filter((p) => s.startsWith(p)).map((p) => `must not start with ${p}`)[0],
    (s) => ['-s3alias', '--ol-s3', '.mrap', '--x-s3'].filter((p) => s.endsWith(p)).map((p) => `must not end with ${p}`)[0],
  )(name);
}

/** Athena reads Glue names that are lowercase letters, digits and underscores without quoting. */
const athenaName = all(within(1, 255), matching(/^[a-z0-9_]+$/, 'lowercase letters, digits and underscores (what Athena accepts unquoted)'));
const ATHENA_NAMES = 'https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html';
/** QuickSight's id pattern, as the Dashboard schema states it; the DataSet/DataSource schemas state none. */
const quickSightId = (max: number) => all(within(1, max), matching(/^[\w-]+$/, 'letters, digits, hyphens and underscores'));

export const NAME_RULES: readonly NameRule[] = [
  { type: 'AWS::S3::Bucket', property: 'BucketName', source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html', check: s3BucketName },
  {
    type: 'AWS::IAM::Role',
    property: 'RoleName',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (role name 64)',
    check: all(within(1, 64), matching(/^[\w+=,.@-]+$/, 'letters, digits and +=,.@_-')),
  },
  {
    type: 'AWS::Lambda::Function',
    property: 'FunctionName',
    source: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (a bare name is limited to 64 characters)',
    check: all(within(1, 64), matching(/^[a-zA-Z0-9_-]+$/, 'letters, digits, hyphens and underscores')),
  },
  {
    type: 'AWS::KinesisFirehose::DeliveryStream',
    property: 'DeliveryStreamName',
    source: 'https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html (1-64, [a-zA-Z0-9_.-]+)',
    check: all(within(1, 64), matching(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dots, hyphens and underscores')),
  },
  {
    type: 'AWS::Athena::WorkGroup',
    property: 'Name',
    source: 'https://docs.aws.amazon.com/athena/latest/APIReference/API_CreateWorkGroup.html (the schema pattern, anchored)',
    check: matching(/^[a-zA-Z0-9._-]{1,128}$/, '1 to 128 letters, digits, dots, hyphens and underscores'),
  },
  { type: 'AWS::Glue::Database', property: 'DatabaseInput.Name', source: ATHENA_NAMES, check: athenaName },
  { type: 'AWS::Glue::Table', property: 'TableInput.Name', source: ATHENA_NAMES, check: athenaName },
  {
    type: 'AWS::QuickSight::DataSet',
    property: 'DataSetId',
    source: 'https://docs.aws.amazon.com/quicksight/latest/APIReference/API_DataSet.html ("Limited to 96 characters")',
    check: quickSightId(96),
  },
  { type: 'AWS::QuickSight::DataSource', property: 'DataSourceId', source: 'the QuickSight id pattern of aws-quicksight-dashboard.json', check: quickSightId(512) },
  { type: 'AWS::QuickSight::RefreshSchedule', property: 'DataSetId', source: 'as for AWS::QuickSight::DataSet', check: quickSightId(96) },
];

const pathGet = (o: unknown, dotted: string): unknown => dotted.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);

/**
 * Checks a resource's name: the resolved property, or the generated physical id when the template
 * leaves the property out (not when it is there but failed to resolve: that is reported already).
 */
export function nameProblems(type: string, raw: unknown, properties: Record<string, unknown>, physicalId: string, at: string): Problem[] {
  const out: Problem[] = [];
  for (const rule of NAME_RULES.filter((r) => r.type === type)) {
    const value = pathGet(properties, rule.property);
    if (value === undefined && pathGet(raw, rule.property) !== undefined) continue;
    const [name, path] = value === undefined ? [physicalId, `${at} (generated name)`] : [String(value), `${at}.Properties.${rule.property}`];
    const why = rule.check(name);
    if (why) out.push({ path, message: `${JSON.stringify(name)} ${why} (${rule.source})`, level: 'error' });
  }
  return out;
}

/**
 * A role's inline policies together may hold at most 10,240 characters, whitespace not counted
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); IAM refuses the
 * PutRolePolicy that goes over, so the stack fails on the resolved (ARN-expanded) size.
 */
export const ROLE_INLINE_POLICY_MAX_CHARS = 10_240;

export function policySizeProblems(type: string, properties: Record<string, unknown>, at: string): Problem[] {
  if (type !== 'AWS::IAM::Role' || !Array.isArray(properties.Policies)) return [];
  const size = properties.Policies.reduce<number>((n, p) => n + JSON.stringify((p as { PolicyDocument?: unknown }).PolicyDocument ?? {}).replace(/\s/g, '').length, 0);
  if (size <= ROLE_INLINE_POLICY_MAX_CHARS) return [];
  return [{ path: `${at}.Properties.Policies`, message: `the inline policies hold ${size} characters (whitespace excluded), over IAM's ${ROLE_INLINE_POLICY_MAX_CHARS} for a role`, level: 'error' }];
}
