import { Annotations, ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BEDROCK_LOG_STREAM, BEDROCK_SERVICE_PRINCIPAL, bedrockSourceConditions, cloudWatchLogsKeyStatement, DEFAULT_LOG_GROUP_NAME } from './facts';
import { IAM_PATH } from '../shared/facts';
import { plainJson } from './private/plain-json';
import { sourceScope } from '../shared/stack-scope';
import { acknowledgeGuardRule } from '../shared/cfn-guard';
import { acknowledgeNagRule, COMPLIANCE_PACKS } from '../shared/nag';
import { checkSameEnvironment, ErrorCollector } from '../shared/validation';


/** Retention below this fails validation: audit logs are kept a year at least. */
const MIN_RETENTION_DAYS = 365;


/**
 * Properties for `BedrockCloudWatchDestination`.
 */
export interface BedrockCloudWatchDestinationProps {
  /**
   * Name of the log group to create.
   *
   * @default '/aws/bedrock/modelinvocations'
   */
  readonly logGroupName?: string;

  /**
   * How long the log group keeps events. Shorter than one year is refused.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;

  /**
   * KMS key that encrypts the log group, in the stack's account and Region. CloudWatch Logs may use
   * it only if its key policy lets the Region's CloudWatch Logs principal do so for this log group:
   * when the key's policy can be edited from this app (a key created in it) the statement is added;
   * otherwise synth warns and prints the statement the key's owner must add before deployment.
   *
   * @default - CloudWatch Logs' own service-side encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the log group when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The legacy CloudWatch Logs destination: a log group and the service role Bedrock assumes to
 * write to it. Every trust statement carries `aws:SourceAccount` and `aws:SourceArn`, and the role
 * may write only the `aws/bedrock/modelinvocations` stream of this group.
 */
export class BedrockCloudWatchDestination extends Construct {
  /**
   * Adds every problem of `props` to `errors` (the L3 calls it too, so that one error lists the
   * problems of all its parts). Unresolved tokens are not checked.
   * @internal
   */
  public static _checkProps(props: BedrockCloudWatchDestinationProps, errors: ErrorCollector, stack: Stack): void {
    const logGroupName = props.logGroupName ?? DEFAULT_LOG_GROUP_NAME;
    if (!Token.isUnresolved(logGroupName) && !/^[\w\-/.#]{1,512}$/.test(logGroupName)) {
      errors.add(`logGroupName ${JSON.stringify(logGroupName)} is not a valid log group name: use 1-512 letters, digits and _ - / . #`);
    }
    const retention = props.retention ?? logs.RetentionDays.ONE_YEAR;
    if (!Token.isUnresolved(retention) && !Object.values(logs.RetentionDays).includes(retention)) {
      errors.add(`retention (logGroupRetention on BedrockInvocationLogging) ${retention} is not a number of days CloudWatch Logs accepts: use a logs.RetentionDays value (ONE_YEAR or longer)`);
    } else if (retention !== logs.RetentionDays.INFINITE && retention < MIN_RETENTION_DAYS) {
      errors.add(`retention (logGroupRetention on BedrockInvocationLogging) ${retention} days is shorter than ${MIN_RETENTION_DAYS}: keep audit logs at least a year (logs.RetentionDays.ONE_YEAR or longer)`);
    }
    if (props.encryptionKey) {
      checkSameEnvironment('encryptionKey (logGroupEncryptionKey on BedrockInvocationLogging)', props.encryptionKey, stack,
        'CloudWatch Logs encrypts a log group with a key of its own Region, and Bedrock writes only to a log group of its own account and Region', errors);
    }
  }

  /** The log group Bedrock writes to. */
  public readonly logGroup: logs.LogGroup;
  /** The role Bedrock assumes to write to the log group. */
  public readonly serviceRole: iam.Role;
  /** The policy of the service role; Bedrock validates the role when logging is configured, so depend on it. */
  public readonly serviceRolePolicy: iam.ManagedPolicy;

  /**
   * @param scope the construct this one is added to (a stack, or a construct in one)
   * @param id its id within `scope`; it is part of the logical id of every resource below it, so
   * changing it replaces those resources
   * @param props its properties (all optional)
   */
  constructor(scope: Construct, id: string, props: BedrockCloudWatchDestinationProps = {}) {
    super(scope, id);
    const errors = new ErrorCollector(`${this.node.path} props`);
    BedrockCloudWatchDestination._checkProps(props, errors, Stack.of(this));
    errors.throwIfAny();
    const logGroupName = props.logGroupName ?? DEFAULT_LOG_GROUP_NAME;
    const retention = props.retention ?? logs.RetentionDays.ONE_YEAR;

    const stack = Stack.of(this);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      retention,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    if (props.encryptionKey) {
      const keyStatement = iam.PolicyStatement.fromJson(cloudWatchLogsKeyStatement(sourceScope(stack), stack.urlSuffix, logGroupName));
      if (!props.encryptionKey.addToResourcePolicy(keyStatement, true).statementAdded) {
        Annotations.of(this).addWarningV2('cdk-bedrock-invocation-logging:logGroupKeyPolicy',
          `The policy of KMS key ${props.encryptionKey.node.path} cannot be edited from this app. Its owner must add this statement before deployment, or CloudFormation cannot create the log group: ${plainJson(stack, keyStatement)}`);
      }
    } else {
      const reason = 'Invocation logs in CloudWatch are encrypted by CloudWatch Logs itself; pass encryptionKey (logGroupEncryptionKey on BedrockInvocationLogging) for a customer managed key.';
      acknowledgeNagRule(this.logGroup, COMPLIANCE_PACKS, 'CloudWatchLogGroupEncrypted', reason);
      acknowledgeGuardRule(this.logGroup, 'cloudwatch_log_group_encrypted_check', reason);
    }

    const streamArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${this.logGroup.logGroupName}:log-stream:${BEDROCK_LOG_STREAM}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.serviceRole = new iam.Role(this, 'ServiceRole', {
      path: IAM_PATH,
      description: 'Lets Amazon Bedrock write model invocation logs to CloudWatch Logs',
      assumedBy: new iam.PrincipalWithConditions(new iam.ServicePrincipal(BEDROCK_SERVICE_PRINCIPAL), bedrockSourceConditions(sourceScope(stack))),
    });
    this.serviceRolePolicy = new iam.ManagedPolicy(this, 'ServiceRolePolicy', {
      path: IAM_PATH,
      description: 'Bedrock writes model invocation logs to one log stream',
      statements: [new iam.PolicyStatement({
        sid: 'WriteInvocationLogStream',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [streamArn],
      })],
      roles: [this.serviceRole],
    });
  }
}
