import { Annotations, Duration, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { archiveBucketName, archiveEncryptStatement, archiveReadStatements, archiveReplicationStatement, archiveVersioningReadStatement } from './facts';
import { BUCKET_NAME_PATTERN, DEFAULT_KEY_PREFIX, ORGANIZATION_ID_PATTERN, s3DataPrefix } from '../shared/facts';
import { ArchiveObjectLockMode } from './log-archive-options';
import { createAccessLogsBucket, OBJECT_LOCK_IS_OWNERS_CHOICE } from '../shared/access-logs';
import { bucketEncryption, BUCKET_BASELINE } from '../shared/bucket-baseline';
import { grantStatements } from '../shared/grant';
import { acknowledgeGuardRule } from '../shared/cfn-guard';
import { createBucketKey } from '../shared/key';
import { acknowledgeNagRule, COMPLIANCE_PACKS } from '../shared/nag';
import { ErrorCollector, normalizeKeyPrefix } from '../shared/validation';

/**
 * Properties for `BedrockLogArchive`.
 */
export interface BedrockLogArchiveProps {
  /**
   * The AWS Organizations organization id (`o-` and 10 to 32 letters or digits). Only the
   * library's roles of this organization may replicate into the archive (`aws:PrincipalOrgID`).
   */
  readonly organizationId: string;

  /**
   * The key prefix of the members' logs. Replication keeps object keys, so it must equal the
   * members' `keyPrefix`; each member writes under `PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/`.
   *
   * @default 'bedrock'
   */
  readonly keyPrefix?: string;

  /**
   * Create a customer managed KMS key (rotation on, retained) for the archive (SSE-KMS). Its policy
   * lets the members' replication roles encrypt replicas, only through S3 for this bucket.
   *
   * @default false - SSE-S3
   */
  readonly createEncryptionKey?: boolean;

  /**
   * Encrypt the archive with this KMS key. Its policy must let the members' replication roles
   * `kms:Encrypt` and `kms:GenerateDataKey` through S3 (the statement is added when the key's policy
   * can be edited from this app; otherwise a warning prints it).
   *
   * @default - SSE-S3 unless `createEncryptionKey`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Name of the archive bucket. The members' replication rules and the archive's key policy name
   * it, so it is known at synth.
   *
   * @default - `bedrock-invocation-logs-archive-ACCOUNT-SUFFIX`, SUFFIX the first 8 characters of the stack id's UUID
   */
  readonly bucketName?: string;

  /**
   * Days of S3 Object Lock default retention for every replica (1 to 36,500). Object Lock cannot be
   * turned off once on and applies only to a new bucket. Needs `objectLockMode`.
   *
   * @default - no Object Lock
   */
  readonly objectLockDays?: number;

  /**
   * Retention mode of `objectLockDays`.
   *
   * @default - no Object Lock; required with `objectLockDays`
   */
  readonly objectLockMode?: ArchiveObjectLockMode;

  /**
   * Move replicas to `transitionStorageClass` after this many days. S3 Lifecycle does not move
   * objects smaller than 128 KB, which most invocation log batches are.
   *
   * @default - no transition
   */
  readonly transitionAfterDays?: number;

  /**
   * The storage class of `transitionAfterDays`.
   *
   * @default s3.StorageClass.GLACIER_INSTANT_RETRIEVAL - millisecond reads, so nOps and Athena still read the logs
   */
  readonly transitionStorageClass?: s3.StorageClass;

  /**
   * Also let any principal of the organization read the archive's versioning status
   * (`s3:GetBucketVersioning`, read-only). AWS's current cross-account example grants it; its older
   * walkthrough does not. Turn it on if a member's stack fails to create its replication rule
   * with an access error on the archive.
   *
   * @default false - the replication object actions only
   */
  readonly allowVersioningCheck?: boolean;

  /**
   * Bucket that receives S3 server access logs of the archive.
   *
   * @default - a dedicated access-log bucket (SSE-S3, versioned, retained)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * What happens to the archive (and a created key and access-log bucket) when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const ORGANIZATION_ID = new RegExp(ORGANIZATION_ID_PATTERN);
const BUCKET_NAME = new RegExp(BUCKET_NAME_PATTERN);
const IA_CLASSES = ['STANDARD_IA', 'ONEZONE_IA'];

/**
 * The organization's log archive: one bucket, in a log-archive account, that every member
 * account's log bucket replicates into (`archiveBucket` on `BedrockInvocationLogging`), so that one
 * nOps integration reads every account's and Region's logs under one S3 Data Prefix.
 *
 * Versioned, ACLs disabled (so the archive account owns every replica), public access blocked,
 * TLS only, access logged, retained, no expiry; optional Object Lock and storage class transition.
 * Its policy admits replication and nothing else: `s3:ReplicateObject` and `s3:ReplicateTags`,
 * only for the library's roles (IAM path) in the organization, each account only into
 * `PREFIX/AWSLogs/${aws:PrincipalAccount}/BedrockModelInvocationLogs/*`.
 */
export class BedrockLogArchive extends Construct {
  /**
   * Adds every problem of `props` to `errors`, one line each, and returns the normalised key prefix
   * (the stack calls it too, so that one error lists the problems of all its props).
   * @internal
   */
  public static _checkProps(props: BedrockLogArchiveProps, errors: ErrorCollector): string {
    return checkProps(props, errors);
  }

  /** The archive bucket. */
  public readonly bucket: s3.IBucket;
  /** The normalised key prefix. */
  public readonly keyPrefix: string;
  /** The archive's KMS key, with SSE-KMS. */
  public readonly encryptionKey?: kms.IKey;
  /** `s3://ARCHIVE/PREFIX/`: the one S3 Data Prefix for nOps, in the archive account. */
  public readonly s3DataPrefix: string;
  /** The bucket-policy statement that admits the members' replication. */
  public readonly replicationStatement: iam.PolicyStatement;

  /**
   * @param scope the construct this one is added to (a stack, or a construct in one)
   * @param id its id within `scope`; it is part of the logical id of every resource below it, so
   * changing it replaces those resources
   * @param props its properties
   */
  constructor(scope: Construct, id: string, props: BedrockLogArchiveProps) {
    super(scope, id);
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const errors = new ErrorCollector(`${this.node.path} props`);
    this.keyPrefix = checkProps(props, errors);
    errors.throwIfAny();

    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const bucketName = props.bucketName ?? archiveBucketName(stack.account, Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', stack.stackId)))));
    // The key policy names the bucket by its name: a Ref would make the key and the bucket depend on each other.
    const bucketArn = `arn:${stack.partition}:s3:::${bucketName}`;
    this.encryptionKey = props.encryptionKey
      ?? (props.createEncryptionKey ? createBucketKey(this, 'Key', 'Encrypts the organization\'s archive of Amazon Bedrock model invocation logs', removalPolicy) : undefined);

    const lock = props.objectLockDays !== undefined
      ? (props.objectLockMode === ArchiveObjectLockMode.COMPLIANCE ? s3.ObjectLockRetention.compliance : s3.ObjectLockRetention.governance)(Duration.days(props.objectLockDays))
      : undefined;
    const lifecycleRules: s3.LifecycleRule[] = [{ id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }];
    if (props.transitionAfterDays !== undefined) {
      lifecycleRules.push({
        id: 'TransitionReplicas',
        transitions: [{ storageClass: props.transitionStorageClass ?? s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(props.transitionAfterDays) }],
      });
    }
    const accessLogs = props.serverAccessLogsBucket ?? createAccessLogsBucket(this, 'AccessLogs', removalPolicy, {
      replication: 'Access logs of the archive stay in the log-archive account; replicating them is the account owner\'s choice.',
      events: 'Nothing consumes access-log objects as events: they are read when someone investigates access to the archive.',
    });
    const bucket = new s3.Bucket(this, 'Resource', {
      bucketName,
      // Bucket owner enforced: the archive account owns every replica without s3:ObjectOwnerOverrideToBucketOwner
      // (S3 user guide, "Changing the replica owner").
      ...BUCKET_BASELINE,
      ...bucketEncryption(this.encryptionKey),
      objectLockEnabled: lock ? true : undefined,
      objectLockDefaultRetention: lock,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'bedrock-log-archive/',
      lifecycleRules,
      removalPolicy,
    });
    this.bucket = bucket;
    this.s3DataPrefix = s3DataPrefix(bucket.bucketName, this.keyPrefix);

    this.replicationStatement = iam.PolicyStatement.fromJson(archiveReplicationStatement(stack.partition, bucket.bucketArn, this.keyPrefix, props.organizationId));
    bucket.addToResourcePolicy(this.replicationStatement);
    if (props.allowVersioningCheck) {
      bucket.addToResourcePolicy(iam.PolicyStatement.fromJson(archiveVersioningReadStatement(bucket.bucketArn, props.organizationId)));
    }
    if (this.encryptionKey) {
      const keyStatement = iam.PolicyStatement.fromJson(archiveEncryptStatement(stack.partition, `s3.${stack.region}.${stack.urlSuffix}`, bucketArn, props.organizationId));
      if (!this.encryptionKey.addToResourcePolicy(keyStatement, true).statementAdded) {
        Annotations.of(this).addWarningV2('cdk-bedrock-invocation-logging:archiveKeyPolicy',
          `The policy of KMS key ${this.encryptionKey.node.path} cannot be edited from this app. Its owner must add this statement, or replication of SSE-KMS logs fails: ${JSON.stringify(stack.resolve(keyStatement.toStatementJson()))}`);
      }
    }

    acknowledgeNagRule(bucket, COMPLIANCE_PACKS, 'S3BucketReplicationEnabled',
      'The archive is the replication destination of every member account\'s logs; replicating it again (to another Region) is the log-archive account owner\'s choice (cost, data residency).');
    acknowledgeGuardRule(bucket, 's3_event_notifications_enabled_check',
      'Nothing consumes object events: nOps reads the archive prefix on its own schedule with ListBucket and GetObject.');
    if (!lock) {
      acknowledgeGuardRule(bucket, 's3_bucket_object_lock_enabled_check', `${OBJECT_LOCK_IS_OWNERS_CHOICE} Set objectLockDays and objectLockMode to turn it on.`);
    }
    if (!this.encryptionKey) {
      const reason = 'SSE-S3 by default so that members replicate with no key policy and readers such as nOps need no kms:Decrypt grant; set createEncryptionKey or encryptionKey for SSE-KMS.';
      acknowledgeNagRule(bucket, COMPLIANCE_PACKS, 'S3DefaultEncryptionKMS', reason);
      acknowledgeGuardRule(bucket, 's3_bucket_default_encryption_kms_check', reason);
    }
  }

  /**
   * Statements that read the archive and nothing else: `s3:ListBucket` limited to `PREFIX/*`,
   * `s3:GetObject` on `PREFIX/AWSLogs/*` (every account's and Region's logs), and with SSE-KMS
   * `kms:Decrypt` of the archive's key only through S3 for the archive.
   */
  public readStatements(): iam.PolicyStatement[] {
    const key = this.encryptionKey
      ? { arn: this.encryptionKey.keyArn, s3Endpoint: `s3.${keyRegion(this.encryptionKey)}.${Stack.of(this).urlSuffix}` }
      : undefined;
    return archiveReadStatements(this.bucket.bucketArn, this.keyPrefix, key).map((json) => iam.PolicyStatement.fromJson(json));
  }

  /** Lets `grantee` list and read every account's logs in the archive (`readStatements()`). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantStatements(grantee, this.readStatements());
  }
}

/** The Region of a key (from its ARN when imported): S3 calls KMS there for a bucket encrypted with it. */
function keyRegion(key: kms.IKey): string {
  return key.env.region;
}

/** Every problem of `props`, one line each; returns the normalised prefix. */
function checkProps(props: BedrockLogArchiveProps, errors: ErrorCollector): string {
  const keyPrefix = normalizeKeyPrefix(props.keyPrefix ?? DEFAULT_KEY_PREFIX, 'keyPrefix', errors);
  if (!Token.isUnresolved(props.organizationId) && !ORGANIZATION_ID.test(props.organizationId ?? '')) {
    errors.add(`organizationId ${JSON.stringify(props.organizationId)} is not an organization id: use the id AWS Organizations shows, "o-" and 10 to 32 lowercase letters or digits (for example "o-a1b2c3d4e5")`);
  }
  if (props.encryptionKey && props.createEncryptionKey) {
    errors.add('encryptionKey and createEncryptionKey: true contradict each other: give a key, or ask for one to be created, not both');
  }
  if (props.removalPolicy === RemovalPolicy.SNAPSHOT) {
    errors.add('removalPolicy SNAPSHOT is not supported by S3 buckets or KMS keys: use RemovalPolicy.RETAIN (the default), RETAIN_ON_UPDATE_OR_DELETE or DESTROY');
  }
  if (props.bucketName !== undefined && !Token.isUnresolved(props.bucketName) && !BUCKET_NAME.test(props.bucketName)) {
    errors.add(`bucketName ${JSON.stringify(props.bucketName)} is not a valid S3 bucket name: use 3-63 lowercase letters, digits, "." or "-", starting and ending with a letter or digit`);
  }
  checkDays('objectLockDays', props.objectLockDays, 1, 36_500, errors);
  if (props.objectLockDays !== undefined && props.objectLockMode === undefined) {
    errors.add(`objectLockDays ${props.objectLockDays} needs objectLockMode: choose GOVERNANCE (a role with s3:BypassGovernanceRetention may still remove the lock) or COMPLIANCE (no one can, the root user included)`);
  }
  if (props.objectLockMode !== undefined && props.objectLockDays === undefined) {
    errors.add(`objectLockMode ${props.objectLockMode} needs objectLockDays: give the retention in days (1 to 36500), or drop objectLockMode`);
  }
  if (props.objectLockMode !== undefined && !Object.values(ArchiveObjectLockMode).includes(props.objectLockMode)) {
    errors.add(`objectLockMode ${JSON.stringify(props.objectLockMode)} is not a mode: use ArchiveObjectLockMode.GOVERNANCE or ArchiveObjectLockMode.COMPLIANCE`);
  }
  const storageClass = props.transitionStorageClass?.value;
  checkDays('transitionAfterDays', props.transitionAfterDays, 1, undefined, errors);
  if (props.transitionAfterDays !== undefined && storageClass && IA_CLASSES.includes(storageClass) && props.transitionAfterDays < 30) {
    errors.add(`transitionAfterDays ${props.transitionAfterDays} is under 30: S3 Lifecycle moves objects to ${storageClass} after 30 days at the earliest; use 30 or more, or another transitionStorageClass`);
  }
  if (props.transitionStorageClass !== undefined && props.transitionAfterDays === undefined) {
    errors.add('transitionStorageClass given without transitionAfterDays: give the number of days after which replicas move, or drop transitionStorageClass');
  }
  return keyPrefix;
}

function checkDays(prop: string, value: number | undefined, min: number, max: number | undefined, errors: ErrorCollector): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    errors.add(`${prop} ${value} is not a whole number of days ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`);
  }
}
