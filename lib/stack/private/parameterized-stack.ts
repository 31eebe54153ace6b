import { Aws, CfnCondition, CfnOutput, CfnParameter, CfnRule, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BedrockCloudWatchDestination } from '../../logging/cloudwatch-destination';
import { BedrockInvocationLogging } from '../../logging/invocation-logging';
import { NOPS_DENIED_LOGS_ACTION, NOPS_ROLE_NAME_PREFIXES } from '../../nops/facts';
import { NopsIntegrationGrant } from '../../nops/nops-integration';
import { TEMPLATE_PARAMETER_NAMES } from '../facts';
import type { BedrockInvocationLoggingStackProps } from '../stack-props';
import {
  ACCOUNT_ID_PATTERN, BUCKET_NAME_PATTERN, DEFAULT_KEY_PREFIX, KEY_PREFIX_ALLOWED_PATTERN, KMS_KEY_ARN_PATTERN, MANAGED_POLICY_ARN_PATTERN, MAX_KEY_PREFIX_LENGTH, REGION_PATTERN,
} from '../../shared/facts';
import {
  addCommonOutputs, addStatusOutputs, ARCHIVE_OUTPUT_DESCRIPTION, ARCHIVE_PROP_NAMES, checkNopsGrantRegion, NOPS_ROLE_NAME_ALLOWED_PATTERN, schemeBucketName,
  setCondition,
} from './stack-parts';
import { checkArchiveValues, ErrorCollector, normalizeKeyPrefix, validateRoleName } from '../../shared/validation';

/**
 * The template-parameter variant: the same constructs and ids, with `KeyPrefix`, `NopsRoleName`
 * and `CloudWatchLogs` read from parameters and the optional parts behind conditions.
 */
export function buildParameterized(stack: Stack, props: BedrockInvocationLoggingStackProps): { invocationLogging: BedrockInvocationLogging; nopsGrant: NopsIntegrationGrant } {
  const errors = new ErrorCollector(`${stack.node.path} props (templateParameters: true)`);
  if (props.nopsRole) {
    errors.add('nopsRole cannot be a template parameter: give nopsRoleName (the NopsRoleName parameter\'s default), or drop templateParameters');
  }
  if (props.nopsLegacyCloudWatchLogsRead) {
    errors.add(`nopsLegacyCloudWatchLogsRead is not offered with templateParameters (nOps reads the S3 logs, and its onboarding policy denies ${NOPS_DENIED_LOGS_ACTION} anyway): drop it, or drop templateParameters`);
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
  BedrockInvocationLogging._checkProps({ ...props, cloudWatchLogs: true }, errors, stack);
  errors.throwIfAny();

  const keyPrefix = new CfnParameter(stack, TEMPLATE_PARAMETER_NAMES.keyPrefix, {
    type: 'String',
    description: 'S3 key prefix Bedrock writes under, and the only part of the bucket nOps may read (no leading or trailing "/")',
    default: defaultPrefix,
    minLength: 1,
    maxLength: MAX_KEY_PREFIX_LENGTH,
    allowedPattern: KEY_PREFIX_ALLOWED_PATTERN,
    constraintDescription: `must be 1-${MAX_KEY_PREFIX_LENGTH} characters of letters, digits and ! _ . ' ( ) - /, without a leading or trailing "/", an empty segment, "." or ".." (for example "bedrock" or "bedrock/logs")`,
  });
  const nopsRoleName = new CfnParameter(stack, TEMPLATE_PARAMETER_NAMES.nopsRoleName, {
    type: 'String',
    description: `Name of the existing nOps integration role (${NOPS_ROLE_NAME_PREFIXES.map((prefix) => `${prefix}...`).join(' or ')}) to grant read access to; empty = no grant`,
    default: props.nopsRoleName ?? '',
    maxLength: 64,
    allowedPattern: NOPS_ROLE_NAME_ALLOWED_PATTERN,
    constraintDescription: 'must be empty or an IAM role name (1-64 letters, digits or + = , . @ _ -), not an ARN',
  });
  const cloudWatchLogs = new CfnParameter(stack, TEMPLATE_PARAMETER_NAMES.cloudWatchLogs, {
    type: 'String',
    description: 'Also deliver to CloudWatch Logs (legacy; nOps reads S3)',
    default: String(props.cloudWatchLogs ?? false),
    allowedValues: ['true', 'false'],
  });
  const nopsGrantRegion = new CfnParameter(stack, TEMPLATE_PARAMETER_NAMES.nopsGrantRegion, {
    type: 'String',
    description: 'The one Region whose stack grants the nOps role read access to every Region\'s log bucket of the account; empty = every Region grants',
    default: props.nopsGrantRegion ?? '',
    allowedPattern: `^$|${REGION_PATTERN}`,
    constraintDescription: 'must be empty or a Region name',
  });
  const archive = archiveParameters(stack, sseKms, props);
  applyPermissionsBoundaryParameter(stack);
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
  setCondition([cw], cloudWatchOn);
  invocationLogging.loggingConfiguration._useConditionalCloudWatchDestination(invocationLogging, cw.logGroup, cw.serviceRole, cloudWatchOn,
    [cw.logGroup, cw.serviceRole, cw.serviceRolePolicy]);

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


/**
 * The member template's archive parameters (empty = no replication), the conditions on them, and
 * one rule that CloudFormation checks before it changes anything: an archive bucket needs its
 * account, and an SSE-KMS log bucket needs the archive's key.
 */
function archiveParameters(stack: Stack, sseKms: boolean, defaults: BedrockInvocationLoggingStackProps): { bucket: s3.IBucket; replicates: CfnCondition; hasKey?: CfnCondition } {
  const bucketName = new CfnParameter(stack, TEMPLATE_PARAMETER_NAMES.archiveBucketName, {
    type: 'String',
    description: 'Archive to replicate to, empty = none (output of BedrockInvocationLogArchive: deploy it first, S3 refuses a missing bucket)',
    default: defaults.archiveBucketName ?? '',
    allowedPattern: `^$|${BUCKET_NAME_PATTERN}`,
  });
  const account = new CfnParameter(stack, TEMPLATE_PARAMETER_NAMES.archiveAccountId, {
    type: 'String',
    description: 'Account that owns ArchiveBucketName',
    default: defaults.archiveAccountId ?? '',
    allowedPattern: `^$|${ACCOUNT_ID_PATTERN}`,
  });
  const keyArn = new CfnParameter(stack, TEMPLATE_PARAMETER_NAMES.archiveKmsKeyArn, {
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

/**
 * The `PermissionsBoundaryArn` parameter (empty = none): every `AWS::IAM::Role` of the stack gets it
 * as permissions boundary, for organizations that require one on every role they deploy. An aspect,
 * so that a role added later (by the library or by whoever extends the stack) gets it too.
 */
function applyPermissionsBoundaryParameter(stack: Stack): void {
  const arn = new CfnParameter(stack, TEMPLATE_PARAMETER_NAMES.permissionsBoundaryArn, {
    type: 'String',
    description: 'Managed policy every IAM role of this stack gets as permissions boundary; empty = none',
    default: '',
    allowedPattern: `^$|${MANAGED_POLICY_ARN_PATTERN}`,
    constraintDescription: 'must be empty or a managed policy ARN: arn:aws:iam::ACCOUNT:policy/NAME (or /PATH/NAME), or arn:aws:iam::aws:policy/NAME',
  });
  const given = new CfnCondition(stack, 'HasPermissionsBoundary', { expression: Fn.conditionNot(Fn.conditionEquals(arn.valueAsString, '')) });
  const boundary = Fn.conditionIf(given.logicalId, arn.valueAsString, Aws.NO_VALUE).toString();
  iam.PermissionsBoundary.of(stack).apply(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'PermissionsBoundaryPolicy', boundary));
}
