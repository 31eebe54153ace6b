/**
 * The organization's log archive, read-only (`--archive-bucket NAME`):
 *  - in a member account, each Region's log bucket replicates its log folder into NAME (one
 *    enabled rule, destination and prefix as expected, delete markers not replicated, SSE-KMS
 *    objects included) with a role on the library's path trusted only by S3 for that bucket;
 *  - in the account that owns NAME, its policy admits replication and nothing else: the
 *    organization condition, each account only into its own folder, no delete or configuration
 *    rights for anyone outside the account.
 */
import { ARCHIVE_REPLICATION_ACTIONS, PRINCIPAL_ACCOUNT_VARIABLE, S3_SERVICE_PRINCIPAL } from '../../../../lib/archive/facts';
import { IAM_PATH, logObjectsFolder, prefixPath } from '../../../../lib/shared/facts';
import { GetRoleCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import {
  GetBucketLocationCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, GetBucketReplicationCommand, GetBucketVersioningCommand,
  ReplicationConfiguration, ReplicationRule,
} from '@aws-sdk/client-s3';
import { RegionClients } from '../clients';
import { errorLine, isAccessDenied, isError } from '../errors';
import { asList, conditionValues, isAllow, parsePolicy, PolicyStatement, principalsOf, statementName, wildcardMatch } from '../policy';
import { ArchiveReport, CheckId, CheckResult, CheckStatus, VerifyOptions } from '../types';

/** Sets one row (of the Region's rows, or of the archive's). */
export type RowSetter = (id: CheckId, status: CheckStatus, detail: string, fix?: string) => void;

/** What the member's checks learned of the log bucket. */
export interface ReplicationSource {
  readonly bucketName: string;
  readonly prefix: string;
  /** Set when the bucket's default encryption is SSE-KMS. */
  readonly sseKms: boolean;
}

interface Scope {
  readonly account: string;
  readonly partition: string;
  readonly options: VerifyOptions;
  readonly clients: RegionClients;
}

const ROWS = { rule: 'archive-replication', role: 'archive-replication-role' } as const;

function unreadable(set: RowSetter, id: CheckId, permission: string, e: unknown): void {
  set(id, 'FAIL', `could not check: ${errorLine(e)}`, isAccessDenied(e) ? `run verify with a principal allowed ${permission}, then rerun` : 'check the network and credentials, then rerun');
}

/** The rule's prefix filter, in any of the forms S3 returns (V2 `Filter`, `Filter.And`, legacy `Prefix`). */
function rulePrefix(rule: ReplicationRule): string | undefined {
  return rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix;
}

/**
 * The member's rows for one Region: `archive-replication` (the rule) and
 * `archive-replication-role` (its role). `source` undefined: skipped for `reason`.
 */
export async function checkMemberReplication(scope: Scope & { readonly region: string }, set: RowSetter, source: ReplicationSource | undefined, reason: string): Promise<void> {
  const archive = scope.options.archiveBucket!;
  if (!source) {
    set(ROWS.rule, 'SKIP', reason);
    set(ROWS.role, 'SKIP', reason);
    return;
  }
  const deployFix = `deploy the member stack with -c archiveBucket=${archive} -c archiveAccount=ARCHIVE_ACCOUNT (StackSet: ArchiveBucketName, ArchiveAccountId), after the archive stack`;
  let config: ReplicationConfiguration | undefined;
  try {
    config = (await scope.clients.s3.send(new GetBucketReplicationCommand({ Bucket: source.bucketName, ExpectedBucketOwner: scope.account }))).ReplicationConfiguration;
  } catch (e) {
    if (isError(e, 'ReplicationConfigurationNotFoundError')) {
      set(ROWS.rule, 'FAIL', `s3://${source.bucketName} has no replication configuration: this account's logs stay in ${scope.region}`, deployFix);
    } else {
      unreadable(set, ROWS.rule, `s3:GetReplicationConfiguration on arn:${scope.partition}:s3:::${source.bucketName}`, e);
    }
    set(ROWS.role, 'SKIP', 'no replication configuration read');
    return;
  }
  const destination = `arn:${scope.partition}:s3:::${archive}`;
  const rules = config?.Rules ?? [];
  const rule = rules.find((r) => r.Destination?.Bucket === destination);
  if (!rule) {
    const elsewhere = [...new Set(rules.map((r) => r.Destination?.Bucket).filter(Boolean))];
    set(ROWS.rule, 'FAIL', `s3://${source.bucketName} replicates ${elsewhere.length ? `to ${elsewhere.join(', ')}` : 'nowhere'}, not to ${destination}`, deployFix);
    set(ROWS.role, 'SKIP', 'no rule replicates to the archive');
    return;
  }
  const folder = logObjectsFolder(source.prefix, scope.account);
  const problems: string[] = [];
  const warnings: string[] = [];
  const name = `rule ${JSON.stringify(rule.ID ?? '(no id)')}`;
  if (rule.Status !== 'Enabled') problems.push(`${name} is ${rule.Status ?? 'without status'}`);
  const prefix = rulePrefix(rule);
  if (prefix !== folder) {
    problems.push(`${name} replicates ${prefix ? `the prefix ${JSON.stringify(prefix)}` : 'the whole bucket'}, not this account's log folder ${JSON.stringify(folder)} (the archive admits only that folder)`);
  }
  if (rule.DeleteMarkerReplication?.Status === 'Enabled') problems.push(`${name} replicates delete markers: a delete here would hide the archived log`);
  const account = rule.Destination?.Account;
  if (scope.options.archiveAccount && account !== scope.options.archiveAccount) {
    problems.push(`${name} names ${account ? `account ${account}` : 'no destination account'}, expected ${scope.options.archiveAccount}`);
  } else if (!account) {
    warnings.push(`${name} names no destination account, so S3 does not check who owns ${archive}`);
  }
  if (source.sseKms && rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status !== 'Enabled') {
    problems.push(`the log bucket is SSE-KMS but ${name} does not select SSE-KMS objects: no log is replicated`);
  }
  if (rule.Destination?.Metrics?.Status !== 'Enabled') warnings.push(`${name} has replication metrics off: failures do not show in CloudWatch`);
  const detail = `${name}: s3://${source.bucketName}/${folder} to ${destination}${account ? ` (account ${account})` : ''}, delete markers ${rule.DeleteMarkerReplication?.Status === 'Enabled' ? 'replicated' : 'not replicated'}`;
  const fix = `make ${name} replicate only ${folder}, enabled, to ${destination} with the archive account, delete markers disabled${source.sseKms ? ', SSE-KMS objects selected with the archive\'s key' : ''} (${deployFix.replace('deploy', 'redeploy')})`;
  if (problems.length) set(ROWS.rule, 'FAIL', `${problems.join('; ')}${warnings.length ? `; ${warnings.join('; ')}` : ''}`, fix);
  else if (warnings.length) set(ROWS.rule, 'WARN', `${detail}; ${warnings.join('; ')}`, fix);
  else set(ROWS.rule, 'PASS', `${detail}, metrics on`);

  await checkReplicationRole(scope, set, config?.Role, source, destination, folder);
}

async function checkReplicationRole(scope: Scope, set: RowSetter, roleArn: string | undefined, source: ReplicationSource, destination: string, folder: string): Promise<void> {
  if (!roleArn) {
    set(ROWS.role, 'FAIL', 'the replication configuration names no role', 'redeploy the member stack: it creates the replication role');
    return;
  }
  const bucketArn = `arn:${scope.partition}:s3:::${source.bucketName}`;
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  let document: string | undefined;
  try {
    document = (await scope.clients.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.AssumeRolePolicyDocument;
  } catch (e) {
    if (isError(e, 'NoSuchEntity')) {
      set(ROWS.role, 'FAIL', `role ${roleArn} does not exist: S3 cannot replicate`, 'redeploy the member stack: it creates the replication role');
    } else {
      unreadable(set, ROWS.role, `iam:GetRole on ${roleArn}`, e);
    }
    return;
  }
  let statements: PolicyStatement[];
  try {
    statements = parsePolicy(document ?? '');
  } catch (e) {
    set(ROWS.role, 'FAIL', `the trust policy of ${roleName} cannot be read: ${(e as Error).message}`, `trust ${S3_SERVICE_PRINCIPAL} only, with aws:SourceAccount ${scope.account} and aws:SourceArn ${bucketArn}`);
    return;
  }
  const failures: string[] = [];
  statements.forEach((st, i) => {
    if (!isAllow(st)) return;
    const p = principalsOf(st.Principal);
    const others = [...p.aws, ...p.other, ...p.services.filter((x) => x !== S3_SERVICE_PRINCIPAL)];
    if (st.NotPrincipal !== undefined || p.anyone) failures.push(`${statementName(st, i)} trusts anyone`);
    else if (others.length) failures.push(`${statementName(st, i)} also trusts ${others.join(', ')}`);
    if (!p.services.includes(S3_SERVICE_PRINCIPAL)) return;
    const accounts = conditionValues(st, ['StringEquals'], 'aws:SourceAccount') ?? [];
    const arns = conditionValues(st, ['ArnEquals', 'ArnLike', 'StringEquals', 'StringLike'], 'aws:SourceArn') ?? [];
    if (accounts.length !== 1 || accounts[0] !== scope.account) failures.push(`${statementName(st, i)} is not limited to aws:SourceAccount ${scope.account}`);
    if (arns.length === 0 || arns.some((a) => !wildcardMatch(a, bucketArn) || a.includes('*'))) failures.push(`${statementName(st, i)} is not limited to aws:SourceArn ${bucketArn}`);
  });
  if (!statements.some((st) => isAllow(st) && principalsOf(st.Principal).services.includes(S3_SERVICE_PRINCIPAL))) failures.unshift(`${roleName} does not trust ${S3_SERVICE_PRINCIPAL}`);
  if (!roleArn.includes(`:role${IAM_PATH}`)) {
    failures.push(`${roleArn} is not on the library's IAM path ${IAM_PATH}: the archive admits only roles on it, so replication is refused`);
  }
  // The role's own policies, asked of IAM's simulator: replicate into this account's folder, and never delete there.
  const sample = `${destination}/${folder}example.json.gz`;
  try {
    const result = await scope.clients.iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: ['s3:ReplicateObject', 's3:ReplicateDelete'], ResourceArns: [sample] }));
    const decision = (action: string) => result.EvaluationResults?.find((r) => r.EvalActionName?.toLowerCase() === action.toLowerCase())?.EvalDecision;
    if (decision('s3:ReplicateObject') !== 'allowed') failures.push(`the role's policies do not allow s3:ReplicateObject on ${sample} (${decision('s3:ReplicateObject') ?? 'no answer'})`);
    if (decision('s3:ReplicateDelete') === 'allowed') failures.push(`the role's policies allow s3:ReplicateDelete on ${destination}/${folder}*`);
  } catch (e) {
    failures.push(`could not simulate its policies (${errorLine(e)})`);
  }
  if (failures.length) {
    set(ROWS.role, 'FAIL', failures.join('; '), `use the library's replication role: on ${IAM_PATH}, trusted only by ${S3_SERVICE_PRINCIPAL} with aws:SourceAccount ${scope.account} and aws:SourceArn ${bucketArn}, allowed ${ARCHIVE_REPLICATION_ACTIONS.join(' and ')} on ${destination}/${folder}* (redeploy the member stack)`);
  } else {
    set(ROWS.role, 'PASS', `${roleArn}: trusted only by ${S3_SERVICE_PRINCIPAL} for ${bucketArn} (aws:SourceAccount, aws:SourceArn); IAM's simulator: s3:ReplicateObject allowed, s3:ReplicateDelete not`);
  }
}

/** Which account owns the archive, as far as the caller can tell. */
type Ownership = { readonly own: true; readonly region: string } | { readonly own: false };

async function ownership(scope: Scope): Promise<Ownership> {
  try {
    const location = await scope.clients.s3.send(new GetBucketLocationCommand({ Bucket: scope.options.archiveBucket!, ExpectedBucketOwner: scope.account }));
    const c = location.LocationConstraint;
    return { own: true, region: !c ? 'us-east-1' : c === 'EU' ? 'eu-west-1' : c };
  } catch {
    return { own: false };
  }
}

const ARCHIVE_ROWS = ['archive-bucket', 'archive-org-condition', 'archive-key-space', 'archive-no-write-rights'] as const;

/**
 * The archive's rows when the caller's account owns `--archive-bucket`; undefined when it does not
 * (a member: its Regions carry the replication rows instead).
 */
export async function verifyArchiveBucket(scope: Scope, titles: Record<CheckId, string>): Promise<ArchiveReport | undefined> {
  const owner = await ownership(scope);
  if (!owner.own) return undefined;
  const rows = new Map<CheckId, CheckResult>();
  const set: RowSetter = (id, status, detail, fix) => rows.set(id, { id, title: titles[id], status, detail, ...(fix && status !== 'PASS' && status !== 'SKIP' ? { fix } : {}) });
  const bucket = scope.options.archiveBucket!;
  const bucketArn = `arn:${scope.partition}:s3:::${bucket}`;
  await checkArchiveBucketSettings(scope, set, bucket);
  let statements: PolicyStatement[] | undefined;
  try {
    statements = parsePolicy((await scope.clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: scope.account }))).Policy ?? '');
  } catch (e) {
    const why = isError(e, 'NoSuchBucketPolicy') ? 'the archive has no bucket policy: no member can replicate into it' : `its policy could not be read (${errorLine(e)})`;
    for (const id of ['archive-org-condition', 'archive-key-space', 'archive-no-write-rights'] as const) {
      if (isError(e, 'NoSuchBucketPolicy')) set(id, 'FAIL', why, 'deploy the archive stack (BedrockInvocationLogArchive): it writes the policy');
      else unreadable(set, id, `s3:GetBucketPolicy on ${bucketArn}`, e);
    }
  }
  if (statements) checkArchivePolicy(scope, set, statements, bucketArn);
  const checks = ARCHIVE_ROWS.filter((id) => rows.has(id)).map((id) => rows.get(id)!);
  const counts: Record<CheckStatus, number> = { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0 };
  for (const c of checks) counts[c.status]++;
  return { bucket, region: owner.region, checks, counts };
}

async function checkArchiveBucketSettings(scope: Scope, set: RowSetter, bucket: string): Promise<void> {
  const problems: string[] = [];
  try {
    const status = (await scope.clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucket, ExpectedBucketOwner: scope.account }))).Status;
    if (status !== 'Enabled') problems.push(`versioning is ${status ?? 'off'}: S3 replicates only into a versioned bucket`);
    const ownership = (await scope.clients.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket, ExpectedBucketOwner: scope.account }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership;
    if (ownership !== 'BucketOwnerEnforced') problems.push(`Object Ownership is ${ownership ?? 'not set'}: replicas stay owned by the member accounts`);
  } catch (e) {
    if (isError(e, 'OwnershipControlsNotFoundError')) problems.push('no ownership controls: replicas stay owned by the member accounts');
    else return unreadable(set, 'archive-bucket', `s3:GetBucketVersioning and s3:GetBucketOwnershipControls on arn:${scope.partition}:s3:::${bucket}`, e);
  }
  if (problems.length) set('archive-bucket', 'FAIL', problems.join('; '), 'deploy the archive with BedrockLogArchive (versioned, Object Ownership BucketOwnerEnforced)');
  else set('archive-bucket', 'PASS', `s3://${bucket} in account ${scope.account}: versioned, ACLs disabled (the archive account owns every replica)`);
}

/** True when the statement's principals reach beyond this account (anyone, or another account's principals). */
function outside(st: PolicyStatement, account: string): boolean {
  if (st.NotPrincipal !== undefined) return true;
  const p = principalsOf(st.Principal);
  return p.anyone || p.aws.some((a) => !a.startsWith(`arn:aws`) ? a !== account : a.split(':')[4] !== account) || p.other.length > 0;
}

function checkArchivePolicy(scope: Scope, set: RowSetter, statements: PolicyStatement[], bucketArn: string): void {
  const open = statements.map((st, i) => ({ st, i })).filter(({ st }) => isAllow(st) && outside(st, scope.account));
  const replicating = open.filter(({ st }) => asList(st.Action).some((a) => wildcardMatch(a, 's3:ReplicateObject', true)) || st.NotAction !== undefined);
  const orgId = scope.options.organizationId;

  // The organization and the library's path.
  const orgProblems: string[] = [];
  const orgWarnings: string[] = [];
  for (const { st, i } of open) {
    const orgs = conditionValues(st, ['StringEquals'], 'aws:PrincipalOrgID') ?? [];
    if (orgs.length === 0) orgProblems.push(`${statementName(st, i)} allows principals outside the account without aws:PrincipalOrgID`);
    else if (orgId && orgs.some((o) => o !== orgId)) orgProblems.push(`${statementName(st, i)} admits organization ${orgs.join(', ')}, not ${orgId}`);
    const paths = conditionValues(st, ['ArnLike', 'ArnEquals', 'StringLike', 'StringEquals'], 'aws:PrincipalArn') ?? [];
    if (replicating.some((r) => r.st === st) && !paths.some((p) => p.includes(`:role${IAM_PATH}`))) {
      orgWarnings.push(`${statementName(st, i)} admits any role of the organization, not only the library's (aws:PrincipalArn on ${IAM_PATH})`);
    }
  }
  if (replicating.length === 0) {
    set('archive-org-condition', 'FAIL', 'no statement lets member accounts s3:ReplicateObject: nothing can be replicated', 'deploy the archive stack (BedrockInvocationLogArchive) with -c organizationId=o-...');
  } else if (orgProblems.length) {
    set('archive-org-condition', 'FAIL', orgProblems.join('; '), `limit every statement for other accounts to StringEquals aws:PrincipalOrgID ${orgId ?? 'o-...'} (BedrockLogArchive does)`);
  } else if (orgWarnings.length) {
    set('archive-org-condition', 'WARN', orgWarnings.join('; '), `add ArnLike aws:PrincipalArn arn:${scope.partition}:iam::*:role${IAM_PATH}* (BedrockLogArchive does)`);
  } else {
    const orgs = [...new Set(open.flatMap(({ st }) => conditionValues(st, ['StringEquals'], 'aws:PrincipalOrgID') ?? []))];
    set('archive-org-condition', 'PASS', `every statement for other accounts requires aws:PrincipalOrgID ${orgs.join(', ')}; replication only for roles on ${IAM_PATH}`);
  }

  // Each account only into its own folder.
  const spaceProblems: string[] = [];
  const expectedPrefix = scope.options.keyPrefix;
  for (const { st, i } of replicating) {
    if (st.NotResource !== undefined) { spaceProblems.push(`${statementName(st, i)} uses NotResource`); continue; }
    for (const r of asList(st.Resource)) {
      const m = new RegExp(`^${escape(bucketArn)}/(.*)AWSLogs/${escape(PRINCIPAL_ACCOUNT_VARIABLE)}/BedrockModelInvocationLogs/\\*$`).exec(r);
      if (!m || m[1].includes('*') || m[1].includes('?')) spaceProblems.push(`${statementName(st, i)} covers ${r}, not only PREFIX/AWSLogs/${PRINCIPAL_ACCOUNT_VARIABLE}/BedrockModelInvocationLogs/*`);
      else if (expectedPrefix !== undefined && m[1] !== prefixPath(expectedPrefix)) spaceProblems.push(`${statementName(st, i)} admits the prefix ${JSON.stringify(m[1].replace(/\/$/, ''))}, not --key-prefix ${JSON.stringify(expectedPrefix)}`);
    }
  }
  if (replicating.length === 0) set('archive-key-space', 'SKIP', 'no statement admits replication');
  else if (spaceProblems.length) set('archive-key-space', 'FAIL', spaceProblems.join('; '), `limit Resource to ${bucketArn}/${prefixPath(expectedPrefix ?? 'PREFIX')}AWSLogs/${PRINCIPAL_ACCOUNT_VARIABLE}/BedrockModelInvocationLogs/* (BedrockLogArchive does)`);
  else set('archive-key-space', 'PASS', `each account replicates only into ${prefixPath(expectedPrefix ?? 'PREFIX')}AWSLogs/${PRINCIPAL_ACCOUNT_VARIABLE}/BedrockModelInvocationLogs/*`);

  // Nothing else for anyone outside the account.
  const allowed = new Set([...ARCHIVE_REPLICATION_ACTIONS, 's3:GetBucketVersioning'].map((a) => a.toLowerCase()));
  const extra: string[] = [];
  for (const { st, i } of open) {
    if (st.NotAction !== undefined) { extra.push(`${statementName(st, i)} allows every action but ${asList(st.NotAction).join(', ')}`); continue; }
    const wider = asList(st.Action).filter((a) => !allowed.has(a.toLowerCase()));
    if (wider.length) extra.push(`${statementName(st, i)} allows ${wider.join(', ')}`);
  }
  if (extra.length) set('archive-no-write-rights', 'FAIL', `${extra.join('; ')} to principals outside the account`, `allow other accounts only ${ARCHIVE_REPLICATION_ACTIONS.join(' and ')}: no s3:ReplicateDelete, delete, policy, versioning or lifecycle rights (BedrockLogArchive)`);
  else set('archive-no-write-rights', 'PASS', `principals outside the account get ${ARCHIVE_REPLICATION_ACTIONS.join(' and ')} only: no s3:ReplicateDelete, no delete, no policy, versioning or lifecycle change`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
