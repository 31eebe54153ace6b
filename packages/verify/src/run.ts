import { ACCOUNT_ID_PATTERN, BUCKET_NAME_PATTERN, ORGANIZATION_ID_PATTERN, REGION_PATTERN } from '../../../lib/shared/facts';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { verifyRegion } from './checks';
import { verifyArchiveBucket } from './checks/replication';
import { createRegionClients, destroyClients, RegionClients, SessionCredentials } from './clients';
import { errorLine, isError, networkCode } from './errors';
import { verifyGlobal } from './global-checks';
import { isRoleNameOrPattern } from './nops-role';
import { pool } from './pool';
import { countStatuses, regionReport } from './status';
import { CHECK_TITLES, DEFAULT_CONCURRENCY, MAX_CONCURRENCY, RegionReport, UsageError, VerifyOptions, VerifyOutcome, VerifyReport } from './types';

const REGION = new RegExp(REGION_PATTERN);

/** What `runVerify` needs from its environment; every member has a real default. */
export interface VerifyDeps {
  /**
   * SDK clients for a Region, with an assumed role's `credentials` in the organization mode.
   * @default real AWS SDK v3 clients on the standard credential chain (or those credentials)
   */
  readonly clients?: (region: string, credentials?: SessionCredentials) => RegionClients;
  /** The current time, for the age of the last log. @default () => new Date() */
  readonly now?: () => Date;
  /** Called when a Region starts and when it is done. */
  readonly onProgress?: (progress: { readonly done: number; readonly total: number; readonly running: string[] }) => void;
}

/**
 * One line per problem with the options both modes share (naming the flag, the value and the fix);
 * empty when they are fine. `regionsRequired` is false when a StackSet supplies the Regions.
 */
export function optionProblems(options: VerifyOptions, regionsRequired = true): string[] {
  const problems: string[] = [];
  if (options.regions.length === 0 && regionsRequired && options.archiveBucket === undefined) {
    problems.push('--regions is required, for example --regions us-east-1,eu-west-1 (only --archive-bucket, in the account that owns it, goes without)');
  }
  const archiveProblems = [
    options.archiveBucket !== undefined && !new RegExp(BUCKET_NAME_PATTERN).test(options.archiveBucket) ? `--archive-bucket ${JSON.stringify(options.archiveBucket)} is not a bucket name: give the ArchiveBucketName output of BedrockInvocationLogArchive` : '',
    options.archiveAccount !== undefined && !new RegExp(ACCOUNT_ID_PATTERN).test(options.archiveAccount) ? `--archive-account ${JSON.stringify(options.archiveAccount)} is not an account id: give 12 digits` : '',
    options.organizationId !== undefined && !new RegExp(ORGANIZATION_ID_PATTERN).test(options.organizationId) ? `--organization-id ${JSON.stringify(options.organizationId)} is not an organization id: give "o-" and 10 to 32 lowercase letters or digits` : '',
    (options.archiveAccount !== undefined || options.organizationId !== undefined) && options.archiveBucket === undefined ? '--archive-account and --organization-id need --archive-bucket: name the archive bucket too' : '',
  ].filter(Boolean);
  problems.push(...archiveProblems);
  const bad = options.regions.filter((r) => !REGION.test(r));
  if (bad.length > 0) {
    problems.push(`--regions: ${bad.map((r) => JSON.stringify(r)).join(', ')} ${bad.length > 1 ? 'are not Region codes' : 'is not a Region code'}: use codes such as us-east-1,eu-west-1`);
  }
  if (options.nopsRoleName !== undefined && !isRoleNameOrPattern(options.nopsRoleName)) {
    problems.push(`--nops-role-name ${JSON.stringify(options.nopsRoleName)} is not an IAM role name or pattern: use 1-64 letters, digits or + = , . @ _ -, and * for any characters (for example Nops-Integration-abc123 or 'Nops-Integration-*')`);
  }
  const concurrency = concurrencyProblem(options.concurrency);
  if (concurrency) {
    problems.push(concurrency);
  }
  return problems;
}

/** The line for a `--concurrency` that is not a whole number from 1 to MAX_CONCURRENCY (as typed, or as a number); undefined when it is fine. */
export function concurrencyProblem(value: string | number | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= MAX_CONCURRENCY) {
    return undefined;
  }
  return `--concurrency ${JSON.stringify(String(value))} is not a whole number from 1 to ${MAX_CONCURRENCY}: use for example --concurrency ${DEFAULT_CONCURRENCY} (the default)`;
}

/** Checks the options; throws `UsageError` with one line per problem. */
export function validateOptions(options: VerifyOptions): void {
  const problems = optionProblems(options);
  if (problems.length > 0) {
    throw new UsageError(problems.join('\n'));
  }
}

/** A one-line explanation of why the caller's credentials could not be used. */
function credentialMessage(e: unknown, region: string): string {
  const code = networkCode(e);
  if (code) {
    return `could not reach AWS STS in ${region} (${code}): check the network or proxy`;
  }
  if (isError(e, 'CredentialsProviderError')) {
    return 'no AWS credentials found: set AWS_PROFILE (or pass --profile), run "aws sso login", or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  return `the AWS credentials were refused (${errorLine(e)}): refresh them (for example "aws sso login") and rerun`;
}

/** Who the caller is (STS GetCallerIdentity in `region`), or the one-line error that ends the run with exit 2. */
export async function callerIdentity(sts: STSClient, region: string): Promise<{ account: string; arn: string; partition: string } | { error: string }> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const account = identity.Account ?? '';
    if (!new RegExp(ACCOUNT_ID_PATTERN).test(account)) {
      return { error: `STS returned no account id (${JSON.stringify(account)})` };
    }
    const arn = identity.Arn ?? '';
    return { account, arn, partition: arn.split(':')[1] || 'aws' };
  } catch (e) {
    return { error: credentialMessage(e, region) };
  }
}

/**
 * Reads the account in every Region of `options` and returns the report and the exit code:
 * 0 when nothing failed, 1 when a check failed, 2 for a usage or credential error. Only reads.
 */
export async function runVerify(options: VerifyOptions, deps: VerifyDeps = {}): Promise<VerifyOutcome> {
  try {
    validateOptions(options);
  } catch (e) {
    if (e instanceof UsageError) {
      return { exitCode: 2, error: e.message };
    }
    throw e;
  }
  const regions = [...new Set(options.regions)];
  // The archive alone (no Region): the identity and the bucket calls go through us-east-1's endpoints (S3 follows the bucket's Region).
  const home = regions[0] ?? 'us-east-1';
  const created = new Map<string, RegionClients>();
  const clientsFor = (region: string): RegionClients => {
    let c = created.get(region);
    if (!c) {
      c = deps.clients ? deps.clients(region) : createRegionClients(region, { profile: options.profile });
      created.set(region, c);
    }
    return c;
  };
  try {
    const caller = await callerIdentity(clientsFor(home).sts, home);
    if ('error' in caller) {
      return { exitCode: 2, error: caller.error };
    }
    const { account, arn: callerArn, partition } = caller;
    const now = (deps.now ?? (() => new Date()))();

    const running = new Set<string>();
    let done = 0;
    deps.onProgress?.({ done, total: regions.length, running: [] });
    const reports = await pool(regions, options.concurrency ?? DEFAULT_CONCURRENCY, async (region): Promise<RegionReport> => {
      running.add(region);
      deps.onProgress?.({ done, total: regions.length, running: [...running] });
      const findings = await verifyRegion({ region, account, partition, options, clients: clientsFor(region), now });
      running.delete(region);
      done++;
      deps.onProgress?.({ done, total: regions.length, running: [...running] });
      return regionReport(region, findings);
    });
    // Once for the account, after its Regions: the roles on the library's IAM path (IAM is global; their stacks are in the Regions).
    const global = regions.length > 0 ? await verifyGlobal({ account, partition, options, regions, clientsFor }) : undefined;
    const archive = options.archiveBucket ? await verifyArchiveBucket({ account, partition, options, clients: clientsFor(home) }, CHECK_TITLES) : undefined;
    if (options.archiveBucket && !archive && regions.length === 0) {
      return { exitCode: 2, error: `account ${account} does not own s3://${options.archiveBucket} (or may not read it): run in the log-archive account to check the archive, or give --regions to check this member's replication into it` };
    }
    const counts = countStatuses([...reports, ...global ? [global] : [], ...archive ? [archive] : []].flatMap((r) => r.checks.map((c) => c.status)));
    const report: VerifyReport = {
      account, callerArn, partition, regions: reports, ...(global ? { global } : {}), ...(archive ? { archive } : {}), ok: counts.FAIL === 0, counts,
    };
    return { report, exitCode: report.ok ? 0 : 1 };
  } finally {
    if (!deps.clients) {
      created.forEach(destroyClients);
    }
  }
}
