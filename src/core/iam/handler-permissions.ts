/**
 * What CloudFormation's resource handlers call, per resource type of our template: the facts the
 * `init` policy in docs/iam.md is generated from (`npm run docs:iam`).
 *
 * Extracted 2026-12-02 from each type's CloudFormation registry schema
 * (`handlers.create/read/update/delete.permissions`), as published in the CloudFormation resource
 * type registry and mirrored per type in the stackql AWS Cloud Control provider's generated pages,
 * https://github.com/stackql-registry/stackql-provider-awscc/tree/main/website/docs/services
 * (`<service>/<resource>/index.md`, section "Permissions"). The `list` handler is left out:
 * CloudFormation does not call it for stack operations.
 *
 * `unused` names the handler actions left out of the policy, with the reason. Only two kinds are:
 * calls that need a resource this template never names (a KMS key, a VPC, a layer, a folder, an
 * S3 table bucket, a managed policy, ...), so the handler cannot make them, and calls that would
 * widen the policy beyond this installation's own resources (account-wide log resource policies,
 * deleting or re-ACLing log objects). Every other handler action stays, even one only an unset
 * property triggers: a handler may reconcile an absent property with a Put or Delete call on the
 * resource itself, and those are scoped to our names. A test fails when a template resource type
 * has no entry here, or when the policy lacks an action of an entry.
 */

export type HandlerName = 'create' | 'read' | 'update' | 'delete';

export interface HandlerPermissions {
  /** Where the lists come from. */
  source: string;
  /** registry: a schema with handler permissions; legacy: an older provider with none published. */
  provider: 'registry' | 'legacy';
  handlers: Record<HandlerName, readonly string[]>;
  /** Handler actions the template never makes the handler call, and why. */
  unused?: Readonly<Record<string, string>>;
}

const STACKQL = 'https://github.com/stackql-registry/stackql-provider-awscc/blob/main/website/docs/services';

const KMS_UNUSED = (property: string): Record<string, string> =>
  Object.fromEntries(
    ['kms:CreateGrant', 'kms:DescribeKey', 'kms:RevokeGrant', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'].map((a) => [
      a,
      `${property} is not set (AWS owned keys only, no customer managed key)`,
    ]),
  );

const QS_FOLDERS_UNUSED = {
  'quicksight:CreateFolderMembership': 'FolderArns is not set: no folder',
  'quicksight:DeleteFolderMembership': 'FolderArns is not set: no folder',
};

const S3_UNUSED: Record<string, string> = {
  ...Object.fromEntries(
    [
      's3tables:CreateNamespace',
      's3tables:CreateTable',
      's3tables:CreateTableBucket',
      's3tables:GetTable',
      's3tables:PutTableEncryption',
      's3tables:PutTablePolicy',
      's3tables:GetTableMetadataLocation',
      's3tables:UpdateTableMetadataLocation',
      's3:CreateBucketMetadataTableConfiguration',
      's3:UpdateBucketMetadataJournalTableConfiguration',
      's3:UpdateBucketMetadataInventoryTableConfiguration',
    ].map((a) => [a, 'MetadataTableConfiguration is not set: no S3 table bucket to create or write']),
  ),
  'iam:PassRole': 'ReplicationConfiguration is not set: no replication role to pass',
  's3:PutObjectAcl': 'AccessControl is not set, and the bucket enforces BucketOwnerEnforced (ACLs disabled)',
  's3:DeleteObject': 'ObjectLockConfiguration is not set; a stack operation never deletes log objects',
};

export const HANDLER_PERMISSIONS: Readonly<Record<string, HandlerPermissions>> = {
  'AWS::S3::Bucket': {
    source: `${STACKQL}/s3/buckets/index.md`,
    provider: 'registry',
    handlers: {
      create: [
        's3:CreateBucket', 's3:PutBucketTagging', 's3:PutAnalyticsConfiguration', 's3:PutEncryptionConfiguration', 's3:PutBucketCORS',
        's3:PutInventoryConfiguration', 's3:PutLifecycleConfiguration', 's3:PutMetricsConfiguration', 's3:PutBucketNotification',
        's3:PutBucketReplication', 's3:PutBucketWebsite', 's3:PutAccelerateConfiguration', 's3:PutBucketPublicAccessBlock',
        's3:PutReplicationConfiguration', 's3:PutObjectAcl', 's3:PutBucketObjectLockConfiguration', 's3:GetBucketAcl', 's3:ListBucket',
        'iam:PassRole', 's3:DeleteObject', 's3:PutBucketLogging', 's3:PutBucketVersioning', 's3:PutObjectLockConfiguration',
        's3:PutBucketOwnershipControls', 's3:PutIntelligentTieringConfiguration', 's3:GetBucketMetadataTableConfiguration',
        's3:CreateBucketMetadataTableConfiguration', 's3tables:CreateNamespace', 's3tables:CreateTable', 's3tables:CreateTableBucket',
        's3tables:GetTable', 's3tables:PutTableEncryption', 's3tables:PutTablePolicy', 's3tables:GetTableMetadataLocation',
        's3tables:UpdateTableMetadataLocation',
      ],
      read: [
        's3:GetAccelerateConfiguration', 's3:GetLifecycleConfiguration', 's3:GetBucketPublicAccessBlock', 's3:GetAnalyticsConfiguration',
        's3:GetBucketCORS', 's3:GetEncryptionConfiguration', 's3:GetInventoryConfiguration', 's3:GetBucketLogging', 's3:GetMetricsConfiguration',
        's3:GetBucketNotification', 's3:GetBucketVersioning', 's3:GetReplicationConfiguration', 's3:GetBucketWebsite',
        's3:GetBucketObjectLockConfiguration', 's3:GetBucketTagging', 's3:GetBucketOwnershipControls', 's3:GetIntelligentTieringConfiguration',
        's3:GetBucketMetadataTableConfiguration', 's3:ListBucket',
      ],
      update: [
        's3:PutBucketAcl', 's3:PutBucketTagging', 's3:PutAnalyticsConfiguration', 's3:PutEncryptionConfiguration', 's3:PutBucketCORS',
        's3:PutInventoryConfiguration', 's3:PutLifecycleConfiguration', 's3:PutMetricsConfiguration', 's3:PutBucketNotification',
        's3:PutBucketReplication', 's3:PutBucketWebsite', 's3:PutAccelerateConfiguration', 's3:GetBucketMetadataTableConfiguration',
        's3:DeleteBucketMetadataTableConfiguration', 's3:CreateBucketMetadataTableConfiguration', 's3:UpdateBucketMetadataJournalTableConfiguration',
        's3:UpdateBucketMetadataInventoryTableConfiguration', 's3tables:CreateNamespace', 's3tables:CreateTable', 's3tables:CreateTableBucket',
        's3tables:GetTable', 's3tables:PutTableEncryption', 's3tables:PutTablePolicy', 's3tables:GetTableMetadataLocation',
        's3tables:UpdateTableMetadataLocation', 's3:PutBucketPublicAccessBlock', 's3:PutReplicationConfiguration', 's3:PutBucketOwnershipControls',
        's3:PutIntelligentTieringConfiguration', 's3:DeleteBucketWebsite', 's3:PutBucketLogging', 's3:PutBucketVersioning',
        's3:PutObjectLockConfiguration', 's3:PutBucketObjectLockConfiguration', 's3:DeleteBucketAnalyticsConfiguration', 's3:DeleteBucketCors',
        's3:DeleteBucketMetricsConfiguration', 's3:DeleteBucketEncryption', 's3:DeleteBucketLifecycle', 's3:DeleteBucketReplication',
        'iam:PassRole', 's3:ListBucket',
      ],
      delete: ['s3:DeleteBucket', 's3:ListBucket'],
    },
    unused: S3_UNUSED,
  },
  'AWS::S3::BucketPolicy': {
    source: `${STACKQL}/s3/bucket_policies/index.md`,
    provider: 'registry',
    handlers: {
      create: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
      read: ['s3:GetBucketPolicy'],
      update: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
      delete: ['s3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
    },
  },
  'AWS::IAM::Role': {
    source: `${STACKQL}/iam/roles/index.md`,
    provider: 'registry',
    handlers: {
      create: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:GetRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:GetRole'],
      read: ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:GetRolePolicy'],
      update: [
        'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:DetachRolePolicy', 'iam:AttachRolePolicy',
        'iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePolicy', 'iam:PutRolePolicy', 'iam:TagRole', 'iam:UntagRole',
      ],
      delete: [
        'iam:DeleteRole', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies',
        'iam:TagRole', 'iam:UntagRole',
      ],
    },
    unused: {
      'iam:AttachRolePolicy': 'ManagedPolicyArns is not set: no managed policy to attach (inline policies only)',
      'iam:DetachRolePolicy': 'ManagedPolicyArns is not set: no managed policy to detach (inline policies only)',
      'iam:PutRolePermissionsBoundary': 'PermissionsBoundary is not set: no boundary policy to name',
    },
  },
  'AWS::Logs::LogGroup': {
    source: `${STACKQL}/logs/log_groups/index.md`,
    provider: 'registry',
    handlers: {
      create: [
        'logs:DescribeLogGroups', 'logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:TagResource', 'logs:GetDataProtectionPolicy',
        'logs:PutDataProtectionPolicy', 'logs:CreateLogDelivery', 's3:REST.PUT.OBJECT', 'firehose:TagDeliveryStream', 'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies', 'logs:PutIndexPolicy', 'logs:DescribeIndexPolicies',
      ],
      read: ['logs:DescribeLogGroups', 'logs:ListTagsForResource', 'logs:GetDataProtectionPolicy', 'logs:DescribeIndexPolicies', 'logs:DescribeResourcePolicies'],
      update: [
        'logs:DescribeLogGroups', 'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy',
        'logs:TagResource', 'logs:UntagResource', 'logs:ListTagsForResource', 'logs:GetDataProtectionPolicy', 'logs:PutDataProtectionPolicy',
        'logs:CreateLogDelivery', 's3:REST.PUT.OBJECT', 'firehose:TagDeliveryStream', 'logs:PutIndexPolicy', 'logs:DeleteIndexPolicy',
        'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DeleteResourcePolicy',
      ],
      delete: ['logs:DescribeLogGroups', 'logs:DeleteLogGroup', 'logs:DeleteDataProtectionPolicy'],
    },
    unused: {
      'logs:AssociateKmsKey': 'KmsKeyId is not set: no customer managed key',
      'logs:CreateLogDelivery': 'DataProtectionPolicy is not set: no audit findings destination',
      'firehose:TagDeliveryStream': 'DataProtectionPolicy is not set: no audit findings destination',
      's3:REST.PUT.OBJECT': 'DataProtectionPolicy is not set: no audit findings destination (and not an IAM action)',
      'logs:PutResourcePolicy': 'ResourcePolicyDocument is not set; writing resource policies is account-wide',
      'logs:DeleteResourcePolicy': 'ResourcePolicyDocument is not set; deleting resource policies is account-wide',
    },
  },
  'AWS::Logs::LogStream': {
    source: `${STACKQL}/logs/log_streams/index.md`,
    provider: 'registry',
    // The schema has no update handler: every property is create-only (an update replaces the stream).
    handlers: { create: ['logs:CreateLogStream', 'logs:DescribeLogStreams'], read: ['logs:DescribeLogStreams'], update: [], delete: ['logs:DeleteLogStream'] },
  },
  'AWS::Logs::SubscriptionFilter': {
    source: `${STACKQL}/logs/subscription_filters/index.md`,
    provider: 'registry',
    handlers: {
      create: ['iam:PassRole', 'logs:PutSubscriptionFilter', 'logs:DescribeSubscriptionFilters'],
      read: ['logs:DescribeSubscriptionFilters'],
      update: ['iam:PassRole', 'logs:PutSubscriptionFilter', 'logs:DescribeSubscriptionFilters'],
      delete: ['logs:DeleteSubscriptionFilter'],
    },
  },
  'AWS::KinesisFirehose::DeliveryStream': {
    source: `${STACKQL}/kinesisfirehose/delivery_streams/index.md`,
    provider: 'registry',
    handlers: {
      create: ['firehose:CreateDeliveryStream', 'firehose:DescribeDeliveryStream', 'iam:GetRole', 'iam:PassRole', 'kms:CreateGrant', 'kms:DescribeKey', 'firehose:TagDeliveryStream'],
      read: ['firehose:DescribeDeliveryStream', 'firehose:ListTagsForDeliveryStream'],
      update: [
        'firehose:UpdateDestination', 'firehose:DescribeDeliveryStream', 'firehose:StartDeliveryStreamEncryption', 'firehose:StopDeliveryStreamEncryption',
        'firehose:ListTagsForDeliveryStream', 'firehose:TagDeliveryStream', 'firehose:UntagDeliveryStream', 'kms:CreateGrant', 'kms:RevokeGrant',
        'kms:DescribeKey', 'iam:PassRole',
      ],
      delete: ['firehose:DeleteDeliveryStream', 'firehose:DescribeDeliveryStream', 'kms:RevokeGrant', 'kms:DescribeKey'],
    },
    unused: KMS_UNUSED('DeliveryStreamEncryptionConfigurationInput.KeyArn'),
  },
  'AWS::Lambda::Function': {
    source: `${STACKQL}/lambda/functions/index.md`,
    provider: 'registry',
    handlers: {
      create: [
        'lambda:CreateFunction', 'lambda:GetFunction', 'lambda:PutFunctionConcurrency', 'iam:PassRole', 's3:GetObject', 's3:GetObjectVersion',
        'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'elasticfilesystem:DescribeMountTargets', 'kms:CreateGrant',
        'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'lambda:GetCodeSigningConfig', 'lambda:GetFunctionCodeSigningConfig',
        'lambda:GetLayerVersion', 'lambda:GetRuntimeManagementConfig', 'lambda:PutRuntimeManagementConfig', 'lambda:TagResource',
        'lambda:PutFunctionRecursionConfig', 'lambda:GetFunctionRecursionConfig',
      ],
      read: ['lambda:GetFunction', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetFunctionRecursionConfig'],
      update: [
        'lambda:DeleteFunctionConcurrency', 'lambda:GetFunction', 'lambda:PutFunctionConcurrency', 'lambda:TagResource', 'lambda:UntagResource',
        'lambda:UpdateFunctionConfiguration', 'lambda:UpdateFunctionCode', 'iam:PassRole', 's3:GetObject', 's3:GetObjectVersion',
        'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'elasticfilesystem:DescribeMountTargets', 'kms:CreateGrant',
        'kms:Decrypt', 'kms:GenerateDataKey', 'lambda:GetRuntimeManagementConfig', 'lambda:PutRuntimeManagementConfig',
        'lambda:PutFunctionCodeSigningConfig', 'lambda:DeleteFunctionCodeSigningConfig', 'lambda:GetCodeSigningConfig',
        'lambda:GetFunctionCodeSigningConfig', 'lambda:PutFunctionRecursionConfig', 'lambda:GetFunctionRecursionConfig',
      ],
      delete: ['lambda:DeleteFunction', 'lambda:GetFunction', 'ec2:DescribeNetworkInterfaces'],
    },
    unused: {
      ...KMS_UNUSED('KmsKeyArn'),
      's3:GetObject': 'Code.S3Bucket is not set (the code is inline, Code.ZipFile): no code object',
      's3:GetObjectVersion': 'Code.S3Bucket is not set (the code is inline, Code.ZipFile): no code object',
      'ec2:DescribeSecurityGroups': 'VpcConfig is not set: no VPC',
      'ec2:DescribeSubnets': 'VpcConfig is not set: no VPC',
      'ec2:DescribeVpcs': 'VpcConfig is not set: no VPC',
      'elasticfilesystem:DescribeMountTargets': 'FileSystemConfigs is not set: no file system',
      'lambda:GetLayerVersion': 'Layers is not set: no layer',
      'lambda:GetCodeSigningConfig': 'CodeSigningConfigArn is not set: no code signing configuration',
      'lambda:PutFunctionCodeSigningConfig': 'CodeSigningConfigArn is not set: no code signing configuration',
    },
  },
  'AWS::Glue::Database': {
    source: `${STACKQL}/glue/databases/index.md`,
    provider: 'registry',
    handlers: {
      create: [
        'glue:CreateDatabase', 'glue:GetDatabase', 'glue:PassConnection', 'glue:CreateConnection', 'lakeformation:ListResources',
        'lakeformation:DescribeResource', 'lakeformation:DescribeLakeFormationIdentityCenterConfiguration',
      ],
      read: ['glue:GetDatabase', 'glue:GetConnection', 'lakeformation:ListResources', 'lakeformation:DescribeResource', 'lakeformation:DescribeLakeFormationIdentityCenterConfiguration'],
      update: ['glue:UpdateDatabase', 'glue:UpdateConnection', 'lakeformation:ListResources', 'lakeformation:DescribeResource', 'lakeformation:DescribeLakeFormationIdentityCenterConfiguration'],
      delete: [
        'glue:DeleteDatabase', 'glue:GetDatabase', 'glue:DeleteConnection', 'glue:GetConnection', 'lakeformation:ListResources',
        'lakeformation:DescribeResource', 'lakeformation:DescribeLakeFormationIdentityCenterConfiguration',
      ],
    },
    unused: {
      'glue:PassConnection': 'DatabaseInput.FederatedDatabase is not set: no connection',
      'glue:CreateConnection': 'DatabaseInput.FederatedDatabase is not set: no connection',
      'glue:GetConnection': 'DatabaseInput.FederatedDatabase is not set: no connection',
      'glue:UpdateConnection': 'DatabaseInput.FederatedDatabase is not set: no connection',
      'glue:DeleteConnection': 'DatabaseInput.FederatedDatabase is not set: no connection',
    },
  },
  'AWS::Glue::Table': {
    // Not a registry type with handlers: CloudFormation's older provider calls the Glue table APIs
    // directly. The Glue API reference names the IAM action of each call (same name), and Glue's
    // table actions are authorised on the catalog, the database and the table together:
    // https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-glue-table.html (no handler permissions published); actions from https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html',
    provider: 'legacy',
    handlers: { create: ['glue:CreateTable', 'glue:GetTable'], read: ['glue:GetTable'], update: ['glue:UpdateTable', 'glue:GetTable'], delete: ['glue:DeleteTable', 'glue:GetTable'] },
  },
  'AWS::Scheduler::Schedule': {
    source: `${STACKQL}/scheduler/schedules/index.md`,
    provider: 'registry',
    handlers: {
      create: ['scheduler:CreateSchedule', 'scheduler:GetSchedule', 'iam:PassRole'],
      read: ['scheduler:GetSchedule'],
      update: ['scheduler:UpdateSchedule', 'scheduler:GetSchedule', 'iam:PassRole'],
      delete: ['scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
    },
  },
  'AWS::Athena::WorkGroup': {
    source: `${STACKQL}/athena/work_groups/index.md`,
    provider: 'registry',
    handlers: {
      create: [
        'athena:CreateWorkGroup', 'athena:TagResource', 'iam:PassRole', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket',
        's3:ListBucketMultipartUploads', 's3:AbortMultipartUpload', 's3:PutObject', 's3:ListMultipartUploadParts', 'kms:Decrypt', 'kms:GenerateDataKey',
      ],
      read: ['athena:GetWorkGroup', 'athena:ListTagsForResource'],
      update: [
        'athena:UpdateWorkGroup', 'athena:TagResource', 'athena:UntagResource', 'iam:PassRole', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket',
        's3:ListBucketMultipartUploads', 's3:AbortMultipartUpload', 's3:PutObject', 's3:ListMultipartUploadParts', 'kms:Decrypt', 'kms:GenerateDataKey',
      ],
      delete: ['athena:DeleteWorkGroup', 'athena:GetWorkGroup', 'athena:UntagResource'],
    },
    unused: {
      'iam:PassRole': 'WorkGroupConfiguration.ExecutionRole is not set (Spark workgroups only): no role to pass',
      'kms:Decrypt': 'ResultConfiguration.EncryptionConfiguration uses SSE_S3: no KMS key',
      'kms:GenerateDataKey': 'ResultConfiguration.EncryptionConfiguration uses SSE_S3: no KMS key',
    },
  },
  'AWS::QuickSight::DataSource': {
    source: `${STACKQL}/quicksight/data_sources/index.md`,
    provider: 'registry',
    handlers: {
      create: [
        'quicksight:CreateDataSource', 'quicksight:DescribeDataSource', 'quicksight:DescribeDataSourcePermissions', 'quicksight:TagResource',
        'quicksight:ListTagsForResource', 'quicksight:CreateFolderMembership', 'quicksight:DeleteFolderMembership', 'quicksight:ListFoldersForResource',
      ],
      read: ['quicksight:DescribeDataSource', 'quicksight:DescribeDataSourcePermissions', 'quicksight:ListTagsForResource'],
      update: [
        'quicksight:DescribeDataSource', 'quicksight:DescribeDataSourcePermissions', 'quicksight:UpdateDataSource', 'quicksight:UpdateDataSourcePermissions',
        'quicksight:CreateFolderMembership', 'quicksight:DeleteFolderMembership', 'quicksight:ListFoldersForResource', 'quicksight:TagResource',
        'quicksight:UntagResource', 'quicksight:ListTagsForResource',
      ],
      delete: ['quicksight:DescribeDataSource', 'quicksight:DescribeDataSourcePermissions', 'quicksight:DeleteDataSource', 'quicksight:ListTagsForResource'],
    },
    unused: QS_FOLDERS_UNUSED,
  },
  'AWS::QuickSight::DataSet': {
    source: `${STACKQL}/quicksight/data_sets/index.md`,
    provider: 'registry',
    handlers: {
      create: [
        'quicksight:DescribeDataSet', 'quicksight:DescribeDataSetPermissions', 'quicksight:DescribeIngestion', 'quicksight:ListIngestions',
        'quicksight:CreateDataSet', 'quicksight:PassDataSource', 'quicksight:PassDataSet', 'quicksight:TagResource', 'quicksight:ListTagsForResource',
        'quicksight:DescribeDataSetRefreshProperties', 'quicksight:PutDataSetRefreshProperties', 'quicksight:CreateFolderMembership',
        'quicksight:DeleteFolderMembership', 'quicksight:ListFoldersForResource',
      ],
      read: ['quicksight:DescribeDataSet', 'quicksight:DescribeDataSetPermissions', 'quicksight:ListTagsForResource', 'quicksight:DescribeDataSetRefreshProperties'],
      update: [
        'quicksight:DescribeDataSet', 'quicksight:DescribeDataSetPermissions', 'quicksight:PassDataSource', 'quicksight:UpdateDataSet',
        'quicksight:UpdateDataSetPermissions', 'quicksight:PassDataSet', 'quicksight:DescribeIngestion', 'quicksight:ListIngestions',
        'quicksight:CancelIngestion', 'quicksight:CreateFolderMembership', 'quicksight:DeleteFolderMembership', 'quicksight:ListFoldersForResource',
        'quicksight:TagResource', 'quicksight:UntagResource', 'quicksight:ListTagsForResource', 'quicksight:PutDataSetRefreshProperties',
        'quicksight:DescribeDataSetRefreshProperties', 'quicksight:DeleteDataSetRefreshProperties',
      ],
      delete: [
        'quicksight:DescribeDataSet', 'quicksight:DeleteDataSet', 'quicksight:ListTagsForResource', 'quicksight:DescribeIngestion',
        'quicksight:DeleteDataSetRefreshProperties', 'quicksight:DescribeDataSetRefreshProperties',
      ],
    },
    unused: QS_FOLDERS_UNUSED,
  },
  'AWS::QuickSight::RefreshSchedule': {
    source: `${STACKQL}/quicksight/refresh_schedules/index.md`,
    provider: 'registry',
    handlers: {
      create: ['quicksight:CreateRefreshSchedule', 'quicksight:DescribeRefreshSchedule'],
      read: ['quicksight:DescribeRefreshSchedule'],
      update: ['quicksight:UpdateRefreshSchedule', 'quicksight:DescribeRefreshSchedule'],
      delete: ['quicksight:DeleteRefreshSchedule', 'quicksight:DescribeRefreshSchedule'],
    },
  },
  'AWS::QuickSight::Dashboard': {
    source: `${STACKQL}/quicksight/dashboards/index.md`,
    provider: 'registry',
    handlers: {
      create: [
        'quicksight:DescribeDashboard', 'quicksight:DescribeDashboardPermissions', 'quicksight:CreateDashboard', 'quicksight:DescribeTemplate',
        'quicksight:DescribeTheme', 'quicksight:PassDataSet', 'quicksight:TagResource', 'quicksight:UntagResource', 'quicksight:ListTagsForResource',
        'quicksight:CreateFolderMembership', 'quicksight:DeleteFolderMembership', 'quicksight:ListFoldersForResource',
      ],
      read: ['quicksight:DescribeDashboard', 'quicksight:DescribeDashboardPermissions', 'quicksight:ListTagsForResource'],
      update: [
        'quicksight:DescribeDashboard', 'quicksight:DescribeDashboardPermissions', 'quicksight:UpdateDashboard', 'quicksight:UpdateDashboardLinks',
        'quicksight:UpdateDashboardPermissions', 'quicksight:UpdateDashboardPublishedVersion', 'quicksight:DescribeTemplate', 'quicksight:DescribeTheme',
        'quicksight:PassDataSet', 'quicksight:CreateFolderMembership', 'quicksight:DeleteFolderMembership', 'quicksight:ListFoldersForResource',
        'quicksight:TagResource', 'quicksight:UntagResource', 'quicksight:ListTagsForResource',
      ],
      delete: ['quicksight:DescribeDashboard', 'quicksight:DeleteDashboard'],
    },
    unused: {
      ...QS_FOLDERS_UNUSED,
      'quicksight:DescribeTemplate': 'SourceEntity is not set (the dashboard has a Definition): no template',
      'quicksight:DescribeTheme': 'ThemeArn is not set: no theme',
    },
  },
};

/** Every action the handlers of `type` call for this template (create, read, update, delete), sorted. */
export function handlerActions(type: string, permissions: Readonly<Record<string, HandlerPermissions>> = HANDLER_PERMISSIONS): string[] {
  const entry = permissions[type];
  if (!entry) return [];
  const all = new Set(Object.values(entry.handlers).flat());
  for (const a of Object.keys(entry.unused ?? {})) all.delete(a);
  return [...all].sort();
}
