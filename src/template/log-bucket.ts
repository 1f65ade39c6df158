/**
 * The log bucket, as every fragment refers to it: the bucket the stack creates, or (on a
 * re-install after an uninstall that kept the data) the bucket named by ExistingLogBucket. Why a
 * parameter and not a CloudFormation resource import: docs/template.md, "Re-installing".
 */
import { fnIf, getAtt, ref, sub } from './intrinsics.js';
import { CONDITIONS, LOGICAL_IDS, PARAMETERS, type CfnValue } from './types.js';

/** The bucket's name. */
export const LOG_BUCKET_NAME: CfnValue = fnIf(CONDITIONS.createLogBucket, ref(LOGICAL_IDS.logBucket), ref(PARAMETERS.existingLogBucket));

/** The bucket's ARN. */
export const LOG_BUCKET_ARN: CfnValue = fnIf(
  CONDITIONS.createLogBucket,
  getAtt(LOGICAL_IDS.logBucket, 'Arn'),
  sub(`arn:\${AWS::Partition}:s3:::\${${PARAMETERS.existingLogBucket}}`),
);
