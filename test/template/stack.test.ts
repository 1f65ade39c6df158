/** The merge point where the QuickSight fragment joins the data pipeline. */
import { describe, expect, it } from 'vitest';
import { buildStackTemplate, mergeFragments, renderTemplate, stackFragments, type NamedFragment } from '../../src/template/stack.js';
import type { TemplateFragment } from '../../src/template/types.js';

const bucket = { Type: 'AWS::S3::Bucket' };
const named = (label: string, fragment: TemplateFragment): NamedFragment => ({ label, fragment });

describe('mergeFragments', () => {
  it('merges parameters, conditions, resources and outputs of several fragments', () => {
    const merged = mergeFragments([
      named('a', { Parameters: { P: { Type: 'String' } }, Resources: { A: bucket }, Outputs: { OA: { Value: 'a' } } }),
      named('b', { Conditions: { DashboardEnabled: { 'Fn::Equals': ['x', 'x'] } }, Resources: { B: { ...bucket, Condition: 'DashboardEnabled' } } }),
    ]);
    expect(merged).toEqual({
      Parameters: { P: { Type: 'String' } },
      Conditions: { DashboardEnabled: { 'Fn::Equals': ['x', 'x'] } },
      Resources: { A: bucket, B: { ...bucket, Condition: 'DashboardEnabled' } },
      Outputs: { OA: { Value: 'a' } },
    });
  });

  it.each([
    ['resource', { Resources: { A: bucket } }, { Resources: { A: bucket } }, /Resources "A" is declared by both "first" and "second"/],
    ['parameter', { Parameters: { P: { Type: 'String' } }, Resources: {} }, { Parameters: { P: { Type: 'String' } }, Resources: {} }, /Parameters "P"/],
    ['output', { Resources: {}, Outputs: { O: { Value: 1 } } }, { Resources: {}, Outputs: { O: { Value: 2 } } }, /Outputs "O"/],
    ['condition', { Resources: {}, Conditions: { C: {} } }, { Resources: {}, Conditions: { C: {} } }, /Conditions "C"/],
    ['parameter named like a resource', { Parameters: { X: { Type: 'String' } }, Resources: {} }, { Resources: { X: bucket } }, /Resources "X" is declared by both/],
  ] as const)('throws on a duplicate %s', (_what, a, b, message) => {
    expect(() => mergeFragments([named('first', a as TemplateFragment), named('second', b as TemplateFragment)])).toThrow(message);
  });

  it('allows an output and a resource to share a name (separate namespaces)', () => {
    expect(() => mergeFragments([named('a', { Resources: { X: bucket } }), named('b', { Resources: {}, Outputs: { X: { Value: 1 } } })])).not.toThrow();
  });
});

describe('buildStackTemplate', () => {
  const template = buildStackTemplate({ version: '9.9.9', lambdaSource: 'exports.handler = async () => ({ records: [] });\n' });

  it('writes the sections in the usual order and groups parameters by fragment', () => {
    const order = ['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Conditions', 'Resources', 'Outputs'];
    expect(Object.keys(template)).toEqual(order.filter((k) => k in template));
    expect(Object.keys(template)).toEqual(expect.arrayContaining(['Parameters', 'Resources', 'Outputs']));
    const groups = template.Metadata?.['AWS::CloudFormation::Interface'].ParameterGroups;
    expect(groups).toEqual(stackFragments({ version: '9.9.9', lambdaSource: '' }).filter((f) => Object.keys(f.fragment.Parameters ?? {}).length > 0).map((f) => ({ Label: { default: f.label }, Parameters: Object.keys(f.fragment.Parameters ?? {}) })));
    expect(template.Outputs?.TemplateVersion?.Value).toBe('9.9.9');
    expect(template.Description).toContain('9.9.9');
  });

  it('ships the given Lambda source inline', () => {
    expect(template.Resources.EnrichmentFunction?.Properties?.Code).toEqual({ ZipFile: 'exports.handler = async () => ({ records: [] });\n' });
  });

  it('renders pretty-printed JSON ending in a newline', () => {
    const text = renderTemplate(template);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "AWSTemplateFormatVersion": "2010-09-09",');
  });
});

describe('the template init stages', () => {
  it('fits the TemplateURL size limit with room to grow, and the resource, parameter and output counts', async () => {
    const { loadStackTemplate } = await import('../../src/commands/init/template.js');
    const { TEMPLATE_URL_MAX_BYTES } = await import('../../src/template/stack.js');
    const t = loadStackTemplate();
    const bytes = Buffer.byteLength(t.body, 'utf8');
    // The minified body is what goes to S3; a template past this fails CreateChangeSet in a real account.
    expect(bytes).toBeLessThanOrEqual(TEMPLATE_URL_MAX_BYTES);
    // Quotas per template, the archived guide's stricter figures (today's are 500 and 200): 200
    // resources, 60 parameters, 60 outputs.
    const doc = JSON.parse(t.body) as { Resources: object; Outputs?: object };
    expect(Object.keys(doc.Resources).length).toBeLessThanOrEqual(200);
    expect(t.parameterNames.length).toBeLessThanOrEqual(60);
    expect(Object.keys(doc.Outputs ?? {}).length).toBeLessThanOrEqual(60);
  });
});
