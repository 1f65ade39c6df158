/**
 * A small evaluator of CloudFormation intrinsics for tests: resolves Ref, Fn::GetAtt, Fn::Sub,
 * Fn::Join, Fn::Split and Fn::If (with Fn::Equals conditions) against given parameter values and
 * stand-in physical ids, so a test can
 * assert on the string CloudFormation would produce (a stream name, a database name, an S3 URI)
 * rather than on the shape of the expression.
 */
export interface EvalContext {
  parameters: Record<string, string>;
  /** Physical id (what Ref returns) per logical id; GetAtt X.Arn resolves to `arn:<X>`, others to `<X>.<attr>`. */
  resources?: Record<string, string>;
  pseudo?: Record<string, string>;
  /** The template's Conditions, for Fn::If. */
  conditions?: Record<string, unknown>;
}

const DEFAULT_PSEUDO: Record<string, string> = {
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'us-east-1',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'apigw-log-analytics-test',
};

function lookup(name: string, ctx: EvalContext): string {
  const pseudo = { ...DEFAULT_PSEUDO, ...ctx.pseudo };
  if (name in ctx.parameters) return ctx.parameters[name] as string;
  if (name in pseudo) return pseudo[name] as string;
  if (ctx.resources && name in ctx.resources) return ctx.resources[name] as string;
  throw new Error(`cfn-eval: cannot resolve Ref ${name}`);
}

function getAtt(id: string, attr: string, ctx: EvalContext): string {
  const physical = lookup(id, ctx);
  return attr === 'Arn' ? `arn:${physical}` : `${physical}.${attr}`;
}

function condition(name: string, ctx: EvalContext): boolean {
  const c = ctx.conditions?.[name] as Record<string, unknown> | undefined;
  if (!c) throw new Error(`cfn-eval: no condition ${name} (pass the template's Conditions)`);
  const [key] = Object.keys(c);
  if (key !== 'Fn::Equals') throw new Error(`cfn-eval: condition ${name}: only Fn::Equals is supported`);
  const [a, b] = c[key] as [unknown, unknown];
  return evaluate(a, ctx) === evaluate(b, ctx);
}

export function evaluate(value: unknown, ctx: EvalContext): unknown {
  if (Array.isArray(value)) return value.map((v) => evaluate(v, ctx));
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const arg = obj[key];
    switch (key) {
      case 'Ref':
        return lookup(arg as string, ctx);
      case 'Fn::GetAtt': {
        const [id, attr] = arg as [string, string];
        return getAtt(id, attr, ctx);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        const resolved = evaluate(parts, ctx) as unknown[];
        return resolved.flat().join(sep);
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return String(evaluate(source, ctx)).split(sep);
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return evaluate(condition(name, ctx) ? whenTrue : whenFalse, ctx);
      }
      case 'Fn::Sub': {
        if (typeof arg !== 'string') throw new Error('cfn-eval: only the string form of Fn::Sub is supported');
        return arg.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
          if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
          const dot = inner.indexOf('.');
          if (dot > 0 && !inner.startsWith('AWS::')) return getAtt(inner.slice(0, dot), inner.slice(dot + 1), ctx);
          return lookup(inner, ctx);
        });
      }
      default:
        if (key.startsWith('Fn::')) throw new Error(`cfn-eval: ${key} is not supported`);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, evaluate(obj[k], ctx)]));
}

/** Evaluates to a string or fails the test. */
export function evaluateString(value: unknown, ctx: EvalContext): string {
  const v = evaluate(value, ctx);
  if (typeof v !== 'string') throw new Error(`cfn-eval: expected a string, got ${JSON.stringify(v)}`);
  return v;
}
