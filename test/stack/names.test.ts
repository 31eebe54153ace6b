import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { accountLogBucketsArnPattern, HANDLER_FUNCTION_NAME_PREFIX, LOG_BUCKET_NAME_PREFIX } from '../../lib/logging/facts';
import { IAM_PATH, LONGEST_REGION_NAME, MAX_BUCKET_NAME_LENGTH, REGION_PATTERN } from '../../lib/shared/facts';
import { BedrockInvocationLoggingMemberTemplate, BedrockInvocationLoggingStack } from '../../lib';
import { TemplateResolver } from '../support/security/resolve';
import { ALL_OPTIONS, resourcesOfType, synthStack } from '../support/util';

// Names organization-scale policies match: bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX and the
// library's IAM path. Breaks: an SCP, the account-wide nOps grant or the archive stop matching.

const MEMBER = JSON.parse(new BedrockInvocationLoggingMemberTemplate({ createEncryptionKey: true }).toJson());

function logBucketId(template: any): string {
  return Object.entries<any>(template.Resources)
    .find(([id, r]) => r.Type === 'AWS::S3::Bucket' && r.Properties.BucketName && !id.includes('AccessLogs'))![0];
}

/** The log bucket's name as CloudFormation would make it for one stack. */
function nameIn(template: any, options: { account?: string; region?: string; stackName?: string }): string {
  const resolver = new TemplateResolver(template, options);
  return resolver.resolve(template.Resources[logBucketId(template)].Properties.BucketName);
}

describe('the log bucket name', () => {
  test('is bedrock-invocation-logs-ACCOUNT-REGION- and the first group of the stack id\'s UUID, in the app and the member template', () => {
    const expected = {
      'Fn::Join': ['', [`${LOG_BUCKET_NAME_PREFIX}-`, { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }, '-',
        { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] }]],
    };
    const app = synthStack().template.toJSON();
    expect(app.Resources[logBucketId(app)].Properties.BucketName).toEqual(expected);
    expect(MEMBER.Resources[logBucketId(MEMBER)].Properties.BucketName).toEqual(expected);
  });

  test('stays within 63 characters and is a valid bucket name with the longest Region name', () => {
    expect(new RegExp(REGION_PATTERN).test(LONGEST_REGION_NAME)).toBe(true);
    const name = nameIn(MEMBER, { account: '999999999999', region: LONGEST_REGION_NAME, stackName: 'StackSet-BedrockInvocationLogging-0123456789abcdef' });
    expect(name).toMatch(/^bedrock-invocation-logs-999999999999-us-isof-south-1-[0-9a-f]{8}$/);
    expect(name.length).toBeLessThanOrEqual(MAX_BUCKET_NAME_LENGTH);
    expect(name).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
  });

  test('is the same on every update of one stack (same stack id) and differs after delete and redeploy (new stack id)', () => {
    const first = nameIn(MEMBER, { stackName: 'deployment-1' });
    expect(nameIn(MEMBER, { stackName: 'deployment-1' })).toBe(first);
    const redeployed = nameIn(MEMBER, { stackName: 'deployment-2' });
    expect(redeployed).not.toBe(first);
    expect(redeployed.slice(0, -8)).toBe(first.slice(0, -8));
  });

  test('every Region\'s bucket of an account matches arn:aws:s3:::bedrock-invocation-logs-ACCOUNT-*, no other account\'s', () => {
    const pattern = accountLogBucketsArnPattern('aws', '111122223333');
    const glob = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2', LONGEST_REGION_NAME]) {
      expect(`arn:aws:s3:::${nameIn(MEMBER, { account: '111122223333', region })}`).toMatch(glob);
      expect(`arn:aws:s3:::${nameIn(MEMBER, { account: '444455556666', region })}`).not.toMatch(glob);
    }
  });

  test('library users keep the choice: generatedBucketName, an own bucketName, or an existing bucket', () => {
    const generated = synthStack({ generatedBucketName: true }).template.toJSON();
    const bucket = generated.Resources[Object.keys(generated.Resources).find((id) => id.startsWith('InvocationLoggingLogBucket') && !id.includes('AccessLogs') && generated.Resources[id].Type === 'AWS::S3::Bucket')!];
    expect(bucket.Properties.BucketName).toBeUndefined();
    const own = synthStack({ bucketName: 'my-bedrock-logs' }).template.toJSON();
    expect(Object.values<any>(own.Resources).filter((r) => r.Properties?.BucketName === 'my-bedrock-logs')).toHaveLength(1);
    const app = new App();
    const stack = new BedrockInvocationLoggingStack(app, 'S', {
      synthesizer: new BootstraplessSynthesizer(),
      bucket: s3.Bucket.fromBucketName(new Stack(app, 'Other'), 'B', 'existing-bucket'),
    });
    expect(resourcesOfType(Template.fromStack(stack), 'AWS::S3::Bucket')).toEqual([]);
  });
});

test('the custom resource handler is named cdk-bedrock-invocation-logging-handler-SUFFIX (the tamper guard names it)', () => {
  const fn = Object.values<any>(MEMBER.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
  expect(fn.Properties.FunctionName).toEqual({ 'Fn::Join': ['', [`${HANDLER_FUNCTION_NAME_PREFIX}-`,
    { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] }]] });
  const name = new TemplateResolver(MEMBER, {}).resolve(fn.Properties.FunctionName);
  expect(name.length).toBeLessThanOrEqual(64);
});

describe('the IAM path', () => {
  test.each([
    ['the app, all options', () => synthStack(ALL_OPTIONS).template.toJSON()],
    ['the member template', () => MEMBER],
  ])('every role the library creates sits on /cdk-bedrock-invocation-logging/ (%s)', (_name, template) => {
    const roles = Object.values<any>(template().Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThanOrEqual(2); // the handler's and the CloudWatch service role
    for (const role of roles) expect(role.Properties.Path).toBe(IAM_PATH);
  });
});
