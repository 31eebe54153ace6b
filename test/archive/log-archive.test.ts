/**
 * The organization's log archive (BedrockLogArchive, BedrockLogArchiveStack): the bucket, its
 * policy and key policy statement for statement, the nOps grant, the outputs, the name, Object Lock
 * and transitions, bad props. Breaks: a member could write outside its folder, delete or
 * reconfigure the archive, or nOps could read more than the archive prefix.
 */
import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { findingsIn } from '../../bin/compliance';
import { ArchiveObjectLockMode, BedrockLogArchive, BedrockLogArchiveStack } from '../../lib';
import { accountLogBucketsArnPattern } from '../../lib/logging/facts';
import { ARCHIVE_REPLICATION_ACTIONS } from '../../lib/archive/facts';
import { LONGEST_REGION_NAME, MAX_BUCKET_NAME_LENGTH } from '../../lib/shared/facts';
import { TemplateResolver } from '../support/security/resolve';
import { errorOf } from '../support/util';
import { archiveStack, one, ofType, ORG_ID } from './helpers';

const PARTITION = { Ref: 'AWS::Partition' };
const LIBRARY_ROLES = { 'Fn::Join': ['', ['arn:', PARTITION, ':iam::*:role/cdk-bedrock-invocation-logging/*']] };
const SUFFIX = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };
const NAME = { 'Fn::Join': ['', ['bedrock-invocation-logs-archive-', { Ref: 'AWS::AccountId' }, '-', SUFFIX]] };

function archiveBucket(template: any): [string, any] {
  return ofType(template, 'AWS::S3::Bucket').find(([, r]) => r.Properties.BucketName)!;
}

function bucketPolicy(template: any, bucketId: string): any[] {
  return ofType(template, 'AWS::S3::BucketPolicy').find(([, r]) => r.Properties.Bucket.Ref === bucketId)![1].Properties.PolicyDocument.Statement;
}

describe('the archive bucket', () => {
  const { template } = archiveStack();
  const [bucketId, bucket] = archiveBucket(template);

  test('is named bedrock-invocation-logs-archive-ACCOUNT-SUFFIX, versioned, ACLs disabled, public access blocked, SSE-S3, access-logged, retained, never expiring', () => {
    expect(bucket.Properties).toEqual({
      BucketName: NAME,
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: [{ Id: 'AbortIncompleteMultipartUploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^ArchiveAccessLogs/) }, LogFilePrefix: 'bedrock-log-archive/' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect([bucket.DeletionPolicy, bucket.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  test('its policy is the TLS deny and one Allow: s3:ReplicateObject and s3:ReplicateTags, for the library\'s roles of the organization, each account into its own folder', () => {
    const statements = bucketPolicy(template, bucketId);
    expect(statements).toEqual([
      {
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }],
      },
      {
        Sid: 'ReplicateFromOrganizationLibraryRoles',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['s3:ReplicateObject', 's3:ReplicateTags'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/bedrock/AWSLogs/${aws:PrincipalAccount}/BedrockModelInvocationLogs/*']] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID }, ArnLike: { 'aws:PrincipalArn': LIBRARY_ROLES } },
      },
    ]);
    expect(ARCHIVE_REPLICATION_ACTIONS).toEqual(['s3:ReplicateObject', 's3:ReplicateTags']);
  });

  test('the policy variable ${aws:PrincipalAccount} reaches the template literally: inside a Fn::Join, never a Fn::Sub that would read it as a reference', () => {
    const text = JSON.stringify(template);
    expect(text).toContain('/AWSLogs/${aws:PrincipalAccount}/BedrockModelInvocationLogs/*');
    expect(text).not.toContain('Fn::Sub');
    // and CloudFormation's own resolution (our resolver) leaves it as it is
    const resolved = new TemplateResolver(template, { stackName: 'BedrockInvocationLogArchive' }).resolveTemplate();
    const allow = ofType(resolved, 'AWS::S3::BucketPolicy').flatMap(([, r]) => r.Properties.PolicyDocument.Statement).find((s: any) => s.Sid)!;
    expect(allow.Resource).toMatch(/^arn:aws:s3:::bedrock-invocation-logs-archive-111122223333-[0-9a-f]{8}\/bedrock\/AWSLogs\/\$\{aws:PrincipalAccount\}\/BedrockModelInvocationLogs\/\*$/);
  });

  test('no statement allows s3:ReplicateDelete, deletes, or any change of versioning, policy, lifecycle, Object Lock or ownership', () => {
    const allowed = bucketPolicy(template, bucketId).filter((s: any) => s.Effect === 'Allow').flatMap((s: any) => [s.Action].flat());
    expect(allowed).toEqual(['s3:ReplicateObject', 's3:ReplicateTags']);
  });

  test('outputs: ArchiveBucketName, ArchiveAccountId, S3DataPrefix (one nOps integration) and the settings members deploy with', () => {
    expect(Object.keys(template.Outputs)).toEqual(['ArchiveBucketName', 'ArchiveAccountId', 'S3DataPrefix', 'MemberSettings']);
    expect(template.Outputs.ArchiveBucketName.Value).toEqual({ Ref: bucketId });
    expect(template.Outputs.ArchiveAccountId.Value).toEqual({ Ref: 'AWS::AccountId' });
    expect(template.Outputs.S3DataPrefix.Value).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/bedrock/']] });
    expect(template.Outputs.MemberSettings.Value).toEqual({ 'Fn::Join': ['', ['-c archiveBucket=', { Ref: bucketId }, ' -c archiveAccount=', { Ref: 'AWS::AccountId' }, ' -c keyPrefix=bedrock']] });
    expect(template.Outputs.MemberSettings.Description).toMatch(/the archive must exist before a member replicates into it/);
  });

  test('no nOps grant without nopsRoleName, and no IAM role at all', () => {
    expect(ofType(template, 'AWS::IAM::ManagedPolicy')).toEqual([]);
    expect(ofType(template, 'AWS::IAM::Role')).toEqual([]);
  });

  test('asset-free and bootstrap-free', () => {
    const app = new App();
    const stack = new BedrockLogArchiveStack(app, 'A', { synthesizer: new BootstraplessSynthesizer(), organizationId: ORG_ID });
    const artifact = app.synth().getStackByName(stack.stackName);
    expect(artifact.template.Parameters).toBeUndefined();
    expect(artifact.template.Rules).toBeUndefined();
    expect(artifact.assets).toEqual([]);
  });
});

describe('the archive name', () => {
  const { template } = archiveStack();
  const nameFor = (account: string, stackName: string) => new TemplateResolver(template, { account, region: LONGEST_REGION_NAME, stackName })
    .resolve(archiveBucket(template)[1].Properties.BucketName) as string;

  test('fits in 63 characters, is a valid bucket name, and changes with the stack id (a retained archive never blocks a redeploy)', () => {
    const name = nameFor('999999999999', 'BedrockInvocationLogArchive');
    expect(name).toMatch(/^bedrock-invocation-logs-archive-999999999999-[0-9a-f]{8}$/);
    expect(name.length).toBe(53);
    expect(name.length).toBeLessThanOrEqual(MAX_BUCKET_NAME_LENGTH);
    expect(nameFor('999999999999', 'redeployed')).not.toBe(name);
  });

  test('never matches the members\' pattern bedrock-invocation-logs-<12 digits>-*, so no account-wide member grant reaches it', () => {
    const name = nameFor('999999999999', 'BedrockInvocationLogArchive');
    expect(name).not.toMatch(/^bedrock-invocation-logs-\d{12}-/);
    for (const account of ['999999999999', '111122223333']) {
      const pattern = accountLogBucketsArnPattern('aws', account).replace('arn:aws:s3:::', '');
      expect(new RegExp(`^${pattern.replace(/\*/g, '.*')}$`).test(name)).toBe(false);
    }
  });
});

describe('with SSE-KMS, Object Lock, a transition and the nOps grant', () => {
  const { template } = archiveStack({
    createEncryptionKey: true, nopsRoleName: 'Nops-Integration-abc123',
    objectLockDays: 365, objectLockMode: ArchiveObjectLockMode.COMPLIANCE, transitionAfterDays: 90,
  });
  const [bucketId, bucket] = archiveBucket(template);
  const [keyId, key] = one(template, 'AWS::KMS::Key');

  test('the bucket: SSE-KMS with the created key (rotation on, retained), Object Lock default retention, transition to Glacier Instant Retrieval, no expiry', () => {
    expect(bucket.Properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] }, SSEAlgorithm: 'aws:kms' } }] });
    expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    expect(bucket.Properties.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 365, Mode: 'COMPLIANCE' } } });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'AbortIncompleteMultipartUploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' },
      { Id: 'TransitionReplicas', Status: 'Enabled', Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }] },
    ]);
    expect(JSON.stringify(bucket.Properties.LifecycleConfiguration)).not.toMatch(/Expiration/);
    expect([key.Properties.EnableKeyRotation, key.DeletionPolicy]).toEqual([true, 'Retain']);
  });

  test('the key policy lets the same principals kms:Encrypt and kms:GenerateDataKey, only through S3 in this Region, only for this bucket and its objects', () => {
    const statements = key.Properties.KeyPolicy.Statement;
    const arn = { 'Fn::Join': ['', ['arn:', PARTITION, ':s3:::bedrock-invocation-logs-archive-', { Ref: 'AWS::AccountId' }, '-', SUFFIX]] };
    const objects = { 'Fn::Join': ['', ['arn:', PARTITION, ':s3:::bedrock-invocation-logs-archive-', { Ref: 'AWS::AccountId' }, '-', SUFFIX, '/*']] };
    expect(statements.find((s: any) => s.Sid === 'EncryptReplicasFromOrganizationLibraryRoles')).toEqual({
      Sid: 'EncryptReplicasFromOrganizationLibraryRoles',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': ORG_ID, 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } },
        ArnLike: { 'aws:PrincipalArn': LIBRARY_ROLES },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn, objects] },
      },
    });
    // the account's own administration and the grant guard stay; nothing else
    expect(statements.map((s: any) => s.Sid ?? s.Action)).toEqual(['kms:*', 'DenyGrantsExceptForAwsServices', 'EncryptReplicasFromOrganizationLibraryRoles']);
  });

  test('the nOps grant reads every account\'s folder under the prefix, and decrypts only through S3 for the archive', () => {
    const [, policy] = one(template, 'AWS::IAM::ManagedPolicy', 'NopsIntegrationPolicy');
    expect(policy.Properties.Roles).toEqual(['Nops-Integration-abc123']);
    const arn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'ListArchivePrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: arn, Condition: { StringLike: { 's3:prefix': ['bedrock/*'] } } },
      { Sid: 'ReadArchivedLogs', Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [arn, '/bedrock/AWSLogs/*']] } },
      {
        Sid: 'DecryptArchivedLogs', Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: {
          StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn, { 'Fn::Join': ['', [arn, '/*']] }] },
        },
      },
    ]);
  });

  test('outputs ArchiveKmsKeyArn, and the member settings name it', () => {
    expect(template.Outputs.ArchiveKmsKeyArn.Value).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(JSON.stringify(template.Outputs.MemberSettings.Value)).toContain('" -c archiveKmsKeyArn="');
  });

  test('Object Lock on: no acknowledgement of the Object Lock control on the archive', () => {
    expect(bucket.Metadata.guard.SuppressedRules).not.toContain('s3_bucket_object_lock_enabled_check');
    expect(bucket.Metadata.guard.SuppressedRules).not.toContain('s3_bucket_default_encryption_kms_check');
  });
});

describe('options', () => {
  test('GOVERNANCE mode, and another storage class for the transition', () => {
    const { template } = archiveStack({ objectLockDays: 30, objectLockMode: ArchiveObjectLockMode.GOVERNANCE, transitionAfterDays: 30, transitionStorageClass: s3.StorageClass.INFREQUENT_ACCESS });
    const [, bucket] = archiveBucket(template);
    expect(bucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Days: 30, Mode: 'GOVERNANCE' });
    expect(bucket.Properties.LifecycleConfiguration.Rules[1].Transitions).toEqual([{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }]);
  });

  test('allowVersioningCheck adds s3:GetBucketVersioning (read-only) for the organization, and nothing that writes', () => {
    const { template } = archiveStack({ allowVersioningCheck: true });
    const [bucketId] = archiveBucket(template);
    const statement = bucketPolicy(template, bucketId).find((s: any) => s.Sid === 'ReadVersioningStatusFromOrganization');
    expect(statement).toEqual({
      Sid: 'ReadVersioningStatusFromOrganization', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetBucketVersioning',
      Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] }, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
    });
    expect(JSON.stringify(bucketPolicy(template, bucketId))).not.toMatch(/PutBucketVersioning|s3:List/);
  });

  test('another key prefix is used everywhere the prefix is', () => {
    const { template } = archiveStack({ keyPrefix: 'finops/bedrock/' });
    const text = JSON.stringify(template);
    expect(text).toContain('/finops/bedrock/AWSLogs/${aws:PrincipalAccount}/BedrockModelInvocationLogs/*');
    expect(text).toContain('/finops/bedrock/"');
    expect(text).not.toMatch(/[^/]bedrock\/AWSLogs/);
  });

  test('a key of the user\'s from another stack: its policy cannot be edited here, so a warning prints the statement its owner must add', () => {
    const app = new App();
    const keyStack = new Stack(app, 'Keys');
    const key = kms.Key.fromKeyArn(keyStack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const stack = new Stack(app, 'S');
    new BedrockLogArchive(stack, 'Archive', { organizationId: ORG_ID, encryptionKey: key, bucketName: 'my-archive-bucket' });
    const warnings = Annotations.fromStack(stack).findWarning('/S/Archive', Match.anyValue()).map((w) => String(w.entry.data));
    expect(warnings.join('\n')).toMatch(/The policy of KMS key .* cannot be edited from this app\. Its owner must add this statement, or replication of SSE-KMS logs fails: .*"kms:Encrypt","kms:GenerateDataKey".*arn:.*:s3:::my-archive-bucket/);
  });

  test.each([
    ['default', {}],
    ['all options', { createEncryptionKey: true, nopsRoleName: 'Nops-Integration-abc123', objectLockDays: 365, objectLockMode: ArchiveObjectLockMode.GOVERNANCE, transitionAfterDays: 90, allowVersioningCheck: true, keyPrefix: 'a/b' }],
  ])('cdk-nag AwsSolutions, HIPAA, NIST 800-53 R5 and PCI DSS 3.2.1: zero unacknowledged findings (%s)', (_name, props) => {
    expect(findingsIn(archiveStack(props).app, 'app')).toEqual([]);
  });
});

describe('bad props', () => {
  test('every problem at once, one line each, naming the property, the value and the fix', () => {
    const message = errorOf(() => archiveStack({
      organizationId: 'org-1', keyPrefix: 's3://x/y', objectLockDays: 0, transitionAfterDays: 10,
      transitionStorageClass: s3.StorageClass.INFREQUENT_ACCESS, nopsRoleName: 'arn:aws:iam::1:role/x', bucketName: 'Bad_Name',
    }));
    expect(message.split('\n')[0]).toBe('Invalid BedrockInvocationLogArchive props:');
    const lines = message.split('\n  - ').slice(1);
    expect(lines).toEqual([
      expect.stringMatching(/^nopsRoleName "arn:aws:iam::1:role\/x" is an ARN: give the role name only/),
      expect.stringMatching(/^keyPrefix "s3:\/\/x\/y" is a URL/),
      expect.stringMatching(/^organizationId "org-1" is not an organization id: use the id AWS Organizations shows, "o-" and 10 to 32 lowercase letters or digits/),
      expect.stringMatching(/^bucketName "Bad_Name" is not a valid S3 bucket name/),
      'objectLockDays 0 is not a whole number of days from 1 to 36500',
      expect.stringMatching(/^objectLockDays 0 needs objectLockMode: choose GOVERNANCE .* or COMPLIANCE/),
      expect.stringMatching(/^transitionAfterDays 10 is under 30: S3 Lifecycle moves objects to STANDARD_IA after 30 days at the earliest/),
    ]);
  });

  test.each([
    ['a mode without days', { objectLockMode: ArchiveObjectLockMode.COMPLIANCE }, /objectLockMode COMPLIANCE needs objectLockDays/],
    ['a storage class without days', { transitionStorageClass: s3.StorageClass.GLACIER }, /transitionStorageClass given without transitionAfterDays/],
    ['a key and a created key', { createEncryptionKey: true, encryptionKey: {} as kms.IKey }, /encryptionKey and createEncryptionKey: true contradict each other/],
    ['fractional days', { objectLockDays: 1.5, objectLockMode: ArchiveObjectLockMode.GOVERNANCE }, /objectLockDays 1.5 is not a whole number of days/],
  ])('%s', (_name, props, expected) => {
    expect(errorOf(() => archiveStack(props as any))).toMatch(expected);
  });

  test('the construct on its own refuses the same props', () => {
    expect(errorOf(() => new BedrockLogArchive(new Stack(new App(), 'S'), 'Archive', { organizationId: 'o-short' }))).toMatch(/^Invalid S\/Archive props:\n {2}- organizationId "o-short" is not an organization id/);
  });
});
