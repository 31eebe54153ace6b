/**
 * The bucket policy the stack synthesizes, changed one statement at a time, judged by `verify`
 * (runVerify over HTTP against the fake account): statements that let nOps's role read outside the
 * prefix, and Deny statements that stop it reading the prefix. Where the outcome does not depend on
 * what verify cannot know, an independent evaluator (@cloud-copilot/iam-simulate, given the role's
 * policies and the bucket policy) confirms that the role really can or cannot read.
 */
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { CheckId, CheckStatus } from '../src/types';
import { ACCOUNT, BUCKET, bucketPolicyOf, FakeAccount, healthyAccount, NOPS_ROLE, NOPS_ROLE_ARN, PREFIX } from './fake-aws';
import { detail, expectRows, fake, NOW, S3_ONLY_SKIPS, useFakeAccount, verify } from './harness';

useFakeAccount();

const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const INSIDE = `${BUCKET_ARN}/${PREFIX}/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/us-east-1/2026/03/10/12/example.json.gz`;
const OUTSIDE = `${BUCKET_ARN}/other/secret.json`;

/** What an independent evaluator says about nOps's role doing `action` on `resource` over HTTPS (TLS 1.2, no VPC endpoint). */
async function independently(account: FakeAccount, action: string, resource: string, s3Prefix?: string): Promise<string> {
  const result = await runSimulation({
    request: {
      principal: NOPS_ROLE_ARN,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: {
        'aws:SecureTransport': 'true', 'aws:PrincipalArn': NOPS_ROLE_ARN, 'aws:PrincipalAccount': ACCOUNT, 's3:TlsVersion': '1.2', 's3:ResourceAccount': ACCOUNT,
        ...(s3Prefix !== undefined ? { 's3:prefix': s3Prefix } : {}),
      },
    },
    identityPolicies: account.roles[NOPS_ROLE].policies.map((p) => ({ name: p.name, policy: p.policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: bucketPolicyOf(account) as any,
  }, { simulationMode: 'Strict' });
  return result.resultType === 'error' ? `Error: ${result.errors.message}` : result.overallResult;
}

/** The synthesized account with `statements` added to its bucket policy. */
function withStatements(...statements: unknown[]): FakeAccount {
  const account = healthyAccount(NOW);
  bucketPolicyOf(account).Statement.push(...statements);
  return account;
}

interface Case {
  readonly name: string;
  readonly statement: Record<string, unknown>;
  readonly rows: Partial<Record<CheckId, CheckStatus>>;
  /** Text the row of the changed check must contain (detail | fix). */
  readonly says: string[];
  /** A request and what the independent evaluator must answer for it, when verify's answer is certain. */
  readonly proof?: { action: string; resource: string; s3Prefix?: string; result: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' };
}

const READ_ALL = { Sid: 'ReadAll', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`] };

describe('an Allow that lets nOps\'s role read outside the prefix FAILs "nOps may not read outside it"', () => {
  const cases: Case[] = [
    {
      name: 'the role by ARN, whole bucket',
      statement: { ...READ_ALL, Principal: { AWS: NOPS_ROLE_ARN } },
      rows: { 'nops-outside-prefix': 'FAIL' },
      says: [`statement "ReadAll" allows s3:GetObject on ${BUCKET_ARN}/* (for example ${BUCKET_ARN}/x)`, 'remove statement "ReadAll" from the bucket policy'],
      proof: { action: 's3:GetObject', resource: OUTSIDE, result: 'Allowed' },
    },
    {
      name: 'anyone ("*"), s3:*',
      statement: { Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: `${BUCKET_ARN}/*` },
      rows: { 'nops-outside-prefix': 'FAIL', 'bucket-policy': 'FAIL' },
      says: ['statement "Everyone" allows s3:GetObject, s3:GetObjectVersion on'],
      proof: { action: 's3:GetObject', resource: OUTSIDE, result: 'Allowed' },
    },
    {
      name: 'any principal whose aws:PrincipalArn matches Nops-Integration-*',
      statement: { ...READ_ALL, Principal: { AWS: '*' }, Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/Nops-Integration-*` } } },
      rows: { 'nops-outside-prefix': 'FAIL', 'bucket-policy': 'FAIL' },
      says: ['statement "ReadAll" allows s3:GetObject'],
      proof: { action: 's3:GetObject', resource: OUTSIDE, result: 'Allowed' },
    },
    {
      name: 'a session of the role',
      statement: { ...READ_ALL, Principal: { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/${NOPS_ROLE}/nops-session` } },
      rows: { 'nops-outside-prefix': 'FAIL' },
      says: ['statement "ReadAll" allows s3:GetObject'],
    },
    {
      name: 'a resource pattern that crosses the prefix boundary (bedrock* also covers bedrock-archive/)',
      statement: { Sid: 'Boundary', Effect: 'Allow', Principal: { AWS: NOPS_ROLE_ARN }, Action: 's3:GetObject', Resource: `${BUCKET_ARN}/${PREFIX}*` },
      rows: { 'nops-outside-prefix': 'FAIL' },
      says: [`allows s3:GetObject on ${BUCKET_ARN}/${PREFIX}* (for example ${BUCKET_ARN}/${PREFIX})`],
      proof: { action: 's3:GetObject', resource: `${BUCKET_ARN}/${PREFIX}-archive/x.json`, result: 'Allowed' },
    },
    {
      name: 'listing with an s3:prefix pattern wider than the prefix',
      statement: { Sid: 'ListWide', Effect: 'Allow', Principal: { AWS: NOPS_ROLE_ARN }, Action: 's3:ListBucket', Resource: BUCKET_ARN, Condition: { StringLike: { 's3:prefix': [`${PREFIX}*`] } } },
      rows: { 'nops-outside-prefix': 'FAIL' },
      says: [`statement "ListWide" allows s3:ListBucket on ${BUCKET_ARN} with s3:prefix "${PREFIX}-other/"`],
      proof: { action: 's3:ListBucket', resource: BUCKET_ARN, s3Prefix: `${PREFIX}-other/`, result: 'Allowed' },
    },
    {
      name: 'the prefix only, but StringLikeIfExists on s3:prefix: listing without a prefix lists the whole bucket',
      statement: {
        Sid: 'IfExists', Effect: 'Allow', Principal: { AWS: NOPS_ROLE_ARN }, Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: [BUCKET_ARN, `${BUCKET_ARN}/${PREFIX}/*`], Condition: { StringLikeIfExists: { 's3:prefix': [`${PREFIX}/*`] } },
      },
      rows: { 'nops-outside-prefix': 'FAIL' },
      says: [`statement "IfExists" allows s3:ListBucket on ${BUCKET_ARN} without a prefix`],
      proof: { action: 's3:ListBucket', resource: BUCKET_ARN, result: 'Allowed' },
    },
    {
      name: 'anyone in an organization: FAIL although verify cannot know the organization, and says so',
      statement: { ...READ_ALL, Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } },
      rows: { 'nops-outside-prefix': 'FAIL', 'bucket-policy': 'FAIL' },
      says: ["(depends on aws:PrincipalOrgID, which verify cannot know for nOps's requests)"],
    },
  ];

  test.each(cases)('$name', async ({ statement, rows, says, proof }) => {
    const account = withStatements(statement);
    const outcome = await verify(account);
    expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, ...rows });
    expect(outcome.exitCode).toBe(1);
    for (const text of says) {
      expect(detail(outcome, 'nops-outside-prefix')).toContain(text);
    }
    if (proof) {
      expect(await independently(account, proof.action, proof.resource, proof.s3Prefix)).toBe(proof.result);
    }
  });
});

describe('statements that cannot let nOps\'s role read outside the prefix PASS', () => {
  const cases: Case[] = [
    {
      name: 'the account root: only delegates to the role\'s own policies, and the row says so',
      statement: { ...READ_ALL, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } },
      rows: {},
      says: ['statement "ReadAll" of the bucket policy allow the account, which only delegates to the role\'s own policies'],
      proof: { action: 's3:GetObject', resource: OUTSIDE, result: 'ImplicitlyDenied' },
    },
    {
      name: 'another role of the account',
      statement: { ...READ_ALL, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Analyst` } },
      rows: {},
      says: ['no statement of the bucket policy (read by verify) lets the role read outside it'],
      proof: { action: 's3:GetObject', resource: OUTSIDE, result: 'ImplicitlyDenied' },
    },
    {
      name: 'anyone, but only another role by aws:PrincipalArn',
      statement: { ...READ_ALL, Principal: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/Analyst` } } },
      rows: { 'bucket-policy': 'FAIL' },
      says: ['no statement of the bucket policy (read by verify) lets the role read outside it'],
      proof: { action: 's3:GetObject', resource: OUTSIDE, result: 'ImplicitlyDenied' },
    },
    {
      name: 'the role, reading the prefix only',
      statement: { Sid: 'NopsPrefixOnly', Effect: 'Allow', Principal: { AWS: NOPS_ROLE_ARN }, Action: 's3:GetObject', Resource: `${BUCKET_ARN}/${PREFIX}/*` },
      rows: {},
      says: ['no statement of the bucket policy (read by verify) lets the role read outside it'],
      proof: { action: 's3:GetObject', resource: OUTSIDE, result: 'ImplicitlyDenied' },
    },
  ];

  test.each(cases)('$name', async ({ statement, rows, says, proof }) => {
    const account = withStatements(statement);
    const outcome = await verify(account);
    expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, ...rows });
    for (const text of says) {
      expect(detail(outcome, 'nops-outside-prefix')).toContain(text);
    }
    if (proof) {
      expect(await independently(account, proof.action, proof.resource, proof.s3Prefix)).toBe(proof.result);
    }
  });
});

describe('a Deny that stops nOps\'s role reading the prefix FAILs "nOps may read the prefix"; one verify cannot decide WARNs', () => {
  const cases: Case[] = [
    {
      name: 'anyone, s3:GetObject on the prefix',
      statement: { Sid: 'NoReading', Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/${PREFIX}/*` },
      rows: { 'nops-read-prefix': 'FAIL' },
      says: [`statement "NoReading" denies s3:GetObject on ${PREFIX}/AWSLogs/...`, `exempt ${NOPS_ROLE} from statement "NoReading" of the bucket policy`],
      proof: { action: 's3:GetObject', resource: INSIDE, result: 'ExplicitlyDenied' },
    },
    {
      name: 'the role by ARN, s3:* on the bucket',
      statement: { Sid: 'NoNops', Effect: 'Deny', Principal: { AWS: NOPS_ROLE_ARN }, Action: 's3:*', Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`] },
      rows: { 'nops-read-prefix': 'FAIL' },
      says: [`statement "NoNops" denies s3:GetObject on ${PREFIX}/AWSLogs/... and s3:ListBucket with s3:prefix "${PREFIX}/"`],
      proof: { action: 's3:ListBucket', resource: BUCKET_ARN, s3Prefix: `${PREFIX}/`, result: 'ExplicitlyDenied' },
    },
    {
      name: 'the account root',
      statement: { Sid: 'NoAccount', Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: `${BUCKET_ARN}/*` },
      rows: { 'nops-read-prefix': 'FAIL' },
      says: ['statement "NoAccount" denies s3:GetObject'],
    },
    {
      name: 'listing any prefix but another one',
      statement: { Sid: 'ListOtherOnly', Effect: 'Deny', Principal: '*', Action: 's3:ListBucket', Resource: BUCKET_ARN, Condition: { StringNotLike: { 's3:prefix': 'other/*' } } },
      rows: { 'nops-read-prefix': 'FAIL' },
      says: [`statement "ListOtherOnly" denies s3:ListBucket with s3:prefix "${PREFIX}/"`],
      proof: { action: 's3:ListBucket', resource: BUCKET_ARN, s3Prefix: `${PREFIX}/`, result: 'ExplicitlyDenied' },
    },
    {
      name: 'outside a VPC endpoint: WARN, it depends on where nOps reads from',
      statement: { Sid: 'VpceOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`], Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } },
      rows: { 'nops-read-prefix': 'WARN' },
      says: ["(depends on aws:SourceVpce, which verify cannot know for nOps's requests)", 'check that statement "VpceOnly" of the bucket policy does not apply to nOps\'s requests'],
    },
    {
      name: 'a NotPrincipal Deny that lists the role: WARN, excluding a role needs its session\'s ARN',
      statement: { Sid: 'OnlyNops', Effect: 'Deny', NotPrincipal: { AWS: [NOPS_ROLE_ARN, `arn:aws:iam::${ACCOUNT}:root`] }, Action: 's3:GetObject', Resource: `${BUCKET_ARN}/*` },
      rows: { 'nops-read-prefix': 'WARN' },
      says: ["whether its NotPrincipal covers nOps's role session cannot be told without the session's name"],
    },
  ];

  test.each(cases)('$name', async ({ statement, rows, says, proof }) => {
    const account = withStatements(statement);
    const outcome = await verify(account);
    expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, ...rows });
    expect(outcome.exitCode).toBe(Object.values(rows).includes('FAIL') ? 1 : 0);
    for (const text of says) {
      expect(detail(outcome, 'nops-read-prefix')).toContain(text);
    }
    if (proof) {
      expect(await independently(account, proof.action, proof.resource, proof.s3Prefix)).toBe(proof.result);
    }
  });

  test('Denies that spare nOps\'s HTTPS reads PASS: the synthesized TLS-only Deny, old TLS versions, a VPC-endpoint lock that exempts the role', async () => {
    const account = withStatements(
      { Sid: 'OldTls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`], Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
      {
        Sid: 'VpceOnlyButNops', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
        Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' }, ArnNotLike: { 'aws:PrincipalArn': [NOPS_ROLE_ARN] } },
      },
    );
    // The synthesized policy denies every request without TLS (aws:SecureTransport false).
    expect(bucketPolicyOf(account).Statement[0]).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    const outcome = await verify(account);
    expectRows(outcome, 'us-east-1', S3_ONLY_SKIPS);
    expect(outcome.exitCode).toBe(0);
    expect(detail(outcome, 'nops-read-prefix')).toContain('bucket policy (read by verify): no Deny applies to these HTTPS reads');
    expect(await independently(account, 's3:GetObject', INSIDE)).toBe('Allowed');
  });
});

test('a bucket policy that grants the prefix to the role itself counts: in one account, either policy may allow', async () => {
  // GIVEN the role has no grant of its own (only nOps's Deny), and the bucket policy grants exactly the prefix
  const account = withStatements(
    { Sid: 'NopsList', Effect: 'Allow', Principal: { AWS: NOPS_ROLE_ARN }, Action: 's3:ListBucket', Resource: BUCKET_ARN, Condition: { StringLike: { 's3:prefix': [`${PREFIX}/*`] } } },
    { Sid: 'NopsRead', Effect: 'Allow', Principal: { AWS: NOPS_ROLE_ARN }, Action: 's3:GetObject', Resource: `${BUCKET_ARN}/${PREFIX}/*` },
  );
  account.roles[NOPS_ROLE].policies = account.roles[NOPS_ROLE].policies.filter((p) => p.name === 'NopsReadOnlyDeny');
  account.buckets[BUCKET].encryption = { algorithm: 'AES256' };
  const outcome = await verify(account);
  expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'kms-key-policy': 'SKIP', 'nops-kms-decrypt': 'SKIP' });
  expect(detail(outcome, 'nops-read-prefix')).toContain('s3:GetObject on bedrock/AWSLogs/...: implicitDeny');
  expect(detail(outcome, 'nops-read-prefix')).toContain('it allows s3:GetObject and s3:ListBucket to the role itself');
  expect(await independently(account, 's3:GetObject', INSIDE)).toBe('Allowed');
  expect(await independently(account, 's3:ListBucket', BUCKET_ARN, `${PREFIX}/`)).toBe('Allowed');

  // ... and without the bucket-policy grant nothing allows it
  bucketPolicyOf(account).Statement = bucketPolicyOf(account).Statement.filter((st) => !String(st.Sid).startsWith('Nops'));
  const none = await verify(account);
  expectRows(none, 'us-east-1', { ...S3_ONLY_SKIPS, 'kms-key-policy': 'SKIP', 'nops-kms-decrypt': 'SKIP', 'nops-read-prefix': 'FAIL' });
  expect(await independently(account, 's3:GetObject', INSIDE)).toBe('ImplicitlyDenied');
});

test('a bucket policy verify may not read: never a silent PASS, both nOps rows WARN that it was not evaluated', async () => {
  const account = healthyAccount(NOW);
  account.refuse = ['GetBucketPolicy'];
  const outcome = await verify(account);
  expectRows(outcome, 'us-east-1', { ...S3_ONLY_SKIPS, 'bucket-policy': 'FAIL', 'nops-read-prefix': 'WARN', 'nops-outside-prefix': 'WARN' });
  expect(detail(outcome, 'nops-read-prefix')).toContain('bucket policy not evaluated: it could not be read (AccessDenied: Access Denied)');
  expect(detail(outcome, 'nops-outside-prefix')).toContain('bucket policy not evaluated: it could not be read (AccessDenied: Access Denied), so a wider Allow in it would not show here');
  expect(detail(outcome, 'nops-outside-prefix')).toContain(`fix: run verify with a principal allowed s3:GetBucketPolicy on ${BUCKET_ARN}`);
});

test('IAM\'s simulator refuses a ResourcePolicy for a role (InvalidInput), as the fake shows; verify asks it about the role\'s own policies only', async () => {
  // GIVEN the fake IAM, asked the way verify used to ask (ResourcePolicy, a role, no CallerArn)
  fake.reset(healthyAccount(NOW));
  const iam = new IAMClient({ region: 'us-east-1' });
  const ask = (extra: Record<string, string>) => iam.send(new SimulatePrincipalPolicyCommand({
    PolicySourceArn: NOPS_ROLE_ARN, ActionNames: ['s3:GetObject'], ResourceArns: [OUTSIDE], ResourcePolicy: JSON.stringify(bucketPolicyOf(healthyAccount(NOW))), ...extra,
  }));
  try {
    // THEN it is refused as IAM documents
    await expect(ask({})).rejects.toMatchObject({ name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } });
    // ... and taken with an IAM user as CallerArn
    await expect(ask({ CallerArn: `arn:aws:iam::${ACCOUNT}:user/auditor` })).resolves.toMatchObject({ EvaluationResults: [{ EvalDecision: 'implicitDeny' }] });
  } finally {
    iam.destroy();
  }

  // WHEN verify runs, THEN no simulation it asks for carries a ResourcePolicy, and each one is the nOps role's
  await verify(healthyAccount(NOW));
  expect(fake.simulations.length).toBeGreaterThan(0);
  expect(fake.simulations.filter((s) => s.resourcePolicy !== undefined || s.roleArn !== NOPS_ROLE_ARN)).toEqual([]);
});
