import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IDependable } from 'constructs';
import { BedrockCloudWatchDestination } from './cloudwatch-destination';
import { BedrockLogBucket } from './log-bucket';
import { ModelInvocationLoggingConfiguration } from './logging-configuration';
import { ModelInvocationLoggingOptions } from './logging-options';
import { grantStatements } from '../shared/grant';
import { loggingOptionsOf } from './private/logging-options';
import { accountWideLogsReadStatements, logGroupReadStatement, logsReadStatements } from './private/read-statements';
import { BedrockInvocationLoggingAttributes, IBedrockInvocationLogging } from './invocation-logging-interface';
import { ImportedInvocationLogging } from './private/imported-invocation-logging';
import { ErrorCollector } from '../shared/validation';

/**
 * Properties for `BedrockInvocationLogging`.
 */
export interface BedrockInvocationLoggingProps extends ModelInvocationLoggingOptions {
  /**
   * An existing bucket for the logs (same account and Region, ACLs disabled). If its policy cannot
   * be edited from this app, a synth warning prints the statement its owner must add.
   *
   * @default - a new bucket: public access blocked, TLS only, ACLs disabled, versioned, encrypted,
   * server access logging on, retained on delete
   */
  readonly bucket?: s3.IBucket;

  /**
   * Key prefix Bedrock writes under, and the only part of the bucket nOps may read.
   * Trailing `/` is dropped; `s3://`, a leading `/`, `.`/`..` segments, `*`, `?` and characters S3
   * handles badly are refused.
   *
   * @default 'bedrock'
   */
  readonly keyPrefix?: string;

  /**
   * SSE-KMS with this key; its policy gets Bedrock's `kms:GenerateDataKey` statement and readers get
   * `kms:Decrypt`. With an existing `bucket`, give the key that bucket uses.
   *
   * @default - the key of `bucket` if it has one; otherwise SSE-S3 unless `createEncryptionKey`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Create a KMS key (rotation on, retained) for the new bucket.
   *
   * @default false
   */
  readonly createEncryptionKey?: boolean;

  /**
   * Name of the new bucket. Only with a new bucket.
   *
   * @default - a name CloudFormation generates
   */
  readonly bucketName?: string;

  /**
   * Where the new bucket's S3 server access logs go. Only with a new bucket.
   *
   * @default - a dedicated access-log bucket
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * Lifecycle rules of the new bucket. Only with a new bucket.
   *
   * @default - incomplete multipart uploads are aborted after 7 days; no object ever expires
   */
  readonly lifecycleRules?: s3.LifecycleRule[];

  /**
   * Removal policy of the new bucket, created key and log group.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The organization's log archive to replicate this account's logs into: a `BedrockLogArchive`
   * bucket imported with `s3.Bucket.fromBucketAttributes(this, 'Archive', { bucketName, account, encryptionKey })`
   * (with the archive's KMS key when it uses SSE-KMS; required when this bucket is SSE-KMS). One
   * replication rule for `PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/`, delete markers not
   * replicated, metrics on; a role on the library's IAM path trusted only by S3 for this bucket.
   * Only with a new bucket that has a `bucketName`. Deploy the archive first: S3 refuses a
   * replication rule whose destination bucket does not exist.
   *
   * @default - no replication
   */
  readonly archiveBucket?: s3.IBucket;

  /**
   * Also deliver to CloudWatch Logs (legacy: nOps reads only S3). Large and binary payloads then
   * go to the same bucket and prefix.
   *
   * @default false
   */
  readonly cloudWatchLogs?: boolean;

  /**
   * Name of the log group. Only with `cloudWatchLogs`.
   *
   * @default '/aws/bedrock/modelinvocations'
   */
  readonly logGroupName?: string;

  /**
   * Retention of the log group, one year at least. Only with `cloudWatchLogs`.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logGroupRetention?: logs.RetentionDays;

  /**
   * KMS key of the log group (same account and Region). Only with `cloudWatchLogs`. Its policy gets
   * the statement CloudWatch Logs needs to use it for this log group when it can be edited from this
   * app; otherwise synth warns and prints the statement.
   *
   * @default - CloudWatch Logs' service-side encryption
   */
  readonly logGroupEncryptionKey?: kms.IKey;

}


/**
 * Amazon Bedrock model invocation logging for one account and Region, delivered to S3 (and
 * optionally CloudWatch Logs), with grants for readers such as the nOps integration role.
 */
export class BedrockInvocationLogging extends Construct implements IBedrockInvocationLogging {
  /**
   * Logging configured elsewhere (the console, Terraform, another stack or app), for the nOps grant,
   * `BedrockLogAnalytics` and the grant methods. Adds no resource and changes nothing about the
   * logging or the bucket. Throws a `ValidationError` listing every problem of `attrs`.
   */
  public static fromExisting(scope: Construct, id: string, attrs: BedrockInvocationLoggingAttributes): IBedrockInvocationLogging {
    return new ImportedInvocationLogging(scope, id, attrs);
  }

  /**
   * Adds every problem of `props`, and of the parts they configure, to `errors`, so that one error
   * lists them all. Unresolved tokens are not checked.
   * @internal
   */
  public static _checkProps(props: BedrockInvocationLoggingProps, errors: ErrorCollector, stack: Stack): void {
    BedrockLogBucket._checkProps(props, errors, stack);
    if (props.cloudWatchLogs) {
      BedrockCloudWatchDestination._checkProps({ logGroupName: props.logGroupName, retention: props.logGroupRetention, encryptionKey: props.logGroupEncryptionKey }, errors, stack);
    } else {
      const cwOnly = (['logGroupName', 'logGroupRetention', 'logGroupEncryptionKey'] as const).filter((k) => props[k] !== undefined);
      if (cwOnly.length > 0) {
        errors.add(`${cwOnly.join(', ')} given but cloudWatchLogs is off: set cloudWatchLogs: true, or drop ${cwOnly.length > 1 ? 'them' : 'it'}`);
      }
    }
  }

  /** The bucket Bedrock writes to. */
  public readonly bucket: s3.IBucket;
  /** The key prefix, normalised (no leading or trailing `/`). */
  public readonly keyPrefix: string;
  /** `s3://BUCKET/PREFIX/`: paste it into nOps as "S3 Data Prefix". */
  public readonly s3DataPrefix: string;
  /** The KMS key of the bucket when SSE-KMS. */
  public readonly encryptionKey?: kms.IKey;
  /** The log group, when `cloudWatchLogs` is on. */
  public readonly logGroup?: logs.ILogGroup;
  /** The role Bedrock assumes to write to CloudWatch Logs, when `cloudWatchLogs` is on. */
  public readonly serviceRole?: iam.IRole;
  /** The log bucket part. */
  public readonly logBucket: BedrockLogBucket;
  /** The logging configuration custom resource. */
  public readonly loggingConfiguration: ModelInvocationLoggingConfiguration;
  /** The role S3 replicates into the archive with, when `archiveBucket` is given. */
  public readonly replicationRole?: iam.IRole;

  /**
   * @param scope the construct this one is added to (a stack, or a construct in one)
   * @param id its id within `scope`; it is part of the logical id of every resource below it, so
   * changing it replaces those resources
   * @param props its properties (all optional)
   */
  constructor(scope: Construct, id: string, props: BedrockInvocationLoggingProps = {}) {
    super(scope, id);
    const errors = new ErrorCollector(`${this.node.path} props`);
    BedrockInvocationLogging._checkProps(props, errors, Stack.of(this));
    errors.throwIfAny();

    this.logBucket = new BedrockLogBucket(this, 'LogBucket', {
      bucket: props.bucket,
      keyPrefix: props.keyPrefix,
      encryptionKey: props.encryptionKey,
      createEncryptionKey: props.createEncryptionKey,
      bucketName: props.bucketName,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      lifecycleRules: props.lifecycleRules,
      removalPolicy: props.removalPolicy,
      archiveBucket: props.archiveBucket,
    });
    this.bucket = this.logBucket.bucket;
    this.replicationRole = this.logBucket.replicationRole;
    this.keyPrefix = this.logBucket.keyPrefix;
    this.encryptionKey = this.logBucket.encryptionKey;
    this.s3DataPrefix = this.logBucket.s3DataPrefix;

    const dependsOn: IDependable[] = [];
    if (this.logBucket.policyDependable) dependsOn.push(this.logBucket.policyDependable);
    if (this.encryptionKey) dependsOn.push(this.encryptionKey);
    if (props.cloudWatchLogs) {
      const cw = new BedrockCloudWatchDestination(this, 'CloudWatch', {
        logGroupName: props.logGroupName,
        retention: props.logGroupRetention,
        encryptionKey: props.logGroupEncryptionKey,
        removalPolicy: props.removalPolicy,
      });
      this.logGroup = cw.logGroup;
      this.serviceRole = cw.serviceRole;
      dependsOn.push(cw.logGroup, cw.serviceRole, cw.serviceRolePolicy);
    }

    this.loggingConfiguration = new ModelInvocationLoggingConfiguration(this, 'LoggingConfiguration', {
      bucket: this.bucket,
      keyPrefix: this.keyPrefix,
      logGroup: this.logGroup,
      serviceRole: this.serviceRole,
      ...loggingOptionsOf(props),
      dependsOn,
    });
  }

  /**
   * Statements that read the logs and nothing else: `s3:ListBucket` limited to `PREFIX/*`,
   * `s3:GetObject` on `PREFIX/*`, `kms:Decrypt` on the key with SSE-KMS, and, when asked, the four
   * CloudWatch Logs read actions on the log group.
   */
  public readStatements(includeLegacyLogsRead: boolean = false): iam.PolicyStatement[] {
    return logsReadStatements(this, includeLegacyLogsRead, this.noLogGroup('includeLegacyLogsRead'));
  }

  /**
   * Statements that read the logs in every Region's log bucket of this account, by the name
   * scheme `bedrock-invocation-logs-ACCOUNT-*` (see `accountLogsReadStatements` in facts.ts),
   * and, when asked, the four CloudWatch Logs read actions on this logging's log group. For one
   * grant per account; the bucket must be named by that scheme.
   */
  public accountWideReadStatements(includeLegacyLogsRead: boolean = false): iam.PolicyStatement[] {
    return accountWideLogsReadStatements(this, this, includeLegacyLogsRead, this.noLogGroup('includeLegacyLogsRead'));
  }

  /** Lets `grantee` list and read the logs under the prefix (and decrypt them with SSE-KMS). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantStatements(grantee, this.readStatements(false));
  }

  /** Lets `grantee` read the CloudWatch Logs destination (legacy). Fails if `cloudWatchLogs` is off. */
  public grantLegacyLogsRead(grantee: iam.IGrantable): iam.Grant {
    return grantStatements(grantee, [logGroupReadStatement(this, this.noLogGroup('grantLegacyLogsRead'))]);
  }

  private noLogGroup(what: string): string {
    return `${what} needs the CloudWatch Logs destination, but cloudWatchLogs is off on ${this.node.path}: set cloudWatchLogs: true`;
  }
}
