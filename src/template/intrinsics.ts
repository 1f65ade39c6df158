/**
 * Typed helpers for CloudFormation intrinsic functions and the small shapes every builder repeats
 * (tags, IAM policy documents), so the builders read like the template they produce.
 */
import { TAG_PROJECT } from '../core/names.js';
import { PARAMETERS, type CfnValue } from './types.js';

declare const listBrand: unique symbol;
/**
 * An expression whose value is a list (Fn::Split, Fn::GetAZs, a List parameter's Ref). The brand
 * exists only for the compiler: it keeps a list out of the places that need one string.
 */
export interface CfnList {
  readonly [listBrand]: true;
}
/** One item of a Fn::Join list: a string or a string-valued expression, never a list. */
export type CfnStringPart = string | { readonly [listBrand]?: never };

export const ref = (logicalIdOrParameter: string): CfnValue => ({ Ref: logicalIdOrParameter });
export const getAtt = (logicalId: string, attribute: string): CfnValue => ({ 'Fn::GetAtt': [logicalId, attribute] });
export const sub = (text: string): CfnValue => ({ 'Fn::Sub': text });
/**
 * Fn::Join over a literal list of strings or string-valued expressions, or over one list-valued
 * expression. CloudFormation rejects a list inside the list ("every Fn::Join object requires ...
 * a list of strings"), so `join('_', [split(...)])` does not compile; write `join('_', split(...))`.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-join.html
 */
export const join = (separator: string, parts: readonly CfnStringPart[] | CfnList): CfnValue => ({
  'Fn::Join': [separator, Array.isArray(parts) ? [...(parts as readonly CfnStringPart[])] : parts],
});
export const split = (separator: string, value: CfnValue): CfnList => ({ 'Fn::Split': [separator, value] }) as unknown as CfnList;

export const fnIf = (condition: string, whenTrue: CfnValue, whenFalse: CfnValue): CfnValue => ({ 'Fn::If': [condition, whenTrue, whenFalse] });
export const equals = (a: CfnValue, b: CfnValue): CfnValue => ({ 'Fn::Equals': [a, b] });

export const AWS_ACCOUNT_ID = ref('AWS::AccountId');
export const AWS_REGION = ref('AWS::Region');
export const AWS_PARTITION = ref('AWS::Partition');

/** The tag every taggable resource carries, so an installation's resources can be found and costed. */
export function projectTags(): CfnValue[] {
  return [{ Key: TAG_PROJECT, Value: ref(PARAMETERS.projectName) }];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: CfnValue;
  Action: string | string[];
  /** Absent only in trust policies. */
  Resource?: CfnValue;
  Condition?: Record<string, Record<string, CfnValue>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export const policyDocument = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });

/** A trust policy that lets one AWS service assume the role, optionally with conditions. */
export function serviceTrust(service: string, condition?: PolicyStatement['Condition']): PolicyDocument {
  const statement: PolicyStatement = { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' };
  if (condition) statement.Condition = condition;
  return policyDocument(statement);
}
