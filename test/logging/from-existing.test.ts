/**
 * `BedrockInvocationLogging.fromExisting`: logging configured elsewhere, as an
 * `IBedrockInvocationLogging` that the nOps grant, the analytics and the grant methods take. Breaks:
 * an account whose logging was set up in the console or by Terraform cannot get the grant, or a
 * reader is pointed at another prefix than the logging's.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { complianceFindings, formatFinding } from '../../bin/compliance';
import { BedrockInvocationLogging, BedrockLogAnalytics, IBedrockInvocationLogging, NopsIntegrationGrant } from '../../lib';
import { errorOf } from '../support/util';

const ENV = { account: '111122223333', region: 'us-east-1' };
const KEY_ARN = `arn:aws:kms:us-east-1:${ENV.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function imported(stack: Stack, keyPrefix = 'finops/bedrock/'): IBedrockInvocationLogging {
  return BedrockInvocationLogging.fromExisting(stack, 'Logging', {
    bucket: s3.Bucket.fromBucketAttributes(stack, 'Bucket', { bucketName: 'bedrock-invocation-logs-111122223333-us-east-1-abcd1234', encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN) }),
    keyPrefix,
    logGroup: logs.LogGroup.fromLogGroupName(stack, 'LogGroup', '/aws/bedrock/modelinvocations'),
  });
}

const resolved = (stack: Stack, statements: iam.PolicyStatement[]) => statements.map((s) => stack.resolve(s.toStatementJson()));

test('adds no resource, normalises the prefix, takes the bucket\'s key, and says where the logs are', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const logging = imported(stack);
  expect(Template.fromStack(stack).toJSON().Resources ?? {}).toEqual({});
  expect(logging.keyPrefix).toBe('finops/bedrock');
  expect(logging.encryptionKey!.keyArn).toBe(KEY_ARN);
  expect(stack.resolve(logging.s3DataPrefix)).toBe('s3://bedrock-invocation-logs-111122223333-us-east-1-abcd1234/finops/bedrock/');
});

test('reads exactly what the L3 reads over the same bucket, prefix and key', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const existing = imported(stack);
  const l3 = new BedrockInvocationLogging(stack, 'L3', { bucket: existing.bucket, keyPrefix: 'finops/bedrock', encryptionKey: existing.encryptionKey });
  expect(resolved(stack, existing.readStatements())).toEqual(resolved(stack, l3.readStatements()));
  expect(resolved(stack, existing.accountWideReadStatements())).toEqual(resolved(stack, l3.accountWideReadStatements()));
  expect(resolved(stack, existing.readStatements(true)).slice(-1)).toEqual([{
    Sid: 'ReadInvocationLogGroup', Effect: 'Allow',
    Action: ['logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
    Resource: stack.resolve(existing.logGroup!.logGroupArn),
  }]);
});

test('the nOps grant takes it: one managed policy, account-wide by the name scheme, with the legacy read; nothing for cdk-nag', () => {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const grant = new NopsIntegrationGrant(stack, 'Nops', { invocationLogging: imported(stack), roleName: 'Nops-Integration-abc123', accountWide: true, legacyCloudWatchLogsRead: true });
  const template = Template.fromStack(stack).toJSON();
  expect(Object.values<any>(template.Resources).map((r) => r.Type)).toEqual(['AWS::IAM::ManagedPolicy']);
  const statements = template.Resources[stack.getLogicalId(grant.policy.node.defaultChild as iam.CfnManagedPolicy)].Properties.PolicyDocument.Statement;
  expect(statements.map((s: any) => s.Sid)).toEqual(['ListInvocationLogPrefix', 'ReadInvocationLogs', 'DecryptInvocationLogs', 'ReadInvocationLogGroup']);
  expect(JSON.stringify(statements)).toContain('bedrock-invocation-logs-111122223333-*/finops/bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/*');
  expect(complianceFindings(app).map(formatFinding)).toEqual([]);
});

test('the analytics take it: the table reads the imported logging\'s prefix, no other', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const analytics = new BedrockLogAnalytics(stack, 'Analytics', { invocationLogging: imported(stack) });
  const input = stack.resolve(analytics.invocationsTable.tableInput) as any;
  expect(input.storageDescriptor.location).toBe('s3://bedrock-invocation-logs-111122223333-us-east-1-abcd1234/finops/bedrock/AWSLogs/');
});

test('grantRead and grantLegacyLogsRead return a Grant; without a logGroup the legacy read fails naming the fix', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  const logging = imported(stack);
  expect(logging.grantRead(reader).success).toBe(true);
  expect(logging.grantLegacyLogsRead(reader).success).toBe(true);
  expect(reader.node.findChild('DefaultPolicy').node.defaultChild).toBeDefined();
  const withoutLogGroup = BedrockInvocationLogging.fromExisting(stack, 'NoLogGroup', { bucket: s3.Bucket.fromBucketName(stack, 'B2', 'logs'), keyPrefix: 'bedrock' });
  expect(errorOf(() => withoutLogGroup.grantLegacyLogsRead(reader)))
    .toBe('grantLegacyLogsRead needs the CloudWatch Logs destination, but S/NoLogGroup was imported without logGroup: give logGroup to BedrockInvocationLogging.fromExisting');
  expect(errorOf(() => new NopsIntegrationGrant(stack, 'Nops', { invocationLogging: withoutLogGroup, roleName: 'Nops-Integration-abc123', legacyCloudWatchLogsRead: true })))
    .toContain('legacyCloudWatchLogsRead is true but the logging has cloudWatchLogs off');
});

test('bad attributes: every problem at once, naming the attribute, the value and the fix', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const bucket = s3.Bucket.fromBucketAttributes(stack, 'Bucket', { bucketName: 'logs', encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN) });
  expect(errorOf(() => BedrockInvocationLogging.fromExisting(stack, 'Logging', { bucket, keyPrefix: 's3://logs/bedrock', encryptionKey: new kms.Key(stack, 'Other') }))).toBe([
    'Invalid S/Logging attributes (BedrockInvocationLogging.fromExisting):',
    '  - keyPrefix "s3://logs/bedrock" is a URL: give only the key prefix (for example "bedrock"), without "s3://" and the bucket name',
    '  - encryptionKey (S/Other) is not the key of bucket (S/Key): give the key the bucket encrypts with, or omit encryptionKey',
  ].join('\n'));
});
