import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { complianceFindings, formatFinding } from '../../bin/compliance';
import { BedrockInvocationLogging, BedrockInvocationLoggingStack, NopsIntegrationGrant } from '../../lib';

// Library users pass buckets and keys they already have: imported by name, ARN or attributes, or
// named by a template parameter. Every public construct and method must work with each of them.

const ACCOUNT = '111122223333';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** A resolved CloudFormation value as one string: `${AWS::Partition}`, `${Param}`, `${Logical.Attr}`. */
function plain(node: any): any {
  if (Array.isArray(node)) return node.map(plain);
  if (node === null || typeof node !== 'object') return node;
  if (node['Fn::Join']) return (node['Fn::Join'][1] as any[]).map(plain).join(node['Fn::Join'][0]);
  if (node.Ref) return `\${${node.Ref}}`;
  if (node['Fn::GetAtt']) return `\${${node['Fn::GetAtt'].join('.')}}`;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, plain(v)]));
}

interface Case {
  readonly name: string;
  /** Builds the bucket (and key) in `stack`. */
  readonly build: (stack: Stack) => { bucket: s3.IBucket; encryptionKey?: kms.IKey; keyPrefix?: string };
  /** The bucket ARN as the template states it. */
  readonly bucketArn: string;
  /** The key prefix as the template states it. */
  readonly prefix: string;
  /** The key ARN, with SSE-KMS. */
  readonly keyArn?: string;
}

const CASES: Case[] = [
  {
    name: 's3.Bucket.fromBucketName',
    build: (stack) => ({ bucket: s3.Bucket.fromBucketName(stack, 'Existing', 'my-log-bucket') }),
    bucketArn: 'arn:${AWS::Partition}:s3:::my-log-bucket',
    prefix: 'bedrock',
  },
  {
    name: 's3.Bucket.fromBucketArn',
    build: (stack) => ({ bucket: s3.Bucket.fromBucketArn(stack, 'Existing', 'arn:aws:s3:::my-log-bucket') }),
    bucketArn: 'arn:aws:s3:::my-log-bucket',
    prefix: 'bedrock',
  },
  {
    name: 's3.Bucket.fromBucketAttributes without a key',
    build: (stack) => ({ bucket: s3.Bucket.fromBucketAttributes(stack, 'Existing', { bucketName: 'my-log-bucket' }) }),
    bucketArn: 'arn:${AWS::Partition}:s3:::my-log-bucket',
    prefix: 'bedrock',
  },
  {
    name: 's3.Bucket.fromBucketAttributes with encryptionKey (kms.Key.fromKeyArn)',
    build: (stack) => ({
      bucket: s3.Bucket.fromBucketAttributes(stack, 'Existing', { bucketName: 'my-log-bucket', encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN) }),
    }),
    bucketArn: 'arn:${AWS::Partition}:s3:::my-log-bucket',
    prefix: 'bedrock',
    keyArn: KEY_ARN,
  },
  {
    name: 'fromBucketName with encryptionKey given separately (kms.Key.fromKeyArn)',
    build: (stack) => ({ bucket: s3.Bucket.fromBucketName(stack, 'Existing', 'my-log-bucket'), encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN) }),
    bucketArn: 'arn:${AWS::Partition}:s3:::my-log-bucket',
    prefix: 'bedrock',
    keyArn: KEY_ARN,
  },
  {
    name: 'a bucket named by a CfnParameter',
    build: (stack) => ({ bucket: s3.Bucket.fromBucketName(stack, 'Existing', new CfnParameter(stack, 'BucketName').valueAsString) }),
    bucketArn: 'arn:${AWS::Partition}:s3:::${BucketName}',
    prefix: 'bedrock',
  },
  {
    name: 'a key prefix given by a CfnParameter',
    build: (stack) => ({ bucket: s3.Bucket.fromBucketName(stack, 'Existing', 'my-log-bucket'), keyPrefix: new CfnParameter(stack, 'KeyPrefix').valueAsString }),
    bucketArn: 'arn:${AWS::Partition}:s3:::my-log-bucket',
    prefix: '${KeyPrefix}',
  },
];

/** The read statements the nOps grant and grantRead must hold, exactly. */
function expectedRead(c: Case, withSids: boolean): any[] {
  const sid = (s: string) => (withSids ? { Sid: s } : {});
  const statements: any[] = [
    { ...sid('ListInvocationLogPrefix'), Effect: 'Allow', Action: 's3:ListBucket', Resource: c.bucketArn, Condition: { StringLike: { 's3:prefix': [`${c.prefix}/*`] } } },
    { ...sid('ReadInvocationLogs'), Effect: 'Allow', Action: 's3:GetObject', Resource: `${c.bucketArn}/${c.prefix}/*` },
  ];
  if (c.keyArn) statements.push({ ...sid('DecryptInvocationLogs'), Effect: 'Allow', Action: 'kms:Decrypt', Resource: c.keyArn });
  return statements;
}

const legacy = (withSid: boolean, logGroupId: string) => ({
  ...(withSid ? { Sid: 'ReadInvocationLogGroup' } : {}),
  Effect: 'Allow',
  Action: ['logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
  Resource: `\${${logGroupId}.Arn}`,
});

describe.each(CASES)('existing bucket: $name', (c) => {
  const app = new App();
  const stack = new Stack(app, 'UserStack', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const { bucket, encryptionKey, keyPrefix } = c.build(stack);
  const logging = new BedrockInvocationLogging(stack, 'Logging', { bucket, encryptionKey, keyPrefix, cloudWatchLogs: true });
  const grant = new NopsIntegrationGrant(stack, 'Nops', { invocationLogging: logging, roleName: 'Nops-Integration-abc123', legacyCloudWatchLogsRead: true });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  const readGrant = logging.grantRead(reader);
  const legacyGrant = logging.grantLegacyLogsRead(reader);
  const template = Template.fromStack(stack).toJSON();
  const logGroupId = stack.getLogicalId(logging.logGroup!.node.defaultChild as any);
  const LEGACY = (withSid: boolean) => legacy(withSid, logGroupId);
  const policyOf = (id: string) => plain(template.Resources[stack.getLogicalId(id === 'nops'
    ? grant.policy.node.defaultChild as any
    : reader.node.findChild('DefaultPolicy').node.defaultChild as any)].Properties.PolicyDocument.Statement);

  test('NopsIntegrationGrant attaches exactly the read statements, on the bucket, the prefix and the key', () => {
    expect(policyOf('nops')).toEqual([...expectedRead(c, true), LEGACY(true)]);
  });

  test('grantRead and grantLegacyLogsRead return a Grant and add exactly the same statements', () => {
    expect(readGrant.success).toBe(true);
    expect(legacyGrant.success).toBe(true);
    expect(policyOf('reader')).toEqual([...expectedRead(c, false), LEGACY(false)]);
  });

  test('the bucket policy it cannot edit is left alone, with a warning that gives the exact statement', () => {
    expect(Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::S3::BucketPolicy')).toEqual([]);
    const warnings = Annotations.fromStack(stack).findWarning('/UserStack/Logging/LogBucket', Match.anyValue()).map((w) => String(w.entry.data));
    const warning = warnings.find((w) => w.includes('cannot be edited'))!;
    const statement = JSON.parse(warning.slice(warning.indexOf('{')).replace(/ \[ack: .*$/, ''));
    expect(statement).toEqual({
      Sid: 'AmazonBedrockLogsWrite',
      Effect: 'Allow',
      Principal: { Service: 'bedrock.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${c.bucketArn.replace('${AWS::Partition}', 'aws')}/${c.prefix}/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/*`,
      Condition: {
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': `arn:aws:bedrock:us-east-1:${ACCOUNT}:*` },
      },
    });
  });

  test('the configuration names the bucket and prefix, and a consumer\'s cdk-nag sees nothing from the library', () => {
    const config = Object.values<any>(template.Resources).find((r) => r.Type === 'Custom::BedrockModelInvocationLogging');
    expect(plain(config.Properties.BucketName)).toBe(c.bucketArn.replace(/^.*:::/, ''));
    expect(plain(config.Properties.KeyPrefix)).toBe(c.prefix);
    // (the reader role and its inline policy are the consumer's own)
    expect(complianceFindings(app).filter((f) => !f.path.startsWith('UserStack/Reader/')).map(formatFinding)).toEqual([]);
  });

  test('no acknowledgement id is built from an unresolved token string', () => {
    const ids = stack.node.findAll().flatMap((x) => x.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').flatMap((m) => Object.keys(m.data)));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).not.toMatch(/\$\{Token\[|Token\[/);
  });
});

test('BedrockInvocationLoggingStack with an existing bucket and the nOps role: S3DataPrefix from the bucket name, nothing for cdk-nag', () => {
  const app = new App();
  const stack = new BedrockInvocationLoggingStack(app, 'E', {
    env: { account: ACCOUNT, region: 'us-east-1' },
    bucket: s3.Bucket.fromBucketName(new Stack(app, 'U', { env: { account: ACCOUNT, region: 'us-east-1' } }), 'B', 'my-log-bucket'),
    nopsRoleName: 'Nops-Integration-abc123',
  });
  const outputs = Template.fromStack(stack).toJSON().Outputs;
  expect(plain(outputs.S3DataPrefix.Value)).toBe('s3://my-log-bucket/bedrock/');
  expect(plain(outputs.BucketName.Value)).toBe('my-log-bucket');
  expect(complianceFindings(app).map(formatFinding)).toEqual([]);
});
