/**
 * The service control policies above an account, read once per run for each OU, root, account and
 * policy (many accounts share their OUs): AWS Organizations' ListParents, ListPoliciesForTarget
 * (SERVICE_CONTROL_POLICY), DescribePolicy and DescribeOrganization, with the caller's credentials
 * (the management account or a delegated administrator). Only reads.
 */
import {
  DescribeOrganizationCommand, DescribePolicyCommand, ListParentsCommand, ListPoliciesForTargetCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations';

/** An SCP attached to a target, as ListPoliciesForTarget summarises it. */
export interface AttachedPolicy {
  readonly id: string;
  readonly name: string;
  /** AWS's own policies (FullAWSAccess): never the guard. */
  readonly awsManaged: boolean;
}

/** Where an SCP can be attached: the account itself, an OU, or the root. */
export interface PolicyTarget {
  readonly id: string;
  readonly type: 'ACCOUNT' | 'ORGANIZATIONAL_UNIT' | 'ROOT';
}

/** An Organizations call that failed, with the IAM action it needs. */
export class LookupError extends Error {
  constructor(public readonly action: string, public readonly cause: unknown) {
    super(`organizations:${action} failed`);
    this.name = 'LookupError';
  }
}

/** Organizations nests OUs at most five deep under the root; a longer walk is an answer verify does not understand. */
const MAX_DEPTH = 8;

/** Reads and remembers: each lookup is one promise, shared by every account that asks (a failure too). */
export class ScpLookup {
  private readonly parents = new Map<string, Promise<PolicyTarget>>();
  private readonly attached = new Map<string, Promise<AttachedPolicy[]>>();
  private readonly contents = new Map<string, Promise<string>>();
  private management?: Promise<string>;

  constructor(private readonly organizations: OrganizationsClient) {}

  /** The account, then each OU above it, then the root. */
  public async path(account: string): Promise<PolicyTarget[]> {
    const path: PolicyTarget[] = [{ id: account, type: 'ACCOUNT' }];
    while (path[path.length - 1].type !== 'ROOT') {
      if (path.length > MAX_DEPTH) {
        throw new LookupError('ListParents', new Error(`no root within ${MAX_DEPTH} levels above ${account}`));
      }
      path.push(await this.parentOf(path[path.length - 1].id));
    }
    return path;
  }

  /** The SCPs attached directly to `target` (every page). */
  public policiesOf(target: string): Promise<AttachedPolicy[]> {
    return remember(this.attached, target, async () => {
      const policies: AttachedPolicy[] = [];
      let token: string | undefined;
      do {
        const page = await call('ListPoliciesForTarget', () => this.organizations.send(new ListPoliciesForTargetCommand({
          TargetId: target, Filter: 'SERVICE_CONTROL_POLICY', ...(token ? { NextToken: token } : {}),
        })));
        policies.push(...(page.Policies ?? []).filter((p) => p.Id).map((p) => ({ id: p.Id!, name: p.Name ?? '', awsManaged: p.AwsManaged === true })));
        token = page.NextToken;
      } while (token);
      return policies;
    });
  }

  /** The policy's document, as stored (a JSON string). */
  public contentOf(policyId: string): Promise<string> {
    return remember(this.contents, policyId, async () =>
      (await call('DescribePolicy', () => this.organizations.send(new DescribePolicyCommand({ PolicyId: policyId })))).Policy?.Content ?? '');
  }

  /** The organization's management account, which no SCP restricts. */
  public managementAccount(): Promise<string> {
    if (!this.management) {
      this.management = call('DescribeOrganization', () => this.organizations.send(new DescribeOrganizationCommand({})))
        .then((r) => r.Organization?.MasterAccountId ?? '');
      this.management.catch(() => undefined);
    }
    return this.management;
  }

  private parentOf(child: string): Promise<PolicyTarget> {
    return remember(this.parents, child, async () => {
      const parent = (await call('ListParents', () => this.organizations.send(new ListParentsCommand({ ChildId: child })))).Parents?.[0];
      if (!parent?.Id || (parent.Type !== 'ROOT' && parent.Type !== 'ORGANIZATIONAL_UNIT')) {
        throw new LookupError('ListParents', new Error(`no parent listed for ${child}`));
      }
      return { id: parent.Id, type: parent.Type };
    });
  }
}

async function call<T>(action: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    throw e instanceof LookupError ? e : new LookupError(action, e);
  }
}

function remember<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = load();
    // A rejection is remembered too (every account asking gets the same answer), and never left unhandled.
    value.catch(() => undefined);
    cache.set(key, value);
  }
  return value;
}
