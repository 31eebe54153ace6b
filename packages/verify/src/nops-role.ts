import { ROLE_NAME_PATTERN } from '../../../lib/shared/facts';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { wildcardMatch } from './policy';

const ROLE_NAME = new RegExp(ROLE_NAME_PATTERN);

/**
 * `--nops-role-name` takes one role name or, since nOps names its role differently in each account
 * (`Nops-Integration-<suffix>`), a pattern in which `*` stands for any characters, matched
 * case-sensitively against the whole name: `Nops-Integration-*`.
 */
export function isRoleNamePattern(name: string): boolean {
  return name.includes('*');
}

/** True when `name` is a valid role name, or would be with each `*` replaced by a name character. */
export function isRoleNameOrPattern(name: string): boolean {
  return ROLE_NAME.test(name.replace(/\*/g, 'x'));
}

/** The account's role names that match `pattern`, sorted: iam:ListRoles, every page. */
export async function rolesMatching(iam: IAMClient, pattern: string): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ ...(marker ? { Marker: marker } : {}) }));
    names.push(...(page.Roles ?? []).map((r) => r.RoleName ?? '').filter((n) => wildcardMatch(pattern, n)));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return names.sort();
}
