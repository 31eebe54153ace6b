/**
 * The organization mode's global check "Tamper guard SCP attached" (src/checks/tamper-guard.ts,
 * src/scp-lookup.ts), through the command line and the real AWS SDK against the fake organization:
 * Organizations ListParents, ListPoliciesForTarget (one item a page), DescribePolicy and
 * DescribeOrganization as the caller. The guard's document is the one the library generates.
 */
import { TAMPER_GUARD_POLICY_NAME } from '../../../lib/guard/facts';
import { main } from '../src/cli';
import { CHECK_TITLES } from '../src/types';
import { FakeOrganization } from './fake-aws';
import { fake, NOW, useFakeAccount } from './harness';
import {
  FULL_ACCESS, GUARD, HEALTHY, LOGGING_OFF, management, MANAGEMENT, members, REGIONS, ROLE, ROOT, SUSPENDED, TEAM_OU, UNREACHABLE, withGuard, WORKLOADS_OU,
} from './organization-world';

useFakeAccount();

const TITLE = CHECK_TITLES['tamper-guard-attached'];

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: {} }, { now: () => NOW });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The healthy and the logging-off members (Workloads, and Team under it), read in us-east-1, as JSON. */
const TWO = ['--accounts', `${HEALTHY},${LOGGING_OFF}`, '--regions', 'us-east-1', '--assume-role-name', ROLE, '--json'];

/** Each account's guard row: status and detail (fix when not PASS). */
async function guardRows(organization: FakeOrganization, argv: string[] = TWO): Promise<Record<string, { status: string; detail: string; fix?: string }>> {
  fake.reset(management(), { accounts: members(NOW), organization });
  const json = JSON.parse((await run(argv)).stdout);
  return Object.fromEntries(json.accounts.filter((a: any) => a.global).map((a: any) => {
    const { status, detail, fix } = a.global.checks.find((c: { id: string }) => c.id === 'tamper-guard-attached');
    return [a.account, { status, detail, ...(fix ? { fix } : {}) }];
  }));
}

const NAMED = `${TAMPER_GUARD_POLICY_NAME} (${GUARD})`;

test('the guard attached to the root, to a parent OU, to the account: PASS naming where; the OUs between listed', async () => {
  expect(await guardRows(withGuard([ROOT]))).toEqual({
    [HEALTHY]: { status: 'PASS', detail: `${NAMED} attached to the root ${ROOT}, above account ${HEALTHY} (its parents: ${WORKLOADS_OU}, ${ROOT})` },
    [LOGGING_OFF]: { status: 'PASS', detail: `${NAMED} attached to the root ${ROOT}, above account ${LOGGING_OFF} (its parents: ${TEAM_OU}, ${WORKLOADS_OU}, ${ROOT})` },
  });
  // Workloads holds the healthy account and, through Team, the logging-off one.
  expect(await guardRows(withGuard([WORKLOADS_OU]))).toEqual({
    [HEALTHY]: { status: 'PASS', detail: `${NAMED} attached to OU ${WORKLOADS_OU}, above account ${HEALTHY} (its parents: ${WORKLOADS_OU}, ${ROOT})` },
    [LOGGING_OFF]: { status: 'PASS', detail: `${NAMED} attached to OU ${WORKLOADS_OU}, above account ${LOGGING_OFF} (its parents: ${TEAM_OU}, ${WORKLOADS_OU}, ${ROOT})` },
  });
  const onAccount = await guardRows(withGuard([LOGGING_OFF]));
  expect(onAccount[LOGGING_OFF]).toEqual({ status: 'PASS', detail: `${NAMED} attached to the account itself, above account ${LOGGING_OFF} (its parents: ${TEAM_OU}, ${WORKLOADS_OU}, ${ROOT})` });
  // Attached to another account only: not this one's.
  expect(onAccount[HEALTHY].status).toBe('WARN');
}, 60_000);

test('not attached: WARN with the fix, shown on the account\'s global line; the exit code stays 0 when nothing fails', async () => {
  // GIVEN the guard attached nowhere and one healthy account
  fake.reset(management(), { accounts: members(NOW), organization: withGuard([]) });
  // WHEN
  const table = await run(['--accounts', HEALTHY, '--regions', REGIONS.join(','), '--assume-role-name', ROLE]);
  // THEN (the table clips the problem to 120 characters)
  expect({ code: table.code, stderr: table.stderr }).toEqual({ code: 0, stderr: '' });
  expect(table.stdout).toMatch(new RegExp(`\\n${HEALTHY} {2}global {5}WARN {4}${TITLE}: no SCP named ${TAMPER_GUARD_POLICY_NAME}, .*\\.\\.\\.\\n`));
  expect(table.stdout).toMatch(/\nPASS: nothing failed in 2 account-Regions \(global warnings in 1 account\)\n/);
  const rows = await guardRows(withGuard([]));
  expect(rows[HEALTHY]).toEqual({
    status: 'WARN',
    detail: `no SCP named ${TAMPER_GUARD_POLICY_NAME}, or with the tamper guard's statements, is attached to account ${HEALTHY} or above it (${WORKLOADS_OU}, ${ROOT}): administrators of the account can turn logging off or redirect it`,
    fix: 'attach the tamper guard to the account\'s OU or the root: BedrockTamperGuard (targetIds), the app\'s tamperGuard=true with rollout=stackset, or the policy "npm run scp" prints; if your copy has another name, pass --guard-policy-name NAME',
  });
  // CSV: the account's global line carries the warning and its fix.
  fake.reset(management(), { accounts: members(NOW), organization: withGuard([]) });
  const csv = await run(['--accounts', HEALTHY, '--regions', 'us-east-1', '--assume-role-name', ROLE, '--csv']);
  expect(csv.stdout.split('\r\n').filter((l) => l.includes(',global,'))).toEqual([
    expect.stringMatching(new RegExp(`^${HEALTHY},,global,WARN,assumed-role,,,"${TITLE}: no SCP named .*",.*--guard-policy-name NAME"?$`)),
  ]);
}, 60_000);

test('the guard under another name: found by its statements (DescribePolicy of customer SCPs only), or by --guard-policy-name without reading any', async () => {
  const renamed = withGuard([WORKLOADS_OU], 'org-bedrock-guard');
  const rows = await guardRows(renamed);
  expect(rows[HEALTHY]).toEqual({
    status: 'PASS',
    detail: `org-bedrock-guard (${GUARD}) attached to OU ${WORKLOADS_OU}, recognised by its Deny of Bedrock logging changes that exempts the library's roles, above account ${HEALTHY} (its parents: ${WORKLOADS_OU}, ${ROOT})`,
  });
  // Only the customer SCP was read, once for both accounts; AWS's FullAWSAccess never.
  expect(fake.calls.filter((c) => c.operation === 'DescribePolicy').map((c) => c.input?.PolicyId)).toEqual([GUARD]);

  expect((await guardRows(renamed, [...TWO, '--guard-policy-name', 'org-bedrock-guard']))[HEALTHY].detail).toMatch(/^org-bedrock-guard \(p-tamperguard1\) attached to OU ou-ab12-cdef3456, above/);
  expect(fake.calls.filter((c) => c.operation === 'DescribePolicy')).toEqual([]);

  // Another customer SCP (a Region deny that exempts the library's roles too) is not the guard: its Deny holds only outside us-east-1.
  const other = withGuard([], 'unused');
  const regionDeny = {
    name: 'deny-other-regions',
    content: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] }, ArnNotLike: { 'aws:PrincipalArn': 'arn:*:iam::*:role/cdk-bedrock-invocation-logging/*' } } }],
    },
  };
  const withRegionDeny: FakeOrganization = {
    ...other, policies: { ...other.policies, 'p-regiondeny': regionDeny }, attachments: { ...other.attachments, [ROOT]: [FULL_ACCESS, 'p-regiondeny'] },
  };
  expect((await guardRows(withRegionDeny))[HEALTHY].status).toBe('WARN');
}, 60_000);

test('the management account: WARN, no SCP restricts it, even with the guard at the root', async () => {
  const rows = await guardRows(withGuard([ROOT]), ['--accounts', `${MANAGEMENT},${HEALTHY}`, '--regions', 'us-east-1', '--assume-role-name', ROLE, '--json']);
  expect(rows[MANAGEMENT]).toEqual({
    status: 'WARN',
    detail: `account ${MANAGEMENT} is the organization's management account: service control policies never restrict it, so the tamper guard cannot protect logging here (${NAMED} attached to the root ${ROOT})`,
    fix: 'keep Bedrock workloads out of the management account, and limit who may act in it',
  });
  expect(rows[HEALTHY].status).toBe('PASS');
}, 60_000);

test('cached: one ListParents per account and OU, one ListPoliciesForTarget (first page) per target, one DescribeOrganization, across the whole organization', async () => {
  // GIVEN the whole organization: management, healthy, logging off (Team), unreachable (Team), suspended
  fake.reset(management(), { accounts: members(NOW), organization: withGuard([WORKLOADS_OU]) });
  const result = await run(['--organizational-unit', ROOT, '--regions', REGIONS.join(','), '--assume-role-name', ROLE, '--json']);
  expect(result.code).toBe(1);
  const organizations = fake.calls.filter((c) => c.service === 'organizations' && !['ListAccountsForParent', 'ListChildren'].includes(c.operation));
  const count = (operation: string, key: string): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const c of organizations.filter((o) => o.operation === operation && o.input?.NextToken === undefined)) {
      counts[String(c.input?.[key])] = (counts[String(c.input?.[key])] ?? 0) + 1;
    }
    return counts;
  };
  // THEN the three accounts read (not the unreachable or suspended one) and the OUs above them, each asked once
  expect(count('ListParents', 'ChildId')).toEqual({ [MANAGEMENT]: 1, [HEALTHY]: 1, [LOGGING_OFF]: 1, [TEAM_OU]: 1, [WORKLOADS_OU]: 1 });
  expect(count('ListPoliciesForTarget', 'TargetId')).toEqual({ [MANAGEMENT]: 1, [HEALTHY]: 1, [LOGGING_OFF]: 1, [TEAM_OU]: 1, [WORKLOADS_OU]: 1, [ROOT]: 1 });
  // Workloads holds two SCPs (one a page): its second page, once.
  expect(organizations.filter((c) => c.operation === 'ListPoliciesForTarget' && c.input?.NextToken !== undefined).map((c) => c.input?.TargetId)).toEqual([WORKLOADS_OU]);
  expect(organizations.filter((c) => c.operation === 'DescribeOrganization')).toHaveLength(1);
  expect(organizations.every((c) => c.account === MANAGEMENT && c.input?.Filter !== 'TAG_POLICY')).toBe(true);
  expect(fake.calls.some((c) => [UNREACHABLE, SUSPENDED].includes(c.account))).toBe(false);
}, 60_000);

test('Organizations refuses: an unreadable FAIL naming the action (exit 1); not in the organization, or DescribeOrganization refused: said so', async () => {
  const refused = await guardRows({ ...withGuard([ROOT]), refuse: ['ListPoliciesForTarget'] });
  expect(refused[HEALTHY]).toEqual({
    status: 'FAIL',
    detail: 'could not check: AccessDeniedException: You don\'t have permissions to access this resource.',
    fix: 'run verify with a principal allowed organizations:ListPoliciesForTarget, then rerun',
  });
  fake.reset(management(), { accounts: members(NOW), organization: { ...withGuard([ROOT]), refuse: ['ListParents'] } });
  const exit = await run(TWO.filter((a) => a !== '--json'));
  expect(exit.code).toBe(1);
  expect(exit.stdout).toMatch(/global checks failed in 2 accounts/);

  const unknown = await guardRows({ ...withGuard([ROOT]), refuse: ['DescribeOrganization'] });
  expect(unknown[HEALTHY]).toEqual({
    status: 'PASS',
    detail: `${NAMED} attached to the root ${ROOT}, above account ${HEALTHY} (its parents: ${WORKLOADS_OU}, ${ROOT}); whether it is the management account,`
      + ' which no SCP restricts, is unknown (organizations:DescribeOrganization: AccessDeniedException: You don\'t have permissions to access this resource.)',
  });

  // An account of another organization (reachable through its role, unknown to this one).
  const outside = withGuard([ROOT]);
  const lonely: FakeOrganization = { ...outside, parents: { ...outside.parents, [TEAM_OU]: { accounts: [], children: [] } } };
  expect((await guardRows(lonely))[LOGGING_OFF]).toEqual({
    status: 'WARN',
    detail: expect.stringMatching(new RegExp(`^account ${LOGGING_OFF} is not in the caller's organization \\(ChildNotFoundException: .*\\): the SCPs that apply to it cannot be read from here$`)),
    fix: 'run verify from the management account, or a delegated administrator, of the organization the account is in',
  });
}, 60_000);

test('--guard-policy-name: only with the organization mode, 1-128 characters', async () => {
  expect(await run(['--regions', 'us-east-1', '--guard-policy-name', 'x'])).toEqual({
    code: 2, stdout: '',
    stderr: 'error: --guard-policy-name is for the organization mode (Organizations answers only the management account or a delegated administrator): add --accounts, --organizational-unit or --stack-set with --assume-role-name, or drop it\n',
  });
  const long = 'g'.repeat(129);
  expect((await run(['--accounts', HEALTHY, '--regions', 'us-east-1', '--assume-role-name', ROLE, '--guard-policy-name', long])).stderr)
    .toBe(`error: --guard-policy-name "${long}" is not an SCP name: give the name of the tamper-guard policy in AWS Organizations (1-128 characters)\n`);
});
