/**
 * Roles on the library's IAM path that no stack created. The tamper guard exempts every role on
 * IAM_PATH (`aws:PrincipalArn` includes the path), and the organization's archive admits them for
 * replication, so a role an administrator made there by hand (before the account joined a guarded
 * OU, say) can turn logging off however the guard is attached.
 *
 * The library creates its roles only through CloudFormation, with generated names. IAM's ListRoles
 * (PathPrefix) lists the roles on the path; CloudFormation's DescribeStackResources, given the role's
 * name as PhysicalResourceId, answers with the stack that owns it, whatever that stack is called (the
 * app's stack, a StackSet instance `StackSet-NAME-UUID`, or the constructs in an app of one's own),
 * one Region at a time: no stack listing, one more action. It looks in the Regions checked (and a
 * StackSet's instance Regions), then, for a role still without a stack, in the Region IAM says the
 * role was last used in (GetRole), where a stack's role runs.
 */
import { IAM_PATH, REGION_PATTERN } from '../../../../lib/shared/facts';
import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { GetRoleCommand, IAMClient, ListRolesCommand, Role } from '@aws-sdk/client-iam';
import { isError } from '../errors';
import { GlobalContext, Rows, unreadable } from './common';

const ID = 'library-path-roles';
const REGION = new RegExp(REGION_PATTERN);

/** Resource statuses of a resource its stack no longer holds: deleted, or retained when the stack was deleted. */
const GONE = ['DELETE_COMPLETE', 'DELETE_SKIPPED'];

/** Every role on IAM_PATH (iam:ListRoles with PathPrefix, every page). */
export async function libraryPathRoles(iam: IAMClient): Promise<Role[]> {
  const roles: Role[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ PathPrefix: IAM_PATH, ...(marker ? { Marker: marker } : {}) }));
    // PathPrefix also matches deeper paths (/cdk-bedrock-invocation-logging/x/): the guard's pattern
    // (IAM_PATH then *) exempts those too, so they stay in.
    roles.push(...(page.Roles ?? []).filter((r) => r.RoleName && (r.Path ?? '').startsWith(IAM_PATH)));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return roles;
}

/** The stack that holds a role (`gone`: it no longer does: deleted, or retained when the stack was deleted), and its Region. */
interface Owner {
  readonly stack: string;
  readonly region: string;
  readonly gone: boolean;
}

/** A read refused (or failed), with the permission it needs. */
class Unreadable extends Error {
  constructor(public readonly permission: string, public readonly error: unknown) {
    super(permission);
  }
}

/**
 * The stack in `region` that created role `name`: DescribeStackResources with the role's name as
 * PhysicalResourceId returns the resources of the stack that owns it, and a ValidationError ("Stack
 * for NAME does not exist") when none does.
 */
async function ownerIn(cloudformation: CloudFormationClient, name: string, region: string): Promise<Owner | undefined> {
  let resources;
  try {
    resources = (await cloudformation.send(new DescribeStackResourcesCommand({ PhysicalResourceId: name }))).StackResources ?? [];
  } catch (e) {
    if (isError(e, 'ValidationError')) {
      return undefined;
    }
    throw new Unreadable(`cloudformation:DescribeStackResources in ${region} (which stack created ${name})`, e);
  }
  const role = resources.find((r) => r.PhysicalResourceId === name && r.ResourceType === 'AWS::IAM::Role');
  // DescribeStackResources returns at most 100 of the stack's resources: the role may be past them,
  // but the stack that answered owns it.
  const stack = role?.StackName ?? resources[0]?.StackName;
  return stack ? { stack, region, gone: role !== undefined && GONE.includes(role.ResourceStatus ?? '') } : undefined;
}

/** A role's owner, looking in `regions` in order: the first live one, else the first that let it go. */
async function findOwner(ctx: GlobalContext, name: string, regions: readonly string[]): Promise<Owner | undefined> {
  let gone: Owner | undefined;
  for (const region of regions) {
    const owner = await ownerIn(ctx.clientsFor(region).cloudformation, name, region);
    if (owner && !owner.gone) {
      return owner;
    }
    gone ??= owner;
  }
  return gone;
}

/** The Region IAM says the role was last used in (within its 400-day tracking period), when it is a Region name. */
async function lastUsedRegion(iam: IAMClient, name: string): Promise<string | undefined> {
  try {
    const region = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role?.RoleLastUsed?.Region;
    return region && REGION.test(region) ? region : undefined;
  } catch (e) {
    throw new Unreadable(`iam:GetRole on ${name} (where it was last used)`, e);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * PASS when every role on IAM_PATH belongs to a stack (each named with its stack and Region), FAIL
 * naming each role no stack holds, with its creation date, where it was last used, and the fix.
 */
export async function checkLibraryPathRoles(ctx: GlobalContext, rows: Rows): Promise<void> {
  const iam = ctx.clientsFor(ctx.regions[0]).iam;
  let roles: Role[];
  try {
    roles = await libraryPathRoles(iam);
  } catch (e) {
    unreadable(rows, ID, `iam:ListRoles (the roles on ${IAM_PATH})`, e);
    return;
  }
  if (roles.length === 0) {
    rows.pass(ID, `no role on ${IAM_PATH} in account ${ctx.account}`);
    return;
  }
  const regions = [...new Set([...ctx.regions, ...ctx.stackRegions ?? []])];
  const owned: string[] = [];
  const stray: Array<{ readonly name: string; readonly text: string }> = [];
  try {
    for (const role of roles) {
      const name = role.RoleName!;
      let owner = await findOwner(ctx, name, regions);
      let lastUsed: string | undefined;
      if (!owner || owner.gone) {
        lastUsed = await lastUsedRegion(iam, name);
        if (lastUsed && !regions.includes(lastUsed)) {
          const there = await ownerIn(ctx.clientsFor(lastUsed).cloudformation, name, lastUsed);
          owner = there && (!there.gone || !owner) ? there : owner;
        }
      }
      if (owner && !owner.gone) {
        owned.push(`${name} (stack ${owner.stack}, ${owner.region})`);
        continue;
      }
      const facts = [
        role.CreateDate ? `created ${role.CreateDate.toISOString()}` : 'creation date unknown',
        lastUsed ? `last used in ${lastUsed}` : 'no use on record',
        ...owner ? [`its stack ${owner.stack} (${owner.region}) no longer holds it`] : [],
      ];
      stray.push({ name, text: `${role.Arn ?? name} (${facts.join(', ')})` });
    }
  } catch (e) {
    if (e instanceof Unreadable) {
      unreadable(rows, ID, e.permission, e.error);
      return;
    }
    throw e;
  }
  if (stray.length === 0) {
    rows.pass(ID, `${plural(roles.length, 'role')} on ${IAM_PATH}, each created by a stack: ${owned.join(', ')}`);
    return;
  }
  rows.fail(ID,
    `${stray.length === 1 ? 'a role' : plural(stray.length, 'role')} on ${IAM_PATH} that no stack created (looked in ${listed(regions)}`
      + ` and where each was last used): ${stray.map((s) => s.text).join('; ')}. The tamper guard exempts every role on this path`
      + ' (and the log archive admits them), so such a role can turn logging off',
    `delete ${listed(stray.map((s) => s.name))} (aws iam delete-role --role-name NAME, after removing its policies; where the tamper guard applies,`
      + ` only an exempt principal such as the break-glass role may), or, if it is needed, re-create it off ${IAM_PATH} (IAM cannot move a role to`
      + ' another path); if a stack of the library in another Region created it, add that Region to --regions');
}
