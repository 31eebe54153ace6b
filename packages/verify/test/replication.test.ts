/**
 * `verify --archive-bucket NAME` against the local fake over HTTP with the real AWS SDK: in a
 * member account, each Region's replication into the archive; in the log-archive account, the
 * archive's policy. Both built from the templates the library synthesizes (archive-deployed.ts).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { formatTable } from '../src/report';
import { CHECK_IDS, CheckId, REPLICATION_CHECK_IDS } from '../src/types';
import { ARCHIVE, ARCHIVE_ACCOUNT, ARCHIVE_REGION, archiveAccount, memberAccount, ORG } from './archive-deployed';
import { BUCKET, FakeAccount, healthyAccount, NOPS_ROLE } from './fake-aws';
import { expectRows, fake, NOW, S3_ONLY_SKIPS, useFakeAccount, verify } from './harness';

useFakeAccount();

const MEMBER_OPTIONS = { regions: ['us-east-1'], nopsRoleName: NOPS_ROLE, archiveBucket: ARCHIVE.bucketName, archiveAccount: ARCHIVE_ACCOUNT };
const MEMBER_IDS: CheckId[] = [...CHECK_IDS, ...REPLICATION_CHECK_IDS];
const ARCHIVE_OPTIONS = { regions: [], archiveBucket: ARCHIVE.bucketName, organizationId: ORG };
/** The member here is SSE-S3 (the test archive is): no key rows. */
const SSE_S3_SKIPS = { ...S3_ONLY_SKIPS, 'kms-key-policy': 'SKIP', 'nops-kms-decrypt': 'SKIP' } as const;

/** The one log bucket of the member account (named by the scheme). */
function logBucket(account: FakeAccount) {
  return Object.entries(account.buckets).find(([name]) => name.startsWith('bedrock-invocation-logs-1'))!;
}

function row(outcome: Awaited<ReturnType<typeof verify>>, id: CheckId): string {
  const checks = [...outcome.report!.regions.flatMap((r) => r.checks), ...outcome.report!.archive?.checks ?? []];
  const found = checks.find((c) => c.id === id)!;
  return `${found.status} ${found.detail}${found.fix ? ` | fix: ${found.fix}` : ''}`;
}

function replicationRole(account: FakeAccount) {
  return Object.entries(account.roles).find(([, r]) => r.arn.includes(':role/cdk-bedrock-invocation-logging/') && JSON.stringify(r.trust).includes('s3.amazonaws.com'))![1];
}

describe('a member account', () => {
  test('replicating as deployed: both rows pass, exit 0, and only read calls (GetBucketReplication, GetRole, SimulatePrincipalPolicy)', async () => {
    const outcome = await verify(memberAccount(NOW), MEMBER_OPTIONS);
    expectRows(outcome, 'us-east-1', SSE_S3_SKIPS, MEMBER_IDS);
    expect(outcome.exitCode).toBe(0);
    expect(row(outcome, 'archive-replication')).toMatch(new RegExp(`^PASS rule "BedrockLogsToArchive": s3://bedrock-invocation-logs-111122223333-us-east-1-[0-9a-f]{8}/bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/ to arn:aws:s3:::${ARCHIVE.bucketName} \\(account ${ARCHIVE_ACCOUNT}\\), delete markers not replicated, metrics on$`));
    expect(row(outcome, 'archive-replication-role')).toMatch(/^PASS arn:aws:iam::111122223333:role\/cdk-bedrock-invocation-logging\/.+: trusted only by s3\.amazonaws\.com for arn:aws:s3:::bedrock-invocation-logs-.+ \(aws:SourceAccount, aws:SourceArn\); IAM's simulator: s3:ReplicateObject allowed, s3:ReplicateDelete not$/);
    expect(fake.calls.filter((c) => c.service === 's3').map((c) => c.operation)).toContain('GetBucketReplication');
    expect(fake.simulations.filter((s) => s.action.startsWith('s3:Replicate')).map((s) => s.action)).toEqual(['s3:ReplicateObject', 's3:ReplicateDelete']);
    expect(formatTable(outcome.report!)).toMatch(/Replication to the archive/);
  });

  test('without --archive-bucket no replication row is printed (the healthy account\'s table is unchanged)', async () => {
    const outcome = await verify(memberAccount(NOW), { regions: ['us-east-1'], nopsRoleName: NOPS_ROLE });
    expectRows(outcome, 'us-east-1', SSE_S3_SKIPS);
    expect(fake.calls.map((c) => c.operation)).not.toContain('GetBucketReplication');
  });

  test('no replication configuration: FAIL with what to deploy, exit 1', async () => {
    const outcome = await verify(healthyAccount(NOW), MEMBER_OPTIONS);
    expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'archive-replication': 'FAIL', 'archive-replication-role': 'SKIP' }, MEMBER_IDS);
    expect(outcome.exitCode).toBe(1);
    expect(row(outcome, 'archive-replication')).toMatch(new RegExp(`has no replication configuration: this account's logs stay in us-east-1 \\| fix: deploy the member stack with -c archiveBucket=${ARCHIVE.bucketName}`));
  });

  test.each<[string, (rule: any) => void, RegExp]>([
    ['another destination', (r) => { r.Destination.Bucket = 'arn:aws:s3:::somewhere-else'; }, /replicates to arn:aws:s3:::somewhere-else, not to arn:aws:s3:::bedrock-invocation-logs-archive-/],
    ['a disabled rule', (r) => { r.Status = 'Disabled'; }, /rule "BedrockLogsToArchive" is Disabled/],
    ['the whole prefix', (r) => { r.Filter = { Prefix: 'bedrock/' }; }, /replicates the prefix "bedrock\/", not this account's log folder "bedrock\/AWSLogs\/111122223333\/BedrockModelInvocationLogs\/"/],
    ['no filter at all', (r) => { r.Filter = {}; }, /replicates the whole bucket, not this account's log folder/],
    ['delete markers', (r) => { r.DeleteMarkerReplication = { Status: 'Enabled' }; }, /replicates delete markers: a delete here would hide the archived log/],
    ['another destination account', (r) => { r.Destination.Account = '999999999999'; }, /names account 999999999999, expected 222233334444/],
  ])('a rule with %s: FAIL naming what differs', async (_name, change, expected) => {
    const account = memberAccount(NOW);
    change((logBucket(account)[1].replication as any).Rules[0]);
    const outcome = await verify(account, MEMBER_OPTIONS);
    expect(row(outcome, 'archive-replication')).toMatch(/^FAIL /);
    expect(row(outcome, 'archive-replication')).toMatch(expected);
    expect(outcome.exitCode).toBe(1);
  });

  test('no destination account and metrics off: a warning, not a failure', async () => {
    const account = memberAccount(NOW);
    const rule = (logBucket(account)[1].replication as any).Rules[0];
    delete rule.Destination.Account;
    delete rule.Destination.Metrics;
    const outcome = await verify(account, { ...MEMBER_OPTIONS, archiveAccount: undefined });
    expect(row(outcome, 'archive-replication')).toMatch(/^WARN .*names no destination account, so S3 does not check who owns .*; rule "BedrockLogsToArchive" has replication metrics off/);
    expect(outcome.exitCode).toBe(0);
  });

  test.each<[string, (role: any, account: FakeAccount) => void, RegExp]>([
    ['a trust without conditions', (role) => { delete role.trust.Statement[0].Condition; }, /is not limited to aws:SourceAccount 111122223333; .* is not limited to aws:SourceArn arn:aws:s3:::bedrock-invocation-logs-/],
    ['a trust that also names a role of another account', (role) => { role.trust.Statement.push({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }); }, /statement #2 also trusts arn:aws:iam::999999999999:root/],
    ['a role off the library\'s path', (role) => { role.arn = role.arn.replace('/cdk-bedrock-invocation-logging/', '/'); }, /is not on the library's IAM path \/cdk-bedrock-invocation-logging\/: the archive admits only roles on it/],
    ['a role that may ReplicateDelete', (role) => { role.policies.push({ name: 'Wide', policy: { Statement: [{ Effect: 'Allow', Action: 's3:Replicate*', Resource: '*' }] } }); }, /the role's policies allow s3:ReplicateDelete/],
    ['a role that may not replicate', (role) => { role.policies = []; }, /the role's policies do not allow s3:ReplicateObject on arn:aws:s3:::bedrock-invocation-logs-archive-.*\/bedrock\/AWSLogs\/111122223333\/BedrockModelInvocationLogs\/example\.json\.gz \(implicitDeny\)/],
  ])('the replication role with %s: FAIL', async (_name, change, expected) => {
    const account = memberAccount(NOW);
    const role = replicationRole(account);
    change(role, account);
    const bucket = logBucket(account)[1].replication as any;
    bucket.Role = role.arn;
    const outcome = await verify(account, MEMBER_OPTIONS);
    expect(row(outcome, 'archive-replication-role')).toMatch(/^FAIL /);
    expect(row(outcome, 'archive-replication-role')).toMatch(expected);
  });

  test('the replication role is gone: FAIL with how to recreate it', async () => {
    const account = memberAccount(NOW);
    const gone = replicationRole(account);
    for (const [name, role] of Object.entries(account.roles)) if (role === gone) delete account.roles[name];
    const outcome = await verify(account, MEMBER_OPTIONS);
    expect(row(outcome, 'archive-replication-role')).toMatch(/^FAIL role arn:aws:iam::111122223333:role\/cdk-bedrock-invocation-logging\/.* does not exist: S3 cannot replicate \| fix: redeploy the member stack/);
  });

  test('the log bucket does not exist: the replication rows are skipped, not failed twice', async () => {
    const account = memberAccount(NOW);
    delete account.buckets[logBucket(account)[0]];
    const outcome = await verify(account, MEMBER_OPTIONS);
    expect(row(outcome, 'archive-replication')).toBe('SKIP no log bucket of this account to replicate from');
    expect(row(outcome, 'archive-replication-role')).toBe('SKIP no log bucket of this account to replicate from');
  });
});

describe('the log-archive account', () => {
  const ARCHIVE_ROWS = (outcome: Awaited<ReturnType<typeof verify>>) => Object.fromEntries(outcome.report!.archive!.checks.map((c) => [c.id, c.status]));
  const policyOf = (account: FakeAccount) => account.buckets[ARCHIVE.bucketName].policy as any;
  const replicationStatement = (account: FakeAccount) => policyOf(account).Statement.find((s: any) => s.Sid === 'ReplicateFromOrganizationLibraryRoles');

  test('the archive as deployed: four rows pass, no Region needed, exit 0', async () => {
    const outcome = await verify(archiveAccount(), ARCHIVE_OPTIONS);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.report!.regions).toEqual([]);
    // No Region to look for the library's stacks in: no global checks.
    expect(outcome.report!.global).toBeUndefined();
    expect(outcome.report!.archive).toMatchObject({ bucket: ARCHIVE.bucketName, region: ARCHIVE_REGION });
    expect(ARCHIVE_ROWS(outcome)).toEqual({ 'archive-bucket': 'PASS', 'archive-org-condition': 'PASS', 'archive-key-space': 'PASS', 'archive-no-write-rights': 'PASS' });
    expect(row(outcome, 'archive-org-condition')).toBe(`PASS every statement for other accounts requires aws:PrincipalOrgID ${ORG}; replication only for roles on /cdk-bedrock-invocation-logging/`);
    expect(row(outcome, 'archive-key-space')).toBe('PASS each account replicates only into PREFIX/AWSLogs/${aws:PrincipalAccount}/BedrockModelInvocationLogs/*');
    const table = formatTable(outcome.report!);
    expect(table).toMatch(new RegExp(`^archive s3://${ARCHIVE.bucketName} \\(eu-west-1\\)  \\[4 pass, 0 fail, 0 warn, 0 skip\\]$`, 'm'));
    expect(table).toMatch(/PASS: nothing failed in 0 Regions and the archive/);
    expect([...new Set(fake.calls.map((c) => c.operation))].sort()).toEqual(['GetBucketLocation', 'GetBucketOwnershipControls', 'GetBucketPolicy', 'GetBucketVersioning', 'GetCallerIdentity']);
  });

  test('--key-prefix is checked against the folder the policy admits', async () => {
    expect(row(await verify(archiveAccount(), { ...ARCHIVE_OPTIONS, keyPrefix: 'bedrock' }), 'archive-key-space')).toMatch(/^PASS each account replicates only into bedrock\/AWSLogs/);
    expect(row(await verify(archiveAccount(), { ...ARCHIVE_OPTIONS, keyPrefix: 'finops' }), 'archive-key-space')).toMatch(/^FAIL .* admits the prefix "bedrock", not --key-prefix "finops"/);
  });

  test.each<[string, (statement: any, account: FakeAccount) => void, Partial<Record<CheckId, string>>, RegExp]>([
    ['no organization condition', (s) => { delete s.Condition.StringEquals; }, { 'archive-org-condition': 'FAIL' }, /allows principals outside the account without aws:PrincipalOrgID/],
    ['another organization', (s) => { s.Condition.StringEquals['aws:PrincipalOrgID'] = 'o-zzzzzzzzzz'; }, { 'archive-org-condition': 'FAIL' }, /admits organization o-zzzzzzzzzz, not o-a1b2c3d4e5/],
    ['no library path', (s) => { delete s.Condition.ArnLike; }, { 'archive-org-condition': 'WARN' }, /admits any role of the organization, not only the library's/],
    ['every account\'s folder', (s) => { s.Resource = s.Resource.replace('${aws:PrincipalAccount}', '*'); }, { 'archive-key-space': 'FAIL' }, /covers arn:aws:s3:::.*\/bedrock\/AWSLogs\/\*\/BedrockModelInvocationLogs\/\*, not only PREFIX\/AWSLogs\/\$\{aws:PrincipalAccount\}/],
    ['the whole bucket', (s) => { s.Resource = s.Resource.replace(/\/bedrock\/.*$/, '/*'); }, { 'archive-key-space': 'FAIL' }, /covers arn:aws:s3:::bedrock-invocation-logs-archive-[^/]+\/\*, not only/],
    ['s3:ReplicateDelete', (s) => { s.Action = [...s.Action, 's3:ReplicateDelete']; }, { 'archive-no-write-rights': 'FAIL' }, /allows s3:ReplicateDelete to principals outside the account/],
    ['configuration rights in another statement', (s, account) => { (account.buckets[ARCHIVE.bucketName].policy as any).Statement.push({ ...s, Sid: 'Admin', Action: ['s3:PutBucketPolicy', 's3:PutLifecycleConfiguration', 's3:DeleteObject'] }); }, { 'archive-no-write-rights': 'FAIL' }, /statement "Admin" allows s3:PutBucketPolicy, s3:PutLifecycleConfiguration, s3:DeleteObject/],
  ])('a policy with %s: the row says so', async (_name, change, rows, expected) => {
    const account = archiveAccount();
    change(replicationStatement(account), account);
    const outcome = await verify(account, ARCHIVE_OPTIONS);
    expect(ARCHIVE_ROWS(outcome)).toEqual({ 'archive-bucket': 'PASS', 'archive-org-condition': 'PASS', 'archive-key-space': 'PASS', 'archive-no-write-rights': 'PASS', ...rows });
    const id = Object.keys(rows)[0] as CheckId;
    expect(row(outcome, id)).toMatch(expected);
    expect(outcome.exitCode).toBe(Object.values(rows).includes('FAIL') ? 1 : 0);
  });

  test('versioning suspended and ACLs enabled: the bucket row fails', async () => {
    const account = archiveAccount();
    account.buckets[ARCHIVE.bucketName].versioning = 'Suspended';
    account.buckets[ARCHIVE.bucketName].ownership = 'ObjectWriter';
    const outcome = await verify(account, ARCHIVE_OPTIONS);
    expect(row(outcome, 'archive-bucket')).toMatch(/^FAIL versioning is Suspended: S3 replicates only into a versioned bucket; Object Ownership is ObjectWriter: replicas stay owned by the member accounts/);
  });

  test('no policy at all: the policy rows fail with what to deploy', async () => {
    const account = archiveAccount();
    delete account.buckets[ARCHIVE.bucketName].policy;
    const outcome = await verify(account, ARCHIVE_OPTIONS);
    expect(row(outcome, 'archive-org-condition')).toMatch(/^FAIL the archive has no bucket policy: no member can replicate into it \| fix: deploy the archive stack/);
  });

  test('an account that does not own the bucket, with no Region to check: exit 2 with the reason', async () => {
    const outcome = await verify(healthyAccount(NOW), ARCHIVE_OPTIONS);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error).toMatch(new RegExp(`account 111122223333 does not own s3://${ARCHIVE.bucketName} \\(or may not read it\\): run in the log-archive account`));
    expect(BUCKET).toMatch(/^bedrock-invocation-logs-/);
  });
});

describe('options', () => {
  test.each<[string, object, RegExp]>([
    ['a bad bucket name', { archiveBucket: 'Bad_Bucket' }, /--archive-bucket "Bad_Bucket" is not a bucket name/],
    ['a bad account', { archiveBucket: 'archive', archiveAccount: '12' }, /--archive-account "12" is not an account id/],
    ['a bad organization id', { archiveBucket: 'archive', organizationId: 'org' }, /--organization-id "org" is not an organization id/],
    ['an organization without the bucket', { regions: ['us-east-1'], organizationId: ORG }, /--archive-account and --organization-id need --archive-bucket/],
  ])('%s: exit 2, one line', async (_name, options, expected) => {
    const outcome = await verify(archiveAccount(), { regions: [], ...options } as any);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error).toMatch(expected);
  });
});

describe('the command line', () => {
  test('verify --archive-bucket NAME --organization-id ORG --json in the log-archive account: exit 0, the archive\'s rows in the JSON', async () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    fake.reset(archiveAccount());
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--require', path.join(root, 'tooling', 'ts-register.js'), path.join(root, 'packages', 'verify', 'src', 'cli.ts'), '--archive-bucket', ARCHIVE.bucketName, '--organization-id', ORG, '--json'], {
        cwd: root, timeout: 120_000,
        env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home', NO_COLOR: '1', ...fake.env() },
      }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const json = JSON.parse(run.stdout);
    expect(json.archive.checks.map((c: any) => `${c.id} ${c.status}`)).toEqual(['archive-bucket PASS', 'archive-org-condition PASS', 'archive-key-space PASS', 'archive-no-write-rights PASS']);
    expect(json.regions).toEqual([]);
  }, 150_000);
});
