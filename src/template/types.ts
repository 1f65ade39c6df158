/**
 * CloudFormation template types shared by the builders. The stack is assembled from fragments
 * (the data pipeline, the QuickSight assets) merged by the stack builder; each fragment refers to
 * the others' resources only through the logical ids in LOGICAL_IDS.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CfnValue = any;

export interface CfnParameter {
  Type: 'String' | 'Number' | 'CommaDelimitedList' | string;
  Description?: string;
  Default?: string | number;
  AllowedValues?: Array<string | number>;
  AllowedPattern?: string;
  ConstraintDescription?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, CfnValue>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: 'Delete' | 'Retain' | 'RetainExceptOnCreate' | 'Snapshot';
  UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
  Metadata?: Record<string, CfnValue>;
}

export interface CfnOutput {
  Description?: string;
  Value: CfnValue;
  Condition?: string;
  Export?: { Name: CfnValue };
}

export interface TemplateFragment {
  Parameters?: Record<string, CfnParameter>;
  Conditions?: Record<string, CfnValue>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
}

export interface CfnTemplate extends TemplateFragment {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Metadata?: Record<string, CfnValue>;
}

/** Logical ids that one fragment may reference in another. */
export const LOGICAL_IDS = {
  logBucket: 'LogBucket',
  deliveryStream: 'DeliveryStream',
  enrichmentFunction: 'EnrichmentFunction',
  glueDatabase: 'GlueDatabase',
  glueTable: 'GlueTable',
  athenaWorkGroup: 'AthenaWorkGroup',
} as const;

/** Parameter names shared across fragments. */
export const PARAMETERS = {
  projectName: 'ProjectName',
  retentionDays: 'RetentionDays',
  bufferIntervalSeconds: 'BufferIntervalSeconds',
  athenaBytesScannedCutoff: 'AthenaBytesScannedCutoff',
  quickSightPrincipalArn: 'QuickSightPrincipalArn',
  existingLogBucket: 'ExistingLogBucket',
} as const;

/** Condition names shared across fragments. */
export const CONDITIONS = {
  /** True unless ExistingLogBucket names a bucket a previous installation kept. */
  createLogBucket: 'CreateLogBucket',
} as const;
