/**
 * docs/verify.md, "Verifying an organization": its commands run as written (in process, against the fake
 * organization), its CSV header is the one printed, its two policies cover every call verify
 * makes, into a member account (the read-only role) and as the caller, and its sample output is
 * what verify prints for that organization (DOCS_SAMPLES_UPDATE=1, which npm run docs:samples sets,
 * rewrites it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSection, writeSection } from '../../../scripts/doc-section';
import { main } from '../src/cli';
import { CSV_COLUMNS } from '../src/organization-report';
import { fake, NOW, useFakeAccount } from './harness';
import {
  emptyAccount, HEALTHY, management, MANAGEMENT, members, ORGANIZATION, REGIONS, ROLE, ROOT, STACK_SET, STACK_SETS, withGuard, withRole, WORKLOADS_OU,
} from './organization-world';

useFakeAccount();

const PAGE = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'docs', 'verify.md'), 'utf8');
// from its heading to the end of the page, the section's last part
const SECTION = PAGE.slice(PAGE.indexOf('## Verifying an organization'));

/** The fenced blocks of the section with the given language. */
function blocks(language: string): string[] {
  return [...SECTION.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

/** The section's commands, continuation lines joined, as argv after the command name. */
function commands(): string[][] {
  return blocks('sh')[0].replace(/\\\n\s*/g, '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/^npx cdk-bedrock-invocation-logging-verify /, '').split(/\s+/).map((word) => word.replace(/^'(.*)'$/, '$1')));
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: {} }, { now: () => NOW });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** IAM actions of the S3, Bedrock, KMS, Logs and IAM operations verify calls (the SDK's names differ from IAM's for some). */
const IAM_ACTION: Record<string, string> = {
  'bedrock:GetModelInvocationLoggingConfiguration': 'bedrock:GetModelInvocationLoggingConfiguration',
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:GetBucketLocation': 's3:GetBucketLocation',
  's3:GetBucketPolicy': 's3:GetBucketPolicy',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3:GetBucketOwnershipControls': 's3:GetBucketOwnershipControls',
  's3:GetBucketVersioning': 's3:GetBucketVersioning',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  'kms:DescribeKey': 'kms:DescribeKey',
  'kms:GetKeyPolicy': 'kms:GetKeyPolicy',
  'logs:DescribeLogGroups': 'logs:DescribeLogGroups',
  'iam:GetRole': 'iam:GetRole',
  'iam:ListRoles': 'iam:ListRoles',
  'iam:SimulatePrincipalPolicy': 'iam:SimulatePrincipalPolicy',
  'sts:AssumeRole': 'sts:AssumeRole',
  'organizations:ListAccountsForParent': 'organizations:ListAccountsForParent',
  'organizations:ListChildren': 'organizations:ListChildren',
  'organizations:ListParents': 'organizations:ListParents',
  'organizations:ListPoliciesForTarget': 'organizations:ListPoliciesForTarget',
  'organizations:DescribePolicy': 'organizations:DescribePolicy',
  'organizations:DescribeOrganization': 'organizations:DescribeOrganization',
  'cloudformation:ListStackInstances': 'cloudformation:ListStackInstances',
  'cloudformation:DescribeStackResources': 'cloudformation:DescribeStackResources',
};

/** The Allow actions of a policy document on the page. */
function actions(policy: string): string[] {
  const document = JSON.parse(policy) as { Statement: Array<{ Effect: string; Action: string | string[] }> };
  return document.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat());
}

/** The members as the page's role names them: BedrockInvocationLoggingVerify beside OrganizationAccountAccessRole. */
function readmeMembers(): ReturnType<typeof members> {
  return members(NOW).map((a) => (a.roles.OrganizationAccountAccessRole ? withRole(a, 'BedrockInvocationLoggingVerify') : a));
}

test('docs/verify.md\'s organization commands run as written: a list, an OU as CSV, a StackSet from a delegated administrator as JSON', async () => {
  const [list, unit, stackSet] = commands();
  fake.reset(management(), { accounts: readmeMembers(), organization: ORGANIZATION });
  const first = await run(list);
  expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 1, stderr: '' });
  expect(first.stdout).toMatch(/^Organization: 2 accounts, caller /);

  fake.reset(management(), { accounts: readmeMembers(), organization: ORGANIZATION });
  const csv = await run(unit);
  // The OU holds the healthy account and, in a child OU, one with logging off and one without the role.
  expect({ code: csv.code, stderr: csv.stderr }).toEqual({ code: 1, stderr: '' });
  expect(csv.stdout.split('\r\n').slice(1, -1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([
    `${HEALTHY},prod,us-east-1,PASS,assumed-role`, `${HEALTHY},prod,eu-west-1,PASS,assumed-role`, `${HEALTHY},prod,global,PASS,assumed-role`,
    '444455556666,team-dev,us-east-1,FAIL,assumed-role', '444455556666,team-dev,eu-west-1,FAIL,assumed-role', '444455556666,team-dev,global,PASS,assumed-role',
    '777788889999,team-legacy,us-east-1,FAIL,unreachable', '777788889999,team-legacy,eu-west-1,FAIL,unreachable',
  ]);

  const admin = '888877776666';
  fake.reset({ ...emptyAccount(admin), callerArn: `arn:aws:sts::${admin}:assumed-role/Auditor/s` }, {
    accounts: readmeMembers(), stackSets: { [STACK_SET]: { ...STACK_SETS[STACK_SET], callers: { [admin]: 'DELEGATED_ADMIN' } } },
  });
  const json = await run(stackSet);
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout).accounts.map((a: { access: string }) => a.access)).toEqual(['assumed-role', 'assumed-role', 'unreachable']);
}, 60_000);

test('docs/verify.md\'s CSV header is the one printed', () => {
  expect(SECTION).toContain(`\`${CSV_COLUMNS.join(',')}\``);
});

test('docs/verify.md\'s policies cover every call verify makes: the read-only role in each member, the caller in its own account', async () => {
  const [trust, role, caller] = blocks('json');
  expect(JSON.parse(trust).Statement[0].Condition.StringEquals['aws:PrincipalOrgID']).toMatch(/^o-/);
  // GIVEN an OU run and a StackSet run, with the nOps checks (the role found by pattern), the guard under
  // another name (so that its document is read too)
  fake.reset(management(), { accounts: readmeMembers(), organization: withGuard([WORKLOADS_OU], 'org-bedrock-guard'), stackSets: STACK_SETS });
  const argv = ['--regions', 'us-east-1,eu-west-1', '--assume-role-name', 'BedrockInvocationLoggingVerify', '--nops-role-name', 'Nops-Integration-*'];
  await run(['--organizational-unit', 'ou-ab12-cdef3456', ...argv]);
  await run(['--stack-set', STACK_SET, ...argv]);
  // THEN
  const made = (account: (a: string) => boolean): string[] => [...new Set(fake.calls.filter((c) => account(c.account)).map((c) => `${c.service}:${c.operation}`))]
    .filter((op) => op !== 'sts:GetCallerIdentity').map((op) => IAM_ACTION[op] ?? `unmapped ${op}`);
  const inMembers = made((a) => a !== MANAGEMENT);
  expect(inMembers).toEqual(expect.arrayContaining(['iam:SimulatePrincipalPolicy', 'iam:ListRoles', 'cloudformation:DescribeStackResources']));
  expect(inMembers.filter((a) => !actions(role).includes(a))).toEqual([]);
  const asCaller = made((a) => a === MANAGEMENT);
  expect(asCaller.sort()).toEqual([
    'cloudformation:ListStackInstances', 'organizations:DescribeOrganization', 'organizations:DescribePolicy', 'organizations:ListAccountsForParent',
    'organizations:ListChildren', 'organizations:ListParents', 'organizations:ListPoliciesForTarget', 'sts:AssumeRole',
  ]);
  expect(asCaller.filter((a) => !actions(caller).includes(a))).toEqual([]);
  // No read of log contents: the role has no s3:GetObject.
  expect(actions(role)).not.toContain('s3:GetObject');
}, 60_000);

test('docs/verify.md\'s sample output is what verify prints for the organization it describes (else: npm run docs:samples)', async () => {
  const argv = ['--organizational-unit', ROOT, '--regions', REGIONS.join(','), '--assume-role-name', ROLE];
  fake.reset(management(), { accounts: members(NOW), organization: ORGANIZATION, stackSets: STACK_SETS });
  const result = await run(argv);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
  const section = [
    '```text',
    `$ npx cdk-bedrock-invocation-logging-verify ${argv.join(' ')}`,
    result.stdout.trimEnd(),
    '```',
    '',
    'Written by `npm run docs:samples` from that command, run against the local fake organization of',
    'packages/verify/test/organization-world.ts: the management account (the caller), a member with the',
    'library\'s stack, one with logging off, one whose role cannot be assumed, a suspended one.',
  ].join('\n');
  if (process.env.DOCS_SAMPLES_UPDATE === '1') writeSection('docs/verify.md', 'sample:verify-organization', section);
  expect(readSection('docs/verify.md', 'sample:verify-organization')).toBe(section);
}, 60_000);
