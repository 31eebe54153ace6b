/** Outcome of one check. SKIP means the check does not apply (or an earlier check failed); it never fails the run. */
export type CheckStatus = 'PASS' | 'FAIL' | 'WARN' | 'SKIP';

/** Identifiers of the checks, in the order they are reported for a Region. */
export const CHECK_IDS = [
  'bedrock-available',
  'logging-enabled',
  's3-destination',
  'data-types',
  'bucket-location',
  'bucket-policy',
  'bucket-encryption',
  'public-access-block',
  'object-ownership',
  'versioning',
  'kms-key-policy',
  'bedrock-writes',
  'cloudwatch-log-group',
  'cloudwatch-retention',
  'cloudwatch-encryption',
  'cloudwatch-role-trust',
  'cloudwatch-large-data',
  'nops-role',
  'nops-read-prefix',
  'nops-outside-prefix',
  'nops-kms-decrypt',
  'nops-legacy-logs',
] as const;

/** The member's rows about the organization's archive, after the others (only with `--archive-bucket`). */
export const REPLICATION_CHECK_IDS = ['archive-replication', 'archive-replication-role'] as const;

/** The rows of the archive itself (in the account that owns `--archive-bucket`). */
export const ARCHIVE_CHECK_IDS = ['archive-bucket', 'archive-org-condition', 'archive-key-space', 'archive-no-write-rights'] as const;

/**
 * The checks of the account as a whole, once per account, not per Region (IAM and AWS Organizations
 * are global): roles on the library's IAM path that no stack created, and (organization mode) the
 * tamper-guard SCP above the account.
 */
export const GLOBAL_CHECK_IDS = ['library-path-roles', 'tamper-guard-attached'] as const;

export type CheckId = typeof CHECK_IDS[number] | typeof REPLICATION_CHECK_IDS[number] | typeof ARCHIVE_CHECK_IDS[number] | typeof GLOBAL_CHECK_IDS[number];

/** Human titles of the checks, as printed in the table. */
export const CHECK_TITLES: Record<CheckId, string> = {
  'bedrock-available': 'Bedrock available in the Region',
  'logging-enabled': 'Model invocation logging enabled',
  's3-destination': 'S3 destination and key prefix',
  'data-types': 'Data types delivered',
  'bucket-location': 'Bucket in this account and Region',
  'bucket-policy': 'Bucket policy: Bedrock write statement',
  'bucket-encryption': 'Bucket default encryption',
  'public-access-block': 'Bucket public access blocked',
  'object-ownership': 'Bucket ACLs disabled',
  'versioning': 'Bucket versioning',
  'kms-key-policy': 'KMS key policy lets Bedrock encrypt',
  'bedrock-writes': 'Bedrock has written logs',
  'cloudwatch-log-group': 'CloudWatch log group exists',
  'cloudwatch-retention': 'CloudWatch log group retention',
  'cloudwatch-encryption': 'CloudWatch log group encryption',
  'cloudwatch-role-trust': 'CloudWatch role trust conditions',
  'cloudwatch-large-data': 'CloudWatch large data delivery',
  'nops-role': 'nOps role exists',
  'nops-read-prefix': 'nOps may read the prefix',
  'nops-outside-prefix': 'nOps may not read outside it',
  'nops-kms-decrypt': 'nOps may decrypt the logs',
  'nops-legacy-logs': 'nOps CloudWatch read (legacy)',
  'archive-replication': 'Replication to the archive',
  'archive-replication-role': 'Replication role trust',
  'archive-bucket': 'Archive versioned, owns replicas',
  'archive-org-condition': 'Archive: organization only',
  'archive-key-space': 'Archive: own folder per account',
  'archive-no-write-rights': 'Archive: no delete or config',
  'library-path-roles': 'Library IAM path: stack roles only',
  'tamper-guard-attached': 'Tamper guard SCP attached',
};

/** One row of the report. */
export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found, one line. */
  readonly detail: string;
  /** What to do about a FAIL or WARN, one line. */
  readonly fix?: string;
}

/** The checks of one Region. */
export interface RegionReport {
  readonly region: string;
  /** The worst status of the Region's checks (FAIL, then WARN, then PASS; SKIP when nothing applied). */
  readonly status: CheckStatus;
  /** `s3://BUCKET/PREFIX/`, what nOps asks for, when logging has an S3 destination (healthy or not: see `status`). */
  readonly s3DataPrefix?: string;
  /** When Bedrock last wrote an invocation log under it (ISO 8601); absent when it has not (or it could not be listed). */
  readonly lastLog?: string;
  readonly checks: CheckResult[];
  readonly counts: Record<CheckStatus, number>;
}

/** The archive's checks, when the caller's account owns `--archive-bucket`. */
export interface ArchiveReport {
  readonly bucket: string;
  readonly region: string;
  readonly checks: CheckResult[];
  readonly counts: Record<CheckStatus, number>;
}

/** The account's global checks (`GLOBAL_CHECK_IDS`), once per account. */
export interface GlobalReport {
  /** The worst status of its checks. */
  readonly status: CheckStatus;
  readonly checks: CheckResult[];
  readonly counts: Record<CheckStatus, number>;
}

/** Everything `verify` found. */
export interface VerifyReport {
  readonly account: string;
  readonly callerArn: string;
  readonly partition: string;
  readonly regions: RegionReport[];
  /** The account's global checks; absent when no Region was checked (the archive alone). */
  readonly global?: GlobalReport;
  /** The organization's archive, when this account owns `--archive-bucket`. */
  readonly archive?: ArchiveReport;
  /** True when no check failed. */
  readonly ok: boolean;
  readonly counts: Record<CheckStatus, number>;
}

/** What to verify. */
export interface VerifyOptions {
  /** Regions to check, in report order. */
  readonly regions: string[];
  /** Name of the nOps integration role; its checks are skipped when absent. */
  readonly nopsRoleName?: string;
  /** Expected key prefix (normalised, no leading or trailing `/`); FAIL when Bedrock writes elsewhere. */
  readonly keyPrefix?: string;
  /** Report a Region where Bedrock's endpoint does not resolve as WARN instead of FAIL. */
  readonly allowUnavailableRegions?: boolean;
  /** Named profile of the shared AWS config files; otherwise the standard credential chain. */
  readonly profile?: string;
  /** How many Regions (organization mode: account-Regions) are read at the same time. @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
  /**
   * The organization's log archive bucket: in a member account each Region's log bucket must
   * replicate into it; in the account that owns it, its policy is checked.
   */
  readonly archiveBucket?: string;
  /** The account that owns `archiveBucket`; FAIL when a member's rule names another. */
  readonly archiveAccount?: string;
  /** The organization the archive's policy must require (`aws:PrincipalOrgID`). */
  readonly organizationId?: string;
}

/** Account-Regions (or Regions, for one account) read at the same time unless `--concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 8;

/** The most `--concurrency` accepts: beyond it IAM and STS throttle more than they gain. */
export const MAX_CONCURRENCY = 64;

/** How the StackSet is listed: as the management account (SELF) or as a delegated administrator. */
export type CallAs = 'SELF' | 'DELEGATED_ADMIN';

/** What to verify across an organization: the same checks in every target account, through a role assumed in each. */
export interface OrganizationOptions extends VerifyOptions {
  /** Regions to check in every account; may be empty with `stackSet` (then each account's stack instance Regions). */
  readonly regions: string[];
  /** Account ids, in report order. */
  readonly accounts?: string[];
  /** OU or root ids whose accounts (recursively) are verified. */
  readonly organizationalUnits?: string[];
  /** StackSet whose stack instances name the accounts (and, without `regions`, the Regions). */
  readonly stackSet?: string;
  /** The StackSet's home Region. @default the first of `regions` */
  readonly stackSetRegion?: string;
  /** @default 'SELF' */
  readonly callAs?: CallAs;
  /** Name of the role assumed in each account. */
  readonly assumeRoleName: string;
  /** IAM path of that role. @default '/' */
  readonly assumeRolePath?: string;
  /** External id the role's trust policy requires. @default - none sent */
  readonly externalId?: string;
  /** Name of the tamper-guard SCP looked for above each account. @default TAMPER_GUARD_POLICY_NAME */
  readonly guardPolicyName?: string;
}

/** How an account was read. */
export type AccountAccess = 'assumed-role' | 'caller' | 'unreachable' | 'not-active';

/** One account of the organization report. */
export interface AccountReport {
  readonly account: string;
  /** The account's name, when Organizations listed it. */
  readonly name?: string;
  /** `assumed-role`; `caller` for the caller's own account (read with the caller's credentials); `unreachable` when the role could not be assumed; `not-active` for a suspended or closing account (not read). */
  readonly access: AccountAccess;
  /** The role verify assumed (or tried to). */
  readonly roleArn?: string;
  /** The session verify read the account as (AssumeRole's AssumedRoleUser, or the caller). */
  readonly sessionArn?: string;
  /** Worst status over its Regions and global checks; FAIL when unreachable, SKIP when not active. */
  readonly status: CheckStatus;
  /** Why the account could not be read, one line. */
  readonly error?: string;
  /** What to do about `error`, one line. */
  readonly fix?: string;
  /** The Regions it was to be checked in (also when it could not be). */
  readonly requestedRegions: string[];
  /** Empty when the account could not be read. */
  readonly regions: RegionReport[];
  /** The account's global checks (the library's IAM path, the tamper guard); absent when it could not be read. */
  readonly global?: GlobalReport;
}

/** Everything the organization mode found. */
export interface OrganizationReport {
  readonly callerAccount: string;
  readonly callerArn: string;
  readonly partition: string;
  readonly accounts: AccountReport[];
  /** True when no account-Region and no account's global checks failed, and every account could be read. */
  readonly ok: boolean;
  /** Account-Regions by worst status; an unreachable account's Regions count as FAIL. */
  readonly counts: Record<CheckStatus, number>;
  /** Accounts read, by the worst status of their global checks. */
  readonly globalCounts: Record<CheckStatus, number>;
  /** Accounts whose role could not be assumed. */
  readonly unreachable: number;
}

/** Outcome of `runOrganization`, as `VerifyOutcome`. */
export interface OrganizationOutcome {
  readonly report?: OrganizationReport;
  /** 0: nothing failed; 1: an account-Region or an account's global checks failed, or an account could not be read; 2: usage, credential or listing error. */
  readonly exitCode: 0 | 1 | 2;
  readonly error?: string;
}

/** Outcome of `runVerify`: the report (absent on a credential error), the process exit code, and the error message for exit code 2. */
export interface VerifyOutcome {
  readonly report?: VerifyReport;
  /** 0: nothing failed; 1: a check failed; 2: usage or credential error. */
  readonly exitCode: 0 | 1 | 2;
  readonly error?: string;
}

/** Raised for a problem with the command line or the credentials: exit code 2, one-line message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
