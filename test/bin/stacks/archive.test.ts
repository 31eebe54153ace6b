/**
 * The app's archive: `-c rollout=archive` in the log-archive account, `-c archiveBucket=...` in
 * members (and through the StackSet), `-c analytics=true` over the archive; bad values one line
 * each. The real `cdk` CLI with an archive: test/bin/cli.test.ts. Breaks: a user's command does not give what the README says.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ARCHIVE_ANALYTICS_STACK_NAME, ARCHIVE_STACK_NAME, createApp, STACK_NAME, STACKSET_STACK_NAME } from '../../../bin/create-app';
import { runApp } from '../../../bin/main';
import { ARCHIVE_ACCOUNT, ARCHIVE_BUCKET, ARCHIVE_KEY_ARN, ORG_ID } from '../../archive/helpers';

const ARCHIVE = { rollout: 'archive', organizationId: ORG_ID };
const MEMBER = { archiveBucket: ARCHIVE_BUCKET, archiveAccount: ARCHIVE_ACCOUNT };

const stackNames = (app: App) => app.node.children.filter((c) => c instanceof Stack).map((c) => c.node.id);
const templateOf = (app: App, name: string) => Template.fromStack(app.node.findChild(name) as Stack).toJSON();
const resourcesOf = (t: any, type: string) => Object.values<any>(t.Resources).filter((r) => r.Type === type);

/** Runs the app as bin/app.ts does; returns the exit code, what it printed and the app it synthesized. */
function run(context: Record<string, string>): { printed: string[]; exitCode: number; app: App } {
  const printed: string[] = [];
  let app: App | undefined;
  const exitCode = runApp(() => (app = createApp({ context })), (line) => printed.push(line));
  return { printed, exitCode, app: app! };
}

/** Runs the app and expects exit 0 with nothing printed (no bad input, no cdk-nag finding); returns the app. */
function runClean(context: Record<string, string>): App {
  const { app, ...result } = run(context);
  expect(result).toEqual({ printed: [], exitCode: 0 });
  return app;
}

describe('-c rollout=archive', () => {
  test('adds BedrockInvocationLogArchive beside the member stack; cdk-nag finds nothing; exit 0', () => {
    const app = runClean(ARCHIVE);
    expect(stackNames(app)).toEqual([STACK_NAME, ARCHIVE_STACK_NAME]);
    const t = templateOf(app, ARCHIVE_STACK_NAME);
    expect(t.Parameters).toBeUndefined();
    expect(Object.keys(t.Outputs)).toEqual(['ArchiveBucketName', 'ArchiveAccountId', 'S3DataPrefix', 'MemberSettings']);
    expect(JSON.stringify(t)).toContain('"aws:PrincipalOrgID":"o-a1b2c3d4e5"');
    expect(JSON.stringify(t)).toContain('"Sid":"ReplicateFromOrganizationLibraryRoles"');
    expect(JSON.stringify(t)).toContain('/bedrock/AWSLogs/${aws:PrincipalAccount}/BedrockModelInvocationLogs/*');
  });

  test('keyPrefix, kms, nopsRoleName and the archive options reach the archive; cdk-nag still finds nothing', () => {
    const context = {
      ...ARCHIVE, keyPrefix: 'finops/bedrock', kms: 'true', nopsRoleName: 'arn:aws:iam::222233334444:role/Nops-Integration-abc123',
      archiveObjectLockDays: '365', archiveObjectLockMode: 'COMPLIANCE', archiveTransitionDays: '90', archiveVersioningCheck: 'true',
    };
    const t = templateOf(runClean(context), ARCHIVE_STACK_NAME);
    const bucket = resourcesOf(t, 'AWS::S3::Bucket').find((r) => r.Properties.BucketName)!;
    expect(bucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Days: 365, Mode: 'COMPLIANCE' });
    expect(bucket.Properties.LifecycleConfiguration.Rules[1].Transitions).toEqual([{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }]);
    expect(resourcesOf(t, 'AWS::KMS::Key')).toHaveLength(1);
    expect(resourcesOf(t, 'AWS::IAM::ManagedPolicy')[0].Properties.Roles).toEqual(['Nops-Integration-abc123']);
    expect(JSON.stringify(t)).toContain('/finops/bedrock/AWSLogs/${aws:PrincipalAccount}/BedrockModelInvocationLogs/*');
    expect(JSON.stringify(t)).toContain('ReadVersioningStatusFromOrganization');
    expect(Object.keys(t.Outputs)).toContain('ArchiveKmsKeyArn');
  });

  test('with analytics=true the analytics stack reads the archive (BedrockInvocationLogArchiveAnalytics), projecting the listed accounts and Regions', () => {
    const context = { ...ARCHIVE, kms: 'true', analytics: 'true', analyticsAccounts: '111122223333,444455556666', analyticsRegions: 'us-east-1,eu-west-1' };
    const app = runClean(context);
    expect(stackNames(app)).toEqual([STACK_NAME, ARCHIVE_STACK_NAME, ARCHIVE_ANALYTICS_STACK_NAME]);
    const t = templateOf(app, ARCHIVE_ANALYTICS_STACK_NAME);
    const table = resourcesOf(t, 'AWS::Glue::Table').find((r) => r.Properties.TableInput.Name === 'bedrock_invocations')!.Properties.TableInput;
    expect(table.Parameters['projection.log_account.values']).toBe('111122223333,444455556666');
    expect(table.Parameters['projection.log_region.values']).toBe('us-east-1,eu-west-1');
    expect(JSON.stringify(table.StorageDescriptor.Location)).toMatch(/"Fn::ImportValue":"BedrockInvocationLogArchive:ExportsOutputRefArchive.*\/bedrock\/AWSLogs\//);
  });

  test('the member stack\'s own analytics takes analyticsAccounts and analyticsRegions too', () => {
    const t = templateOf(createApp({ context: { analytics: 'true', analyticsRegions: 'us-east-1,eu-west-1' } }), 'BedrockInvocationLoggingAnalytics');
    const table = resourcesOf(t, 'AWS::Glue::Table').find((r) => r.Properties.TableInput.Name === 'bedrock_invocations')!.Properties.TableInput;
    expect(table.Parameters['projection.log_region.values']).toBe('us-east-1,eu-west-1');
    expect(table.Parameters['projection.log_account.values']).toEqual({ Ref: 'AWS::AccountId' });
  });
});

describe('members: -c archiveBucket -c archiveAccount [-c archiveKmsKeyArn]', () => {
  test('the member stack replicates into the archive; cdk-nag finds nothing', () => {
    const context = { ...MEMBER, kms: 'true', archiveKmsKeyArn: ARCHIVE_KEY_ARN };
    const t = templateOf(runClean(context), STACK_NAME);
    const rule = resourcesOf(t, 'AWS::S3::Bucket').find((r) => r.Properties.ReplicationConfiguration)!.Properties.ReplicationConfiguration.Rules[0];
    expect(rule.Destination).toMatchObject({ Account: ARCHIVE_ACCOUNT, EncryptionConfiguration: { ReplicaKmsKeyID: ARCHIVE_KEY_ARN } });
    expect(t.Outputs.ArchiveReplication).toBeDefined();
  });

  test('with rollout=stackset the StackSet passes the archive to every account', () => {
    const context = { ...MEMBER, rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456', targetRegions: 'us-east-1' };
    const admin = templateOf(runClean(context), STACKSET_STACK_NAME);
    const parameters = Object.values<any>(admin.Resources)[0].Properties.Parameters;
    expect(parameters.slice(4, 7)).toEqual([
      { ParameterKey: 'ArchiveBucketName', ParameterValue: ARCHIVE_BUCKET },
      { ParameterKey: 'ArchiveAccountId', ParameterValue: ARCHIVE_ACCOUNT },
      { ParameterKey: 'ArchiveKmsKeyArn', ParameterValue: '' },
    ]);
  });
});

describe('bad archive context', () => {
  test('every problem at once, one line each, naming the key, the value and the fix; exit 1', () => {
    const { printed, exitCode } = run({
      rollout: 'archive', organizationId: 'o-x', archiveObjectLockDays: 'x', archiveObjectLockMode: 'gov', archiveTransitionDays: '0',
      targetOuIds: 'ou-ab12-cdef3456', archiveBucket: 'Bad_Name', archiveKmsKeyArn: 'alias/x', analyticsAccounts: '1',
    });
    expect(exitCode).toBe(1);
    expect(printed).toEqual([
      'Error: 9 problems in the context (cdk -c KEY=VALUE):',
      '  context archiveBucket "Bad_Name" is not a valid S3 bucket name: give the ArchiveBucketName output of the archive stack (BedrockInvocationLogArchive)',
      '  context archiveKmsKeyArn "alias/x" is not a KMS key ARN: give the ArchiveKmsKeyArn output (arn:aws:kms:REGION:ACCOUNT:key/ID, not an alias)',
      '  context archiveBucket needs context archiveAccount: give the log-archive account\'s id (output ArchiveAccountId), so that S3 checks that it owns the bucket',
      '  context organizationId="o-x" is not an organization id: use "o-" and 10 to 32 lowercase letters or digits, for example -c organizationId=o-a1b2c3d4e5',
      '  context archiveObjectLockDays="x" is not a whole number from 1 to 36500: use for example -c archiveObjectLockDays=365',
      '  context archiveObjectLockMode="gov" is not a mode: use -c archiveObjectLockMode=GOVERNANCE or -c archiveObjectLockMode=COMPLIANCE',
      '  context archiveTransitionDays="0" is not a whole number of at least 1: use for example -c archiveTransitionDays=365',
      '  context targetOuIds is only read with rollout=stackset: add -c rollout=stackset, or drop it',
      '  context analyticsAccounts is only read with analytics=true: add -c analytics=true, or drop it',
    ]);
  });

  test.each([
    ['rollout=archive without organizationId', { rollout: 'archive' }, /context organizationId is missing: rollout=archive admits only the library's roles of your organization/],
    ['archive options without rollout=archive', { organizationId: ORG_ID, archiveObjectLockDays: '30' }, /context organizationId, archiveObjectLockDays are only read with rollout=archive: add -c rollout=archive, or drop them/],
    ['Object Lock days without a mode', { ...ARCHIVE, archiveObjectLockDays: '30' }, /context archiveObjectLockDays="30" needs archiveObjectLockMode: add -c archiveObjectLockMode=GOVERNANCE/],
    ['a mode without days', { ...ARCHIVE, archiveObjectLockMode: 'GOVERNANCE' }, /context archiveObjectLockMode="GOVERNANCE" needs archiveObjectLockDays/],
    ['kms member without the archive\'s key', { ...MEMBER, kms: 'true' }, /context archiveBucket needs context archiveKmsKeyArn because the log bucket is SSE-KMS/],
    ['an archive key without the archive', { archiveKmsKeyArn: ARCHIVE_KEY_ARN }, /context archiveKmsKeyArn given without context archiveBucket/],
    ['archive analytics without the accounts', { ...ARCHIVE, analytics: 'true' }, /context analyticsAccounts is missing: with rollout=archive the archive holds many accounts' logs/],
    ['bad analytics accounts and Regions', { analytics: 'true', analyticsAccounts: '12345', analyticsRegions: 'mars-1' }, /context analyticsAccounts item "12345" is not valid.*\n.*context analyticsRegions item "mars-1" is not valid/],
  ])('%s', (_name, context, expected) => {
    const { printed, exitCode } = run(context as Record<string, string>);
    expect(exitCode).toBe(1);
    expect(printed.join('\n')).toMatch(expected);
  });
});

test('with the CLI\'s version reporting on, no stack of the app has a CDKMetadata resource (it would cost about 3 KB of the inline limit)', () => {
  const app = createApp({ context: { 'aws:cdk:version-reporting': true, ...ARCHIVE, analytics: 'true', analyticsAccounts: '111122223333' } });
  const assembly = app.synth();
  expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([ARCHIVE_ANALYTICS_STACK_NAME, ARCHIVE_STACK_NAME, STACK_NAME].sort());
  for (const stack of assembly.stacks) expect([stack.stackName, Object.keys(stack.template.Resources).filter((id) => id === 'CDKMetadata')]).toEqual([stack.stackName, []]);
  // and a plain App with that context does add one: the check can fail
  const plain = new App({ context: { 'aws:cdk:version-reporting': true } });
  new Stack(plain, 'Plain');
  expect(Object.keys(plain.synth().getStackByName('Plain').template.Resources ?? {})).toContain('CDKMetadata');
});
