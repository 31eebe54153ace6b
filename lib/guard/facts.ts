/**
 * Facts of the tamper guard: who deploys, the SCP's size limit, where alerts go. No aws-cdk-lib or
 * AWS SDK import.
 */

import { REGION_PATTERN } from '../shared/facts';

/**
 * Start of the name of the role CloudFormation StackSets assumes in each member account of a
 * service-managed StackSet (`stacksets-exec-` and a hash, on path `/`).
 */
export const STACKSETS_EXECUTION_ROLE_NAME_PREFIX = 'stacksets-exec-';

/**
 * Default name of the tamper-guard service control policy in AWS Organizations
 * (`BedrockTamperGuard.DEFAULT_POLICY_NAME`); verify looks for an SCP of this name above each account.
 */
export const TAMPER_GUARD_POLICY_NAME = 'cdk-bedrock-invocation-logging-tamper-guard';

/** An AWS Organizations policy name: 1-128 characters. */
export const POLICY_NAME_PATTERN = '^[\\s\\S]{1,128}$';

/**
 * The two Bedrock actions that turn logging off or redirect it (no resource type: `*`). The guard
 * denies them; verify recognises the guard under another name by a Deny of them.
 */
export const GUARDED_BEDROCK_ACTIONS = ['bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'];

/** AWS Organizations quota: characters in one service control policy (whitespace counts). */
export const MAX_SCP_CHARACTERS = 5_120;

/** An EventBridge event bus ARN (`arn:aws:events:REGION:ACCOUNT:event-bus/NAME`). */
export const EVENT_BUS_ARN_PATTERN = `^arn:aws[a-z-]*:events:${REGION_PATTERN.slice(1, -1)}:\\d{12}:event-bus/[\\w.\\-/]{1,256}$`;

/**
 * The execution role of self-managed StackSets in each target account, by the name AWS documents
 * (and Landing Zone Accelerator creates): deployers to name in `executionRoleArns`.
 */
export const SELF_MANAGED_STACKSETS_EXECUTION_ROLE_NAME = 'AWSCloudFormationStackSetExecutionRole';

/** The role AWS Control Tower deploys through in each enrolled account. */
export const CONTROL_TOWER_EXECUTION_ROLE_NAME = 'AWSControlTowerExecution';

/**
 * The `errorCode` values CloudTrail records for a request IAM refused: `AccessDenied` (S3, IAM, STS,
 * CloudFormation and other query and REST-XML services) and `AccessDeniedException` (JSON services
 * such as Bedrock, Lambda, SSM and KMS). The detection rule matches them with `SCP_DENIED_MESSAGE`.
 */
export const SCP_DENIED_ERROR_CODES = ['AccessDenied', 'AccessDeniedException'];

/**
 * What IAM's access-denied message says when a service control policy's Deny refused the request
 * ("User: ARN is not authorized to perform: ACTION on resource: ARN with an explicit deny in a
 * service control policy").
 */
export const SCP_DENIED_MESSAGE = 'explicit deny in a service control policy';

/**
 * Name of the tamper-detection rule the StackSet's member template puts in every account and
 * Region (one per Region: rules are regional), so that the guard can name it.
 */
export const DETECTION_RULE_NAME = 'cdk-bedrock-invocation-logging-tamper-detection';
