import { Aws, CfnCondition, CfnOutput, CfnParameter, CfnResource, CfnRule, Fn, Stack, StackProps, Token } from 'aws-cdk-lib';
import { CfnWaitConditionHandle } from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { BedrockCloudWatchDestination } from './cloudwatch-destination';
import { BedrockInvocationLogging, BedrockInvocationLoggingProps } from './invocation-logging';
import {
  ACCOUNT_ID_PATTERN, BEDROCK_SERVICE_PRINCIPAL, BUCKET_NAME_PATTERN, DEFAULT_KEY_PREFIX, KEY_PREFIX_ALLOWED_PATTERN, KMS_KEY_ARN_PATTERN, logBucketName, MAX_KEY_PREFIX_LENGTH,
  REGION_PATTERN, ROLE_NAME_PATTERN,
} from './facts';
import { NopsIntegrationGrant } from './nops-integration';
import { stackIdSuffix } from './private/bedrock';
import { checkArchiveValues, ErrorCollector, normalizeKeyPrefix, validateRoleName } from './private/validation';

// Custom resource property names are owned by the handler (see logging-configuration.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const HANDLER_PROPS: Record<string, string> = require('./handler/index.js').PROPS;

/**
 * Properties for `BedrockInvocationLoggingStack`.
 */
export interface BedrockInvocationLoggingStackProps extends StackProps, BedrockInvocationLoggingProps {
  /**
   * Name of the existing nOps integration role to grant read access to.
   *
   * @default - no grant (use `nopsRole`, or grant later with `NopsIntegrationGrant`)
   */
  readonly nopsRoleName?: string;

  /**
   * The existing nOps integration role to grant read access to.
   *
   * @default - the role named `nopsRoleName`, if any
   */
  readonly nopsRole?: iam.IRole;

  /**
   * Also grant the nOps role the legacy CloudWatch Logs read actions (needs `cloudWatchLogs`).
   *
   * @default false
   */
  readonly nopsLegacyCloudWatchLogsRead?: boolean;

  /**
   * Let CloudFormation name the log bucket instead of `bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX`
   * (SUFFIX: 8 characters of the stack id, so that a bucket retained by a deleted stack never blocks
   * a new one). The nOps grant then covers this stack's bucket only, and organization-wide policies
   * (the tamper guard, the log archive) cannot match the bucket by name.
   *
   * @default false - the bucket is named by the scheme (unless `bucket` or `bucketName` is given)
   */
  readonly generatedBucketName?: boolean;

  /**
   * The Region whose stack grants the nOps role. The grant covers every Region's log bucket of the
   * account (by the name scheme, buckets this account owns), so one Region's grant is enough, and
   * the role gets one managed policy from this library however many Regions are deployed. Stacks
   * in other Regions add none. With `templateParameters` it is the `NopsGrantRegion` parameter's
   * default.
   *
   * @default - every stack grants (right for one Region; set it when deploying to several)
   */
  readonly nopsGrantRegion?: string;

  /**
   * Make the per-account choices CloudFormation parameters of the template, for a StackSet, CfCT,
   * LZA or the console: `KeyPrefix` (checked by an `AllowedPattern` with the same rules as
   * `keyPrefix`, since a parameter cannot be checked at synth), `NopsRoleName` (empty = no grant:
   * the grant's policy has a condition, so accounts without the nOps role do not fail) and
   * `CloudWatchLogs` (`true`/`false`: the log group, its role and policy exist only when `true`).
   * `keyPrefix`, `nopsRoleName` and `cloudWatchLogs` become the parameters' defaults.
   * `ArchiveBucketName`, `ArchiveAccountId` and `ArchiveKmsKeyArn` (empty = no replication) take
   * the organization's log archive.
   * Not with `nopsRole`, `nopsLegacyCloudWatchLogsRead` or `archiveBucket`.
   *
   * @default false - the values are fixed at synth
   */
  readonly templateParameters?: boolean;

  /**
   * Name of the organization's log archive bucket (output `ArchiveBucketName` of
   * `BedrockLogArchiveStack`) to replicate this account's logs into: the stack imports it with
   * `archiveAccountId` and `archiveKmsKeyArn` (instead of `archiveBucket`). With
   * `templateParameters`, the `ArchiveBucketName` parameter's default. Deploy the archive first.
   *
   * @default - no replication
   */
  readonly archiveBucketName?: string;

  /**
   * Account that owns `archiveBucketName` (the log-archive account). Required with it.
   *
   * @default - no replication
   */
  readonly archiveAccountId?: string;

  /**
   * ARN of the archive's KMS key, when the archive uses SSE-KMS (output `ArchiveKmsKeyArn`).
   * Required with `archiveBucketName` when this log bucket is SSE-KMS.
   *
   * @default - the archive uses SSE-S3
   */
  readonly archiveKmsKeyArn?: string;
}

/**
 * The deployable unit: Bedrock model invocation logging to S3 in one account and Region, the nOps
 * grant, and the outputs to paste into nOps. Asset-free, so one template serves `cdk deploy`, a
 * library user and a StackSet.
 */
export class BedrockInvocationLoggingStack extends Stack {
  /**
   * `AllowedPattern` of the `KeyPrefix` template parameter (with `templateParameters`): the
   * synth-time rules of `keyPrefix` (letters, digits and `! _ . ' ( ) - /`; no empty, `.` or `..`
   * segment; no leading `/`; not empty), plus no trailing `/`, because a parameter value is not
   * normalised. The length limit is the parameter's `MaxLength`.
   */
  public static readonly KEY_PREFIX_ALLOWED_PATTERN = KEY_PREFIX_ALLOWED_PATTERN;

  /** `AllowedPattern` of the `NopsRoleName` template parameter: empty, or an IAM role name. */
  public static readonly NOPS_ROLE_NAME_ALLOWED_PATTERN = ROLE_NAME_PATTERN.replace('{1,64}', '{0,64}');

  /** The logging construct. */
  public readonly invocationLogging: BedrockInvocationLogging;
  /** The nOps grant, when a role was given. */
  public readonly nopsGrant?: NopsIntegrationGrant;

  constructor(scope: Construct, id: string, props: BedrockInvocationLoggingStackProps = {}) {
    super(scope, id, {
      description: 'Amazon Bedrock model invocation logging to S3, readable by the nOps integration role (cdk-bedrock-invocation-logging)',
      ...props,
    });
    if (props.templateParameters) {
      const member = buildParameterized(this, props);
      this.invocationLogging = member.invocationLogging;
      this.nopsGrant = member.nopsGrant;
      return;
    }
    // The stack's own prop names in its errors (the grant would name them roleName and role).
    const errors = new ErrorCollector(`${this.node.path} props`);
    if (props.nopsRoleName !== undefined) validateRoleName(props.nopsRoleName, 'nopsRoleName', errors);
    if (props.nopsRoleName !== undefined && props.nopsRole) errors.add('nopsRoleName and nopsRole both given: give one');
    if (props.nopsLegacyCloudWatchLogsRead && props.nopsRoleName === undefined && !props.nopsRole) {
      errors.add('nopsLegacyCloudWatchLogsRead is true but no nOps role is given: set nopsRoleName (or nopsRole), or drop nopsLegacyCloudWatchLogsRead');
    }
    if (props.nopsLegacyCloudWatchLogsRead && !props.cloudWatchLogs) {
      errors.add('nopsLegacyCloudWatchLogsRead is true but cloudWatchLogs is off: set cloudWatchLogs: true, or drop nopsLegacyCloudWatchLogsRead');
    }
    checkNopsGrantRegion(props.nopsGrantRegion, errors);
    const named = props.bucketName === undefined && !props.bucket && !props.generatedBucketName;
    const bucketName = named ? schemeBucketName(this) : props.bucketName;
    const imported = errors.collect(() => importArchive(this, props));
    const archiveBucket = props.archiveBucket ?? imported;
    BedrockInvocationLogging._checkProps({ ...props, bucketName, archiveBucket }, errors);
    errors.throwIfAny();
    this.invocationLogging = new BedrockInvocationLogging(this, 'InvocationLogging', { ...props, bucketName, archiveBucket });
    if (props.nopsRoleName !== undefined || props.nopsRole) {
      this.nopsGrant = new NopsIntegrationGrant(this, 'NopsIntegration', {
        invocationLogging: this.invocationLogging,
        roleName: props.nopsRoleName,
        role: props.nopsRole,
        legacyCloudWatchLogsRead: props.nopsLegacyCloudWatchLogsRead,
        accountWide: named,
      });
      if (props.nopsGrantRegion !== undefined) {
        const here = new CfnCondition(this, 'NopsGrantRegionIsHere', { expression: Fn.conditionEquals(Aws.REGION, props.nopsGrantRegion) });
        setCondition([this.nopsGrant.policy], here);
      }
    }

    addCommonOutputs(this, this.invocationLogging);
    if (archiveBucket) {
      new CfnOutput(this, 'ArchiveReplication', { description: ARCHIVE_OUTPUT_DESCRIPTION, value: archiveBucket.bucketName });
    }
    if (this.invocationLogging.logGroup) {
      new CfnOutput(this, 'LogGroupName', {
        description: 'CloudWatch Logs destination (legacy)',
        value: this.invocationLogging.logGroup.logGroupName,
      });
    }
    addStatusOutputs(this, this.invocationLogging, props.skipUnsupportedRegions);
  }
}

/** The archive named by `archiveBucketName`, `archiveAccountId` and `archiveKmsKeyArn`, checked; undefined without a name. */
function importArchive(stack: Stack, props: BedrockInvocationLoggingStackProps): s3.IBucket | undefined {
  const errors = new ErrorCollector(`${stack.node.path} props`);
  const sseKms = props.createEncryptionKey === true || props.encryptionKey !== undefined;
  checkArchiveValues({ bucketName: props.archiveBucketName, accountId: props.archiveAccountId, kmsKeyArn: props.archiveKmsKeyArn }, ARCHIVE_PROP_NAMES, sseKms, errors);
  if (props.archiveBucket && props.archiveBucketName) errors.add('archiveBucket and archiveBucketName both given: give one');
  errors.throwIfAny();
  if (!props.archiveBucketName || props.archiveBucket) return undefined;
  return s3.Bucket.fromBucketAttributes(stack, 'Archive', {
    bucketName: props.archiveBucketName,
    account: props.archiveAccountId,
    encryptionKey: props.archiveKmsKeyArn ? kms.Key.fromKeyArn(stack, 'ArchiveKey', props.archiveKmsKeyArn) : undefined,
  });
}

const ARCHIVE_PROP_NAMES = { bucketName: 'archiveBucketName', accountId: 'archiveAccountId', kmsKeyArn: 'archiveKmsKeyArn' };

/** `bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX`, SUFFIX the first 8 characters of the stack id's UUID. */
function schemeBucketName(stack: Stack): string {
  return logBucketName(stack.account, stack.region, stackIdSuffix(stack));
}

function checkNopsGrantRegion(region: string | undefined, errors: ErrorCollector): void {
  if (region !== undefined && !Token.isUnresolved(region) && !new RegExp(REGION_PATTERN).test(region)) {
    errors.add(`nopsGrantRegion ${JSON.stringify(region)} is not a Region name: use one such as "us-east-1" (the Region whose stack grants the nOps role)`);
  }
}

function addCommonOutputs(stack: Stack, logging: BedrockInvocationLogging): void {
  new CfnOutput(stack, 'S3DataPrefix', {
    description: 'Paste into nOps > Integrations > Add Bedrock Integration > S3 Data Prefix',
    value: logging.s3DataPrefix,
  });
  new CfnOutput(stack, 'BucketName', {
    description: 'Bucket Bedrock writes model invocation logs to',
    value: logging.bucket.bucketName,
  });
}

function addStatusOutputs(stack: Stack, logging: BedrockInvocationLogging, skipUnsupportedRegions?: boolean): void {
  new CfnOutput(stack, 'LoggingConfigurationStatus', {
    description: 'What the custom resource did to this account and Region\'s logging configuration',
    value: logging.loggingConfiguration.message,
  });
  if (skipUnsupportedRegions) {
    new CfnOutput(stack, 'SkipUnsupportedRegions', {
      description: 'skipUnsupportedRegions is on: in a Region without Amazon Bedrock this stack succeeds and configures nothing',
      value: 'true: in a Region where Amazon Bedrock is not available this stack succeeds without configuring anything; LoggingConfigurationStatus then starts with "Skipped:"',
    });
  }
}

/**
 * The template-parameter variant: the same constructs and ids, with `KeyPrefix`, `NopsRoleName`
 * and `CloudWatchLogs` read from parameters and the optional parts behind conditions.
 */
function buildParameterized(stack: Stack, props: BedrockInvocationLoggingStackProps): { invocationLogging: BedrockInvocationLogging; nopsGrant: NopsIntegrationGrant } {
  const errors = new ErrorCollector(`${stack.node.path} props (templateParameters: true)`);
  if (props.nopsRole) {
    errors.add('nopsRole cannot be a template parameter: give nopsRoleName (the NopsRoleName parameter\'s default), or drop templateParameters');
  }
  if (props.nopsLegacyCloudWatchLogsRead) {
    errors.add('nopsLegacyCloudWatchLogsRead is not offered with templateParameters (nOps reads the S3 logs, and its onboarding policy denies logs:GetLogEvents anyway): drop it, or drop templateParameters');
  }
  const defaultPrefix = normalizeKeyPrefix(props.keyPrefix ?? DEFAULT_KEY_PREFIX, 'keyPrefix', errors);
  if (props.nopsRoleName) validateRoleName(props.nopsRoleName, 'nopsRoleName', errors);
  checkNopsGrantRegion(props.nopsGrantRegion, errors);
  if (props.archiveBucket) {
    errors.add('archiveBucket cannot be a template parameter: with templateParameters the archive is the ArchiveBucketName, ArchiveAccountId and ArchiveKmsKeyArn parameters (archiveBucketName, archiveAccountId and archiveKmsKeyArn are their defaults); drop archiveBucket');
  }
  const sseKms = props.createEncryptionKey === true || props.encryptionKey !== undefined;
  checkArchiveValues({ bucketName: props.archiveBucketName, accountId: props.archiveAccountId, kmsKeyArn: props.archiveKmsKeyArn }, ARCHIVE_PROP_NAMES, sseKms, errors);
  if (props.generatedBucketName || props.bucket || props.bucketName !== undefined) {
    errors.add('bucket, bucketName and generatedBucketName are not offered with templateParameters: every account\'s bucket is named bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX so that one nOps grant per account covers them; drop them, or drop templateParameters');
  }
  // The CloudWatch parts exist behind the CloudWatchLogs parameter whatever its default: check their props.
  BedrockInvocationLogging._checkProps({ ...props, cloudWatchLogs: true }, errors);
  errors.throwIfAny();

  const keyPrefix = new CfnParameter(stack, 'KeyPrefix', {
    type: 'String',
    description: 'S3 key prefix Bedrock writes under, and the only part of the bucket nOps may read (no leading or trailing "/")',
    default: defaultPrefix,
    minLength: 1,
    maxLength: MAX_KEY_PREFIX_LENGTH,
    allowedPattern: BedrockInvocationLoggingStack.KEY_PREFIX_ALLOWED_PATTERN,
    constraintDescription: `must be 1-${MAX_KEY_PREFIX_LENGTH} characters of letters, digits and ! _ . ' ( ) - /, without a leading or trailing "/", an empty segment, "." or ".." (for example "bedrock" or "bedrock/logs")`,
  });
  const nopsRoleName = new CfnParameter(stack, 'NopsRoleName', {
    type: 'String',
    description: 'Name of the existing nOps integration role (Nops-Integration-... or NopsIntegrationRole-...) to grant read access to; empty = no grant',
    default: props.nopsRoleName ?? '',
    maxLength: 64,
    allowedPattern: BedrockInvocationLoggingStack.NOPS_ROLE_NAME_ALLOWED_PATTERN,
    constraintDescription: 'must be empty or an IAM role name (1-64 letters, digits or + = , . @ _ -), not an ARN',
  });
  const cloudWatchLogs = new CfnParameter(stack, 'CloudWatchLogs', {
    type: 'String',
    description: 'Also deliver to CloudWatch Logs (legacy; nOps reads S3)',
    default: String(props.cloudWatchLogs ?? false),
    allowedValues: ['true', 'false'],
  });
  const nopsGrantRegion = new CfnParameter(stack, 'NopsGrantRegion', {
    type: 'String',
    description: 'The one Region whose stack grants the nOps role read access to every Region\'s log bucket of the account; empty = every Region grants',
    default: props.nopsGrantRegion ?? '',
    allowedPattern: `^$|${REGION_PATTERN}`,
    constraintDescription: 'must be empty or a Region name',
  });
  const archive = archiveParameters(stack, sseKms, props);
  const hasNopsRole = new CfnCondition(stack, 'HasNopsRole', {
    expression: Fn.conditionNot(Fn.conditionEquals(nopsRoleName.valueAsString, '')),
  });
  const grantsNops = new CfnCondition(stack, 'GrantsNops', {
    expression: Fn.conditionAnd(hasNopsRole, Fn.conditionOr(
      Fn.conditionEquals(nopsGrantRegion.valueAsString, ''),
      Fn.conditionEquals(nopsGrantRegion.valueAsString, Aws.REGION))),
  });
  const cloudWatchOn = new CfnCondition(stack, 'CloudWatchLogsOn', {
    expression: Fn.conditionEquals(cloudWatchLogs.valueAsString, 'true'),
  });

  // CloudWatch is built here, behind the condition, instead of by the L3: the L3 would make the
  // custom resource DependsOn the log group and role, and DependsOn on a resource that is not
  // created is a template error. A wait condition handle carries those dependencies inside Fn::If.
  const { logGroupName, logGroupRetention, logGroupEncryptionKey, ...loggingProps } = props;
  const invocationLogging = new BedrockInvocationLogging(stack, 'InvocationLogging', {
    ...loggingProps,
    keyPrefix: keyPrefix.valueAsString,
    bucketName: schemeBucketName(stack),
    cloudWatchLogs: false,
    archiveBucket: archive.bucket,
  });
  invocationLogging.logBucket._replication!._conditional(archive.replicates, archive.hasKey);

  const cw = new BedrockCloudWatchDestination(invocationLogging, 'CloudWatch', {
    logGroupName,
    retention: logGroupRetention,
    encryptionKey: logGroupEncryptionKey,
    removalPolicy: props.removalPolicy,
  });
  const config = invocationLogging.loggingConfiguration;
  const passRole = new iam.ManagedPolicy(invocationLogging, 'CloudWatchPassRolePolicy', {
    description: 'Lets the custom resource handler pass the CloudWatch Logs role to Bedrock',
    statements: [new iam.PolicyStatement({
      sid: 'PassRoleToBedrock',
      actions: ['iam:PassRole'],
      resources: [cw.serviceRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': BEDROCK_SERVICE_PRINCIPAL } },
    })],
    roles: [config.handler.role!],
  });
  setCondition([cw, passRole], cloudWatchOn);
  const gate = new CfnWaitConditionHandle(invocationLogging, 'CloudWatchReady');
  gate.cfnOptions.metadata = {
    WaitFor: Fn.conditionIf(cloudWatchOn.logicalId,
      [cw.logGroup, cw.serviceRole, cw.serviceRolePolicy, passRole].map((c) => cfnOf(c).ref),
      Aws.NO_VALUE),
  };
  config.resource.node.addDependency(gate);
  const resource = cfnOf(config.resource);
  resource.addPropertyOverride(HANDLER_PROPS.logGroupName, Fn.conditionIf(cloudWatchOn.logicalId, cw.logGroup.logGroupName, Aws.NO_VALUE));
  resource.addPropertyOverride(HANDLER_PROPS.roleArn, Fn.conditionIf(cloudWatchOn.logicalId, cw.serviceRole.roleArn, Aws.NO_VALUE));

  const nopsGrant = new NopsIntegrationGrant(stack, 'NopsIntegration', {
    invocationLogging,
    roleName: nopsRoleName.valueAsString,
    accountWide: true,
  });
  // Empty NopsRoleName: no policy, so nothing refers to a role the account may not have. Another
  // Region than NopsGrantRegion: no policy either, the grant there covers this Region's bucket.
  setCondition([nopsGrant.policy], grantsNops);

  addCommonOutputs(stack, invocationLogging);
  new CfnOutput(stack, 'LogGroupName', {
    description: 'CloudWatch Logs destination (legacy)',
    value: cw.logGroup.logGroupName,
    condition: cloudWatchOn,
  });
  new CfnOutput(stack, 'NopsGrant', {
    description: 'Whether this stack granted the nOps integration role read access to the prefix',
    value: Fn.conditionIf(grantsNops.logicalId,
      Fn.join('', ['granted to role ', nopsRoleName.valueAsString, ' for every Region\'s log bucket of this account']),
      Fn.conditionIf(hasNopsRole.logicalId,
        Fn.join('', ['granted by the stack in ', nopsGrantRegion.valueAsString, ' (it covers every Region\'s log bucket of this account)']),
        'none: NopsRoleName is empty')).toString(),
  });
  new CfnOutput(stack, 'ArchiveReplication', {
    description: ARCHIVE_OUTPUT_DESCRIPTION,
    value: Fn.conditionIf(archive.replicates.logicalId, archive.bucket.bucketName, 'off').toString(),
  });
  addStatusOutputs(stack, invocationLogging, props.skipUnsupportedRegions);
  return { invocationLogging, nopsGrant };
}

const ARCHIVE_OUTPUT_DESCRIPTION = 'Archive bucket S3 replicates the logs to';

/**
 * The member template's archive parameters (empty = no replication), the conditions on them, and
 * one rule that CloudFormation checks before it changes anything: an archive bucket needs its
 * account, and an SSE-KMS log bucket needs the archive's key.
 */
function archiveParameters(stack: Stack, sseKms: boolean, defaults: BedrockInvocationLoggingStackProps): { bucket: s3.IBucket; replicates: CfnCondition; hasKey?: CfnCondition } {
  const bucketName = new CfnParameter(stack, 'ArchiveBucketName', {
    type: 'String',
    description: 'Archive to replicate to, empty = none (output of BedrockInvocationLogArchive: deploy it first, S3 refuses a missing bucket)',
    default: defaults.archiveBucketName ?? '',
    allowedPattern: `^$|${BUCKET_NAME_PATTERN}`,
  });
  const account = new CfnParameter(stack, 'ArchiveAccountId', {
    type: 'String',
    description: 'Account that owns ArchiveBucketName',
    default: defaults.archiveAccountId ?? '',
    allowedPattern: `^$|${ACCOUNT_ID_PATTERN}`,
  });
  const keyArn = new CfnParameter(stack, 'ArchiveKmsKeyArn', {
    type: 'String',
    description: `KMS key of an SSE-KMS archive; empty = SSE-S3${sseKms ? ' (required: this log bucket is SSE-KMS)' : ''}`,
    default: defaults.archiveKmsKeyArn ?? '',
    allowedPattern: `^$|${KMS_KEY_ARN_PATTERN}`,
  });
  const isSet = (p: CfnParameter) => Fn.conditionNot(Fn.conditionEquals(p.valueAsString, ''));
  new CfnRule(stack, 'ArchiveParameters', {
    ruleCondition: isSet(bucketName),
    assertions: [
      { assert: isSet(account), assertDescription: 'ArchiveBucketName needs ArchiveAccountId' },
      ...sseKms ? [{ assert: isSet(keyArn), assertDescription: 'ArchiveBucketName needs ArchiveKmsKeyArn (SSE-KMS logs)' }] : [],
    ],
  });
  const bucket = s3.Bucket.fromBucketAttributes(stack, 'Archive', {
    bucketName: bucketName.valueAsString,
    account: account.valueAsString,
    encryptionKey: kms.Key.fromKeyArn(stack, 'ArchiveKey', keyArn.valueAsString),
  });
  return {
    bucket,
    replicates: new CfnCondition(stack, 'ReplicatesToArchive', { expression: isSet(bucketName) }),
    // With an SSE-KMS log bucket the rule requires the key with the archive: replicating implies it.
    hasKey: sseKms ? undefined : new CfnCondition(stack, 'ArchiveHasKey', { expression: isSet(keyArn) }),
  };
}

function cfnOf(construct: IConstruct): CfnResource {
  const child = construct.node.defaultChild;
  if (!CfnResource.isCfnResource(child)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return child;
}

/** Puts `condition` on every CloudFormation resource under `scopes`. */
function setCondition(scopes: IConstruct[], condition: CfnCondition): void {
  for (const scope of scopes) {
    for (const c of scope.node.findAll()) {
      if (CfnResource.isCfnResource(c)) c.cfnOptions.condition = condition;
    }
  }
}
