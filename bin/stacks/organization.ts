import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { BedrockInvocationLoggingStackProps, BedrockInvocationLoggingStackSet, StackSetCallAs } from '../../lib';
import { ErrorCollector } from '../../lib/shared/validation';
import { parseList, parseString } from '../context';
import { appStackProps } from './defaults';
import { STACK_NAME } from './member';

/** Name of the administrator's stack that `rollout=stackset` adds. */
export const STACKSET_STACK_NAME = 'BedrockInvocationLoggingStackSet';

/** Where `rollout=stackset` deploys, and as whom. */
export interface RolloutTargets {
  readonly targetOuIds: string[];
  readonly targetRegions: string[];
  readonly callAs?: StackSetCallAs;
}

/** `targetOuIds` and `targetRegions` (both required) and `callAs`, each checked in context terms. */
export function parseRolloutTargets(context: Record<string, unknown>, errors: ErrorCollector): RolloutTargets {
  const targetOuIds = parseList('targetOuIds', context.targetOuIds, BedrockInvocationLoggingStackSet.ORGANIZATIONAL_UNIT_ID_PATTERN, 'ou-ab12-cdef3456,ou-ab12-ghij7890', errors);
  const targetRegions = parseList('targetRegions', context.targetRegions, BedrockInvocationLoggingStackSet.REGION_PATTERN, 'us-east-1,eu-west-1', errors);
  if (context.targetOuIds === undefined) {
    errors.add('context targetOuIds is missing: rollout=stackset needs the OUs to deploy to, for example -c targetOuIds=ou-ab12-cdef3456,ou-ab12-ghij7890 (or the root id, -c targetOuIds=r-ab12)');
  }
  if (context.targetRegions === undefined) {
    errors.add('context targetRegions is missing: rollout=stackset needs the Regions to deploy to, for example -c targetRegions=us-east-1,eu-west-1');
  }
  let callAs: StackSetCallAs | undefined;
  const callAsText = parseString('callAs', context.callAs, errors);
  if (callAsText !== undefined) {
    const allowed = Object.values(StackSetCallAs) as string[];
    if (allowed.includes(callAsText)) callAs = callAsText as StackSetCallAs;
    else errors.add(`context callAs=${JSON.stringify(callAsText)} is not valid: use -c callAs=SELF (management account) or -c callAs=DELEGATED_ADMIN (delegated administrator)`);
  }
  return { targetOuIds: targetOuIds!, targetRegions: targetRegions!, callAs };
}

/** Choices of the StackSet's member template besides the member stack's props. */
export interface StackSetOptions {
  readonly alertEventBusArn?: string;
  readonly permissionsBoundaryArn?: string;
}

/**
 * The administrator's stack of `rollout=stackset`: the StackSet and what to know about it. With
 * `alertEventBusArn`, the member template carries the detection rule to every account and Region.
 */
export function addStackSetStack(app: App, stackProps: BedrockInvocationLoggingStackProps, targets: RolloutTargets, options: StackSetOptions = {}): void {
  const { keyPrefix, cloudWatchLogs, textDataDeliveryEnabled } = stackProps;
  const { targetOuIds, targetRegions, callAs } = targets;
  const kms = stackProps.createEncryptionKey;
  const admin = new Stack(app, STACKSET_STACK_NAME, {
    ...appStackProps(),
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
    alertEventBusArn: options.alertEventBusArn,
    permissionsBoundaryArn: options.permissionsBoundaryArn,
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
