/**
 * What the tamper guard covers, stated once: the SCP (BedrockTamperGuardPolicy) denies these IAM
 * actions, and the detection rule (BedrockTamperDetection) matches the CloudTrail event names of the
 * same operations.
 */
import { ARCHIVE_BUCKET_NAME_PREFIX } from '../../archive/facts';
import { LOG_BUCKET_NAME_PREFIX } from '../../logging/facts';

/**
 * The bucket operations. Several S3 APIs share one IAM action (DeleteBucketEncryption is authorized as s3:PutEncryptionConfiguration, and so on).
 * Where the CloudTrail name of an operation is not certain, both spellings are listed: an extra
 * name in a pattern costs nothing.
 */
export const GUARDED_BUCKET_OPERATIONS: ReadonlyArray<{ readonly action: string; readonly eventNames: readonly string[] }> = [
  { action: 's3:PutBucketPolicy', eventNames: ['PutBucketPolicy'] },
  { action: 's3:DeleteBucketPolicy', eventNames: ['DeleteBucketPolicy'] },
  { action: 's3:PutBucketPublicAccessBlock', eventNames: ['PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock'] },
  { action: 's3:PutBucketOwnershipControls', eventNames: ['PutBucketOwnershipControls', 'DeleteBucketOwnershipControls'] },
  { action: 's3:PutEncryptionConfiguration', eventNames: ['PutBucketEncryption', 'DeleteBucketEncryption'] },
  { action: 's3:PutBucketVersioning', eventNames: ['PutBucketVersioning'] },
  { action: 's3:PutLifecycleConfiguration', eventNames: ['PutBucketLifecycle', 'PutBucketLifecycleConfiguration', 'DeleteBucketLifecycle'] },
  { action: 's3:PutReplicationConfiguration', eventNames: ['PutBucketReplication', 'DeleteBucketReplication'] },
  { action: 's3:PutBucketObjectLockConfiguration', eventNames: ['PutObjectLockConfiguration', 'PutBucketObjectLockConfiguration'] },
  { action: 's3:PutBucketLogging', eventNames: ['PutBucketLogging'] },
  { action: 's3:DeleteBucket', eventNames: ['DeleteBucket'] },
];

/** Object deletions, denied too; they are CloudTrail data events, so the detection rule does not see them. */
export const GUARDED_OBJECT_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion'];

/** The two Bedrock actions that turn logging off or redirect it, stated in the facts (verify reads them). */
export { GUARDED_BEDROCK_ACTIONS } from '../facts';

/**
 * Changes to the library's roles, the StackSets execution role and the break-glass role. Creating
 * and passing are included: a role created on the library's path, or named `stacksets-exec-...`,
 * would be exempt; the handler role passed to another function would run as an exempt principal.
 */
export const GUARDED_ROLE_ACTIONS = ['iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole',
  'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
  'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary'];

/**
 * Changes to the handler function, and invoking it: a forged Delete event would make the handler
 * (an exempt principal) turn logging off. Granting invoke to others and function URLs are denied for
 * the same reason.
 */
export const GUARDED_FUNCTION_ACTIONS = ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:DeleteFunction',
  'lambda:InvokeFunction', 'lambda:AddPermission', 'lambda:CreateFunctionUrlConfig'];

/** The handler's record of the configuration it replaced: a forged one would be "restored" on delete. */
export const GUARDED_PARAMETER_ACTIONS = ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:DeleteParameters'];

/**
 * The bucket name prefixes the guard matches (`PREFIX*`), each once: the archive's prefix is left
 * out when the log buckets' pattern already matches it.
 */
export function guardedBucketNamePrefixes(): string[] {
  const prefixes = [`${LOG_BUCKET_NAME_PREFIX}-`, ARCHIVE_BUCKET_NAME_PREFIX];
  return prefixes.filter((p, i) => !prefixes.some((q, j) => j < i && p.startsWith(q)));
}
