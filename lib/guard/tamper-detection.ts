import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { IAM_PATH } from '../shared/facts';
import { tagGuardedKey } from '../shared/key';
import { denyGrantsExceptForAwsServices } from '../shared/kms';
import { HANDLER_FUNCTION_NAME_PREFIX } from '../logging/facts';
import { DETECTION_RULE_NAME, SCP_DENIED_ERROR_CODES, SCP_DENIED_MESSAGE } from './facts';
import { GUARDED_BEDROCK_ACTIONS, guardedBucketNamePrefixes } from './private/coverage';

const EVENTS_PRINCIPAL = 'events.amazonaws.com';

/**
 * Properties for `BedrockTamperDetection`.
 *
 * @experimental
 */
export interface BedrockTamperDetectionProps {
  /**
   * Send the matching events to this event bus (for example a security account's central bus, whose
   * resource policy must let this account put events) instead of an SNS topic in this account.
   *
   * @default - a new SNS topic, encrypted with a new KMS key (rotation on), that the rule publishes to
   */
  readonly eventBus?: events.IEventBus;

  /**
   * Name of the rule. The StackSet's member template gives it `cdk-bedrock-invocation-logging-tamper-detection`,
   * a name the tamper guard protects; a name is unique per account and Region, so give none where
   * another stack in the same account and Region may have the rule.
   *
   * @default - a name CloudFormation generates
   */
  readonly ruleName?: string;
}

/**
 * An EventBridge rule on the CloudTrail management events of attempts to turn Bedrock model
 * invocation logging off or redirect it, or to change what the tamper guard protects, by anyone but
 * the library's own roles:
 *
 * - `PutModelInvocationLoggingConfiguration` and `DeleteModelInvocationLoggingConfiguration`;
 * - every write (`readOnly: false`) to the log buckets and the archive, the custom resource handler,
 *   the SSM parameters and the customer managed policies on the library's path, the rule itself when
 *   named `cdk-bedrock-invocation-logging-tamper-detection` (the StackSet's member template), and every
 *   `CreateRole` on that path, whether it succeeded or was denied;
 * - every request a service control policy denied (CloudTrail's access-denied `errorCode` with "explicit
 *   deny in a service control policy" in its message): under the tamper guard that is every attempt on
 *   the guarded roles and KMS keys, which CloudTrail names by neither path nor tag.
 *
 * Delivered to an encrypted SNS topic in the account, or to another event bus. Needs CloudTrail
 * management events in the account and Region (an organization trail, or a trail of the account);
 * IAM's events are recorded in us-east-1. Object writes and deletions and function invocations are
 * CloudTrail data events: seen only where a trail records them.
 *
 * Experimental: the event pattern is tested with a matcher written to EventBridge's documented
 * semantics, not against EventBridge, and what CloudTrail records in `errorMessage` when an SCP denies
 * a request is taken from IAM's documented message format (docs/tamper-guard.md). The pattern may
 * change in a minor release.
 *
 * @experimental
 */
export class BedrockTamperDetection extends Construct {
  /**
   * The event pattern: CloudTrail management events of attempts on what the guard protects, except
   * those made by a role of `account` on the library's IAM path. For your own `events.Rule`
   * (`eventPattern`), which renders it as this construct's rule does.
   */
  public static eventPattern(partition: string, account: string): events.EventPattern {
    const rendered = BedrockTamperDetection.renderedPattern(partition, account);
    return { detailType: rendered['detail-type'], detail: rendered.detail };
  }

  /** The pattern as EventBridge stores it (`detail-type`, not `detailType`), for the `CfnRule`. */
  private static renderedPattern(partition: string, account: string): { 'detail-type': string[]; detail: Record<string, unknown> } {
    const eventName = (action: string) => action.slice(action.indexOf(':') + 1);
    const writes = (eventSource: string, requestParameters: Record<string, unknown>) =>
      ({ eventSource: [eventSource], readOnly: [false], requestParameters });
    return {
      'detail-type': ['AWS API Call via CloudTrail'],
      'detail': {
        $or: [
          { eventSource: ['bedrock.amazonaws.com'], eventName: GUARDED_BEDROCK_ACTIONS.map(eventName) },
          writes('s3.amazonaws.com', { bucketName: guardedBucketNamePrefixes().map((prefix) => ({ prefix })) }),
          // A name, a partial ARN or an ARN, with or without a qualifier.
          writes('lambda.amazonaws.com', { functionName: [{ wildcard: `*${HANDLER_FUNCTION_NAME_PREFIX}-*` }] }),
          writes('ssm.amazonaws.com', { $or: [{ name: [{ wildcard: `*parameter${IAM_PATH}*` }, { prefix: IAM_PATH }] }, { names: [{ prefix: IAM_PATH }] }] }),
          writes('events.amazonaws.com', { $or: [{ name: [{ prefix: DETECTION_RULE_NAME }] }, { rule: [{ prefix: DETECTION_RULE_NAME }] }] }),
          writes('iam.amazonaws.com', { $or: [{ policyArn: [{ wildcard: `*:policy${IAM_PATH}*` }] }, { path: [IAM_PATH] }] }),
          { errorCode: SCP_DENIED_ERROR_CODES, errorMessage: [{ wildcard: `*${SCP_DENIED_MESSAGE}*` }] },
        ],
        // The library's roles are recognised by the issuer of their session, whose ARN has the IAM
        // path; anyone else (another role, a user, the root user) has no such issuer or another one.
        userIdentity: {
          $or: [
            { type: [{ 'anything-but': ['AssumedRole'] }] },
            { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': { prefix: `arn:${partition}:iam::${account}:role${IAM_PATH}` } }] } } },
          ],
        },
      },
    };
  }

  /** The rule. */
  public readonly rule: events.CfnRule;
  /** The topic the rule publishes to, unless `eventBus` was given. Subscribe to it. */
  public readonly topic?: sns.Topic;
  /** The key of `topic`. */
  public readonly topicEncryptionKey?: kms.Key;
  /** The role EventBridge uses to put events on `eventBus`. */
  public readonly eventBusRole?: iam.Role;

  /**
   * @param scope the construct this one is added to (a stack, or a construct in one)
   * @param id its id within `scope`; it is part of the logical id of every resource below it, so
   * changing it replaces those resources
   * @param props its properties (all optional)
   */
  constructor(scope: Construct, id: string, props: BedrockTamperDetectionProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.rule = new events.CfnRule(this, 'Rule', {
      name: props.ruleName,
      description: 'Attempts to turn off or redirect Bedrock model invocation logging or weaken its buckets (cdk-bedrock-invocation-logging)',
      eventPattern: BedrockTamperDetection.renderedPattern(stack.partition, stack.account),
      state: 'ENABLED',
    });

    if (props.eventBus) {
      // Cross-account and cross-Region event bus targets need a role; it sits on the library's path.
      this.eventBusRole = new iam.Role(this, 'EventBusRole', {
        path: IAM_PATH,
        description: 'EventBridge puts tamper events of Bedrock model invocation logging on the central event bus',
        // The rule's own ARN would be a circular reference (the rule names the role).
        assumedBy: new iam.ServicePrincipal(EVENTS_PRINCIPAL).withConditions(thisAccountsRules(stack)),
      });
      const policy = new iam.ManagedPolicy(this, 'EventBusPolicy', {
        // On the library's path: the tamper guard denies changing policies there, and a new default
        // version of a policy elsewhere would change what this role may do.
        path: IAM_PATH,
        description: 'Put events on the central event bus, nothing else',
        statements: [new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.eventBus.eventBusArn] })],
        roles: [this.eventBusRole],
      });
      this.rule.node.addDependency(policy);
      this.rule.targets = [{ id: 'EventBus', arn: props.eventBus.eventBusArn, roleArn: this.eventBusRole.roleArn }];
      return;
    }

    this.topicEncryptionKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the tamper alert topic of Bedrock model invocation logging',
      enableKeyRotation: true,
      // The topic stores no message: a deleted stack leaves nothing this key would still protect.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(30),
    });
    // EventBridge publishes to an encrypted topic only if the key lets it (AWS knowledge center,
    // "sns-not-getting-eventbridge-notification"); the key serves this topic alone, and only for the
    // rules of this account and Region (the confused-deputy guard; the rule's own ARN would be a
    // circular reference: the rule names the topic, the topic the key).
    this.topicEncryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventBridgeToPublishEncrypted',
      principals: [new iam.ServicePrincipal(EVENTS_PRINCIPAL)],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: thisAccountsRules(stack),
    }));
    this.topicEncryptionKey.addToResourcePolicy(denyGrantsExceptForAwsServices());
    tagGuardedKey(this.topicEncryptionKey);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Bedrock invocation logging tamper alerts',
      masterKey: this.topicEncryptionKey,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowTamperRuleToPublish',
      principals: [new iam.ServicePrincipal(EVENTS_PRINCIPAL)],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: { ArnEquals: { 'aws:SourceArn': this.rule.attrArn } },
    }));
    this.rule.targets = [{ id: 'Topic', arn: this.topic.topicArn }];
  }
}

/** `aws:SourceAccount` and `aws:SourceArn` for EventBridge: the rules of the stack's account and Region. */
function thisAccountsRules(stack: Stack): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*' }) },
  };
}
