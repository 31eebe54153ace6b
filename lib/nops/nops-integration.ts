import { Annotations, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LOG_BUCKET_NAME_PREFIX } from '../logging/facts';
import { NOPS_DENIED_LOGS_ACTION, NOPS_GRANT_POLICY_DESCRIPTION } from './facts';
import { IBedrockInvocationLogging } from '../logging/invocation-logging-interface';
import { BedrockLogArchive } from '../archive/log-archive';
import { acknowledgeResourceWildcards } from '../shared/nag';
import { ErrorCollector, validateRoleName } from '../shared/validation';

/**
 * Properties for `NopsIntegrationGrant`.
 */
export interface NopsIntegrationGrantProps {
  /**
   * The logging whose bucket, prefix, key and log group the role may read: a
   * `BedrockInvocationLogging`, or `BedrockInvocationLogging.fromExisting()` for logging configured
   * elsewhere. Give this or `archive`.
   *
   * @default - `archive` is read
   */
  readonly invocationLogging?: IBedrockInvocationLogging;

  /**
   * The organization's log archive the role may read (`BedrockLogArchive.readStatements()`: every
   * account's logs under the archive prefix), in one managed policy, for an nOps integration in the
   * log-archive account. Give this or `invocationLogging`. Not with `accountWide` or
   * `legacyCloudWatchLogsRead`.
   *
   * @default - `invocationLogging` is read
   */
  readonly archive?: BedrockLogArchive;

  /**
   * Name of the existing nOps integration role (`Nops-Integration-*` when onboarded with
   * CloudFormation, `NopsIntegrationRole-*` with Terraform). Give this or `role`.
   *
   * @default - `role` is used
   */
  readonly roleName?: string;

  /**
   * The existing nOps integration role. Give this or `roleName`.
   *
   * @default - the role named `roleName`
   */
  readonly role?: iam.IRole;

  /**
   * Cover every Region's log bucket of this account instead of this logging's bucket only: the
   * buckets named `bedrock-invocation-logs-ACCOUNT-*` that this account owns (`s3:ResourceAccount`),
   * the prefix, and with SSE-KMS this account's keys through S3 only. Create it in one Region
   * (`BedrockInvocationLoggingStack` does, with `nopsGrantRegion`): the role then carries one policy
   * from this library whatever the number of Regions (IAM allows 10 managed policies per role, 20 at
   * most). Needs the log bucket named by that scheme.
   *
   * @default false - this logging's bucket only
   */
  readonly accountWide?: boolean;

  /**
   * Also allow the four CloudWatch Logs read actions on the log group (legacy). Needs
   * `cloudWatchLogs` on the logging. nOps's read-only onboarding policy explicitly denies
   * `logs:GetLogEvents`, and no Allow overrides an explicit Deny.
   *
   * @default false
   */
  readonly legacyCloudWatchLogsRead?: boolean;
}

/**
 * Attaches one managed policy to the existing nOps integration role that lets it read the
 * invocation logs and nothing else: one account's logging (`invocationLogging`), or the
 * organization's log archive (`archive`). The policy name is generated from the stack and so differs in
 * each Region and stack that grants to the same role.
 */
export class NopsIntegrationGrant extends Construct {
  /** The role that was granted. */
  public readonly role: iam.IRole;
  /** The policy attached to the role. */
  public readonly policy: iam.ManagedPolicy;
  /** Whether the grant covers every Region's log bucket of the account (`accountWide`). */
  public readonly accountWide: boolean;

  /**
   * @param scope the construct this one is added to (a stack, or a construct in one)
   * @param id its id within `scope`; it is part of the logical id of every resource below it, so
   * changing it replaces those resources
   * @param props its properties
   */
  constructor(scope: Construct, id: string, props: NopsIntegrationGrantProps) {
    super(scope, id);
    const errors = new ErrorCollector(`${this.node.path} props`);
    if (!!props.role === (props.roleName !== undefined)) {
      errors.add('give exactly one of roleName (for example "Nops-Integration-abc123") and role');
    }
    if (props.roleName !== undefined) {
      validateRoleName(props.roleName, 'roleName', errors);
    }
    const logging = props.invocationLogging;
    if (!!logging === !!props.archive) {
      errors.add('give exactly one of invocationLogging (a BedrockInvocationLogging, or BedrockInvocationLogging.fromExisting(...)) and archive (a BedrockLogArchive)');
    }
    if (props.archive) {
      const archiveOnly = (['accountWide', 'legacyCloudWatchLogsRead'] as const).filter((k) => props[k]);
      if (archiveOnly.length > 0) {
        errors.add(`${archiveOnly.join(' and ')} ${archiveOnly.length > 1 ? 'apply' : 'applies'} to a member account's logging, not to archive: drop ${archiveOnly.length > 1 ? 'them' : 'it'}`);
      }
    }
    if (logging && props.legacyCloudWatchLogsRead && !logging.logGroup) {
      errors.add('legacyCloudWatchLogsRead is true but the logging has cloudWatchLogs off: turn cloudWatchLogs on, or drop legacyCloudWatchLogsRead');
    }
    const bucketName = logging?.bucket.bucketName;
    if (props.accountWide && bucketName !== undefined && !Token.isUnresolved(bucketName) && !bucketName.startsWith(`${LOG_BUCKET_NAME_PREFIX}-`)) {
      errors.add(`accountWide is true but the log bucket ${JSON.stringify(bucketName)} is not named ${LOG_BUCKET_NAME_PREFIX}-ACCOUNT-REGION-SUFFIX: name it so (bucketName), or drop accountWide`);
    }
    errors.throwIfAny();

    this.accountWide = props.accountWide ?? false;
    this.role = props.role ?? iam.Role.fromRoleName(this, 'Role', props.roleName!);
    const legacy = props.legacyCloudWatchLogsRead ?? false;
    const statements = !logging ? props.archive!.readStatements()
      : props.accountWide ? logging.accountWideReadStatements(legacy) : logging.readStatements(legacy);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: NOPS_GRANT_POLICY_DESCRIPTION,
      statements,
      roles: [this.role],
    });
    acknowledgeResourceWildcards(this.policy, statements, logging
      ? 'Bedrock names log objects by date, hour and UUID, so reading them needs PREFIX/*; the wildcard stops at the prefix boundary and the actions are read-only.'
      : 'The archive holds every account\'s logs named by account, Region, date, hour and id, so reading them needs PREFIX/AWSLogs/*; the wildcard stops at the prefix boundary and the actions are read-only.');
    if (props.legacyCloudWatchLogsRead) {
      Annotations.of(this).addWarningV2('cdk-bedrock-invocation-logging:nopsDeniesGetLogEvents',
        `nOps's read-only onboarding policy explicitly denies ${NOPS_DENIED_LOGS_ACTION}; an explicit Deny wins over this Allow, so the legacy CloudWatch read works only if that Deny is removed. nOps reads the S3 logs either way.`);
    }
  }
}
