/**
 * What `grantQuery` and the managed query policy allow, asked of the IAM policy simulator
 * (@cloud-copilot/iam-simulate) with the synthesized policies: running the named queries in the
 * workgroup and reading their results, and nothing beside (another prefix, another bucket, writes
 * outside the results bucket, another workgroup, the catalog beyond the two tables, KMS outside S3).
 */
import { BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { BedrockInvocationLogging, BedrockLogAnalytics } from '../../lib';
import { ACCOUNT, Answer, ask, identityPolicies, logicalId, NamedPolicy, PolicyDocument, Question, REGION, Synthesized, synthStack } from '../support/security/harness';

const ANALYST = 'FinOpsAnalyst';
const PREFIX = 'finops/bedrock';
const WORK_GROUP = 'bedrock-log-analytics';
const DATABASE = 'bedrock_invocation_logs';
const TLS = { 'aws:SecureTransport': 'true' };

interface Built { s: Synthesized; analytics: BedrockLogAnalytics }

function build(kmsKeys: boolean): Built {
  let analytics: BedrockLogAnalytics | undefined;
  const s = synthStack((app) => {
    const stack = new Stack(app, 'Analytics', { synthesizer: new BootstraplessSynthesizer() });
    const logging = new BedrockInvocationLogging(stack, 'InvocationLogging', { keyPrefix: PREFIX, createEncryptionKey: kmsKeys });
    analytics = new BedrockLogAnalytics(stack, 'Analytics', {
      invocationLogging: logging,
      resultsEncryptionKey: kmsKeys ? new kms.Key(stack, 'ResultsKey', { enableKeyRotation: true }) : undefined,
    });
    analytics.grantQuery(new iam.Role(stack, 'Analyst', { roleName: ANALYST, assumedBy: new iam.AccountRootPrincipal() }));
    return { stack, logging };
  });
  return { s, analytics: analytics! };
}

/** The questions for one template; `identity` is the principal's policies (the grant, or the managed policy alone). */
function questions(b: Built, identity: NamedPolicy[], kmsKeys: boolean): Question[] {
  const { s, analytics } = b;
  const R = s.resolved.Resources;
  const logBucket = s.resolver.ref(logicalId(s.logging.bucket));
  const resultsBucket = s.resolver.ref(logicalId(analytics.resultsBucket));
  const policyOf = (bucket: string): PolicyDocument => (Object.values(R) as any[])
    .find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket === bucket).Properties.PolicyDocument;
  const logPolicy = policyOf(logBucket);
  const resultsPolicy = policyOf(resultsBucket);
  const principal = `arn:aws:iam::${ACCOUNT}:role/${ANALYST}`;
  const wg = (name: string) => `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/${name}`;
  const glue = (resource: string) => `arn:aws:glue:${REGION}:${ACCOUNT}:${resource}`;
  const obj = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
  const logKey = `${PREFIX}/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/${REGION}/2026/01/15/10/20260115T1005Z_abc.json.gz`;
  const q = (id: string, text: string, expect: Question['expect'], action: string, resource: string, context: Record<string, string> = {}, resourcePolicy?: PolicyDocument): Question =>
    ({ id, subject: 'query grant', text, expect, principal, action, resource, context, identityPolicies: identity, resourcePolicy });
  const list = (prefix: string) => ({ ...TLS, 's3:prefix': prefix, 's3:delimiter': '/' });

  const out: Question[] = [
    // Running the queries and reading results.
    q('start-query', 'StartQueryExecution in the workgroup', 'Allowed', 'athena:StartQueryExecution', wg(WORK_GROUP)),
    q('get-results', 'GetQueryResults in the workgroup', 'Allowed', 'athena:GetQueryResults', wg(WORK_GROUP)),
    q('get-execution', 'GetQueryExecution in the workgroup', 'Allowed', 'athena:GetQueryExecution', wg(WORK_GROUP)),
    q('get-named-query', 'GetNamedQuery in the workgroup', 'Allowed', 'athena:GetNamedQuery', wg(WORK_GROUP)),
    q('list-named-queries', 'ListNamedQueries in the workgroup', 'Allowed', 'athena:ListNamedQueries', wg(WORK_GROUP)),
    q('glue-get-table', 'glue:GetTable bedrock_invocations', 'Allowed', 'glue:GetTable', glue(`table/${DATABASE}/bedrock_invocations`)),
    q('glue-get-prices', 'glue:GetTable bedrock_prices', 'Allowed', 'glue:GetTable', glue(`table/${DATABASE}/bedrock_prices`)),
    q('glue-get-database', 'glue:GetDatabase of the database', 'Allowed', 'glue:GetDatabase', glue(`database/${DATABASE}`)),
    q('list-logs', 'ListBucket PREFIX/AWSLogs/ACCOUNT/…/DAY/ (a projected partition)', 'Allowed', 's3:ListBucket', `arn:aws:s3:::${logBucket}`,
      list(`${PREFIX}/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/${REGION}/2026/01/15/`), logPolicy),
    q('read-log', 'GetObject of a log object under PREFIX/AWSLogs/', 'Allowed', 's3:GetObject', obj(logBucket, logKey), TLS, logPolicy),
    q('read-sidecar', 'GetObject of a data/ sidecar (Athena reads it with the day)', 'Allowed', 's3:GetObject', obj(logBucket, logKey.replace(/[^/]+$/, 'data/x_output.json.gz')), TLS, logPolicy),
    q('list-prices', 'ListBucket PRICE_PREFIX/', 'Allowed', 's3:ListBucket', `arn:aws:s3:::${logBucket}`, list('bedrock-prices/'), logPolicy),
    q('read-prices', 'GetObject PRICE_PREFIX/prices.csv', 'Allowed', 's3:GetObject', obj(logBucket, 'bedrock-prices/prices.csv'), TLS, logPolicy),
    q('write-results', 'PutObject of a result in the results bucket', 'Allowed', 's3:PutObject', obj(resultsBucket, 'q-123.csv'), TLS, resultsPolicy),
    q('read-results', 'GetObject of a result in the results bucket', 'Allowed', 's3:GetObject', obj(resultsBucket, 'q-123.csv'), TLS, resultsPolicy),

    // Nothing else.
    q('other-workgroup', 'StartQueryExecution in the workgroup primary', 'Denied', 'athena:StartQueryExecution', wg('primary')),
    q('other-workgroup-results', 'GetQueryResults in the workgroup primary', 'Denied', 'athena:GetQueryResults', wg('primary')),
    q('update-workgroup', 'UpdateWorkGroup (lift the scan limit or change the results location)', 'Denied', 'athena:UpdateWorkGroup', wg(WORK_GROUP)),
    q('create-named-query', 'CreateNamedQuery in the workgroup', 'Denied', 'athena:CreateNamedQuery', wg(WORK_GROUP)),
    q('glue-other-table', 'glue:GetTable of another table in the database', 'Denied', 'glue:GetTable', glue(`table/${DATABASE}/other`)),
    q('glue-other-database', 'glue:GetTable in another database', 'Denied', 'glue:GetTable', glue('table/other/bedrock_invocations')),
    q('glue-update-table', 'glue:UpdateTable bedrock_invocations (change the location)', 'Denied', 'glue:UpdateTable', glue(`table/${DATABASE}/bedrock_invocations`)),
    q('read-prefix-root', 'GetObject PREFIX/x (outside AWSLogs/)', 'Denied', 's3:GetObject', obj(logBucket, `${PREFIX}/x`), TLS, logPolicy),
    q('read-sibling-prefix', 'GetObject PREFIX-other/AWSLogs/… (another prefix)', 'Denied', 's3:GetObject', obj(logBucket, logKey.replace(PREFIX, `${PREFIX}-other`)), TLS, logPolicy),
    q('read-other-bucket', 'GetObject in another bucket', 'Denied', 's3:GetObject', obj('other-bucket', logKey), TLS),
    q('list-other-prefix', 'ListBucket with s3:prefix other/', 'Denied', 's3:ListBucket', `arn:aws:s3:::${logBucket}`, list('other/'), logPolicy),
    q('list-whole-bucket', 'ListBucket with s3:prefix "" (the whole log bucket)', 'Denied', 's3:ListBucket', `arn:aws:s3:::${logBucket}`, list(''), logPolicy),
    q('write-logs', 'PutObject under PREFIX/AWSLogs/ (forge a log)', 'Denied', 's3:PutObject', obj(logBucket, logKey), TLS, logPolicy),
    q('write-prices', 'PutObject PRICE_PREFIX/prices.csv (the price file is maintained by its owner)', 'Denied', 's3:PutObject', obj(logBucket, 'bedrock-prices/prices.csv'), TLS, logPolicy),
    q('write-other-bucket', 'PutObject in another bucket', 'Denied', 's3:PutObject', obj('other-bucket', 'x.csv'), TLS),
    q('delete-results', 'DeleteObject of a result', 'Denied', 's3:DeleteObject', obj(resultsBucket, 'q-123.csv'), TLS, resultsPolicy),
    q('delete-log', 'DeleteObject of a log object', 'Denied', 's3:DeleteObject', obj(logBucket, logKey), TLS, logPolicy),
    q('read-results-http', 'GetObject of a result over plain HTTP', 'Denied', 's3:GetObject', obj(resultsBucket, 'q-123.csv'), { 'aws:SecureTransport': 'false' }, resultsPolicy),
  ];
  if (kmsKeys) {
    const logKeyArn = s.resolver.getAtt(logicalId(s.logging.encryptionKey!), 'Arn');
    const resultsKeyArn = s.resolver.getAtt(logicalId(analyticsResultsKey(b)), 'Arn');
    const viaS3 = { 'kms:ViaService': `s3.${REGION}.amazonaws.com` };
    // The key policies (CDK's default lets the account's IAM policies decide) take part, as in AWS.
    const keyPolicy = (key: kms.IKey): PolicyDocument => R[logicalId(key)].Properties.KeyPolicy;
    const logKp = keyPolicy(s.logging.encryptionKey!);
    const resultsKp = keyPolicy(analyticsResultsKey(b));
    out.push(
      q('decrypt-logs-via-s3', 'kms:Decrypt with the log key through S3', 'Allowed', 'kms:Decrypt', logKeyArn, viaS3, logKp),
      q('decrypt-logs-direct', 'kms:Decrypt with the log key called directly (not through S3)', 'Denied', 'kms:Decrypt', logKeyArn, {}, logKp),
      q('decrypt-logs-other-service', 'kms:Decrypt with the log key through another service (ssm)', 'Denied', 'kms:Decrypt', logKeyArn, { 'kms:ViaService': `ssm.${REGION}.amazonaws.com` }, logKp),
      q('encrypt-with-log-key', 'kms:GenerateDataKey with the log key through S3 (write with it)', 'Denied', 'kms:GenerateDataKey', logKeyArn, viaS3, logKp),
      q('results-key-via-s3', 'kms:GenerateDataKey with the results key through S3', 'Allowed', 'kms:GenerateDataKey', resultsKeyArn, viaS3, resultsKp),
      q('results-key-decrypt-via-s3', 'kms:Decrypt with the results key through S3', 'Allowed', 'kms:Decrypt', resultsKeyArn, viaS3, resultsKp),
      q('results-key-direct', 'kms:GenerateDataKey with the results key called directly', 'Denied', 'kms:GenerateDataKey', resultsKeyArn, {}, resultsKp),
    );
  }
  return out;
}

function analyticsResultsKey(b: Built): kms.IKey {
  return b.s.stack.node.findChild('ResultsKey') as kms.IKey;
}

describe.each([
  ['SSE-S3', false],
  ['SSE-KMS log and results keys', true],
])('query grant (%s)', (_title, kmsKeys) => {
  let b: Built;
  beforeAll(() => {
    b = build(kmsKeys);
  });

  test('grantQuery: the principal can run queries in the workgroup and read results, and nothing beside', async () => {
    const identity = identityPolicies(b.s, ANALYST);
    expect(identity.length).toBeGreaterThan(0);
    const answers: Answer[] = [];
    for (const question of questions(b, identity, kmsKeys)) answers.push(await ask('analytics', question));
    expect(answers.filter((a) => !a.pass).map((a) => `${a.id}: expected ${a.expect}, simulator said ${a.actual} (${a.action} ${a.resource})`)).toEqual([]);
  });

  test('the managed query policy alone answers the same', async () => {
    const id = logicalId(b.analytics.queryPolicy);
    const identity: NamedPolicy[] = [{ name: id, policy: b.s.resolved.Resources[id].Properties.PolicyDocument }];
    const answers: Answer[] = [];
    for (const question of questions(b, identity, kmsKeys)) answers.push(await ask('analytics', question));
    expect(answers.filter((a) => !a.pass).map((a) => `${a.id}: expected ${a.expect}, simulator said ${a.actual} (${a.action} ${a.resource})`)).toEqual([]);
  });
});
