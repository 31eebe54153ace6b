import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';

/**
 * Where an account's Amazon Bedrock model invocation logs are, and how to read them: implemented by
 * `BedrockInvocationLogging` and by `BedrockInvocationLogging.fromExisting()` (logging configured
 * elsewhere: the console, Terraform, another stack). `NopsIntegrationGrant` and
 * `BedrockLogAnalytics` take it, so the bucket and the prefix always travel together.
 */
export interface IBedrockInvocationLogging extends IConstruct {
  /** The bucket Bedrock writes to. */
  readonly bucket: s3.IBucket;
  /** The key prefix Bedrock writes under, normalised (no leading or trailing `/`). */
  readonly keyPrefix: string;
  /** `s3://BUCKET/PREFIX/`: paste it into nOps as "S3 Data Prefix". */
  readonly s3DataPrefix: string;
  /** The KMS key of the bucket, when SSE-KMS. */
  readonly encryptionKey?: kms.IKey;
  /** The CloudWatch Logs destination (legacy), when there is one. */
  readonly logGroup?: logs.ILogGroup;

  /**
   * Statements that read the logs and nothing else: `s3:ListBucket` limited to `PREFIX/*`,
   * `s3:GetObject` on `PREFIX/*`, `kms:Decrypt` on the key with SSE-KMS, and, when asked, the four
   * CloudWatch Logs read actions on the log group (fails without a log group).
   */
  readStatements(includeLegacyLogsRead?: boolean): iam.PolicyStatement[];

  /**
   * Statements that read the logs in every Region's log bucket of this account, by the name scheme
   * `bedrock-invocation-logs-ACCOUNT-*` limited to buckets the account owns, and, when asked, the
   * four CloudWatch Logs read actions on the log group. For one grant per account.
   */
  accountWideReadStatements(includeLegacyLogsRead?: boolean): iam.PolicyStatement[];

  /** Lets `grantee` list and read the logs under the prefix (and decrypt them with SSE-KMS). */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /** Lets `grantee` read the CloudWatch Logs destination (legacy). Fails without a log group. */
  grantLegacyLogsRead(grantee: iam.IGrantable): iam.Grant;
}

/**
 * What `BedrockInvocationLogging.fromExisting()` needs to know about logging configured elsewhere.
 */
export interface BedrockInvocationLoggingAttributes {
  /**
   * The bucket the logging writes to (`s3.Bucket.fromBucketName` and the like). It may be in another
   * Region than the stack that imports it: IAM grants are global.
   */
  readonly bucket: s3.IBucket;

  /**
   * The key prefix the logging was configured with (Bedrock's `s3Config.keyPrefix`), required so
   * that no reader is pointed at a default prefix by mistake. Normalised and checked like
   * `keyPrefix` of `BedrockInvocationLogging`: a trailing `/` is dropped; `s3://`, a leading `/`,
   * `.`/`..` segments, `*`, `?` and characters S3 handles badly are refused.
   */
  readonly keyPrefix: string;

  /**
   * The KMS key the bucket encrypts the logs with (SSE-KMS), so that readers get `kms:Decrypt`.
   *
   * @default - the key of `bucket`, if it has one; else none (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The log group of the CloudWatch Logs destination (legacy), for `grantLegacyLogsRead` and
   * `legacyCloudWatchLogsRead` on the nOps grant.
   *
   * @default - none: legacy CloudWatch Logs reads are refused
   */
  readonly logGroup?: logs.ILogGroup;
}
