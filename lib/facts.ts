/**
 * The facts of Amazon Bedrock model invocation logging that the constructs, the `verify` CLI and
 * the tests share, each stated once. Plain TypeScript with no aws-cdk-lib or AWS SDK import, so
 * that the verify package compiles this very file into itself. Values may be CDK tokens (they are
 * strings): unresolved tokens are written into statements as they are, and never validated.
 *
 * Sources: Bedrock user guide, "Monitor model invocation using CloudWatch Logs and Amazon S3"
 * (bucket policy, key policy, CloudWatch role, object layout); IAM and Organizations quotas and
 * name rules; S3 object key rules.
 */

/** The service principal that writes invocation logs (bucket, key and trust policies). */
export const BEDROCK_SERVICE_PRINCIPAL = 'bedrock.amazonaws.com';

/** The log stream Bedrock writes to in a CloudWatch Logs log group. */
export const BEDROCK_LOG_STREAM = 'aws/bedrock/modelinvocations';

/** The log group the Bedrock console suggests. */
export const DEFAULT_LOG_GROUP_NAME = '/aws/bedrock/modelinvocations';

/** The key prefix the library writes under unless told otherwise. */
export const DEFAULT_KEY_PREFIX = 'bedrock';

/** Statement id of the bucket-policy statement that lets Bedrock write. */
export const BEDROCK_WRITE_SID = 'AmazonBedrockLogsWrite';

/** Statement id of the key-policy statement that lets Bedrock encrypt. */
export const BEDROCK_ENCRYPT_SID = 'AmazonBedrockLogsEncrypt';

/** A policy statement as JSON. */
export interface StatementJson {
  readonly [key: string]: unknown;
}

/** Where a logging configuration lives: the scope of the confused-deputy conditions. */
export interface SourceScope {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
}

/** `arn:PARTITION:bedrock:REGION:ACCOUNT:*`, the `aws:SourceArn` AWS documents. */
export function bedrockSourceArn(scope: SourceScope): string {
  return `arn:${scope.partition}:bedrock:${scope.region}:${scope.account}:*`;
}

/** `aws:SourceAccount` and `aws:SourceArn` for one account and Region: the confused-deputy guard AWS documents. */
export function bedrockSourceConditions(scope: SourceScope): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': scope.account },
    ArnLike: { 'aws:SourceArn': bedrockSourceArn(scope) },
  };
}

/** `PREFIX/` (or nothing for an empty prefix): what stands before `AWSLogs/` in the keys Bedrock writes. */
export function prefixPath(prefix: string): string {
  return prefix ? `${prefix}/` : '';
}

/**
 * The folder Bedrock writes one account's logs under: `PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/`.
 * Objects follow as `REGION/YYYY/MM/DD/HH/*.json.gz`, large bodies under `.../HH/data/`.
 */
export function logObjectsFolder(prefix: string, account: string): string {
  return `${prefixPath(prefix)}AWSLogs/${account}/BedrockModelInvocationLogs/`;
}

/** The bucket-policy statement AWS documents for Bedrock, exactly: nothing wider. */
export function bedrockWriteStatement(scope: SourceScope, bucketArn: string, prefix: string): StatementJson {
  return {
    Sid: BEDROCK_WRITE_SID,
    Effect: 'Allow',
    Principal: { Service: BEDROCK_SERVICE_PRINCIPAL },
    Action: 's3:PutObject',
    Resource: `${bucketArn}/${logObjectsFolder(prefix, scope.account)}*`,
    Condition: bedrockSourceConditions(scope),
  };
}

/** The key-policy statement SSE-KMS needs: Bedrock may generate data keys, under the same conditions. */
export function bedrockEncryptStatement(scope: SourceScope): StatementJson {
  return {
    Sid: BEDROCK_ENCRYPT_SID,
    Effect: 'Allow',
    Principal: { Service: BEDROCK_SERVICE_PRINCIPAL },
    Action: 'kms:GenerateDataKey',
    Resource: '*',
    Condition: bedrockSourceConditions(scope),
  };
}

// ---- Key prefix ---------------------------------------------------------------------------------

/** Longest prefix accepted: S3 keys stop at 1,024 bytes and Bedrock appends about 120 (`/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/REGION/YYYY/MM/DD/HH/data/UUID.json.gz`). */
export const MAX_KEY_PREFIX_LENGTH = 900;

/**
 * Characters S3 documents as safe in keys, minus `*` (an IAM wildcard: it would widen every
 * policy that names the prefix). `?`, spaces, `%`, `&`, `$`, `:` and the rest are refused for the
 * same reason or because S3 or Bedrock handle them badly.
 */
const SAFE_CHARS = "A-Za-z0-9!_.'()\\/-";

/** What `keyPrefixProblems` found. */
export interface KeyPrefixCheck {
  /** The prefix normalised once: trailing `/` dropped. */
  readonly prefix: string;
  /** One line per problem, naming `prop`, the value and the fix. Empty when the prefix is fine. */
  readonly problems: string[];
}

/**
 * The one validator of key prefixes (constructs, app context, StackSet parameter pattern, verify):
 * drops trailing `/` and reports what S3, Bedrock or IAM would refuse or widen.
 */
export function keyPrefixProblems(value: string, prop: string): KeyPrefixCheck {
  const shown = JSON.stringify(value);
  if (/^s3:\/\//i.test(value)) {
    return { prefix: value, problems: [`${prop} ${shown} is a URL: give only the key prefix (for example "bedrock"), without "s3://" and the bucket name`] };
  }
  if (value.startsWith('/')) {
    return { prefix: value, problems: [`${prop} ${shown} starts with "/": S3 keys have no leading slash; remove it (for example "${value.replace(/^\/+/, '')}")`] };
  }
  const prefix = value.replace(/\/+$/, '');
  if (prefix.length === 0) {
    return { prefix, problems: [`${prop} ${shown} is empty: give a prefix such as "bedrock", so that the nOps grant covers only that prefix and not the whole bucket`] };
  }
  const problems: string[] = [];
  if (prefix.length > MAX_KEY_PREFIX_LENGTH) {
    problems.push(`${prop} is ${prefix.length} characters long: use at most ${MAX_KEY_PREFIX_LENGTH}, so that the keys Bedrock writes under it stay within S3's 1,024-byte limit`);
  }
  const unsafe = prefix.replace(new RegExp(`[${SAFE_CHARS}]`, 'g'), '');
  if (unsafe.length > 0) {
    const bad = [...new Set(unsafe.split(''))].map((c) => JSON.stringify(c)).join(', ');
    problems.push(`${prop} ${shown} contains ${bad}: use only letters, digits and ! _ . ' ( ) - / (no "*" or "?": they are wildcards in IAM policies)`);
  }
  if (prefix.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    problems.push(`${prop} ${shown} has an empty, "." or ".." path segment: write each segment out, for example "bedrock/logs"`);
  }
  return { prefix, problems };
}

const SEGMENT_CHAR = "[A-Za-z0-9!_.'()-]";
const SEGMENT_CHAR_NO_DOT = "[A-Za-z0-9!_'()-]";
/** One segment that is neither `.` nor `..` (written without look-ahead, so any regex engine agrees). */
const SEGMENT = `(${SEGMENT_CHAR_NO_DOT}${SEGMENT_CHAR}*|\\.${SEGMENT_CHAR_NO_DOT}${SEGMENT_CHAR}*|\\.\\.${SEGMENT_CHAR}+)`;

/**
 * `keyPrefixProblems` as a regular expression, for a CloudFormation parameter's `AllowedPattern`
 * (Java regex): no problem and no trailing `/` (a parameter value is not normalised). The length
 * limit is the parameter's `MaxLength`. A property test keeps the two in agreement.
 */
export const KEY_PREFIX_ALLOWED_PATTERN = `^${SEGMENT}(/${SEGMENT})*$`;

// ---- Names and identifiers --------------------------------------------------------------------

/** An IAM role name: 1-64 letters, digits and `+=,.@_-`. */
export const ROLE_NAME_PATTERN = '^[\\w+=,.@-]{1,64}$';

/** An IAM role ARN, path included. */
export const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::\\d{12}:role/(?:[\\x21-\\x7e]*/)?[\\w+=,.@-]{1,64}$';

/** A Region name: commercial, GovCloud, China, ISO and European Sovereign Cloud (`us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `eusc-de-east-1`). */
export const REGION_PATTERN = '^[a-z]{2,4}(-[a-z]+)+-\\d{1,2}$';

/** An AWS account id. */
export const ACCOUNT_ID_PATTERN = '^\\d{12}$';

/** A KMS key ARN (not an alias): `arn:aws:kms:REGION:ACCOUNT:key/KEY-ID` (multi-Region keys start `mrk-`). */
export const KMS_KEY_ARN_PATTERN = '^arn:aws[a-z-]*:kms:[a-z]{2,4}(-[a-z]+)+-\\d{1,2}:\\d{12}:key/[A-Za-z0-9-]{1,128}$';

/** An organizational unit id (`ou-ab12-cdef3456`) or a root id (`r-ab12`), as StackSets accept them. */
export const ORGANIZATIONAL_UNIT_ID_PATTERN = '^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$';

/** A StackSet name: a letter, then up to 127 letters, digits or `-` (CloudFormation's rule). */
export const STACK_SET_NAME_PATTERN = '^[a-zA-Z][a-zA-Z0-9-]{0,127}$';

/** The role name of a role ARN (the path dropped): policies attach to a role by name. */
export function roleNameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

// ---- Names other policies can match (organization scale) ---------------------------------------

/**
 * IAM path of every role the library creates. `aws:PrincipalArn` includes the path, so an SCP or a
 * bucket policy can admit or exempt the library's roles with
 * `arn:aws:iam::*:role/cdk-bedrock-invocation-logging/*`.
 */
export const IAM_PATH = '/cdk-bedrock-invocation-logging/';

/** Fixed start of the names of the log buckets the app and the StackSet member template create. */
export const LOG_BUCKET_NAME_PREFIX = 'bedrock-invocation-logs';

/** Fixed start of the name of the organization's log archive bucket. */
export const ARCHIVE_BUCKET_NAME_PREFIX = 'bedrock-invocation-logs-archive';

/** A general purpose S3 bucket name: 3-63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit. */
export const BUCKET_NAME_PATTERN = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';

/** S3 bucket names: at most 63 characters. */
export const MAX_BUCKET_NAME_LENGTH = 63;

/** Characters of the per-stack suffix of a bucket name (the first group of the stack id's UUID). */
export const BUCKET_NAME_SUFFIX_LENGTH = 8;

/** The longest Region name the bucket names are checked against (`us-isof-south-1`, 15 characters). */
export const LONGEST_REGION_NAME = 'us-isof-south-1';

/**
 * `bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX`: the log bucket of one stack. The account and
 * Region make every Region's bucket of an account match `bedrock-invocation-logs-ACCOUNT-*`; the
 * suffix (from the stack id) keeps a retained bucket from blocking a redeploy.
 */
export function logBucketName(account: string, region: string, suffix: string): string {
  return `${LOG_BUCKET_NAME_PREFIX}-${account}-${region}-${suffix}`;
}

/** `arn:PARTITION:s3:::bedrock-invocation-logs-ACCOUNT-*`: every Region's log bucket of one account. */
export function accountLogBucketsArnPattern(partition: string, account: string): string {
  return `arn:${partition}:s3:::${LOG_BUCKET_NAME_PREFIX}-${account}-*`;
}

/** `arn:PARTITION:iam::ACCOUNT:role/cdk-bedrock-invocation-logging/*`: the library's roles (any account with `*`). */
export function libraryRoleArnPattern(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role${IAM_PATH}*`;
}

/**
 * Read access to the logs in every Region's log bucket of one account, by name pattern, for one
 * grant per account (the nOps role has room for few managed policies): `s3:ListBucket` with
 * `s3:prefix` `PREFIX/*`, `s3:GetObject` on this account's log folder
 * (`PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/*`, so that the bucket wildcard cannot reach
 * another key that merely contains `/PREFIX/`), both only on buckets this account owns
 * (`s3:ResourceAccount`), and with SSE-KMS `kms:Decrypt` of this account's keys only through S3
 * for those buckets (`kms:ViaService`, `kms:EncryptionContext:aws:s3:arn`).
 */
export function accountLogsReadStatements(scope: SourceScope, prefix: string, decrypt: boolean): StatementJson[] {
  const buckets = accountLogBucketsArnPattern(scope.partition, scope.account);
  const owned = { 's3:ResourceAccount': scope.account };
  const statements: StatementJson[] = [
    {
      Sid: 'ListInvocationLogPrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: buckets,
      Condition: { StringLike: { 's3:prefix': [`${prefix}/*`] }, StringEquals: owned },
    },
    {
      Sid: 'ReadInvocationLogs',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `${buckets}/${logObjectsFolder(prefix, scope.account)}*`,
      Condition: { StringEquals: owned },
    },
  ];
  if (decrypt) {
    statements.push({
      Sid: 'DecryptInvocationLogs',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: `arn:${scope.partition}:kms:*:${scope.account}:key/*`,
      Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': `${buckets}` } },
    });
  }
  return statements;
}

// ---- Tamper guard (service control policy and detection) ---------------------------------------

/**
 * Start of the custom resource handler's function name (the function name is `PREFIX-SUFFIX`, the
 * suffix unique to the stack), so that the tamper-guard SCP can name the function:
 * `arn:*:lambda:*:*:function:cdk-bedrock-invocation-logging-handler*`.
 */
export const HANDLER_FUNCTION_NAME_PREFIX = 'cdk-bedrock-invocation-logging-handler';

/**
 * Start of the name of the role CloudFormation StackSets assumes in each member account of a
 * service-managed StackSet (`stacksets-exec-` and a hash, on path `/`).
 */
export const STACKSETS_EXECUTION_ROLE_NAME_PREFIX = 'stacksets-exec-';

/** AWS Organizations quota: characters in one service control policy (whitespace counts). */
export const MAX_SCP_CHARACTERS = 5_120;

/** IAM quotas: characters of a role's path (slashes included) and of its name. */
export const MAX_ROLE_PATH_LENGTH = 512;
export const MAX_ROLE_NAME_LENGTH = 64;

/** The partitions a role ARN pattern may name (or `*`). */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;

/** An EventBridge event bus ARN (`arn:aws:events:REGION:ACCOUNT:event-bus/NAME`). */
export const EVENT_BUS_ARN_PATTERN = `^arn:aws[a-z-]*:events:${REGION_PATTERN.slice(1, -1)}:\\d{12}:event-bus/[\\w.\\-/]{1,256}$`;

// ---- Organization log archive (S3 replication) --------------------------------------------------

/**
 * An AWS Organizations organization id (`o-` and 10 to 32 lowercase letters or digits), the value
 * of `aws:PrincipalOrgID`.
 */
export const ORGANIZATION_ID_PATTERN = '^o-[a-z0-9]{10,32}$';

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
