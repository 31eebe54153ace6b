import { App, CfnCondition, CfnOutput, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, REGION, resolveTemplate, TemplateResolver } from './resolve';

const template = {
  Parameters: { Env: { Type: 'String', Default: 'prod' } },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
    NotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] },
    Both: { 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['a', 'a'] }] },
  },
  Mappings: { M: { 'us-east-1': { Size: '3' } } },
  Resources: {
    Bucket: { Type: 'AWS::S3::Bucket' },
    Named: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': 'logs-${AWS::AccountId}-${AWS::Region}' } } },
    Key: { Type: 'AWS::KMS::Key' },
    Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/svc/' } },
    Group: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/x' } },
    Policy: { Type: 'AWS::IAM::ManagedPolicy' },
    Fn: { Type: 'AWS::Lambda::Function' },
    Custom: { Type: 'Custom::Thing' },
  },
};

describe('TemplateResolver', () => {
  const r = new TemplateResolver(template, { stackName: 'S', physicalNames: { Bucket: 'my-bucket' } });

  test('pseudo parameters resolve to the fixed account, Region and partition', () => {
    expect(r.resolve({ Ref: 'AWS::AccountId' })).toBe(ACCOUNT);
    expect(r.resolve({ Ref: 'AWS::Region' })).toBe(REGION);
    expect(r.resolve({ Ref: 'AWS::Partition' })).toBe('aws');
    expect(r.resolve({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com');
    expect(r.resolve({ Ref: 'AWS::StackName' })).toBe('S');
    expect(r.resolve({ Ref: 'AWS::StackId' })).toMatch(/^arn:aws:cloudformation:us-east-1:111122223333:stack\/S\//);
  });

  test('Ref and Fn::GetAtt give physical names and ARNs', () => {
    expect(r.resolve({ Ref: 'Bucket' })).toBe('my-bucket');
    expect(r.resolve({ 'Fn::GetAtt': ['Bucket', 'Arn'] })).toBe('arn:aws:s3:::my-bucket');
    expect(r.resolve({ 'Fn::GetAtt': 'Bucket.Arn' })).toBe('arn:aws:s3:::my-bucket');
    expect(r.resolve({ Ref: 'Named' })).toBe(`logs-${ACCOUNT}-${REGION}`);
    expect(r.resolve({ 'Fn::GetAtt': ['Key', 'Arn'] })).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(r.resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).toMatch(/^arn:aws:iam::111122223333:role\/svc\/S-Role-[0-9a-f]{12}$/);
    expect(r.resolve({ 'Fn::GetAtt': ['Group', 'Arn'] })).toBe('arn:aws:logs:us-east-1:111122223333:log-group:/aws/x:*');
    expect(r.resolve({ Ref: 'Policy' })).toMatch(/^arn:aws:iam::111122223333:policy\/S-Policy-/);
    expect(r.resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] })).toMatch(/^arn:aws:lambda:us-east-1:111122223333:function:S-Fn-/);
    expect(r.resolve({ 'Fn::GetAtt': ['Custom', 'Message'] })).toBe('Custom.Message');
  });

  test('derived names are stable, and bucket names are lower case and at most 63 characters', () => {
    const long = new TemplateResolver({ Resources: { ['B'.repeat(80)]: { Type: 'AWS::S3::Bucket' } } }, { stackName: 'Stack' });
    const name = long.ref('B'.repeat(80));
    expect(name).toBe(name.toLowerCase());
    expect(name.length).toBeLessThanOrEqual(63);
    expect(long.ref('B'.repeat(80))).toBe(name);
  });

  test('Fn::Join, Fn::Sub (both forms, ${!Literal}, ${Logical.Attr}), Fn::Select, Fn::Split', () => {
    expect(r.resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/p/*']] })).toBe('arn:aws:s3:::my-bucket/p/*');
    expect(r.resolve({ 'Fn::Sub': '${Bucket.Arn}/${AWS::AccountId}/${!Literal}' })).toBe(`arn:aws:s3:::my-bucket/${ACCOUNT}/\${Literal}`);
    expect(r.resolve({ 'Fn::Sub': ['${A}-${Bucket}', { A: { Ref: 'AWS::Region' } }] })).toBe('us-east-1-my-bucket');
    expect(r.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] })).toBe('b');
    expect(r.resolve({ 'Fn::Select': ['0', ['x', 'y']] })).toBe('x');
    expect(r.resolve({ 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'Size'] })).toBe('3');
  });

  test('parameters, conditions, Fn::If and AWS::NoValue', () => {
    expect(r.resolve({ Ref: 'Env' })).toBe('prod');
    expect(new TemplateResolver(template, { parameters: { Env: 'dev' } }).resolve({ 'Fn::If': ['IsProd', 'p', 'd'] })).toBe('d');
    expect(r.resolve({ 'Fn::If': ['NotProd', 'p', 'd'] })).toBe('d');
    expect(r.resolve({ 'Fn::If': ['Both', 'yes', 'no'] })).toBe('yes');
    expect(r.resolve({ A: { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, 'x'] }, B: 1 })).toEqual({ B: 1 });
    expect(r.resolve(['a', { Ref: 'AWS::NoValue' }, 'b'])).toEqual(['a', 'b']);
  });

  test('resources and outputs whose condition is false are left out', () => {
    const t = { ...template, Resources: { ...template.Resources, OnlyDev: { Type: 'AWS::S3::Bucket', Condition: 'NotProd' } }, Outputs: { Dev: { Condition: 'NotProd', Value: 'x' }, Any: { Value: { Ref: 'Env' } } } };
    expect(resolveTemplate(t).Resources.OnlyDev).toBeUndefined();
    expect(resolveTemplate(t).Outputs).toEqual({ Any: { Value: 'prod' } });
    expect(resolveTemplate(t, { parameters: { Env: 'dev' } }).Resources.OnlyDev).toEqual({ Type: 'AWS::S3::Bucket', Condition: 'NotProd' });
  });

  test('a policy statement keeps its Condition key (not mistaken for the Condition intrinsic)', () => {
    const statement = { Effect: 'Allow', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(r.resolve(statement)).toEqual(statement);
    expect(r.resolve({ Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }))
      .toEqual({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } });
  });

  test('anything not modelled throws instead of leaving an intrinsic in a policy', () => {
    expect(() => r.resolve({ Ref: 'Nope' })).toThrow(/unknown logical id Nope/);
    expect(() => r.resolve({ 'Fn::GetAtt': ['Bucket', 'Nope'] })).toThrow(/Bucket.Nope/);
    expect(() => r.resolve({ 'Fn::ImportValue': 'X' })).toThrow(/Fn::ImportValue is not supported/);
    expect(() => r.resolve({ 'Fn::Select': [5, ['a']] })).toThrow(/out of range/);
    expect(() => r.resolve({ 'Fn::Join': ['', [{ A: 1 }]] })).toThrow(/expected a string/);
    expect(() => new TemplateResolver({ Parameters: { P: { Type: 'String' } } }).resolve({ Ref: 'P' })).toThrow(/no value/);
  });

  test('an aws-cdk-lib template resolves to the literals CloudFormation would produce', () => {
    const app = new App();
    const stack = new Stack(app, 'Demo');
    const bucket = new s3.Bucket(stack, 'B');
    const key = new kms.Key(stack, 'K');
    const group = new logs.LogGroup(stack, 'G', { logGroupName: '/demo' });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    bucket.grantRead(role, 'p/*');
    key.grantDecrypt(role);
    group.grantWrite(role);
    const env = new CfnParameter(stack, 'Env', { default: 'prod' });
    new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals(env.valueAsString, 'prod') });
    new CfnOutput(stack, 'O', { value: Fn.sub('${AWS::Region}/${B}', { B: bucket.bucketName }) });
    new CfnOutput(stack, 'Sel', { value: Fn.select(1, Fn.split(':', key.keyArn)) });
    const raw = Template.fromStack(stack).toJSON();
    const resolved = resolveTemplate(raw, { stackName: 'Demo' });
    const text = JSON.stringify([resolved.Resources, resolved.Outputs]);
    expect(text).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
    const bucketName = new TemplateResolver(raw, { stackName: 'Demo' }).ref(Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket));
    const policy = Object.values(resolved.Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Policy').Properties.PolicyDocument;
    const resources = policy.Statement.flatMap((s: any) => [s.Resource].flat());
    expect(resources).toContain(`arn:aws:s3:::${bucketName}/p/*`);
    expect(resources).toContain('arn:aws:logs:us-east-1:111122223333:log-group:/demo:*');
    expect(resources.some((r: string) => /^arn:aws:kms:us-east-1:111122223333:key\//.test(r))).toBe(true);
    expect(resolved.Outputs.O.Value).toBe(`us-east-1/${bucketName}`);
    expect(resolved.Outputs.Sel.Value).toBe('aws');
  });
});
