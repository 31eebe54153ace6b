/**
 * The tamper-guard SCP asked of the IAM policy simulator (@cloud-copilot/iam-simulate, which
 * evaluates service control policies): root and OU carry FullAWSAccess, the OU also the guard, as an
 * organization that attaches the guard to the target OUs has it. Every principal is in a member
 * account. `aws:PrincipalArn` is in every request's context, as AWS sets it for IAM principals.
 *
 * The library's roles are built on the IAM path lib/shared/facts.ts states.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ARCHIVE_BUCKET_NAME_PREFIX } from '../../../lib/archive/facts';
import { HANDLER_FUNCTION_NAME_PREFIX, logBucketName } from '../../../lib/logging/facts';
import { IAM_PATH, logObjectsFolder } from '../../../lib/shared/facts';
import { STACKSETS_EXECUTION_ROLE_NAME_PREFIX } from '../../../lib/guard/facts';
import { BedrockTamperGuardPolicy } from '../../../lib';
import { STATE_PARAMETER_NAME } from '../../../lib/logging/facts';
import { GUARDED_BUCKET_OPERATIONS, GUARDED_FUNCTION_ACTIONS, GUARDED_OBJECT_ACTIONS, GUARDED_PARAMETER_ACTIONS, GUARDED_ROLE_ACTIONS } from '../../../lib/guard/private/coverage';
import { ACCOUNT, NamedPolicy, policySet, REGION, synthApp } from '../../support/security/harness';

type Outcome = 'Allowed' | 'Denied';
interface Q { readonly who: string; readonly principal: string; readonly action: string; readonly resource: string; readonly expect: Outcome; readonly identity: NamedPolicy[] }

const allow = (name: string): NamedPolicy => ({ name, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } });
const ADMINISTRATOR_ACCESS = [allow('AdministratorAccess')];
const BREAK_GLASS_PATTERN = 'arn:aws:iam::*:role/ops/BreakGlass*';
const SCP = JSON.parse(BedrockTamperGuardPolicy.toJson({ breakGlassRoleArn: BREAK_GLASS_PATTERN }));

const role = (pathAndName: string) => `arn:aws:iam::${ACCOUNT}:role/${pathAndName}`;
const ADMIN = role('Admin');
const HANDLER_ROLE = role(`${IAM_PATH.slice(1)}BedrockInvocationLogging-HandlerRole-1A2B3C4D`);
const REPLICATION_ROLE = role(`${IAM_PATH.slice(1)}BedrockInvocationLogging-ReplicationRole-5E6F`);
const STACKSETS_EXEC = role(`${STACKSETS_EXECUTION_ROLE_NAME_PREFIX}0123456789abcdef0123456789abcdef`);
const BREAK_GLASS = role('ops/BreakGlass-Alice');

const LOG_BUCKET = `arn:aws:s3:::${logBucketName(ACCOUNT, REGION, 'a1b2c3d4')}`;
const ARCHIVE_BUCKET = `arn:aws:s3:::${ARCHIVE_BUCKET_NAME_PREFIX}-${ACCOUNT}-${REGION}-e5f6a7b8`;
const OTHER_BUCKET = 'arn:aws:s3:::team-data';
const LOG_OBJECT = `${LOG_BUCKET}/${logObjectsFolder('bedrock', ACCOUNT)}${REGION}/2026/01/15/10/20260115T1005Z_abc.json.gz`;
const HANDLER_FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${HANDLER_FUNCTION_NAME_PREFIX}-a1b2c3d4`;
const STATE_PARAMETER = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${STATE_PARAMETER_NAME}`;
const BEDROCK = ['bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'];
const BUCKET_ACTIONS = GUARDED_BUCKET_OPERATIONS.map((o) => o.action);

async function answer(q: Q, guard = true): Promise<string> {
  const r = await runSimulation({
    request: {
      principal: q.principal, action: q.action,
      resource: { resource: q.resource, accountId: ACCOUNT },
      contextVariables: { 'aws:PrincipalArn': q.principal },
    },
    identityPolicies: q.identity,
    serviceControlPolicies: [
      { orgIdentifier: 'r-ab12', policies: [allow('FullAWSAccess')] },
      { orgIdentifier: 'ou-ab12-cdef3456', policies: [allow('FullAWSAccess'), ...guard ? [{ name: 'TamperGuard', policy: SCP }] : []] },
      { orgIdentifier: ACCOUNT, policies: [allow('FullAWSAccess')] },
    ],
    resourceControlPolicies: [],
  }, { simulationMode: 'Strict' });
  if (r.resultType === 'error') return `Error: ${JSON.stringify(r.errors)}`;
  return r.overallResult;
}

/** The questions that failed, one line each. */
async function failures(questions: Q[]): Promise<string[]> {
  const out: string[] = [];
  for (const q of questions) {
    const actual = await answer(q);
    const ok = q.expect === 'Allowed' ? actual === 'Allowed' : actual === 'ExplicitlyDenied';
    if (!ok) out.push(`${q.who} ${q.action} on ${q.resource}: expected ${q.expect}, simulator said ${actual}`);
  }
  return out;
}

const ask = (who: string, principal: string, identity: NamedPolicy[], expect: Outcome) =>
  (action: string, resource: string): Q => ({ who, principal, identity, action, resource, expect });

/** What the guard must deny `principal` (with AdministratorAccess). */
function everythingGuarded(who: string, principal: string): Q[] {
  const denied = ask(who, principal, ADMINISTRATOR_ACCESS, 'Denied');
  return [
    ...BEDROCK.map((a) => denied(a, '*')),
    ...[LOG_BUCKET, ARCHIVE_BUCKET].flatMap((bucket) => BUCKET_ACTIONS.map((a) => denied(a, bucket))),
    ...GUARDED_OBJECT_ACTIONS.map((a) => denied(a, LOG_OBJECT)),
    ...GUARDED_OBJECT_ACTIONS.map((a) => denied(a, `${ARCHIVE_BUCKET}/${logObjectsFolder('bedrock', ACCOUNT)}x.json.gz`)),
    ...GUARDED_ROLE_ACTIONS.flatMap((a) => [HANDLER_ROLE, REPLICATION_ROLE, STACKSETS_EXEC, BREAK_GLASS].map((r) => denied(a, r))),
    ...GUARDED_FUNCTION_ACTIONS.map((a) => denied(a, HANDLER_FUNCTION)),
    ...GUARDED_PARAMETER_ACTIONS.map((a) => denied(a, STATE_PARAMETER)),
  ];
}

describe('tamper-guard SCP in the IAM simulator', () => {
  test('an account administrator is denied every guarded action: Bedrock logging, the log and archive buckets and their objects, the guarded roles, the handler and its parameter', async () => {
    const questions = everythingGuarded('administrator', ADMIN);
    expect(questions).toHaveLength(BEDROCK.length + 2 * BUCKET_ACTIONS.length + 2 * GUARDED_OBJECT_ACTIONS.length
      + 4 * GUARDED_ROLE_ACTIONS.length + GUARDED_FUNCTION_ACTIONS.length + GUARDED_PARAMETER_ACTIONS.length);
    expect(await failures(questions)).toEqual([]);
    // The denials come from the guard: without it, AdministratorAccess allows every one.
    const withoutGuard: string[] = [];
    for (const q of questions) withoutGuard.push(await answer(q, false));
    expect(new Set(withoutGuard)).toEqual(new Set(['Allowed']));
  });

  test('the same administrator is not otherwise restricted: an unrelated bucket, reading logs, other roles, functions and parameters', async () => {
    const allowed = ask('administrator', ADMIN, ADMINISTRATOR_ACCESS, 'Allowed');
    expect(await failures([
      ...BUCKET_ACTIONS.map((a) => allowed(a, OTHER_BUCKET)),
      ...GUARDED_OBJECT_ACTIONS.map((a) => allowed(a, `${OTHER_BUCKET}/data.csv`)),
      // a bucket whose name only starts like the library's (no "-" after the prefix)
      allowed('s3:PutBucketPolicy', `arn:aws:s3:::${logBucketName(ACCOUNT, REGION, 'x').split('-').slice(0, 3).join('-')}backup`),
      allowed('s3:GetObject', LOG_OBJECT),
      allowed('s3:ListBucket', LOG_BUCKET),
      allowed('bedrock:GetModelInvocationLoggingConfiguration', '*'),
      allowed('bedrock:InvokeModel', `arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0`),
      ...GUARDED_ROLE_ACTIONS.map((a) => allowed(a, role('AppRole'))),
      allowed('lambda:InvokeFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:app`),
      allowed('lambda:UpdateFunctionCode', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:app`),
      allowed('ssm:PutParameter', `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/setting`),
      allowed('lambda:GetFunction', HANDLER_FUNCTION),
    ])).toEqual([]);
  });

  test('the handler role (on the library\'s path, with its synthesized policies) puts, gets and deletes the configuration and its SSM record', async () => {
    const s = synthApp({});
    const handlerPolicies = policySet(s, 'bedrock').handler.policies;
    expect(handlerPolicies.length).toBeGreaterThan(0);
    const allowed = ask('handler role', HANDLER_ROLE, handlerPolicies, 'Allowed');
    expect(await failures([
      ...BEDROCK.map((a) => allowed(a, '*')),
      allowed('bedrock:GetModelInvocationLoggingConfiguration', '*'),
      allowed('ssm:PutParameter', STATE_PARAMETER),
      allowed('ssm:GetParameter', STATE_PARAMETER),
      allowed('ssm:DeleteParameter', STATE_PARAMETER),
    ])).toEqual([]);
  });

  test('the StackSets execution role deploys, updates and deletes member stacks: buckets, roles, the handler, Bedrock', async () => {
    const allowed = ask('StackSets execution role', STACKSETS_EXEC, ADMINISTRATOR_ACCESS, 'Allowed');
    expect(await failures([
      ...BUCKET_ACTIONS.map((a) => allowed(a, LOG_BUCKET)),
      ...GUARDED_ROLE_ACTIONS.map((a) => allowed(a, HANDLER_ROLE)),
      ...GUARDED_FUNCTION_ACTIONS.map((a) => allowed(a, HANDLER_FUNCTION)),
      ...BEDROCK.map((a) => allowed(a, '*')),
    ])).toEqual([]);
  });

  test('the break-glass role may do everything the guard denies others', async () => {
    const questions = everythingGuarded('break-glass role', BREAK_GLASS).map((q) => ({ ...q, expect: 'Allowed' as const }));
    expect(await failures(questions)).toEqual([]);
  });

  test('look-alikes are denied: the path in the name, the path deeper down, a user on the path, stacksets-exec without its dash, the root user, another break-glass name', async () => {
    const lookalikes = [
      role(`${IAM_PATH.slice(1, -1)}-admin`),
      role(`team${IAM_PATH}Admin`),
      `arn:aws:iam::${ACCOUNT}:user${IAM_PATH}bob`,
      role(`${STACKSETS_EXECUTION_ROLE_NAME_PREFIX.slice(0, -1)}`),
      `arn:aws:iam::${ACCOUNT}:root`,
      role('BreakGlass'),
    ];
    const questions = lookalikes.flatMap((p) => [
      ask(p, p, ADMINISTRATOR_ACCESS, 'Denied')('bedrock:PutModelInvocationLoggingConfiguration', '*'),
      ask(p, p, ADMINISTRATOR_ACCESS, 'Denied')('s3:PutBucketPolicy', LOG_BUCKET),
      ask(p, p, ADMINISTRATOR_ACCESS, 'Denied')('iam:PassRole', HANDLER_ROLE),
    ]);
    expect(await failures(questions)).toEqual([]);
  });
});
