/**
 * An organization for verify's organization mode, on the fake: the management account (the
 * caller), a healthy member (the library's stack deployed in two Regions, from its synthesized
 * template), a member with logging off, a member whose role cannot be assumed, and a suspended one;
 * an OU tree and a StackSet over them.
 */
import { BedrockTamperGuardPolicy } from '../../../lib';
import { TAMPER_GUARD_POLICY_NAME } from '../../../lib/guard/facts';
import { deployed } from './deployed';
import { accountFrom, FakeAccount, FakeOrganization, FakeStackSet } from './fake-aws';

export const MANAGEMENT = '999988887777';
export const HEALTHY = '111122223333';
export const LOGGING_OFF = '444455556666';
export const UNREACHABLE = '777788889999';
export const SUSPENDED = '222233334444';
export const REGIONS = ['us-east-1', 'eu-west-1'];
export const ROLE = 'OrganizationAccountAccessRole';
export const ROOT = 'r-ab12';
export const WORKLOADS_OU = 'ou-ab12-cdef3456';
export const SANDBOX_OU = 'ou-ab12-sandbox1';
export const TEAM_OU = 'ou-ab12-teamaaaa';
export const STACK_SET = 'BedrockInvocationLogging';

/** A role in `account` trusted by the management account (with an external id, if given). */
export function withRole(account: FakeAccount, name = ROLE, path = '/', externalId?: string): FakeAccount {
  account.roles[name] = {
    arn: `arn:aws:iam::${account.account}:role${path}${name}`,
    trust: {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      }],
    },
    policies: [],
  };
  return account;
}

/** An account with nothing deployed: logging off everywhere, no bucket, no nOps role. */
export function emptyAccount(account: string): FakeAccount {
  return { account, callerArn: `arn:aws:sts::${account}:assumed-role/Admin/session`, logging: {}, buckets: {}, keys: {}, logGroups: {}, roles: {} };
}

/**
 * The library's stack (SSE-KMS, nOps grant; `nopsRoleName` names the account's nOps role) deployed in
 * each of `regions` of `account`, with recent logs in each.
 */
export function deployedAccount(account: string, regions: string[], now: Date, nopsRoleName?: string): FakeAccount {
  const merged = emptyAccount(account);
  for (const region of regions) {
    const one = accountFrom(deployed({ createEncryptionKey: true, ...(nopsRoleName ? { nopsRoleName } : {}) }, { account, region }), now);
    Object.assign(merged.logging, one.logging);
    Object.assign(merged.buckets, one.buckets);
    Object.assign(merged.keys, one.keys);
    Object.assign(merged.logGroups, one.logGroups);
    merged.stacks = { ...merged.stacks, ...one.stacks };
    for (const [name, role] of Object.entries(one.roles)) {
      const existing = merged.roles[name];
      // One nOps role per account; each Region's stack adds its own policies (same logical ids, so named apart by Region).
      const added = role.policies.map((p) => (existing?.policies.some((e) => e.name === p.name) ? { ...p, name: `${p.name}-${region}` } : p));
      merged.roles[name] = existing ? { ...existing, policies: [...existing.policies, ...added] } : role;
    }
  }
  return merged;
}

/** The members as the fake serves them (the management account is the caller, set apart). */
export function members(now: Date): FakeAccount[] {
  return [
    withRole(deployedAccount(HEALTHY, REGIONS, now)),
    withRole(emptyAccount(LOGGING_OFF)),
    // No role to assume: AssumeRole answers AccessDenied.
    emptyAccount(UNREACHABLE),
    emptyAccount(SUSPENDED),
  ];
}

export function management(): FakeAccount {
  return { ...emptyAccount(MANAGEMENT), callerArn: `arn:aws:sts::${MANAGEMENT}:assumed-role/OrgAdmin/admin@example.com` };
}

/** The ids of the SCPs: AWS's FullAWSAccess, and the tamper guard as BedrockTamperGuard deploys it. */
export const FULL_ACCESS = 'p-FullAWSAccess';
export const GUARD = 'p-tamperguard1';

const TREE: FakeOrganization['parents'] = {
  [ROOT]: { accounts: [{ id: MANAGEMENT, name: 'management' }], children: [WORKLOADS_OU, SANDBOX_OU] },
  [WORKLOADS_OU]: { accounts: [{ id: HEALTHY, name: 'prod' }], children: [TEAM_OU] },
  [TEAM_OU]: { accounts: [{ id: LOGGING_OFF, name: 'team-dev' }, { id: UNREACHABLE, name: 'team-legacy' }], children: [] },
  [SANDBOX_OU]: { accounts: [{ id: SUSPENDED, name: 'old-sandbox', state: 'SUSPENDED' }], children: [] },
};

/**
 * The organization's SCPs: FullAWSAccess attached to every root, OU and account (as Organizations
 * does), and the tamper guard (named `guardName`, its document from the library) attached to
 * `guardAt` (none: not attached).
 */
export function withGuard(guardAt: string[], guardName = TAMPER_GUARD_POLICY_NAME): FakeOrganization {
  const targets = [...Object.keys(TREE), ...Object.values(TREE).flatMap((p) => p.accounts.map((a) => a.id))];
  return {
    admins: [MANAGEMENT],
    parents: TREE,
    policies: {
      [FULL_ACCESS]: { name: 'FullAWSAccess', awsManaged: true, content: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      [GUARD]: { name: guardName, content: BedrockTamperGuardPolicy.document() },
    },
    attachments: Object.fromEntries(targets.map((t) => [t, [FULL_ACCESS, ...(guardAt.includes(t) ? [GUARD] : [])]])),
  };
}

/**
 * root: the management account, OU Workloads and OU Sandbox. Workloads: the healthy account and OU
 * Team (logging off, unreachable). Sandbox: the suspended account. The tamper guard is attached to
 * Workloads. Organizations lists one item a page.
 */
export const ORGANIZATION: FakeOrganization = withGuard([WORKLOADS_OU]);

/** The StackSet deployed to the three active members: two Regions in two accounts, one in the third. */
export const STACK_SETS: Record<string, FakeStackSet> = {
  [STACK_SET]: {
    homeRegion: 'us-east-1',
    callers: { [MANAGEMENT]: 'SELF' },
    instances: [
      { account: HEALTHY, region: 'us-east-1' },
      { account: HEALTHY, region: 'eu-west-1' },
      { account: LOGGING_OFF, region: 'us-east-1' },
      { account: UNREACHABLE, region: 'eu-west-1' },
      { account: LOGGING_OFF, region: 'eu-west-1' },
    ],
  },
};
