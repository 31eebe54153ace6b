import { Annotations, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LOG_BUCKET_NAME_PREFIX } from '../logging/facts';
import { NOPS_DENIED_LOGS_ACTION, NOPS_GRANT_POLICY_DESCRIPTION } from './facts';
import { BedrockInvocationLogging } from '../logging/invocation-logging';
import { acknowledgeResourceWildcards } from '../shared/nag';
import { ErrorCollector, validateRoleName } from '../shared/validation';

/**
 * Properties for `NopsIntegrationGrant`.
 */
export interface NopsIntegrationGrantProps {
  /** The logging whose bucket, prefix, key and log group the role may read. */
  readonly invocationLogging: BedrockInvocationLogging;

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
 * invocation logs and nothing else. The policy name is generated from the stack and so differs in
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
    if (props.legacyCloudWatchLogsRead && !props.invocationLogging.logGroup) {
      errors.add('legacyCloudWatchLogsRead is true but the logging has cloudWatchLogs off: turn cloudWatchLogs on, or drop legacyCloudWatchLogsRead');
    }
    const bucketName = props.invocationLogging.bucket.bucketName;
    if (props.accountWide && !Token.isUnresolved(bucketName) && !bucketName.startsWith(`${LOG_BUCKET_NAME_PREFIX}-`)) {
      errors.add(`accountWide is true but the log bucket ${JSON.stringify(bucketName)} is not named ${LOG_BUCKET_NAME_PREFIX}-ACCOUNT-REGION-SUFFIX: name it so (bucketName), or drop accountWide`);
    }
    errors.throwIfAny();

    this.accountWide = props.accountWide ?? false;
    this.role = props.role ?? iam.Role.fromRoleName(this, 'Role', props.roleName!);
    const statements = props.accountWide
      ? props.invocationLogging.accountWideReadStatements(props.legacyCloudWatchLogsRead ?? false)
      : props.invocationLogging.readStatements(props.legacyCloudWatchLogsRead ?? false);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: NOPS_GRANT_POLICY_DESCRIPTION,
      statements,
      roles: [this.role],
    });
    acknowledgeResourceWildcards(this.policy, statements,
      'Bedrock names log objects by date, hour and UUID, so reading them needs PREFIX/*; the wildcard stops at the prefix boundary and the actions are read-only.');
    if (props.legacyCloudWatchLogsRead) {
      Annotations.of(this).addWarningV2('cdk-bedrock-invocation-logging:nopsDeniesGetLogEvents',
        `nOps's read-only onboarding policy explicitly denies ${NOPS_DENIED_LOGS_ACTION}; an explicit Deny wins over this Allow, so the legacy CloudWatch read works only if that Deny is removed. nOps reads the S3 logs either way.`);
    }
  }
}
