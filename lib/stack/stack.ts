import { Aws, CfnCondition, CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BedrockInvocationLogging } from '../logging/invocation-logging';
import { KEY_PREFIX_ALLOWED_PATTERN } from '../shared/facts';
import { NopsIntegrationGrant } from '../nops/nops-integration';
import { buildParameterized } from './private/parameterized-stack';
import { BedrockInvocationLoggingStackProps } from './stack-props';
import {
  addCommonOutputs, addStatusOutputs, ARCHIVE_OUTPUT_DESCRIPTION, ARCHIVE_PROP_NAMES, checkNopsGrantRegion, NOPS_ROLE_NAME_ALLOWED_PATTERN, schemeBucketName,
  setCondition,
} from './private/stack-parts';
import { checkArchiveValues, ErrorCollector, validateRoleName } from '../shared/validation';

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
  public static readonly NOPS_ROLE_NAME_ALLOWED_PATTERN = NOPS_ROLE_NAME_ALLOWED_PATTERN;

  /** The logging construct. */
  public readonly invocationLogging: BedrockInvocationLogging;
  /** The nOps grant, when a role was given. */
  public readonly nopsGrant?: NopsIntegrationGrant;

  /**
   * @param scope the app (or stage) the stack is added to
   * @param id the stack's construct id, and its name unless `stackName` is given
   * @param props its properties (all optional)
   */
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
    BedrockInvocationLogging._checkProps({ ...props, bucketName, archiveBucket }, errors, this);
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


