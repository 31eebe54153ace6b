/**
 * The CloudWatch Logs destination, when there is one: its log group (retention, encryption), the
 * trust policy of the role Bedrock writes with, and where large bodies go.
 */
import { BEDROCK_SERVICE_PRINCIPAL, bedrockSourceConditions } from '../../../../lib/logging/facts';
import { LoggingConfig } from '@aws-sdk/client-bedrock';
import { DescribeLogGroupsCommand, LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { errorLine, isError } from '../errors';
import { allowsForService, isAllow, parsePolicy, PolicyStatement, principalsOf, sourceConditionProblems, statementName } from '../policy';
import { normalizeConfiguredPrefix, prefixPath } from '../prefix';
import { CheckId } from '../types';
import { RegionContext, Rows, scopeOf, unreadable } from './common';

/** Retention shorter than this is reported as a warning. */
export const MIN_RETENTION_DAYS = 365;

/** The CloudWatch rows, skipped together when there is no CloudWatch destination. */
export const CLOUDWATCH_IDS: CheckId[] = ['cloudwatch-log-group', 'cloudwatch-retention', 'cloudwatch-encryption', 'cloudwatch-role-trust', 'cloudwatch-large-data'];

export async function checkCloudWatch(ctx: RegionContext, rows: Rows, config: LoggingConfig): Promise<void> {
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
