/**
 * The tamper guard's named questions, asked of the IAM simulator in a guarded organization as the
 * app synthesizes it (guarded-account.ts), each with the guard attached and without it: the attacks
 * an administrator of a guarded account tried (each allowed by AdministratorAccess alone), the
 * deployers the guard exempts creating, updating and deleting a member stack, the library's own roles
 * at work, and the reads that stay open (nOps, the analytics queries, the console). SECURITY.md's
 * tamper-guard section is rendered from this run.
 */
import { BootstraplessSynthesizer } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockInvocationLoggingStack, BedrockLogAnalytics } from '../../../lib';
import { IAM_PATH } from '../../../lib/shared/facts';
import { identityPolicies, logicalId, NamedPolicy, packageVersion, PolicyDocument, synthStack, writeResults } from '../../support/security/harness';
import { checkSection, TamperGuardResults } from '../../support/security/report';
import { withoutEncryptionContext } from '../../logging/security/questions';
import {
  ACCOUNT, ADMINISTRATOR_ACCESS, answer, ARCHIVE_ACCOUNT, ARCHIVE_REGION, DEPLOYERS, GUARD_CONTEXT, GuardQuestion, guardedOrganization, ORGANIZATION_ID, outcome,
  PREFIX, PRINCIPALS, ProtectedResource, REGION,
} from './guarded-account';

jest.setTimeout(300_000);

const org = guardedOrganization();
const byId = (id: string): ProtectedResource => {
  const r = org.resources.find((x) => x.id === id);
  if (!r) throw new Error(`no guarded resource ${id}: ${org.resources.map((x) => x.id).join(', ')}`);
  return r;
};
const firstOf = (prefix: string): ProtectedResource => org.resources.find((x) => x.id.startsWith(prefix))!;
const ARCHIVE_ADMIN = `arn:aws:iam::${ARCHIVE_ACCOUNT}:role/Admin`;

interface Named extends GuardQuestion {
  readonly group: string;
  readonly id: string;
  readonly text: string;
  readonly expect: 'Allowed' | 'Denied';
}

const questions: Named[] = [];
const ask = (group: string, expect: Named['expect'], principal: string, identity: NamedPolicy[] = ADMINISTRATOR_ACCESS) =>
  (id: string, text: string, action: string, resource: ProtectedResource | string, extra: { context?: Record<string, string>; resourcePolicy?: PolicyDocument } = {}) => {
    const r = typeof resource === 'string' ? { arn: resource, account: ACCOUNT } as ProtectedResource : resource;
    questions.push({
      group, id, text, expect, principal, identity, action, resource: r.arn, account: r.account,
      resourcePolicy: extra.resourcePolicy ?? r.resourcePolicy, context: { ...r.context, ...extra.context },
    });
  };

// ---- attacks: each allowed to an administrator by AdministratorAccess alone ----------------------
const ATTACKS = 'Attacks by an account administrator (AdministratorAccess)';
const attack = ask(ATTACKS, 'Denied', PRINCIPALS.administrator);
const archiveAttack = ask(ATTACKS, 'Denied', ARCHIVE_ADMIN);
attack('kms-disable', 'disable the log bucket\'s key: Bedrock writes and replication stop', 'kms:DisableKey', byId('log-key'));
attack('kms-schedule-deletion', 'schedule the log bucket\'s key for deletion: every log unreadable', 'kms:ScheduleKeyDeletion', byId('log-key'));
attack('kms-put-key-policy', 'replace the log bucket\'s key policy', 'kms:PutKeyPolicy', byId('log-key'));
attack('kms-untag', 'remove the tag the guard names the key by', 'kms:UntagResource', byId('log-key'));
attack('kms-disable-rotation', 'turn off the key\'s rotation', 'kms:DisableKeyRotation', byId('log-key'));
archiveAttack('kms-archive-schedule-deletion', 'schedule the archive\'s key for deletion (an administrator of the log-archive account)', 'kms:ScheduleKeyDeletion', byId('archive-key'));
attack('kms-topic-disable', 'disable the alert topic\'s key: alerts stop', 'kms:DisableKey', byId('topic-key'));
attack('policy-version-handler', 'a new default version of the handler\'s policy', 'iam:CreatePolicyVersion', firstOf('policy-LoggingConfigurationHandlerPolicy'));
attack('policy-default-replication', 'an empty version of the replication role\'s policy made default: replication stops silently', 'iam:SetDefaultPolicyVersion', firstOf('policy-LogBucketReplicationPolicy'));
attack('policy-create-on-path', 'plant a policy on the library\'s path', 'iam:CreatePolicy', `arn:aws:iam::${ACCOUNT}:policy${IAM_PATH}Planted`);
attack('forge-log', 'overwrite the current version of a log: nOps and Athena read it, replication copies it', 's3:PutObject', byId('log-object'));
archiveAttack('forge-archive', 'write a forged log into the archive (an administrator of the log-archive account)', 's3:PutObject', byId('archive-object'));
for (const part of ['-2', '-3', '-4']) {
  attack(`ssm-record${part}`, `forge part ${part} of the handler's record of the previous configuration`, 'ssm:PutParameter', byId(`parameter ${IAM_PATH}previous-configuration${part}`));
}
attack('ssm-create-marker', 'delete the stack\'s create marker, which the handler reads on delete', 'ssm:DeleteParameter', firstOf(`parameter ${IAM_PATH}create/`));
attack('lambda-concurrency-0', 'reserve concurrency 0 on the handler: updates and the restore fail', 'lambda:PutFunctionConcurrency', byId('handler'));
attack('lambda-event-invoke-config', 'change the handler\'s asynchronous invocation (retries, destinations)', 'lambda:PutFunctionEventInvokeConfig', byId('handler'));
attack('lambda-resource-policy', 'put a resource policy on the handler', 'lambda:PutResourcePolicy', byId('handler'));
attack('lambda-invoke-async', 'invoke the handler with a forged event (the deprecated asynchronous API)', 'lambda:InvokeAsync', byId('handler'));
attack('events-disable-rule', 'disable the detection rule first, so that the attempts after it are not seen', 'events:DisableRule', byId('detection-rule'));
attack('events-remove-targets', 'take the central bus off the detection rule', 'events:RemoveTargets', byId('detection-rule'));
attack('cfn-termination-protection', 'turn on termination protection of the stack instance: StackSet updates and deletes fail', 'cloudformation:UpdateTerminationProtection', byId('instance-stack'));
attack('cfn-stack-policy', 'set a stack policy that blocks updates of the stack instance', 'cloudformation:SetStackPolicy', byId('instance-stack'));
attack('cfn-delete-stack', 'delete the stack instance', 'cloudformation:DeleteStack', byId('instance-stack'));
attack('sts-preexisting-role', 'assume a role that sat on the library\'s path before the account came under the guard (exempt)', 'sts:AssumeRole', byId('role-preexisting'));
for (const d of DEPLOYERS) {
  attack(`sts-${d.id}`, `assume an exempt role from inside the account: ${d.label}`, 'sts:AssumeRole', byId(`exempt-${d.id}`));
}

// ---- the deployers the guard names: not locked out -----------------------------------------
const LOCKOUT = 'Deployers the guard exempts: not locked out';
ask(LOCKOUT, 'Allowed', PRINCIPALS.selfManagedExecution)('lockout-self-managed', 'the self-managed StackSets execution role creates a role on the library\'s path', 'iam:CreateRole', firstOf('role-LoggingConfigurationHandlerRole'));
ask(LOCKOUT, 'Allowed', PRINCIPALS.controlTowerExecution)('lockout-control-tower', 'the Control Tower execution role creates a role on the library\'s path', 'iam:CreateRole', firstOf('role-LoggingConfigurationHandlerRole'));

/**
 * What CloudFormation does, as the deployer, to create, update and delete a member stack instance
 * (from the resource types of the member template; the handler role, not the deployer, writes the
 * SSM record and calls Bedrock).
 */
const DEPLOY_ACTIONS: Array<[string, string[]]> = [
  ['instance-stack', ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:DeleteStack', 'cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DescribeStacks']],
  ['log-bucket', ['s3:CreateBucket', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutBucketVersioning', 's3:PutBucketPublicAccessBlock',
    's3:PutBucketOwnershipControls', 's3:PutLifecycleConfiguration', 's3:PutReplicationConfiguration', 's3:PutBucketLogging', 's3:PutBucketTagging', 's3:DeleteBucket', 's3:GetBucketPolicy']],
  ['role-LoggingConfigurationHandlerRole', ['iam:CreateRole', 'iam:GetRole', 'iam:TagRole', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:DeleteRole']],
  ['role-LogBucketReplicationRole', ['iam:CreateRole', 'iam:PassRole', 'iam:DeleteRole']],
  ['policy-LoggingConfigurationHandlerPolicy', ['iam:CreatePolicy', 'iam:GetPolicy', 'iam:CreatePolicyVersion', 'iam:ListPolicyVersions', 'iam:DeletePolicyVersion', 'iam:DeletePolicy']],
  ['handler', ['lambda:CreateFunction', 'lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:TagResource',
    'lambda:PutFunctionEventInvokeConfig', 'lambda:DeleteFunctionEventInvokeConfig', 'lambda:InvokeFunction', 'lambda:DeleteFunction']],
  ['log-key', ['kms:DescribeKey', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:TagResource', 'kms:UntagResource', 'kms:UpdateKeyDescription', 'kms:ScheduleKeyDeletion']],
  ['topic-key', ['kms:ScheduleKeyDeletion']],
];
const DEPLOY = 'Deployers create, update and delete a member stack (what CloudFormation does as them)';
for (const d of DEPLOYERS) {
  const deploy = ask(DEPLOY, 'Allowed', d.principal);
  for (const [resource, actions] of DEPLOY_ACTIONS) {
    const r = org.resources.find((x) => x.id === resource || x.id.startsWith(`${resource}`))!;
    for (const action of actions) deploy(`deploy-${d.id}-${resource}-${action}`, `${d.label}: ${r.what}`, action, r);
  }
  deploy(`deploy-${d.id}-bedrock`, `${d.label}: the logging configuration`, 'bedrock:PutModelInvocationLoggingConfiguration', '*');
}

// ---- the library's own roles at work ------------------------------------------------------------
const LIBRARY = 'The library\'s roles at work (their synthesized policies)';
const R = org.member.resolved.Resources as Record<string, any>;
const policiesOf = (roleResource: ProtectedResource): NamedPolicy[] => {
  const roleName = roleResource.arn.slice(roleResource.arn.lastIndexOf('/') + 1);
  return Object.entries<any>(R).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && (r.Properties.Roles ?? []).includes(roleName))
    .map(([name, r]) => ({ name, policy: r.Properties.PolicyDocument }));
};
const handlerRole = firstOf('role-LoggingConfigurationHandlerRole');
const replicationRole = firstOf('role-LogBucketReplicationRole');
const handlerAtWork = ask(LIBRARY, 'Allowed', handlerRole.arn, policiesOf(handlerRole));
handlerAtWork('handler-put-config', 'the handler turns logging on', 'bedrock:PutModelInvocationLoggingConfiguration', '*');
handlerAtWork('handler-delete-config', 'the handler turns logging off on delete', 'bedrock:DeleteModelInvocationLoggingConfiguration', '*');
for (const p of org.resources.filter((x) => x.id.startsWith('parameter '))) {
  handlerAtWork(`handler-put-${p.id}`, `the handler writes ${p.what}`, 'ssm:PutParameter', p);
}
handlerAtWork('handler-delete-marker', 'the handler deletes its create marker', 'ssm:DeleteParameter', firstOf(`parameter ${IAM_PATH}create/`));
// Across accounts, into the archive: its bucket and key policies admit the library's roles of the organization.
const replicating = ask(LIBRARY, 'Allowed', replicationRole.arn, policiesOf(replicationRole));
const inOrganization = { 'aws:PrincipalOrgID': ORGANIZATION_ID, 'aws:PrincipalAccount': ACCOUNT };
replicating('replication-into-archive', 'the member\'s replication role replicates a log into the archive', 's3:ReplicateObject', byId('archive-object'), { context: inOrganization });
replicating('replication-encrypt', 'the member\'s replication role encrypts a replica with the archive\'s key, through S3', 'kms:GenerateDataKey', byId('archive-key'), {
  context: { ...inOrganization, 'kms:ViaService': `s3.${ARCHIVE_REGION}.amazonaws.com` },
  // The simulator does not evaluate kms:EncryptionContext:* keys (they are asserted as written in test/archive).
  resourcePolicy: withoutEncryptionContext([{ name: 'key', policy: byId('archive-key').resourcePolicy! }])[0].policy,
});

// ---- reads stay open -----------------------------------------------------------------------------
const READS = 'Reads stay open';
const nops = ask(READS, 'Allowed', PRINCIPALS.nops, withoutEncryptionContext(org.nopsPolicies));
const owned = { 's3:ResourceAccount': ACCOUNT };
nops('nops-get', 'nOps reads a log', 's3:GetObject', byId('log-object'), { context: owned });
nops('nops-list', 'nOps lists the prefix', 's3:ListBucket', byId('log-bucket'), { context: { ...owned, 's3:prefix': `${PREFIX}/AWSLogs/` } });
nops('nops-decrypt', 'nOps decrypts a log through S3 (the key\'s policy delegates to IAM)', 'kms:Decrypt', byId('log-key'), { context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } });
const adminReads = ask(READS, 'Allowed', PRINCIPALS.administrator);
adminReads('admin-get-log', 'the administrator reads a log', 's3:GetObject', byId('log-object'));
adminReads('admin-get-bucket-policy', 'the administrator reads the bucket policy', 's3:GetBucketPolicy', byId('log-bucket'));
adminReads('admin-decrypt', 'the administrator decrypts with the log bucket\'s key', 'kms:Decrypt', byId('log-key'));
adminReads('admin-describe-key', 'the administrator describes the key', 'kms:DescribeKey', byId('log-key'));
adminReads('admin-get-role', 'the administrator reads the handler role', 'iam:GetRole', handlerRole);
adminReads('admin-get-policy-version', 'the administrator reads the handler policy\'s version', 'iam:GetPolicyVersion', firstOf('policy-LoggingConfigurationHandlerPolicy'));
adminReads('admin-get-function', 'the administrator reads the handler', 'lambda:GetFunction', byId('handler'));
adminReads('admin-get-parameter', 'the administrator reads the handler\'s record', 'ssm:GetParameter', byId(`parameter ${IAM_PATH}previous-configuration`));
adminReads('admin-describe-stack', 'the administrator reads the stack instance', 'cloudformation:DescribeStacks', byId('instance-stack'));
adminReads('admin-get-config', 'the administrator reads the logging configuration', 'bedrock:GetModelInvocationLoggingConfiguration', '*');

/** The analytics queries in a guarded account: a role granted `grantQuery` over the app's log bucket (SSE-KMS). */
function analystQuestions(): void {
  let analytics: BedrockLogAnalytics | undefined;
  let analyst: iam.Role | undefined;
  const s = synthStack((app) => {
    const stack = new BedrockInvocationLoggingStack(app, 'BedrockInvocationLogging', { synthesizer: new BootstraplessSynthesizer(), createEncryptionKey: true, keyPrefix: PREFIX });
    const logging = stack.invocationLogging;
    analytics = new BedrockLogAnalytics(stack, 'Analytics', { invocationLogging: logging });
    analyst = new iam.Role(stack, 'Analyst', { roleName: 'FinOpsAnalyst', assumedBy: new iam.AccountRootPrincipal() });
    analytics.grantQuery(analyst);
    return { stack, logging };
  });
  const bucket = s.resolver.ref(logicalId(s.logging.bucket));
  const results = s.resolver.ref(logicalId(analytics!.resultsBucket));
  const keyId = logicalId(s.logging.encryptionKey!);
  const key = s.resolved.Resources[keyId];
  const tags = Object.fromEntries(key.Properties.Tags.map((t: any) => [`aws:ResourceTag/${t.Key}`, t.Value]));
  const TLS = { 'aws:SecureTransport': 'true' };
  const a = ask(READS, 'Allowed', `arn:aws:iam::${ACCOUNT}:role/FinOpsAnalyst`, withoutEncryptionContext(identityPolicies(s, 'FinOpsAnalyst')));
  const logKey = `${PREFIX}/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/${REGION}/2026/01/15/10/20260115T1005Z_abc.json.gz`;
  a('analyst-list', 'an analytics query lists a day of logs', 's3:ListBucket', `arn:aws:s3:::${bucket}`, { context: { ...TLS, 's3:prefix': logKey.replace(/10\/[^/]+$/, ''), 's3:delimiter': '/' } });
  a('analyst-get', 'an analytics query reads a log', 's3:GetObject', `arn:aws:s3:::${bucket}/${logKey}`, { context: TLS });
  a('analyst-prices', 'an analytics query reads the price table', 's3:GetObject', `arn:aws:s3:::${bucket}/bedrock-prices/prices.csv`, { context: TLS });
  a('analyst-results', 'an analytics query writes its result (results bucket, not guarded)', 's3:PutObject', `arn:aws:s3:::${results}/q-123.csv`, { context: TLS });
  a('analyst-decrypt', 'an analytics query decrypts a log through S3', 'kms:Decrypt', { arn: s.resolver.getAtt(keyId, 'Arn'), account: ACCOUNT } as ProtectedResource,
    { context: { ...TLS, ...tags, 'kms:ViaService': `s3.${REGION}.amazonaws.com` }, resourcePolicy: key.Properties.KeyPolicy });
}
analystQuestions();

// ---- asked ---------------------------------------------------------------------------------------
const answers: TamperGuardResults['answers'] = [];

describe.each([...new Set(questions.map((q) => q.group))])('%s', (group) => {
  test.each(questions.filter((q) => q.group === group).map((q) => [q.id, q] as const))('%s', async (_id, q) => {
    const [withGuard, without] = [await answer(q, org.scp), await answer(q, undefined)];
    const pass = outcome(withGuard) === q.expect
      // an attack must be one the guard stops: allowed without it, denied by the guard itself
      && (q.expect === 'Allowed' || (withGuard === 'ExplicitlyDenied' && without === 'Allowed'));
    answers.push({
      group, id: q.id, text: q.text, principal: q.principal, action: q.action, resource: q.resource, expect: q.expect, withGuard, without, pass,
    });
    expect({ withGuard, without }).toEqual(q.expect === 'Allowed' ? { withGuard: 'Allowed', without: 'Allowed' } : { withGuard: 'ExplicitlyDenied', without: 'Allowed' });
  });
});

describe('tamper-guard evidence', () => {
  test('the results are written and SECURITY.md shows them', () => {
    const order = questions.map((q) => q.id);
    answers.sort((x, y) => order.indexOf(x.id) - order.indexOf(y.id));
    expect(answers).toHaveLength(questions.length);
    const options = Object.entries(GUARD_CONTEXT).map(([k, v]) => `-c ${k}=${v}`).join(' ');
    const data: TamperGuardResults = {
      simulator: `@cloud-copilot/iam-simulate ${packageVersion('@cloud-copilot/iam-simulate')}`, options, scpCharacters: org.scpJson.length, answers,
    };
    writeResults('tamper-guard', data);
    const drift = checkSection('tamper-guard', data);
    if (process.env.SECURITY_REPORT_UPDATE !== '1') expect(drift).toBeUndefined();
  });
});
