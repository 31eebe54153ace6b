/**
 * The organization's archive as CloudFormation creates it: the archive stack in the log-archive
 * account and the StackSet member template in a member account, both resolved to literals; and
 * the allow/deny questions of the archive asked of their policies. Texts use placeholders (PREFIX,
 * MEMBER, OTHER_MEMBER, ARCHIVE_ACCOUNT, ARCHIVE_REGION, ORG) so one question is one row of
 * SECURITY.md whatever the case; the requests carry the real values.
 */
import { App, BootstraplessSynthesizer } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BedrockInvocationLoggingMemberTemplate, BedrockLogArchiveStack } from '../../../lib';
import { NamedPolicy, PolicyDocument, Question } from '../../support/security/harness';
import { withoutEncryptionContext } from '../../logging/security/questions';
import { TemplateResolver } from '../../support/security/resolve';

export const ARCHIVE_NOPS_ROLE = 'Nops-Integration-archive';

/** Where the archive and one member live. */
export interface ArchiveScenario {
  readonly organizationId: string;
  readonly prefix: string;
  readonly kms: boolean;
  readonly archiveAccount: string;
  readonly archiveRegion: string;
  readonly memberAccount: string;
  readonly memberRegion: string;
  /** Another member account of the organization. */
  readonly otherMember: string;
  /** An account outside the organization, and that organization's id. */
  readonly outsider: string;
  readonly outsiderOrganizationId: string;
}

/** What the questions need, resolved to literals. */
export interface ArchiveSet {
  readonly scenario: ArchiveScenario;
  readonly archive: {
    readonly bucketName: string;
    readonly bucketPolicy: PolicyDocument;
    readonly key?: { readonly arn: string; readonly policy: PolicyDocument };
    readonly nops: { readonly roleArn: string; readonly policies: NamedPolicy[] };
    readonly template: any;
  };
  readonly member: {
    readonly bucketName: string;
    readonly role: { readonly arn: string; readonly trust: PolicyDocument; readonly policies: NamedPolicy[] };
    readonly template: any;
  };
}

const memberTemplates = new Map<boolean, any>();

/** The member template (synthesized once per encryption choice). */
function memberTemplate(kms: boolean): any {
  if (!memberTemplates.has(kms)) memberTemplates.set(kms, JSON.parse(new BedrockInvocationLoggingMemberTemplate({ createEncryptionKey: kms }).toJson()));
  return memberTemplates.get(kms);
}

/** The archive template for a prefix and encryption choice. */
export function archiveTemplate(s: Pick<ArchiveScenario, 'organizationId' | 'prefix' | 'kms'>): any {
  const app = new App();
  const stack = new BedrockLogArchiveStack(app, 'BedrockInvocationLogArchive', {
    synthesizer: new BootstraplessSynthesizer(), organizationId: s.organizationId, keyPrefix: s.prefix, createEncryptionKey: s.kms, nopsRoleName: ARCHIVE_NOPS_ROLE,
  });
  return Template.fromStack(stack).toJSON();
}

const ofType = (resolved: any, type: string): Array<[string, any]> => Object.entries<any>(resolved.Resources).filter(([, r]) => r.Type === type);

/** Both templates, resolved as CloudFormation would in their accounts and Regions, and their policies. */
export function archiveSet(s: ArchiveScenario, archive: any = archiveTemplate(s)): ArchiveSet {
  const ar = new TemplateResolver(archive, { account: s.archiveAccount, region: s.archiveRegion, stackName: 'BedrockInvocationLogArchive' });
  const a = ar.resolveTemplate();
  const [bucketId] = ofType(a, 'AWS::S3::Bucket').find(([, r]) => r.Properties.BucketName)!;
  const bucketName = ar.ref(bucketId);
  const bucketPolicy = ofType(a, 'AWS::S3::BucketPolicy').find(([, r]) => r.Properties.Bucket === bucketName)![1].Properties.PolicyDocument;
  const keyEntry = ofType(a, 'AWS::KMS::Key')[0];
  const key = keyEntry ? { arn: ar.getAtt(keyEntry[0], 'Arn'), policy: keyEntry[1].Properties.KeyPolicy } : undefined;
  const nopsPolicies = ofType(a, 'AWS::IAM::ManagedPolicy').filter(([, r]) => r.Properties.Roles.includes(ARCHIVE_NOPS_ROLE))
    .map(([id, r]) => ({ name: id, policy: r.Properties.PolicyDocument }));

  const template = memberTemplate(s.kms);
  const mr = new TemplateResolver(template, {
    account: s.memberAccount, region: s.memberRegion, stackName: `StackSet-BedrockInvocationLogging-${s.memberAccount}-${s.memberRegion}`,
    parameters: { KeyPrefix: s.prefix, ArchiveBucketName: bucketName, ArchiveAccountId: s.archiveAccount, ArchiveKmsKeyArn: key?.arn ?? '' },
  });
  const m = mr.resolveTemplate();
  const [roleId, role] = ofType(m, 'AWS::IAM::Role').find(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('s3.amazonaws.com'))!;
  const roleName = mr.ref(roleId);
  const [logBucketId] = ofType(m, 'AWS::S3::Bucket').find(([, r]) => r.Properties.BucketName)!;
  return {
    scenario: s,
    archive: { bucketName, bucketPolicy, key, nops: { roleArn: `arn:aws:iam::${s.archiveAccount}:role/${ARCHIVE_NOPS_ROLE}`, policies: nopsPolicies }, template: a },
    member: {
      bucketName: mr.ref(logBucketId),
      role: {
        arn: mr.getAtt(roleId, 'Arn'),
        trust: role.Properties.AssumeRolePolicyDocument,
        policies: ofType(m, 'AWS::IAM::ManagedPolicy').filter(([, r]) => r.Properties.Roles.includes(roleName)).map(([id, r]) => ({ name: id, policy: r.Properties.PolicyDocument })),
      },
      template: m,
    },
  };
}

type Q = Omit<Question, 'subject'>;

const ADMIN: NamedPolicy = { name: 'S3AndKmsAdmin', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'kms:*'], Resource: '*' }] } };

/**
 * The global keys IAM sets for a caller: its ARN and account, its organization (when it has one)
 * and TLS. The simulator (strict mode) uses exactly what it is given, so every question passes them.
 */
function caller(arn: string, organizationId: string | undefined, secure = true): Record<string, string> {
  return {
    'aws:PrincipalArn': arn,
    'aws:PrincipalAccount': arn.split(':')[4],
    ...(organizationId ? { 'aws:PrincipalOrgID': organizationId } : {}),
    'aws:SecureTransport': String(secure),
  };
}

/**
 * The questions. `core` ones are the list (asked again by the property-based test); the
 * others widen the net.
 */
export function archiveQuestions(set: ArchiveSet): Question[] {
  const s = set.scenario;
  const out: Question[] = [];
  const add = (subject: string, qs: Q[]) => out.push(...qs.map((q) => ({ ...q, subject })));
  const archiveObj = (key: string) => `arn:aws:s3:::${set.archive.bucketName}/${key}`;
  const archiveArn = `arn:aws:s3:::${set.archive.bucketName}`;
  const P = s.prefix;
  const logKey = (account: string, prefix = P) => `${prefix}/AWSLogs/${account}/BedrockModelInvocationLogs/${s.memberRegion}/2026/11/30/08/20261130T0805Z_a1b2.json.gz`;
  const own = archiveObj(logKey(s.memberAccount));
  const replicationRole = set.member.role;
  // Another library role of the same member account, allowed s3:* and kms:* by its own IAM policy: only the archive's policy stands in the way.
  const libraryAdmin = `arn:aws:iam::${s.memberAccount}:role/cdk-bedrock-invocation-logging/Admin`;
  const outsiderRole = `arn:aws:iam::${s.outsider}:role/cdk-bedrock-invocation-logging/Replication`;
  const nonLibrary = `arn:aws:iam::${s.memberAccount}:role/Admin`;
  const at = { resourceAccount: s.archiveAccount, resourcePolicy: set.archive.bucketPolicy };

  const repl = (id: string, text: string, expect: Question['expect'], action: string, resource: string, core = false, secure = true): Q =>
    ({ id, text, expect, action, resource, core, principal: replicationRole.arn, context: caller(replicationRole.arn, s.organizationId, secure), identityPolicies: replicationRole.policies, ...at });
  const other = (id: string, text: string, expect: Question['expect'], principal: string, org: string | undefined, action: string, resource: string, core = false): Q =>
    ({ id, text, expect, action, resource, core, principal, context: caller(principal, org), identityPolicies: [ADMIN], ...at });
  add('Archive bucket policy: members\' replication', [
    repl('archive-repl-own', 'MEMBER\'s replication role s3:ReplicateObject into PREFIX/AWSLogs/MEMBER/BedrockModelInvocationLogs/…', 'Allowed', 's3:ReplicateObject', own, true),
    repl('archive-repl-own-tags', 'MEMBER\'s replication role s3:ReplicateTags on its own folder', 'Allowed', 's3:ReplicateTags', own),
    repl('archive-repl-other-folder', 'MEMBER\'s replication role s3:ReplicateObject into OTHER_MEMBER\'s folder', 'Denied', 's3:ReplicateObject', archiveObj(logKey(s.otherMember)), true),
    repl('archive-repl-http', 'MEMBER\'s replication role s3:ReplicateObject into its own folder over plain HTTP', 'Denied', 's3:ReplicateObject', own, true, false),
    repl('archive-repl-delete', 'MEMBER\'s replication role s3:ReplicateDelete on its own folder', 'Denied', 's3:ReplicateDelete', own, true),
    repl('archive-repl-delete-object', 'MEMBER\'s replication role s3:DeleteObject on its own folder', 'Denied', 's3:DeleteObject', own, true),
    repl('archive-repl-put-policy', 'MEMBER\'s replication role s3:PutBucketPolicy on the archive', 'Denied', 's3:PutBucketPolicy', archiveArn, true),
    repl('archive-repl-get', 'MEMBER\'s replication role s3:GetObject of another account\'s log', 'Denied', 's3:GetObject', archiveObj(logKey(s.otherMember))),
    other('archive-library-admin-own', 'A library role of MEMBER allowed s3:* by IAM: s3:ReplicateObject into MEMBER\'s folder (the policy admits the library\'s roles)', 'Allowed', libraryAdmin, s.organizationId, 's3:ReplicateObject', own),
    other('archive-library-admin-other-folder', 'The same role: s3:ReplicateObject into OTHER_MEMBER\'s folder (${aws:PrincipalAccount} is its own account)', 'Denied', libraryAdmin, s.organizationId, 's3:ReplicateObject', archiveObj(logKey(s.otherMember)), true),
    other('archive-library-admin-outside-prefix', 'The same role: s3:ReplicateObject under PREFIX-other/AWSLogs/MEMBER/…', 'Denied', libraryAdmin, s.organizationId, 's3:ReplicateObject', archiveObj(logKey(s.memberAccount, `${P}-other`))),
    other('archive-library-admin-root', 'The same role: s3:ReplicateObject at the bucket root (AWSLogs/MEMBER/…)', 'Denied', libraryAdmin, s.organizationId, 's3:ReplicateObject', archiveObj(logKey(s.memberAccount).slice(P.length + 1))),
    other('archive-outside-org', 'A library role of an account outside the organization, allowed s3:*: s3:ReplicateObject into its own folder', 'Denied', outsiderRole, s.outsiderOrganizationId, 's3:ReplicateObject', archiveObj(logKey(s.outsider)), true),
    other('archive-no-org', 'A library role of an account in no organization, allowed s3:*: s3:ReplicateObject into its own folder', 'Denied', outsiderRole, undefined, 's3:ReplicateObject', archiveObj(logKey(s.outsider))),
    other('archive-non-library-role', 'A role of MEMBER not on the library\'s path (role/Admin), in the organization, allowed s3:*: s3:ReplicateObject into MEMBER\'s folder', 'Denied', nonLibrary, s.organizationId, 's3:ReplicateObject', own, true),
    other('archive-library-delete-replica', 'A library role of MEMBER allowed s3:*: s3:ReplicateDelete on its own folder', 'Denied', libraryAdmin, s.organizationId, 's3:ReplicateDelete', own, true),
    other('archive-library-delete-object', 'The same role: s3:DeleteObject of its own replica', 'Denied', libraryAdmin, s.organizationId, 's3:DeleteObject', own, true),
    other('archive-library-delete-version', 'The same role: s3:DeleteObjectVersion of its own replica', 'Denied', libraryAdmin, s.organizationId, 's3:DeleteObjectVersion', own),
    other('archive-library-put-object', 'The same role: s3:PutObject into its own folder', 'Denied', libraryAdmin, s.organizationId, 's3:PutObject', own),
    other('archive-library-put-policy', 'The same role: s3:PutBucketPolicy on the archive', 'Denied', libraryAdmin, s.organizationId, 's3:PutBucketPolicy', archiveArn, true),
    other('archive-library-delete-policy', 'The same role: s3:DeleteBucketPolicy on the archive', 'Denied', libraryAdmin, s.organizationId, 's3:DeleteBucketPolicy', archiveArn),
    other('archive-library-put-versioning', 'The same role: s3:PutBucketVersioning on the archive', 'Denied', libraryAdmin, s.organizationId, 's3:PutBucketVersioning', archiveArn),
    other('archive-library-put-lifecycle', 'The same role: s3:PutLifecycleConfiguration on the archive', 'Denied', libraryAdmin, s.organizationId, 's3:PutLifecycleConfiguration', archiveArn),
    other('archive-library-put-retention', 'The same role: s3:PutObjectRetention on its own replica', 'Denied', libraryAdmin, s.organizationId, 's3:PutObjectRetention', own),
    other('archive-library-bypass-governance', 'The same role: s3:BypassGovernanceRetention on its own replica', 'Denied', libraryAdmin, s.organizationId, 's3:BypassGovernanceRetention', own),
    other('archive-library-get', 'The same role: s3:GetObject of OTHER_MEMBER\'s log', 'Denied', libraryAdmin, s.organizationId, 's3:GetObject', archiveObj(logKey(s.otherMember))),
    other('archive-library-list', 'The same role: s3:ListBucket of the archive', 'Denied', libraryAdmin, s.organizationId, 's3:ListBucket', archiveArn),
  ]);

  // The member's side alone: the role's trust and its identity policy.
  const sourceArn = `arn:aws:s3:::${set.member.bucketName}`;
  const trust = (id: string, text: string, expect: Question['expect'], principal: string, context: Record<string, string>, core = false): Q =>
    ({ id, text, expect, principal, action: 'sts:AssumeRole', resource: replicationRole.arn, context, resourcePolicy: replicationRole.trust, core });
  const identity = (id: string, text: string, expect: Question['expect'], action: string, resource: string, resourceAccount?: string): Q =>
    ({ id, text, expect, action, resource, principal: replicationRole.arn, context: caller(replicationRole.arn, s.organizationId), identityPolicies: replicationRole.policies, resourceAccount });
  const memberObj = (key: string) => `arn:aws:s3:::${set.member.bucketName}/${key}`;
  add('Replication role (member account)', [
    trust('repl-trust-s3', 's3.amazonaws.com sts:AssumeRole for MEMBER\'s log bucket (aws:SourceAccount, aws:SourceArn)', 'Allowed', 's3.amazonaws.com', { 'aws:SourceAccount': s.memberAccount, 'aws:SourceArn': sourceArn }, true),
    trust('repl-trust-other-bucket', 's3.amazonaws.com sts:AssumeRole for another bucket of MEMBER', 'Denied', 's3.amazonaws.com', { 'aws:SourceAccount': s.memberAccount, 'aws:SourceArn': `${sourceArn}-other` }, true),
    trust('repl-trust-other-account', 's3.amazonaws.com sts:AssumeRole with aws:SourceAccount OTHER_MEMBER', 'Denied', 's3.amazonaws.com', { 'aws:SourceAccount': s.otherMember, 'aws:SourceArn': sourceArn }, true),
    trust('repl-trust-no-conditions', 's3.amazonaws.com sts:AssumeRole without aws:SourceAccount / aws:SourceArn', 'Denied', 's3.amazonaws.com', {}, true),
    trust('repl-trust-bedrock', 'bedrock.amazonaws.com sts:AssumeRole', 'Denied', 'bedrock.amazonaws.com', { 'aws:SourceAccount': s.memberAccount, 'aws:SourceArn': sourceArn }),
    identity('repl-read-versions', 'Role s3:GetObjectVersionForReplication in MEMBER\'s log folder', 'Allowed', 's3:GetObjectVersionForReplication', memberObj(logKey(s.memberAccount)), s.memberAccount),
    identity('repl-read-config', 'Role s3:GetReplicationConfiguration of the log bucket', 'Allowed', 's3:GetReplicationConfiguration', sourceArn, s.memberAccount),
    identity('repl-read-outside', 'Role s3:GetObjectVersionForReplication outside the log folder (PREFIX/x)', 'Denied', 's3:GetObjectVersionForReplication', memberObj(`${P}/x`), s.memberAccount),
    identity('repl-get-object', 'Role s3:GetObject of a log', 'Denied', 's3:GetObject', memberObj(logKey(s.memberAccount)), s.memberAccount),
    identity('repl-put-log-bucket', 'Role s3:PutObject into the log bucket', 'Denied', 's3:PutObject', memberObj(logKey(s.memberAccount)), s.memberAccount),
    identity('repl-other-bucket', 'Role s3:ReplicateObject into another bucket', 'Denied', 's3:ReplicateObject', `arn:aws:s3:::payroll-exports/${logKey(s.memberAccount)}`, s.archiveAccount),
    identity('repl-put-replication', 'Role s3:PutReplicationConfiguration of the log bucket', 'Denied', 's3:PutReplicationConfiguration', sourceArn, s.memberAccount),
  ]);

  if (set.archive.key) {
    const k = set.archive.key;
    // The simulator cannot evaluate kms:EncryptionContext:* (asserted as written in test/archive/log-archive.test.ts): left out of both policies here.
    const keyPolicy = withoutEncryptionContext([{ name: 'key', policy: k.policy }])[0].policy;
    const via = (region: string) => ({ 'kms:ViaService': `s3.${region}.amazonaws.com` });
    const kq = (id: string, text: string, expect: Question['expect'], principal: string, org: string | undefined, action: string, context: Record<string, string>, identityPolicies: NamedPolicy[], core = false): Q =>
      ({ id, text, expect, principal, action, resource: k.arn, context: { ...caller(principal, org), ...context }, identityPolicies: withoutEncryptionContext(identityPolicies), resourcePolicy: keyPolicy, resourceAccount: s.archiveAccount, core });
    add('Archive key policy', [
      kq('archive-key-repl-gdk', 'MEMBER\'s replication role kms:GenerateDataKey through S3 in ARCHIVE_REGION', 'Allowed', replicationRole.arn, s.organizationId, 'kms:GenerateDataKey', via(s.archiveRegion), replicationRole.policies, true),
      kq('archive-key-repl-encrypt', 'MEMBER\'s replication role kms:Encrypt through S3 in ARCHIVE_REGION', 'Allowed', replicationRole.arn, s.organizationId, 'kms:Encrypt', via(s.archiveRegion), replicationRole.policies),
      kq('archive-key-repl-direct', 'MEMBER\'s replication role kms:GenerateDataKey called directly (not through S3)', 'Denied', replicationRole.arn, s.organizationId, 'kms:GenerateDataKey', {}, replicationRole.policies, true),
      kq('archive-key-repl-decrypt', 'MEMBER\'s replication role kms:Decrypt through S3', 'Denied', replicationRole.arn, s.organizationId, 'kms:Decrypt', via(s.archiveRegion), replicationRole.policies, true),
      kq('archive-key-outside-org', 'A library role outside the organization, allowed kms:*: kms:GenerateDataKey through S3', 'Denied', outsiderRole, s.outsiderOrganizationId, 'kms:GenerateDataKey', via(s.archiveRegion), [ADMIN], true),
      kq('archive-key-non-library', 'A role of MEMBER off the library\'s path, allowed kms:*: kms:GenerateDataKey through S3', 'Denied', nonLibrary, s.organizationId, 'kms:GenerateDataKey', via(s.archiveRegion), [ADMIN], true),
      kq('archive-key-library-decrypt', 'A library role of MEMBER allowed kms:*: kms:Decrypt through S3 (members cannot read the archive)', 'Denied', libraryAdmin, s.organizationId, 'kms:Decrypt', via(s.archiveRegion), [ADMIN]),
      kq('archive-key-library-put-policy', 'The same role: kms:PutKeyPolicy', 'Denied', libraryAdmin, s.organizationId, 'kms:PutKeyPolicy', {}, [ADMIN]),
      kq('archive-key-nops-decrypt', 'The archive\'s nOps role kms:Decrypt through S3', 'Allowed', set.archive.nops.roleArn, undefined, 'kms:Decrypt', via(s.archiveRegion), set.archive.nops.policies, true),
      kq('archive-key-nops-direct', 'The archive\'s nOps role kms:Decrypt called directly', 'Denied', set.archive.nops.roleArn, undefined, 'kms:Decrypt', {}, set.archive.nops.policies),
    ]);
  }

  const n = set.archive.nops;
  const nq = (id: string, text: string, expect: Question['expect'], action: string, resource: string, extra: Record<string, string> = {}, core = false, secure = true): Q =>
    ({ id, text, expect, action, resource, core, principal: n.roleArn, context: { ...caller(n.roleArn, undefined, secure), 's3:ResourceAccount': s.archiveAccount, ...extra }, identityPolicies: n.policies, ...at });
  add('nOps grant (archive account)', [
    nq('archive-nops-get-member', 'The archive\'s nOps role s3:GetObject of MEMBER\'s log', 'Allowed', 's3:GetObject', own, {}, true),
    nq('archive-nops-get-other-member', 'The archive\'s nOps role s3:GetObject of OTHER_MEMBER\'s log (one prefix, every account)', 'Allowed', 's3:GetObject', archiveObj(logKey(s.otherMember)), {}, true),
    nq('archive-nops-list', 'The archive\'s nOps role s3:ListBucket with s3:prefix PREFIX/', 'Allowed', 's3:ListBucket', archiveArn, { 's3:prefix': `${P}/` }, true),
    nq('archive-nops-list-root', 'The archive\'s nOps role s3:ListBucket of the whole bucket', 'Denied', 's3:ListBucket', archiveArn, {}, true),
    nq('archive-nops-list-other', 'The archive\'s nOps role s3:ListBucket with s3:prefix other/', 'Denied', 's3:ListBucket', archiveArn, { 's3:prefix': 'other/' }),
    nq('archive-nops-get-outside', 'The archive\'s nOps role s3:GetObject outside the prefix (other/x)', 'Denied', 's3:GetObject', archiveObj('other/x'), {}, true),
    nq('archive-nops-get-sibling', 'The archive\'s nOps role s3:GetObject under PREFIX-other/', 'Denied', 's3:GetObject', archiveObj(logKey(s.memberAccount, `${P}-other`)), {}, true),
    nq('archive-nops-http', 'The archive\'s nOps role s3:GetObject over plain HTTP', 'Denied', 's3:GetObject', own, {}, true, false),
    nq('archive-nops-put', 'The archive\'s nOps role s3:PutObject', 'Denied', 's3:PutObject', own, {}, true),
    nq('archive-nops-delete', 'The archive\'s nOps role s3:DeleteObject', 'Denied', 's3:DeleteObject', own, {}, true),
    nq('archive-nops-put-policy', 'The archive\'s nOps role s3:PutBucketPolicy', 'Denied', 's3:PutBucketPolicy', archiveArn),
    nq('archive-nops-replicate', 'The archive\'s nOps role s3:ReplicateObject', 'Denied', 's3:ReplicateObject', own),
  ]);
  return out;
}
