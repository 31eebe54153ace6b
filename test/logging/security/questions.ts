/**
 * The allow/deny questions about the log bucket, its key and the nOps grant, asked of one synthesized template. Texts use placeholders
 * (PREFIX, ACCOUNT, OTHER_ACCOUNT, REGION, GROUP) so that one question is one row of SECURITY.md
 * whatever the case; the request itself carries the real names.
 */
import { ACCOUNT, NamedPolicy, OTHER_ACCOUNT, PolicySet, Question, REGION } from '../../support/security/harness';

const TLS = { 'aws:SecureTransport': 'true' };
const HTTP = { 'aws:SecureTransport': 'false' };
/** What Bedrock sends when it writes for this account and Region. */
const BEDROCK = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:bedrock:${REGION}:${ACCOUNT}:model-invocation-logging`, ...TLS };
const BEDROCK_SP = 'bedrock.amazonaws.com';
const ALL_S3: NamedPolicy = { name: 'AdminOfOtherAccount', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'kms:*'], Resource: '*' }] } };

type Q = Omit<Question, 'subject'>;

/** S3 sets `s3:ResourceAccount` to the bucket owner's account on every request; here the log bucket is ACCOUNT's. */
const OWN_BUCKET = { 's3:ResourceAccount': ACCOUNT };

/** Whether the nOps policies are the account-wide grant (buckets by name pattern, limited by s3:ResourceAccount). */
function isAccountWide(policies: NamedPolicy[]): boolean {
  return JSON.stringify(policies).includes('s3:ResourceAccount');
}

/** The policies without their kms:EncryptionContext:* conditions (which the simulator cannot evaluate). */
export function withoutEncryptionContext(policies: NamedPolicy[]): NamedPolicy[] {
  return policies.map(({ name, policy }) => {
    const copy = JSON.parse(JSON.stringify(policy));
    for (const st of [copy.Statement].flat()) {
      for (const block of Object.values<Record<string, unknown>>(st.Condition ?? {})) {
        for (const key of Object.keys(block)) if (/^kms:EncryptionContext:/i.test(key)) delete block[key];
      }
    }
    return { name, policy: copy };
  });
}

export function questions(p: PolicySet): Question[] {
  const out: Question[] = [];
  const add = (subject: string, qs: Q[]) => out.push(...qs.map((q) => ({ ...q, subject })));
  const obj = (key: string) => `arn:aws:s3:::${p.bucketName}/${key}`;
  const bucketArn = `arn:aws:s3:::${p.bucketName}`;
  const P = p.prefix;
  const logKey = (prefix: string, account = ACCOUNT) => `${prefix}/AWSLogs/${account}/BedrockModelInvocationLogs/${REGION}/2025/01/02/03/20250102T030405Z_0123456789abcdef.json.gz`;
  const logObj = obj(logKey(P));
  const firstSegment = P.split('/')[0];

  // 1. Bedrock and the bucket policy.
  const bedrock = (id: string, text: string, expect: Question['expect'], action: string, resource: string, context: Record<string, string>, core = false): Q =>
    ({ id, text, expect, action, resource, context, core, principal: BEDROCK_SP, resourcePolicy: p.bucketPolicy });
  add('Bucket policy: Bedrock', [
    bedrock('bedrock-put-log', 'Bedrock PutObject PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/REGION/…/x.json.gz, own SourceAccount and SourceArn', 'Allowed', 's3:PutObject', logObj, BEDROCK, true),
    bedrock('bedrock-put-large', 'Bedrock PutObject of a large payload …/BedrockModelInvocationLogs/REGION/YYYY/MM/DD/HH/data/x.json', 'Allowed', 's3:PutObject', obj(`${P}/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/${REGION}/2025/01/02/03/data/0123.json`), BEDROCK),
    bedrock('bedrock-put-no-conditions', 'Bedrock PutObject under the log path without aws:SourceAccount / aws:SourceArn', 'Denied', 's3:PutObject', logObj, TLS, true),
    bedrock('bedrock-put-other-source-account', 'Bedrock PutObject under the log path with aws:SourceAccount OTHER_ACCOUNT', 'Denied', 's3:PutObject', logObj, { ...BEDROCK, 'aws:SourceAccount': OTHER_ACCOUNT }, true),
    bedrock('bedrock-put-other-source-arn-account', 'Bedrock PutObject with aws:SourceArn of OTHER_ACCOUNT (own SourceAccount)', 'Denied', 's3:PutObject', logObj, { ...BEDROCK, 'aws:SourceArn': `arn:aws:bedrock:${REGION}:${OTHER_ACCOUNT}:model-invocation-logging` }),
    bedrock('bedrock-put-other-region', 'Bedrock PutObject with aws:SourceArn in another Region (eu-west-1)', 'Denied', 's3:PutObject', logObj, { ...BEDROCK, 'aws:SourceArn': `arn:aws:bedrock:eu-west-1:${ACCOUNT}:model-invocation-logging` }),
    bedrock('bedrock-put-only-source-account', 'Bedrock PutObject with aws:SourceAccount but no aws:SourceArn', 'Denied', 's3:PutObject', logObj, { 'aws:SourceAccount': ACCOUNT, ...TLS }),
    bedrock('bedrock-put-http', 'Bedrock PutObject under the log path over plain HTTP (aws:SecureTransport false)', 'Denied', 's3:PutObject', logObj, { ...BEDROCK, ...HTTP }, true),
    bedrock('bedrock-put-other-account-path', 'Bedrock PutObject PREFIX/AWSLogs/OTHER_ACCOUNT/BedrockModelInvocationLogs/…', 'Denied', 's3:PutObject', obj(logKey(P, OTHER_ACCOUNT)), BEDROCK),
    bedrock('bedrock-put-prefix-root', 'Bedrock PutObject PREFIX/x.json.gz (outside AWSLogs/ACCOUNT/BedrockModelInvocationLogs/)', 'Denied', 's3:PutObject', obj(`${P}/x.json.gz`), BEDROCK, true),
    bedrock('bedrock-put-sibling-prefix', 'Bedrock PutObject PREFIX-other/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/…', 'Denied', 's3:PutObject', obj(logKey(`${P}-other`)), BEDROCK, true),
    bedrock('bedrock-put-bucket-root', 'Bedrock PutObject AWSLogs/ACCOUNT/BedrockModelInvocationLogs/… at the bucket root', 'Denied', 's3:PutObject', obj(logKey('').slice(1)), BEDROCK),
    bedrock('bedrock-get', 'Bedrock GetObject of a log object', 'Denied', 's3:GetObject', logObj, BEDROCK, true),
    bedrock('bedrock-list', 'Bedrock ListBucket with s3:prefix PREFIX/', 'Denied', 's3:ListBucket', bucketArn, { ...BEDROCK, 's3:prefix': `${P}/` }, true),
    bedrock('bedrock-delete', 'Bedrock DeleteObject of a log object', 'Denied', 's3:DeleteObject', logObj, BEDROCK, true),
    bedrock('bedrock-delete-version', 'Bedrock DeleteObjectVersion of a log object', 'Denied', 's3:DeleteObjectVersion', logObj, BEDROCK),
    bedrock('bedrock-put-acl', 'Bedrock PutObjectAcl on a log object', 'Denied', 's3:PutObjectAcl', logObj, BEDROCK),
    bedrock('bedrock-put-bucket-policy', 'Bedrock PutBucketPolicy', 'Denied', 's3:PutBucketPolicy', bucketArn, BEDROCK),
  ]);

  // 2. Anyone else, through the bucket policy alone.
  add('Bucket policy: others', [
    { id: 'anonymous-get', text: 'Anonymous GetObject of a log object', expect: 'Denied', core: true, principal: 'anonymous', action: 's3:GetObject', resource: logObj, context: TLS, resourcePolicy: p.bucketPolicy },
    { id: 'other-account-get', text: 'A principal of OTHER_ACCOUNT with s3:* and kms:* on * GetObject of a log object', expect: 'Denied', core: true, principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`, action: 's3:GetObject', resource: logObj, context: TLS, identityPolicies: [ALL_S3], resourcePolicy: p.bucketPolicy },
    { id: 'other-account-list', text: 'A principal of OTHER_ACCOUNT with s3:* ListBucket with s3:prefix PREFIX/', expect: 'Denied', principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`, action: 's3:ListBucket', resource: bucketArn, context: { ...TLS, 's3:prefix': `${P}/` }, identityPolicies: [ALL_S3], resourcePolicy: p.bucketPolicy },
    { id: 'other-service-put', text: 'Another service principal (delivery.logs.amazonaws.com) PutObject under the log path, with own SourceAccount and SourceArn', expect: 'Denied', principal: 'delivery.logs.amazonaws.com', action: 's3:PutObject', resource: logObj, context: BEDROCK, resourcePolicy: p.bucketPolicy },
    { id: 'same-account-admin-get', text: 'A role of ACCOUNT whose own IAM policy allows s3:* GetObject of a log object (the bucket policy does not override the account\'s IAM)', expect: 'Allowed', principal: `arn:aws:iam::${ACCOUNT}:role/Admin`, action: 's3:GetObject', resource: logObj, context: TLS, identityPolicies: [ALL_S3], resourcePolicy: p.bucketPolicy },
    { id: 'same-account-role-http', text: 'A role of ACCOUNT with s3:* on * GetObject over plain HTTP', expect: 'Denied', principal: `arn:aws:iam::${ACCOUNT}:role/Admin`, action: 's3:GetObject', resource: logObj, context: HTTP, identityPolicies: [ALL_S3], resourcePolicy: p.bucketPolicy },
  ]);

  // 3. The nOps grant (identity policy) together with the bucket policy. S3 sets s3:ResourceAccount
  // (the bucket owner) on every request; the account-wide grant (the app's named buckets) requires it.
  if (p.nops) {
    const n = p.nops;
    const nops = (id: string, text: string, expect: Question['expect'], action: string, resource: string, context: Record<string, string>, core = false): Q =>
      ({ id, text, expect, action, resource, context: { ...context, ...OWN_BUCKET }, core, principal: n.roleArn, identityPolicies: n.policies, resourcePolicy: p.bucketPolicy });
    const list = (prefix: string | undefined) => ({ ...TLS, ...(prefix === undefined ? {} : { 's3:prefix': prefix }) });
    const accountWide = isAccountWide(n.policies);
    add('nOps grant', [
      nops('nops-get-log', 'nOps role GetObject PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/…/x.json.gz', 'Allowed', 's3:GetObject', logObj, TLS, true),
      accountWide
        ? nops('nops-get-prefix-outside-logs', 'nOps role GetObject PREFIX/x, outside AWSLogs/ACCOUNT/BedrockModelInvocationLogs/ (account-wide grant)', 'Denied', 's3:GetObject', obj(`${P}/x`), TLS)
        : nops('nops-get-prefix-object', 'nOps role GetObject PREFIX/x (grant on this bucket only)', 'Allowed', 's3:GetObject', obj(`${P}/x`), TLS),
      nops('nops-get-sibling', 'nOps role GetObject PREFIX-other/x', 'Denied', 's3:GetObject', obj(`${P}-other/x`), TLS, true),
      nops('nops-get-suffix', 'nOps role GetObject PREFIXx/x (the prefix without its slash)', 'Denied', 's3:GetObject', obj(`${P}x/x`), TLS, true),
      nops('nops-get-other', 'nOps role GetObject other/x', 'Denied', 's3:GetObject', obj('other/x'), TLS, true),
      nops('nops-get-root', 'nOps role GetObject x.json.gz at the bucket root', 'Denied', 's3:GetObject', obj('x.json.gz'), TLS, true),
      nops('nops-get-first-segment', 'nOps role GetObject FIRST_SEGMENT_OF_PREFIX-other/x (nested prefixes: outside the full prefix)', 'Denied', 's3:GetObject', obj(`${firstSegment}-other/x`), TLS),
      nops('nops-get-http', 'nOps role GetObject of a log object over plain HTTP', 'Denied', 's3:GetObject', logObj, HTTP, true),
      nops('nops-list-prefix', 'nOps role ListBucket with s3:prefix PREFIX/', 'Allowed', 's3:ListBucket', bucketArn, list(`${P}/`), true),
      nops('nops-list-deeper', 'nOps role ListBucket with s3:prefix PREFIX/AWSLogs/ACCOUNT/', 'Allowed', 's3:ListBucket', bucketArn, list(`${P}/AWSLogs/${ACCOUNT}/`)),
      nops('nops-list-sibling', 'nOps role ListBucket with s3:prefix PREFIX-other/', 'Denied', 's3:ListBucket', bucketArn, list(`${P}-other/`), true),
      nops('nops-list-other', 'nOps role ListBucket with s3:prefix other/', 'Denied', 's3:ListBucket', bucketArn, list('other/'), true),
      nops('nops-list-empty', 'nOps role ListBucket with s3:prefix "" (the whole bucket)', 'Denied', 's3:ListBucket', bucketArn, list('')),
      nops('nops-list-none', 'nOps role ListBucket without s3:prefix (the whole bucket)', 'Denied', 's3:ListBucket', bucketArn, list(undefined), true),
      nops('nops-list-http', 'nOps role ListBucket with s3:prefix PREFIX/ over plain HTTP', 'Denied', 's3:ListBucket', bucketArn, { ...HTTP, 's3:prefix': `${P}/` }, true),
      nops('nops-put', 'nOps role PutObject PREFIX/x', 'Denied', 's3:PutObject', obj(`${P}/x`), TLS, true),
      nops('nops-delete', 'nOps role DeleteObject of a log object', 'Denied', 's3:DeleteObject', logObj, TLS, true),
      nops('nops-delete-version', 'nOps role DeleteObjectVersion of a log object', 'Denied', 's3:DeleteObjectVersion', logObj, TLS),
      nops('nops-put-bucket-policy', 'nOps role PutBucketPolicy', 'Denied', 's3:PutBucketPolicy', bucketArn, TLS),
      nops('nops-put-lifecycle', 'nOps role PutLifecycleConfiguration', 'Denied', 's3:PutLifecycleConfiguration', bucketArn, TLS),
    ]);
  }

  // 4. SSE-KMS: the key policy (with the nOps grant for the reader side).
  if (p.key) {
    const k = p.key;
    const kq = (id: string, text: string, expect: Question['expect'], principal: string, action: string, context: Record<string, string>, identity: NamedPolicy[] = [], core = false): Q =>
      ({ id, text, expect, principal, action, resource: k.arn, context, identityPolicies: identity, resourcePolicy: k.policy, core });
    const qs: Q[] = [
      kq('kms-bedrock-gdk', 'Bedrock kms:GenerateDataKey, own SourceAccount and SourceArn', 'Allowed', BEDROCK_SP, 'kms:GenerateDataKey', BEDROCK, [], true),
      kq('kms-bedrock-gdk-no-conditions', 'Bedrock kms:GenerateDataKey without aws:SourceAccount / aws:SourceArn', 'Denied', BEDROCK_SP, 'kms:GenerateDataKey', TLS, [], true),
      kq('kms-bedrock-gdk-other-account', 'Bedrock kms:GenerateDataKey with aws:SourceAccount OTHER_ACCOUNT', 'Denied', BEDROCK_SP, 'kms:GenerateDataKey', { ...BEDROCK, 'aws:SourceAccount': OTHER_ACCOUNT }, [], true),
      kq('kms-bedrock-gdk-other-region', 'Bedrock kms:GenerateDataKey with aws:SourceArn in another Region', 'Denied', BEDROCK_SP, 'kms:GenerateDataKey', { ...BEDROCK, 'aws:SourceArn': `arn:aws:bedrock:eu-west-1:${ACCOUNT}:model-invocation-logging` }),
      kq('kms-bedrock-decrypt', 'Bedrock kms:Decrypt', 'Denied', BEDROCK_SP, 'kms:Decrypt', BEDROCK, [], true),
      kq('kms-bedrock-create-grant', 'Bedrock kms:CreateGrant', 'Denied', BEDROCK_SP, 'kms:CreateGrant', BEDROCK),
      kq('kms-bedrock-put-key-policy', 'Bedrock kms:PutKeyPolicy', 'Denied', BEDROCK_SP, 'kms:PutKeyPolicy', BEDROCK),
      kq('kms-admin-decrypt', 'A role of ACCOUNT whose own IAM policy allows kms:* kms:Decrypt (the key policy delegates to the account\'s IAM)', 'Allowed', `arn:aws:iam::${ACCOUNT}:role/Admin`, 'kms:Decrypt', TLS, [ALL_S3]),
      kq('kms-admin-create-grant', 'A role of ACCOUNT allowed kms:* kms:CreateGrant for itself (not for an AWS resource)', 'Denied', `arn:aws:iam::${ACCOUNT}:role/Admin`, 'kms:CreateGrant', { ...TLS, 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' }, [ALL_S3], true),
      kq('kms-admin-create-grant-aws', 'A role of ACCOUNT allowed kms:* kms:CreateGrant for an AWS resource (kms:GrantIsForAWSResource true)', 'Allowed', `arn:aws:iam::${ACCOUNT}:role/Admin`, 'kms:CreateGrant', { ...TLS, 'kms:GrantIsForAWSResource': 'true', 'aws:PrincipalIsAWSService': 'false' }, [ALL_S3]),
      kq('kms-other-account-decrypt', 'A principal of OTHER_ACCOUNT with kms:* on * kms:Decrypt', 'Denied', `arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`, 'kms:Decrypt', TLS, [ALL_S3], true),
    ];
    if (p.nops) {
      // As S3 calls KMS for a GetObject. The simulator does not evaluate kms:EncryptionContext:*
      // keys, so that condition of the account-wide grant is left out here and asserted as
      // written in test/logging/statements.test.ts and test/nops/security/account-grant.test.ts.
      const n = withoutEncryptionContext(p.nops.policies);
      const role = p.nops.roleArn;
      const viaS3 = { ...TLS, 'kms:ViaService': `s3.${REGION}.amazonaws.com` };
      qs.push(
        kq('kms-nops-decrypt', 'nOps role kms:Decrypt through S3', 'Allowed', role, 'kms:Decrypt', viaS3, n, true),
        kq('kms-nops-encrypt', 'nOps role kms:Encrypt', 'Denied', role, 'kms:Encrypt', viaS3, n),
        kq('kms-nops-gdk', 'nOps role kms:GenerateDataKey', 'Denied', role, 'kms:GenerateDataKey', viaS3, n, true),
        kq('kms-nops-create-grant', 'nOps role kms:CreateGrant', 'Denied', role, 'kms:CreateGrant', TLS, n),
        kq('kms-nops-schedule-deletion', 'nOps role kms:ScheduleKeyDeletion', 'Denied', role, 'kms:ScheduleKeyDeletion', TLS, n),
      );
    }
    add('Key policy', qs);
  }

  // 5. The CloudWatch Logs destination: trust and permissions of Bedrock's role.
  if (p.cloudWatch) {
    const c = p.cloudWatch;
    // Log-group actions are asked of `log-group:NAME:*`, the form AWS's examples and CloudFormation's Arn attribute use.
    const group = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
    const stream = (g: string, s: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${g}:log-stream:${s}`;
    const trust = (id: string, text: string, expect: Question['expect'], principal: string, context: Record<string, string>, identity: NamedPolicy[] = [], core = false): Q =>
      ({ id, text, expect, principal, action: 'sts:AssumeRole', resource: c.roleArn, context, identityPolicies: identity, resourcePolicy: c.trust, core });
    const perm = (id: string, text: string, expect: Question['expect'], action: string, resource: string, core = false): Q =>
      ({ id, text, expect, principal: c.roleArn, action, resource, context: TLS, identityPolicies: c.policies, core });
    const own = stream(c.logGroupName, 'aws/bedrock/modelinvocations');
    add('CloudWatch role', [
      trust('cw-trust-bedrock', 'Bedrock sts:AssumeRole, own SourceAccount and SourceArn', 'Allowed', BEDROCK_SP, BEDROCK, [], true),
      trust('cw-trust-no-conditions', 'Bedrock sts:AssumeRole without aws:SourceAccount / aws:SourceArn', 'Denied', BEDROCK_SP, TLS, [], true),
      trust('cw-trust-other-account', 'Bedrock sts:AssumeRole with aws:SourceAccount OTHER_ACCOUNT', 'Denied', BEDROCK_SP, { ...BEDROCK, 'aws:SourceAccount': OTHER_ACCOUNT }, [], true),
      trust('cw-trust-other-region', 'Bedrock sts:AssumeRole with aws:SourceArn in another Region', 'Denied', BEDROCK_SP, { ...BEDROCK, 'aws:SourceArn': `arn:aws:bedrock:eu-west-1:${ACCOUNT}:model-invocation-logging` }),
      trust('cw-trust-lambda', 'lambda.amazonaws.com sts:AssumeRole', 'Denied', 'lambda.amazonaws.com', BEDROCK),
      trust('cw-trust-other-account-role', 'A role of OTHER_ACCOUNT allowed sts:AssumeRole on * assumes it', 'Denied', `arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`, TLS,
        [{ name: 'AssumeAnything', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } }]),
      perm('cw-create-stream', 'Role logs:CreateLogStream GROUP:log-stream:aws/bedrock/modelinvocations', 'Allowed', 'logs:CreateLogStream', own, true),
      perm('cw-put-events', 'Role logs:PutLogEvents GROUP:log-stream:aws/bedrock/modelinvocations', 'Allowed', 'logs:PutLogEvents', own, true),
      perm('cw-put-other-stream', 'Role logs:PutLogEvents to another stream of GROUP', 'Denied', 'logs:PutLogEvents', stream(c.logGroupName, 'other'), true),
      perm('cw-put-other-group', 'Role logs:PutLogEvents to aws/bedrock/modelinvocations of GROUP-other', 'Denied', 'logs:PutLogEvents', stream(`${c.logGroupName}-other`, 'aws/bedrock/modelinvocations'), true),
      perm('cw-read', 'Role logs:GetLogEvents on its own stream', 'Denied', 'logs:GetLogEvents', own),
      perm('cw-create-group', 'Role logs:CreateLogGroup', 'Denied', 'logs:CreateLogGroup', group('new-group')),
      perm('cw-delete-group', 'Role logs:DeleteLogGroup GROUP', 'Denied', 'logs:DeleteLogGroup', group(c.logGroupName)),
      perm('cw-put-retention', 'Role logs:PutRetentionPolicy GROUP', 'Denied', 'logs:PutRetentionPolicy', group(c.logGroupName)),
    ]);
    if (p.nops) {
      const n = p.nops;
      const read = (id: string, text: string, expect: Question['expect'], action: string, resource: string): Q =>
        ({ id, text, expect, principal: n.roleArn, action, resource, context: TLS, identityPolicies: n.policies });
      add('nOps legacy CloudWatch read', [
        read('nops-cw-filter', 'nOps role logs:FilterLogEvents GROUP', 'Allowed', 'logs:FilterLogEvents', group(c.logGroupName)),
        read('nops-cw-get', 'nOps role logs:GetLogEvents on GROUP\'s stream (our Allow; nOps\'s own Deny still wins, see below)', 'Allowed', 'logs:GetLogEvents', own),
        read('nops-cw-describe-streams', 'nOps role logs:DescribeLogStreams GROUP', 'Allowed', 'logs:DescribeLogStreams', group(c.logGroupName)),
        read('nops-cw-describe-groups', 'nOps role logs:DescribeLogGroups (an action without resource type: a grant on GROUP does not give it)', 'Denied', 'logs:DescribeLogGroups', '*'),
        read('nops-cw-filter-other', 'nOps role logs:FilterLogEvents GROUP-other', 'Denied', 'logs:FilterLogEvents', group(`${c.logGroupName}-other`)),
        read('nops-cw-put', 'nOps role logs:PutLogEvents', 'Denied', 'logs:PutLogEvents', own),
        read('nops-cw-delete', 'nOps role logs:DeleteLogGroup GROUP', 'Denied', 'logs:DeleteLogGroup', group(c.logGroupName)),
      ]);
    }
  }

  // 6. The custom resource handler: three Bedrock actions, its state parameter, its logs, PassRole to Bedrock,
  // and two CloudFormation reads of its own stack (whether CloudFormation sent the request it got).
  const h = p.handler;
  const hq = (id: string, text: string, expect: Question['expect'], action: string, resource: string, context: Record<string, string> = TLS, core = false): Q =>
    ({ id, text, expect, principal: h.roleArn, action, resource, context, identityPolicies: h.policies, core });
  const param = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name}`;
  const hs: Q[] = [
    hq('handler-put-config', 'Handler bedrock:PutModelInvocationLoggingConfiguration', 'Allowed', 'bedrock:PutModelInvocationLoggingConfiguration', '*', TLS, true),
    hq('handler-get-config', 'Handler bedrock:GetModelInvocationLoggingConfiguration', 'Allowed', 'bedrock:GetModelInvocationLoggingConfiguration', '*'),
    hq('handler-delete-config', 'Handler bedrock:DeleteModelInvocationLoggingConfiguration', 'Allowed', 'bedrock:DeleteModelInvocationLoggingConfiguration', '*'),
    hq('handler-invoke-model', 'Handler bedrock:InvokeModel on a foundation model', 'Denied', 'bedrock:InvokeModel', `arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0`, TLS, true),
    hq('handler-list-models', 'Handler bedrock:ListFoundationModels', 'Denied', 'bedrock:ListFoundationModels', '*'),
    hq('handler-put-guardrail', 'Handler bedrock:CreateGuardrail', 'Denied', 'bedrock:CreateGuardrail', '*'),
    hq('handler-ssm-put', 'Handler ssm:PutParameter /cdk-bedrock-invocation-logging/previous-configuration', 'Allowed', 'ssm:PutParameter', param('cdk-bedrock-invocation-logging/previous-configuration'), TLS, true),
    hq('handler-ssm-get', 'Handler ssm:GetParameter of its parameter', 'Allowed', 'ssm:GetParameter', param('cdk-bedrock-invocation-logging/previous-configuration')),
    hq('handler-ssm-delete', 'Handler ssm:DeleteParameter of its parameter', 'Allowed', 'ssm:DeleteParameter', param('cdk-bedrock-invocation-logging/previous-configuration')),
    hq('handler-ssm-sibling', 'Handler ssm:PutParameter /cdk-bedrock-invocation-logging/previous-configuration-other', 'Denied', 'ssm:PutParameter', param('cdk-bedrock-invocation-logging/previous-configuration-other'), TLS, true),
    hq('handler-ssm-other', 'Handler ssm:GetParameter /other', 'Denied', 'ssm:GetParameter', param('other'), TLS, true),
    hq('handler-ssm-by-path', 'Handler ssm:GetParametersByPath /cdk-bedrock-invocation-logging', 'Denied', 'ssm:GetParametersByPath', param('cdk-bedrock-invocation-logging')),
    hq('handler-logs-own', 'Handler logs:PutLogEvents to its own log group', 'Allowed', 'logs:PutLogEvents', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${h.logGroupName}:log-stream:2025/01/01/[$LATEST]abc`),
    hq('handler-logs-other', 'Handler logs:PutLogEvents to another log group', 'Denied', 'logs:PutLogEvents', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/other:log-stream:x`),
    hq('handler-s3-get', 'Handler s3:GetObject of a log object', 'Denied', 's3:GetObject', logObj, TLS, true),
    hq('handler-s3-put-policy', 'Handler s3:PutBucketPolicy on the log bucket', 'Denied', 's3:PutBucketPolicy', bucketArn),
    hq('handler-iam-create-role', 'Handler iam:CreateRole', 'Denied', 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/x`, TLS, true),
    hq('handler-iam-attach', 'Handler iam:AttachRolePolicy on its own role', 'Denied', 'iam:AttachRolePolicy', h.roleArn),
    hq('handler-lambda-update', 'Handler lambda:UpdateFunctionCode on itself', 'Denied', 'lambda:UpdateFunctionCode', h.functionArn),
    hq('handler-passrole-other', 'Handler iam:PassRole of another role to bedrock.amazonaws.com', 'Denied', 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/Admin`, { ...TLS, 'iam:PassedToService': BEDROCK_SP }, true),
    hq('handler-kms-decrypt', 'Handler kms:Decrypt', 'Denied', 'kms:Decrypt', p.key?.arn ?? `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`),
    hq('handler-cfn-own-resource', 'Handler cloudformation:DescribeStackResource in its own stack', 'Allowed', 'cloudformation:DescribeStackResource', h.stackArn),
    hq('handler-cfn-own-stack', 'Handler cloudformation:DescribeStacks of its own stack', 'Allowed', 'cloudformation:DescribeStacks', h.stackArn),
    hq('handler-cfn-other-resource', 'Handler cloudformation:DescribeStackResource in another stack', 'Denied', 'cloudformation:DescribeStackResource', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Other/00000000-0000-0000-0000-000000000000`),
    hq('handler-cfn-delete-own', 'Handler cloudformation:DeleteStack of its own stack', 'Denied', 'cloudformation:DeleteStack', h.stackArn),
  ];
  if (p.cloudWatch) {
    const role = p.cloudWatch.roleArn;
    hs.push(
      hq('handler-passrole-bedrock', 'Handler iam:PassRole of the CloudWatch role to bedrock.amazonaws.com', 'Allowed', 'iam:PassRole', role, { ...TLS, 'iam:PassedToService': BEDROCK_SP }, true),
      hq('handler-passrole-lambda', 'Handler iam:PassRole of the CloudWatch role to lambda.amazonaws.com', 'Denied', 'iam:PassRole', role, { ...TLS, 'iam:PassedToService': 'lambda.amazonaws.com' }, true),
      hq('handler-passrole-no-service', 'Handler iam:PassRole of the CloudWatch role without iam:PassedToService', 'Denied', 'iam:PassRole', role),
    );
  }
  hs.push(
    { id: 'handler-trust-lambda', text: 'lambda.amazonaws.com sts:AssumeRole of the handler role', expect: 'Allowed', principal: 'lambda.amazonaws.com', action: 'sts:AssumeRole', resource: h.roleArn, context: TLS, resourcePolicy: h.trust },
    { id: 'handler-trust-bedrock', text: 'bedrock.amazonaws.com sts:AssumeRole of the handler role', expect: 'Denied', principal: BEDROCK_SP, action: 'sts:AssumeRole', resource: h.roleArn, context: BEDROCK, resourcePolicy: h.trust },
  );
  add('Handler role', hs);
  return out;
}

/** What each principal may do at most: the sweep over every action must find nothing else. */
export function expectedActions(p: PolicySet): Record<string, string[]> {
  const out: Record<string, string[]> = {
    handler: [
      'bedrock:DeleteModelInvocationLoggingConfiguration', 'bedrock:GetModelInvocationLoggingConfiguration', 'bedrock:PutModelInvocationLoggingConfiguration',
      'cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks',
      'logs:CreateLogStream', 'logs:PutLogEvents',
      'ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:PutParameter',
      ...(p.cloudWatch ? ['iam:PassRole'] : []),
      'sts:GetCallerIdentity',
    ],
  };
  if (p.nops) {
    out.nops = ['s3:GetObject', 's3:ListBucket', ...(p.key ? ['kms:Decrypt'] : []),
      ...(p.cloudWatch ? ['logs:DescribeLogStreams', 'logs:FilterLogEvents', 'logs:GetLogEvents'] : []),
      'sts:GetCallerIdentity'];
  }
  if (p.cloudWatch) out.cloudWatch = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sts:GetCallerIdentity'];
  return out;
}
