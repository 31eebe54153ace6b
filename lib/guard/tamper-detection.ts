import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { IAM_PATH } from '../shared/facts';
import { denyGrantsExceptForAwsServices } from '../shared/kms';
import { GUARDED_BEDROCK_ACTIONS, GUARDED_BUCKET_OPERATIONS, guardedBucketNamePrefixes } from './private/coverage';

const EVENTS_PRINCIPAL = 'events.amazonaws.com';

/**
 * Properties for `BedrockTamperDetection`.
 */
export interface BedrockTamperDetectionProps {
  /**
   * Send the matching events to this event bus (for example a security account's central bus, whose
   * resource policy must let this account put events) instead of an SNS topic in this account.
   *
   * @default - a new SNS topic, encrypted with a new KMS key (rotation on), that the rule publishes to
   */
  readonly eventBus?: events.IEventBus;
}

/**
 * An EventBridge rule on the CloudTrail management events of attempts to turn Bedrock model
 * invocation logging off or redirect it (`PutModelInvocationLoggingConfiguration`,
 * `DeleteModelInvocationLoggingConfiguration`) or to weaken the library's log buckets (bucket policy,
 * public access block, ownership, encryption, versioning, lifecycle, replication, Object Lock, access
 * logging, deletion), by anyone but the library's own roles, denied attempts included. Delivered to an
 * encrypted SNS topic in the account, or to another event bus.
 *
 * Needs CloudTrail management events in the account and Region (an organization trail, or a trail of
 * the account). Object deletions are CloudTrail data events and are not seen.
 */
export class BedrockTamperDetection extends Construct {
  /**
   * The event pattern: CloudTrail management events of the guarded Bedrock and bucket operations,
   * except those made by a role of `account` on the library's IAM path. For your own `events.Rule`
   * (`eventPattern`), which renders it as this construct's rule does.
   */
  public static eventPattern(partition: string, account: string): events.EventPattern {
    const rendered = BedrockTamperDetection.renderedPattern(partition, account);
    return { source: rendered.source, detailType: rendered['detail-type'], detail: rendered.detail };
  }

  /** The pattern as EventBridge stores it (`detail-type`, not `detailType`), for the `CfnRule`. */
  private static renderedPattern(partition: string, account: string): { source: string[]; 'detail-type': string[]; detail: Record<string, unknown> } {
    const eventName = (action: string) => action.slice(action.indexOf(':') + 1);
    return {
      'source': ['aws.bedrock', 'aws.s3'],
      'detail-type': ['AWS API Call via CloudTrail'],
      'detail': {
        $or: [
          { eventSource: ['bedrock.amazonaws.com'], eventName: GUARDED_BEDROCK_ACTIONS.map(eventName) },
          {
            eventSource: ['s3.amazonaws.com'],
            eventName: GUARDED_BUCKET_OPERATIONS.flatMap((o) => o.eventNames),
            requestParameters: { bucketName: guardedBucketNamePrefixes().map((prefix) => ({ prefix })) },
          },
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

  constructor(scope: Construct, id: string, props: BedrockTamperDetectionProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.rule = new events.CfnRule(this, 'Rule', {
      description: 'Attempts to turn off or redirect Bedrock model invocation logging or weaken its buckets (cdk-bedrock-invocation-logging)',
      eventPattern: BedrockTamperDetection.renderedPattern(stack.partition, stack.account),
      state: 'ENABLED',
    });

    if (props.eventBus) {
      // Cross-account and cross-Region event bus targets need a role; it sits on the library's path.
      this.eventBusRole = new iam.Role(this, 'EventBusRole', {
        path: IAM_PATH,
        description: 'EventBridge puts tamper events of Bedrock model invocation logging on the central event bus',
        assumedBy: new iam.ServicePrincipal(EVENTS_PRINCIPAL).withConditions({
          StringEquals: { 'aws:SourceAccount': stack.account },
          // The rule's own ARN would be a circular reference (the rule names the role).
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*' }) },
        }),
      });
      const policy = new iam.ManagedPolicy(this, 'EventBusPolicy', {
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
    // "sns-not-getting-eventbridge-notification"); the key serves this topic alone.
    this.topicEncryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventBridgeToPublishEncrypted',
      principals: [new iam.ServicePrincipal(EVENTS_PRINCIPAL)],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
    }));
    this.topicEncryptionKey.addToResourcePolicy(denyGrantsExceptForAwsServices());
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
