/**
 * Organization mode: whether the tamper-guard SCP applies to the account, attached to the account
 * itself, to an OU above it or to the root (an SCP applies to everything below where it is attached).
 * The guard is recognised by its name (`--guard-policy-name`, default TAMPER_GUARD_POLICY_NAME) or,
 * under any other name (teams that paste `npm run scp` into their own SCPs), by what makes it the
 * guard: a Deny of a Bedrock logging action that exempts the library's roles by their IAM path.
 * Statement ids are not relied on.
 */
import { GUARDED_BEDROCK_ACTIONS } from '../../../../lib/guard/facts';
import { libraryRoleArnPattern } from '../../../../lib/shared/facts';
import { errorLine, isError } from '../errors';
import { conditionValues, coversResource, grantsAction, parsePolicy, PolicyStatement } from '../policy';
import { AttachedPolicy, LookupError, PolicyTarget, ScpLookup } from '../scp-lookup';
import { Rows, unreadable } from './common';

const ID = 'tamper-guard-attached';

/**
 * True when the SCP document denies a Bedrock logging action (on `*`, its only resource) to everyone
 * but the library's roles, by path, and on no other condition: a Region deny that exempts the
 * library's roles too is not the guard.
 */
export function isTamperGuardDocument(content: string): boolean {
  let statements;
  try {
    statements = parsePolicy(content);
  } catch {
    return false;
  }
  const exempt = libraryRoleArnPattern('*', '*');
  const onlyPrincipalArn = (condition: PolicyStatement['Condition']): boolean =>
    Object.values(condition ?? {}).every((block) => Object.keys(block ?? {}).every((key) => key.toLowerCase() === 'aws:principalarn'));
  return statements.some((s) => String(s.Effect ?? '').toLowerCase() === 'deny'
    && GUARDED_BEDROCK_ACTIONS.some((action) => grantsAction(s, action))
    && coversResource(s, '*')
    && onlyPrincipalArn(s.Condition)
    && (conditionValues(s, ['ArnNotLike', 'StringNotLike'], 'aws:PrincipalArn') ?? []).includes(exempt));
}

function where(target: PolicyTarget): string {
  return target.type === 'ACCOUNT' ? 'the account itself' : target.type === 'ROOT' ? `the root ${target.id}` : `OU ${target.id}`;
}

/** What was found: the guard, where it is attached, and how it was recognised. */
interface Found {
  readonly policy: AttachedPolicy;
  readonly target: PolicyTarget;
  readonly byContent: boolean;
}

/** The guard's attachments on `path`: by name first; only when none has the name, each customer SCP's document (DescribePolicy). */
async function findGuard(lookup: ScpLookup, path: PolicyTarget[], name: string): Promise<Found[]> {
  const attached = await Promise.all(path.map(async (target) => ({ target, policies: await lookup.policiesOf(target.id) })));
  const byName = attached.flatMap(({ target, policies }) => policies.filter((p) => p.name === name).map((policy) => ({ policy, target, byContent: false })));
  if (byName.length > 0) {
    return byName;
  }
  const found: Found[] = [];
  for (const { target, policies } of attached) {
    for (const policy of policies.filter((p) => !p.awsManaged)) {
      if (isTamperGuardDocument(await lookup.contentOf(policy.id))) {
        found.push({ policy, target, byContent: true });
      }
    }
  }
  return found;
}

function describe(found: Found[]): string {
  const recognised = found.some((f) => f.byContent) ? ', recognised by its Deny of Bedrock logging changes that exempts the library\'s roles' : '';
  return found.map((f) => `${f.policy.name} (${f.policy.id}) attached to ${where(f.target)}`).join(', ') + recognised;
}

/**
 * PASS when the guard is attached to the account, an OU above it or the root; WARN when it is not,
 * or when the account is the management account (which no SCP restricts); an Organizations call
 * refused is the usual unreadable FAIL naming the action.
 */
export async function checkTamperGuard(account: string, policyName: string, lookup: ScpLookup, rows: Rows): Promise<void> {
  let path: PolicyTarget[];
  let found: Found[];
  try {
    path = await lookup.path(account);
    found = await findGuard(lookup, path, policyName);
  } catch (e) {
    const cause = e instanceof LookupError ? e.cause : e;
    if (isError(cause, 'ChildNotFoundException', 'AWSOrganizationsNotInUseException')) {
      rows.warn(ID, `account ${account} is not in the caller's organization (${errorLine(cause)}): the SCPs that apply to it cannot be read from here`,
        'run verify from the management account, or a delegated administrator, of the organization the account is in');
      return;
    }
    if (isError(cause, 'PolicyTypeNotEnabledException')) {
      rows.warn(ID, `service control policies are not enabled in the organization (${errorLine(cause)}): no tamper guard applies to account ${account}`,
        'enable the SERVICE_CONTROL_POLICY policy type on the root, then attach the tamper guard');
      return;
    }
    unreadable(rows, ID, `organizations:${e instanceof LookupError ? e.action : 'ListParents'}`, cause);
    return;
  }

  const above = path.slice(1).map((t) => t.id).join(', ');
  let management: string | undefined;
  let managementUnknown = '';
  try {
    management = await lookup.managementAccount();
  } catch (e) {
    managementUnknown = `; whether it is the management account, which no SCP restricts, is unknown (organizations:DescribeOrganization: ${errorLine(e instanceof LookupError ? e.cause : e)})`;
  }
  if (account === management) {
    rows.warn(ID, `account ${account} is the organization's management account: service control policies never restrict it, so the tamper guard cannot protect logging here`
      + (found.length > 0 ? ` (${describe(found)})` : ''),
    'keep Bedrock workloads out of the management account, and limit who may act in it');
    return;
  }
  if (found.length > 0) {
    rows.pass(ID, `${describe(found)}, above account ${account} (its parents: ${above})${managementUnknown}`);
    return;
  }
  rows.warn(ID, `no SCP named ${policyName}, or with the tamper guard's statements, is attached to account ${account} or above it (${above}):`
    + ` administrators of the account can turn logging off or redirect it${managementUnknown}`,
  'attach the tamper guard to the account\'s OU or the root: BedrockTamperGuard (targetIds), the app\'s tamperGuard=true with rollout=stackset,'
    + ' or the policy "npm run scp" prints; if your copy has another name, pass --guard-policy-name NAME');
}
