/**
 * The organization mode: the same read-only checks as `runVerify`, in every target account and
 * Region, each account read through a role assumed once, with at most `concurrency` account-Regions
 * at a time, and once per account its global checks, the tamper-guard SCP above it included. An
 * account whose role cannot be assumed is reported, never thrown.
 */
import { assumedRoleArn, assumeRole, unreachableAccount, Unreachable } from './assume';
import { verifyRegion } from './checks';
import { createOrganizationClients, createRegionClients, destroyClients, OrganizationClients, RegionClients, SessionCredentials } from './clients';
import { verifyGlobal } from './global-checks';
import { organizationOptionProblems } from './organization-options';
import { pool } from './pool';
import { callerIdentity, VerifyDeps } from './run';
import { ScpLookup } from './scp-lookup';
import { countStatuses, regionReport, worstStatus } from './status';
import { resolveTargets, TargetAccount, TargetError } from './targets';
import {
  AccountReport, CheckStatus, DEFAULT_CONCURRENCY, GlobalReport, OrganizationOptions, OrganizationOutcome, OrganizationReport, RegionReport,
} from './types';

/** What `runOrganization` needs beyond `VerifyDeps`; every member has a real default. */
export interface OrganizationDeps extends VerifyDeps {
  /** STS, Organizations and CloudFormation clients of the caller, in the home Region. @default real guarded clients on the standard credential chain */
  readonly organizationClients?: (region: string) => OrganizationClients;
}

/** How one account is read: through an assumed role, with the caller's own credentials, or not at all. */
type Session =
  | { readonly access: 'assumed-role'; readonly credentials: SessionCredentials; readonly sessionArn: string }
  | { readonly access: 'caller'; readonly sessionArn: string }
  | ({ readonly access: 'unreachable' } & Unreachable);

/** One Region of an account, or (no `region`) the account's global checks. */
interface Task {
  readonly target: TargetAccount;
  readonly region?: string;
}

/** Reads every target account and Region. Exit code 0 when nothing failed, 1 when an account-Region or an account's global checks failed or an account could not be read, 2 for usage, credential or listing errors. */
export async function runOrganization(options: OrganizationOptions, deps: OrganizationDeps = {}): Promise<OrganizationOutcome> {
  const problems = organizationOptionProblems(options);
  if (problems.length > 0) {
    return { exitCode: 2, error: problems.join('\n') };
  }
  const home = options.stackSetRegion ?? options.regions[0];
  const org = deps.organizationClients ? deps.organizationClients(home) : createOrganizationClients(home, { profile: options.profile });
  try {
    const caller = await callerIdentity(org.sts, home);
    if ('error' in caller) {
      return { exitCode: 2, error: caller.error };
    }
    const { account: callerAccount, arn: callerArn, partition } = caller;

    let targets: TargetAccount[];
    try {
      targets = await resolveTargets(org, options, home);
    } catch (e) {
      if (e instanceof TargetError) {
        return { exitCode: 2, error: e.message };
      }
      throw e;
    }

    const regionsOf = (t: TargetAccount): string[] => [...new Set(options.regions.length > 0 ? options.regions : t.stackInstanceRegions)];
    const roleArnOf = (account: string): string => assumedRoleArn(partition, account, options.assumeRoleName, options.assumeRolePath ?? '/');
    const sessions = new Map<string, Promise<Session>>();
    // One AssumeRole per account, however many of its Regions start at once.
    const sessionFor = (account: string): Promise<Session> => {
      let session = sessions.get(account);
      if (!session) {
        session = account === callerAccount
          ? Promise.resolve({ access: 'caller', sessionArn: callerArn })
          : assumeRole(org.sts, roleArnOf(account), options.externalId).then(
            (s): Session => ({ access: 'assumed-role', ...s }),
            (e): Session => ({ access: 'unreachable', ...unreachableAccount(e, { roleArn: roleArnOf(account), account, callerArn, region: home, externalId: options.externalId }) }),
          );
        sessions.set(account, session);
      }
      return session;
    };

    // Account by account, so that an account's Regions and its global checks run together and its credentials are short-lived.
    const tasks: Task[] = targets.filter((t) => !t.inactiveState).flatMap((target) => {
      const regions = regionsOf(target);
      return [...regions.map((region) => ({ target, region })), ...(regions.length > 0 ? [{ target }] : [])];
    });
    // The progress line counts account-Regions; the global checks run beside them.
    const total = tasks.filter((t) => t.region).length;
    const scps = new ScpLookup(org.organizations);
    const now = (deps.now ?? (() => new Date()))();
    const running = new Set<string>();
    let done = 0;
    const progress = (): void => deps.onProgress?.({ done, total, running: [...running] });
    progress();
    const results = await pool(tasks, options.concurrency ?? DEFAULT_CONCURRENCY, async ({ target, region }): Promise<RegionReport | GlobalReport | undefined> => {
      const label = `${target.account} ${region}`;
      if (region) {
        running.add(label);
        progress();
      }
      const created: RegionClients[] = [];
      try {
        const session = await sessionFor(target.account);
        if (session.access === 'unreachable') {
          return undefined;
        }
        const credentials = session.access === 'assumed-role' ? session.credentials : undefined;
        const clientsFor = (r: string): RegionClients => {
          const clients = deps.clients
            ? deps.clients(r, credentials)
            : createRegionClients(r, credentials ? { credentials } : { profile: options.profile });
          created.push(clients);
          return clients;
        };
        if (!region) {
          const byRegion = new Map<string, RegionClients>();
          const once = (r: string): RegionClients => byRegion.get(r) ?? byRegion.set(r, clientsFor(r)).get(r)!;
          const ctx = { account: target.account, partition, options, regions: regionsOf(target), stackRegions: target.stackInstanceRegions, clientsFor: once };
          return await verifyGlobal(ctx, { scps, policyName: options.guardPolicyName });
        }
        return regionReport(region, await verifyRegion({ region, account: target.account, partition, options, clients: clientsFor(region), now }));
      } finally {
        if (!deps.clients) {
          created.forEach(destroyClients);
        }
        if (region) {
          running.delete(label);
          done++;
          progress();
        }
      }
    });

    const byAccount = new Map<string, RegionReport[]>();
    const globalOf = new Map<string, GlobalReport>();
    tasks.forEach((task, i) => {
      const report = results[i];
      if (report && task.region) {
        byAccount.set(task.target.account, [...(byAccount.get(task.target.account) ?? []), report as RegionReport]);
      } else if (report) {
        globalOf.set(task.target.account, report as GlobalReport);
      }
    });
    const accounts: AccountReport[] = [];
    for (const target of targets) {
      const session = target.inactiveState ? undefined : await sessionFor(target.account);
      accounts.push(accountReport(target, regionsOf(target), byAccount.get(target.account) ?? [], globalOf.get(target.account), session, roleArnOf(target.account)));
    }
    const pairs: CheckStatus[] = accounts.flatMap((a) => (a.access === 'assumed-role' || a.access === 'caller'
      ? a.regions.map((r) => r.status)
      : a.requestedRegions.map(() => a.status)));
    const counts = countStatuses(pairs);
    const globalCounts = countStatuses(accounts.flatMap((a) => (a.global ? [a.global.status] : [])));
    const unreachable = accounts.filter((a) => a.access === 'unreachable').length;
    const report: OrganizationReport = { callerAccount, callerArn, partition, accounts, ok: counts.FAIL === 0 && globalCounts.FAIL === 0, counts, globalCounts, unreachable };
    return { report, exitCode: report.ok ? 0 : 1 };
  } finally {
    if (!deps.organizationClients) {
      destroyClients(org);
    }
  }
}

function accountReport(target: TargetAccount, requestedRegions: string[], regions: RegionReport[], global: GlobalReport | undefined, session: Session | undefined, roleArn: string): AccountReport {
  const base = { account: target.account, ...(target.name ? { name: target.name } : {}), requestedRegions };
  if (!session) {
    return { ...base, access: 'not-active', status: 'SKIP', error: `the account is ${target.inactiveState}: not read`, regions: [] };
  }
  if (session.access === 'unreachable') {
    return { ...base, access: 'unreachable', roleArn, status: 'FAIL', error: session.error, fix: session.fix, regions: [] };
  }
  return {
    ...base,
    access: session.access,
    ...(session.access === 'assumed-role' ? { roleArn } : {}),
    sessionArn: session.sessionArn,
    status: worstStatus([...regions.map((r) => r.status), ...(global ? [global.status] : [])]),
    regions,
    ...(global ? { global } : {}),
  };
}
