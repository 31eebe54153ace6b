/**
 * `BedrockNagAcknowledgements`: a library user's cdk-nag run over the policies the grant methods
 * write into (their own roles), acknowledged one finding at a time. Breaks: users must guess the
 * finding ids (logical ids, `::` in ARNs), or acknowledge the whole rule.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BedrockInvocationLogging, BedrockLogAnalytics, BedrockLogArchive, BedrockNagAcknowledgements } from '../../lib';
import { errorOf } from '../support/util';

const ENV = { account: '111122223333', region: 'us-east-1' };
const REASON = 'Reads the Bedrock log prefix only: the wildcard stops at the prefix boundary.';

const iam5 = (app: App) => new AwsSolutionsChecks().validateScope(app).violations
  .filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5'))
  .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));

function build(): { app: App; stack: Stack; grants: Array<[iam.Grant, iam.IGrantable]>; reader: iam.Role; imported: iam.IRole } {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const logging = new BedrockInvocationLogging(stack, 'Logging', { createEncryptionKey: true, cloudWatchLogs: true });
  const existing = BedrockInvocationLogging.fromExisting(stack, 'Existing', { bucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'other-logs'), keyPrefix: 'bedrock' });
  const archive = new BedrockLogArchive(stack, 'Archive', { organizationId: 'o-a1b2c3d4e5' });
  const analytics = new BedrockLogAnalytics(stack, 'Analytics', { invocationLogging: logging });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  const imported = iam.Role.fromRoleName(stack, 'Imported', 'analytics-reader');
  const grants: Array<[iam.Grant, iam.IGrantable]> = [[logging.grantRead(reader), reader], [logging.grantLegacyLogsRead(reader), reader],
    [analytics.grantQuery(reader), reader], [archive.grantRead(reader), reader], [existing.grantRead(imported), imported]];
  return { app, stack, grants, reader, imported };
}

test('without acknowledgement the grant methods raise AwsSolutions-IAM5 in your policies (what the helper is for)', () => {
  const { app } = build();
  expect(iam5(app).length).toBeGreaterThanOrEqual(5);
  expect(iam5(app).every((f) => f.includes('S/Reader/DefaultPolicy/Resource') || f.includes('S/Imported/Policy/Resource'))).toBe(true);
});

test('acknowledgeGrant: every IAM5 finding of each grant, on the grantee, one finding (resource) each, with the reason', () => {
  const { app, reader, imported, grants } = build();
  const ids = grants.flatMap(([grant, grantee]) => BedrockNagAcknowledgements.acknowledgeGrant(grant, grantee, REASON));
  expect(iam5(app)).toEqual([]);
  expect(ids.every((id) => /^AwsSolutions-IAM5\[Resource::.+\*\]$/.test(id))).toBe(true);
  expect(ids).toContain('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::other-logs/bedrock/*]');
  // on the grantees, never on the stack
  const acknowledgedOn = (c: { node: { metadata: Array<{ type: string }> } }) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').length;
  expect(acknowledgedOn(reader)).toBeGreaterThan(0);
  expect(acknowledgedOn(imported)).toBeGreaterThan(0);
  expect(acknowledgedOn(reader.stack)).toBe(0);
});

test('acknowledgeStatements: the same for readStatements() in a managed policy of your own', () => {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const logging = new BedrockInvocationLogging(stack, 'Logging');
  const statements = logging.readStatements();
  const policy = new iam.ManagedPolicy(stack, 'ReadLogs', { statements, roles: [iam.Role.fromRoleName(stack, 'Analyst', 'analyst')] });
  expect(iam5(app)).toHaveLength(1);
  expect(BedrockNagAcknowledgements.acknowledgeStatements(policy, statements, REASON)).toHaveLength(1);
  expect(iam5(app)).toEqual([]);
});

test('a grant that wrote no statement (a principal without a policy) is an error, not a silent no-op', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const principal = new iam.AccountRootPrincipal();
  const grant = new BedrockInvocationLogging(stack, 'Logging').grantRead(principal);
  expect(errorOf(() => BedrockNagAcknowledgements.acknowledgeGrant(grant, principal, REASON))).toMatch(/the grant added no statement to a policy of a principal in this app/);
});
