import { Aws, CfnCondition, CfnResource, Fn, IResolvable, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ARCHIVE_REPLICATION_RULE_ID, replicationRoleStatements, replicationTrustStatement } from './facts';
import { IAM_PATH, logObjectsFolder } from '../shared/facts';
import { acknowledgeNagRule, acknowledgeResourceWildcards, COMPLIANCE_PACKS } from '../shared/nag';

/** What `ArchiveReplication` replicates, from where to where. */
export interface ArchiveReplicationProps {
  /** The log bucket (the source). */
  readonly bucket: s3.Bucket;
  /**
   * Its name, known at synth without a reference to the bucket: the role's trust names the bucket
   * (`aws:SourceArn`) and the bucket names the role, so a `Ref` there would make them depend on
   * each other. (The role's policy refers to the bucket itself: shorter, and no cycle.)
   */
  readonly bucketName: string;
  readonly keyPrefix: string;
  /** The log bucket's key, with SSE-KMS. */
  readonly sourceKey?: kms.IKey;
  /** The archive, imported with its account and, with SSE-KMS, its key. */
  readonly archive: s3.IBucket;
}

/** S3 replication metrics, with the only threshold S3 accepts (15 minutes). */
const METRICS = { status: 'Enabled', eventThreshold: { minutes: 15 } };

/**
 * One replication rule on a member's log bucket: this account's log folder
 * (`PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/`) into the same keys of the organization's
 * archive, delete markers not replicated, replication metrics on, SSE-KMS objects replicated with
 * the archive's key; and the role S3 assumes for it, on the library's IAM path, trusted only by S3
 * for this bucket, allowed only what replication needs (`replicationRoleStatements`).
 */
export class ArchiveReplication extends Construct {
  public readonly role: iam.Role;
  public readonly policy: iam.ManagedPolicy;
  private readonly bucket: s3.CfnBucket;
  private readonly archive: s3.IBucket;
  private readonly folder: string;
  private readonly archiveKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: ArchiveReplicationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bucket = props.bucket.node.defaultChild as s3.CfnBucket;
    this.archive = props.archive;
    this.archiveKey = props.archive.encryptionKey;
    this.folder = logObjectsFolder(props.keyPrefix, stack.account);
    const sourceArn = `arn:${stack.partition}:s3:::${props.bucketName}`;
    const viaS3 = (region: string) => `s3.${region}.${stack.urlSuffix}`;

    this.role = new iam.Role(this, 'Role', {
      path: IAM_PATH,
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
    });
    (this.role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument = {
      Version: '2012-10-17',
      Statement: [replicationTrustStatement(stack.account, sourceArn)],
    };
    const statements = replicationRoleStatements({ bucketArn: props.bucket.bucketArn, account: stack.account, prefix: props.keyPrefix }, props.archive.bucketArn, {
      sourceKeyArn: props.sourceKey?.keyArn,
      sourceS3Endpoint: viaS3(stack.region),
      archiveKeyArn: this.archiveKey?.keyArn,
      // S3 calls KMS in the archive's Region, which is the Region of its key.
      archiveS3Endpoint: this.archiveKey ? viaS3(this.archiveKey.env.region) : undefined,
    }).map((json) => iam.PolicyStatement.fromJson(json));
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      // On the library's path, like the role (the tamper guard denies changing policies there).
      path: IAM_PATH,
      // No description: the member template has little room (StackSets' inline TemplateBody); the Sids say it.
      statements,
      roles: [this.role],
    });
    acknowledgeResourceWildcards(this.policy, statements,
      'Bedrock names log objects by Region, date, hour and id, so replicating them needs PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/*; '
      + 'each wildcard stops at this account\'s log folder, in the log bucket and in the archive.');

    this.bucket.replicationConfiguration = {
      role: this.role.roleArn,
      rules: [{
        ...this.rule(),
        destination: { ...this.destination(), encryptionConfiguration: this.archiveKey ? { replicaKmsKeyId: this.archiveKey.keyArn } : undefined },
        sourceSelectionCriteria: this.archiveKey ? { sseKmsEncryptedObjects: { status: 'Enabled' } } : undefined,
      }],
    };
  }

  /**
   * For the StackSet member template: the role and policy exist only under `replicate`, the
   * bucket's `ReplicationConfiguration` is `Fn::If(replicate, ..., AWS::NoValue)`, and the archive
   * key's parts (replica key, SSE-KMS source selection, the `EncryptReplicas` statement) only under
   * `archiveKey`, when given (without it they go with `replicate`: an SSE-KMS log bucket, whose
   * template requires the archive's key with the archive).
   * @internal
   */
  public _conditional(replicate: CfnCondition, archiveKey?: CfnCondition): void {
    for (const c of [this.role, this.policy]) (c.node.defaultChild as CfnResource).cfnOptions.condition = replicate;
    const ifKey = (value: unknown) => archiveKey ? Fn.conditionIf(archiveKey.logicalId, value, Aws.NO_VALUE) : value;
    if (this.archiveKey && archiveKey) {
      const policy = this.policy.node.defaultChild as iam.CfnManagedPolicy;
      const document = this.policy.document.toJSON() as { Statement: unknown[] };
      const last = document.Statement.length - 1;
      policy.addPropertyOverride(`PolicyDocument.Statement.${last}`, ifKey(document.Statement[last]));
    }
    const rule = pascal(this.rule()) as Record<string, unknown>;
    this.bucket.replicationConfiguration = undefined;
    this.bucket.addPropertyOverride('ReplicationConfiguration', Fn.conditionIf(replicate.logicalId, {
      Role: this.role.roleArn,
      Rules: [{
        ...rule,
        Destination: {
          ...pascal(this.destination()) as object,
          ...this.archiveKey ? { EncryptionConfiguration: ifKey({ ReplicaKmsKeyID: this.archiveKey.keyArn }) } : {},
        },
        ...this.archiveKey ? { SourceSelectionCriteria: ifKey({ SseKmsEncryptedObjects: { Status: 'Enabled' } }) } : {},
      }],
    }, Aws.NO_VALUE));
    acknowledgeNagRule(this.bucket, COMPLIANCE_PACKS, 'S3BucketReplicationEnabled',
      'Replication into the organization\'s log archive is on when the stack\'s ArchiveBucketName parameter is set, and off when it is empty.');
  }

  private rule() {
    return {
      id: ARCHIVE_REPLICATION_RULE_ID,
      priority: 0,
      status: 'Enabled',
      filter: { prefix: this.folder },
      deleteMarkerReplication: { status: 'Disabled' },
    };
  }

  private destination() {
    return { bucket: this.archive.bucketArn, account: this.archive.env.account, metrics: METRICS };
  }
}

/** camelCase keys to CloudFormation's PascalCase (for a raw property override). */
function pascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascal);
  if (value === null || typeof value !== 'object' || isResolvable(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0].toUpperCase() + k.slice(1), pascal(v)]));
}

function isResolvable(value: object): value is IResolvable {
  return typeof (value as IResolvable).resolve === 'function';
}
