import { ACCOUNT_ID_PATTERN, BEDROCK_LOG_STREAM, BEDROCK_SERVICE_PRINCIPAL, bedrockEncryptStatement, bedrockSourceConditions, bedrockWriteStatement } from '../../../lib/facts';
import { LoggingConfig } from '@aws-sdk/client-bedrock';
import { DescribeLogGroupsCommand, LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { ContextEntry, GetRoleCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, KeyMetadata } from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand, GetBucketLocationCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand,
  GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { analyseBucketPolicy, BucketPolicyAccess, Finding } from './bucket-access';
import { checkDataTypes, checkLoggingConfiguration, checkS3Destination, S3Destination } from './checks/bedrock';
import { RegionContext, Rows, scopeOf, unreadable } from './checks/common';
import { errorLine, isAccessDenied, isError } from './errors';
import {
  allowsForService, asList, confinedTo, coversResource, grantsAction, isAllow,
  parsePolicy, PolicyStatement, principalsOf, sourceConditionProblems, SourceScope, statementName,
} from './policy';
import { isRoleNamePattern, rolesMatching } from './nops-role';
import { logsBase, normalizeConfiguredPrefix, prefixPath } from './prefix';
import { checkMemberReplication, ReplicationSource } from './replication';
import { CHECK_IDS, CheckId, CheckResult } from './types';

export type { RegionContext } from './checks/common';

/** The zero-byte object Bedrock writes when logging is configured. */
export const PERMISSION_CHECK_OBJECT = 'amazon-bedrock-logs-permission-check';

/** Logs older than this are reported as a warning: delivery may have stopped. */
export const STALE_AFTER_DAYS = 7;

/** Retention shorter than this is reported as a warning. */
export const MIN_RETENTION_DAYS = 365;

/** What `verifyRegion` found in one Region. */
export interface RegionFindings {
  readonly checks: CheckResult[];
  /** `s3://BUCKET/PREFIX/` of the S3 destination, when there is one. */
  readonly s3DataPrefix?: string;
  /** When Bedrock last wrote an invocation log there (ISO 8601), when it has. */
  readonly lastLog?: string;
}

const BUCKET_IDS: CheckId[] = ['bucket-location', 'bucket-policy', 'bucket-encryption', 'public-access-block', 'object-ownership', 'versioning', 'kms-key-policy', 'bedrock-writes'];

const CLOUDWATCH_IDS: CheckId[] = ['cloudwatch-log-group', 'cloudwatch-retention', 'cloudwatch-encryption', 'cloudwatch-role-trust', 'cloudwatch-large-data'];

const NOPS_IDS: CheckId[] = ['nops-role', 'nops-read-prefix', 'nops-outside-prefix', 'nops-kms-decrypt', 'nops-legacy-logs'];

/** Runs every check for one Region. Never throws: each problem becomes a row. */
export async function verifyRegion(ctx: RegionContext): Promise<RegionFindings> {
  const rows = new Rows();
  try {
    await checkRegion(ctx, rows);
  } catch (e) {
    // A bug or an unexpected answer must not hide the other Regions: report it on the first unset row.
    const id = CHECK_IDS.find((c) => !rows.list().some((r) => r.id === c)) ?? 'logging-enabled';
    rows.fail(id, `verify stopped: ${errorLine(e)}`, 'rerun; if it persists, report it with the --json output');
    rows.skipUnset(CHECK_IDS.filter((c) => c !== 'bedrock-available'), 'not checked: verify stopped earlier');
  }
  return {
    checks: rows.list(),
    ...(rows.s3DataPrefix !== undefined ? { s3DataPrefix: rows.s3DataPrefix } : {}),
    ...(rows.lastLog ? { lastLog: rows.lastLog.toISOString() } : {}),
  };
}

async function checkRegion(ctx: RegionContext, rows: Rows): Promise<void> {
  const found: { source?: ReplicationSource } = {};
  await checkLogging(ctx, rows, found);
  // With --archive-bucket: this Region's replication into the organization's archive (replication.ts).
  if (ctx.options.archiveBucket) {
    await checkMemberReplication(ctx, (id, status, detail, fix) => rows.set(id, status, detail, fix), found.source, 'no log bucket of this account to replicate from');
  }
}

async function checkLogging(ctx: RegionContext, rows: Rows, found: { source?: ReplicationSource }): Promise<void> {
  const config = await checkLoggingConfiguration(ctx, rows);
  if (config === undefined) {
    return;
  }
  if (config === 'off') {
    rows.skipUnset(['s3-destination', 'data-types', ...BUCKET_IDS, ...CLOUDWATCH_IDS], 'logging is off');
    await checkNops(ctx, rows, undefined, undefined, 'logging is off');
    return;
  }

  const s3 = checkS3Destination(ctx, rows, config);
  checkDataTypes(rows, config);

  let bucket: BucketFacts | 'missing' | 'foreign' | undefined;
  if (s3) {
    bucket = await checkBucket(ctx, rows, s3, config);
    if (bucket !== 'missing' && bucket !== 'foreign') found.source = { bucketName: s3.bucketName, prefix: s3.prefix, sseKms: bucket.kmsKeyArn !== undefined };
  } else {
    rows.skipUnset(BUCKET_IDS, 'no S3 destination');
  }
  await checkCloudWatch(ctx, rows, config);
  if (!s3) {
    await checkNops(ctx, rows, undefined, config, 'no S3 destination to read');
  } else if (bucket === 'missing' || bucket === 'foreign') {
    await checkNops(ctx, rows, undefined, config, UNREADABLE_BUCKET[bucket]);
  } else {
    await checkNops(ctx, rows, { ...s3, ...bucket }, config, '');
  }
}

/** What verify learned of the bucket policy: its statements, that there is none, or why it is unknown. */
type BucketPolicyState =
  | { readonly kind: 'read'; readonly statements: PolicyStatement[] }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly reason: string };

/** What the bucket checks learned, for the nOps checks. */
interface BucketFacts {
  /** Absent when the bucket is missing or belongs to another account: nothing of it can be read. */
  readonly policy?: BucketPolicyState;
  readonly kmsKeyArn?: string;
}

/** The statement AWS documents for the bucket policy. */
export function expectedBucketStatement(scope: SourceScope, bucketName: string, prefix: string): Record<string, unknown> {
  return bedrockWriteStatement(scope, `arn:${scope.partition}:s3:::${bucketName}`, prefix);
}

/** Why the nOps checks of a bucket were skipped, when they were. */
const UNREADABLE_BUCKET: Record<'missing' | 'foreign', string> = {
  missing: 'the bucket does not exist',
  foreign: 'the bucket belongs to another account',
};

async function checkBucket(ctx: RegionContext, rows: Rows, s3: S3Destination, config: LoggingConfig): Promise<BucketFacts | 'missing' | 'foreign'> {
  const located = await checkBucketLocation(ctx, rows, s3.bucketName);
  if (located === 'missing' || located === 'foreign') {
    rows.skipUnset(BUCKET_IDS, UNREADABLE_BUCKET[located]);
    return located;
  }
  const [policy, encryption] = await Promise.all([
    checkBucketPolicy(ctx, rows, s3, config),
    checkEncryption(ctx, rows, s3.bucketName),
    checkPublicAccessBlock(ctx, rows, s3.bucketName),
    checkOwnership(ctx, rows, s3.bucketName),
    checkVersioning(ctx, rows, s3.bucketName),
    checkBedrockWrites(ctx, rows, s3),
  ]);
  const kmsKeyArn = await checkKmsKeyPolicy(ctx, rows, encryption);
  return { policy, kmsKeyArn };
}

/** `undefined` and `""` mean us-east-1, `EU` means eu-west-1 (legacy values of GetBucketLocation). */
function bucketRegion(constraint: string | undefined): string {
  if (!constraint) {
    return 'us-east-1';
  }
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

/**
 * Whether the caller's account owns the bucket, from ListBuckets (which lists only the buckets the
 * account owns); `undefined` when the listing is refused.
 */
async function accountOwnsBucket(ctx: RegionContext, bucketName: string): Promise<boolean | undefined> {
  let token: string | undefined;
  try {
    for (let page = 0; page < 10; page++) {
      const result = await ctx.clients.s3.send(new ListBucketsCommand({ Prefix: bucketName, ContinuationToken: token, MaxBuckets: 1000 }));
      if ((result.Buckets ?? []).some((b) => b.Name === bucketName)) {
        return true;
      }
      token = result.ContinuationToken;
      if (!token) {
        return false;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * A bucket of another account answers every request that carries `ExpectedBucketOwner` with 403,
 * and so does a bucket the caller may not read: ListBuckets tells the two apart (the account's
 * own buckets are listed). Without that permission, a bucket readable without the header but not
 * with it is another account's too.
 */
async function checkBucketLocation(ctx: RegionContext, rows: Rows, bucketName: string): Promise<'ok' | 'missing' | 'foreign' | 'unknown'> {
  const s3 = ctx.clients.s3;
  try {
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: bucketName, ExpectedBucketOwner: ctx.account }));
    const where = bucketRegion(location.LocationConstraint);
    if (where !== ctx.region) {
      rows.fail('bucket-location', `s3://${bucketName} is in ${where}, but logging is configured in ${ctx.region}`,
        `use a bucket in ${ctx.region}: Bedrock delivers only to destinations in the same account and Region`);
    } else {
      rows.pass('bucket-location', `s3://${bucketName} exists in ${where}, owned by ${ctx.account}`);
    }
    return 'ok';
  } catch (e) {
    if (isError(e, 'NoSuchBucket')) {
      rows.fail('bucket-location', `s3://${bucketName} does not exist`,
        `create the bucket in ${ctx.region} (or redeploy the stack), or point the logging configuration at an existing bucket`);
      return 'missing';
    }
    if (!isAccessDenied(e)) {
      unreadable(rows, 'bucket-location', `s3:GetBucketLocation on arn:${ctx.partition}:s3:::${bucketName}`, e);
      return 'unknown';
    }
    let owned = await accountOwnsBucket(ctx, bucketName);
    let how = `it is not among the buckets ListBuckets returns for account ${ctx.account}`;
    if (owned === undefined) {
      try {
        await s3.send(new GetBucketLocationCommand({ Bucket: bucketName }));
        owned = false;
        how = `S3 answers for it, but refuses it with ExpectedBucketOwner ${ctx.account}`;
      } catch {
        // Refused either way: ownership stays unknown.
      }
    }
    if (owned === false) {
      rows.fail('bucket-location', `s3://${bucketName} belongs to another AWS account, not ${ctx.account} (${how}): Bedrock only writes to a bucket in the same account and Region, so no log is delivered`,
        `point the logging configuration at a bucket of account ${ctx.account} in ${ctx.region} (deploying BedrockInvocationLoggingStack creates one); if this account once owned ${bucketName}, it was deleted and its name is now another account's`);
      return 'foreign';
    }
    if (owned === true) {
      unreadable(rows, 'bucket-location', `s3:GetBucketLocation on arn:${ctx.partition}:s3:::${bucketName} (the bucket is this account's; a Deny in its policy may also refuse you)`, e);
    } else {
      rows.fail('bucket-location', `could not check: ${errorLine(e)}; whether the bucket belongs to this account is unknown (ListBuckets was refused too)`,
        `run verify with a principal allowed s3:GetBucketLocation on arn:${ctx.partition}:s3:::${bucketName} and s3:ListAllMyBuckets, then rerun`);
    }
    return 'unknown';
  }
}

async function checkBucketPolicy(ctx: RegionContext, rows: Rows, s3: S3Destination, config: LoggingConfig): Promise<BucketPolicyState> {
  const scope = scopeOf(ctx);
  const expected = JSON.stringify(expectedBucketStatement(scope, s3.bucketName, s3.prefix));
  const fix = `make the bucket policy's statement for ${BEDROCK_SERVICE_PRINCIPAL} exactly: ${expected}`;
  let text: string | undefined;
  try {
    text = (await ctx.clients.s3.send(new GetBucketPolicyCommand({ Bucket: s3.bucketName, ExpectedBucketOwner: ctx.account }))).Policy;
  } catch (e) {
    if (isError(e, 'NoSuchBucketPolicy')) {
      rows.fail('bucket-policy', 'the bucket has no policy: Bedrock cannot write to it', `add a bucket policy with this statement: ${expected}`);
      return { kind: 'none' };
    }
    unreadable(rows, 'bucket-policy', 's3:GetBucketPolicy', e);
    return { kind: 'unknown', reason: `it could not be read (${errorLine(e)})` };
  }
  let statements: PolicyStatement[];
  try {
    statements = parsePolicy(text ?? '');
  } catch (e) {
    rows.fail('bucket-policy', `the bucket policy cannot be read: ${(e as Error).message}`, fix);
    return { kind: 'unknown', reason: `it is not a policy (${(e as Error).message})` };
  }

  // Bedrock may also write large payloads of the CloudWatch destination to this bucket, under its own prefix.
  const prefixes = [s3.prefix];
  const large = config.cloudWatchConfig?.largeDataDeliveryS3Config;
  if (large?.bucketName === s3.bucketName) {
    prefixes.push(normalizeConfiguredPrefix(large.keyPrefix));
  }
  const bucketArn = `arn:${ctx.partition}:s3:::${s3.bucketName}`;
  const bases = prefixes.map((p) => `${bucketArn}/${logsBase(p, ctx.account)}`);
  const samples = [`${bases[0]}${PERMISSION_CHECK_OBJECT}`, `${bases[0]}${ctx.region}/2025/01/01/00/example.json.gz`];

  const failures: string[] = [];
  let anyone = false;
  const bedrock = allowsForService(statements, BEDROCK_SERVICE_PRINCIPAL);
  for (const st of bedrock) {
    const name = statementName(st, statements.indexOf(st));
    const principals = principalsOf(st.Principal);
    const besides = [...principals.services.filter((x) => x !== BEDROCK_SERVICE_PRINCIPAL), ...principals.aws, ...principals.other];
    if (besides.length > 0) {
      failures.push(`${name} also names ${besides.join(', ')} beside ${BEDROCK_SERVICE_PRINCIPAL}`);
    }
    if (st.NotAction !== undefined) {
      failures.push(`${name} gives ${BEDROCK_SERVICE_PRINCIPAL} every action but ${asList(st.NotAction).join(', ')}`);
    } else {
      const extra = asList(st.Action).filter((a) => a.toLowerCase() !== 's3:putobject');
      if (extra.length > 0) {
        failures.push(`${name} also gives ${BEDROCK_SERVICE_PRINCIPAL} ${extra.join(', ')}`);
      }
    }
    if (st.NotResource !== undefined) {
      failures.push(`${name} uses NotResource: it covers more than ${bases[0]}*`);
    } else {
      const wider = asList(st.Resource).filter((r) => !bases.some((b) => confinedTo(r, b)));
      if (wider.length > 0) {
        failures.push(`${name} covers ${wider.join(', ')}, wider than ${bases[0]}*`);
      }
    }
    const problems = sourceConditionProblems(st, scope);
    if (problems.length > 0) {
      failures.push(`${name}: ${problems.join(', ')}`);
    }
  }
  const writers = bedrock.filter((st) => grantsAction(st, 's3:PutObject') && samples.every((k) => coversResource(st, k)));
  if (writers.length === 0) {
    failures.unshift(`no statement lets ${BEDROCK_SERVICE_PRINCIPAL} s3:PutObject on ${bases[0]}*`);
  }
  statements.forEach((st, i) => {
    if (!isAllow(st)) {
      return;
    }
    const name = statementName(st, i);
    if (st.NotPrincipal !== undefined) {
      failures.push(`${name} allows everyone except ${JSON.stringify(st.NotPrincipal)} (Allow with NotPrincipal)`);
    } else if (principalsOf(st.Principal).anyone) {
      // Even limited by conditions (aws:PrincipalOrgID, aws:SourceVpce), "*" lets many principals read prompts and answers.
      const keys = Object.values(st.Condition ?? {}).flatMap((block) => Object.keys(block ?? {}));
      failures.push(`${name} allows "*" ${asList(st.Action).join(', ') || 'access'}${keys.length ? `, limited only by ${keys.join(', ')}` : ' (anyone)'}`);
      anyone = true;
    }
  });

  if (failures.length > 0) {
    rows.fail('bucket-policy', failures.join('; '), anyone ? `remove the Allow statements to "*" (name the principals that need access instead), and ${fix}` : fix);
  } else {
    const name = statementName(writers[0], statements.indexOf(writers[0]));
    rows.pass('bucket-policy', `${name}: s3:PutObject on ${logsBase(s3.prefix, ctx.account)}* with aws:SourceAccount and aws:SourceArn, nothing wider`);
  }
  return { kind: 'read', statements };
}

interface Encryption {
  readonly algorithm: string;
  readonly kmsKeyId?: string;
}

async function checkEncryption(ctx: RegionContext, rows: Rows, bucketName: string): Promise<Encryption | undefined> {
  const fix = `turn on default encryption: aws s3api put-bucket-encryption --bucket ${bucketName} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'`;
  try {
    const result = await ctx.clients.s3.send(new GetBucketEncryptionCommand({ Bucket: bucketName, ExpectedBucketOwner: ctx.account }));
    const rule = result.ServerSideEncryptionConfiguration?.Rules?.find((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm);
    const byDefault = rule?.ApplyServerSideEncryptionByDefault;
    if (!byDefault?.SSEAlgorithm) {
      rows.fail('bucket-encryption', 'no default encryption rule', fix);
      return undefined;
    }
    const algorithm = byDefault.SSEAlgorithm;
    if (algorithm === 'AES256') {
      rows.pass('bucket-encryption', 'SSE-S3 (AES256)');
    } else {
      const kind = algorithm === 'aws:kms:dsse' ? 'DSSE-KMS' : 'SSE-KMS';
      rows.pass('bucket-encryption', `${kind} with ${byDefault.KMSMasterKeyID ?? 'the AWS managed key aws/s3'}${rule?.BucketKeyEnabled ? ', S3 Bucket Key on' : ''}`);
    }
    return { algorithm, kmsKeyId: byDefault.KMSMasterKeyID };
  } catch (e) {
    if (isError(e, 'ServerSideEncryptionConfigurationNotFoundError')) {
      rows.fail('bucket-encryption', 'no default encryption configured', fix);
      return undefined;
    }
    unreadable(rows, 'bucket-encryption', 's3:GetEncryptionConfiguration', e);
    return undefined;
  }
}

async function checkPublicAccessBlock(ctx: RegionContext, rows: Rows, bucketName: string): Promise<void> {
  const fix = `aws s3api put-public-access-block --bucket ${bucketName} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`;
  try {
    const config = (await ctx.clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucketName, ExpectedBucketOwner: ctx.account }))).PublicAccessBlockConfiguration ?? {};
    const settings: Array<[string, boolean | undefined]> = [
      ['BlockPublicAcls', config.BlockPublicAcls],
      ['IgnorePublicAcls', config.IgnorePublicAcls],
      ['BlockPublicPolicy', config.BlockPublicPolicy],
      ['RestrictPublicBuckets', config.RestrictPublicBuckets],
    ];
    const off = settings.filter(([, v]) => v !== true).map(([k]) => k);
    if (off.length > 0) {
      rows.fail('public-access-block', `not blocked on the bucket: ${off.join(', ')} off`, fix);
    } else {
      rows.pass('public-access-block', 'all four settings on');
    }
  } catch (e) {
    if (isError(e, 'NoSuchPublicAccessBlockConfiguration')) {
      rows.fail('public-access-block', 'the bucket has no public access block (the account-level setting is not checked)', fix);
      return;
    }
    unreadable(rows, 'public-access-block', 's3:GetBucketPublicAccessBlock', e);
  }
}

async function checkOwnership(ctx: RegionContext, rows: Rows, bucketName: string): Promise<void> {
  const fix = `aws s3api put-bucket-ownership-controls --bucket ${bucketName} --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'`;
  try {
    const controls = (await ctx.clients.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucketName, ExpectedBucketOwner: ctx.account }))).OwnershipControls;
    const ownership = controls?.Rules?.[0]?.ObjectOwnership;
    if (ownership === 'BucketOwnerEnforced') {
      rows.pass('object-ownership', 'Object Ownership BucketOwnerEnforced: ACLs disabled');
    } else {
      rows.fail('object-ownership', `Object Ownership is ${ownership ?? 'not set'}: ACLs are enabled, so the bucket policy may not apply`, fix);
    }
  } catch (e) {
    if (isError(e, 'OwnershipControlsNotFoundError')) {
      rows.fail('object-ownership', 'no ownership controls: ACLs are enabled, so the bucket policy may not apply', fix);
      return;
    }
    unreadable(rows, 'object-ownership', 's3:GetBucketOwnershipControls', e);
  }
}

async function checkVersioning(ctx: RegionContext, rows: Rows, bucketName: string): Promise<void> {
  const fix = `aws s3api put-bucket-versioning --bucket ${bucketName} --versioning-configuration Status=Enabled`;
  try {
    const status = (await ctx.clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucketName, ExpectedBucketOwner: ctx.account }))).Status;
    if (status === 'Enabled') {
      rows.pass('versioning', 'Enabled');
    } else {
      rows.fail('versioning', status === 'Suspended' ? 'versioning is suspended: overwritten or deleted logs cannot be recovered' : 'versioning was never enabled: overwritten or deleted logs cannot be recovered', fix);
    }
  } catch (e) {
    unreadable(rows, 'versioning', 's3:GetBucketVersioning', e);
  }
}

async function checkKmsKeyPolicy(ctx: RegionContext, rows: Rows, encryption: Encryption | undefined): Promise<string | undefined> {
  if (!encryption) {
    rows.skip('kms-key-policy', 'default encryption unknown');
    return undefined;
  }
  if (encryption.algorithm === 'AES256') {
    rows.skip('kms-key-policy', 'SSE-S3: no key policy involved');
    return undefined;
  }
  const scope = scopeOf(ctx);
  const expected = JSON.stringify(bedrockEncryptStatement(scope));
  const managedFix = `encrypt the bucket with a customer managed key whose policy has ${expected}, or with SSE-S3`;
  if (!encryption.kmsKeyId) {
    rows.fail('kms-key-policy', 'SSE-KMS with the AWS managed key aws/s3: its policy cannot let Bedrock encrypt', managedFix);
    return undefined;
  }
  let meta: KeyMetadata | undefined;
  try {
    meta = (await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: encryption.kmsKeyId }))).KeyMetadata;
  } catch (e) {
    if (isError(e, 'NotFoundException')) {
      rows.fail('kms-key-policy', `the bucket's key ${encryption.kmsKeyId} does not exist`, managedFix);
      return undefined;
    }
    unreadable(rows, 'kms-key-policy', `kms:DescribeKey on ${encryption.kmsKeyId}`, e);
    return undefined;
  }
  const keyArn = meta?.Arn ?? encryption.kmsKeyId;
  if (meta?.KeyManager === 'AWS') {
    rows.fail('kms-key-policy', `${keyArn} is an AWS managed key: its policy cannot let Bedrock encrypt`, managedFix);
    return keyArn;
  }
  if (meta?.KeyState && meta.KeyState !== 'Enabled') {
    rows.fail('kms-key-policy', `${keyArn} is ${meta.KeyState}: Bedrock cannot encrypt with it`, `enable the key (or cancel its deletion), or encrypt the bucket with an enabled key`);
    return keyArn;
  }
  const keyAccount = keyArn.split(':')[4];
  if (keyAccount && new RegExp(ACCOUNT_ID_PATTERN).test(keyAccount) && keyAccount !== ctx.account) {
    rows.warn('kms-key-policy', `${keyArn} belongs to account ${keyAccount}: its policy can only be read there`,
      `check in account ${keyAccount} that the key policy has ${expected}`);
    return keyArn;
  }
  let statements: PolicyStatement[];
  try {
    const text = (await ctx.clients.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy;
    statements = parsePolicy(text ?? '');
  } catch (e) {
    unreadable(rows, 'kms-key-policy', `kms:GetKeyPolicy on ${keyArn}`, e);
    return keyArn;
  }
  const bedrock = allowsForService(statements, BEDROCK_SERVICE_PRINCIPAL);
  const failures: string[] = [];
  for (const st of bedrock) {
    const problems = sourceConditionProblems(st, scope);
    if (problems.length > 0) {
      failures.push(`${statementName(st, statements.indexOf(st))}: ${problems.join(', ')}`);
    }
  }
  const encrypting = bedrock.filter((st) => grantsAction(st, 'kms:GenerateDataKey') && coversResource(st, keyArn));
  if (encrypting.length === 0) {
    failures.unshift(`the key policy of ${keyArn} does not let ${BEDROCK_SERVICE_PRINCIPAL} kms:GenerateDataKey`);
  }
  if (failures.length > 0) {
    rows.fail('kms-key-policy', failures.join('; '), `add this statement to the key policy (and give every ${BEDROCK_SERVICE_PRINCIPAL} statement the same conditions): ${expected}`);
  } else {
    rows.pass('kms-key-policy', `${keyArn}: ${statementName(encrypting[0], statements.indexOf(encrypting[0]))} lets ${BEDROCK_SERVICE_PRINCIPAL} kms:GenerateDataKey with aws:SourceAccount and aws:SourceArn`);
  }
  return keyArn;
}

interface Listing {
  readonly folders: string[];
  readonly objects: Array<{ key: string; lastModified?: Date }>;
}

async function list(ctx: RegionContext, bucketName: string, prefix: string, maxPages: number): Promise<Listing> {
  const folders: string[] = [];
  const objects: Array<{ key: string; lastModified?: Date }> = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await ctx.clients.s3.send(new ListObjectsV2Command({
      Bucket: bucketName, Prefix: prefix, Delimiter: '/', ContinuationToken: token, ExpectedBucketOwner: ctx.account,
    }));
    folders.push(...(result.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter(Boolean));
    objects.push(...(result.Contents ?? []).map((o) => ({ key: o.Key ?? '', lastModified: o.LastModified })));
    token = result.IsTruncated ? result.NextContinuationToken : undefined;
    if (!token) {
      break;
    }
  }
  return { folders: folders.sort(), objects };
}

function latest(objects: Array<{ lastModified?: Date }>): Date | undefined {
  return objects.reduce<Date | undefined>((max, o) => (o.lastModified && (!max || o.lastModified > max) ? o.lastModified : max), undefined);
}

function age(now: Date, then: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - then.getTime()) / 60000));
  if (minutes < 90) {
    return `${minutes} min ago`;
  }
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

async function checkBedrockWrites(ctx: RegionContext, rows: Rows, s3: S3Destination): Promise<void> {
  const base = logsBase(s3.prefix, ctx.account);
  const where = `s3://${s3.bucketName}/${base}`;
  const invokeFix = `invoke a model in ${ctx.region} (the SOP test plan), wait a few minutes and rerun; if nothing arrives, check the bucket policy and key policy rows`;
  let checkObject: Date | undefined;
  let newest: { at: Date; key: string } | undefined;
  try {
    const top = await list(ctx, s3.bucketName, base, 2);
    const regionRoot = `${base}${ctx.region}/`;
    const inRegion = await list(ctx, s3.bucketName, regionRoot, 2);
    const checks = [...top.objects, ...inRegion.objects].filter((o) => o.key.slice(o.key.lastIndexOf('/') + 1).startsWith(PERMISSION_CHECK_OBJECT));
    checkObject = latest(checks);
    // Walk YYYY/MM/DD/HH, newest folder first at each level.
    let folder: string | undefined = inRegion.folders[inRegion.folders.length - 1];
    for (let level = 1; folder && level < 4; level++) {
      const next: Listing = await list(ctx, s3.bucketName, folder, 2);
      folder = next.folders.filter((f) => !f.endsWith('/data/')).pop();
    }
    if (folder) {
      const hour = await list(ctx, s3.bucketName, folder, 10);
      let logs = hour.objects.filter((o) => !o.key.endsWith(PERMISSION_CHECK_OBJECT));
      if (logs.length === 0 && hour.folders.some((f) => f.endsWith('/data/'))) {
        logs = (await list(ctx, s3.bucketName, `${folder}data/`, 10)).objects;
      }
      const at = latest(logs);
      if (at) {
        newest = { at, key: logs.find((o) => o.lastModified === at)!.key };
      }
    }
  } catch (e) {
    if (isAccessDenied(e)) {
      try {
        const head = await ctx.clients.s3.send(new HeadObjectCommand({ Bucket: s3.bucketName, Key: `${base}${PERMISSION_CHECK_OBJECT}`, ExpectedBucketOwner: ctx.account }));
        rows.warn('bedrock-writes', `could not list ${where} (${errorLine(e)}); the permission-check object is there (${head.LastModified?.toISOString() ?? 'date unknown'})`,
          `run verify with a principal allowed s3:ListBucket on arn:${ctx.partition}:s3:::${s3.bucketName} to see the latest log`);
        return;
      } catch {
        // Fall through to the refusal of the listing.
      }
    }
    unreadable(rows, 'bedrock-writes', `s3:ListBucket on arn:${ctx.partition}:s3:::${s3.bucketName}`, e);
    return;
  }

  if (newest) {
    rows.lastLog = newest.at;
    const days = (ctx.now.getTime() - newest.at.getTime()) / 86400000;
    const detail = `last log ${newest.at.toISOString()} (${age(ctx.now, newest.at)}): s3://${s3.bucketName}/${newest.key}`;
    if (days > STALE_AFTER_DAYS) {
      rows.warn('bedrock-writes', `no new log for more than ${STALE_AFTER_DAYS} days; ${detail}`, invokeFix);
    } else {
      rows.pass('bedrock-writes', detail);
    }
  } else if (checkObject) {
    rows.warn('bedrock-writes', `only the ${PERMISSION_CHECK_OBJECT} object (${checkObject.toISOString()}): no invocation has been logged in ${ctx.region} yet`, invokeFix);
  } else {
    rows.fail('bedrock-writes', `nothing under ${where}: Bedrock has not written here`,
      're-apply the logging configuration (Bedrock writes a permission-check object when it is set), then invoke a model and rerun');
  }
}

async function checkCloudWatch(ctx: RegionContext, rows: Rows, config: LoggingConfig): Promise<void> {
  const cw = config.cloudWatchConfig;
  if (!cw?.logGroupName) {
    rows.skipUnset(CLOUDWATCH_IDS, 'no CloudWatch Logs destination (S3 only)');
    return;
  }
  const name = cw.logGroupName;
  await Promise.all([checkLogGroup(ctx, rows, name), checkRoleTrust(ctx, rows, cw.roleArn)]);
  const large = cw.largeDataDeliveryS3Config;
  if (large?.bucketName) {
    rows.pass('cloudwatch-large-data', `bodies over 100 KB and binary data go to s3://${large.bucketName}/${prefixPath(normalizeConfiguredPrefix(large.keyPrefix))}`);
  } else {
    rows.warn('cloudwatch-large-data', 'no large data delivery: bodies over 100 KB and binary data are not delivered to CloudWatch Logs',
      'set largeDataDeliveryS3Config in the CloudWatch destination (for example the S3 destination bucket)');
  }
}

async function checkLogGroup(ctx: RegionContext, rows: Rows, name: string): Promise<void> {
  let group: LogGroup | undefined;
  try {
    const result = await ctx.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
    group = result.logGroups?.find((g) => g.logGroupName === name);
  } catch (e) {
    unreadable(rows, 'cloudwatch-log-group', 'logs:DescribeLogGroups', e);
    rows.skipUnset(['cloudwatch-retention', 'cloudwatch-encryption'], 'the log group could not be read');
    return;
  }
  if (!group) {
    rows.fail('cloudwatch-log-group', `log group ${name} does not exist in ${ctx.region}: Bedrock cannot deliver to it`,
      `create the log group ${name} (or redeploy with cloudWatchLogs), or remove the CloudWatch destination`);
    rows.skipUnset(['cloudwatch-retention', 'cloudwatch-encryption'], 'the log group does not exist');
    return;
  }
  rows.pass('cloudwatch-log-group', `${name} exists`);
  const days = group.retentionInDays;
  if (days === undefined) {
    rows.pass('cloudwatch-retention', 'never expire');
  } else if (days < MIN_RETENTION_DAYS) {
    rows.warn('cloudwatch-retention', `${days} days, shorter than a year`, `aws logs put-retention-policy --log-group-name ${name} --retention-in-days ${MIN_RETENTION_DAYS}`);
  } else {
    rows.pass('cloudwatch-retention', `${days} days`);
  }
  if (!group.kmsKeyId) {
    rows.pass('cloudwatch-encryption', 'encrypted by CloudWatch Logs (no customer managed key)');
    return;
  }
  try {
    const meta = (await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: group.kmsKeyId }))).KeyMetadata;
    if (meta?.KeyState && meta.KeyState !== 'Enabled') {
      rows.fail('cloudwatch-encryption', `KMS key ${group.kmsKeyId} is ${meta.KeyState}: CloudWatch Logs cannot encrypt new events`,
        'enable the key (or cancel its deletion), or associate an enabled key with the log group');
    } else {
      rows.pass('cloudwatch-encryption', `KMS key ${group.kmsKeyId}`);
    }
  } catch (e) {
    rows.warn('cloudwatch-encryption', `KMS key ${group.kmsKeyId}; its state could not be read: ${errorLine(e)}`,
      `run verify with a principal allowed kms:DescribeKey on ${group.kmsKeyId}`);
  }
}

async function checkRoleTrust(ctx: RegionContext, rows: Rows, roleArn: string | undefined): Promise<void> {
  if (!roleArn) {
    rows.fail('cloudwatch-role-trust', 'the CloudWatch destination names no role', 'set roleArn to a role trusted by bedrock.amazonaws.com with aws:SourceAccount and aws:SourceArn conditions');
    return;
  }
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const scope = scopeOf(ctx);
  const conditions = JSON.stringify(bedrockSourceConditions(scope));
  let document: string | undefined;
  try {
    document = (await ctx.clients.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.AssumeRolePolicyDocument;
  } catch (e) {
    if (isError(e, 'NoSuchEntity')) {
      rows.fail('cloudwatch-role-trust', `role ${roleArn} does not exist: Bedrock cannot write to CloudWatch Logs`,
        'recreate the role (redeploy the stack) or point the CloudWatch destination at an existing role');
      return;
    }
    unreadable(rows, 'cloudwatch-role-trust', `iam:GetRole on ${roleArn}`, e);
    return;
  }
  let statements: PolicyStatement[];
  try {
    statements = parsePolicy(document ?? '');
  } catch (e) {
    rows.fail('cloudwatch-role-trust', `the trust policy of ${roleName} cannot be read: ${(e as Error).message}`, `trust ${BEDROCK_SERVICE_PRINCIPAL} with ${conditions}`);
    return;
  }
  const bedrock = allowsForService(statements, BEDROCK_SERVICE_PRINCIPAL);
  const failures: string[] = [];
  if (bedrock.length === 0) {
    failures.push(`${roleName} does not trust ${BEDROCK_SERVICE_PRINCIPAL}`);
  }
  for (const st of bedrock) {
    const problems = sourceConditionProblems(st, scope);
    if (problems.length > 0) {
      failures.push(`${statementName(st, statements.indexOf(st))}: ${problems.join(', ')}`);
    }
  }
  const others: string[] = [];
  statements.forEach((st, i) => {
    if (!isAllow(st)) {
      return;
    }
    if (st.NotPrincipal !== undefined || principalsOf(st.Principal).anyone) {
      failures.push(`${statementName(st, i)} trusts anyone`);
      return;
    }
    const p = principalsOf(st.Principal);
    others.push(...p.services.filter((s) => s !== BEDROCK_SERVICE_PRINCIPAL), ...p.aws, ...p.other);
  });
  if (failures.length > 0) {
    rows.fail('cloudwatch-role-trust', failures.join('; '), `give every statement that trusts ${BEDROCK_SERVICE_PRINCIPAL} the conditions ${conditions}`);
  } else if (others.length > 0) {
    rows.warn('cloudwatch-role-trust', `${roleName} also trusts ${[...new Set(others)].join(', ')}`, `use a role that only ${BEDROCK_SERVICE_PRINCIPAL} can assume`);
  } else {
    rows.pass('cloudwatch-role-trust', `${roleName}: every statement trusting ${BEDROCK_SERVICE_PRINCIPAL} carries aws:SourceAccount and aws:SourceArn`);
  }
}

type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny' | string;

interface Simulation {
  readonly decision: Decision;
  readonly matched: string[];
}

/**
 * Asks IAM's policy simulator about the role's own policies. No ResourcePolicy: IAM refuses one
 * for a role unless CallerArn names an IAM user, so verify reads the bucket policy itself
 * (bucket-access.ts).
 */
async function simulate(ctx: RegionContext, roleArn: string, action: string, resource: string, context: ContextEntry[]): Promise<Simulation> {
  const result = await ctx.clients.iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: [action], ResourceArns: [resource], ContextEntries: context }));
  const evaluation = result.EvaluationResults?.find((r) => r.EvalActionName?.toLowerCase() === action.toLowerCase()) ?? result.EvaluationResults?.[0];
  return {
    decision: evaluation?.EvalDecision ?? 'unknown',
    matched: (evaluation?.MatchedStatements ?? []).map((m) => m.SourcePolicyId ?? '').filter(Boolean),
  };
}

function describeSimulation(label: string, s: Simulation): string {
  return `${label}: ${s.decision}${s.matched.length ? ` (by ${s.matched.join(', ')})` : ''}`;
}

const SECURE_TRANSPORT: ContextEntry = { ContextKeyName: 'aws:SecureTransport', ContextKeyType: 'boolean', ContextKeyValues: ['true'] };

/** The bucket's owner, as S3 sets `s3:ResourceAccount` (the log bucket is in the checked account). */
function resourceAccount(ctx: RegionContext): ContextEntry {
  return { ContextKeyName: 's3:ResourceAccount', ContextKeyType: 'string', ContextKeyValues: [ctx.account] };
}

function s3Prefix(value: string): ContextEntry {
  return { ContextKeyName: 's3:prefix', ContextKeyType: 'string', ContextKeyValues: [value] };
}

function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.statement} ${f.text}`).join('; ');
}

function statementsOf(findings: Finding[]): string {
  return [...new Set(findings.map((f) => f.statement))].join(', ');
}

interface NopsTarget extends S3Destination, BucketFacts {}

async function checkNops(ctx: RegionContext, rows: Rows, target: NopsTarget | undefined, config: LoggingConfig | undefined, noTargetReason: string): Promise<void> {
  let roleName = ctx.options.nopsRoleName;
  if (!roleName) {
    rows.skipUnset(NOPS_IDS, '--nops-role-name not given');
    return;
  }
  const pattern = isRoleNamePattern(roleName) ? roleName : undefined;
  if (pattern) {
    let names: string[];
    try {
      names = await rolesMatching(ctx.clients.iam, pattern);
    } catch (e) {
      unreadable(rows, 'nops-role', `iam:ListRoles (to find the role that matches ${pattern})`, e);
      rows.skipUnset(NOPS_IDS, 'the nOps role could not be found');
      return;
    }
    if (names.length !== 1) {
      rows.fail('nops-role', names.length === 0
        ? `no role in account ${ctx.account} matches ${pattern}`
        : `${names.length} roles in account ${ctx.account} match ${pattern}: ${names.join(', ')}`,
      names.length === 0
        ? 'onboard this account in nOps (its role is Nops-Integration-* with CloudFormation, NopsIntegrationRole-* with Terraform), or pass the exact role name'
        : 'pass the exact role name for this account (--nops-role-name NAME with --accounts ACCOUNT)');
      rows.skipUnset(NOPS_IDS, 'the nOps role could not be identified');
      return;
    }
    roleName = names[0];
  }
  let roleArn: string | undefined;
  try {
    roleArn = (await ctx.clients.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.Arn;
  } catch (e) {
    if (isError(e, 'NoSuchEntity')) {
      rows.fail('nops-role', `role ${roleName} does not exist in account ${ctx.account}`,
        'copy the exact role name from nOps (Nops-Integration-* when onboarded with CloudFormation, NopsIntegrationRole-* with Terraform)');
    } else {
      unreadable(rows, 'nops-role', `iam:GetRole on ${roleName}`, e);
    }
    rows.skipUnset(NOPS_IDS, 'the nOps role could not be read');
    return;
  }
  rows.pass('nops-role', `${roleArn ?? roleName}${pattern ? ` (the one role that matches ${pattern})` : ''}`);
  if (!roleArn) {
    rows.skipUnset(NOPS_IDS, 'IAM returned no ARN for the role');
    return;
  }
  if (target) {
    await checkNopsS3(ctx, rows, roleName, roleArn, target);
  } else {
    rows.skipUnset(['nops-read-prefix', 'nops-outside-prefix', 'nops-kms-decrypt'], noTargetReason);
  }
  await checkNopsLegacyLogs(ctx, rows, roleArn, config);
}

async function checkNopsS3(ctx: RegionContext, rows: Rows, roleName: string, roleArn: string, target: NopsTarget): Promise<void> {
  const bucketArn = `arn:${ctx.partition}:s3:::${target.bucketName}`;
  const now = ctx.now;
  const hourPath = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${String(now.getUTCDate()).padStart(2, '0')}/${String(now.getUTCHours()).padStart(2, '0')}`;
  const insideKey = `${logsBase(target.prefix, ctx.account)}${ctx.region}/${hourPath}/example.json.gz`;
  const insideObject = `${bucketArn}/${insideKey}`;
  const pp = prefixPath(target.prefix);
  const policy = target.policy ?? { kind: 'unknown', reason: 'it was not read' };
  const access: BucketPolicyAccess | undefined = policy.kind === 'read'
    ? analyseBucketPolicy(policy.statements, { roleArn, account: ctx.account, partition: ctx.partition, bucketName: target.bucketName, prefix: target.prefix, insideKey })
    : undefined;
  const notEvaluated = policy.kind === 'unknown' ? `bucket policy not evaluated: ${policy.reason}` : undefined;

  // Reading the prefix: the role's own policies or an Allow naming it in the bucket policy, and no Deny.
  const grantFix = `let ${roleName} s3:ListBucket on ${bucketArn} with StringLike s3:prefix "${pp}*" and s3:GetObject on ${bucketArn}/${pp}* (NopsIntegrationGrant does this), and remove any Deny that matches them`;
  try {
    const [get, listing] = await Promise.all([
      simulate(ctx, roleArn, 's3:GetObject', insideObject, [SECURE_TRANSPORT, resourceAccount(ctx)]),
      simulate(ctx, roleArn, 's3:ListBucket', bucketArn, [SECURE_TRANSPORT, resourceAccount(ctx), ...(pp ? [s3Prefix(pp)] : [])]),
    ]);
    const canGet = get.decision !== 'explicitDeny' && (get.decision === 'allowed' || !!access?.grantsInside.get);
    const canList = listing.decision !== 'explicitDeny' && (listing.decision === 'allowed' || !!access?.grantsInside.list);
    const parts = [
      `IAM policy simulator (the role's own policies): ${describeSimulation(`s3:GetObject on ${pp}AWSLogs/...`, get)}, ${describeSimulation(`s3:ListBucket with s3:prefix "${pp}"`, listing)}`,
    ];
    const blocks = access?.blocksInside ?? [];
    const certain = blocks.filter((f) => f.certainty === 'yes');
    const possible = [...blocks.filter((f) => f.certainty === 'maybe'), ...(access?.unevaluatedDenies ?? [])];
    if (access) {
      const grants = [access.grantsInside.get ? 's3:GetObject' : '', access.grantsInside.list ? 's3:ListBucket' : ''].filter(Boolean);
      parts.push(`bucket policy (read by verify): ${blocks.length ? describeFindings(blocks) : 'no Deny applies to these HTTPS reads'}${grants.length ? `; it allows ${grants.join(' and ')} to the role itself` : ''}`);
      if (access.unevaluatedDenies.length) parts.push(`bucket policy (read by verify): ${describeFindings(access.unevaluatedDenies)}`);
    } else if (policy.kind === 'none') {
      parts.push('no bucket policy');
    } else if (notEvaluated) {
      parts.push(notEvaluated);
    }
    const detail = parts.join('; ');
    const exempt = (findings: Finding[]): string => `exempt ${roleName} from ${statementsOf(findings)} of the bucket policy (for example ArnNotLike aws:PrincipalArn ${roleArn}), or keep the Deny off ${bucketArn}/${pp}*`;
    if (!canGet || !canList) {
      rows.fail('nops-read-prefix', detail, grantFix);
    } else if (certain.length > 0) {
      rows.fail('nops-read-prefix', detail, exempt(certain));
    } else if (possible.length > 0) {
      rows.warn('nops-read-prefix', detail, `check that ${statementsOf(possible)} of the bucket policy does not apply to nOps's requests, or ${exempt(possible)}`);
    } else if (notEvaluated) {
      rows.warn('nops-read-prefix', detail, `run verify with a principal allowed s3:GetBucketPolicy on ${bucketArn} so that a Deny in the bucket policy can be seen`);
    } else {
      rows.pass('nops-read-prefix', detail);
    }
  } catch (e) {
    unreadable(rows, 'nops-read-prefix', 'iam:SimulatePrincipalPolicy', e);
  }

  if (!target.prefix) {
    rows.skip('nops-outside-prefix', 'no key prefix: the logs fill the whole bucket');
  } else {
    try {
      const sibling = `${target.prefix}-other/`;
      const [getSibling, getRoot, listSibling, listAll] = await Promise.all([
        simulate(ctx, roleArn, 's3:GetObject', `${bucketArn}/${sibling}example.json.gz`, [SECURE_TRANSPORT, resourceAccount(ctx)]),
        simulate(ctx, roleArn, 's3:GetObject', `${bucketArn}/example.json.gz`, [SECURE_TRANSPORT, resourceAccount(ctx)]),
        simulate(ctx, roleArn, 's3:ListBucket', bucketArn, [SECURE_TRANSPORT, resourceAccount(ctx), s3Prefix(sibling)]),
        simulate(ctx, roleArn, 's3:ListBucket', bucketArn, [SECURE_TRANSPORT, resourceAccount(ctx)]),
      ]);
      const reads = [[`s3:GetObject on ${sibling}*`, getSibling], ['s3:GetObject on the bucket root', getRoot]] as const;
      const lists = [[`s3:ListBucket with s3:prefix "${sibling}"`, listSibling], ['s3:ListBucket without a prefix', listAll]] as const;
      const readOutside = reads.filter(([, s]) => s.decision === 'allowed').map(([l, s]) => describeSimulation(l, s));
      const listOutside = lists.filter(([, s]) => s.decision === 'allowed').map(([l, s]) => describeSimulation(l, s));
      const wider = [...(access?.readOutside ?? []), ...(access?.listOutside ?? [])];
      const parts: string[] = [];
      if (readOutside.length || listOutside.length) {
        parts.push(`the role's own policies allow ${[...readOutside, ...listOutside].join('; ')}`);
      }
      if (wider.length) {
        parts.push(`the bucket policy lets the role read outside ${pp}: ${describeFindings(wider)}`);
      }
      if (access?.unevaluatedAllows.length) {
        parts.push(`bucket policy (read by verify): ${describeFindings(access.unevaluatedAllows)}`);
      }
      if (notEvaluated) {
        parts.push(`${notEvaluated}, so a wider Allow in it would not show here`);
      }
      const narrowFix = `scope ${roleName}'s S3 read on ${target.bucketName} to ${bucketArn}/${pp}* and s3:prefix "${pp}*" (a wider Allow in another policy of the role grants it too)`;
      const policyFix = (findings: Finding[]): string => `remove ${statementsOf(findings)} from the bucket policy, or narrow it to ${bucketArn}/${pp}* and s3:prefix "${pp}*" for principals other than nOps's role (its IAM grant is enough in this account)`;
      if (wider.length) {
        rows.fail('nops-outside-prefix', parts.join('; '), readOutside.length ? `${policyFix(wider)}; and ${narrowFix}` : policyFix(wider));
      } else if (readOutside.length) {
        rows.fail('nops-outside-prefix', `may read objects outside ${pp}: ${parts.join('; ')}`, narrowFix);
      } else if (listOutside.length) {
        rows.warn('nops-outside-prefix', `may list key names outside ${pp} (objects stay unreadable; nOps's own onboarding policy may list widely): ${parts.join('; ')}`, narrowFix);
      } else if (access?.unevaluatedAllows.length) {
        rows.warn('nops-outside-prefix', parts.join('; '), `check that ${statementsOf(access.unevaluatedAllows)} of the bucket policy cannot let nOps's role read outside ${pp}`);
      } else if (notEvaluated) {
        rows.warn('nops-outside-prefix', `the role's own policies allow nothing outside ${pp}; ${parts.join('; ')}`, `run verify with a principal allowed s3:GetBucketPolicy on ${bucketArn}`);
      } else {
        const delegated = access?.delegations.length ? `; ${access.delegations.join(', ')} of the bucket policy allow the account, which only delegates to the role's own policies` : '';
        const bucketPolicy = policy.kind === 'none' ? 'no bucket policy' : 'no statement of the bucket policy (read by verify) lets the role read outside it';
        rows.pass('nops-outside-prefix', `s3:GetObject and s3:ListBucket outside ${pp} (${sibling}, bucket root) denied by the role's own policies; ${bucketPolicy}${delegated}`);
      }
    } catch (e) {
      unreadable(rows, 'nops-outside-prefix', 'iam:SimulatePrincipalPolicy', e);
    }
  }

  if (!target.kmsKeyArn) {
    rows.skip('nops-kms-decrypt', 'no customer managed KMS key on the bucket');
  } else {
    try {
      // As S3 decrypts for a GetObject: through S3, with the bucket as encryption context (S3 Bucket Keys).
      const decrypt = await simulate(ctx, roleArn, 'kms:Decrypt', target.kmsKeyArn, [
        { ContextKeyName: 'kms:ViaService', ContextKeyType: 'string', ContextKeyValues: [`s3.${ctx.region}.amazonaws.com`] },
        { ContextKeyName: 'kms:EncryptionContext:aws:s3:arn', ContextKeyType: 'string', ContextKeyValues: [bucketArn] },
      ]);
      if (decrypt.decision === 'allowed') {
        rows.pass('nops-kms-decrypt', `kms:Decrypt on ${target.kmsKeyArn} allowed by the role's policies (the key policy must allow IAM policies too)`);
      } else {
        rows.fail('nops-kms-decrypt', describeSimulation(`kms:Decrypt on ${target.kmsKeyArn}`, decrypt),
          `let ${roleName} kms:Decrypt on ${target.kmsKeyArn}, and let the key policy allow it`);
      }
    } catch (e) {
      unreadable(rows, 'nops-kms-decrypt', 'iam:SimulatePrincipalPolicy', e);
    }
  }
}

async function checkNopsLegacyLogs(ctx: RegionContext, rows: Rows, roleArn: string, config: LoggingConfig | undefined): Promise<void> {
  const logGroup = config?.cloudWatchConfig?.logGroupName;
  if (!logGroup) {
    rows.skip('nops-legacy-logs', 'no CloudWatch Logs destination');
    return;
  }
  try {
    const streamArn = `arn:${ctx.partition}:logs:${ctx.region}:${ctx.account}:log-group:${logGroup}:log-stream:${BEDROCK_LOG_STREAM}`;
    const events = await simulate(ctx, roleArn, 'logs:GetLogEvents', streamArn, []);
    if (events.decision === 'allowed') {
      rows.pass('nops-legacy-logs', `logs:GetLogEvents on ${logGroup} allowed`);
    } else if (events.decision === 'explicitDeny') {
      rows.warn('nops-legacy-logs', `${describeSimulation('logs:GetLogEvents', events)}: nOps's read-only onboarding policy denies it and no Allow overrides a Deny, so the legacy CloudWatch path cannot work`,
        'rely on the S3 destination (nOps reads S3), or remove the Deny from the role if you need the legacy path');
    } else {
      rows.warn('nops-legacy-logs', `${describeSimulation('logs:GetLogEvents', events)}: nOps cannot read the CloudWatch destination`,
        'rely on the S3 destination (nOps reads S3), or grant the legacy read (NopsIntegrationGrant legacyCloudWatchLogsRead)');
    }
  } catch (e) {
    unreadable(rows, 'nops-legacy-logs', 'iam:SimulatePrincipalPolicy', e);
  }
}
