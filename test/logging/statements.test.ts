import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BedrockInvocationLogging, ModelInvocationLoggingConfiguration, NopsIntegrationGrant } from '../../lib';
import { ALL_OPTIONS, HANDLER_SOURCE, onlyResource, resourcesOfType, synthStack } from '../support/util';

const STATE_PARAMETER_NAME = ModelInvocationLoggingConfiguration.STATE_PARAMETER_NAME;

const ACCOUNT = { Ref: 'AWS::AccountId' };
const REGION = { Ref: 'AWS::Region' };
const PARTITION = { Ref: 'AWS::Partition' };
/** The confused-deputy conditions, exactly as AWS documents them for Bedrock. */
const SOURCE_CONDITIONS = {
  StringEquals: { 'aws:SourceAccount': ACCOUNT },
  ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', PARTITION, ':bedrock:', REGION, ':', ACCOUNT, ':*']] } },
};

function logBucketId(template: Template): string {
  const [id] = resourcesOfType(template, 'AWS::S3::Bucket').find(([logicalId]) => logicalId.startsWith('InvocationLoggingLogBucket') && !logicalId.includes('AccessLogs'))!;
  return id;
}

function policyOf(template: Template, bucketId: string): any[] {
  const [, policy] = resourcesOfType(template, 'AWS::S3::BucketPolicy').find(([, r]) => r.Properties.Bucket.Ref === bucketId)!;
  return policy.Properties.PolicyDocument.Statement;
}

function managedPolicyStatements(template: Template, idPrefix: string): any[] {
  const found = resourcesOfType(template, 'AWS::IAM::ManagedPolicy').filter(([id]) => id.startsWith(idPrefix));
  expect(found).toHaveLength(1);
  return found[0][1].Properties.PolicyDocument.Statement;
}

describe('default stack', () => {
  const { template } = synthStack();
  const bucketId = logBucketId(template);

  test('the log bucket blocks public access, disables ACLs, is versioned, encrypted, access-logged and retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^InvocationLoggingLogBucketAccessLogs') }, LogFilePrefix: 'bedrock-log-bucket/' },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('no bucket has an ACL, and no lifecycle rule expires any object', () => {
    for (const [, bucket] of resourcesOfType(template, 'AWS::S3::Bucket')) {
      expect(bucket.Properties.AccessControl).toBeUndefined();
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      for (const rule of bucket.Properties.LifecycleConfiguration?.Rules ?? []) {
        expect(Object.keys(rule).sort()).toEqual(['AbortIncompleteMultipartUpload', 'Id', 'Status']);
      }
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
  });

  test('the bucket policy holds only the TLS deny and the Bedrock write statement AWS documents', () => {
    const statements = policyOf(template, bucketId);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toEqual({
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Resource: [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }],
    });
    expect(statements[1]).toEqual({
      Sid: 'AmazonBedrockLogsWrite',
      Effect: 'Allow',
      Principal: { Service: 'bedrock.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/bedrock/AWSLogs/', ACCOUNT, '/BedrockModelInvocationLogs/*']] },
      Condition: SOURCE_CONDITIONS,
    });
  });

  test('bedrock.amazonaws.com appears in no other statement of the template', () => {
    const json = JSON.parse(JSON.stringify(template.toJSON()));
    for (const resource of Object.values<any>(json.Resources)) {
      if (resource.Type === 'AWS::Lambda::Function') delete resource.Properties.Code; // the handler's messages name it
    }
    // The bucket policy statement and nothing else (no key, no CloudWatch role by default).
    expect(JSON.stringify(json).match(/bedrock\.amazonaws\.com/g)).toHaveLength(1);
  });

  test('the handler role may manage the logging setting and its SSM parameter, write its own logs and ask about its own stack, nothing more', () => {
    const statements = managedPolicyStatements(template, 'InvocationLoggingLoggingConfigurationHandlerPolicy');
    expect(statements).toEqual([
      {
        Sid: 'WriteOwnLogs', Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^InvocationLoggingLoggingConfigurationHandlerLogs/), 'Arn'] },
      },
      {
        Sid: 'ManageInvocationLogging', Effect: 'Allow',
        Action: ['bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:GetModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'],
        Resource: '*',
      },
      {
        Sid: 'RememberPreviousConfiguration', Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
        // the record's four Standard-tier parts, and the marker a cancelling Delete leaves for this stack's Create
        Resource: [
          ...['', '-2', '-3', '-4'].map((part) => ({ 'Fn::Join': ['', ['arn:', PARTITION, ':ssm:', REGION, ':', ACCOUNT, `:parameter${STATE_PARAMETER_NAME}${part}`]] })),
          { 'Fn::Join': ['', ['arn:', PARTITION, ':ssm:', REGION, ':', ACCOUNT, ':parameter/cdk-bedrock-invocation-logging/create/', { Ref: 'AWS::StackName' }]] },
        ],
      },
      {
        Sid: 'ConfirmRequestsWithCloudFormation', Effect: 'Allow',
        Action: ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks'],
        // its own stack only: whether CloudFormation sent the request the handler got
        Resource: { Ref: 'AWS::StackId' },
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain('iam:PassRole');
  });

  test('the handler is the library file inlined without comments, Node.js 24, no retries, with a custom resource service timeout', () => {
    const [, fn] = onlyResource(template, 'AWS::Lambda::Function');
    expect(fn.Properties.Code).toEqual({ ZipFile: HANDLER_SOURCE });
    expect(fn.Properties.Handler).toBe('index.handler');
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    expect(fn.Properties.Timeout).toBe(240);
    // its own stack, the only one whose requests it acts on
    expect(fn.Properties.Environment).toEqual({ Variables: { STACK_ID: { Ref: 'AWS::StackId' } } });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, Qualifier: '$LATEST' });
    const [, cr] = onlyResource(template, 'Custom::BedrockModelInvocationLogging');
    expect(cr.Properties.ServiceTimeout).toBe('300');
    expect(Number(cr.Properties.ServiceTimeout)).toBeGreaterThan(fn.Properties.Timeout);
  });

  test('the custom resource asks for S3 delivery of every data type and restores on delete', () => {
    const [, cr] = onlyResource(template, 'Custom::BedrockModelInvocationLogging');
    expect(cr.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/Handler/), 'Arn'] },
      BucketName: { Ref: bucketId },
      KeyPrefix: 'bedrock',
      OnDelete: 'RESTORE',
      FailIfAlreadyConfigured: false,
      SkipUnsupportedRegions: false,
      StateParameterName: STATE_PARAMETER_NAME,
      TextDataDeliveryEnabled: true,
      ImageDataDeliveryEnabled: true,
      EmbeddingDataDeliveryEnabled: true,
      VideoDataDeliveryEnabled: true,
      AudioDataDeliveryEnabled: true,
      ServiceTimeout: '300',
    });
  });

  test('the custom resource waits for the bucket policy and its own policy, since Put validates them', () => {
    const [, cr] = onlyResource(template, 'Custom::BedrockModelInvocationLogging');
    const [policyId] = resourcesOfType(template, 'AWS::S3::BucketPolicy').find(([, r]) => r.Properties.Bucket.Ref === bucketId)!;
    const [handlerPolicyId] = resourcesOfType(template, 'AWS::IAM::ManagedPolicy')[0];
    expect(cr.DependsOn).toEqual(expect.arrayContaining([policyId, handlerPolicyId, bucketId]));
    const [, fn] = onlyResource(template, 'AWS::Lambda::Function');
    expect(fn.DependsOn).toEqual(expect.arrayContaining([handlerPolicyId]));
  });

  test('the template has no parameters, rules or assets: it deploys without bootstrap', () => {
    const json = template.toJSON();
    expect(json.Parameters).toBeUndefined();
    expect(json.Rules).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/cdk-hnb659fds|AssetParameters|BootstrapVersion|S3Bucket"|S3Key"/);
  });

  test('outputs give nOps the S3 Data Prefix with a trailing slash and the bucket name', () => {
    template.hasOutput('S3DataPrefix', { Value: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/bedrock/']] } });
    template.hasOutput('BucketName', { Value: { Ref: bucketId } });
    expect(template.toJSON().Outputs.LogGroupName).toBeUndefined();
  });
});

describe('all-options stack (KMS, CloudWatch, nOps grant with legacy read, text off, nested prefix)', () => {
  const { stack, template } = synthStack(ALL_OPTIONS);
  const bucketId = logBucketId(template);
  const [keyId, key] = onlyResource(template, 'AWS::KMS::Key');
  const [logGroupId, logGroup] = resourcesOfType(template, 'AWS::Logs::LogGroup').find(([, r]) => r.Properties.LogGroupName === '/aws/bedrock/modelinvocations')!;
  const [roleId, role] = resourcesOfType(template, 'AWS::IAM::Role').find(([id]) => id.includes('CloudWatchServiceRole'))!;

  test('the bucket uses SSE-KMS with a bucket key, and the created key rotates and is retained', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }] },
    });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  test('the key policy lets Bedrock GenerateDataKey only under the source conditions', () => {
    const bedrock = key.Properties.KeyPolicy.Statement.filter((s: any) => JSON.stringify(s.Principal).includes('bedrock'));
    expect(bedrock).toEqual([{
      Sid: 'AmazonBedrockLogsEncrypt',
      Effect: 'Allow',
      Principal: { Service: 'bedrock.amazonaws.com' },
      Action: 'kms:GenerateDataKey',
      Resource: '*',
      Condition: SOURCE_CONDITIONS,
    }]);
  });

  test('the write statement names the nested prefix', () => {
    expect(policyOf(template, bucketId)[1].Resource).toEqual(
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/finops/bedrock/AWSLogs/', ACCOUNT, '/BedrockModelInvocationLogs/*']] });
  });

  test('the log group keeps a year and is retained', () => {
    expect(logGroup.Properties.RetentionInDays).toBe(365);
    expect(logGroup.DeletionPolicy).toBe('Retain');
  });

  test('every trust statement of the CloudWatch role carries SourceAccount and SourceArn', () => {
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'bedrock.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: SOURCE_CONDITIONS,
    }]);
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the CloudWatch role writes only the aws/bedrock/modelinvocations stream of its group', () => {
    expect(managedPolicyStatements(template, 'InvocationLoggingCloudWatchServiceRolePolicy')).toEqual([{
      Sid: 'WriteInvocationLogStream',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::Join': ['', ['arn:', PARTITION, ':logs:', REGION, ':', ACCOUNT, ':log-group:', { Ref: logGroupId }, ':log-stream:aws/bedrock/modelinvocations']] },
    }]);
  });

  test('the handler may pass the CloudWatch role to Bedrock only', () => {
    const statements = managedPolicyStatements(template, 'InvocationLoggingLoggingConfigurationHandlerPolicy');
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('iam:'))).toEqual([{
      Sid: 'PassRoleToBedrock',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
    }]);
  });

  test('the custom resource sends the log group, role and text off, and waits for key, role policy and log group', () => {
    const [, cr] = onlyResource(template, 'Custom::BedrockModelInvocationLogging');
    expect(cr.Properties).toMatchObject({
      KeyPrefix: 'finops/bedrock',
      LogGroupName: { Ref: logGroupId },
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      TextDataDeliveryEnabled: false,
      ImageDataDeliveryEnabled: true,
    });
    const [rolePolicyId] = resourcesOfType(template, 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('InvocationLoggingCloudWatchServiceRolePolicy'))!;
    expect(cr.DependsOn).toEqual(expect.arrayContaining([keyId, logGroupId, roleId, rolePolicyId]));
  });

  test('the nOps grant is one managed policy on the named role, reading every Region\'s log bucket of this account by name, nothing else', () => {
    const [, policy] = resourcesOfType(template, 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('NopsIntegrationPolicy'))!;
    expect(policy.Properties.Roles).toEqual(['Nops-Integration-abc123']);
    expect(policy.Properties.ManagedPolicyName).toBeUndefined(); // generated: unique per stack
    const buckets = { 'Fn::Join': ['', ['arn:', PARTITION, ':s3:::bedrock-invocation-logs-', ACCOUNT, '-*']] };
    const owned = { 's3:ResourceAccount': ACCOUNT };
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'ListInvocationLogPrefix', Effect: 'Allow', Action: 's3:ListBucket',
        Resource: buckets,
        Condition: { StringLike: { 's3:prefix': ['finops/bedrock/*'] }, StringEquals: owned },
      },
      {
        Sid: 'ReadInvocationLogs', Effect: 'Allow', Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', ['arn:', PARTITION, ':s3:::bedrock-invocation-logs-', ACCOUNT, '-*/finops/bedrock/AWSLogs/', ACCOUNT, '/BedrockModelInvocationLogs/*']] },
        Condition: { StringEquals: owned },
      },
      {
        Sid: 'DecryptInvocationLogs', Effect: 'Allow', Action: 'kms:Decrypt',
        Resource: { 'Fn::Join': ['', ['arn:', PARTITION, ':kms:*:', ACCOUNT, ':key/*']] },
        Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': buckets } },
      },
      {
        Sid: 'ReadInvocationLogGroup', Effect: 'Allow',
        Action: ['logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      },
    ]);
  });

  test('a warning says that nOps\'s explicit Deny on logs:GetLogEvents defeats the legacy grant', () => {
    Annotations.fromStack(stack).hasWarning('/BedrockInvocationLogging/NopsIntegration', Match.stringLikeRegexp('explicitly denies logs:GetLogEvents'));
  });

  test('outputs include the log group name', () => {
    template.hasOutput('LogGroupName', { Value: { Ref: logGroupId } });
    template.hasOutput('S3DataPrefix', { Value: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/finops/bedrock/']] } });
  });
});

describe('grants and imported resources', () => {
  function newStack(): Stack {
    return new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
  }

  test('grantRead returns a Grant with prefix-bounded list and read, plus decrypt with KMS', () => {
    // GIVEN
    const stack = newStack();
    const logging = new BedrockInvocationLogging(stack, 'L', { keyPrefix: 'p', createEncryptionKey: true });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    // WHEN
    const grant = logging.grantRead(reader);
    // THEN
    expect(grant.success).toBe(true);
    const statements = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const doc = Object.values(statements)[0].Properties.PolicyDocument.Statement;
    expect(doc.map((s: any) => s.Action)).toEqual(['s3:ListBucket', 's3:GetObject', 'kms:Decrypt']);
    expect(doc[0].Condition).toEqual({ StringLike: { 's3:prefix': ['p/*'] } });
  });

  test('grantLegacyLogsRead fails clearly when CloudWatch Logs is off', () => {
    const stack = newStack();
    const logging = new BedrockInvocationLogging(stack, 'L');
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => logging.grantLegacyLogsRead(reader)).toThrow(/cloudWatchLogs is off.*set cloudWatchLogs: true/);
  });

  test('grantLegacyLogsRead grants the four read actions on the log group only', () => {
    const stack = newStack();
    const logging = new BedrockInvocationLogging(stack, 'L', { cloudWatchLogs: true });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    logging.grantLegacyLogsRead(reader);
    const doc = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(doc).toHaveLength(1);
    expect(doc[0].Action).toEqual(['logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents']);
  });

  test('an imported bucket whose policy cannot be edited gives a warning that prints the statement to add', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockInvocationLogging(stack, 'L', { bucket: s3.Bucket.fromBucketName(stack, 'B', 'existing-logs') });
    // THEN
    Annotations.fromStack(stack).hasWarning('/S/L/LogBucket', Match.stringLikeRegexp(
      '"aws:SourceAccount":"111122223333".*"Resource":"arn:aws:s3:::existing-logs/bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/\\*".*"Sid":"AmazonBedrockLogsWrite"'));
    expect(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy')).toEqual({});
  });

  test('an existing bucket of the same app gets the write statement and its KMS key the GenerateDataKey statement', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'K');
    const bucket = new s3.Bucket(stack, 'B', { encryptionKey: key, objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED });
    const logging = new BedrockInvocationLogging(stack, 'L', { bucket });
    expect(logging.encryptionKey).toBe(key);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::BucketPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AmazonBedrockLogsWrite' })]) } });
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AmazonBedrockLogsEncrypt' })]) } });
  });

  test('NopsIntegrationGrant accepts an iam.IRole', () => {
    const stack = newStack();
    const logging = new BedrockInvocationLogging(stack, 'L');
    const role = iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::111122223333:role/NopsIntegrationRole-xyz');
    const grant = new NopsIntegrationGrant(stack, 'G', { invocationLogging: logging, role });
    expect(grant.role).toBe(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: ['NopsIntegrationRole-xyz'] });
  });
});
