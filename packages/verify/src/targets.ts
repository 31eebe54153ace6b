/** Which accounts (and Regions) the organization mode reads: a list, OUs (recursively), a StackSet's stack instances. Only List calls. */
import { ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { Account, ListAccountsForParentCommand, ListChildrenCommand } from '@aws-sdk/client-organizations';
import { OrganizationClients } from './clients';
import { errorLine, isAccessDenied, isError } from './errors';
import { OrganizationOptions } from './types';

/** One account to verify. */
export interface TargetAccount {
  readonly account: string;
  /** Its name, when Organizations listed it. */
  readonly name?: string;
  /** The Regions of its stack instances (StackSet only), in the order listed. */
  readonly stackInstanceRegions: string[];
  /** Organizations' state when it is not ACTIVE (SUSPENDED, PENDING_CLOSURE, CLOSED, ...): listed, not read. */
  readonly inactiveState?: string;
}

/** The accounts could not be listed: exit code 2, one line. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** Accounts in the order first seen, each once, with what every source said about it. */
class Targets {
  private readonly byId = new Map<string, { account: string; name?: string; stackInstanceRegions: string[]; inactiveState?: string }>();

  public add(account: string, extra: { name?: string; region?: string; inactiveState?: string } = {}): void {
    let target = this.byId.get(account);
    if (!target) {
      target = { account, stackInstanceRegions: [] };
      this.byId.set(account, target);
    }
    if (extra.name) target.name = extra.name;
    if (extra.inactiveState) target.inactiveState = extra.inactiveState;
    if (extra.region && !target.stackInstanceRegions.includes(extra.region)) target.stackInstanceRegions.push(extra.region);
  }

  public list(): TargetAccount[] {
    return [...this.byId.values()].map((t) => ({
      account: t.account,
      ...(t.name ? { name: t.name } : {}),
      stackInstanceRegions: t.stackInstanceRegions,
      ...(t.inactiveState ? { inactiveState: t.inactiveState } : {}),
    }));
  }
}

/** `State` (newer) or `Status` (older) of an account; undefined when ACTIVE or not said. */
function inactiveState(account: Account): string | undefined {
  const state = account.State ?? account.Status;
  return state && state !== 'ACTIVE' ? state : undefined;
}

function listingError(e: unknown, what: string, permissions: string): TargetError {
  if (isAccessDenied(e)) {
    return new TargetError(`could not list ${what} (${errorLine(e)}): run verify from the management account or a delegated administrator, as a principal allowed ${permissions}`);
  }
  return new TargetError(`could not list ${what} (${errorLine(e)})`);
}

/** Every account under `parent` (an OU or root), depth first through its child OUs. */
async function addOrganizationalUnit(clients: OrganizationClients, parent: string, targets: Targets): Promise<void> {
  const queue = [parent];
  const seen = new Set<string>();
  const permissions = 'organizations:ListAccountsForParent and organizations:ListChildren';
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    try {
      let token: string | undefined;
      do {
        const page = await clients.organizations.send(new ListAccountsForParentCommand({ ParentId: id, NextToken: token }));
        for (const account of page.Accounts ?? []) {
          if (account.Id) {
            const state = inactiveState(account);
            targets.add(account.Id, { ...(account.Name ? { name: account.Name } : {}), ...(state ? { inactiveState: state } : {}) });
          }
        }
        token = page.NextToken;
      } while (token);
      const children: string[] = [];
      do {
        const page = await clients.organizations.send(new ListChildrenCommand({ ParentId: id, ChildType: 'ORGANIZATIONAL_UNIT', NextToken: token }));
        children.push(...(page.Children ?? []).map((c) => c.Id ?? '').filter(Boolean));
        token = page.NextToken;
      } while (token);
      queue.unshift(...children);
    } catch (e) {
      if (isError(e, 'ParentNotFoundException')) {
        throw new TargetError(`--organizational-unit ${id}: no such OU or root in this organization (ParentNotFoundException): check the id with aws organizations list-roots and list-organizational-units-for-parent`);
      }
      if (isError(e, 'AWSOrganizationsNotInUseException')) {
        throw new TargetError(`--organizational-unit ${id}: the caller's account is not in an organization (AWSOrganizationsNotInUseException): run verify from the management account or a delegated administrator`);
      }
      throw listingError(e, `the accounts under ${id}`, permissions);
    }
  }
}

/** Every stack instance of the StackSet, in its home Region. */
async function addStackSet(clients: OrganizationClients, options: OrganizationOptions, home: string, targets: Targets): Promise<void> {
  const name = options.stackSet!;
  const callAs = options.callAs ?? 'SELF';
  try {
    let token: string | undefined;
    do {
      const page = await clients.cloudformation.send(new ListStackInstancesCommand({ StackSetName: name, CallAs: callAs, NextToken: token }));
      for (const instance of page.Summaries ?? []) {
        if (instance.Account) {
          targets.add(instance.Account, instance.Region ? { region: instance.Region } : {});
        }
      }
      token = page.NextToken;
    } while (token);
  } catch (e) {
    if (isError(e, 'StackSetNotFoundException')) {
      const hints = [
        options.stackSetRegion === undefined ? `give its home Region with --stack-set-region (looked in ${home})` : `check that ${home} is its home Region`,
        callAs === 'SELF' ? 'from a delegated administrator account add --call-as DELEGATED_ADMIN' : 'check that this account is a delegated administrator for StackSets',
      ];
      throw new TargetError(`--stack-set ${name}: not found in ${home} as ${callAs} (StackSetNotFoundException): ${hints.join('; ')}`);
    }
    throw listingError(e, `the stack instances of ${name}`, 'cloudformation:ListStackInstances');
  }
}

/**
 * The accounts to verify, each once: `--accounts` in the order given, then the accounts under each
 * `--organizational-unit`, then the StackSet's stack instances. Throws `TargetError` when a listing
 * fails or nothing is found.
 */
export async function resolveTargets(clients: OrganizationClients, options: OrganizationOptions, home: string): Promise<TargetAccount[]> {
  const targets = new Targets();
  for (const account of options.accounts ?? []) {
    targets.add(account);
  }
  for (const unit of options.organizationalUnits ?? []) {
    await addOrganizationalUnit(clients, unit, targets);
  }
  if (options.stackSet !== undefined) {
    await addStackSet(clients, options, home, targets);
  }
  const list = targets.list();
  if (list.length === 0) {
    const sources = [...(options.organizationalUnits ?? []), ...(options.stackSet ? [`StackSet ${options.stackSet}`] : [])];
    throw new TargetError(`no account found in ${sources.join(', ')}: check the ids, or give --accounts`);
  }
  return list;
}
