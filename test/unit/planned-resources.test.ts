/** The template's conditions, evaluated the way CloudFormation does, decide the plan's resource list. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeResources, evaluateConditions, plannedResources, RESOURCE_TYPE_NAMES, type TemplateDocument } from '../../src/core/planned-resources.js';
import { TEMPLATE_PATH } from '../../src/template/stack.js';

const template = JSON.parse(readFileSync(new URL(`../../${TEMPLATE_PATH}`, import.meta.url), 'utf8')) as TemplateDocument;
const PRINCIPAL = 'arn:aws:quicksight:us-east-1:111122223333:group/default/shop-Admins';
const ids = (p: Record<string, string>) => plannedResources(template, { ProjectName: 'shop', ...p }).map((r) => r.logicalId);

describe('planned resources', () => {
  it('evaluates both conditions each way on the committed template', () => {
    expect(evaluateConditions(template, { QuickSightPrincipalArn: '' })).toEqual({ CreateLogBucket: true, QuickSightEnabled: false, QuickSightSpice: false });
    expect(evaluateConditions(template, { QuickSightPrincipalArn: '', QuickSightImportMode: 'SPICE' })).toEqual({ CreateLogBucket: true, QuickSightEnabled: false, QuickSightSpice: false });
    expect(evaluateConditions(template, { QuickSightPrincipalArn: PRINCIPAL })).toEqual({ CreateLogBucket: true, QuickSightEnabled: true, QuickSightSpice: false });
    expect(evaluateConditions(template, { QuickSightPrincipalArn: PRINCIPAL, QuickSightImportMode: 'SPICE' })).toEqual({ CreateLogBucket: true, QuickSightEnabled: true, QuickSightSpice: true });
    // An omitted parameter takes the template's default (QuickSightPrincipalArn defaults to '').
    expect(evaluateConditions(template, {})).toEqual({ CreateLogBucket: true, QuickSightEnabled: false, QuickSightSpice: false });
    expect(evaluateConditions(template, { ExistingLogBucket: 'kept-bucket' })).toEqual({ CreateLogBucket: false, QuickSightEnabled: false, QuickSightSpice: false });
  });

  it('lists every unconditioned resource, and the conditioned ones only when their condition holds', () => {
    const all = Object.keys(template.Resources);
    const conditioned = all.filter((id) => template.Resources[id]!.Condition);
    expect(ids({ QuickSightPrincipalArn: '' })).toEqual(all.filter((id) => !conditioned.includes(id) || template.Resources[id]!.Condition === 'CreateLogBucket'));
    expect(ids({ QuickSightPrincipalArn: '', ExistingLogBucket: 'kept-bucket' })).toEqual(all.filter((id) => !conditioned.includes(id)));
    expect(ids({ QuickSightPrincipalArn: PRINCIPAL, QuickSightImportMode: 'SPICE' })).toEqual(all);
    expect(ids({ QuickSightPrincipalArn: PRINCIPAL })).toEqual(all.filter((id) => template.Resources[id]!.Condition !== 'QuickSightSpice'));
  });

  it('has a human name for every resource type in the template', () => {
    const types = [...new Set(Object.values(template.Resources).map((r) => r.Type))];
    expect(types.filter((t) => !RESOURCE_TYPE_NAMES[t])).toEqual([]);
    expect(describeResources([{ logicalId: 'X', type: 'AWS::SNS::Topic' }, { logicalId: 'Y', type: 'AWS::SNS::Topic' }])).toEqual(['2 × AWS::SNS::Topic']);
  });

  it('refuses what is not a condition, a missing condition or parameter, and a condition that refers to itself', () => {
    const t = (Conditions: Record<string, unknown>, Resources: TemplateDocument['Resources'] = {}): TemplateDocument => ({ Parameters: { P: { Default: 'a' } }, Conditions, Resources });
    expect(() => evaluateConditions(t({ C: { 'Fn::If': ['C', true, false] } }), {})).toThrow('Fn::If is not a condition function');
    expect(() => evaluateConditions(t({ C: { 'Fn::Equals': [{ Ref: 'Q' }, 'a'] } }), {})).toThrow('no parameter Q');
    expect(() => evaluateConditions(t({ C: { 'Fn::Equals': [{ 'Fn::Sub': 'x' }, 'a'] } }), {})).toThrow('parameter Refs only');
    expect(() => evaluateConditions(t({ C: { 'Fn::Not': [{ Condition: 'C' }] } }), {})).toThrow('refers to itself');
    expect(() => evaluateConditions(t({ C: { 'Fn::And': [{ 'Fn::Equals': ['a', 'a'] }] } }), {})).toThrow('Fn::And takes 2 to 10 arguments');
    expect(() => plannedResources(t({}, { R: { Type: 'AWS::SNS::Topic', Condition: 'Missing' } }), {})).toThrow('no condition Missing');
    expect(evaluateConditions(t({ C: { 'Fn::Or': [{ 'Fn::Equals': [{ Ref: 'P' }, 'b'] }, { 'Fn::Equals': [{ Ref: 'P' }, 'a'] }] } }), {})).toEqual({ C: true });
  });
});
