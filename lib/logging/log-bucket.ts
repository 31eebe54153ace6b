import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createAccessLogsBucket, OBJECT_LOCK_IS_OWNERS_CHOICE } from '../shared/access-logs';
import { ArchiveReplication } from '../archive/replication';
import { bucketEncryption, BUCKET_BASELINE } from '../shared/bucket-baseline';
import { createBucketKey } from '../shared/key';
import { acknowledgeGuardRule } from '../shared/cfn-guard';
import { acknowledgeNagRule, COMPLIANCE_PACKS } from '../shared/nag';
import { bedrockEncryptStatement, bedrockWriteStatement } from './facts';
import { BUCKET_NAME_PATTERN, DEFAULT_KEY_PREFIX, s3DataPrefix } from '../shared/facts';
import { plainJson } from './private/plain-json';
import { sourceScope } from '../shared/stack-scope';
import { checkSameEnvironment, ErrorCollector, normalizeKeyPrefix } from '../shared/validation';


/**
 * Properties for `BedrockLogBucket`.
 */
export interface BedrockLogBucketProps {
  /**
   * An existing bucket to write the logs to. It must be in the same account and Region and have
   * ACLs disabled (Object Ownership "Bucket owner enforced").
   *
   * If its policy cannot be edited from this app (an imported bucket), a warning prints the
   * statement its owner must add.
   *
   * @default - a new bucket with secure defaults is created
   */
  readonly bucket?: s3.IBucket;

  /**
   * The key prefix Bedrock writes under. Trailing slashes are dropped; `s3://`, a leading `/`,
   * `.`/`..` segments, wildcards and characters S3 handles badly are refused.
   *
   * @default 'bedrock'
   */
  readonly keyPrefix?: string;

  /**
   * Encrypt the new bucket with this KMS key (SSE-KMS). Its key policy gets the statement that lets
   * Bedrock call `kms:GenerateDataKey`. With an existing `bucket`, give the key the bucket uses.
   *
   * @default - the key of `bucket` when it has one, else SSE-S3 unless `createEncryptionKey` is set
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Create a customer managed KMS key (rotation on, retained on delete) and encrypt the new bucket
   * with it.
   *
   * @default false - SSE-S3 (AES256), which needs no key policy and no kms:Decrypt for readers
   */
  readonly createEncryptionKey?: boolean;

  /**
   * Name of the new bucket. `BedrockInvocationLoggingStack` names it
   * `bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX` so that policies can match every Region's
   * bucket of an account. A name that is not a valid S3 bucket name is refused at synth.
   *
   * @default - a name CloudFormation generates
   */
  readonly bucketName?: string;

  /**
   * Bucket that receives S3 server access logs for the new log bucket.
   *
   * @default - a dedicated access-log bucket is created (SSE-S3, versioned, retained)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * Lifecycle rules for the new bucket.
   *
   * @default - only incomplete multipart uploads are aborted after 7 days: no log object, current or
   * noncurrent, ever expires
   */
  readonly lifecycleRules?: s3.LifecycleRule[];

  /**
   * What happens to the new bucket (and created key and access-log bucket) when the stack is
   * deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The organization's log archive (`BedrockLogArchive`) to replicate this account's logs into,
   * imported with `s3.Bucket.fromBucketAttributes(this, 'Archive', { bucketName, account, encryptionKey })`
   * (the archive account; its KMS key when the archive uses SSE-KMS, which an SSE-KMS log bucket
   * requires). Adds one replication rule for `PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/`
   * and its role. Deploy the archive first: S3 refuses a replication rule whose destination does
   * not exist. Needs a bucket this construct creates, with a `bucketName`.
   *
   * @default - no replication
   */
  readonly archiveBucket?: s3.IBucket;
}


/** An S3 bucket name (general purpose buckets). */
const BUCKET_NAME = new RegExp(BUCKET_NAME_PATTERN);

/**
 * The S3 destination Bedrock writes model invocation logs to ("large data delivery" included):
 * a bucket with secure defaults (or an existing one), plus the write statement AWS documents for
 * Bedrock, and with SSE-KMS the key-policy statement for `kms:GenerateDataKey`.
 */
export class BedrockLogBucket extends Construct {
  /**
   * Adds every problem of `props` to `errors` and returns the normalised key prefix (the L3 calls it
   * too, so that one error lists the problems of all its parts). Unresolved tokens are not checked.
   * @internal
   */
  public static _checkProps(props: BedrockLogBucketProps, errors: ErrorCollector, stack: Stack): string {
    const keyPrefix = normalizeKeyPrefix(props.keyPrefix ?? DEFAULT_KEY_PREFIX, 'keyPrefix', errors);
    if (props.removalPolicy === RemovalPolicy.SNAPSHOT) {
      errors.add('removalPolicy SNAPSHOT is not supported by S3 buckets, KMS keys or log groups: use RemovalPolicy.RETAIN (the default), RETAIN_ON_UPDATE_OR_DELETE or DESTROY');
    }
    if (props.encryptionKey && props.createEncryptionKey) {
      errors.add('encryptionKey and createEncryptionKey: true contradict each other: give a key, or ask for one to be created, not both');
    }
    if (props.bucket) {
      const forNew = (['bucketName', 'createEncryptionKey', 'serverAccessLogsBucket', 'lifecycleRules', 'removalPolicy'] as const)
        .filter((k) => props[k] !== undefined && props[k] !== false);
      if (forNew.length > 0) {
        errors.add(`${forNew.join(', ')} only apply to a bucket this construct creates, but bucket was given: configure the existing bucket ${props.bucket.node.path} directly, or drop bucket`);
      }
      if (props.encryptionKey && props.bucket.encryptionKey && props.bucket.encryptionKey !== props.encryptionKey) {
        errors.add(`encryptionKey (${props.encryptionKey.node.path}) is not the key of bucket (${props.bucket.encryptionKey.node.path}): give the key the bucket encrypts with, or omit encryptionKey`);
      }
      checkSameEnvironment('bucket', props.bucket, stack, 'Bedrock delivers invocation logs only to a bucket in its own account and Region', errors);
    }
    const key = props.encryptionKey ?? props.bucket?.encryptionKey;
    if (key) {
      checkSameEnvironment(props.encryptionKey ? 'encryptionKey' : 'encryptionKey of bucket', key, stack,
        'S3 encrypts with a key of the bucket\'s Region, and Bedrock writes only to destinations of its own account and Region', errors);
    }
    if (props.archiveBucket) {
      if (props.bucket) {
        errors.add('archiveBucket needs a log bucket this construct creates (the replication rule is part of the bucket), but bucket was given: drop bucket, or configure replication on your bucket yourself');
      } else if (props.bucketName === undefined) {
        errors.add('archiveBucket needs bucketName: the replication role trusts S3 for this bucket only (aws:SourceArn), so its name must be known at synth (BedrockInvocationLoggingStack names it bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX)');
      }
      if ((props.encryptionKey || props.createEncryptionKey) && !props.archiveBucket.encryptionKey) {
        errors.add(`archiveBucket ${props.archiveBucket.node.path} has no encryptionKey, but the log bucket is SSE-KMS: S3 replicates SSE-KMS objects only with a replica key; import the archive with its key (its ArchiveKmsKeyArn output), or drop encryptionKey and createEncryptionKey`);
      }
    }
    if (props.bucketName !== undefined && !Token.isUnresolved(props.bucketName) && !BUCKET_NAME.test(props.bucketName)) {
      errors.add(`bucketName ${JSON.stringify(props.bucketName)} is not a valid S3 bucket name: use 3-63 lowercase letters, digits, "." or "-", starting and ending with a letter or digit`);
    }
    return keyPrefix;
  }

  /** The bucket Bedrock writes to. */
  public readonly bucket: s3.IBucket;
  /** The normalised key prefix (no leading or trailing `/`). */
  public readonly keyPrefix: string;
  /** The KMS key of the bucket, when SSE-KMS. */
  public readonly encryptionKey?: kms.IKey;
  /** The statement that lets Bedrock write, as added to the bucket policy. */
  public readonly bedrockWriteStatement: iam.PolicyStatement;
  /** The bucket policy resource when this construct could add to it, so that others can depend on it. */
  public readonly policyDependable?: Construct;
  /** The role S3 replicates into the archive with, when `archiveBucket` is given. */
  public readonly replicationRole?: iam.IRole;
  /** @internal */
  public readonly _replication?: ArchiveReplication;

  /**
   * @param scope the construct this one is added to (a stack, or a construct in one)
   * @param id its id within `scope`; it is part of the logical id of every resource below it, so
   * changing it replaces those resources
   * @param props its properties (all optional)
   */
  constructor(scope: Construct, id: string, props: BedrockLogBucketProps = {}) {
    super(scope, id);
    // Access-log delivery by bucket policy, not the LogDeliveryWrite ACL: ACLs stay disabled whatever the app's flags.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const errors = new ErrorCollector(`${this.node.path} props`);
    this.keyPrefix = BedrockLogBucket._checkProps(props, errors, Stack.of(this));
    errors.throwIfAny();

    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    if (props.bucket) {
      this.bucket = props.bucket;
      this.encryptionKey = props.encryptionKey ?? props.bucket.encryptionKey;
    } else {
      this.encryptionKey = props.encryptionKey ?? (props.createEncryptionKey ? createBucketKey(this, 'Key', 'Encrypts Amazon Bedrock model invocation logs', removalPolicy) : undefined);
      const accessLogs = props.serverAccessLogsBucket ?? createAccessLogsBucket(this, 'AccessLogs', removalPolicy, {
        replication: 'Access logs of the log bucket stay in the account and Region; replication is the account owner\'s choice.',
        events: NO_EVENT_CONSUMER,
      });
      const bucket = new s3.Bucket(this, 'Resource', {
        bucketName: props.bucketName,
        ...BUCKET_BASELINE,
        ...bucketEncryption(this.encryptionKey),
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: 'bedrock-log-bucket/',
        lifecycleRules: props.lifecycleRules ?? [{ id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
        removalPolicy,
      });
      this.bucket = bucket;
      if (props.archiveBucket) {
        this._replication = new ArchiveReplication(this, 'Replication', {
          bucket,
          bucketName: props.bucketName!,
          keyPrefix: this.keyPrefix,
          sourceKey: this.encryptionKey,
          archive: props.archiveBucket,
        });
        this.replicationRole = this._replication.role;
      } else {
        acknowledgeNagRule(bucket, COMPLIANCE_PACKS, 'S3BucketReplicationEnabled',
          'Replication of invocation logs (to another Region, or to the organization\'s archive with archiveBucket) is a choice for the account owner (cost, data residency); versioning and retention protect the data here.');
      }
      if (!this.encryptionKey) {
        const reason = 'SSE-S3 by default so that readers such as nOps need no kms:Decrypt grant; set createEncryptionKey or encryptionKey for SSE-KMS.';
        acknowledgeNagRule(bucket, COMPLIANCE_PACKS, 'S3DefaultEncryptionKMS', reason);
        acknowledgeGuardRule(bucket, 's3_bucket_default_encryption_kms_check', reason);
      }
      acknowledgeGuardRule(bucket, 's3_event_notifications_enabled_check', NO_EVENT_CONSUMER);
      acknowledgeGuardRule(bucket, 's3_bucket_object_lock_enabled_check', OBJECT_LOCK_IS_OWNERS_CHOICE);
    }

    this.bedrockWriteStatement = iam.PolicyStatement.fromJson(bedrockWriteStatement(sourceScope(stack), this.bucket.bucketArn, this.keyPrefix));
    const added = this.bucket.addToResourcePolicy(this.bedrockWriteStatement);
    if (added.statementAdded) {
      this.policyDependable = added.policyDependable as Construct | undefined ?? this.bucket.policy;
    } else {
      Annotations.of(this).addWarningV2('cdk-bedrock-invocation-logging:bucketPolicy',
        `The policy of bucket ${this.bucket.node.path} cannot be edited from this app. Its owner must add this statement before deployment, or Bedrock refuses the configuration: ${plainJson(stack, this.bedrockWriteStatement)}`);
    }

    if (this.encryptionKey) {
      const keyStatement = iam.PolicyStatement.fromJson(bedrockEncryptStatement(sourceScope(stack)));
      const keyAdded = this.encryptionKey.addToResourcePolicy(keyStatement, true);
      if (!keyAdded.statementAdded) {
        Annotations.of(this).addWarningV2('cdk-bedrock-invocation-logging:keyPolicy',
          `The policy of KMS key ${this.encryptionKey.node.path} cannot be edited from this app. Its owner must add this statement before deployment: ${plainJson(stack, keyStatement)}`);
      }
    }
  }

  /** `s3://bucket/prefix/`, the value for nOps's "S3 Data Prefix". */
  public get s3DataPrefix(): string {
    return s3DataPrefix(this.bucket.bucketName, this.keyPrefix);
  }
}

const NO_EVENT_CONSUMER = 'Nothing consumes object events: nOps reads the prefix on its own schedule with ListBucket and GetObject. '
  + 'A notification needs a target (SNS, SQS, Lambda or EventBridge) that would be one more resource in every account with no reader.';
