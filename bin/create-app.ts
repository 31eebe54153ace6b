import { App, AppProps, BootstraplessSynthesizer, CfnOutput, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as events from 'aws-cdk-lib/aws-events';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, roleNameFromArn } from '../lib/shared/facts';
import { ArchiveValues, checkArchiveValues, ErrorCollector, validateRoleNameOrArn } from '../lib/shared/validation';
import {
  BedrockInvocationLoggingStack, BedrockInvocationLoggingStackProps, BedrockInvocationLoggingStackSet, BedrockLogAnalytics,
  BedrockLogArchiveStack, BedrockLogArchiveStackProps, BedrockTamperDetection, BedrockTamperGuard, StackSetCallAs,
} from '../lib';
import { REQUEST_METADATA_KEY_PATTERN } from '../lib/analytics/private/queries';
import {
  AlertContext, CONTEXT_KEYS, isCdkOwnKey, parseAlerts, parseArchiveRollout, parseBoolean, parseList, parseString, parseTamperGuard,
  ROLLOUT_KEYS, TamperGuardContext, valid,
} from './context';

export { CONTEXT_KEYS };

/** Name of the log-archive account's stack that `rollout=archive` adds. */
export const ARCHIVE_STACK_NAME = 'BedrockInvocationLogArchive';

/** Name of the analytics stack over the archive (`rollout=archive` with `analytics=true`). */
export const ARCHIVE_ANALYTICS_STACK_NAME = 'BedrockInvocationLogArchiveAnalytics';

/** Name of the stack `cdk deploy` creates in a member account. */
export const STACK_NAME = 'BedrockInvocationLogging';

/**
 * Name of the stack `analytics=true` adds beside the member stack: the Glue tables, Athena workgroup
 * and named queries over its log bucket. A stack of its own, because with them the member stack
 * would pass the 51,200 bytes `cdk deploy` sends without a bootstrap bucket.
 */
export const ANALYTICS_STACK_NAME = 'BedrockInvocationLoggingAnalytics';

/**
 * Name of the stack `alertTopic=true` or `alertEventBusArn` adds beside the member stack: the tamper
 * detection rule and its topic (or event bus role). A stack of its own for the same reason as
 * analytics: with every option the member stack is close to the 51,200 bytes `cdk deploy` sends
 * without a bootstrap bucket, and the rule refers to nothing in it (it matches buckets by name).
 */
export const TAMPER_DETECTION_STACK_NAME = 'BedrockInvocationLoggingTamperDetection';

/**
 * Name of the stack `rollout=stackset` with `tamperGuard=true` adds beside the administrator's stack:
 * the tamper-guard SCP attached to the same OUs. A stack of its own because the administrator's
 * stack, which embeds the member template, is close to the 51,200 bytes `cdk deploy` sends inline.
 */
export const TAMPER_GUARD_STACK_NAME = 'BedrockInvocationLoggingTamperGuard';

/** Name of the administrator's stack that `rollout=stackset` adds. */
export const STACKSET_STACK_NAME = 'BedrockInvocationLoggingStackSet';

/**
 * No `CDKMetadata` resource in the app's stacks (the CLI adds one by default): it holds a Region-list
 * condition and the library versions, about 3 KB of YAML, in templates that must stay under the
 * 51,200 bytes `cdk deploy` sends inline without a bootstrap bucket (the member stack with every
 * option and an archive would not). The StackSet member template has none either.
 */
const NO_CDK_METADATA = false;





/**
 * Creates the app `cdk synth` and `cdk deploy` run: the member-account stack, with every input
 * defaulted, and the cdk-nag packs AwsSolutions, HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1.
 *
 * With `-c rollout=stackset -c targetOuIds=ou-...,ou-... -c targetRegions=us-east-1,...` it also
 * synthesizes `BedrockInvocationLoggingStackSet` for the management account or a delegated
 * administrator (`-c callAs=DELEGATED_ADMIN`): a service-managed StackSet whose member template
 * takes keyPrefix, nopsRoleName and cloudWatchLogs as StackSet parameter values and kms and
 * textDataDeliveryEnabled as synth-time choices. cdk-nag checks the member template too.
 */
export function createApp(props: AppProps = {}): App {
  const app = new App(props);
  const errors = new ErrorCollector('context (cdk -c KEY=VALUE)');
  const context = app.node.getAllContext() as Record<string, unknown>;
  for (const key of Object.keys(context)) {
    if (!isCdkOwnKey(key) && !(CONTEXT_KEYS as readonly string[]).includes(key)) {
      errors.add(`unknown context key ${JSON.stringify(key)}: the app reads ${CONTEXT_KEYS.join(', ')}`);
    }
  }
  // A bad value is reported and left out, so that the stacks are still built and their own
  // problems reported in the same run.
  const keyPrefix = parseString('keyPrefix', context.keyPrefix, errors);
  const nopsRoleName = valid(errors, () => {
    const name = parseString('nopsRoleName', context.nopsRoleName, errors) || undefined;
    // Policies attach to a role by name; an ARN's path does not matter for that.
    return name && validateRoleNameOrArn(name, 'nopsRoleName', errors) === 'arn' ? roleNameFromArn(name) : name;
  });
  const cloudWatchLogs = parseBoolean('cloudWatchLogs', context.cloudWatchLogs, errors);
  const kms = parseBoolean('kms', context.kms, errors);
  const textDataDeliveryEnabled = parseBoolean('textDataDeliveryEnabled', context.textDataDeliveryEnabled, errors);
  const nopsGrantRegion = valid(errors, () => parseList('nopsGrantRegion', context.nopsGrantRegion, REGION_PATTERN, 'us-east-1', errors))?.[0];
  if (context.nopsGrantRegion !== undefined && typeof context.nopsGrantRegion === 'string' && context.nopsGrantRegion.includes(',')) {
    errors.add(`context nopsGrantRegion=${JSON.stringify(context.nopsGrantRegion)} names several Regions: name the one whose stack grants the nOps role, for example -c nopsGrantRegion=us-east-1`);
  }
  // The member's archive: a bad or incomplete set is reported and left out, so the stack still builds.
  const archiveValues = { bucketName: parseString('archiveBucket', context.archiveBucket, errors), accountId: parseString('archiveAccount', context.archiveAccount, errors),
    kmsKeyArn: parseString('archiveKmsKeyArn', context.archiveKmsKeyArn, errors) };
  const archiveOk = checkArchiveValues(archiveValues, { bucketName: 'context archiveBucket', accountId: 'context archiveAccount', kmsKeyArn: 'context archiveKmsKeyArn' }, kms === true, errors);
  const archive: ArchiveValues = archiveOk && archiveValues.bucketName ? archiveValues : {};
  const rolloutErrorsBefore = errors.size;
  const rollout = parseString('rollout', context.rollout, errors);
  let targetOuIds: string[] | undefined;
  let targetRegions: string[] | undefined;
  let callAs: StackSetCallAs | undefined;
  let guard: TamperGuardContext | undefined;
  if (rollout === 'stackset') {
    guard = parseTamperGuard(context, errors);
    targetOuIds = parseList('targetOuIds', context.targetOuIds, BedrockInvocationLoggingStackSet.ORGANIZATIONAL_UNIT_ID_PATTERN, 'ou-ab12-cdef3456,ou-ab12-ghij7890', errors);
    targetRegions = parseList('targetRegions', context.targetRegions, BedrockInvocationLoggingStackSet.REGION_PATTERN, 'us-east-1,eu-west-1', errors);
    if (context.targetOuIds === undefined) {
      errors.add('context targetOuIds is missing: rollout=stackset needs the OUs to deploy to, for example -c targetOuIds=ou-ab12-cdef3456,ou-ab12-ghij7890 (or the root id, -c targetOuIds=r-ab12)');
    }
    if (context.targetRegions === undefined) {
      errors.add('context targetRegions is missing: rollout=stackset needs the Regions to deploy to, for example -c targetRegions=us-east-1,eu-west-1');
    }
    const callAsText = parseString('callAs', context.callAs, errors);
    if (callAsText !== undefined) {
      const allowed = Object.values(StackSetCallAs) as string[];
      if (allowed.includes(callAsText)) callAs = callAsText as StackSetCallAs;
      else errors.add(`context callAs=${JSON.stringify(callAsText)} is not valid: use -c callAs=SELF (management account) or -c callAs=DELEGATED_ADMIN (delegated administrator)`);
    }
  }
  let archiveStackProps: Omit<BedrockLogArchiveStackProps, 'synthesizer'> | undefined;
  if (rollout === 'archive') {
    archiveStackProps = parseArchiveRollout(context, errors);
  }
  if (rollout !== undefined && !(rollout in ROLLOUT_KEYS)) {
    errors.add(`context rollout=${JSON.stringify(rollout)} is not a rollout this app knows: use -c rollout=stackset for an organization-wide StackSet, -c rollout=archive for the organization's log archive, or leave rollout out for this account and Region only`);
  }
  for (const [name, keys] of Object.entries(ROLLOUT_KEYS)) {
    const stray = keys.filter((k) => context[k] !== undefined);
    if (rollout !== name && stray.length > 0) {
      errors.add(`context ${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} only read with rollout=${name}: add -c rollout=${name}, or drop ${stray.length > 1 ? 'them' : 'it'}`);
    }
  }
  const rolloutValid = errors.size === rolloutErrorsBefore;
  const analytics = parseBoolean('analytics', context.analytics, errors);
  let analyticsRequestMetadataKeys: string[] | undefined;
  if (context.analyticsRequestMetadataKeys !== undefined) {
    if (analytics) {
      analyticsRequestMetadataKeys = valid(errors, () => parseList('analyticsRequestMetadataKeys', context.analyticsRequestMetadataKeys,
        REQUEST_METADATA_KEY_PATTERN.source, 'team,cost-center', errors));
    } else if (analytics === false || context.analytics === undefined) {
      errors.add('context analyticsRequestMetadataKeys is only read with analytics=true: add -c analytics=true, or drop it');
    }
  }
  let analyticsAccounts: string[] | undefined;
  let analyticsRegions: string[] | undefined;
  if (analytics) {
    analyticsAccounts = valid(errors, () => parseList('analyticsAccounts', context.analyticsAccounts, ACCOUNT_ID_PATTERN, '111122223333,444455556666', errors));
    analyticsRegions = valid(errors, () => parseList('analyticsRegions', context.analyticsRegions, REGION_PATTERN, 'us-east-1,eu-west-1', errors));
    if (rollout === 'archive' && context.analyticsAccounts === undefined) {
      errors.add('context analyticsAccounts is missing: with rollout=archive the archive holds many accounts\' logs and the table projects the ones you list, for example -c analyticsAccounts=111122223333,444455556666');
    }
  } else {
    const stray = (['analyticsAccounts', 'analyticsRegions'] as const).filter((k) => context[k] !== undefined);
    if (stray.length > 0) errors.add(`context ${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} only read with analytics=true: add -c analytics=true, or drop ${stray.length > 1 ? 'them' : 'it'}`);
  }
  const analyticsScope = { accounts: analyticsAccounts, regions: analyticsRegions, requestMetadataKeys: analyticsRequestMetadataKeys };

  const stackProps: BedrockInvocationLoggingStackProps = {
    // No bootstrap, no assets: the same template deploys with `cdk deploy`, a StackSet or the console.
    synthesizer: new BootstraplessSynthesizer(),
    analyticsReporting: NO_CDK_METADATA,
    keyPrefix,
    cloudWatchLogs,
    createEncryptionKey: kms,
    textDataDeliveryEnabled,
    nopsRoleName,
    nopsGrantRegion,
    // With the legacy destination on, nOps may read it too (subject to nOps's own Deny on logs:GetLogEvents).
    nopsLegacyCloudWatchLogsRead: cloudWatchLogs && nopsRoleName !== undefined,
    archiveBucketName: archive.bucketName,
    archiveAccountId: archive.accountId,
    archiveKmsKeyArn: archive.kmsKeyArn,
  };
  const member = errors.collect(() => new BedrockInvocationLoggingStack(app, STACK_NAME, stackProps));
  // With rollout=archive, the analytics stack reads the archive instead of this account's bucket.
  if (analytics && member && rollout !== 'archive') errors.collect(() => addAnalyticsStack(app, member, analyticsScope));

  const alerts = parseAlerts(context, errors);
  if (alerts) errors.collect(() => addTamperDetection(app, alerts));

  if (rollout === 'stackset' && rolloutValid) errors.collect(() => addStackSetStack(app, stackProps, { targetOuIds: targetOuIds!, targetRegions: targetRegions!, callAs }));
  if (rollout === 'stackset' && rolloutValid && guard) errors.collect(() => addTamperGuardStack(app, targetOuIds!, guard!));
  if (rollout === 'archive' && rolloutValid && archiveStackProps) {
    const archiveStack = errors.collect(() => new BedrockLogArchiveStack(app, ARCHIVE_STACK_NAME, {
      ...archiveStackProps,
      synthesizer: new BootstraplessSynthesizer(),
      analyticsReporting: NO_CDK_METADATA,
      keyPrefix,
      createEncryptionKey: kms,
      nopsRoleName,
    }));
    if (analytics && archiveStack) errors.collect(() => addArchiveAnalyticsStack(app, archiveStack, analyticsScope));
  }
  errors.throwIfAny();
  return app;
}


/**
 * The stack `analytics=true` adds: `BedrockLogAnalytics` over the member stack's bucket, prefix and
 * key (exported by the member stack), projecting this account and Region (pseudo parameters).
 */
/** Which accounts, Regions and `requestMetadata` keys an analytics stack projects and queries. */
interface AnalyticsScope {
  readonly accounts?: string[];
  readonly regions?: string[];
  readonly requestMetadataKeys?: string[];
}

function addAnalyticsStack(app: App, member: BedrockInvocationLoggingStack, scope: AnalyticsScope): void {
  const stack = new Stack(app, ANALYTICS_STACK_NAME, {
    synthesizer: new BootstraplessSynthesizer(),
    analyticsReporting: NO_CDK_METADATA,
    description: 'FinOps queries over the Amazon Bedrock model invocation logs of stack BedrockInvocationLogging: Glue tables, Athena workgroup, named queries (cdk-bedrock-invocation-logging)',
  });
  const logging = member.invocationLogging;
  // Imported through explicit exports rather than passed across stacks: the policy's resource
  // names (and so its cdk-nag acknowledgements) are then the same at construction and at synth.
  const encryptionKey = logging.encryptionKey
    ? kms.Key.fromKeyArn(stack, 'LogBucketKey', member.exportValue(logging.encryptionKey.keyArn))
    : undefined;
  const bucket = s3.Bucket.fromBucketAttributes(stack, 'LogBucket', { bucketName: member.exportValue(logging.bucket.bucketName), encryptionKey });
  const analytics = new BedrockLogAnalytics(stack, 'Analytics', {
    bucket,
    keyPrefix: logging.keyPrefix,
    encryptionKey,
    ...scope,
  });
  addAnalyticsOutputs(stack, analytics);
}

/**
 * The stack `rollout=archive` with `analytics=true` adds: `BedrockLogAnalytics` over the archive
 * (exported by the archive stack), projecting the accounts of `analyticsAccounts` and the Regions
 * of `analyticsRegions` (default: the archive's Region).
 */
function addArchiveAnalyticsStack(app: App, archiveStack: BedrockLogArchiveStack, scope: AnalyticsScope): void {
  const stack = new Stack(app, ARCHIVE_ANALYTICS_STACK_NAME, {
    synthesizer: new BootstraplessSynthesizer(),
    analyticsReporting: NO_CDK_METADATA,
    description: 'FinOps queries over the organization\'s archive of Amazon Bedrock model invocation logs (stack BedrockInvocationLogArchive): Glue tables, Athena workgroup, named queries (cdk-bedrock-invocation-logging)',
  });
  const archive = archiveStack.archive;
  const encryptionKey = archive.encryptionKey
    ? kms.Key.fromKeyArn(stack, 'ArchiveKey', archiveStack.exportValue(archive.encryptionKey.keyArn))
    : undefined;
  const bucket = s3.Bucket.fromBucketAttributes(stack, 'Archive', { bucketName: archiveStack.exportValue(archive.bucket.bucketName), encryptionKey });
  const analytics = new BedrockLogAnalytics(stack, 'Analytics', { bucket, keyPrefix: archive.keyPrefix, encryptionKey, ...scope });
  addAnalyticsOutputs(stack, analytics);
}

function addAnalyticsOutputs(stack: Stack, analytics: BedrockLogAnalytics): void {
  new CfnOutput(stack, 'WorkGroupName', { description: 'Athena workgroup the named queries run in', value: analytics.workGroupName });
  new CfnOutput(stack, 'DatabaseName', { description: 'Glue database of the tables bedrock_invocations and bedrock_prices', value: analytics.databaseName });
  new CfnOutput(stack, 'PriceTableLocation', { description: 'Upload your price CSV under this location (see the README, "FinOps queries")', value: analytics.priceTableLocation });
  new CfnOutput(stack, 'QueryPolicyArn', { description: 'Managed policy to attach to whoever runs the queries', value: analytics.queryPolicy.managedPolicyArn });
}



interface RolloutTargets {
  readonly targetOuIds: string[];
  readonly targetRegions: string[];
  readonly callAs?: StackSetCallAs;
}





/** The detection stack: the rule, and the topic (or the central bus) it delivers to. */
function addTamperDetection(app: App, alerts: AlertContext): void {
  const stack = new Stack(app, TAMPER_DETECTION_STACK_NAME, {
    synthesizer: new BootstraplessSynthesizer(),
    description: 'Alerts on attempts to turn off or redirect Amazon Bedrock model invocation logging or weaken its buckets (cdk-bedrock-invocation-logging)',
  });
  const eventBus = alerts.eventBusArn ? events.EventBus.fromEventBusArn(stack, 'AlertEventBus', alerts.eventBusArn) : undefined;
  const detection = new BedrockTamperDetection(stack, 'TamperDetection', { eventBus });
  if (detection.topic) {
    new CfnOutput(stack, 'TamperAlertTopicArn', { description: 'Subscribe to receive attempts to turn off or weaken Bedrock invocation logging', value: detection.topic.topicArn });
  }
}

/** The administrator's stack of `rollout=stackset`: the StackSet and what to know about it. */
function addStackSetStack(app: App, stackProps: BedrockInvocationLoggingStackProps, targets: RolloutTargets): void {
  const { keyPrefix, cloudWatchLogs, textDataDeliveryEnabled } = stackProps;
  const { targetOuIds, targetRegions, callAs } = targets;
  const kms = stackProps.createEncryptionKey;
  const admin = new Stack(app, STACKSET_STACK_NAME, {
    synthesizer: new BootstraplessSynthesizer(),
    analyticsReporting: NO_CDK_METADATA,
    description: 'Service-managed StackSet that rolls Amazon Bedrock model invocation logging out to an organization (cdk-bedrock-invocation-logging)',
  });
  const rolloutSet = new BedrockInvocationLoggingStackSet(admin, 'StackSet', {
    organizationalUnitIds: targetOuIds,
    regions: targetRegions,
    callAs,
    keyPrefix,
    nopsRoleName: stackProps.nopsRoleName,
    nopsGrantRegion: stackProps.nopsGrantRegion,
    cloudWatchLogs,
    createEncryptionKey: kms,
    textDataDeliveryEnabled,
    archiveBucketName: stackProps.archiveBucketName,
    archiveAccountId: stackProps.archiveAccountId,
    archiveKmsKeyArn: stackProps.archiveKmsKeyArn,
  });
  new CfnOutput(admin, 'StackSetId', {
    description: 'The StackSet (CloudFormation > StackSets)',
    value: rolloutSet.stackSet.attrStackSetId,
  });
  new CfnOutput(admin, 'UnsupportedRegions', {
    description: 'What stack instances do in a Region without Amazon Bedrock',
    value: 'skipped: the member template sets skipUnsupportedRegions, so such a Region succeeds without configuring anything (stack output LoggingConfigurationStatus starts with "Skipped:")',
  });
  new CfnOutput(admin, 'ManagementAccount', {
    description: 'Service-managed StackSets never deploy to the management account',
    value: `not covered by the StackSet: run cdk deploy ${STACK_NAME} in the management account if it uses Amazon Bedrock`,
  });
}

/** The stack `tamperGuard=true` adds: the SCP, attached to the StackSet's target OUs. */
function addTamperGuardStack(app: App, targetOuIds: string[], guard: TamperGuardContext): void {
  const stack = new Stack(app, TAMPER_GUARD_STACK_NAME, {
    synthesizer: new BootstraplessSynthesizer(),
    analyticsReporting: NO_CDK_METADATA,
    description: 'Tamper-guard service control policy for Amazon Bedrock model invocation logging, attached to the StackSet\'s target OUs (cdk-bedrock-invocation-logging)',
  });
  const tamperGuard = new BedrockTamperGuard(stack, 'TamperGuard', { targetIds: targetOuIds, breakGlassRoleArn: guard.breakGlassRoleArn });
  new CfnOutput(stack, 'TamperGuardPolicyId', {
    description: 'Service control policy attached to the target OUs: see the README, "Tamper guard", before deploying in a guarded account',
    value: tamperGuard.policy.attrId,
  });
}
