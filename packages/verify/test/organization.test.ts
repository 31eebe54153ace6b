/**
 * verify's organization mode, end to end through the command line (`main()` in process, with the
 * real AWS SDK over HTTP) against the fake: STS AssumeRole into each account, Organizations and
 * CloudFormation listings, and an organization of a healthy account (the library's stack in two
 * Regions), one with logging off, one whose role cannot be assumed and a suspended one. Every test
 * checks the printed table, JSON or CSV and the exit code; counts come from the fake's records.
 */
import { STSClient, AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { ROLE_SESSION_NAME } from '../src/assume';
import { main } from '../src/cli';
import { guardReadOnly, READ_ONLY_OPERATION } from '../src/clients';
import { CSV_COLUMNS } from '../src/organization-report';
import { CHECK_IDS, CheckId, CheckStatus } from '../src/types';
import { FakeAccount, NOPS_ROLE } from './fake-aws';
import { fake, NOW, S3_ONLY_SKIPS, useFakeAccount } from './harness';
import {
  deployedAccount, emptyAccount, HEALTHY, LOGGING_OFF, management, MANAGEMENT, members, ORGANIZATION, REGIONS, ROLE, ROOT, STACK_SET, STACK_SETS,
  SUSPENDED, TEAM_OU, UNREACHABLE, withRole,
} from './organization-world';

useFakeAccount();

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line in process with the injected clock; `tty` makes stderr a terminal. */
async function run(argv: string[], options: { tty?: boolean; onProgress?: (p: { done: number; total: number; running: string[] }) => void } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    stdout: { write: (t: string) => out.push(t), isTTY: false },
    stderr: { write: (t: string) => err.push(t), isTTY: options.tty ?? false },
    env: {},
  }, { now: () => NOW, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The organization of organization-world.ts, the management account calling. */
function resetOrganization(caller: FakeAccount = management(), accounts: FakeAccount[] = members(NOW)): void {
  fake.reset(caller, { accounts, organization: ORGANIZATION, stackSets: STACK_SETS });
}

const LIST = ['--accounts', `${HEALTHY},${LOGGING_OFF},${UNREACHABLE}`, '--regions', REGIONS.join(','), '--assume-role-name', ROLE, '--nops-role-name', NOPS_ROLE];

/** The S3 Data Prefix the healthy account's logging configuration names in `region`. */
function prefixOf(region: string): string {
  const config = fake.accounts.get(HEALTHY)!.logging[region] as { s3Config: { bucketName: string; keyPrefix: string } };
  return `s3://${config.s3Config.bucketName}/${config.s3Config.keyPrefix}/`;
}

/** The table's rows: account, [name,] Region, status, last column. */
function tableRows(stdout: string): string[][] {
  return stdout.split('\n')
    .map((line) => /^(\d{12}) {2}(.+?) {2,}(PASS|FAIL|WARN|SKIP)(?: {2,}(.*))?$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], ...m[2].trim().split(/ {2,}/), m[3], m[4] ?? '']);
}

/** RFC 4180 fields of a CSV text. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') { quoted = false; } else { field += c; }
    } else if (c === '"') { quoted = true; } else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; i++;
    } else { field += c; }
  }
  return rows;
}

const LAST_LOG = '2026-03-10T10:32:00.000Z';

const ALL_PASS = (ids: readonly CheckId[] = CHECK_IDS): Record<string, CheckStatus> => Object.fromEntries(ids.map((id) => [id, S3_ONLY_SKIPS[id] ?? 'PASS']));

test('--accounts: healthy PASS with its S3 Data Prefix per Region, logging off FAIL, unreachable one FAIL row with the fix; exit 1', async () => {
  // GIVEN three accounts, the third without the role to assume
  resetOrganization();
  // WHEN
  const result = await run(LIST);
  // THEN one row per account and Region, the unreachable account as one row
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
  expect(tableRows(result.stdout)).toEqual([
    [HEALTHY, 'us-east-1', 'PASS', prefixOf('us-east-1')],
    [HEALTHY, 'eu-west-1', 'PASS', prefixOf('eu-west-1')],
    // The account's global checks: its library roles all held by its stacks, the tamper guard attached above it.
    [HEALTHY, 'global', 'PASS', ''],
    [LOGGING_OFF, 'us-east-1', 'FAIL', 'Model invocation logging enabled: model invocation logging is off in us-east-1'],
    [LOGGING_OFF, 'eu-west-1', 'FAIL', 'Model invocation logging enabled: model invocation logging is off in eu-west-1'],
    [LOGGING_OFF, 'global', 'PASS', ''],
    // Clipped to 120 characters in the table (JSON and CSV carry it whole).
    [UNREACHABLE, 'all 2', 'FAIL', `could not assume arn:aws:iam::${UNREACHABLE}:role/${ROLE}: AccessDenied: User: arn:aws:sts::99998...`],
  ]);
  expect(result.stdout).toMatch(new RegExp(`^ +fix: create role ${ROLE} in account ${UNREACHABLE}, trusting the role behind arn:aws:sts::${MANAGEMENT}:assumed-role/OrgAdmin/admin@example.com`, 'm'));
  expect(result.stdout).toMatch(/\nFAIL: 4 of 6 account-Regions failed; 1 account could not be read\n2 account-Regions with logs: one nOps integration each \(--json or --csv lists the S3 Data Prefixes\)\n$/);

  // One AssumeRole per account (two Regions each), as verify's session, from the management account.
  expect(fake.assumeRoles).toEqual([HEALTHY, LOGGING_OFF, UNREACHABLE].map((account) => ({
    callerAccount: MANAGEMENT, roleArn: `arn:aws:iam::${account}:role/${ROLE}`, sessionName: ROLE_SESSION_NAME, granted: account !== UNREACHABLE,
  })));
  // Each account was read with its own session's credentials (the fake routes by access key), in both Regions.
  const bedrock = fake.calls.filter((c) => c.service === 'bedrock').map((c) => `${c.account} ${c.region}`).sort();
  expect(bedrock).toEqual([`${HEALTHY} eu-west-1`, `${HEALTHY} us-east-1`, `${LOGGING_OFF} eu-west-1`, `${LOGGING_OFF} us-east-1`]);
  // As the caller: AssumeRole into each account, and Organizations for the SCPs above the two read.
  expect(fake.calls.filter((c) => c.account === MANAGEMENT && c.service !== 'organizations').map((c) => `${c.service}:${c.operation}`).sort()).toEqual([
    'sts:AssumeRole', 'sts:AssumeRole', 'sts:AssumeRole', 'sts:GetCallerIdentity',
  ]);
  expect(new Set(fake.calls.filter((c) => c.service === 'organizations').map((c) => `${c.account} ${c.operation}`))).toEqual(new Set([
    `${MANAGEMENT} ListParents`, `${MANAGEMENT} ListPoliciesForTarget`, `${MANAGEMENT} DescribeOrganization`,
  ]));
}, 60_000);

test('--json: every account and Region with its checks, the access used, and the S3 Data Prefixes for nOps', async () => {
  resetOrganization();
  const result = await run([...LIST, '--json']);
  expect(result.code).toBe(1);
  const json = JSON.parse(result.stdout);
  expect(json).toMatchObject({
    exitCode: 1, mode: 'organization', ok: false, callerAccount: MANAGEMENT, partition: 'aws', unreachable: 1,
    counts: { PASS: 2, FAIL: 4, WARN: 0, SKIP: 0 },
  });
  const [healthy, off, unreachable] = json.accounts;
  expect(healthy).toMatchObject({
    account: HEALTHY, access: 'assumed-role', status: 'PASS', requestedRegions: REGIONS,
    roleArn: `arn:aws:iam::${HEALTHY}:role/${ROLE}`, sessionArn: `arn:aws:sts::${HEALTHY}:assumed-role/${ROLE}/${ROLE_SESSION_NAME}`,
  });
  // The same checks as for one account, nOps's read included, in each Region.
  for (const region of healthy.regions) {
    expect(Object.fromEntries(region.checks.map((c: { id: string; status: string }) => [c.id, c.status]))).toEqual(ALL_PASS());
    expect(region.s3DataPrefix).toBe(prefixOf(region.region));
  }
  expect(off).toMatchObject({ account: LOGGING_OFF, access: 'assumed-role', status: 'FAIL' });
  expect(off.regions.map((r: { status: string; checks: Array<{ id: string; status: string }> }) => [r.status, r.checks.find((c) => c.id === 'logging-enabled')!.status]))
    .toEqual([['FAIL', 'FAIL'], ['FAIL', 'FAIL']]);
  expect(unreachable).toEqual({
    account: UNREACHABLE, access: 'unreachable', roleArn: `arn:aws:iam::${UNREACHABLE}:role/${ROLE}`, status: 'FAIL', requestedRegions: REGIONS, regions: [],
    error: expect.stringContaining('AccessDenied'), fix: expect.stringContaining(`create role ${ROLE} in account ${UNREACHABLE}`),
  });
  // Logs were written two hours before the injected clock (fake-aws.ts accountFrom).
  expect(json.s3DataPrefixes).toEqual(REGIONS.map((region) => ({ account: HEALTHY, region, status: 'PASS', s3DataPrefix: prefixOf(region), lastLog: LAST_LOG })));
}, 60_000);

test('--csv: a header and one line per account and requested Region, fields quoted as RFC 4180 asks', async () => {
  resetOrganization();
  const result = await run([...LIST, '--csv']);
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/^account,name,region,status,access,s3_data_prefix,last_log,problem,fix\r\n/);
  expect(result.stdout.endsWith('\r\n')).toBe(true);
  const [header, ...rows] = parseCsv(result.stdout);
  expect(header).toEqual([...CSV_COLUMNS]);
  expect(rows.map((r) => r.slice(0, 7))).toEqual([
    [HEALTHY, '', 'us-east-1', 'PASS', 'assumed-role', prefixOf('us-east-1'), LAST_LOG],
    [HEALTHY, '', 'eu-west-1', 'PASS', 'assumed-role', prefixOf('eu-west-1'), LAST_LOG],
    [HEALTHY, '', 'global', 'PASS', 'assumed-role', '', ''],
    [LOGGING_OFF, '', 'us-east-1', 'FAIL', 'assumed-role', '', ''],
    [LOGGING_OFF, '', 'eu-west-1', 'FAIL', 'assumed-role', '', ''],
    [LOGGING_OFF, '', 'global', 'PASS', 'assumed-role', '', ''],
    [UNREACHABLE, '', 'us-east-1', 'FAIL', 'unreachable', '', ''],
    [UNREACHABLE, '', 'eu-west-1', 'FAIL', 'unreachable', '', ''],
  ]);
  // Problems and fixes hold commas and quotes: they read back whole.
  const json = JSON.parse((await run([...LIST, '--json'])).stdout);
  expect(rows[6].slice(7)).toEqual([json.accounts[2].error, json.accounts[2].fix]);
  expect(rows[6][8]).toContain('(docs/verify.md: "Verifying an organization")');
  expect(rows[3][7]).toBe('Model invocation logging enabled: model invocation logging is off in us-east-1');
}, 60_000);

test('one --nops-role-name pattern finds each account\'s own nOps role, whatever its suffix', async () => {
  // GIVEN two accounts onboarded in nOps with different role names
  const other = 'Nops-Integration-zz9';
  resetOrganization(management(), [withRole(deployedAccount(HEALTHY, REGIONS, NOW)), withRole(deployedAccount(LOGGING_OFF, REGIONS, NOW, other))]);
  // WHEN one pattern is given
  const result = await run(['--accounts', `${HEALTHY},${LOGGING_OFF}`, '--regions', REGIONS.join(','), '--assume-role-name', ROLE, '--nops-role-name', 'Nops-Integration-*', '--json']);
  // THEN every account and Region passes every check, nOps's read included, against that account's role
  expect(result.code).toBe(0);
  const json = JSON.parse(result.stdout);
  const roles = json.accounts.flatMap((a: any) => a.regions.map((r: any) => {
    expect(Object.fromEntries(r.checks.map((c: { id: string; status: string }) => [c.id, c.status]))).toEqual(ALL_PASS());
    return [a.account, r.region, r.checks.find((c: { id: string }) => c.id === 'nops-role').detail];
  }));
  expect(roles).toEqual([HEALTHY, LOGGING_OFF].flatMap((account) => REGIONS.map((region) => [
    account, region, `arn:aws:iam::${account}:role/${account === HEALTHY ? NOPS_ROLE : other} (the one role that matches Nops-Integration-*)`,
  ])));
}, 60_000);

test('a Region where Bedrock has not logged yet: WARN with its S3 Data Prefix, not counted among the prefixes with logs; exit 0', async () => {
  // GIVEN the healthy account's eu-west-1 bucket holds only Bedrock's permission-check object
  const accounts = members(NOW);
  const healthy = accounts.find((a) => a.account === HEALTHY)!;
  const bucket = healthy.buckets[(healthy.logging['eu-west-1'] as { s3Config: { bucketName: string } }).s3Config.bucketName];
  bucket.objects = bucket.objects.filter((o) => o.key.endsWith('amazon-bedrock-logs-permission-check'));
  resetOrganization(management(), accounts);
  // WHEN
  const result = await run(['--accounts', HEALTHY, '--regions', REGIONS.join(','), '--assume-role-name', ROLE]);
  // THEN
  expect(result.code).toBe(0);
  expect(tableRows(result.stdout)).toEqual([
    [HEALTHY, 'us-east-1', 'PASS', prefixOf('us-east-1')],
    [HEALTHY, 'eu-west-1', 'WARN', `${prefixOf('eu-west-1')}  (WARN Bedrock has written logs)`],
    [HEALTHY, 'global', 'PASS', ''],
  ]);
  expect(result.stdout).toMatch(/\nPASS: nothing failed in 2 account-Regions \(1 warning\)\n1 account-Region with logs: one nOps integration each/);
  resetOrganization(management(), accounts);
  const json = JSON.parse((await run(['--accounts', HEALTHY, '--regions', REGIONS.join(','), '--assume-role-name', ROLE, '--json'])).stdout);
  expect(json.s3DataPrefixes).toEqual([
    { account: HEALTHY, region: 'us-east-1', status: 'PASS', s3DataPrefix: prefixOf('us-east-1'), lastLog: LAST_LOG },
    { account: HEALTHY, region: 'eu-west-1', status: 'WARN', s3DataPrefix: prefixOf('eu-west-1') },
  ]);
}, 60_000);

test('--organizational-unit r-...: every OU below, page by page; the caller\'s own account read as the caller; a suspended account skipped', async () => {
  // GIVEN the root: management; Workloads: healthy, Team (logging off, unreachable); Sandbox: suspended
  resetOrganization();
  // WHEN
  const result = await run(['--organizational-unit', ROOT, '--regions', REGIONS.join(','), '--assume-role-name', ROLE]);
  // THEN
  expect(result.code).toBe(1);
  expect(tableRows(result.stdout)).toEqual([
    [MANAGEMENT, 'management', 'us-east-1', 'FAIL', expect.stringContaining('logging is off')],
    [MANAGEMENT, 'management', 'eu-west-1', 'FAIL', expect.stringContaining('logging is off')],
    // No SCP restricts the management account.
    [MANAGEMENT, 'management', 'global', 'WARN', expect.stringContaining(`Tamper guard SCP attached: account ${MANAGEMENT} is the organization's management account`)],
    [HEALTHY, 'prod', 'us-east-1', 'PASS', prefixOf('us-east-1')],
    [HEALTHY, 'prod', 'eu-west-1', 'PASS', prefixOf('eu-west-1')],
    [HEALTHY, 'prod', 'global', 'PASS', ''],
    [LOGGING_OFF, 'team-dev', 'us-east-1', 'FAIL', expect.stringContaining('logging is off')],
    [LOGGING_OFF, 'team-dev', 'eu-west-1', 'FAIL', expect.stringContaining('logging is off')],
    [LOGGING_OFF, 'team-dev', 'global', 'PASS', ''],
    [UNREACHABLE, 'team-legacy', 'all 2', 'FAIL', expect.stringContaining('could not assume')],
    [SUSPENDED, 'old-sandbox', 'all 2', 'SKIP', 'the account is SUSPENDED: not read'],
  ]);
  expect(result.stdout).toMatch(/\nFAIL: 6 of 10 account-Regions failed; 1 account could not be read, 1 account not active \(skipped\), global warnings in 1 account\n2 account-Regions with logs/);
  // One item a page: root (1 account, 2 OUs), Workloads (1, 1), Team (2, 0), Sandbox (1, 0).
  const organizations = fake.calls.filter((c) => c.service === 'organizations');
  expect(organizations.filter((c) => c.operation === 'ListAccountsForParent')).toHaveLength(1 + 1 + 2 + 1);
  expect(organizations.filter((c) => c.operation === 'ListChildren')).toHaveLength(2 + 1 + 1 + 1);
  expect(organizations.every((c) => c.account === MANAGEMENT)).toBe(true);
  // No AssumeRole into the management account (its own credentials) nor the suspended one.
  expect(fake.assumeRoles.map((r) => r.roleArn)).toEqual([HEALTHY, LOGGING_OFF, UNREACHABLE].map((a) => `arn:aws:iam::${a}:role/${ROLE}`));
  expect(fake.calls.filter((c) => c.service === 'bedrock' && c.account === MANAGEMENT).map((c) => c.region).sort()).toEqual(['eu-west-1', 'us-east-1']);

  // An OU alone: only what is under it.
  resetOrganization();
  const team = JSON.parse((await run(['--organizational-unit', TEAM_OU, '--regions', 'us-east-1', '--assume-role-name', ROLE, '--json'])).stdout);
  expect(team.accounts.map((a: { account: string; name: string; access: string }) => [a.account, a.name, a.access])).toEqual([
    [LOGGING_OFF, 'team-dev', 'assumed-role'], [UNREACHABLE, 'team-legacy', 'unreachable'],
  ]);
}, 60_000);

test('--stack-set: its accounts in their stack instance Regions, listed in the home Region; --regions overrides; CallAs for a delegated administrator', async () => {
  resetOrganization();
  const instances = JSON.parse((await run(['--stack-set', STACK_SET, '--stack-set-region', 'us-east-1', '--assume-role-name', ROLE, '--json'])).stdout);
  expect(instances.exitCode).toBe(1);
  expect(instances.accounts.map((a: { account: string; requestedRegions: string[]; regions: Array<{ region: string }> }) => [a.account, a.requestedRegions, a.regions.map((r) => r.region)])).toEqual([
    [HEALTHY, ['us-east-1', 'eu-west-1'], ['us-east-1', 'eu-west-1']],
    [LOGGING_OFF, ['us-east-1', 'eu-west-1'], ['us-east-1', 'eu-west-1']],
    [UNREACHABLE, ['eu-west-1'], []],
  ]);
  // Five instances, one a page, all asked in the home Region.
  expect(fake.calls.filter((c) => c.operation === 'ListStackInstances').map((c) => c.region)).toEqual(Array(5).fill('us-east-1'));

  resetOrganization();
  const east = JSON.parse((await run(['--stack-set', STACK_SET, '--regions', 'us-east-1', '--assume-role-name', ROLE, '--json'])).stdout);
  expect(east.accounts.map((a: { requestedRegions: string[] }) => a.requestedRegions)).toEqual([['us-east-1'], ['us-east-1'], ['us-east-1']]);

  // GIVEN a delegated administrator calling: the StackSet is found only with CallAs DELEGATED_ADMIN
  const admin = { ...emptyAccount('888877776666'), callerArn: 'arn:aws:sts::888877776666:assumed-role/StackSetAdmin/s' };
  fake.reset(admin, { accounts: members(NOW), stackSets: { [STACK_SET]: { ...STACK_SETS[STACK_SET], callers: { '888877776666': 'DELEGATED_ADMIN' } } } });
  const asSelf = await run(['--stack-set', STACK_SET, '--regions', 'us-east-1', '--assume-role-name', ROLE]);
  expect(asSelf).toEqual({
    code: 2, stdout: '',
    stderr: `error: --stack-set ${STACK_SET}: not found in us-east-1 as SELF (StackSetNotFoundException): give its home Region with --stack-set-region (looked in us-east-1); from a delegated administrator account add --call-as DELEGATED_ADMIN\n`,
  });
  expect(fake.assumeRoles).toEqual([]);
  const asAdmin = await run(['--stack-set', STACK_SET, '--regions', 'us-east-1', '--assume-role-name', ROLE, '--call-as', 'DELEGATED_ADMIN']);
  expect(asAdmin.code).toBe(1);
  // (This administrator's fake account is in no organization: the SCPs above the accounts cannot be read, a WARN.)
  expect(tableRows(asAdmin.stdout).map((r) => r.slice(0, 3))).toEqual([
    [HEALTHY, 'us-east-1', 'PASS'], [HEALTHY, 'global', 'WARN'], [LOGGING_OFF, 'us-east-1', 'FAIL'], [LOGGING_OFF, 'global', 'WARN'], [UNREACHABLE, 'all 1', 'FAIL'],
  ]);

  // GIVEN the wrong home Region
  resetOrganization();
  const elsewhere = await run(['--stack-set', STACK_SET, '--stack-set-region', 'eu-west-1', '--assume-role-name', ROLE, '--json']);
  expect(elsewhere.code).toBe(2);
  expect(elsewhere.stderr).toMatch(/^error: --stack-set BedrockInvocationLogging: not found in eu-west-1 as SELF \(StackSetNotFoundException\): check that eu-west-1 is its home Region;.*\n$/);
  expect(JSON.parse(elsewhere.stdout)).toEqual({ exitCode: 2, error: expect.stringContaining('StackSetNotFoundException') });
}, 60_000);

test('--assume-role-path and --external-id reach AssumeRole; without the external id the trust policy asks for, the account is unreachable', async () => {
  // GIVEN the logging-off account's role sits on /audit/ and its trust requires an external id
  const accounts = members(NOW).map((a) => (a.account === LOGGING_OFF ? withRole(emptyAccount(LOGGING_OFF), 'BedrockLoggingVerify', '/audit/', 'ext-1234') : a));
  const argv = ['--accounts', LOGGING_OFF, '--regions', 'us-east-1', '--assume-role-name', 'BedrockLoggingVerify', '--assume-role-path', '/audit/'];
  resetOrganization(management(), accounts);
  const without = await run(argv);
  expect(tableRows(without.stdout)).toEqual([[LOGGING_OFF, 'all 1', 'FAIL', expect.stringContaining(`could not assume arn:aws:iam::${LOGGING_OFF}:role/audit/BedrockLoggingVerify: AccessDenied`)]]);
  expect(without.stdout).toContain('if the trust policy requires an external id, pass --external-id');

  resetOrganization(management(), accounts);
  const withId = await run([...argv, '--external-id', 'ext-1234']);
  expect(tableRows(withId.stdout)).toEqual([[LOGGING_OFF, 'us-east-1', 'FAIL', expect.stringContaining('logging is off')], [LOGGING_OFF, 'global', 'PASS', '']]);
  expect(fake.assumeRoles).toEqual([{ callerAccount: MANAGEMENT, roleArn: `arn:aws:iam::${LOGGING_OFF}:role/audit/BedrockLoggingVerify`, sessionName: ROLE_SESSION_NAME, externalId: 'ext-1234', granted: true }]);
}, 60_000);

test('--concurrency bounds the account-Regions in flight (counted, not timed); the progress line only on a terminal', async () => {
  const most = async (extra: string[]): Promise<{ max: number; last: { done: number; total: number } }> => {
    resetOrganization();
    let max = 0;
    let last = { done: 0, total: 0 };
    await run([...LIST, ...extra], { onProgress: (p) => { max = Math.max(max, p.running.length); last = p; } });
    return { max, last };
  };
  expect(await most(['--concurrency', '1'])).toEqual({ max: 1, last: { done: 6, total: 6, running: [] } });
  expect((await most(['--concurrency', '3'])).max).toBe(3);
  // Default 8: all six at once.
  expect((await most([])).max).toBe(6);

  resetOrganization();
  const tty = await run(LIST, { tty: true });
  expect(tty.stderr).toContain('verifying 0/6 account-Regions');
  expect(tty.stderr).toMatch(new RegExp(`verifying 0/6 account-Regions: ${HEALTHY} us-east-1, ${HEALTHY} eu-west-1, ${LOGGING_OFF} us-east-1 and 3 more`));
  expect(tty.stderr).toMatch(/\r\x1b\[K$/);
  resetOrganization();
  expect((await run(LIST)).stderr).toBe('');
}, 60_000);

test('listing refused, unknown OU, refused caller credentials: exit 2 with one line, no AssumeRole', async () => {
  // GIVEN a caller that is neither the management account nor a delegated administrator
  fake.reset({ ...emptyAccount(HEALTHY), callerArn: `arn:aws:sts::${HEALTHY}:assumed-role/Dev/s` }, { accounts: members(NOW), organization: ORGANIZATION });
  const refused = await run(['--organizational-unit', ROOT, '--regions', 'us-east-1', '--assume-role-name', ROLE]);
  expect(refused).toEqual({
    code: 2, stdout: '',
    stderr: `error: could not list the accounts under ${ROOT} (AccessDeniedException: You don't have permissions to access this resource.): run verify from the management account or a delegated administrator, as a principal allowed organizations:ListAccountsForParent and organizations:ListChildren\n`,
  });

  resetOrganization();
  const unknown = await run(['--organizational-unit', 'ou-ab12-missing1', '--regions', 'us-east-1', '--assume-role-name', ROLE, '--json']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toBe('error: --organizational-unit ou-ab12-missing1: no such OU or root in this organization (ParentNotFoundException): check the id with aws organizations list-roots and list-organizational-units-for-parent\n');
  expect(JSON.parse(unknown.stdout)).toEqual({ exitCode: 2, error: expect.stringContaining('ParentNotFoundException') });

  const expired = management();
  expired.stsError = { status: 403, code: 'ExpiredToken', message: 'The security token included in the request is expired' };
  resetOrganization(expired);
  const credentials = await run(LIST);
  expect(credentials).toEqual({ code: 2, stdout: '', stderr: 'error: the AWS credentials were refused (ExpiredToken: The security token included in the request is expired): refresh them (for example "aws sso login") and rerun\n' });
  expect(fake.assumeRoles).toEqual([]);
}, 60_000);

test('only read-only calls: AssumeRole is the one STS call beside GetCallerIdentity; the guard refuses its relatives before sending', async () => {
  resetOrganization();
  await run(['--organizational-unit', ROOT, '--regions', REGIONS.join(','), '--assume-role-name', ROLE, '--nops-role-name', NOPS_ROLE]);
  const operations = [...new Set(fake.calls.map((c) => `${c.service}:${c.operation}`))].sort();
  expect(operations.filter((o) => !READ_ONLY_OPERATION.test(o.split(':')[1]))).toEqual([]);
  expect(operations.filter((o) => /^(sts|organizations|cloudformation):/.test(o))).toEqual([
    'cloudformation:DescribeStackResources', 'organizations:DescribeOrganization', 'organizations:ListAccountsForParent',
    'organizations:ListChildren', 'organizations:ListParents', 'organizations:ListPoliciesForTarget', 'sts:AssumeRole', 'sts:GetCallerIdentity',
  ]);
  for (const call of fake.calls.filter((c) => c.service === 's3' || c.service === 'bedrock')) {
    expect(['GET', 'HEAD']).toContain(call.method);
  }

  fake.reset(management());
  const sts = guardReadOnly(new STSClient({ region: 'us-east-1' }));
  await expect(sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${HEALTHY}:role/${ROLE}`, RoleSessionName: 's', WebIdentityToken: 't' })))
    .rejects.toThrow('verify refused to call AssumeRoleWithWebIdentity: it only reads');
  sts.destroy();
  expect(fake.calls).toEqual([]);
});
