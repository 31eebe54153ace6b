/**
 * Facts of the organization's log archive: its name, the replication statements on both sides
 * (the members' replication role, the archive's bucket and key policies) and the nOps read of the
 * archive. No aws-cdk-lib or AWS SDK import (the verify package compiles it).
 *
 * Sources: S3 user guide, "Setting up permissions for live replication", "Replicating encrypted
 * objects", "Changing the replica owner".
 */

import { libraryRoleArnPattern, logObjectsFolder, prefixPath, StatementJson } from '../shared/facts';

/** Fixed start of the name of the organization's log archive bucket. */
export const ARCHIVE_BUCKET_NAME_PREFIX = 'bedrock-invocation-logs-archive';

/** The service principal S3 replication assumes the replication role as. */
export const S3_SERVICE_PRINCIPAL = 's3.amazonaws.com';

/** The IAM policy variable of the calling principal's account, written literally into the archive's policies. */
export const PRINCIPAL_ACCOUNT_VARIABLE = '${aws:PrincipalAccount}';

/** Statement id of the archive bucket-policy statement that admits the members' replication. */
export const ARCHIVE_REPLICATION_SID = 'ReplicateFromOrganizationLibraryRoles';

/** Statement id of the archive key-policy statement that lets the members' replication encrypt replicas. */
export const ARCHIVE_ENCRYPT_SID = 'EncryptReplicasFromOrganizationLibraryRoles';

/**
 * What a replication role may write into the archive: the replica and its tags. Not
 * `s3:ReplicateDelete` (delete markers are not replicated, and the archive keeps everything), not
 * `s3:ObjectOwnerOverrideToBucketOwner` (with Object Ownership "bucket owner enforced" on the
 * archive, replicas belong to the archive account without it: S3 user guide, "Changing the replica
 * owner"), nothing on the bucket itself.
 */
export const ARCHIVE_REPLICATION_ACTIONS = ['s3:ReplicateObject', 's3:ReplicateTags'];

/**
 * `bedrock-invocation-logs-archive-ACCOUNT-SUFFIX` (53 characters): the organization's archive.
 * It never matches `bedrock-invocation-logs-ACCOUNT-*`, the members' name pattern, because
 * `archive` is not an account id.
 */
export function archiveBucketName(account: string, suffix: string): string {
  return `${ARCHIVE_BUCKET_NAME_PREFIX}-${account}-${suffix}`;
}

/**
 * The conditions every archive grant to the members carries: the caller is in the organization
 * (`aws:PrincipalOrgID`) and is one of the library's roles (`aws:PrincipalArn` on its IAM path,
 * in any account).
 */
export function organizationLibraryRoleConditions(partition: string, organizationId: string): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:PrincipalOrgID': organizationId },
    ArnLike: { 'aws:PrincipalArn': libraryRoleArnPattern(partition, '*') },
  };
}

/**
 * The archive bucket-policy statement for the members' replication, exactly: replication writes
 * only, each account only into its own folder
 * (`PREFIX/AWSLogs/${aws:PrincipalAccount}/BedrockModelInvocationLogs/*`, an IAM policy variable
 * that IAM fills in with the calling role's account), and only for the library's roles of the
 * organization.
 */
export function archiveReplicationStatement(partition: string, bucketArn: string, prefix: string, organizationId: string): StatementJson {
  return {
    Sid: ARCHIVE_REPLICATION_SID,
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: ARCHIVE_REPLICATION_ACTIONS,
    Resource: `${bucketArn}/${logObjectsFolder(prefix, PRINCIPAL_ACCOUNT_VARIABLE)}*`,
    Condition: organizationLibraryRoleConditions(partition, organizationId),
  };
}

/**
 * The archive key-policy statement for replicas: the same principals may encrypt, only through S3
 * in the archive's Region (`kms:ViaService`) and only for the archive bucket and its objects
 * (`kms:EncryptionContext:aws:s3:arn`; the bucket itself with S3 Bucket Keys).
 */
export function archiveEncryptStatement(partition: string, s3ServiceEndpoint: string, bucketArn: string, organizationId: string): StatementJson {
  const conditions = organizationLibraryRoleConditions(partition, organizationId);
  return {
    Sid: ARCHIVE_ENCRYPT_SID,
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
    Resource: '*',
    Condition: {
      StringEquals: { ...conditions.StringEquals, 'kms:ViaService': s3ServiceEndpoint },
      ArnLike: conditions.ArnLike,
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] },
    },
  };
}

/**
 * Trust of a member's replication role: only S3, only for this account's source bucket
 * (`aws:SourceAccount`, `aws:SourceArn`), the confused-deputy guard.
 */
export function replicationTrustStatement(account: string, sourceBucketArn: string): StatementJson {
  return {
    Effect: 'Allow',
    Principal: { Service: S3_SERVICE_PRINCIPAL },
    Action: 'sts:AssumeRole',
    Condition: {
      StringEquals: { 'aws:SourceAccount': account },
      ArnEquals: { 'aws:SourceArn': sourceBucketArn },
    },
  };
}

/** The KMS keys a replication role uses, each with the S3 endpoint that calls KMS for it (`s3.REGION.amazonaws.com`). */
export interface ReplicationKeys {
  /** The log bucket's key (SSE-KMS sources). */
  readonly sourceKeyArn?: string;
  readonly sourceS3Endpoint?: string;
  /** The archive's key (replicas encrypted with SSE-KMS). */
  readonly archiveKeyArn?: string;
  readonly archiveS3Endpoint?: string;
}

/** A member's log bucket as its replication role sees it. */
export interface ReplicationSource {
  readonly bucketArn: string;
  readonly account: string;
  readonly prefix: string;
}

/**
 * What a member's replication role may do, and nothing more: read the replication configuration
 * and list its log bucket; read the versions, ACL and tags of this account's log folder
 * (`PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/`); replicate objects and tags into the same
 * folder of the archive; with SSE-KMS, decrypt with the log bucket's key and encrypt with the
 * archive's key, each only through S3 (`kms:ViaService`; the archive's key policy also limits
 * its use to the archive bucket). Sources: S3 user guide, "Setting up permissions for live
 * replication" and "Replicating encrypted objects".
 */
export function replicationRoleStatements(source: ReplicationSource, archiveBucketArn: string, keys: ReplicationKeys = {}): StatementJson[] {
  const folder = logObjectsFolder(source.prefix, source.account);
  const statements: StatementJson[] = [
    {
      Sid: 'ReadReplicationConfiguration',
      Effect: 'Allow',
      Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      Resource: source.bucketArn,
    },
    {
      Sid: 'ReadLogVersions',
      Effect: 'Allow',
      Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
      Resource: `${source.bucketArn}/${folder}*`,
    },
    {
      Sid: 'ReplicateToArchive',
      Effect: 'Allow',
      Action: ARCHIVE_REPLICATION_ACTIONS,
      Resource: `${archiveBucketArn}/${folder}*`,
    },
  ];
  if (keys.sourceKeyArn) {
    statements.push({
      Sid: 'DecryptLogs',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: keys.sourceKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': keys.sourceS3Endpoint } },
    });
  }
  if (keys.archiveKeyArn) {
    statements.push({
      Sid: 'EncryptReplicas',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: keys.archiveKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': keys.archiveS3Endpoint } },
    });
  }
  return statements;
}

/** Id of the one replication rule on a member's log bucket. */
export const ARCHIVE_REPLICATION_RULE_ID = 'BedrockLogsToArchive';

/**
 * The nOps read of the archive: `s3:ListBucket` with `s3:prefix` `PREFIX/*`, `s3:GetObject` on
 * `PREFIX/AWSLogs/*` (every account's and Region's folder), and with SSE-KMS `kms:Decrypt` of the
 * archive's key only through S3 for the archive bucket.
 */
export function archiveReadStatements(bucketArn: string, prefix: string, key?: { readonly arn: string; readonly s3Endpoint: string }): StatementJson[] {
  const statements: StatementJson[] = [
    {
      Sid: 'ListArchivePrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': [`${prefix}/*`] } },
    },
    {
      Sid: 'ReadArchivedLogs',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `${bucketArn}/${prefixPath(prefix)}AWSLogs/*`,
    },
  ];
  if (key) {
    statements.push({
      Sid: 'DecryptArchivedLogs',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: key.arn,
      Condition: {
        StringEquals: { 'kms:ViaService': key.s3Endpoint },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] },
      },
    });
  }
  return statements;
}

/** Statement id of the archive's optional read of its versioning status by the organization. */
export const ARCHIVE_VERSIONING_CHECK_SID = 'ReadVersioningStatusFromOrganization';

/**
 * Optional (`allowVersioningCheck`): principals of the organization may read the archive's
 * versioning status (`s3:GetBucketVersioning`, read-only). AWS's current cross-account example
 * ("Setting up permissions for live replication", step 3) grants it with `s3:List*` and
 * `s3:PutBucketVersioning`; its older walkthrough ("Configuring replication when source and
 * destination buckets are owned by different accounts") grants only the object actions. The
 * library grants the object actions, and offers this read for an account whose
 * PutBucketReplication is refused without it; never `s3:PutBucketVersioning`.
 */
export function archiveVersioningReadStatement(bucketArn: string, organizationId: string): StatementJson {
  return {
    Sid: ARCHIVE_VERSIONING_CHECK_SID,
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: 's3:GetBucketVersioning',
    Resource: bucketArn,
    Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
  };
}
