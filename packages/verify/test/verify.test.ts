/**
 * `verify` against a local fake of the AWS APIs, one account state per test. Every test asserts
 * the rows of the printed table (check title + status) and the exit code.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { READ_ONLY_OPERATION } from '../src/clients';
import { main } from '../src/cli';
import { formatJson, formatTable } from '../src/report';
import { CHECK_IDS, CHECK_TITLES, CheckId, CheckStatus } from '../src/types';
import {
  ACCOUNT, BUCKET, bucketPolicyOf, FakeAccount, healthyAccount, healthyCloudWatchAccount, KEY_ARN, NOPS_ROLE, NOPS_ROLE_ARN, OTHER_ACCOUNT, PERMISSION_CHECK, PREFIX,
} from './fake-aws';
import { clients, detail, expectRows, fake, NOW, OPTIONS, S3_ONLY_SKIPS, tableRows, useFakeAccount, verify } from './harness';

useFakeAccount();

test('healthy account: every check passes, exit 0, the last log is found', async () => {
  const outcome = await verify(healthyAccount(NOW));
  expectRows(outcome, 'us-east-1', S3_ONLY_SKIPS);
  expect(outcome.exitCode).toBe(0);
  expect(outcome.report!.account).toBe(ACCOUNT);
  expect(detail(outcome, 's3-destination')).toContain(`s3://${BUCKET}/${PREFIX}/`);
  expect(detail(outcome, 'data-types')).toContain('text, image, embedding, video, audio on');
  expect(detail(outcome, 'bedrock-writes')).toContain('last log 2026-03-10T10:32:00.000Z (2 h ago)');
  expect(detail(outcome, 'bedrock-writes')).toContain('_b.json.gz');
  expect(detail(outcome, 'kms-key-policy')).toContain(KEY_ARN);
  expect(tableRows(outcome).global).toEqual({ [CHECK_TITLES['library-path-roles']]: 'PASS' });
  expect(formatTable(outcome.report!)).toMatch(/PASS: nothing failed in 1 Region and the global checks\n$/);
});

test('only read-only operations reach the account', async () => {
  await verify(healthyCloudWatchAccount(NOW));
  const operations = [...new Set(fake.calls.map((c) => `${c.service}:${c.operation}`))].sort();
  expect(operations).toEqual([
    'bedrock:GetModelInvocationLoggingConfiguration',
    'cloudformation:DescribeStackResources',
    'iam:GetRole',
    'iam:ListRoles',
    'iam:SimulatePrincipalPolicy',
    'kms:DescribeKey',
    'kms:GetKeyPolicy',
    'logs:DescribeLogGroups',
    's3:GetBucketEncryption',
    's3:GetBucketLocation',
    's3:GetBucketOwnershipControls',
    's3:GetBucketPolicy',
    's3:GetBucketVersioning',
    's3:GetPublicAccessBlock',
    's3:ListObjectsV2',
    'sts:GetCallerIdentity',
  ]);
  for (const call of fake.calls) {
    expect(call.operation).toMatch(READ_ONLY_OPERATION);
    if (call.service === 's3' || call.service === 'bedrock') {
      expect(['GET', 'HEAD']).toContain(call.method);
    }
  }
});

test('the read-only guard refuses a write before anything is sent', async () => {
  fake.reset(healthyAccount(NOW));
  const { s3 } = clients('us-east-1');
  await expect(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x', Body: 'x' }))).rejects.toThrow(/refused to call PutObject/);
  expect(fake.calls).toEqual([]);
});

test('logging off: FAIL, bucket checks skipped, exit 1', async () => {
  const account = healthyAccount(NOW);
  account.logging['us-east-1'] = undefined;
  const outcome = await verify(account);
  const skipped = Object.fromEntries(CHECK_IDS.map((id) => [id, 'SKIP'])) as Record<CheckId, CheckStatus>;
  expectRows(outcome, 'us-east-1', { ...skipped, 'bedrock-available': 'PASS', 'logging-enabled': 'FAIL', 'nops-role': 'PASS' });
  expect(outcome.exitCode).toBe(1);
  expect(detail(outcome, 'logging-enabled')).toMatch(/logging is off in us-east-1 \| fix: deploy BedrockInvocationLoggingStack/);
});

test('bucket policy without the conditions: FAIL naming both, exit 1', async () => {
  const account = healthyAccount(NOW);
  delete bucketPolicyOf(account).Statement.find((s) => s.Sid === 'AmazonBedrockLogsWrite').Condition;
  const outcome = await verify(account);
  expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'bucket-policy': 'FAIL' });
  expect(outcome.exitCode).toBe(1);
  expect(detail(outcome, 'bucket-policy')).toContain('"AmazonBedrockLogsWrite": no aws:SourceAccount condition');
  expect(detail(outcome, 'bucket-policy')).toContain('no aws:SourceArn condition');
  expect(detail(outcome, 'bucket-policy')).toContain(`"aws:SourceArn":"arn:aws:bedrock:us-east-1:${ACCOUNT}:*"`);
});

test('bucket policy wider than documented: whole bucket, extra action, anyone', async () => {
  const account = healthyAccount(NOW);
  bucketPolicyOf(account).Statement.push(
    { Effect: 'Allow', Principal: { Service: 'bedrock.amazonaws.com' }, Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:bedrock:*:${ACCOUNT}:*` } } },
    { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
  );
  const outcome = await verify(account);
  // "Public" lets anyone, nOps's role included, read the whole bucket.
  expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'bucket-policy': 'FAIL', 'nops-outside-prefix': 'FAIL' });
  expect(outcome.exitCode).toBe(1);
  const text = detail(outcome, 'bucket-policy');
  expect(text).toContain('also gives bedrock.amazonaws.com s3:GetObject');
  expect(text).toContain(`covers arn:aws:s3:::${BUCKET}/*, wider than`);
  expect(text).toContain(`aws:SourceArn arn:aws:bedrock:*:${ACCOUNT}:* is wider`);
  expect(text).toContain('statement "Public" allows "*" s3:GetObject (anyone)');
  expect(detail(outcome, 'bucket-policy')).toMatch(/fix: remove the Allow statements to "\*"/);

  // "*" limited by a condition is still too wide for prompts and answers; so is a second principal in the write statement.
  const org = healthyAccount(NOW);
  const orgPolicy = bucketPolicyOf(org);
  orgPolicy.Statement.find((s) => s.Sid === 'AmazonBedrockLogsWrite').Principal = { Service: ['bedrock.amazonaws.com', 'logging.s3.amazonaws.com'] };
  orgPolicy.Statement.push({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } });
  const limited = await verify(org);
  expect(tableRows(limited)['us-east-1'][CHECK_TITLES['bucket-policy']]).toBe('FAIL');
  expect(detail(limited, 'bucket-policy')).toContain('statement #3 allows "*" s3:GetObject, limited only by aws:PrincipalOrgID');
  expect(detail(limited, 'bucket-policy')).toContain('"AmazonBedrockLogsWrite" also names logging.s3.amazonaws.com beside bedrock.amazonaws.com');
});

test('public access not blocked, ACLs on, versioning off, no policy: each FAIL', async () => {
  const account = healthyAccount(NOW);
  const bucket = account.buckets[BUCKET];
  bucket.publicAccessBlock = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false };
  const first = await verify(account);
  expectRows(first, 'us-east-1', { ...S3_ONLY_SKIPS, 'public-access-block': 'FAIL' });
  expect(first.exitCode).toBe(1);
  expect(detail(first, 'public-access-block')).toContain('BlockPublicPolicy, RestrictPublicBuckets off');

  delete bucket.publicAccessBlock;
  bucket.ownership = 'ObjectWriter';
  bucket.versioning = 'Suspended';
  delete bucket.policy;
  const second = await verify(account);
  expectRows(second, 'us-east-1', { ...S3_ONLY_SKIPS, 'public-access-block': 'FAIL', 'object-ownership': 'FAIL', 'versioning': 'FAIL', 'bucket-policy': 'FAIL' });
  expect(detail(second, 'public-access-block')).toContain('no public access block');
  expect(detail(second, 'bucket-policy')).toContain('no policy');
  expect(second.exitCode).toBe(1);
});

test('KMS key policy without Bedrock: FAIL with the statement to add, exit 1', async () => {
  const account = healthyAccount(NOW);
  const policy = account.keys[KEY_ARN].policy as { Statement: Array<{ Sid?: string }> };
  policy.Statement = policy.Statement.filter((s) => s.Sid !== 'AmazonBedrockLogsEncrypt');
  const outcome = await verify(account);
  expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'kms-key-policy': 'FAIL' });
  expect(outcome.exitCode).toBe(1);
  expect(detail(outcome, 'kms-key-policy')).toContain('does not let bedrock.amazonaws.com kms:GenerateDataKey');
  expect(detail(outcome, 'kms-key-policy')).toContain('"Sid":"AmazonBedrockLogsEncrypt"');
});

test('SSE-S3 bucket: no key policy and no kms:Decrypt to check', async () => {
  const account = healthyAccount(NOW);
  account.buckets[BUCKET].encryption = { algorithm: 'AES256' };
  const outcome = await verify(account);
  expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'kms-key-policy': 'SKIP', 'nops-kms-decrypt': 'SKIP' });
  expect(outcome.exitCode).toBe(0);
});

test('nOps role denied by the simulator: FAIL, exit 1; a missing role also fails', async () => {
  const account = healthyAccount(NOW);
  account.simulate = () => ({ decision: 'implicitDeny' });
  const outcome = await verify(account);
  expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'nops-read-prefix': 'FAIL', 'nops-kms-decrypt': 'FAIL' });
  expect(outcome.exitCode).toBe(1);
  expect(detail(outcome, 'nops-read-prefix')).toContain('s3:GetObject on bedrock/AWSLogs/...: implicitDeny');
  // The simulation asked about the prefix with s3:prefix in context, and about the role's own policies only.
  const list = fake.simulations.find((s) => s.action === 's3:ListBucket' && s.context['s3:prefix']?.[0] === `${PREFIX}/`);
  expect(list?.resource).toBe(`arn:aws:s3:::${BUCKET}`);
  expect(fake.simulations.filter((s) => s.resourcePolicy !== undefined)).toEqual([]);

  const missing = await verify(healthyAccount(NOW), { ...OPTIONS, nopsRoleName: 'Nops-Integration-missing' });
  expectRows(missing, 'us-east-1', { ...S3_ONLY_SKIPS, 'nops-role': 'FAIL', 'nops-read-prefix': 'SKIP', 'nops-outside-prefix': 'SKIP', 'nops-kms-decrypt': 'SKIP' });
  expect(missing.exitCode).toBe(1);
});

describe('--nops-role-name as a pattern (nOps names its role differently in each account)', () => {
  /** The healthy account with other roles around the nOps role, so that ListRoles takes several pages. */
  function withOtherRoles(extra: string[]): FakeAccount {
    const account = healthyAccount(NOW);
    for (const name of ['Admin', 'Auditor', 'Nops-Integration', ...extra]) {
      account.roles[name] = { arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, trust: { Statement: [] }, policies: [] };
    }
    return account;
  }

  test('the one matching role is found over every page of iam:ListRoles and checked as if named', async () => {
    const outcome = await verify(withOtherRoles(['OtherNops-Integration-x']), { ...OPTIONS, nopsRoleName: 'Nops-Integration-*' });
    expectRows(outcome, 'us-east-1', S3_ONLY_SKIPS);
    expect(outcome.exitCode).toBe(0);
    expect(detail(outcome, 'nops-role')).toContain(`${NOPS_ROLE_ARN} (the one role that matches Nops-Integration-*)`);
    // six roles, two a page: three ListRoles calls per Region, then GetRole on the name found (the
    // global check lists the library's IAM path apart)
    expect(fake.calls.filter((c) => c.operation === 'ListRoles' && c.input?.PathPrefix === undefined)).toHaveLength(3);
    expect(fake.calls.filter((c) => c.operation === 'GetRole').length).toBeGreaterThan(0);
  });

  test('no matching role: FAIL naming the account and the pattern, the nOps rows skipped', async () => {
    const outcome = await verify(withOtherRoles([]), { ...OPTIONS, nopsRoleName: 'NopsIntegrationRole-*' });
    expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'nops-role': 'FAIL', 'nops-read-prefix': 'SKIP', 'nops-outside-prefix': 'SKIP', 'nops-kms-decrypt': 'SKIP' });
    expect(detail(outcome, 'nops-role')).toContain(`no role in account ${ACCOUNT} matches NopsIntegrationRole-* | fix: onboard this account in nOps`);
    expect(outcome.exitCode).toBe(1);
  });

  test('two matching roles: FAIL listing both, nothing checked against either', async () => {
    const outcome = await verify(withOtherRoles(['Nops-Integration-old']), { ...OPTIONS, nopsRoleName: 'Nops-Integration-*' });
    expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'nops-role': 'FAIL', 'nops-read-prefix': 'SKIP', 'nops-outside-prefix': 'SKIP', 'nops-kms-decrypt': 'SKIP' });
    expect(detail(outcome, 'nops-role')).toContain(`2 roles in account ${ACCOUNT} match Nops-Integration-*: ${[NOPS_ROLE, 'Nops-Integration-old'].sort().join(', ')} | fix: pass the exact role name`);
    expect(fake.simulations).toEqual([]);
  });

  test('iam:ListRoles refused: FAIL naming the permission', async () => {
    const account = withOtherRoles([]);
    account.refuse = ['ListRoles'];
    const outcome = await verify(account, { ...OPTIONS, nopsRoleName: 'Nops-Integration-*' });
    expect(outcome.report!.regions[0].checks.find((c) => c.id === 'nops-role')).toMatchObject({
      status: 'FAIL', fix: 'run verify with a principal allowed iam:ListRoles (to find the role that matches Nops-Integration-*), then rerun',
    });
  });
});

test('nOps role allowed outside the prefix by its own policies: reading FAILs, listing names WARNs', async () => {
  const account = healthyAccount(NOW);
  const role = account.roles[NOPS_ROLE];
  const grant = [...role.policies];
  role.policies = [...grant, { name: 'ListEverything', policy: { Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` }] } }];
  const listing = await verify(account);
  expectRows(listing, 'us-east-1', { ...S3_ONLY_SKIPS, 'nops-outside-prefix': 'WARN' });
  expect(listing.exitCode).toBe(0);

  role.policies = [...grant, { name: 'ReadEverything', policy: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }] } }];
  const reading = await verify(account);
  expectRows(reading, 'us-east-1', { ...S3_ONLY_SKIPS, 'nops-outside-prefix': 'FAIL' });
  expect(detail(reading, 'nops-outside-prefix')).toContain(`s3:GetObject on ${PREFIX}-other/*: allowed (by ReadEverything)`);
  expect(reading.exitCode).toBe(1);
});

test('Region without Bedrock: its own FAIL row next to a healthy Region; WARN when allowed', async () => {
  const outcome = await verify(healthyAccount(NOW), { ...OPTIONS, regions: ['us-east-1', 'ap-none-1'] });
  expectRows(outcome, 'us-east-1', S3_ONLY_SKIPS);
  expect(tableRows(outcome)['ap-none-1']).toEqual({ [CHECK_TITLES['bedrock-available']]: 'FAIL' });
  expect(detail(outcome, 'bedrock-available', 'ap-none-1')).toContain('does not resolve (ENOTFOUND): Amazon Bedrock is not offered in this Region');
  expect(outcome.exitCode).toBe(1);

  const allowed = await verify(healthyAccount(NOW), { ...OPTIONS, regions: ['us-east-1', 'ap-none-1'], allowUnavailableRegions: true });
  expect(tableRows(allowed)['ap-none-1']).toEqual({ [CHECK_TITLES['bedrock-available']]: 'WARN' });
  expect(allowed.exitCode).toBe(0);
});

test('several Regions: each is read with its own logging configuration, in the order given', async () => {
  const account = healthyAccount(NOW);
  account.logging['eu-west-1'] = undefined;
  const outcome = await verify(account, { ...OPTIONS, regions: ['eu-west-1', 'us-east-1'] });
  expect(outcome.report!.regions.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
  expect(tableRows(outcome)['eu-west-1'][CHECK_TITLES['logging-enabled']]).toBe('FAIL');
  expectRows(outcome, 'us-east-1', S3_ONLY_SKIPS);
  expect(outcome.exitCode).toBe(1);
  expect(new Set(fake.calls.filter((c) => c.service === 'bedrock').map((c) => c.region))).toEqual(new Set(['eu-west-1', 'us-east-1']));
});

/** The CloudWatch destination's log group and role as the account's logging configuration names them. */
function cloudWatchOf(account: FakeAccount): { logGroupName: string; roleName: string } {
  const cw = account.logging['us-east-1']!.cloudWatchConfig as { logGroupName: string; roleArn: string };
  return { logGroupName: cw.logGroupName, roleName: cw.roleArn.slice(cw.roleArn.lastIndexOf('/') + 1) };
}

test('legacy CloudWatch destination: log group, retention, trust; nOps Deny on GetLogEvents is a WARN', async () => {
  const deployedAsIs = await verify(healthyCloudWatchAccount(NOW));
  expectRows(deployedAsIs, 'us-east-1', { 'nops-legacy-logs': 'WARN' });
  expect(detail(deployedAsIs, 'cloudwatch-retention')).toBe('365 days | fix: ');

  const account = healthyCloudWatchAccount(NOW);
  const { logGroupName } = cloudWatchOf(account);
  account.logGroups['us-east-1'].find((g) => g.logGroupName === logGroupName)!.retentionInDays = 30;
  const outcome = await verify(account);
  expectRows(outcome, 'us-east-1', { 'cloudwatch-retention': 'WARN', 'nops-legacy-logs': 'WARN' });
  expect(outcome.exitCode).toBe(0);
  // The stack's grant allows logs:GetLogEvents; nOps's own Deny wins.
  expect(detail(outcome, 'nops-legacy-logs')).toContain('explicitDeny (by NopsReadOnlyDeny)');
  expect(detail(outcome, 'cloudwatch-large-data')).toContain(`s3://${BUCKET}/${PREFIX}/`);
});

test('CloudWatch role trusted without conditions, log group missing: FAIL', async () => {
  const account = healthyCloudWatchAccount(NOW);
  (account.roles[cloudWatchOf(account).roleName].trust as { Statement: unknown[] }).Statement.push({ Effect: 'Allow', Principal: { Service: 'bedrock.amazonaws.com' }, Action: 'sts:AssumeRole' });
  account.logGroups['us-east-1'] = [];
  delete (account.logging['us-east-1']!.cloudWatchConfig as Record<string, unknown>).largeDataDeliveryS3Config;
  const outcome = await verify(account);
  expectRows(outcome, 'us-east-1', {
    'cloudwatch-log-group': 'FAIL', 'cloudwatch-retention': 'SKIP', 'cloudwatch-encryption': 'SKIP',
    'cloudwatch-role-trust': 'FAIL', 'cloudwatch-large-data': 'WARN', 'nops-legacy-logs': 'WARN',
  });
  expect(detail(outcome, 'cloudwatch-role-trust')).toMatch(/statement #\d+: no aws:SourceAccount condition/);
  expect(outcome.exitCode).toBe(1);
});

/** Every bucket row but the location, and the nOps rows that read the bucket. */
const BUCKET_UNREADABLE: Partial<Record<CheckId, CheckStatus>> = Object.fromEntries(
  ['bucket-policy', 'bucket-encryption', 'public-access-block', 'object-ownership', 'versioning', 'kms-key-policy', 'bedrock-writes',
    'nops-read-prefix', 'nops-outside-prefix', 'nops-kms-decrypt'].map((id) => [id, 'SKIP']));

test('bucket of another account: one FAIL row that says so with the fix, not a row of AccessDenied per check', async () => {
  // GIVEN the logging configuration names a bucket another account owns, whose policy does not admit this account
  const foreign = healthyAccount(NOW);
  foreign.buckets[BUCKET].owner = OTHER_ACCOUNT;
  // WHEN
  const outcome = await verify(foreign);
  // THEN
  expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, ...BUCKET_UNREADABLE, 'bucket-location': 'FAIL' });
  expect(outcome.exitCode).toBe(1);
  expect(detail(outcome, 'bucket-location')).toBe(
    `s3://${BUCKET} belongs to another AWS account, not ${ACCOUNT} (it is not among the buckets ListBuckets returns for account ${ACCOUNT}): `
    + 'Bedrock only writes to a bucket in the same account and Region, so no log is delivered'
    + ` | fix: point the logging configuration at a bucket of account ${ACCOUNT} in us-east-1 (deploying BedrockInvocationLoggingStack creates one);`
    + ` if this account once owned ${BUCKET}, it was deleted and its name is now another account's`);
  const rows = outcome.report!.regions[0].checks;
  expect(rows.filter((r) => /AccessDenied|could not check|GetBucketLocation/.test(`${r.detail} ${r.fix ?? ''}`))).toEqual([]);
  expect(rows.filter((r) => r.status === 'SKIP' && r.id !== 'nops-legacy-logs' && r.id.startsWith('nops')).map((r) => r.detail)).toEqual([
    'the bucket belongs to another account', 'the bucket belongs to another account', 'the bucket belongs to another account',
  ]);
  // Two reads decide it; nothing else is asked of the bucket.
  expect(fake.calls.filter((c) => c.service === 's3').map((c) => c.operation)).toEqual(['GetBucketLocation', 'ListBuckets']);
});

test('bucket of another account, ListBuckets refused: told by S3 answering without ExpectedBucketOwner, or reported as unknown', async () => {
  // GIVEN the caller may not list the account's buckets, and the other account's policy lets it read the bucket's location
  const readable = healthyAccount(NOW);
  readable.refuse = ['ListBuckets'];
  readable.buckets[BUCKET].owner = OTHER_ACCOUNT;
  readable.buckets[BUCKET].readableByCaller = true;
  const told = await verify(readable);
  expectRows(told, 'us-east-1', { ...S3_ONLY_SKIPS, ...BUCKET_UNREADABLE, 'bucket-location': 'FAIL' });
  expect(detail(told, 'bucket-location')).toContain(`belongs to another AWS account, not ${ACCOUNT} (S3 answers for it, but refuses it with ExpectedBucketOwner ${ACCOUNT})`);

  // GIVEN nothing of the bucket can be read: ownership is unknown, and the row says which two permissions would tell
  readable.buckets[BUCKET].readableByCaller = false;
  const unknown = await verify(readable);
  expect(detail(unknown, 'bucket-location')).toBe('could not check: AccessDenied: Access Denied; whether the bucket belongs to this account is unknown (ListBuckets was refused too)'
    + ` | fix: run verify with a principal allowed s3:GetBucketLocation on arn:aws:s3:::${BUCKET} and s3:ListAllMyBuckets, then rerun`);
  expect(unknown.exitCode).toBe(1);
});

test('own bucket whose location is refused: ListBuckets shows it is this account\'s, so the other checks still run', async () => {
  const account = healthyAccount(NOW);
  account.refuse = ['GetBucketLocation'];
  const outcome = await verify(account);
  expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'bucket-location': 'FAIL' });
  expect(detail(outcome, 'bucket-location')).toBe(`could not check: AccessDenied: Access Denied | fix: run verify with a principal allowed s3:GetBucketLocation on arn:aws:s3:::${BUCKET} (the bucket is this account's; a Deny in its policy may also refuse you), then rerun`);
});

test('bucket in another Region: FAIL', async () => {
  const elsewhere = healthyAccount(NOW);
  elsewhere.buckets[BUCKET].region = 'eu-west-1';
  const moved = await verify(elsewhere);
  expect(tableRows(moved)['us-east-1'][CHECK_TITLES['bucket-location']]).toBe('FAIL');
  expect(detail(moved, 'bucket-location')).toContain('is in eu-west-1');
});

test('--key-prefix asserts the prefix Bedrock writes under', async () => {
  const same = await verify(healthyAccount(NOW), { ...OPTIONS, keyPrefix: PREFIX });
  expect(same.exitCode).toBe(0);
  const other = await verify(healthyAccount(NOW), { ...OPTIONS, keyPrefix: 'nops' });
  expectRows(other, 'us-east-1', { ...S3_ONLY_SKIPS, 's3-destination': 'FAIL' });
  expect(detail(other, 's3-destination')).toContain('not under the expected prefix "nops"');
  expect(other.exitCode).toBe(1);
});

test('Bedrock writes: only the permission check WARNs, old logs WARN, nothing FAILs', async () => {
  const account = healthyAccount(NOW);
  const bucket = account.buckets[BUCKET];
  const all = bucket.objects;
  bucket.objects = all.filter((o) => o.key.endsWith(PERMISSION_CHECK));
  const checkOnly = await verify(account);
  expectRows(checkOnly, 'us-east-1', { ...S3_ONLY_SKIPS, 'bedrock-writes': 'WARN' });
  expect(detail(checkOnly, 'bedrock-writes')).toContain('no invocation has been logged in us-east-1 yet');
  expect(checkOnly.exitCode).toBe(0);

  bucket.objects = all.filter((o) => o.key.includes('/2024/'));
  const stale = await verify(account);
  expect(detail(stale, 'bedrock-writes')).toMatch(/^no new log for more than 7 days; last log 2025-01-01T00:00:00.000Z \(\d+ days ago\)/);
  expect(tableRows(stale)['us-east-1'][CHECK_TITLES['bedrock-writes']]).toBe('WARN');

  bucket.objects = [];
  const none = await verify(account);
  expect(tableRows(none)['us-east-1'][CHECK_TITLES['bedrock-writes']]).toBe('FAIL');
  expect(none.exitCode).toBe(1);
});

test('no key prefix and no data type: WARN each; the outside-prefix check does not apply', async () => {
  const account = healthyAccount(NOW);
  account.logging['us-east-1'] = { s3Config: { bucketName: BUCKET } };
  const bucket = account.buckets[BUCKET];
  const write = bucketPolicyOf(account).Statement.find((s) => s.Sid === 'AmazonBedrockLogsWrite');
  write.Resource = write.Resource.replace(`${BUCKET}/${PREFIX}/`, `${BUCKET}/`);
  bucket.objects = bucket.objects.map((o) => ({ ...o, key: o.key.replace(`${PREFIX}/`, '') }));
  account.simulate = ({ action, resource, context }) => ({
    decision: (action === 's3:GetObject' && resource.startsWith(`arn:aws:s3:::${BUCKET}/`)) || (action === 's3:ListBucket' && !context['s3:prefix']) || action === 'kms:Decrypt' ? 'allowed' : 'implicitDeny',
  });
  const outcome = await verify(account);
  expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 's3-destination': 'WARN', 'data-types': 'WARN', 'nops-outside-prefix': 'SKIP' });
  expect(detail(outcome, 's3-destination')).toContain(`s3://${BUCKET}/ with no key prefix`);
  expect(outcome.exitCode).toBe(0);
});

test('without --nops-role-name the nOps checks are skipped', async () => {
  const outcome = await verify(healthyAccount(NOW), { regions: ['us-east-1'] });
  expectRows(outcome, 'us-east-1', {
    ...S3_ONLY_SKIPS, 'nops-role': 'SKIP', 'nops-read-prefix': 'SKIP', 'nops-outside-prefix': 'SKIP', 'nops-kms-decrypt': 'SKIP',
  });
  expect(outcome.exitCode).toBe(0);
  // IAM only for the roles on the library's IAM path (the global check).
  expect(fake.calls.filter((c) => c.service === 'iam').map((c) => [c.operation, c.input?.PathPrefix])).toEqual([['ListRoles', '/cdk-bedrock-invocation-logging/']]);
});

test('refused credentials and bad options: exit 2 with a one-line message', async () => {
  const account = healthyAccount(NOW);
  account.stsError = { status: 403, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
  const refused = await verify(account);
  expect(refused).toEqual({ exitCode: 2, error: expect.stringMatching(/^the AWS credentials were refused \(InvalidClientTokenId: The security token/) });
  expect(JSON.parse(formatJson(refused))).toEqual({ exitCode: 2, error: refused.error });

  expect(await verify(healthyAccount(NOW), { regions: ['us-east-1', 'not a region'] })).toEqual({ exitCode: 2, error: expect.stringContaining('"not a region" is not a Region code') });
  expect(await verify(healthyAccount(NOW), { regions: [] })).toEqual({ exitCode: 2, error: expect.stringContaining('--regions is required') });
});

test('JSON output carries every row, the counts and the exit code', async () => {
  const account = healthyAccount(NOW);
  account.buckets[BUCKET].versioning = undefined;
  const outcome = await verify(account);
  const parsed = JSON.parse(formatJson(outcome));
  expect(parsed).toMatchObject({ exitCode: 1, ok: false, account: ACCOUNT, partition: 'aws', counts: { FAIL: 1 } });
  expect(parsed.regions[0].checks).toHaveLength(CHECK_IDS.length);
  expect(parsed.regions[0].checks.find((c: { id: string }) => c.id === 'versioning')).toEqual({
    id: 'versioning', title: CHECK_TITLES.versioning, status: 'FAIL',
    detail: 'versioning was never enabled: overwritten or deleted logs cannot be recovered',
    fix: `aws s3api put-bucket-versioning --bucket ${BUCKET} --versioning-configuration Status=Enabled`,
  });
});

test('the command line: progress only on a terminal stderr, colors only on a terminal stdout', async () => {
  fake.reset(healthyAccount(NOW));
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['verify', '--regions', 'us-east-1'], {
    stdout: { write: (t: string) => out.push(t), isTTY: false },
    stderr: { write: (t: string) => err.push(t), isTTY: true },
    env: {},
  });
  expect(code).toBe(0);
  expect(out.join('')).toMatch(/^Account 111122223333 /);
  expect(out.join('')).not.toContain('\x1b[');
  expect(err.join('')).toContain('verifying 0/1 Regions: us-east-1');
  expect(err.join('')).toMatch(/\r\x1b\[K$/);

  const colored: string[] = [];
  const quiet: string[] = [];
  await main(['verify', '--regions', 'us-east-1', '--json'], {
    stdout: { write: (t: string) => colored.push(t), isTTY: true },
    stderr: { write: (t: string) => quiet.push(t), isTTY: false },
    env: {},
  });
  expect(JSON.parse(colored.join('')).exitCode).toBe(0);
  expect(quiet).toEqual([]);
  const table: string[] = [];
  await main(['verify', '--regions', 'us-east-1'], { stdout: { write: (t: string) => table.push(t), isTTY: true }, stderr: { write: () => true }, env: {} });
  expect(table.join('')).toContain('\x1b[32mPASS\x1b[39m');
});

test('the command line: --csv for one account: a header and a line per Region with its worst status and S3 Data Prefix', async () => {
  const account = healthyAccount(NOW);
  account.logging['eu-west-1'] = undefined;
  fake.reset(account);
  const out: string[] = [];
  const code = await main(['verify', '--regions', 'us-east-1,eu-west-1', '--csv'], { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true }, env: {} }, { now: () => NOW });
  expect(code).toBe(1);
  expect(out.join('').split('\r\n')).toEqual([
    'account,name,region,status,access,s3_data_prefix,last_log,problem,fix',
    `${ACCOUNT},,us-east-1,PASS,caller,s3://${BUCKET}/${PREFIX}/,2026-03-10T10:32:00.000Z,,`,
    `${ACCOUNT},,eu-west-1,FAIL,caller,,,Model invocation logging enabled: model invocation logging is off in eu-west-1,"deploy BedrockInvocationLoggingStack to eu-west-1 (or the StackSet), or turn it on in the Bedrock console: Settings > Model invocation logging"`,
    // The account's global checks: the library's roles, each held by the stack in us-east-1.
    `${ACCOUNT},,global,PASS,caller,,,,`,
    '',
  ]);
});
