/**
 * The nOps grant over what it reads: a `BedrockInvocationLogging`, logging configured elsewhere
 * (`fromExisting`), or the organization's log archive. Breaks: the grant cannot target the archive
 * (so an nOps integration in the log-archive account needs an inline policy and a cdk-nag finding),
 * or it targets two things at once.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { complianceFindings, formatFinding } from '../../bin/compliance';
import { BedrockInvocationLogging, BedrockLogArchive, NopsIntegrationGrant } from '../../lib';
import { errorOf } from '../support/util';

const ENV = { account: '222233334444', region: 'us-east-1' };

describe('on the archive', () => {
  test.each([false, true])('one managed policy on the role with exactly the archive\'s read statements, no inline policy, nothing for cdk-nag (SSE-KMS: %s)', (createEncryptionKey) => {
    const app = new App();
    const stack = new Stack(app, 'LogArchive', { env: ENV });
    const archive = new BedrockLogArchive(stack, 'Archive', { organizationId: 'o-a1b2c3d4e5', keyPrefix: 'finops/bedrock', createEncryptionKey });
    const grant = new NopsIntegrationGrant(stack, 'Nops', { archive, roleName: 'Nops-Integration-abc123' });
    const template = Template.fromStack(stack).toJSON();
    const policies = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy');
    expect(policies.map(([id]) => id)).toEqual([stack.getLogicalId(grant.policy.node.defaultChild as iam.CfnManagedPolicy)]);
    const [, policy] = policies[0];
    expect(policy.Properties.Roles).toEqual(['Nops-Integration-abc123']);
    expect(policy.Properties.PolicyDocument.Statement).toEqual(stack.resolve(new iam.PolicyDocument({ statements: archive.readStatements() }).toJSON()).Statement);
    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid))
      .toEqual(['ListArchivePrefix', 'ReadArchivedLogs', ...createEncryptionKey ? ['DecryptArchivedLogs'] : []]);
    expect(complianceFindings(app).map(formatFinding)).toEqual([]);
  });

  test('what applies to a member\'s logging only is refused with the archive', () => {
    const stack = new Stack(new App(), 'LogArchive', { env: ENV });
    const archive = new BedrockLogArchive(stack, 'Archive', { organizationId: 'o-a1b2c3d4e5' });
    expect(errorOf(() => new NopsIntegrationGrant(stack, 'Nops', { archive, roleName: 'Nops-Integration-abc123', accountWide: true, legacyCloudWatchLogsRead: true }))).toBe([
      'Invalid LogArchive/Nops props:',
      '  - accountWide and legacyCloudWatchLogsRead apply to a member account\'s logging, not to archive: drop them',
    ].join('\n'));
  });
});

test('exactly one of invocationLogging and archive', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const archive = new BedrockLogArchive(stack, 'Archive', { organizationId: 'o-a1b2c3d4e5' });
  const invocationLogging = BedrockInvocationLogging.fromExisting(stack, 'Logging', { bucket: s3.Bucket.fromBucketName(stack, 'B', 'logs'), keyPrefix: 'bedrock' });
  const message = 'give exactly one of invocationLogging (a BedrockInvocationLogging, or BedrockInvocationLogging.fromExisting(...)) and archive (a BedrockLogArchive)';
  expect(errorOf(() => new NopsIntegrationGrant(stack, 'Both', { invocationLogging, archive, roleName: 'Nops-Integration-abc123' }))).toContain(message);
  expect(errorOf(() => new NopsIntegrationGrant(stack, 'Neither', { roleName: 'Nops-Integration-abc123' }))).toContain(message);
});
