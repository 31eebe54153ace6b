/**
 * The account's global check "Library IAM path: stack roles only" (src/checks/library-roles.ts),
 * through the real AWS SDK against the fake: IAM ListRoles with PathPrefix (Marker paging) and
 * GetRole, CloudFormation DescribeStackResources by PhysicalResourceId. The account's library roles
 * and the stack that holds them come from the template the library synthesizes (deployed.ts).
 */
import { IAM_PATH } from '../../../lib/shared/facts';
import { main } from '../src/cli';
import { CHECK_TITLES, VerifyOptions, VerifyOutcome } from '../src/types';
import { ACCOUNT, FakeAccount, healthyAccount } from './fake-aws';
import { fake, NOW, OPTIONS, useFakeAccount, verify } from './harness';
import { deployedAccount } from './organization-world';

useFakeAccount();

const TITLE = CHECK_TITLES['library-path-roles'];

/** The roles of `account` on the library's path, by name. */
function libraryRoles(account: FakeAccount): string[] {
  return Object.keys(account.roles).filter((name) => account.roles[name].arn.includes(`:role${IAM_PATH}`)).sort();
}

/** `account` with a role on the library's path that no stack created (an administrator's, say). */
function withStrayRole(account: FakeAccount, name: string, createDate = '2025-11-02T08:15:00Z', lastUsedRegion?: string): FakeAccount {
  account.roles[name] = {
    arn: `arn:aws:iam::${account.account}:role${IAM_PATH}${name}`, trust: { Statement: [] }, policies: [], createDate,
    ...(lastUsedRegion ? { lastUsedRegion } : {}),
  };
  return account;
}

function row(outcome: VerifyOutcome): { status: string; detail: string; fix?: string } {
  return outcome.report!.global!.checks.find((c) => c.id === 'library-path-roles')!;
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const code = await main(argv, { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true }, env: {} }, { now: () => NOW });
  return { code, stdout: out.join('') };
}

test('the library\'s own roles, each held by its stack: PASS naming the stack; one ListRoles on the path, one DescribeStackResources a role', async () => {
  const account = healthyAccount(NOW);
  const [handler] = libraryRoles(account);
  const outcome = await verify(account);
  expect(outcome.exitCode).toBe(0);
  expect(row(outcome)).toEqual({
    id: 'library-path-roles', title: TITLE, status: 'PASS',
    detail: `1 role on ${IAM_PATH}, each created by a stack: ${handler} (stack BedrockInvocationLogging, us-east-1)`,
  });
  expect(fake.calls.filter((c) => c.operation === 'ListRoles').map((c) => c.input?.PathPrefix)).toEqual([IAM_PATH]);
  expect(fake.calls.filter((c) => c.operation === 'DescribeStackResources').map((c) => [c.region, c.input?.PhysicalResourceId])).toEqual([['us-east-1', handler]]);
});

test('a role an administrator made on the path: FAIL with its ARN, creation date and the fix, exit 1, in the table, JSON and CSV', async () => {
  // GIVEN the healthy account and, on the library's path, a role no stack created
  const account = withStrayRole(healthyAccount(NOW), 'LoggingAdmin', '2025-11-02T08:15:00Z', 'us-east-1');
  const arn = `arn:aws:iam::${ACCOUNT}:role${IAM_PATH}LoggingAdmin`;
  // WHEN
  const outcome = await verify(account);
  // THEN
  expect(outcome.exitCode).toBe(1);
  expect(row(outcome)).toMatchObject({ status: 'FAIL' });
  expect(row(outcome).detail).toBe(`a role on ${IAM_PATH} that no stack created (looked in us-east-1 and where each was last used): `
    + `${arn} (created 2025-11-02T08:15:00.000Z, last used in us-east-1). The tamper guard exempts every role on this path (and the log archive admits them), so such a role can turn logging off`);
  expect(row(outcome).fix).toMatch(/^delete LoggingAdmin \(aws iam delete-role --role-name NAME, after removing its policies; where the tamper guard applies, only an exempt principal such as the break-glass role may\), or, if it is needed, re-create it off \/cdk-bedrock-invocation-logging\/ \(IAM cannot move a role to another path\)/);
  // Every Region passes: only the global check fails.
  expect(outcome.report!.regions.map((r) => r.status)).toEqual(['PASS']);

  // As users see it: the table's global section, the JSON's global checks, a global CSV line; exit 1 each time.
  fake.reset(account);
  const table = await cli(['--regions', 'us-east-1', '--nops-role-name', OPTIONS.nopsRoleName!]);
  expect(table.code).toBe(1);
  expect(table.stdout).toMatch(new RegExp(`\\nglobal {2}\\[0 pass, 1 fail, 0 warn, 0 skip\\]\\n {2}FAIL {2}${TITLE} +a role on ${IAM_PATH} that no stack created .*${arn} \\(created 2025-11-02`));
  expect(table.stdout).toMatch(/\n {8,}fix: delete LoggingAdmin \(aws iam delete-role/);
  expect(table.stdout).toMatch(/\nFAIL: 1 check failed in 1 Region and the global checks\n$/);
  fake.reset(account);
  const json = await cli(['--regions', 'us-east-1', '--json']);
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout)).toMatchObject({ exitCode: 1, ok: false, global: { status: 'FAIL', checks: [{ id: 'library-path-roles', status: 'FAIL' }], counts: { FAIL: 1 } } });
  fake.reset(account);
  const csv = await cli(['--regions', 'us-east-1', '--csv']);
  expect(csv.code).toBe(1);
  const global = csv.stdout.split('\r\n').find((l) => l.startsWith(`${ACCOUNT},,global,`))!;
  // (Quoted: the problem holds commas.)
  expect(global).toContain(`${ACCOUNT},,global,FAIL,caller,,,"${TITLE}: a role on ${IAM_PATH} that no stack created`);
  expect(global).toContain(arn);
}, 60_000);

test('every page of ListRoles on the path: five roles, two a page; roles off the path are not looked up', async () => {
  // GIVEN four roles made on the path, the stack's own, and roles elsewhere (the nOps role, an admin's)
  const account = healthyAccount(NOW);
  for (const name of ['Stray1', 'Stray2', 'Stray3', 'Stray4']) {
    withStrayRole(account, name);
  }
  account.roles.Admin = { arn: `arn:aws:iam::${ACCOUNT}:role/Admin`, trust: { Statement: [] }, policies: [] };
  account.roles.Deeper = { arn: `arn:aws:iam::${ACCOUNT}:role/cdk-bedrock-invocation-logging-other/Deeper`, trust: { Statement: [] }, policies: [] };
  // WHEN
  const outcome = await verify(account);
  // THEN every role on the path is read, over three pages, and the four strays named; no other role is looked up
  const listings = fake.calls.filter((c) => c.operation === 'ListRoles');
  expect(listings.map((c) => [c.input?.PathPrefix, c.input?.Marker])).toEqual([[IAM_PATH, undefined], [IAM_PATH, '2'], [IAM_PATH, '4']]);
  expect(row(outcome).detail).toMatch(/^4 roles on \/cdk-bedrock-invocation-logging\/ that no stack created/);
  for (const name of ['Stray1', 'Stray2', 'Stray3', 'Stray4']) {
    expect(row(outcome).detail).toContain(`arn:aws:iam::${ACCOUNT}:role${IAM_PATH}${name} (created 2025-11-02T08:15:00.000Z, no use on record)`);
  }
  expect(row(outcome).fix).toMatch(/^delete Stray1, Stray2, Stray3 and Stray4 /);
  const looked = new Set(fake.calls.filter((c) => c.operation === 'DescribeStackResources' || c.operation === 'GetRole').map((c) => c.input?.PhysicalResourceId ?? c.input?.RoleName));
  expect(looked.has('Admin')).toBe(false);
  expect(looked.has('Deeper')).toBe(false);
});

test('a stack in a Region not checked: found where IAM says the role was last used; without that record, FAIL naming the Regions looked in', async () => {
  // GIVEN the stack in us-east-1 and eu-west-1, and only us-east-1 checked
  const account = deployedAccount(ACCOUNT, ['us-east-1', 'eu-west-1'], NOW);
  const west = libraryRoles(account).find((name) => account.roles[name].lastUsedRegion === 'eu-west-1')!;
  const options: VerifyOptions = { regions: ['us-east-1'] };
  const found = await verify(account, options);
  expect(row(found)).toMatchObject({ status: 'PASS', detail: expect.stringContaining(`${west} (stack BedrockInvocationLogging-eu-west-1, eu-west-1)`) });
  expect(fake.calls.filter((c) => c.input?.PhysicalResourceId === west || c.input?.RoleName === west).map((c) => `${c.operation} ${c.region}`))
    .toEqual(['DescribeStackResources us-east-1', 'GetRole us-east-1', 'DescribeStackResources eu-west-1']);

  // GIVEN no record of its use (never used, or outside IAM's tracking period)
  delete account.roles[west].lastUsedRegion;
  const notFound = await verify(account, options);
  expect(notFound.exitCode).toBe(1);
  expect(row(notFound).detail).toContain(`that no stack created (looked in us-east-1 and where each was last used): arn:aws:iam::${ACCOUNT}:role${IAM_PATH}${west} (created 2024-01-01T00:00:00.000Z, no use on record)`);
  expect(row(notFound).fix).toMatch(/if a stack of the library in another Region created it, add that Region to --regions$/);
  // Both Regions checked: held by its stack.
  expect(row(await verify(account, { regions: ['us-east-1', 'eu-west-1'] })).status).toBe('PASS');
});

test('a role its stack retained when the stack was deleted: FAIL saying the stack no longer holds it', async () => {
  const account = healthyAccount(NOW);
  const [handler] = libraryRoles(account);
  const stack = account.stacks!['us-east-1'][0];
  account.stacks!['us-east-1'][0] = { ...stack, resources: stack.resources.map((r) => ({ ...r, status: 'DELETE_SKIPPED' })) };
  const outcome = await verify(account);
  expect(outcome.exitCode).toBe(1);
  expect(row(outcome).detail).toContain(`${handler} (created 2024-01-01T00:00:00.000Z, last used in us-east-1, its stack BedrockInvocationLogging (us-east-1) no longer holds it)`);
});

test('refused reads: an unreadable FAIL naming the action, as the other checks do', async () => {
  const refused = async (operation: string): Promise<{ status: string; detail: string; fix?: string }> => {
    const account = withStrayRole(healthyAccount(NOW), 'LoggingAdmin');
    account.refuse = [operation];
    return row(await verify(account, { regions: ['us-east-1'] }));
  };
  expect(await refused('ListRoles')).toEqual({
    id: 'library-path-roles', title: TITLE, status: 'FAIL',
    detail: expect.stringMatching(/^could not check: AccessDenied: User: .* is not authorized to perform: iam:ListRoles$/),
    fix: `run verify with a principal allowed iam:ListRoles (the roles on ${IAM_PATH}), then rerun`,
  });
  const [handler] = libraryRoles(healthyAccount(NOW));
  expect(await refused('DescribeStackResources')).toMatchObject({
    status: 'FAIL', detail: expect.stringMatching(/^could not check: AccessDenied: .*cloudformation:DescribeStackResources/),
    fix: `run verify with a principal allowed cloudformation:DescribeStackResources in us-east-1 (which stack created ${handler}), then rerun`,
  });
  expect(await refused('GetRole')).toMatchObject({
    status: 'FAIL', fix: 'run verify with a principal allowed iam:GetRole on LoggingAdmin (where it was last used), then rerun',
  });
});

test('no role on the path (nothing of the library deployed): PASS, nothing looked up', async () => {
  const account = healthyAccount(NOW);
  for (const name of libraryRoles(account)) {
    delete account.roles[name];
  }
  expect(row(await verify(account))).toMatchObject({ status: 'PASS', detail: `no role on ${IAM_PATH} in account ${ACCOUNT}` });
  expect(fake.calls.filter((c) => c.operation === 'DescribeStackResources')).toEqual([]);
});
