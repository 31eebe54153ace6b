/**
 * Detection (-c alertTopic=true, -c alertEventBusArn=ARN; stack BedrockInvocationLoggingTamperDetection): the rule's pattern, evaluated on sample
 * CloudTrail events with the EventBridge semantics of ./event-pattern.ts, and what it delivers to.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp, STACK_NAME, TAMPER_DETECTION_STACK_NAME, TAMPER_GUARD_STACK_NAME } from '../../bin/create-app';
import { runApp } from '../../bin/main';
import { IAM_PATH } from '../../lib/shared/facts';
import { logBucketName } from '../../lib/logging/facts';
import { ARCHIVE_BUCKET_NAME_PREFIX } from '../../lib/archive/facts';
import { BedrockInvocationLoggingMemberTemplate, BedrockInvocationLoggingStackSet, BedrockTamperDetection } from '../../lib';
import { TemplateResolver, ACCOUNT, REGION } from '../support/security/resolve';
import { errorOf } from '../support/util';
import { assumedRole, cloudTrailEvent } from './cloudtrail-events';
import { matches } from './event-pattern';

const BUS_ARN = 'arn:aws:events:eu-west-1:999988887777:event-bus/security-alerts';

function templateOf(app: App, name = TAMPER_DETECTION_STACK_NAME): any {
  return Template.fromStack(app.node.findChild(name) as Stack).toJSON();
}

function ofType(template: any, type: string): Array<[string, any]> {
  return Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
}

const ADMIN = assumedRole('Admin');
const HANDLER = assumedRole(`${IAM_PATH.slice(1)}BedrockInvocationLogging-HandlerRole-1A2B3C4D`);
const ROOT = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };
const USER = { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' };
const LOG_BUCKET = logBucketName(ACCOUNT, REGION, 'a1b2c3d4');
const bucket = (name: string) => ({ bucketName: name, Host: `${name}.s3.${REGION}.amazonaws.com` });

test('the pattern fits EventBridge\'s default event-pattern quota (2,048 characters) with the longest partition name', () => {
  // EventBridge quotas, "Event pattern size": 2,048 characters by default (4,096 on request). As stored: `detail-type`.
  const stored = JSON.stringify(BedrockTamperDetection.eventPattern('aws-us-gov', '123456789012')).replace('"detailType"', '"detail-type"');
  expect(stored).toContain('"detail-type"');
  expect(stored.length).toBeLessThanOrEqual(2_048);
});

describe('with -c alertTopic=true', () => {
  const app = createApp({ context: { alertTopic: 'true' } });
  const template = templateOf(app);
  const resolver = new TemplateResolver(template, { stackName: TAMPER_DETECTION_STACK_NAME });
  const [[ruleId, rule]] = ofType(template, 'AWS::Events::Rule');
  const pattern = resolver.resolve(rule.Properties.EventPattern);

  test('a stack beside the member stack holds one rule on CloudTrail management events, to a KMS-encrypted topic; the member stack is unchanged', () => {
    expect(templateOf(app, STACK_NAME)).toEqual(templateOf(createApp(), STACK_NAME));
    expect(ofType(template, 'AWS::Events::Rule')).toHaveLength(1);
    expect(pattern.source).toBeUndefined();
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    const [[topicId, topic]] = ofType(template, 'AWS::SNS::Topic');
    expect(rule.Properties.Targets).toEqual([{ Id: 'Topic', Arn: { Ref: topicId } }]);
    const [[keyId, key]] = ofType(template, 'AWS::KMS::Key');
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'AllowEventBridgeToPublishEncrypted', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*', Condition: expect.anything(),
    });
    const [[, topicPolicy]] = ofType(template, 'AWS::SNS::TopicPolicy');
    expect(topicPolicy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      { Sid: 'AllowTamperRuleToPublish', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish',
        Resource: { Ref: topicId }, Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } } },
    ]));
    expect(template.Outputs.TamperAlertTopicArn.Value).toEqual({ Ref: topicId });
  });

  test.each<[string, object, boolean]>([
    ['an administrator turning logging off', cloudTrailEvent('bedrock.amazonaws.com', 'DeleteModelInvocationLoggingConfiguration', ADMIN), true],
    ['an administrator redirecting logging', cloudTrailEvent('bedrock.amazonaws.com', 'PutModelInvocationLoggingConfiguration', ADMIN,
      { loggingConfig: { s3Config: { bucketName: 'attacker-bucket', keyPrefix: 'x' } } }), true],
    ['an administrator suspending versioning on the log bucket', cloudTrailEvent('s3.amazonaws.com', 'PutBucketVersioning', ADMIN,
      { ...bucket(LOG_BUCKET), VersioningConfiguration: { Status: 'Suspended' } }), true],
    ['a denied attempt (the SCP stopped it) is still seen', cloudTrailEvent('s3.amazonaws.com', 'DeleteBucketPolicy', ADMIN, bucket(LOG_BUCKET),
      { errorCode: 'AccessDenied', errorMessage: 'with an explicit deny in a service control policy' }), true],
    ['the root user deleting the replication of the archive bucket', cloudTrailEvent('s3.amazonaws.com', 'DeleteBucketReplication', ROOT,
      bucket(`${ARCHIVE_BUCKET_NAME_PREFIX}-${ACCOUNT}-${REGION}-e5f6a7b8`)), true],
    ['an IAM user replacing the bucket policy', cloudTrailEvent('s3.amazonaws.com', 'PutBucketPolicy', USER, bucket(LOG_BUCKET)), true],
    ['a role with the library path in its name but not its path', cloudTrailEvent('bedrock.amazonaws.com', 'PutModelInvocationLoggingConfiguration',
      assumedRole('cdk-bedrock-invocation-logging-admin')), true],
    ['the library\'s handler role putting the configuration', cloudTrailEvent('bedrock.amazonaws.com', 'PutModelInvocationLoggingConfiguration', HANDLER), false],
    ['the library\'s handler role deleting it', cloudTrailEvent('bedrock.amazonaws.com', 'DeleteModelInvocationLoggingConfiguration', HANDLER), false],
    ['an administrator changing an unrelated bucket', cloudTrailEvent('s3.amazonaws.com', 'PutBucketPolicy', ADMIN, bucket('team-data')), false],
    ['an administrator reading the logging configuration', cloudTrailEvent('bedrock.amazonaws.com', 'GetModelInvocationLoggingConfiguration', ADMIN), false],
    ['an administrator tagging the log bucket (every write to a guarded bucket is an attempt)', cloudTrailEvent('s3.amazonaws.com', 'PutBucketTagging', ADMIN, bucket(LOG_BUCKET)), true],
    ['an administrator reading the log bucket\'s policy', cloudTrailEvent('s3.amazonaws.com', 'GetBucketPolicy', ADMIN, bucket(LOG_BUCKET), { readOnly: true }), false],
    ['an administrator updating the handler\'s code', cloudTrailEvent('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', ADMIN,
      { functionName: 'cdk-bedrock-invocation-logging-handler-a1b2c3d4' }), true],
    ['an administrator putting a resource policy on the handler by ARN', cloudTrailEvent('lambda.amazonaws.com', 'AddPermission20150331v2', ADMIN,
      { functionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:cdk-bedrock-invocation-logging-handler-a1b2c3d4:live` }), true],
    ['an administrator changing an unrelated function', cloudTrailEvent('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', ADMIN, { functionName: 'team-job' }), false],
    ['an administrator forging the handler\'s record', cloudTrailEvent('ssm.amazonaws.com', 'PutParameter', ADMIN,
      { name: '/cdk-bedrock-invocation-logging/previous-configuration-2', overwrite: true }), true],
    ['an administrator deleting the create marker among others', cloudTrailEvent('ssm.amazonaws.com', 'DeleteParameters', ADMIN,
      { names: ['/team/x', '/cdk-bedrock-invocation-logging/create/StackSet-BedrockInvocationLogging-1'] }), true],
    ['an administrator writing an unrelated parameter', cloudTrailEvent('ssm.amazonaws.com', 'PutParameter', ADMIN, { name: '/team/cdk-bedrock-invocation-logging' }), false],
    ['an administrator adding a version to a library policy', cloudTrailEvent('iam.amazonaws.com', 'CreatePolicyVersion', ADMIN,
      { policyArn: `arn:aws:iam::${ACCOUNT}:policy/cdk-bedrock-invocation-logging/HandlerPolicy-1A2B`, setAsDefault: true }), true],
    ['an administrator creating a role on the library path', cloudTrailEvent('iam.amazonaws.com', 'CreateRole', ADMIN, { roleName: 'Exempt', path: IAM_PATH }), true],
    ['an administrator creating an unrelated role', cloudTrailEvent('iam.amazonaws.com', 'CreateRole', ADMIN, { roleName: 'TeamRole', path: '/' }), false],
    ['the guard refusing an administrator scheduling a key\'s deletion', cloudTrailEvent('kms.amazonaws.com', 'ScheduleKeyDeletion', ADMIN,
      { keyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, pendingWindowInDays: 7 },
      { errorCode: 'AccessDeniedException', errorMessage: `User: arn:aws:sts::${ACCOUNT}:assumed-role/Admin/s is not authorized to perform: kms:ScheduleKeyDeletion on resource: arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab with an explicit deny in a service control policy` }), true],
    ['a request an identity policy denied (not the guard)', cloudTrailEvent('kms.amazonaws.com', 'ScheduleKeyDeletion', ADMIN, { keyId: 'k' },
      { errorCode: 'AccessDeniedException', errorMessage: 'User: x is not authorized to perform: kms:ScheduleKeyDeletion on resource: k with an explicit deny in an identity-based policy' }), false],
  ])('%s: %s', (_name, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });

  test('the topic\'s key admits EventBridge only for the rules of this account and Region', () => {
    const keys = ofType(templateOf(app), 'AWS::KMS::Key');
    const statements = keys.flatMap(([, k]) => k.Properties.KeyPolicy.Statement).filter((st: any) => st.Principal?.Service === 'events.amazonaws.com');
    expect(statements).toEqual([expect.objectContaining({
      Sid: 'AllowEventBridgeToPublishEncrypted',
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':rule/*']] } },
      },
    })]);
  });

  test('the StackSet member template does not get the rule with a topic: a topic per account would reach no one', () => {
    const withRollout = createApp({ context: { alertTopic: 'true', rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456', targetRegions: 'us-east-1' } });
    const stackSet = withRollout.node.findAll().find((c): c is BedrockInvocationLoggingStackSet => c instanceof BedrockInvocationLoggingStackSet)!;
    expect(Object.values<any>(JSON.parse(stackSet.memberTemplate.toJson()).Resources).filter((r) => r.Type === 'AWS::Events::Rule')).toEqual([]);
    expect(templateOf(withRollout).Resources[ruleId]).toBeDefined();
  });
});

describe('with -c alertEventBusArn=ARN', () => {
  const app = createApp({ context: { alertEventBusArn: BUS_ARN } });
  const template = templateOf(app);

  test('the rule puts the events on the central bus through a role on the library\'s path that may only put events there', () => {
    const [[ruleId, rule]] = ofType(template, 'AWS::Events::Rule');
    const [[roleId, role]] = ofType(template, 'AWS::IAM::Role').filter(([id]) => id.startsWith('TamperDetection'));
    expect(rule.Properties.Targets).toEqual([{ Id: 'EventBus', Arn: BUS_ARN, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }]);
    expect(role.Properties.Path).toBe(IAM_PATH);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': expect.anything() } },
    })]);
    const policies = ofType(template, 'AWS::IAM::ManagedPolicy').filter(([, p]) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId));
    expect(policies.map(([, p]) => p.Properties.PolicyDocument.Statement)).toEqual([[{ Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS_ARN }]]);
    expect(ofType(template, 'AWS::IAM::Policy').filter(([, p]) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId))).toEqual([]);
    expect(rule.DependsOn).toEqual(expect.arrayContaining([policies[0][0]]));
    expect(ofType(template, 'AWS::SNS::Topic')).toEqual([]);
    expect(template.Outputs).toBeUndefined();
    expect(ruleId).toMatch(/^TamperDetection/);
  });
});

describe('with -c rollout=stackset -c alertEventBusArn=ARN', () => {
  const app = createApp({ context: { alertEventBusArn: BUS_ARN, rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456', targetRegions: 'us-east-1,eu-west-1', kms: 'true', cloudWatchLogs: 'true' } });
  const stackSet = app.node.findAll().find((c): c is BedrockInvocationLoggingStackSet => c instanceof BedrockInvocationLoggingStackSet)!;
  const member = JSON.parse(stackSet.memberTemplate.toJson());

  test('the member template carries the rule to every account and Region, delivering to the central bus through a library role', () => {
    const rules = ofType(member, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const [[, rule]] = rules;
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: BUS_ARN })]);
    expect(rule.Properties.EventPattern).toEqual(templateOf(app).Resources[ofType(templateOf(app), 'AWS::Events::Rule')[0][0]].Properties.EventPattern);
    const roles = ofType(member, 'AWS::IAM::Role').filter(([id]) => id.startsWith('TamperDetection'));
    expect(roles.map(([, r]) => r.Properties.Path)).toEqual([IAM_PATH]);
    expect(ofType(member, 'AWS::SNS::Topic')).toEqual([]);
  });

  test('with every option the member template stays under the 51,200 bytes of an inline TemplateBody', () => {
    expect(Buffer.byteLength(stackSet.memberTemplate.toJson())).toBeLessThan(51_200);
  });

  test('a bad alertEventBusArn given to the member template is one line naming it', () => {
    expect(errorOf(() => new BedrockInvocationLoggingMemberTemplate({ alertEventBusArn: 'security-alerts' }))).toBe(
      'Invalid member template props:\n  - alertEventBusArn "security-alerts" is not an event bus ARN: use one such as arn:aws:events:us-east-1:123456789012:event-bus/NAME');
  });
});

test('both stacks with detection and the guard synthesize with no cdk-nag finding and no acknowledgement in the new constructs', () => {
  for (const context of [{ alertTopic: 'true' }, { alertEventBusArn: BUS_ARN }]) {
    const lines: string[] = [];
    const app = createApp({ context: { ...context, rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456', targetRegions: 'us-east-1', tamperGuard: 'true' } });
    expect(runApp(() => app, (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual([]);
    const added = [app.node.findChild(TAMPER_DETECTION_STACK_NAME).node.findChild('TamperDetection'), app.node.findChild(TAMPER_GUARD_STACK_NAME).node.findChild('TamperGuard')];
    expect(added.flatMap((c) => c.node.findAll()).flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))).toEqual([]);
  }
});

describe('bad detection context fails with the key, the value and the fix', () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['a non-boolean alertTopic', { alertTopic: 'yes' }, /context alertTopic="yes" is not a boolean: use -c alertTopic=true or -c alertTopic=false/],
    ['a bus name instead of an ARN', { alertEventBusArn: 'security-alerts' },
      /context alertEventBusArn="security-alerts" is not an event bus ARN: use -c alertEventBusArn=arn:aws:events:us-east-1:123456789012:event-bus\/NAME/],
    ['a rule ARN', { alertEventBusArn: 'arn:aws:events:us-east-1:123456789012:rule/x' }, /context alertEventBusArn=".*rule\/x" is not an event bus ARN/],
    ['both destinations', { alertTopic: 'true', alertEventBusArn: BUS_ARN },
      /context alertTopic=true and alertEventBusArn are both given: alerts go to a topic in the account or to the event bus; drop one/],
  ])('%s', (_name, context, expected) => {
    expect(errorOf(() => createApp({ context }))).toMatch(expected);
  });
});

describe('BedrockTamperDetection.eventPattern', () => {
  test('is a typed events.EventPattern that an events.Rule of your own renders exactly as the construct\'s rule', () => {
    const app = new App();
    const stack = new Stack(app, 'Own', { env: { account: ACCOUNT, region: REGION } });
    const detection = new BedrockTamperDetection(stack, 'Detection');
    const pattern: events.EventPattern = BedrockTamperDetection.eventPattern(stack.partition, stack.account);
    const own = new events.Rule(stack, 'OwnRule', { eventPattern: pattern });
    const template = Template.fromStack(stack).toJSON();
    const rendered = template.Resources[stack.getLogicalId(own.node.defaultChild as events.CfnRule)].Properties.EventPattern;
    expect(rendered).toEqual(template.Resources[stack.getLogicalId(detection.rule)].Properties.EventPattern);
    expect(Object.keys(rendered).sort()).toEqual(['detail', 'detail-type']);
  });
});
