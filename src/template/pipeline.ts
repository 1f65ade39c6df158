/**
 * The data-pipeline fragment of the stack: everything between a stage's access log and a SQL
 * table. API Gateway puts each access-log line into the Firehose stream; Firehose hands batches to
 * the enrichment Lambda, gzips the result and writes it under `logs/dt=yyyy-MM-dd/`; the Glue
 * table reads those objects with partition projection (no crawler), and the Athena workgroup
 * queries it with its own result location and a per-query scan limit.
 *
 * The schema and the Lambda's number handling come from `src/core/log-format.ts`; the bucket
 * prefixes from `src/core/outputs.ts`; the names from `src/core/names.ts`. Nothing here keeps its
 * own copy of a field list.
 */
import { BUCKET_PREFIXES, OUTPUT_KEYS } from '../core/outputs.js';
import { RECORD_FIELDS, lambdaFieldSpecFor } from '../core/log-format.js';
import { STREAM_PREFIX, TOOL } from '../core/names.js';
import { LEGACY_ABSENT, LEGACY_KEPT, LEGACY_OUTPUT_KEY, LEGACY_PARAMETER } from '../core/layout-upgrade.js';
import {
  AWS_ACCOUNT_ID,
  equals,
  getAtt,
  join,
  policyDocument,
  projectTags,
  ref,
  serviceTrust,
  split,
  sub,
  type PolicyStatement,
} from './intrinsics.js';
import { LOG_BUCKET_ARN, LOG_BUCKET_NAME } from './log-bucket.js';
import { PARQUET_STORAGE, dayProjection } from './glue.js';
import { CONDITIONS, LOGICAL_IDS, PARAMETERS, type CfnOutput, type CfnParameter, type CfnResource, type CfnValue, type TemplateFragment } from './types.js';

/** Logical ids of the fragment's own supporting resources (the shared ones are in LOGICAL_IDS). */
export const PIPELINE_IDS = {
  ...LOGICAL_IDS,
  logBucketPolicy: 'LogBucketPolicy',
  deliveryStreamRole: 'DeliveryStreamRole',
  deliveryStreamLogGroup: 'DeliveryStreamLogGroup',
  deliveryStreamLogStream: 'DeliveryStreamLogStream',
  enrichmentFunctionRole: 'EnrichmentFunctionRole',
  enrichmentLogGroup: 'EnrichmentLogGroup',
  legacyDeliveryStream: 'DeliveryStream',
  legacyGlueTable: 'LegacyGlueTable',
} as const;

/** Parameter and condition of the upgrade from the gzip JSON layout (src/core/layout-upgrade.ts). */
export const LEGACY = {
  parameter: LEGACY_PARAMETER,
  condition: 'KeepLegacyDeliveryStream',
  kept: LEGACY_KEPT,
  absent: LEGACY_ABSENT,
} as const;

/**
 * The Lambda runtime. nodejs24.x (AL2023; deprecation 2028-04-30, creation blocked from
 * 2028-06-01) ships the SDK v3 and runs CommonJS `index.js`, which is what inline code becomes.
 * It drops callback handlers; ours is async.
 */
export const LAMBDA_RUNTIME = 'nodejs24.x';

/**
 * The columnar layout: Firehose converts each record to Parquet and files it, with dynamic
 * partitioning, under the UTC day and hour the request happened (keys the enrichment Lambda returns
 * in each record's `metadata.partitionKeys`), so `dt` is the request's own day:
 * logs/parquet/dt=yyyy-MM-dd/hour=HH/.
 */
export const PARTITION_KEY = 'dt';
export const HOUR_PARTITION_KEY = 'hour';
export const PARTITION_DATE_FORMAT = 'yyyy-MM-dd';
export const PARQUET_PREFIX = BUCKET_PREFIXES.parquetLogs;
export const FIREHOSE_PREFIX = `${PARQUET_PREFIX}${PARTITION_KEY}=!{partitionKeyFromLambda:${PARTITION_KEY}}/${HOUR_PARTITION_KEY}=!{partitionKeyFromLambda:${HOUR_PARTITION_KEY}}/`;
export const FIREHOSE_ERROR_PREFIX = `${BUCKET_PREFIXES.errors}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`;
export const FIREHOSE_FILE_EXTENSION = '.parquet';
/** The suffix of the columnar stream's name: amazon-apigateway-<project>-parquet (at most 58 characters). */
export const PARQUET_STREAM_SUFFIX = '-parquet';

/**
 * The layout before issue 16, kept for the upgrade: gzip JSON lines under logs/dt=<UTC day the
 * object's oldest record arrived>/, read through the `access_logs_json` table until they expire.
 */
export const LEGACY_FIREHOSE_PREFIX = `${BUCKET_PREFIXES.logs}${PARTITION_KEY}=!{timestamp:${PARTITION_DATE_FORMAT}}/`;
/** Objects end in `.gz` so Athena (which picks the codec by extension) reads them as gzip. */
export const LEGACY_FILE_EXTENSION = '.json.gz';
export const LEGACY_GLUE_TABLE_NAME = 'access_logs_json';

/**
 * Firehose's S3 buffer: 64 MB is the least it accepts with record format conversion ("SizeInMBs
 * must be at least 64 when data format conversion is enabled") and with dynamic partitioning
 * (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html).
 */
export const S3_BUFFER_MB = 64;

export const GLUE_TABLE_NAME = 'access_logs';
export const GLUE_DATABASE_PREFIX = 'apigw_log_analytics_';

/** Days Athena results and Firehose error objects are kept (logs/ follows the RetentionDays parameter). */
export const ATHENA_RESULTS_EXPIRY_DAYS = 7;
export const ERRORS_EXPIRY_DAYS = 30;
/** Old object versions (the bucket is versioned so `_state/` survives an overwrite) go after this. */
export const NONCURRENT_EXPIRY_DAYS = 7;
/** CloudWatch Logs retention for the Lambda's and Firehose's log groups (one of the values CloudWatch accepts). */
export const LOG_RETENTION_DAYS = 30;

/** How long the Lambda keeps usage plans and API keys before reloading them. */
export const ENRICHMENT_CACHE_TTL_SECONDS = 300;
/**
 * Input per Lambda invocation. Firehose caps the request and the response at 6 MB each and both
 * travel base64-encoded (4/3 larger); enrichment grows a record by about 10 %, so 2 MB of input
 * stays well under the limit (2 x 1.1 x 4/3 = 2.9 MB), with half the invocations of the 1 MB default.
 */
export const PROCESSOR_BUFFER_MB = 2;

export const DEFAULTS = {
  retentionDays: 90,
  bufferIntervalSeconds: 60,
  /** 10 GiB: a month of a busy API's logs, gzip-compressed, is far below it; a runaway query stops there. */
  athenaBytesScannedCutoff: 10 * 1024 ** 3,
} as const;

/** The Glue database name for a project (what the template computes with Fn::Split/Fn::Join). */
export function glueDatabaseName(project: string): string {
  return `${GLUE_DATABASE_PREFIX}${project.split('-').join('_')}`;
}

/**
 * The `ProjectName` pattern as a Java regex for CloudFormation: a lowercase letter, then letters,
 * digits and single hyphens, not ending in a hyphen (the rules of `projectNameProblem`).
 */
export const PROJECT_NAME_PATTERN = '^[a-z](-?[a-z0-9])+$';

export interface PipelineOptions {
  /** Source of the enrichment Lambda, shipped inline (see docs/template.md). */
  lambdaSource: string;
}

const projectName = ref(PARAMETERS.projectName);
const bucketArn = LOG_BUCKET_ARN;
const bucketObjects = (prefix: string): CfnValue => join('', [bucketArn, `/${prefix}*`]);
const s3Uri = (prefix: string): CfnValue => join('', ['s3://', LOG_BUCKET_NAME, `/${prefix}`]);

function parameters(): Record<string, CfnParameter> {
  return {
    [PARAMETERS.projectName]: {
      Type: 'String',
      Description:
        'Short name of this installation: lowercase letters, digits and single hyphens. It names the Firehose stream (amazon-apigateway-<name>), the Glue database, the Athena workgroup and the QuickSight assets.',
      MinLength: 3,
      MaxLength: 32,
      AllowedPattern: PROJECT_NAME_PATTERN,
      ConstraintDescription: '3 to 32 characters: a lowercase letter first, then lowercase letters, digits and single hyphens, not ending in a hyphen.',
    },
    [PARAMETERS.retentionDays]: {
      Type: 'Number',
      Description: 'Days delivered access logs are kept in the log bucket (logs/) before they expire.',
      Default: DEFAULTS.retentionDays,
      MinValue: 1,
      MaxValue: 3650,
    },
    [PARAMETERS.bufferIntervalSeconds]: {
      Type: 'Number',
      Description: 'Seconds Firehose buffers records before it writes an object to S3, 60 to 900 (lower means fresher data and more objects).',
      Default: DEFAULTS.bufferIntervalSeconds,
      // Dynamic partitioning has no zero buffering (https://docs.aws.amazon.com/firehose/latest/dev/buffering.html).
      MinValue: 60,
      MaxValue: 900,
    },
    [LEGACY.parameter]: {
      Type: 'String',
      Description:
        'kept while an upgrade from the gzip JSON layout moves the stages still delivering to the old stream (amazon-apigateway-<name>); absent otherwise. init sets it.',
      Default: LEGACY.absent,
      AllowedValues: [LEGACY.absent, LEGACY.kept],
    },
    [PARAMETERS.athenaBytesScannedCutoff]: {
      Type: 'Number',
      Description: 'Bytes one Athena query in this workgroup may scan before Athena cancels it (minimum 10 MB).',
      Default: DEFAULTS.athenaBytesScannedCutoff,
      MinValue: 10_000_000,
    },
    [PARAMETERS.existingLogBucket]: {
      Type: 'String',
      Description:
        'Leave empty to create the log bucket. The name of a log bucket a previous installation of this project kept (init finds it by its project tag) to continue with its data; the stack then does not manage that bucket.',
      Default: '',
      AllowedPattern: '^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      ConstraintDescription: 'Empty, or an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens).',
    },
  };
}

function logBucket(): CfnResource {
  return {
    Type: 'AWS::S3::Bucket',
    Condition: CONDITIONS.createLogBucket,
    // Access logs are the user's data: deleting the stack (or a change that would replace the
    // bucket) leaves it in place; `uninstall --purge-bucket` empties and deletes it on purpose.
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      // Versioned so a stage's saved access-log settings (_state/) survive an accidental overwrite.
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'expire-access-logs', Status: 'Enabled', Prefix: BUCKET_PREFIXES.logs, ExpirationInDays: ref(PARAMETERS.retentionDays) },
          { Id: 'expire-rollups', Status: 'Enabled', Prefix: BUCKET_PREFIXES.rollups, ExpirationInDays: ref(PARAMETERS.retentionDays) },
          { Id: 'expire-athena-results', Status: 'Enabled', Prefix: BUCKET_PREFIXES.athenaResults, ExpirationInDays: ATHENA_RESULTS_EXPIRY_DAYS },
          { Id: 'expire-delivery-errors', Status: 'Enabled', Prefix: BUCKET_PREFIXES.errors, ExpirationInDays: ERRORS_EXPIRY_DAYS },
          {
            Id: 'clean-up-versions-and-uploads',
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_EXPIRY_DAYS },
            ExpiredObjectDeleteMarker: true,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
      Tags: projectTags(),
    },
  };
}

function logBucketPolicy(): CfnResource {
  return {
    Type: 'AWS::S3::BucketPolicy',
    // A kept bucket keeps the policy its first stack put on it (retained with it).
    Condition: CONDITIONS.createLogBucket,
    // Kept with the retained bucket, so the data left behind stays TLS-only.
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      Bucket: ref(LOGICAL_IDS.logBucket),
      PolicyDocument: policyDocument({
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        // A Deny on every S3 action is the point here: no request over plain HTTP, whatever it is.
        Action: 's3:*',
        Resource: [bucketArn, bucketObjects('')],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    },
  };
}

const deliveryLogGroupName = sub(`/aws/kinesisfirehose/${STREAM_PREFIX}\${${PARAMETERS.projectName}}`);
const DELIVERY_LOG_STREAM = 'DestinationDelivery';
const FUNCTION_NAME = `${TOOL}-\${${PARAMETERS.projectName}}-enrichment`;

function deliveryStreamRole(): CfnResource {
  const statements: PolicyStatement[] = [
    {
      Sid: 'ListBucket',
      Effect: 'Allow',
      Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      Resource: bucketArn,
    },
    {
      // The S3-destination set from the Firehose developer guide, limited to the two prefixes it writes.
      Sid: 'WriteDeliveredAndFailedRecords',
      Effect: 'Allow',
      Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
      Resource: [bucketObjects(BUCKET_PREFIXES.logs), bucketObjects(BUCKET_PREFIXES.errors)],
    },
    {
      Sid: 'InvokeEnrichment',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
      Resource: [getAtt(LOGICAL_IDS.enrichmentFunction, 'Arn'), join('', [getAtt(LOGICAL_IDS.enrichmentFunction, 'Arn'), ':*'])],
    },
    {
      // Record format conversion reads the table's schema
      // (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-glue);
      // Glue authorizes GetTable against the catalog, the database and the table.
      Sid: 'ReadParquetSchema',
      Effect: 'Allow',
      Action: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
      Resource: [
        sub('arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog'),
        sub(`arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:database/\${${LOGICAL_IDS.glueDatabase}}`),
        sub(`arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:table/\${${LOGICAL_IDS.glueDatabase}}/${GLUE_TABLE_NAME}`),
      ],
    },
    {
      Sid: 'LogDeliveryErrors',
      Effect: 'Allow',
      Action: 'logs:PutLogEvents',
      Resource: sub(
        `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/kinesisfirehose/${STREAM_PREFIX}\${${PARAMETERS.projectName}}:log-stream:${DELIVERY_LOG_STREAM}`,
      ),
    },
  ];
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: 'Firehose: write access logs to the log bucket, invoke the enrichment function, read the Parquet schema, log delivery errors.',
      // The external id is the account, as the Firehose guide recommends (confused-deputy protection).
      AssumeRolePolicyDocument: serviceTrust('firehose.amazonaws.com', { StringEquals: { 'sts:ExternalId': AWS_ACCOUNT_ID } }),
      Policies: [{ PolicyName: 'delivery', PolicyDocument: policyDocument(...statements) }],
      Tags: projectTags(),
    },
  };
}

function deliveryStreamLogGroup(): CfnResource {
  return {
    Type: 'AWS::Logs::LogGroup',
    Properties: { LogGroupName: deliveryLogGroupName, RetentionInDays: LOG_RETENTION_DAYS, Tags: projectTags() },
  };
}

function deliveryStreamLogStream(): CfnResource {
  // Firehose writes its error log to an existing stream; it does not create one.
  return {
    Type: 'AWS::Logs::LogStream',
    Properties: { LogGroupName: ref(PIPELINE_IDS.deliveryStreamLogGroup), LogStreamName: DELIVERY_LOG_STREAM },
  };
}

function processing(): CfnValue {
  const processorParameter = (name: string, value: CfnValue): CfnValue => ({ ParameterName: name, ParameterValue: value });
  return {
    Enabled: true,
    Processors: [
      {
        Type: 'Lambda',
        Parameters: [
          processorParameter('LambdaArn', getAtt(LOGICAL_IDS.enrichmentFunction, 'Arn')),
          processorParameter('NumberOfRetries', '3'),
          processorParameter('BufferSizeInMBs', String(PROCESSOR_BUFFER_MB)),
          processorParameter('BufferIntervalInSeconds', ref(PARAMETERS.bufferIntervalSeconds)),
        ],
      },
    ],
  };
}

function logging(): CfnValue {
  return { Enabled: true, LogGroupName: ref(PIPELINE_IDS.deliveryStreamLogGroup), LogStreamName: ref(PIPELINE_IDS.deliveryStreamLogStream) };
}

/**
 * The stream stages deliver to. It converts each enriched JSON line to Parquet with the schema of
 * the Glue table (https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html;
 * the OpenX JSON SerDe matches the camelCase keys to the lowercase columns), Snappy-compressed
 * inside the file (the stream's own CompressionFormat must then be UNCOMPRESSED), and files each
 * record by the partition keys the Lambda returns. Records Firehose cannot convert or file go to
 * errors/ as JSON, as before.
 *
 * Dynamic partitioning cannot be turned on for an existing stream ("You cannot enable dynamic
 * partitioning for an existing Firehose stream that does not have dynamic partitioning already
 * enabled": https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_kinesisfirehose.DynamicPartitioningProps.html),
 * so this is a new stream beside the old one, under a new name.
 */
function deliveryStream(): CfnResource {
  return {
    Type: 'AWS::KinesisFirehose::DeliveryStream',
    Properties: {
      // API Gateway delivers access logs only to streams whose name starts with amazon-apigateway-.
      DeliveryStreamName: sub(`${STREAM_PREFIX}\${${PARAMETERS.projectName}}${PARQUET_STREAM_SUFFIX}`),
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: {
        BucketARN: bucketArn,
        RoleARN: getAtt(PIPELINE_IDS.deliveryStreamRole, 'Arn'),
        Prefix: FIREHOSE_PREFIX,
        ErrorOutputPrefix: FIREHOSE_ERROR_PREFIX,
        FileExtension: FIREHOSE_FILE_EXTENSION,
        CompressionFormat: 'UNCOMPRESSED',
        BufferingHints: { IntervalInSeconds: ref(PARAMETERS.bufferIntervalSeconds), SizeInMBs: S3_BUFFER_MB },
        CloudWatchLoggingOptions: logging(),
        ProcessingConfiguration: processing(),
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
        DataFormatConversionConfiguration: {
          Enabled: true,
          InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: { CaseInsensitive: true } } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
          SchemaConfiguration: {
            CatalogId: AWS_ACCOUNT_ID,
            DatabaseName: ref(LOGICAL_IDS.glueDatabase),
            TableName: GLUE_TABLE_NAME,
            Region: ref('AWS::Region'),
            RoleARN: getAtt(PIPELINE_IDS.deliveryStreamRole, 'Arn'),
            VersionId: 'LATEST',
          },
        },
      },
      Tags: projectTags(),
    },
    // Firehose reads the schema when the stream is created.
    DependsOn: [LOGICAL_IDS.glueTable],
  };
}

/**
 * The stream of the gzip JSON layout, exactly as it was deployed, kept only while an upgrade
 * moves the stages that still deliver to it (LegacyDeliveryStream = kept).
 */
function legacyDeliveryStream(): CfnResource {
  return {
    Type: 'AWS::KinesisFirehose::DeliveryStream',
    Condition: LEGACY.condition,
    Properties: {
      DeliveryStreamName: sub(`${STREAM_PREFIX}\${${PARAMETERS.projectName}}`),
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: {
        BucketARN: bucketArn,
        RoleARN: getAtt(PIPELINE_IDS.deliveryStreamRole, 'Arn'),
        Prefix: LEGACY_FIREHOSE_PREFIX,
        ErrorOutputPrefix: FIREHOSE_ERROR_PREFIX,
        FileExtension: LEGACY_FILE_EXTENSION,
        CompressionFormat: 'GZIP',
        BufferingHints: { IntervalInSeconds: ref(PARAMETERS.bufferIntervalSeconds), SizeInMBs: S3_BUFFER_MB },
        CloudWatchLoggingOptions: logging(),
        ProcessingConfiguration: processing(),
      },
      Tags: projectTags(),
    },
  };
}

function enrichmentFunctionRole(): CfnResource {
  const apigatewayPath = (path: string): CfnValue => sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}::${path}`);
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: 'Enrichment Lambda: read the usage plans of an API key and its name; put oversized CloudWatch Logs envelopes back into its stream; write its own log group.',
      AssumeRolePolicyDocument: serviceTrust('lambda.amazonaws.com'),
      Policies: [
        {
          PolicyName: 'enrichment',
          PolicyDocument: policyDocument(
            {
              Sid: 'ReadUsagePlansAndKeys',
              Effect: 'Allow',
              // GetUsagePlans (?keyId=) and GetApiKey (includeValue false); nothing else in API Gateway.
              Action: 'apigateway:GET',
              Resource: [apigatewayPath('/usageplans'), apigatewayPath('/apikeys/*')],
            },
            {
              // HTTP and WebSocket envelopes too large for one response go back into the stream,
              // split (docs/template.md). The ARN is built from the name: the stream refers to
              // this function, so a GetAtt here would be a cycle.
              Sid: 'ReingestOversizedEnvelopes',
              Effect: 'Allow',
              Action: 'firehose:PutRecordBatch',
              // Both of the installation's streams: the columnar one (where new installs and
              // upgraded stages deliver) and the gzip JSON one an upgrade keeps while stages move.
              Resource: [
                sub(`arn:\${AWS::Partition}:firehose:\${AWS::Region}:\${AWS::AccountId}:deliverystream/${STREAM_PREFIX}\${${PARAMETERS.projectName}}${PARQUET_STREAM_SUFFIX}`),
                sub(`arn:\${AWS::Partition}:firehose:\${AWS::Region}:\${AWS::AccountId}:deliverystream/${STREAM_PREFIX}\${${PARAMETERS.projectName}}`),
              ],
            },
            {
              Sid: 'WriteOwnLogs',
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              // The group's Arn attribute ends in :* and so covers its log streams.
              Resource: getAtt(PIPELINE_IDS.enrichmentLogGroup, 'Arn'),
            },
          ),
        },
      ],
      Tags: projectTags(),
    },
  };
}

function enrichmentLogGroup(): CfnResource {
  return {
    Type: 'AWS::Logs::LogGroup',
    Properties: { LogGroupName: sub(`/aws/lambda/${FUNCTION_NAME}`), RetentionInDays: LOG_RETENTION_DAYS, Tags: projectTags() },
  };
}

function enrichmentFunction(options: PipelineOptions): CfnResource {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: {
      FunctionName: sub(FUNCTION_NAME),
      Description: 'Firehose transformation for API Gateway access logs: JSON lines with nulls, numbers and usage-plan enrichment.',
      Runtime: LAMBDA_RUNTIME,
      Architectures: ['arm64'],
      Handler: 'index.handler',
      // Inline: CloudFormation writes this to index.js (CommonJS) and zips it; no artifact to upload.
      Code: { ZipFile: options.lambdaSource },
      Role: getAtt(PIPELINE_IDS.enrichmentFunctionRole, 'Arn'),
      // More memory means more CPU; a 2 MB batch takes a few tens of ms at this size.
      MemorySize: 512,
      Timeout: 120,
      Environment: {
        Variables: {
          // The log format's keys in order, with their column types, from src/core/log-format.ts.
          LOG_FIELDS: lambdaFieldSpecFor('REST'),
          // The HTTP and WebSocket formats' keys, for lines that arrive through the CloudWatch Logs bridge.
          LOG_FIELDS_HTTP: lambdaFieldSpecFor('HTTP'),
          LOG_FIELDS_WEBSOCKET: lambdaFieldSpecFor('WEBSOCKET'),
          CACHE_TTL_SECONDS: String(ENRICHMENT_CACHE_TTL_SECONDS),
        },
      },
      LoggingConfig: { LogGroup: ref(PIPELINE_IDS.enrichmentLogGroup), LogFormat: 'JSON', ApplicationLogLevel: 'WARN', SystemLogLevel: 'INFO' },
      Tags: projectTags(),
    },
  };
}

function glueDatabase(): CfnResource {
  return {
    Type: 'AWS::Glue::Database',
    Properties: {
      CatalogId: AWS_ACCOUNT_ID,
      DatabaseInput: {
        // Athena names: lowercase, underscores; project names use hyphens. CloudFormation has no
        // replace function: split on "-" and join the resulting list with "_" (the list-valued
        // Fn::Split is Fn::Join's whole list, not an item of it). glueDatabaseName() is the same.
        Name: join('', [GLUE_DATABASE_PREFIX, join('_', split('-', projectName))]),
        Description: sub(`API Gateway access logs of the ${TOOL} installation \${${PARAMETERS.projectName}}`),
      },
    },
  };
}

const columns = (): CfnValue[] => RECORD_FIELDS.map((x) => ({ Name: x.key.toLowerCase(), Type: x.type, Comment: x.description }));

/**
 * The table of the columnar layout: Parquet under logs/parquet/dt=/hour=/, partitioned by the
 * request's own UTC day and hour, with partition projection (no crawler, nothing to register; the
 * formats and the location template are the Firehose prefix's, character for character). Firehose
 * reads its schema from here to write the Parquet files.
 */
function glueTable(): CfnResource {
  return {
    Type: 'AWS::Glue::Table',
    Properties: {
      CatalogId: AWS_ACCOUNT_ID,
      DatabaseName: ref(LOGICAL_IDS.glueDatabase),
      TableInput: {
        Name: GLUE_TABLE_NAME,
        Description: 'One row per API Gateway request (REST access log, enriched), in Parquet. Partitioned by dt and hour, the UTC day and hour of the request.',
        TableType: 'EXTERNAL_TABLE',
        Parameters: {
          classification: 'parquet',
          typeOfData: 'file',
          'projection.enabled': 'true',
          ...dayProjection(PARTITION_KEY, PARTITION_DATE_FORMAT),
          [`projection.${HOUR_PARTITION_KEY}.type`]: 'integer',
          [`projection.${HOUR_PARTITION_KEY}.range`]: '0,23',
          [`projection.${HOUR_PARTITION_KEY}.digits`]: '2',
          'storage.location.template': join('', [s3Uri(PARQUET_PREFIX), `${PARTITION_KEY}=\${${PARTITION_KEY}}/${HOUR_PARTITION_KEY}=\${${HOUR_PARTITION_KEY}}/`]),
        },
        PartitionKeys: [
          { Name: PARTITION_KEY, Type: 'string', Comment: 'UTC day of the request (yyyy-MM-dd)' },
          { Name: HOUR_PARTITION_KEY, Type: 'string', Comment: 'UTC hour of the request (00-23)' },
        ],
        StorageDescriptor: {
          Columns: columns(),
          Location: s3Uri(PARQUET_PREFIX),
          ...PARQUET_STORAGE,
        },
      },
    },
  };
}

/**
 * The table of the gzip JSON layout (logs/dt=<arrival day>/), so the days an installation
 * delivered before its upgrade stay queryable until the bucket's lifecycle expires them. On a new
 * installation it is empty.
 */
function legacyGlueTable(): CfnResource {
  return {
    Type: 'AWS::Glue::Table',
    Properties: {
      CatalogId: AWS_ACCOUNT_ID,
      DatabaseName: ref(LOGICAL_IDS.glueDatabase),
      TableInput: {
        Name: LEGACY_GLUE_TABLE_NAME,
        Description: 'Access logs delivered before the Parquet layout (gzip JSON lines). Partitioned by dt, the UTC day Firehose received the oldest record of each object.',
        TableType: 'EXTERNAL_TABLE',
        Parameters: {
          classification: 'json',
          compressionType: 'gzip',
          typeOfData: 'file',
          'projection.enabled': 'true',
          ...dayProjection(PARTITION_KEY, PARTITION_DATE_FORMAT),
          'storage.location.template': join('', [s3Uri(BUCKET_PREFIXES.logs), `${PARTITION_KEY}=\${${PARTITION_KEY}}/`]),
        },
        PartitionKeys: [{ Name: PARTITION_KEY, Type: 'string', Comment: 'UTC day Firehose received the oldest record of the object (yyyy-MM-dd)' }],
        StorageDescriptor: {
          Columns: columns(),
          Location: s3Uri(BUCKET_PREFIXES.logs),
          InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          Compressed: true,
          SerdeInfo: {
            SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // camelCase JSON keys match the lowercase columns; a damaged line becomes a null row.
            Parameters: { 'case.insensitive': 'TRUE', 'ignore.malformed.json': 'TRUE' },
          },
        },
      },
    },
  };
}

function athenaWorkGroup(): CfnResource {
  return {
    Type: 'AWS::Athena::WorkGroup',
    Properties: {
      Name: sub(`${TOOL}-\${${PARAMETERS.projectName}}`),
      Description: sub(`Queries over the API Gateway access logs of ${TOOL} installation \${${PARAMETERS.projectName}}`),
      State: 'ENABLED',
      // Saved queries must not block uninstall.
      RecursiveDeleteOption: true,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: ref(PARAMETERS.athenaBytesScannedCutoff),
        ResultConfiguration: {
          OutputLocation: s3Uri(BUCKET_PREFIXES.athenaResults),
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          ExpectedBucketOwner: AWS_ACCOUNT_ID,
        },
      },
      Tags: projectTags(),
    },
  };
}

function outputs(version: string): Record<string, CfnOutput> {
  return {
    [OUTPUT_KEYS.templateVersion]: { Description: 'Version of apigw-log-analytics that generated this template', Value: version },
    [OUTPUT_KEYS.projectName]: { Description: 'Project name of this installation', Value: projectName },
    [OUTPUT_KEYS.bucketName]: { Description: 'Log bucket (retained when the stack is deleted)', Value: LOG_BUCKET_NAME },
    [OUTPUT_KEYS.bucketArn]: { Description: 'Log bucket ARN', Value: bucketArn },
    [OUTPUT_KEYS.deliveryStreamName]: { Description: 'Firehose stream that receives the access logs', Value: ref(LOGICAL_IDS.deliveryStream) },
    [OUTPUT_KEYS.deliveryStreamArn]: {
      Description: 'Access-log destination ARN for API Gateway stages',
      Value: getAtt(LOGICAL_IDS.deliveryStream, 'Arn'),
    },
    [LEGACY_OUTPUT_KEY]: {
      Description: 'The gzip JSON stream kept during an upgrade (absent otherwise)',
      Value: getAtt(PIPELINE_IDS.legacyDeliveryStream, 'Arn'),
      Condition: LEGACY.condition,
    },
    [OUTPUT_KEYS.enrichmentFunctionName]: { Description: 'Enrichment Lambda function', Value: ref(LOGICAL_IDS.enrichmentFunction) },
    [OUTPUT_KEYS.enrichmentFunctionArn]: { Description: 'Enrichment Lambda function ARN', Value: getAtt(LOGICAL_IDS.enrichmentFunction, 'Arn') },
    [OUTPUT_KEYS.glueDatabaseName]: { Description: 'Glue database', Value: ref(LOGICAL_IDS.glueDatabase) },
    [OUTPUT_KEYS.glueTableName]: { Description: 'Glue table of access logs', Value: GLUE_TABLE_NAME },
    [OUTPUT_KEYS.athenaWorkGroupName]: { Description: 'Athena workgroup', Value: ref(LOGICAL_IDS.athenaWorkGroup) },
  };
}

export { LEGACY_OUTPUT_KEY };

/** The data-pipeline fragment: parameters, resources and outputs. */
export function pipelineFragment(options: PipelineOptions & { version: string }): TemplateFragment {
  return {
    Parameters: parameters(),
    Conditions: {
      [CONDITIONS.createLogBucket]: equals(ref(PARAMETERS.existingLogBucket), ''),
      [LEGACY.condition]: equals(ref(LEGACY.parameter), LEGACY.kept),
    },
    Resources: {
      [PIPELINE_IDS.logBucket]: logBucket(),
      [PIPELINE_IDS.logBucketPolicy]: logBucketPolicy(),
      [PIPELINE_IDS.deliveryStreamRole]: deliveryStreamRole(),
      [PIPELINE_IDS.deliveryStreamLogGroup]: deliveryStreamLogGroup(),
      [PIPELINE_IDS.deliveryStreamLogStream]: deliveryStreamLogStream(),
      [PIPELINE_IDS.deliveryStream]: deliveryStream(),
      [PIPELINE_IDS.legacyDeliveryStream]: legacyDeliveryStream(),
      [PIPELINE_IDS.enrichmentFunctionRole]: enrichmentFunctionRole(),
      [PIPELINE_IDS.enrichmentLogGroup]: enrichmentLogGroup(),
      [PIPELINE_IDS.enrichmentFunction]: enrichmentFunction(options),
      [PIPELINE_IDS.glueDatabase]: glueDatabase(),
      [PIPELINE_IDS.glueTable]: glueTable(),
      [PIPELINE_IDS.legacyGlueTable]: legacyGlueTable(),
      [PIPELINE_IDS.athenaWorkGroup]: athenaWorkGroup(),
    },
    Outputs: outputs(options.version),
  };
}
