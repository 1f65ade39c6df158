/**
 * The spec checker itself: it must reject what CloudFormation rejects, at any depth, or the
 * template test that relies on it proves nothing.
 */
import { describe, expect, it } from 'vitest';
import { formatIssues, resourceSpec, tagProperty, validateResource, validateTemplate } from '../helpers/cfn-spec.js';

const bucket = (properties: Record<string, unknown>): Record<string, unknown> => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: properties } },
});

const errors = (template: unknown): string[] => validateTemplate(template).filter((x) => x.level === 'error').map((x) => `${x.path}: ${x.message}`);

describe('cfn-spec checker', () => {
  it('accepts a valid resource, including nested property types', () => {
    const t = bucket({
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [{ Id: 'x', Status: 'Enabled', ExpirationInDays: 3, NoncurrentVersionExpiration: { NoncurrentDays: 2 } }] },
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    expect(errors(t)).toEqual([]);
  });

  it('rejects an unknown property at the top level', () => {
    expect(errors(bucket({ BucketNmae: 'x' }))).toEqual([expect.stringMatching(/^Resources\.Bucket\.Properties\.BucketNmae: unknown property "BucketNmae" of AWS::S3::Bucket/)]);
  });

  it('rejects an unknown property deep inside nested property types', () => {
    const t = bucket({ LifecycleConfiguration: { Rules: [{ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 2, Days: 3 } }] } });
    expect(errors(t)).toEqual([
      expect.stringMatching(/^Resources\.Bucket\.Properties\.LifecycleConfiguration\.Rules\[0\]\.NoncurrentVersionExpiration\.Days: unknown property "Days" of NoncurrentVersionExpiration/),
    ]);
  });

  it('rejects a wrong type: string for integer, object for list, number for string, string for boolean', () => {
    const t = bucket({
      LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: '30' }] },
      Tags: { Key: 'k', Value: 'v' },
      BucketName: 42,
      ObjectLockEnabled: 'true',
    });
    expect(errors(t)).toEqual([
      'Resources.Bucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays: expected an integer, got string "30"',
      'Resources.Bucket.Properties.Tags: expected a list, got an object',
      'Resources.Bucket.Properties.BucketName: expected a string, got number 42',
      'Resources.Bucket.Properties.ObjectLockEnabled: expected a boolean, got string "true"',
    ]);
  });

  it('rejects a value outside an enum', () => {
    expect(errors(bucket({ VersioningConfiguration: { Status: 'On' } }))).toEqual([
      expect.stringMatching(/VersioningConfiguration\.Status: "On" is not one of Enabled, Suspended$/),
    ]);
  });

  it('rejects a missing required property, at the resource and in a nested type', () => {
    const t = {
      Resources: {
        Policy: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: 'b' } },
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { LifecycleConfiguration: { Rules: [{ Id: 'no-status' }] } } },
      },
    };
    expect(errors(t)).toEqual([
      'Resources.Policy.Properties.PolicyDocument: missing required property "PolicyDocument" of AWS::S3::BucketPolicy',
      'Resources.Bucket.Properties.LifecycleConfiguration.Rules[0].Status: missing required property "Status" of Rule',
    ]);
  });

  it('rejects a malformed tag and an unknown resource type', () => {
    const t = {
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'k', Val: 'v' }] } },
        Thing: { Type: 'AWS::S3::Buckets', Properties: {} },
      },
    };
    expect(errors(t)).toEqual([
      expect.stringMatching(/^Resources\.Bucket\.Properties\.Tags\[0\]\.Val: unknown property "Val" of Tag/),
      'Resources.Bucket.Properties.Tags[0].Value: missing required property "Value" of Tag',
      'Resources.Thing.Type: unknown resource type AWS::S3::Buckets',
    ]);
  });

  it('accepts intrinsics where a typed value goes, and checks what they refer to', () => {
    const t = {
      Parameters: { Days: { Type: 'Number', Default: 3 } },
      Conditions: { On: { 'Fn::Equals': ['a', 'a'] } },
      Resources: {
        Bucket: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: { Ref: 'Days' } }] },
            BucketName: { 'Fn::Sub': '${AWS::StackName}-${Days}-${Other.Arn}' },
          },
        },
        Other: { Type: 'AWS::S3::Bucket', Condition: 'On', DependsOn: 'Bucket' },
        Bad: {
          Type: 'AWS::S3::Bucket',
          DependsOn: ['Nope'],
          Properties: {
            BucketName: { 'Fn::Sub': '${Missing}-${Other.Nope}' },
            LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: { Ref: 'Dayz' } }] },
            Tags: [{ Key: 'k', Value: { 'Fn::GetAtt': ['Other', 'Arnn'] } }],
          },
        },
      },
      Outputs: { X: { Value: { 'Fn::GetAtt': ['Ghost', 'Arn'] }, Condition: 'Off' } },
    };
    expect(errors(t)).toEqual([
      'Resources.Bad.DependsOn: DependsOn "Nope" is not a resource',
      'Resources.Bad.Properties.BucketName.Fn::Sub: Ref to "Missing", which is neither a parameter, a resource nor a pseudo parameter',
      expect.stringMatching(/^Resources\.Bad\.Properties\.BucketName\.Fn::Sub: Fn::GetAtt Other\.Nope: AWS::S3::Bucket has no attribute "Nope"/),
      'Resources.Bad.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays.Ref: Ref to "Dayz", which is neither a parameter, a resource nor a pseudo parameter',
      expect.stringMatching(/^Resources\.Bad\.Properties\.Tags\[0\]\.Value\.Fn::GetAtt: Fn::GetAtt Other\.Arnn: AWS::S3::Bucket has no attribute "Arnn"/),
      'Outputs.X.Condition: condition "Off" is not declared in Conditions',
      'Outputs.X.Value.Fn::GetAtt: Fn::GetAtt on "Ghost", which is not a resource of this template',
    ]);
  });

  it('checks both branches of Fn::If against the expected type, allowing AWS::NoValue', () => {
    const t = {
      Conditions: { On: { 'Fn::Equals': ['a', 'b'] } },
      Resources: {
        Bucket: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            VersioningConfiguration: { 'Fn::If': ['On', { Status: 'Enabled' }, { Ref: 'AWS::NoValue' }] },
            ObjectLockEnabled: { 'Fn::If': ['On', true, 'no'] },
          },
        },
      },
    };
    expect(errors(t)).toEqual(['Resources.Bucket.Properties.ObjectLockEnabled.Fn::If[2]: expected a boolean, got string "no"']);
  });

  it('checks union-typed properties against each member (IAM policy as object or string)', () => {
    const ok = {
      Resources: {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }, Policies: [{ PolicyName: 'p', PolicyDocument: '{}' }] },
        },
      },
    };
    expect(errors(ok)).toEqual([]);
    const bad = { Resources: { R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: 5 } } } };
    expect(errors(bad)).toHaveLength(1);
  });

  it('checks parameter defaults against their own constraints', () => {
    const t = {
      Parameters: {
        Name: { Type: 'String', Default: 'Bad_Name', AllowedPattern: '^[a-z]+$' },
        Days: { Type: 'Number', Default: 0, MinValue: 1 },
        Odd: { Type: 'Strin' },
      },
      Resources: { B: { Type: 'AWS::S3::Bucket' } },
    };
    expect(errors(t)).toEqual([
      'Parameters.Name.Default: Default does not match AllowedPattern',
      'Parameters.Days.Default: Default 0 is below MinValue 1',
      'Parameters.Odd: a parameter needs a valid Type',
    ]);
  });

  it('validates a lone resource (as the QuickSight Definition check does) without a template', () => {
    expect(formatIssues(validateResource('AWS::Athena::WorkGroup', { Name: 'w', WorkGroupConfiguration: { EnforceWorkGroupConfiguration: true } }))).toBe('');
    expect(formatIssues(validateResource('AWS::Athena::WorkGroup', { WorkGroupConfiguration: { ResultConfiguration: { OutputLocation: 1 } } }))).toBe(
      [
        'Properties.WorkGroupConfiguration.ResultConfiguration.OutputLocation: expected a string, got number 1',
        'Properties.Name: missing required property "Name" of AWS::Athena::WorkGroup',
      ].join('\n'),
    );
  });

  it('knows which resource types take tags', () => {
    expect(tagProperty('AWS::S3::Bucket')).toBe('Tags');
    expect(tagProperty('AWS::Glue::Database')).toBeUndefined();
    expect(resourceSpec('AWS::Nope::Nope')).toBeUndefined();
  });
});
