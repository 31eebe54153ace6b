import { Token } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { ACCOUNT_ID_PATTERN, ORGANIZATIONAL_UNIT_ID_PATTERN } from '../shared/facts';
import { ErrorCollector } from '../shared/validation';
import { POLICY_NAME_PATTERN, TAMPER_GUARD_POLICY_NAME } from './facts';
import { BedrockTamperGuardPolicy } from './tamper-guard-policy';

/**
 * Properties for `BedrockTamperGuard`.
 */
export interface BedrockTamperGuardProps {
  /**
   * Where to attach the policy: organizational units (`ou-ab12-cdef3456`), the root (`r-ab12`) or
   * member accounts (`123456789012`). The management account is never restricted by an SCP.
   */
  readonly targetIds: string[];

  /**
   * A role ARN, or `ArnLike` pattern, exempt for emergencies (see
   * `BedrockTamperGuardPolicyOptions.breakGlassRoleArn`).
   *
   * @default - no break-glass role
   */
  readonly breakGlassRoleArn?: string;

  /**
   * Roles, or `ArnLike` patterns, that deploy the library's stacks in the guarded accounts, exempt
   * in addition to `stacksets-exec-*` (see `BedrockTamperGuardPolicyOptions.executionRoleArns`).
   *
   * @default - only `stacksets-exec-*` deploys
   */
  readonly executionRoleArns?: string[];

  /**
   * Name of the StackSet whose stack instances (`StackSet-NAME-...`) are guarded.
   *
   * @default 'BedrockInvocationLogging' - the default name of `BedrockInvocationLoggingStackSet`
   */
  readonly stackSetName?: string;

  /**
   * Name of the policy in AWS Organizations.
   *
   * @default 'cdk-bedrock-invocation-logging-tamper-guard'
   */
  readonly policyName?: string;
}

/**
 * The tamper guard (`BedrockTamperGuardPolicy`) as an AWS Organizations service control policy
 * attached to `targetIds`. Deploy it in the organization's management account, or in a delegated
 * administrator for AWS Organizations policies. SCPs must be enabled in the organization.
 *
 * Deleting the stack, or removing the construct, detaches and deletes the policy.
 */
export class BedrockTamperGuard extends Construct {
  /** The default `policyName`. */
  public static readonly DEFAULT_POLICY_NAME = TAMPER_GUARD_POLICY_NAME;

  /** The policy resource. */
  public readonly policy: CfnPolicy;
  /** The policy text as AWS stores it (minified JSON). */
  public readonly policyJson: string;

  /**
   * @param scope the construct this one is added to (a stack, or a construct in one)
   * @param id its id within `scope`; it is part of the logical id of every resource below it, so
   * changing it replaces those resources
   * @param props its properties
   */
  constructor(scope: Construct, id: string, props: BedrockTamperGuardProps) {
    super(scope, id);
    const errors = new ErrorCollector(`${this.node.path} props`);
    const target = new RegExp(`${ORGANIZATIONAL_UNIT_ID_PATTERN}|${ACCOUNT_ID_PATTERN}`);
    if (!Token.isUnresolved(props.targetIds)) {
      if (props.targetIds.length === 0) errors.add('targetIds is empty: give the OUs, root or accounts to attach the policy to, for example ["ou-ab12-cdef3456"]');
      for (const t of props.targetIds) {
        if (!Token.isUnresolved(t) && !target.test(t)) {
          errors.add(`targetIds value ${JSON.stringify(t)} is not an OU id (ou-ab12-cdef3456), a root id (r-ab12) or an account id (123456789012)`);
        }
      }
    }
    const policyName = props.policyName ?? BedrockTamperGuard.DEFAULT_POLICY_NAME;
    if (!Token.isUnresolved(policyName) && !new RegExp(POLICY_NAME_PATTERN).test(policyName)) {
      errors.add(`policyName ${JSON.stringify(policyName)} is not 1-128 characters long`);
    }
    // The policy checks its own options (and its size), with the other props' problems.
    const policyJson = errors.collect(() => BedrockTamperGuardPolicy.toJson({
      breakGlassRoleArn: props.breakGlassRoleArn,
      executionRoleArns: props.executionRoleArns,
      stackSetName: props.stackSetName,
    }));
    errors.throwIfAny();

    this.policyJson = policyJson!;
    this.policy = new CfnPolicy(this, 'Resource', {
      name: policyName,
      type: 'SERVICE_CONTROL_POLICY',
      description: 'Member accounts cannot turn off or redirect Amazon Bedrock model invocation logging, or change its buckets, keys, roles, handler or stacks (cdk-bedrock-invocation-logging)',
      content: JSON.parse(this.policyJson),
      targetIds: props.targetIds,
    });
    // CloudFormation takes Content as an object or a string (the L1 type says object only). As a
    // string, AWS stores exactly these characters, the ones the quota counts.
    this.policy.addPropertyOverride('Content', this.policyJson);
  }
}
