import { Aws, CfnCondition, CfnResource, CustomResource, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnWaitConditionHandle } from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct, IDependable } from 'constructs';
import { BEDROCK_SERVICE_PRINCIPAL, HANDLER_FUNCTION_NAME_PREFIX } from './facts';
import { IAM_PATH } from '../shared/facts';
import { inlineHandlerCode } from './handler/inline';
import { ModelInvocationLoggingOptions, OnDelete } from './logging-options';
import { stackIdSuffix } from '../shared/stack-scope';
import { STATE_PARAMETER_NAME } from './facts';
import { acknowledgeGuardRule } from '../shared/cfn-guard';
import { acknowledgeNagRule, COMPLIANCE_PACKS, HIPAA, NIST } from '../shared/nag';
import { ErrorCollector } from '../shared/validation';

// The handler owns the resource property and SSM parameter names; reading them from it keeps both sides in step.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handlerModule: {
  PROPS: Record<string, string>;
  FLAGS: string[];
  STACK_VAR: string;
  RESOURCE_TYPE: string;
  stateNames: (parameterName: string) => string[];
  markerName: (parameterName: string, stackName: string) => string;
} = require('./handler/index.js');

/** The oldest Node.js major version the handler may run on (Lambda no longer creates nodejs20.x functions). */
const OLDEST_NODE_MAJOR = 22;


/**
 * Properties for `ModelInvocationLoggingConfiguration`.
 */
export interface ModelInvocationLoggingConfigurationProps extends ModelInvocationLoggingOptions {
  /** Bucket Bedrock writes logs and large payloads to (`s3Config`, and `largeDataDeliveryS3Config` with CloudWatch). */
  readonly bucket: s3.IBucket;

  /** Key prefix in the bucket, without leading or trailing `/`. */
  readonly keyPrefix: string;

  /**
   * CloudWatch Logs destination (legacy). Requires `serviceRole`.
   *
   * @default - no CloudWatch Logs destination
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * Role Bedrock assumes to write to `logGroup`. Requires `logGroup`.
   *
   * @default - no CloudWatch Logs destination
   */
  readonly serviceRole?: iam.IRole;

  /**
   * Resources the configuration must wait for: Bedrock validates the destinations when the
   * configuration is saved, so the bucket policy, key and role policy must exist first.
   *
   * @default - none besides the bucket, log group and role
   */
  readonly dependsOn?: IDependable[];
}

/**
 * Bedrock's model invocation logging configuration for the stack's account and Region, managed by a
 * custom resource (CloudFormation has no resource type for it). The handler is inlined: no assets.
 *
 * Only one may exist per stack, and it should exist once per account and Region.
 */
export class ModelInvocationLoggingConfiguration extends Construct {
  /**
   * SSM parameter in which the handler remembers the configuration that was in place before it
   * (one per account and Region; the handler role may read and write only this one).
   */
  public static readonly STATE_PARAMETER_NAME = STATE_PARAMETER_NAME;

  /** The custom resource. */
  public readonly resource: CustomResource;
  /** The handler function. */
  public readonly handler: lambda.Function;
  /** What the handler last did, for a stack output. */
  public readonly message: string;

  /**
   * @param scope the construct this one is added to (a stack, or a construct in one)
   * @param id its id within `scope`; it is part of the logical id of every resource below it, so
   * changing it replaces those resources
   * @param props its properties
   */
  constructor(scope: Construct, id: string, props: ModelInvocationLoggingConfigurationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const errors = new ErrorCollector(`${this.node.path} props`);
    const flags = handlerModule.FLAGS;
    const flagValues = flags.map((f) => (props as any)[f] ?? true);
    if (flagValues.every((v) => v === false)) {
      errors.add(`${flags.join(', ')} are all false: nothing would be logged; turn at least one on`);
    }
    const runtime = props.handlerRuntime ?? lambda.Runtime.NODEJS_24_X;
    const nodeMajor = Number(/^nodejs(\d+)\.x$/.exec(runtime.name)?.[1] ?? 0);
    if (runtime.family !== lambda.RuntimeFamily.NODEJS || nodeMajor < OLDEST_NODE_MAJOR) {
      errors.add(`handlerRuntime ${runtime.name} is not supported: the handler needs Node.js ${OLDEST_NODE_MAJOR} or later (Lambda no longer creates nodejs20.x functions); use lambda.Runtime.NODEJS_24_X (the default) or NODEJS_22_X`);
    }
    if (!!props.logGroup !== !!props.serviceRole) {
      errors.add('logGroup and serviceRole go together: give both for a CloudWatch Logs destination, or neither');
    }
    const others = stack.node.findAll().filter((c) => c instanceof ModelInvocationLoggingConfiguration);
    if (others.length > 1) {
      errors.add(`this stack already has one at ${others[0].node.path}: the setting is one per account and Region, so create it once`);
    }
    errors.throwIfAny();

    const role = new iam.Role(this, 'HandlerRole', {
      path: IAM_PATH,
      description: 'Custom resource handler that manages Bedrock model invocation logging',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    const logGroup = new logs.LogGroup(this, 'HandlerLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const statements = [
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'ManageInvocationLogging',
        actions: [
          'bedrock:PutModelInvocationLoggingConfiguration',
          'bedrock:GetModelInvocationLoggingConfiguration',
          'bedrock:DeleteModelInvocationLoggingConfiguration',
        ],
        // These actions have no resource type: IAM accepts only "*".
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'RememberPreviousConfiguration',
        actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
        // The record's parts, and this stack's marker (how a Delete that cancels its Create tells it).
        resources: [...handlerModule.stateNames(STATE_PARAMETER_NAME), handlerModule.markerName(STATE_PARAMETER_NAME, Aws.STACK_NAME)]
          .map((name) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) })),
      }),
      new iam.PolicyStatement({
        sid: 'ConfirmRequestsWithCloudFormation',
        // Whether CloudFormation sent the request the handler got: its resource's status and its stack's.
        actions: ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks'],
        // This stack only (AWS::StackId is its ARN).
        resources: [Aws.STACK_ID],
      }),
    ];
    if (props.serviceRole) statements.push(passRoleToBedrock(props.serviceRole));
    const policy = new iam.ManagedPolicy(this, 'HandlerPolicy', {
      // On the library's path, like the role: the tamper guard denies changing policies there, and a
      // new default version of a policy elsewhere would change what the handler may do.
      path: IAM_PATH,
      description: 'Manage Bedrock model invocation logging, nothing else',
      statements,
      roles: [role],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'bedrock:Put/Get/DeleteModelInvocationLoggingConfiguration have no resource type; IAM only accepts "*" for them. Every other statement names its resource.',
    });

    this.handler = new lambda.Function(this, 'Handler', {
      // A fixed prefix, so that the tamper-guard SCP can name the function in every account.
      functionName: `${HANDLER_FUNCTION_NAME_PREFIX}-${stackIdSuffix(stack)}`,
      description: 'Manages Bedrock model invocation logging for this account and Region (inline, no assets)',
      runtime,
      handler: 'index.handler',
      code: lambda.Code.fromInline(inlineHandlerCode()),
      role,
      logGroup,
      // The handler acts only on requests of its own stack, which it asks CloudFormation about.
      environment: { [handlerModule.STACK_VAR]: Aws.STACK_ID },
      timeout: Duration.minutes(4),
      // CloudFormation invokes asynchronously: a retried invocation would answer twice.
      retryAttempts: 0,
    });
    this.handler.node.addDependency(policy);
    const vpcReason = 'The handler calls only the Bedrock, SSM and CloudFormation APIs and the CloudFormation response URL; a VPC would need NAT or four endpoints in every target account for no isolation gain.';
    acknowledgeNagRule(this.handler, ['AwsSolutions'], 'L1', 'The runtime is pinned (Node.js 24 by default, handlerRuntime to choose) so that a template rolled out to many accounts does not change runtime under its users.');
    acknowledgeNagRule(this.handler, [HIPAA, NIST], 'LambdaConcurrency', 'Reserved concurrency would take capacity from the account pool and fails in new accounts whose limit is 10; CloudFormation invokes this function a handful of times per deployment.');
    acknowledgeNagRule(this.handler, [HIPAA, NIST], 'LambdaDLQ', 'CloudFormation custom resource: every outcome, failures included, is reported to CloudFormation itself; retries are 0, so no event is left to dead-letter.');
    acknowledgeNagRule(this.handler, COMPLIANCE_PACKS, 'LambdaInsideVPC', vpcReason);
    const logReason = 'The handler logs request metadata only, no prompts; CloudWatch Logs encrypts it service-side.';
    acknowledgeNagRule(logGroup, COMPLIANCE_PACKS, 'CloudWatchLogGroupEncrypted', logReason);
    // cfn-guard (Control Tower CT.LAMBDA.PR.3, CT.CLOUDWATCH.PR.3): same reasons, on the same two resources.
    acknowledgeGuardRule(this.handler, 'lambda_inside_vpc_check', vpcReason);
    acknowledgeGuardRule(logGroup, 'cloudwatch_log_group_encrypted_check', logReason);

    const P = handlerModule.PROPS;
    const properties: Record<string, unknown> = {
      [P.bucketName]: props.bucket.bucketName,
      [P.keyPrefix]: props.keyPrefix,
      [P.onDelete]: props.onDelete ?? OnDelete.RESTORE,
      [P.failIfAlreadyConfigured]: props.failIfAlreadyConfigured ?? false,
      [P.skipUnsupportedRegions]: props.skipUnsupportedRegions ?? false,
      [P.stateParameterName]: STATE_PARAMETER_NAME,
    };
    if (props.logGroup && props.serviceRole) {
      properties[P.logGroupName] = props.logGroup.logGroupName;
      properties[P.roleArn] = props.serviceRole.roleArn;
    }
    flags.forEach((f, i) => { properties[f[0].toUpperCase() + f.slice(1)] = flagValues[i]; });

    this.resource = new CustomResource(this, 'Resource', {
      resourceType: handlerModule.RESOURCE_TYPE,
      serviceToken: this.handler.functionArn,
      serviceTimeout: Duration.minutes(5),
      properties,
    });
    this.resource.node.addDependency(policy, props.bucket, ...(props.dependsOn ?? []));
    this.message = this.resource.getAttString('Message');
  }

  /**
   * Points the configuration at a CloudWatch Logs destination that exists only when `condition`
   * holds (the StackSet member template's `CloudWatchLogs` parameter): the log group and role
   * properties become `Fn::If` on it, the handler may pass the role through a policy under the same
   * condition (`CloudWatchPassRolePolicy` in `scope`), and the resource waits for `readyAfter` and
   * that policy through a wait condition handle (`CloudWatchReady` in `scope`), because DependsOn on
   * a resource that is not created is a template error. Returns the policy.
   * @internal
   */
  public _useConditionalCloudWatchDestination(scope: Construct, logGroup: logs.ILogGroup, serviceRole: iam.IRole,
    condition: CfnCondition, readyAfter: IConstruct[]): iam.ManagedPolicy {
    const passRole = new iam.ManagedPolicy(scope, 'CloudWatchPassRolePolicy', {
      path: IAM_PATH,
      description: 'Lets the custom resource handler pass the CloudWatch Logs role to Bedrock',
      statements: [passRoleToBedrock(serviceRole)],
      roles: [this.handler.role!],
    });
    (passRole.node.defaultChild as CfnResource).cfnOptions.condition = condition;
    const gate = new CfnWaitConditionHandle(scope, 'CloudWatchReady');
    gate.cfnOptions.metadata = {
      WaitFor: Fn.conditionIf(condition.logicalId, [...readyAfter, passRole].map((c) => (c.node.defaultChild as CfnResource).ref), Aws.NO_VALUE),
    };
    this.resource.node.addDependency(gate);
    const P = handlerModule.PROPS;
    const resource = this.resource.node.defaultChild as CfnResource;
    resource.addPropertyOverride(P.logGroupName, Fn.conditionIf(condition.logicalId, logGroup.logGroupName, Aws.NO_VALUE));
    resource.addPropertyOverride(P.roleArn, Fn.conditionIf(condition.logicalId, serviceRole.roleArn, Aws.NO_VALUE));
    return passRole;
  }
}

/** The handler may pass the CloudWatch Logs role, and only to Bedrock. */
function passRoleToBedrock(role: iam.IRole): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'PassRoleToBedrock',
    actions: ['iam:PassRole'],
    resources: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': BEDROCK_SERVICE_PRINCIPAL } },
  });
}
