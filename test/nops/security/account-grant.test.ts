/**
 * One nOps grant per account: the StackSet member template deployed to 30 Regions of one account
 * leaves one managed policy from this library on the nOps role (and no inline policy), and that one
 * policy reads the logs of every Region's bucket of its account and nothing else. Asked of the IAM
 * policy simulator (@cloud-copilot/iam-simulate) with the policies of the resolved templates: the
 * grant from the grant Region's stack, the bucket policy from each bucket's own stack.
 */
import { BedrockInvocationLoggingMemberTemplate } from '../../../lib';
import { ACCOUNT, Answer, ask, OTHER_ACCOUNT, PolicyDocument, Question } from '../../support/security/harness';
import { TemplateResolver } from '../../support/security/resolve';

/** 30 Regions, the first of which grants (NopsGrantRegion). */
const REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'sa-east-1', 'mx-central-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'il-central-1', 'me-central-1', 'me-south-1', 'af-south-1', 'ap-south-1', 'ap-south-2', 'ap-east-1', 'ap-northeast-1',
  'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
];
const NOPS_ROLE = 'Nops-Integration-abc123';
const PREFIX = 'finops/bedrock';
const PARAMETERS = { NopsRoleName: NOPS_ROLE, NopsGrantRegion: REGIONS[0], KeyPrefix: PREFIX };

interface Instance {
  readonly region: string;
  readonly bucket: string;
  readonly bucketPolicy: PolicyDocument;
  readonly keyPolicy: PolicyDocument;
  readonly nopsManagedPolicies: PolicyDocument[];
  readonly nopsInlinePolicies: number;
}

/** The member template (SSE-KMS: the widest grant) as CloudFormation creates it in one account and Region. */
function instantiate(template: any, account: string, region: string): Instance {
  const resolver = new TemplateResolver(template, { account, region, parameters: PARAMETERS, stackName: `StackSet-BedrockInvocationLogging-${region}` });
  const resolved = resolver.resolveTemplate();
  const resources = Object.values<any>(resolved.Resources);
  const bucketId = Object.entries<any>(template.Resources)
    .find(([id, r]) => r.Type === 'AWS::S3::Bucket' && !id.includes('AccessLogs'))![0];
  const bucket = resolver.ref(bucketId);
  const onNops = (r: any) => (r.Properties.Roles ?? []).includes(NOPS_ROLE);
  return {
    region,
    bucket,
    bucketPolicy: resources.find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket === bucket).Properties.PolicyDocument,
    keyPolicy: resources.find((r) => r.Type === 'AWS::KMS::Key').Properties.KeyPolicy,
    nopsManagedPolicies: resources.filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && onNops(r)).map((r) => r.Properties.PolicyDocument),
    nopsInlinePolicies: resources.filter((r) => r.Type === 'AWS::IAM::Policy' && onNops(r)).length,
  };
}

const MEMBER = JSON.parse(new BedrockInvocationLoggingMemberTemplate({ createEncryptionKey: true }).toJson());
const INSTANCES = REGIONS.map((region) => instantiate(MEMBER, ACCOUNT, region));

test('30 Regions of one account: one managed policy from this library on the nOps role, no inline policy', () => {
  const managed = INSTANCES.flatMap((i) => i.nopsManagedPolicies.map(() => i.region));
  expect(managed).toEqual([REGIONS[0]]);
  expect(INSTANCES.reduce((n, i) => n + i.nopsInlinePolicies, 0)).toBe(0);
  // and every bucket name is distinct and of this account
  expect(new Set(INSTANCES.map((i) => i.bucket)).size).toBe(30);
  for (const i of INSTANCES) expect(i.bucket.startsWith(`bedrock-invocation-logs-${ACCOUNT}-${i.region}-`)).toBe(true);
});

describe('the one grant, asked of the IAM simulator', () => {
  const grant = INSTANCES[0].nopsManagedPolicies[0];
  const principal = `arn:aws:iam::${ACCOUNT}:role/${NOPS_ROLE}`;
  const identityPolicies = [{ name: 'nops-grant', policy: grant }];
  const logKey = (region: string, account = ACCOUNT) => `${PREFIX}/AWSLogs/${account}/BedrockModelInvocationLogs/${region}/2026/11/30/08/20261130T0805Z_a1b2.json.gz`;
  const TLS = { 'aws:SecureTransport': 'true' };
  const owned = (account: string) => ({ 's3:ResourceAccount': account });
  const otherAccountBucket = instantiate(MEMBER, OTHER_ACCOUNT, 'eu-west-1');

  const questions: Question[] = [];
  const q = (id: string, text: string, expect: Question['expect'], action: string, resource: string, context: Record<string, string>, resourcePolicy?: PolicyDocument) =>
    questions.push({ id, subject: 'account-wide nOps grant', text, expect, principal, action, resource, context, identityPolicies, resourcePolicy });

  for (const i of INSTANCES) {
    q(`read-${i.region}`, `GetObject of a log in ${i.region}'s bucket`, 'Allowed', 's3:GetObject',
      `arn:aws:s3:::${i.bucket}/${logKey(i.region)}`, { ...TLS, ...owned(ACCOUNT) }, i.bucketPolicy);
    q(`list-${i.region}`, `ListBucket of PREFIX/ in ${i.region}'s bucket`, 'Allowed', 's3:ListBucket',
      `arn:aws:s3:::${i.bucket}`, { ...TLS, ...owned(ACCOUNT), 's3:prefix': `${PREFIX}/AWSLogs/` }, i.bucketPolicy);
  }
  const east = INSTANCES[0];
  const west = INSTANCES[8];
  // The simulator does not evaluate kms:EncryptionContext:* keys (it ignores keys with a ':' variable
  // part); test/logging/statements.test.ts asserts that condition exactly. Here: the kms:ViaService part.
  const withoutContextKey = JSON.parse(JSON.stringify(grant));
  for (const st of withoutContextKey.Statement) delete st.Condition?.StringLike?.['kms:EncryptionContext:aws:s3:arn'];
  const kmsQuestion = (id: string, text: string, expect: Question['expect'], context: Record<string, string>) => questions.push({
    id, subject: 'account-wide nOps grant', text, expect, principal, action: 'kms:Decrypt',
    resource: `arn:aws:kms:${west.region}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, context,
    identityPolicies: [{ name: 'nops-grant-without-encryption-context-condition', policy: withoutContextKey }],
    resourcePolicy: west.keyPolicy,
  });
  kmsQuestion('decrypt-via-s3', 'kms:Decrypt of a key of this account through S3', 'Allowed', { 'kms:ViaService': `s3.${west.region}.amazonaws.com` });
  kmsQuestion('decrypt-direct', 'kms:Decrypt of the same key called directly (not through S3)', 'Denied', {});
  kmsQuestion('decrypt-via-other-service', 'kms:Decrypt of the same key through another service', 'Denied', { 'kms:ViaService': `secretsmanager.${west.region}.amazonaws.com` });
  q('other-account-read', 'GetObject in another account\'s bucket of the same name pattern', 'Denied', 's3:GetObject',
    `arn:aws:s3:::bedrock-invocation-logs-${ACCOUNT}-eu-west-1-deadbeef/${logKey('eu-west-1')}`, { ...TLS, ...owned(OTHER_ACCOUNT) });
  q('other-account-own-name', 'GetObject in another account\'s own log bucket', 'Denied', 's3:GetObject',
    `arn:aws:s3:::${otherAccountBucket.bucket}/${logKey('eu-west-1', OTHER_ACCOUNT)}`, { ...TLS, ...owned(OTHER_ACCOUNT) }, otherAccountBucket.bucketPolicy);
  q('outside-prefix', 'GetObject outside the prefix', 'Denied', 's3:GetObject', `arn:aws:s3:::${west.bucket}/other/data.csv`, { ...TLS, ...owned(ACCOUNT) }, west.bucketPolicy);
  q('prefix-boundary', 'GetObject under PREFIX-other/ (the prefix boundary)', 'Denied', 's3:GetObject',
    `arn:aws:s3:::${west.bucket}/${PREFIX}-other/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/x.json.gz`, { ...TLS, ...owned(ACCOUNT) }, west.bucketPolicy);
  q('prefix-nested', 'GetObject of a key that contains /PREFIX/ further down', 'Denied', 's3:GetObject',
    `arn:aws:s3:::${west.bucket}/exports/${PREFIX}/report.csv`, { ...TLS, ...owned(ACCOUNT) }, west.bucketPolicy);
  q('other-bucket', 'GetObject in another bucket of this account', 'Denied', 's3:GetObject', `arn:aws:s3:::payroll-exports/${logKey('us-east-1')}`, { ...TLS, ...owned(ACCOUNT) });
  q('list-outside', 'ListBucket outside the prefix', 'Denied', 's3:ListBucket', `arn:aws:s3:::${west.bucket}`, { ...TLS, ...owned(ACCOUNT), 's3:prefix': 'other/' }, west.bucketPolicy);
  q('list-root', 'ListBucket of the whole bucket', 'Denied', 's3:ListBucket', `arn:aws:s3:::${west.bucket}`, { ...TLS, ...owned(ACCOUNT), 's3:prefix': '' }, west.bucketPolicy);
  q('plain-http', 'GetObject of a log over plain HTTP', 'Denied', 's3:GetObject', `arn:aws:s3:::${east.bucket}/${logKey(east.region)}`,
    { 'aws:SecureTransport': 'false', ...owned(ACCOUNT) }, east.bucketPolicy);
  q('put', 'PutObject under the prefix', 'Denied', 's3:PutObject', `arn:aws:s3:::${west.bucket}/${logKey(west.region)}`, { ...TLS, ...owned(ACCOUNT) }, west.bucketPolicy);
  q('delete', 'DeleteObject under the prefix', 'Denied', 's3:DeleteObject', `arn:aws:s3:::${west.bucket}/${logKey(west.region)}`, { ...TLS, ...owned(ACCOUNT) }, west.bucketPolicy);

  let answers: Answer[];
  beforeAll(async () => {
    answers = [];
    for (const question of questions) answers.push(await ask('account-wide-grant', question));
  });

  test(`reads every Region's logs of its account (${REGIONS.length} Regions), nothing in another account, outside the prefix or over HTTP`, () => {
    const wrong = answers.filter((a) => !a.pass).map((a) => `${a.id}: expected ${a.expect}, got ${a.actual}`);
    expect(wrong).toEqual([]);
    expect(answers).toHaveLength(REGIONS.length * 2 + 14);
  });
});
