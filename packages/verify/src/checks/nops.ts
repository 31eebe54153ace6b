/**
 * The nOps integration role: it exists, it may read the log prefix (its own policies as IAM's
 * simulator judges them, and the bucket policy as verify reads it) and nothing outside it, it may
 * decrypt the logs, and whether it may read the CloudWatch destination (nOps's legacy path).
 */
import { BEDROCK_LOG_STREAM } from '../../../../lib/logging/facts';
import { LoggingConfig } from '@aws-sdk/client-bedrock';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { analyseBucketPolicy, BucketPolicyAccess, Finding } from '../bucket-access';
import { isError } from '../errors';
import { isRoleNamePattern, rolesMatching } from '../nops-role';
import { logsBase, prefixPath } from '../prefix';
import { CheckId } from '../types';
import { S3Destination } from './bedrock';
import { BucketFacts } from './bucket';
import { RegionContext, Rows, unreadable } from './common';
import { describeSimulation, resourceAccount, s3Prefix, SECURE_TRANSPORT, simulate } from './simulate';

/** The nOps rows, skipped together when the role is not given or cannot be read. */
const NOPS_IDS: CheckId[] = ['nops-role', 'nops-read-prefix', 'nops-outside-prefix', 'nops-kms-decrypt', 'nops-legacy-logs'];

function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.statement} ${f.text}`).join('; ');
}

function statementsOf(findings: Finding[]): string {
  return [...new Set(findings.map((f) => f.statement))].join(', ');
}

export interface NopsTarget extends S3Destination, BucketFacts {}

export async function checkNops(ctx: RegionContext, rows: Rows, target: NopsTarget | undefined, config: LoggingConfig | undefined, noTargetReason: string): Promise<void> {
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
