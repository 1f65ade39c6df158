/**
 * docs/iam.md is generated from src/core/iam/ (`npm run docs:iam`), and the `init` policy lets
 * CloudFormation's handlers create, update and delete every resource type the template has.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_CALLS } from '../../src/core/iam/command-calls.js';
import { HANDLER_PERMISSIONS, handlerActions } from '../../src/core/iam/handler-permissions.js';
import { allowedActions, stackResourceStatements } from '../../src/core/iam/policy.js';
import { MANAGED_POLICY_MAX_CHARS, policySize, renderIamDoc, splitForQuota } from '../../src/core/iam/render-doc.js';
import { TEMPLATE_PATH } from '../../src/template/stack.js';

const template = JSON.parse(readFileSync(new URL(`../../${TEMPLATE_PATH}`, import.meta.url), 'utf8')) as { Resources: Record<string, { Type: string }> };
const types = [...new Set(Object.values(template.Resources).map((r) => r.Type))];
const committed = readFileSync(new URL('../../docs/iam.md', import.meta.url), 'utf8');

/** The template resource types whose handler actions the policy does not all allow. */
function uncovered(permissions = HANDLER_PERMISSIONS): string[] {
  const allowed = allowedActions(stackResourceStatements(types, permissions));
  return types.filter((t) => {
    const actions = handlerActions(t, permissions);
    return actions.length === 0 || actions.some((a) => !allowed.has(a));
  });
}

describe('docs/iam.md', () => {
  it('is what the data renders (run `npm run docs:iam` after changing src/core/iam/ or the template)', () => {
    expect(committed === renderIamDoc(types), 'docs/iam.md is stale').toBe(true);
  });

  it('has one section per command, each policy valid JSON within the managed policy quota', () => {
    for (const c of COMMAND_CALLS) expect(committed).toContain(`\n## ${c.command}\n`);
    const blocks = [...committed.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as { Statement: unknown[] });
    expect(blocks.length).toBeGreaterThan(COMMAND_CALLS.length);
    for (const b of blocks) expect(JSON.stringify(b).length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
  });
});

describe('the calls each command makes', () => {
  it('cover every IAM action the adapters in src/aws/ name in their errors, e.g. "(s3:DeleteBucket)"', () => {
    const dir = new URL('../../src/aws/', import.meta.url);
    const named = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      for (const m of readFileSync(new URL(f, dir), 'utf8').matchAll(/\(([a-z0-9]+:[A-Z][A-Za-z]+)\)/g)) named.add(m[1]!);
    }
    expect(named.size).toBeGreaterThanOrEqual(30);
    const allowed = allowedActions(COMMAND_CALLS.flatMap((c) => c.statements));
    expect([...named].filter((a) => !allowed.has(a)).sort()).toEqual([]);
  });
});

describe('the init policy for the stack resources', () => {
  it('allows every action the handlers of every template resource type call', () => {
    expect(types.length).toBeGreaterThanOrEqual(14);
    expect(uncovered()).toEqual([]);
    // The QuickSight handler calls the issue named, present now.
    const allowed = allowedActions(stackResourceStatements(types));
    for (const a of [
      'quicksight:DescribeDataSourcePermissions',
      'quicksight:DescribeDataSetPermissions',
      'quicksight:DescribeDashboardPermissions',
      'quicksight:ListTagsForResource',
      'quicksight:DescribeIngestion',
      'quicksight:ListIngestions',
      'quicksight:PutDataSetRefreshProperties',
      'quicksight:DescribeDataSetRefreshProperties',
    ]) {
      expect(allowed.has(a), a).toBe(true);
    }
  });

  it('fails when a template resource type is missing from the data', () => {
    const { ['AWS::QuickSight::RefreshSchedule']: _dropped, ...without } = HANDLER_PERMISSIONS;
    expect(uncovered(without)).toEqual(['AWS::QuickSight::RefreshSchedule']);
  });

  it('scopes every statement by name except the documented unscoped actions, and passes roles only to the five services', () => {
    const statements = stackResourceStatements(types);
    for (const s of statements) {
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      if (resources.includes('*')) expect(s.Sid, JSON.stringify(s)).toMatch(/^StackUnscoped/);
      if (s.Sid !== 'PassStackRoles') expect(s.Condition).toEqual({ StringEquals: { 'aws:CalledViaFirst': 'cloudformation.amazonaws.com' } });
    }
    const pass = statements.find((s) => s.Sid === 'PassStackRoles');
    expect(pass).toEqual({
      Sid: 'PassStackRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::*:role/apigw-log-analytics-*',
      Condition: { StringEquals: { 'iam:PassedToService': ['firehose.amazonaws.com', 'lambda.amazonaws.com', 'logs.amazonaws.com', 'quicksight.amazonaws.com', 'scheduler.amazonaws.com'] } },
    });
    expect(statements.filter((s) => s.Action === 'iam:PassRole' || (Array.isArray(s.Action) && s.Action.includes('iam:PassRole')))).toHaveLength(1);
  });

  it('splits statements so that each policy fits the quota', () => {
    const statements = stackResourceStatements(types);
    const parts = splitForQuota(statements);
    expect(parts.flat()).toEqual(statements);
    for (const p of parts) expect(policySize(p)).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    expect(splitForQuota(statements, 10 ** 6)).toHaveLength(1);
  });
});
