/**
 * CloudFormation's intrinsic functions, evaluated the way CloudFormation evaluates them: each
 * function's arguments are checked against the shape its reference page documents, then the
 * function is resolved to a concrete value. A wrong shape is an error naming the template path,
 * never a best guess (the old helper flattened `Fn::Join` lists and so accepted a list inside the
 * list, which CloudFormation rejects: issue 11).
 *
 * The rules, from the template reference (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/):
 * - Ref (intrinsic-function-reference-ref.html): a string naming a parameter, resource or pseudo
 *   parameter (pseudo-parameter-reference.html). AWS::NoValue only as an Fn::If result.
 * - Fn::GetAtt (intrinsic-function-reference-getatt.html): [logicalId, attribute] or "logicalId.attribute".
 * - Fn::Join (intrinsic-function-reference-join.html): [delimiter, list]. The delimiter is a literal
 *   string; the list is either a literal list whose items are strings or string-valued functions,
 *   or one list-valued function (Fn::Split, Fn::GetAZs, Ref to a List parameter). A list inside
 *   the list is rejected ("every Fn::Join object requires ... a list of strings").
 * - Fn::Sub (intrinsic-function-reference-sub.html): a literal string, or [string, variable map].
 *   `${Name}` is a map key, parameter, resource or pseudo parameter; `${Id.Attr}` is Fn::GetAtt;
 *   `${!Literal}` is the text `${Literal}`. A variable that names nothing is an error.
 * - Fn::Split (intrinsic-function-reference-split.html): [literal delimiter, string-valued source].
 * - Fn::Select (intrinsic-function-reference-select.html): [index, list]; the index in range and
 *   no null items (CloudFormation does not check and fails the stack).
 * - Condition functions (intrinsic-function-reference-conditions.html): Fn::And/Fn::Or take 2 to
 *   10 conditions, Fn::Not one, Fn::Equals two values; they and { Condition } belong in the
 *   Conditions section, which may reference parameters and mappings but not resources. Fn::If
 *   belongs in resource properties and outputs and names a declared condition.
 * - Fn::Base64 (intrinsic-function-reference-base64.html), Fn::FindInMap (...-findinmap.html),
 *   Fn::GetAZs (...-getavailabilityzones.html), Fn::ImportValue (...-importvalue.html).
 *
 * `resolveValue` does the work against a `Scope` that answers Ref, GetAtt and conditions (see
 * cfn-stack-eval.ts for a whole template). `evaluate`/`evaluateString` keep the small interface
 * the template tests use for one expression with stand-in physical ids.
 */

/** An error at a template path, such as `Resources.GlueDatabase.Properties.DatabaseInput.Name.Fn::Join[1]`. */
export class CfnError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** What a Ref or Fn::GetAtt may point at, for a whole template or a test's stand-ins. */
export interface Scope {
  /** The value of a parameter, resource (its physical id) or pseudo parameter; throws Error when there is none. */
  ref(name: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  condition(name: string): boolean;
  /** Whether a Ref name is a parameter or pseudo parameter (the only names a condition may use). */
  isParameter(name: string): boolean;
  findInMap?(map: string, top: string, second: string): unknown;
  importValue?(name: string): unknown;
}

/** Where an expression sits: resource properties and outputs, or the Conditions section. */
export type Mode = 'property' | 'condition';

/** The result of `Fn::If` with `Ref AWS::NoValue`: the property or list item is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const VALUE_FUNCTIONS = ['Ref', 'Fn::GetAtt', 'Fn::Join', 'Fn::Sub', 'Fn::Split', 'Fn::Select', 'Fn::If', 'Fn::Base64', 'Fn::FindInMap', 'Fn::GetAZs', 'Fn::ImportValue'];
const CONDITION_FUNCTIONS = ['Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not', 'Condition'];
/** Real functions this evaluator does not model (they need a transform or have no use here). */
const UNMODELLED = ['Fn::Cidr', 'Fn::Length', 'Fn::ToJsonString', 'Fn::Transform', 'Fn::ForEach'];

/** The function name when `value` is a one-key object whose key is an intrinsic function. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  return [...VALUE_FUNCTIONS, ...CONDITION_FUNCTIONS, ...UNMODELLED].includes(key) || key.startsWith('Fn::') ? key : undefined;
}

const describe = (v: unknown): string => (Array.isArray(v) ? `a list (${JSON.stringify(v)})` : v === null ? 'null' : `${typeof v} ${JSON.stringify(v)}`);

function requireString(v: unknown, at: string, what: string): string {
  if (typeof v !== 'string') throw new CfnError(at, `${what} must be a string, got ${describe(v)}`);
  return v;
}

function requireStringList(v: unknown, at: string, what: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new CfnError(at, `${what} must be a list of strings, got ${describe(v)}`);
  return v as string[];
}

function requireArgs(arg: unknown, at: string, fn: string, count: number | [number, number]): unknown[] {
  const [min, max] = typeof count === 'number' ? [count, count] : count;
  if (!Array.isArray(arg) || arg.length < min || arg.length > max) {
    const n = min === max ? `${min}` : `${min} to ${max}`;
    throw new CfnError(at, `${fn} takes a list of ${n} arguments, got ${describe(arg)}`);
  }
  return arg;
}

/** Resolves a value (literal, intrinsic, or a structure holding them) to what CloudFormation would pass on. */
export function resolveValue(value: unknown, path: string, scope: Scope, mode: Mode = 'property'): unknown {
  const fn = intrinsicName(value);
  if (fn !== undefined) return resolveFunction(fn, (value as Record<string, unknown>)[fn], `${path}.${fn}`, scope, mode);
  if (Array.isArray(value)) {
    return value.map((v, i) => resolveValue(v, `${path}[${i}]`, scope, mode)).filter((v) => v !== NO_VALUE);
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = resolveValue(v, `${path}.${k}`, scope, mode);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }
  return value;
}

function resolveFunction(fn: string, arg: unknown, at: string, scope: Scope, mode: Mode): unknown {
  if (mode === 'condition' && !['Ref', 'Fn::FindInMap', ...CONDITION_FUNCTIONS].includes(fn)) {
    throw new CfnError(at, `${fn} cannot be used in the Conditions section (only condition functions, Ref to parameters and Fn::FindInMap)`);
  }
  if (mode === 'property' && CONDITION_FUNCTIONS.includes(fn)) {
    throw new CfnError(at, `${fn} is a condition function: declare it in Conditions and use it through Fn::If or a resource's Condition`);
  }
  const sub = (v: unknown, p: string): unknown => resolveValue(v, p, scope, mode);
  switch (fn) {
    case 'Ref':
      return ref(arg, at, scope, mode);
    case 'Fn::GetAtt':
      return getAtt(arg, at, scope);
    case 'Fn::Join':
      return join(arg, at, sub);
    case 'Fn::Sub':
      return substitute(arg, at, scope, sub);
    case 'Fn::Split': {
      const [delimiter, source] = requireArgs(arg, at, fn, 2);
      return requireString(sub(source, `${at}[1]`), `${at}[1]`, 'the Fn::Split source').split(requireString(delimiter, `${at}[0]`, 'the Fn::Split delimiter (a literal)'));
    }
    case 'Fn::Select':
      return select(arg, at, sub);
    case 'Fn::If':
      return ifThen(arg, at, scope, sub);
    case 'Fn::Base64':
      return Buffer.from(requireString(sub(arg, at), at, 'the Fn::Base64 argument')).toString('base64');
    case 'Fn::FindInMap':
    case 'Fn::GetAZs':
    case 'Fn::ImportValue':
      return lookupFunction(fn, arg, at, scope, sub);
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
    case 'Condition':
      return conditionFunction(fn, arg, at, scope, sub);
    default:
      throw new CfnError(at, UNMODELLED.includes(fn) ? `${fn} is not modelled by this evaluator` : `${fn} is not a CloudFormation function`);
  }
}

/** Fn::FindInMap, Fn::GetAZs and Fn::ImportValue: values that come from outside the expression. */
function lookupFunction(fn: string, arg: unknown, at: string, scope: Scope, sub: (v: unknown, p: string) => unknown): unknown {
  if (fn === 'Fn::FindInMap') {
    const keys = requireArgs(arg, at, fn, 3).map((k, i) => requireString(sub(k, `${at}[${i}]`), `${at}[${i}]`, 'an Fn::FindInMap key'));
    if (!scope.findInMap) throw new CfnError(at, 'the template has no Mappings');
    return attempt(at, () => scope.findInMap?.(keys[0] as string, keys[1] as string, keys[2] as string));
  }
  if (fn === 'Fn::GetAZs') {
    const region = requireString(sub(arg, at), at, 'the Fn::GetAZs region') || requireString(scope.ref('AWS::Region'), at, 'AWS::Region');
    return ['a', 'b', 'c'].map((z) => `${region}${z}`);
  }
  const name = requireString(sub(arg, at), at, 'the Fn::ImportValue name');
  if (!scope.importValue) throw new CfnError(at, `no stack exports "${name}" here`);
  return attempt(at, () => scope.importValue?.(name));
}

/** Fn::Equals, Fn::And, Fn::Or, Fn::Not and Condition, with their argument counts. */
function conditionFunction(fn: string, arg: unknown, at: string, scope: Scope, sub: (v: unknown, p: string) => unknown): boolean {
  switch (fn) {
    case 'Fn::Equals': {
      const [a, b] = requireArgs(arg, at, fn, 2).map((v, i) => sub(v, `${at}[${i}]`));
      return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const values = requireArgs(arg, at, fn, [2, 10]).map((v, i) => conditionOperand(v, `${at}[${i}]`, sub));
      return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
    }
    case 'Fn::Not':
      return !conditionOperand(requireArgs(arg, at, fn, 1)[0], `${at}[0]`, sub);
    default:
      return attempt(at, () => scope.condition(requireString(arg, at, 'Condition')));
  }
}

/** Runs a scope lookup, turning its Error into a CfnError at this path. */
function attempt<T>(at: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CfnError) throw e;
    throw new CfnError(at, (e as Error).message);
  }
}

function ref(arg: unknown, at: string, scope: Scope, mode: Mode): unknown {
  const name = requireString(arg, at, 'Ref');
  if (name === 'AWS::NoValue') throw new CfnError(at, 'Ref AWS::NoValue is only valid as a result of Fn::If');
  if (mode === 'condition' && !scope.isParameter(name)) throw new CfnError(at, `a condition can Ref parameters only, not "${name}"`);
  return attempt(at, () => scope.ref(name));
}

function getAtt(arg: unknown, at: string, scope: Scope): unknown {
  let parts: unknown = arg;
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    parts = dot > 0 ? [arg.slice(0, dot), arg.slice(dot + 1)] : [arg];
  }
  const [id, attribute] = requireArgs(parts, at, 'Fn::GetAtt', 2);
  const logicalId = requireString(id, `${at}[0]`, 'the Fn::GetAtt logical id');
  const name = isObject(attribute) && typeof attribute.Ref === 'string' ? scope.ref(attribute.Ref) : attribute;
  return attempt(at, () => scope.getAtt(logicalId, requireString(name, `${at}[1]`, 'the Fn::GetAtt attribute name')));
}

function join(arg: unknown, at: string, sub: (v: unknown, p: string) => unknown): string {
  const [delimiter, list] = requireArgs(arg, at, 'Fn::Join', 2);
  const sep = requireString(delimiter, `${at}[0]`, 'the Fn::Join delimiter (a literal, no functions)');
  if (Array.isArray(list)) {
    const items = list.map((item, i) => {
      const v = sub(item, `${at}[1][${i}]`);
      if (Array.isArray(v)) {
        throw new CfnError(`${at}[1][${i}]`, `an item of the Fn::Join list is itself a list (${intrinsicName(item) ?? 'literal'}): pass a list-returning function as the whole list, not inside it`);
      }
      return v;
    });
    return requireStringList(items.filter((v) => v !== NO_VALUE), `${at}[1]`, 'the Fn::Join list').join(sep);
  }
  if (intrinsicName(list) === undefined) throw new CfnError(`${at}[1]`, `the Fn::Join list must be a list or a list-returning function, got ${describe(list)}`);
  return requireStringList(sub(list, `${at}[1]`), `${at}[1]`, 'the value of the Fn::Join list function').join(sep);
}

function substitute(arg: unknown, at: string, scope: Scope, sub: (v: unknown, p: string) => unknown): string {
  const [text, variables] = Array.isArray(arg) ? requireArgs(arg, at, 'Fn::Sub', 2) : [arg, undefined];
  const template = requireString(text, Array.isArray(arg) ? `${at}[0]` : at, 'the Fn::Sub string (a literal, no functions)');
  if (variables !== undefined && !isObject(variables)) throw new CfnError(`${at}[1]`, `the Fn::Sub variable map must be an object, got ${describe(variables)}`);
  const local = new Map(Object.entries(variables ?? {}).map(([k, v]) => [k, sub(v, `${at}[1].${k}`)]));
  return template.replace(/\$\{([^}]*)\}/g, (_match, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    const value = local.has(name) ? local.get(name) : subVariable(name, at, scope);
    if (typeof value !== 'string') throw new CfnError(at, `the Fn::Sub variable \${${name}} resolves to ${describe(value)}, not a string`);
    return value;
  });
}

function subVariable(name: string, at: string, scope: Scope): unknown {
  const dot = name.indexOf('.');
  try {
    return dot > 0 && !name.startsWith('AWS::') ? scope.getAtt(name.slice(0, dot), name.slice(dot + 1)) : scope.ref(name);
  } catch (e) {
    throw new CfnError(at, `the Fn::Sub variable \${${name}} resolves to nothing: ${(e as Error).message}`);
  }
}

function select(arg: unknown, at: string, sub: (v: unknown, p: string) => unknown): unknown {
  const [index, list] = requireArgs(arg, at, 'Fn::Select', 2);
  const i = Number(sub(index, `${at}[0]`));
  const items = sub(list, `${at}[1]`);
  if (!Array.isArray(items)) throw new CfnError(`${at}[1]`, `Fn::Select needs a list, got ${describe(items)}`);
  if (!Number.isInteger(i) || i < 0 || i >= items.length) throw new CfnError(`${at}[0]`, `index ${String(index)} is outside the list of ${items.length}`);
  if (items.some((x) => x === null || x === undefined)) throw new CfnError(`${at}[1]`, 'the Fn::Select list has a null item');
  return items[i];
}

function ifThen(arg: unknown, at: string, scope: Scope, sub: (v: unknown, p: string) => unknown): unknown {
  const [name, whenTrue, whenFalse] = requireArgs(arg, at, 'Fn::If', 3);
  const chosen = attempt(`${at}[0]`, () => scope.condition(requireString(name, `${at}[0]`, 'the Fn::If condition name')));
  const [branch, i] = chosen ? [whenTrue, 1] : [whenFalse, 2];
  if (isObject(branch) && branch.Ref === 'AWS::NoValue' && Object.keys(branch).length === 1) return NO_VALUE;
  return sub(branch, `${at}[${i}]`);
}

function conditionOperand(v: unknown, at: string, sub: (v: unknown, p: string) => unknown): boolean {
  const fn = intrinsicName(v);
  if (fn === undefined || !CONDITION_FUNCTIONS.includes(fn)) throw new CfnError(at, `expected a condition (Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition), got ${describe(v)}`);
  const r = sub(v, at);
  if (typeof r !== 'boolean') throw new CfnError(at, `expected a boolean, got ${describe(r)}`);
  return r;
}

// --- The small interface for one expression with stand-in physical ids ---------------------------

export interface EvalContext {
  parameters: Record<string, string>;
  /** Physical id (what Ref returns) per logical id; GetAtt X.Arn resolves to `arn:<X>`, others to `<X>.<attr>`. */
  resources?: Record<string, string>;
  pseudo?: Record<string, string>;
  /** Each condition's value, or the template's Conditions section (evaluated with the same stand-ins). */
  conditions?: Record<string, boolean | unknown>;
}

const DEFAULT_PSEUDO: Record<string, string> = {
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'us-east-1',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'apigw-log-analytics-test',
};

function contextScope(ctx: EvalContext): Scope {
  const pseudo = { ...DEFAULT_PSEUDO, ...ctx.pseudo };
  const lookup = (name: string): string => {
    const found = ctx.parameters[name] ?? pseudo[name] ?? ctx.resources?.[name];
    if (found === undefined) throw new Error(`"${name}" is not a parameter, stand-in resource or pseudo parameter`);
    return found;
  };
  const scope: Scope = {
    ref: lookup,
    getAtt: (id, attr) => (attr === 'Arn' ? `arn:${lookup(id)}` : `${lookup(id)}.${attr}`),
    condition: (name) => {
      const c = ctx.conditions?.[name];
      if (c === undefined) throw new Error(`condition "${name}" is not declared`);
      if (typeof c === 'boolean') return c;
      const r = resolveValue(c, `Conditions.${name}`, scope, 'condition');
      if (typeof r !== 'boolean') throw new CfnError(`Conditions.${name}`, `expected a boolean, got ${JSON.stringify(r)}`);
      return r;
    },
    isParameter: (name) => name in ctx.parameters || name in pseudo,
  };
  return scope;
}

/** Resolves one expression with the context's stand-ins; throws CfnError on a shape CloudFormation rejects. */
export function evaluate(value: unknown, ctx: EvalContext): unknown {
  return resolveValue(value, '$', contextScope(ctx));
}

/** Evaluates to a string or fails the test. */
export function evaluateString(value: unknown, ctx: EvalContext): string {
  const v = evaluate(value, ctx);
  if (typeof v !== 'string') throw new Error(`cfn-eval: expected a string, got ${JSON.stringify(v)}`);
  return v;
}
