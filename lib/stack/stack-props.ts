import { StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockInvocationLoggingProps } from '../logging/invocation-logging';

/**
 * Properties for `BedrockInvocationLoggingStack`.
 */
export interface BedrockInvocationLoggingStackProps extends StackProps, BedrockInvocationLoggingProps {
  /**
   * Name of the existing nOps integration role to grant read access to.
   *
   * @default - no grant (use `nopsRole`, or grant later with `NopsIntegrationGrant`)
   */
  readonly nopsRoleName?: string;

  /**
   * The existing nOps integration role to grant read access to.
   *
   * @default - the role named `nopsRoleName`, if any
   */
  readonly nopsRole?: iam.IRole;

  /**
   * Also grant the nOps role the legacy CloudWatch Logs read actions (needs `cloudWatchLogs`).
   *
   * @default false
   */
  readonly nopsLegacyCloudWatchLogsRead?: boolean;

  /**
   * Let CloudFormation name the log bucket instead of `bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX`
   * (SUFFIX: 8 characters of the stack id, so that a bucket retained by a deleted stack never blocks
   * a new one). The nOps grant then covers this stack's bucket only, and organization-wide policies
   * (the tamper guard, the log archive) cannot match the bucket by name.
   *
   * @default false - the bucket is named by the scheme (unless `bucket` or `bucketName` is given)
   */
  readonly generatedBucketName?: boolean;

  /**
   * The Region whose stack grants the nOps role. The grant covers every Region's log bucket of the
   * account (by the name scheme, buckets this account owns), so one Region's grant is enough, and
   * the role gets one managed policy from this library however many Regions are deployed. Stacks
   * in other Regions add none. With `templateParameters` it is the `NopsGrantRegion` parameter's
   * default.
   *
   * @default - every stack grants (right for one Region; set it when deploying to several)
   */
  readonly nopsGrantRegion?: string;

  /**
   * Make the per-account choices CloudFormation parameters of the template, for a StackSet, CfCT,
   * LZA or the console: `KeyPrefix` (checked by an `AllowedPattern` with the same rules as
   * `keyPrefix`, since a parameter cannot be checked at synth), `NopsRoleName` (empty = no grant:
   * the grant's policy has a condition, so accounts without the nOps role do not fail) and
   * `CloudWatchLogs` (`true`/`false`: the log group, its role and policy exist only when `true`).
   * `keyPrefix`, `nopsRoleName` and `cloudWatchLogs` become the parameters' defaults.
   * `ArchiveBucketName`, `ArchiveAccountId` and `ArchiveKmsKeyArn` (empty = no replication) take
   * the organization's log archive. `PermissionsBoundaryArn` (empty = none) is a managed policy
   * every IAM role of the stack gets as permissions boundary.
   * Not with `nopsRole`, `nopsLegacyCloudWatchLogsRead` or `archiveBucket`.
   *
   * @default false - the values are fixed at synth
   */
  readonly templateParameters?: boolean;

  /**
   * Name of the organization's log archive bucket (output `ArchiveBucketName` of
   * `BedrockLogArchiveStack`) to replicate this account's logs into: the stack imports it with
   * `archiveAccountId` and `archiveKmsKeyArn` (instead of `archiveBucket`). With
   * `templateParameters`, the `ArchiveBucketName` parameter's default. Deploy the archive first.
   *
   * @default - no replication
   */
  readonly archiveBucketName?: string;

  /**
   * Account that owns `archiveBucketName` (the log-archive account). Required with it.
   *
   * @default - no replication
   */
  readonly archiveAccountId?: string;

  /**
   * ARN of the archive's KMS key, when the archive uses SSE-KMS (output `ArchiveKmsKeyArn`).
   * Required with `archiveBucketName` when this log bucket is SSE-KMS.
   *
   * @default - the archive uses SSE-S3
   */
  readonly archiveKmsKeyArn?: string;
}
