/**
 * Members replicate into the archive: the one rule on the log bucket, the replication role's trust
 * and policy statement for statement, the stack's props and output, the StackSet member template's
 * parameters, conditions and rule, bad input. Breaks: a member replicates more than its own folder,
 * replicates deletions, or its role can be assumed by another bucket or service.
 */
import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { findingsIn } from '../../bin/compliance';
import { BedrockInvocationLogging, BedrockInvocationLoggingMemberTemplate, BedrockInvocationLoggingStack } from '../../lib';
import { instantiate, ruleFailures } from '../organization/cfn';
import { errorOf } from '../support/util';
import { ARCHIVE_ACCOUNT, ARCHIVE_BUCKET, ARCHIVE_KEY_ARN, memberStack, one, ofType } from './helpers';

const ACCOUNT = { Ref: 'AWS::AccountId' };
const REGION = { Ref: 'AWS::Region' };
const PARTITION = { Ref: 'AWS::Partition' };
const URL_SUFFIX = { Ref: 'AWS::URLSuffix' };
const SUFFIX = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };
const ARCHIVE_ARN = { 'Fn::Join': ['', ['arn:', PARTITION, `:s3:::${ARCHIVE_BUCKET}`]] };
const FOLDER = { 'Fn::Join': ['', ['bedrock/AWSLogs/', ACCOUNT, '/BedrockModelInvocationLogs/']] };

function logBucket(template: any): [string, any] {
  return ofType(template, 'AWS::S3::Bucket').find(([, r]) => r.Properties.BucketName)!;
}

describe('a member replicating into an SSE-KMS archive (SSE-KMS log bucket)', () => {
  const { template, app } = memberStack({ createEncryptionKey: true });
  const [bucketId, bucket] = logBucket(template);
  const [roleId, role] = one(template, 'AWS::IAM::Role', 'InvocationLoggingLogBucketReplicationRole');
  const [, policy] = one(template, 'AWS::IAM::ManagedPolicy', 'InvocationLoggingLogBucketReplicationPolicy');
  const [keyId] = one(template, 'AWS::KMS::Key');

  test('one rule: this account\'s log folder into the same keys of the archive, delete markers not replicated, SSE-KMS objects with the archive\'s key, metrics on', () => {
    expect(bucket.Properties.ReplicationConfiguration).toEqual({
      Role: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Rules: [{
        Id: 'BedrockLogsToArchive',
        Priority: 0,
        Status: 'Enabled',
        Filter: { Prefix: FOLDER },
        DeleteMarkerReplication: { Status: 'Disabled' },
        Destination: {
          Bucket: ARCHIVE_ARN,
          Account: ARCHIVE_ACCOUNT,
          Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
          EncryptionConfiguration: { ReplicaKmsKeyID: ARCHIVE_KEY_ARN },
        },
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      }],
    });
    // no owner override: BucketOwnerEnforced on the archive makes the archive account the owner
    expect(JSON.stringify(template)).not.toMatch(/AccessControlTranslation|ObjectOwnerOverrideToBucketOwner|ReplicateDelete/);
  });

  test('the role: on the library\'s IAM path, trusted only by S3 for this account\'s log bucket (aws:SourceAccount, aws:SourceArn)', () => {
    expect(role.Properties).toEqual({
      Path: '/cdk-bedrock-invocation-logging/',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnEquals: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', PARTITION, ':s3:::bedrock-invocation-logs-', ACCOUNT, '-', REGION, '-', SUFFIX]] } },
          },
        }],
      },
    });
  });

  test('its policy: exactly what replication needs, on this account\'s log folder in the log bucket and in the archive', () => {
    const arn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'ReadReplicationConfiguration', Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: arn },
      {
        Sid: 'ReadLogVersions', Effect: 'Allow', Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        Resource: { 'Fn::Join': ['', [arn, '/bedrock/AWSLogs/', ACCOUNT, '/BedrockModelInvocationLogs/*']] },
      },
      {
        Sid: 'ReplicateToArchive', Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateTags'],
        Resource: { 'Fn::Join': ['', ['arn:', PARTITION, `:s3:::${ARCHIVE_BUCKET}/bedrock/AWSLogs/`, ACCOUNT, '/BedrockModelInvocationLogs/*']] },
      },
      {
        Sid: 'DecryptLogs', Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', REGION, '.', URL_SUFFIX]] } } },
      },
      {
        Sid: 'EncryptReplicas', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: ARCHIVE_KEY_ARN,
        // S3 calls KMS in the archive's Region, the Region of its key
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.eu-west-1.', URL_SUFFIX]] } } },
      },
    ]);
  });

  test('the stack says where the logs go', () => {
    expect(template.Outputs.ArchiveReplication).toEqual({ Description: 'Archive bucket S3 replicates the logs to', Value: ARCHIVE_BUCKET });
  });

  test('cdk-nag finds nothing, and the replication rule is no longer acknowledged away', () => {
    expect(findingsIn(app, 'app')).toEqual([]);
    const bucketConstruct = (app.node.findChild('BedrockInvocationLogging') as Stack).node.findAll().find((c) => c.node.path.endsWith('InvocationLogging/LogBucket/Resource'))!;
    const acks = JSON.stringify(bucketConstruct.node.metadata);
    expect(acks).not.toMatch(/S3BucketReplicationEnabled/);
  });

  test('importing the archive with s3.Bucket.fromBucketAttributes gives the same template', () => {
    const imported = memberStack({ createEncryptionKey: true }, 'bucket').template;
    expect(imported.Resources).toEqual(template.Resources);
  });
});

describe('other encryption pairs', () => {
  test('SSE-S3 log bucket, SSE-S3 archive: no KMS statement, no replica key, no SSE-KMS selection', () => {
    const { template } = memberStack({}, 'names', false);
    const [, bucket] = logBucket(template);
    const rule = bucket.Properties.ReplicationConfiguration.Rules[0];
    expect(rule.Destination).toEqual({ Bucket: ARCHIVE_ARN, Account: ARCHIVE_ACCOUNT, Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } } });
    expect(rule.SourceSelectionCriteria).toBeUndefined();
    const [, policy] = one(template, 'AWS::IAM::ManagedPolicy', 'InvocationLoggingLogBucketReplicationPolicy');
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid)).toEqual(['ReadReplicationConfiguration', 'ReadLogVersions', 'ReplicateToArchive']);
  });

  test('SSE-S3 log bucket, SSE-KMS archive: the replica key and encrypt statement, no decrypt', () => {
    const { template } = memberStack({}, 'names', true);
    const [, bucket] = logBucket(template);
    expect(bucket.Properties.ReplicationConfiguration.Rules[0].Destination.EncryptionConfiguration).toEqual({ ReplicaKmsKeyID: ARCHIVE_KEY_ARN });
    const [, policy] = one(template, 'AWS::IAM::ManagedPolicy', 'InvocationLoggingLogBucketReplicationPolicy');
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid)).toEqual(['ReadReplicationConfiguration', 'ReadLogVersions', 'ReplicateToArchive', 'EncryptReplicas']);
  });

  test('another key prefix: the rule and the role use it', () => {
    const { template } = memberStack({ keyPrefix: 'finops/bedrock/' }, 'names', false);
    expect(logBucket(template)[1].Properties.ReplicationConfiguration.Rules[0].Filter.Prefix).toEqual({ 'Fn::Join': ['', ['finops/bedrock/AWSLogs/', ACCOUNT, '/BedrockModelInvocationLogs/']] });
    const [, policy] = one(template, 'AWS::IAM::ManagedPolicy', 'InvocationLoggingLogBucketReplicationPolicy');
    expect(JSON.stringify(policy)).toContain(`:s3:::${ARCHIVE_BUCKET}/finops/bedrock/AWSLogs/`);
  });

  test('without an archive nothing of replication is created', () => {
    const app = new App();
    const stack = new BedrockInvocationLoggingStack(app, 'M', { synthesizer: new BootstraplessSynthesizer() });
    const template = Template.fromStack(stack).toJSON();
    expect(logBucket(template)[1].Properties.ReplicationConfiguration).toBeUndefined();
    expect(Object.keys(template.Resources).filter((id) => id.includes('Replication'))).toEqual([]);
    expect(template.Outputs.ArchiveReplication).toBeUndefined();
  });
});

describe('bad input', () => {
  const archive = (scope: Stack, key = true) => s3.Bucket.fromBucketAttributes(scope, 'Archive', {
    bucketName: ARCHIVE_BUCKET, account: ARCHIVE_ACCOUNT, encryptionKey: key ? kms.Key.fromKeyArn(scope, 'ArchiveKey', ARCHIVE_KEY_ARN) : undefined,
  });

  test('the L3 with an existing bucket, or without a bucket name: each refused with the fix', () => {
    const stack = new Stack(new App(), 'S');
    const message = errorOf(() => new BedrockInvocationLogging(stack, 'L', { bucket: s3.Bucket.fromBucketName(stack, 'Mine', 'mine'), archiveBucket: archive(stack) }));
    expect(message).toMatch(/archiveBucket needs a log bucket this construct creates \(the replication rule is part of the bucket\), but bucket was given/);
    const stack2 = new Stack(new App(), 'S');
    expect(errorOf(() => new BedrockInvocationLogging(stack2, 'L', { archiveBucket: archive(stack2) })))
      .toMatch(/archiveBucket needs bucketName: the replication role trusts S3 for this bucket only \(aws:SourceArn\), so its name must be known at synth/);
  });

  test('an SSE-KMS log bucket and an archive without its key: refused (S3 replicates SSE-KMS objects only with a replica key)', () => {
    const app = new App();
    const imports = new Stack(app, 'I');
    const message = errorOf(() => new BedrockInvocationLoggingStack(app, 'M', { createEncryptionKey: true, archiveBucket: archive(imports, false) }));
    expect(message).toMatch(/archiveBucket I\/Archive has no encryptionKey, but the log bucket is SSE-KMS: S3 replicates SSE-KMS objects only with a replica key/);
  });

  test('flat props: all problems at once, one line each', () => {
    const message = errorOf(() => new BedrockInvocationLoggingStack(new App(), 'M', {
      createEncryptionKey: true, archiveBucketName: 'Bad_Name', archiveKmsKeyArn: 'alias/archive', keyPrefix: '/x',
    }));
    expect(message.split('\n  - ').slice(1)).toEqual([
      expect.stringMatching(/^archiveBucketName "Bad_Name" is not a valid S3 bucket name/),
      expect.stringMatching(/^archiveKmsKeyArn "alias\/archive" is not a KMS key ARN/),
      expect.stringMatching(/^archiveBucketName needs archiveAccountId/),
      expect.stringMatching(/^keyPrefix "\/x" starts with "\/"/),
    ]);
  });

  test('archiveBucket and archiveBucketName together, and archiveBucket with templateParameters', () => {
    const app = new App();
    const imports = new Stack(app, 'I');
    expect(errorOf(() => new BedrockInvocationLoggingStack(app, 'M', { archiveBucket: archive(imports), archiveBucketName: ARCHIVE_BUCKET, archiveAccountId: ARCHIVE_ACCOUNT })))
      .toMatch(/archiveBucket and archiveBucketName both given: give one/);
    const app2 = new App();
    const imports2 = new Stack(app2, 'I');
    expect(errorOf(() => new BedrockInvocationLoggingStack(app2, 'T', { templateParameters: true, archiveBucket: archive(imports2) })))
      .toMatch(/archiveBucket cannot be a template parameter: with templateParameters the archive is the ArchiveBucketName, ArchiveAccountId and ArchiveKmsKeyArn parameters/);
  });
});

describe('the StackSet member template', () => {
  const SSE_S3 = JSON.parse(new BedrockInvocationLoggingMemberTemplate().toJson());
  const SSE_KMS = JSON.parse(new BedrockInvocationLoggingMemberTemplate({ createEncryptionKey: true }).toJson());
  const ON = { ArchiveBucketName: ARCHIVE_BUCKET, ArchiveAccountId: ARCHIVE_ACCOUNT };
  const bucketOf = (i: ReturnType<typeof instantiate>) => Object.values<any>(i.resources).find((r) => r.Type === 'AWS::S3::Bucket' && r.Properties.BucketName)!;
  const replicationIds = (t: any) => Object.keys(t.Resources).filter((id) => id.includes('Replication'));

  test('three parameters, empty by default; the archive bucket\'s description says to deploy the archive first', () => {
    const p = SSE_S3.Parameters;
    expect(p.ArchiveBucketName).toEqual({
      Type: 'String', Default: '', AllowedPattern: '^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      Description: 'Archive to replicate to, empty = none (output of BedrockInvocationLogArchive: deploy it first, S3 refuses a missing bucket)',
    });
    expect(p.ArchiveAccountId).toEqual({ Type: 'String', Default: '', AllowedPattern: '^$|^\\d{12}$', Description: 'Account that owns ArchiveBucketName' });
    expect(p.ArchiveKmsKeyArn).toMatchObject({ Type: 'String', Default: '' });
    expect(new RegExp(p.ArchiveKmsKeyArn.AllowedPattern).test(ARCHIVE_KEY_ARN)).toBe(true);
    expect(new RegExp(p.ArchiveKmsKeyArn.AllowedPattern).test('alias/aws/s3')).toBe(false);
    expect(SSE_KMS.Parameters.ArchiveKmsKeyArn.Description).toMatch(/\(required: this log bucket is SSE-KMS\)$/);
  });

  test('empty (the default): no role, no policy, no replication rule, nothing refers to them', () => {
    const i = instantiate(SSE_S3);
    expect(Object.keys(i.resources).filter((id) => id.includes('Replication'))).toEqual([]);
    expect(bucketOf(i).Properties.ReplicationConfiguration).toBeUndefined();
    expect(i.outputs.ArchiveReplication.Value).toBe('off');
    expect(i.dangling).toEqual([]);
    expect(ruleFailures(SSE_S3)).toEqual([]);
  });

  test('an SSE-S3 archive: the rule without a replica key, the role and policy without KMS', () => {
    const i = instantiate(SSE_S3, ON);
    expect(replicationIds(SSE_S3).every((id) => id in i.resources)).toBe(true);
    const rule = bucketOf(i).Properties.ReplicationConfiguration.Rules[0];
    expect(rule.Destination).toEqual({ Bucket: { 'Fn::Join': ['', ['arn:', PARTITION, ':s3:::', { Ref: 'ArchiveBucketName' }]] }, Account: { Ref: 'ArchiveAccountId' }, Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } } });
    expect(rule.SourceSelectionCriteria).toBeUndefined();
    expect(rule.Filter).toEqual({ Prefix: { 'Fn::Join': ['', [{ Ref: 'KeyPrefix' }, '/AWSLogs/', ACCOUNT, '/BedrockModelInvocationLogs/']] } });
    const policy = Object.values<any>(i.resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r).includes('ReplicateToArchive'));
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid)).toEqual(['ReadReplicationConfiguration', 'ReadLogVersions', 'ReplicateToArchive']);
    expect(i.outputs.ArchiveReplication.Value).toEqual({ Ref: 'ArchiveBucketName' });
    expect(i.dangling).toEqual([]);
    expect(ruleFailures(SSE_S3, ON)).toEqual([]);
  });

  test('an SSE-KMS archive: the replica key, SSE-KMS selection and the encrypt statement appear', () => {
    const i = instantiate(SSE_S3, { ...ON, ArchiveKmsKeyArn: ARCHIVE_KEY_ARN });
    const rule = bucketOf(i).Properties.ReplicationConfiguration.Rules[0];
    expect(rule.Destination.EncryptionConfiguration).toEqual({ ReplicaKmsKeyID: { Ref: 'ArchiveKmsKeyArn' } });
    expect(rule.SourceSelectionCriteria).toEqual({ SseKmsEncryptedObjects: { Status: 'Enabled' } });
    const policy = Object.values<any>(i.resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r).includes('ReplicateToArchive'));
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid)).toEqual(['ReadReplicationConfiguration', 'ReadLogVersions', 'ReplicateToArchive', 'EncryptReplicas']);
    expect(i.dangling).toEqual([]);
  });

  test('the rule refuses an archive without its account, and (SSE-KMS logs) without its key, before anything is created', () => {
    expect(ruleFailures(SSE_S3, { ArchiveBucketName: ARCHIVE_BUCKET })).toEqual(['ArchiveBucketName needs ArchiveAccountId']);
    expect(ruleFailures(SSE_KMS, ON)).toEqual(['ArchiveBucketName needs ArchiveKmsKeyArn (SSE-KMS logs)']);
    expect(ruleFailures(SSE_KMS, { ...ON, ArchiveKmsKeyArn: ARCHIVE_KEY_ARN })).toEqual([]);
    expect(ruleFailures(SSE_KMS)).toEqual([]);
  });

  test('SSE-KMS logs into an SSE-KMS archive: decrypt and encrypt statements, the replica key', () => {
    const i = instantiate(SSE_KMS, { ...ON, ArchiveKmsKeyArn: ARCHIVE_KEY_ARN });
    const policy = Object.values<any>(i.resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r).includes('ReplicateToArchive'));
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid)).toEqual(['ReadReplicationConfiguration', 'ReadLogVersions', 'ReplicateToArchive', 'DecryptLogs', 'EncryptReplicas']);
    expect(bucketOf(i).Properties.ReplicationConfiguration.Rules[0].Destination.EncryptionConfiguration).toEqual({ ReplicaKmsKeyID: { Ref: 'ArchiveKmsKeyArn' } });
    expect(i.dangling).toEqual([]);
  });

  test('cdk-nag finds nothing in either template', () => {
    for (const props of [{}, { createEncryptionKey: true }]) {
      const t = new BedrockInvocationLoggingMemberTemplate(props);
      t.toJson();
      expect(findingsIn(t.app, 'StackSet member template')).toEqual([]);
    }
  });

  test('the stack\'s archive props become the parameters\' defaults', () => {
    const stack = new BedrockInvocationLoggingStack(new App(), 'S', {
      synthesizer: new BootstraplessSynthesizer(), templateParameters: true, archiveBucketName: ARCHIVE_BUCKET, archiveAccountId: ARCHIVE_ACCOUNT,
    });
    const p = Template.fromStack(stack).toJSON().Parameters;
    expect([p.ArchiveBucketName.Default, p.ArchiveAccountId.Default, p.ArchiveKmsKeyArn.Default]).toEqual([ARCHIVE_BUCKET, ARCHIVE_ACCOUNT, '']);
  });
});
