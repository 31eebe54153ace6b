/**
 * The log bucket's policy: the statement AWS documents for Bedrock's writes, nothing wider, and no
 * Allow to anyone.
 */
import { BEDROCK_SERVICE_PRINCIPAL, bedrockWriteStatement } from '../../../../lib/logging/facts';
import { LoggingConfig } from '@aws-sdk/client-bedrock';
import { GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { errorLine, isError } from '../errors';
import {
  allowsForService, asList, confinedTo, coversResource, grantsAction, isAllow,
  parsePolicy, PolicyStatement, principalsOf, sourceConditionProblems, SourceScope, statementName,
} from '../policy';
import { logsBase, normalizeConfiguredPrefix } from '../prefix';
import { S3Destination } from './bedrock';
import { PERMISSION_CHECK_OBJECT } from './bucket-logs';
import { RegionContext, Rows, scopeOf, unreadable } from './common';

/** What verify learned of the bucket policy: its statements, that there is none, or why it is unknown. */
export type BucketPolicyState =
  | { readonly kind: 'read'; readonly statements: PolicyStatement[] }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly reason: string };

/** The statement AWS documents for the bucket policy. */
export function expectedBucketStatement(scope: SourceScope, bucketName: string, prefix: string): Record<string, unknown> {
  return bedrockWriteStatement(scope, `arn:${scope.partition}:s3:::${bucketName}`, prefix);
}

export async function checkBucketPolicy(ctx: RegionContext, rows: Rows, s3: S3Destination, config: LoggingConfig): Promise<BucketPolicyState> {
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
