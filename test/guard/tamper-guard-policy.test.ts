/**
 * The tamper-guard SCP: generated from the facts modules, its size at the longest options, its
 * break-glass validation, the construct, and where the app puts it (-c tamperGuard=true).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { createApp, STACKSET_STACK_NAME, TAMPER_GUARD_STACK_NAME } from '../../bin/create-app';
import { runScp } from '../../bin/scp';
import { BedrockInvocationLoggingMemberTemplate, BedrockTamperGuard, BedrockTamperGuardPolicy, BedrockTamperGuardPolicyOptions } from '../../lib';
import { HANDLER_FUNCTION_NAME_PREFIX } from '../../lib/logging/facts';
import { IAM_PATH, MAX_ROLE_NAME_LENGTH, MAX_ROLE_PATH_LENGTH } from '../../lib/shared/facts';
import { MAX_SCP_CHARACTERS, STACKSETS_EXECUTION_ROLE_NAME_PREFIX } from '../../lib/guard/facts';
import { STATE_PARAMETER_NAME } from '../../lib/logging/facts';
import { scpSizeSection, LONGEST_BREAK_GLASS_ROLE_ARN } from '../../scripts/bench-scp';
import { ROOT } from '../bin/cli';
import { errorOf } from '../support/util';

/** The policy as AWS stores it, parsed. */
const policyJson = (options?: BedrockTamperGuardPolicyOptions) => JSON.parse(BedrockTamperGuardPolicy.toJson(options));

const MAX_INLINE_TEMPLATE_BYTES = BedrockInvocationLoggingMemberTemplate.MAX_TEMPLATE_BODY_BYTES;
const ROLLOUT = { rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456,ou-ab12-ghij7890', targetRegions: 'us-east-1,eu-west-1' };

describe('the policy', () => {
  test('denies the Bedrock actions, bucket weakening and object deletion, and changes to the guarded roles, handler and parameter, unless the principal is exempt', () => {
    const doc = policyJson({ breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' });
    const exempt = ['arn:*:iam::*:role/cdk-bedrock-invocation-logging/*', 'arn:*:iam::*:role/stacksets-exec-*', 'arn:aws:iam::*:role/BreakGlass'];
    const condition = { ArnNotLike: { 'aws:PrincipalArn': exempt } };
    expect(doc).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DenyInvocationLoggingChanges', Effect: 'Deny', Resource: '*', Condition: condition,
          Action: ['bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'] },
        { Sid: 'DenyLogBucketWeakening', Effect: 'Deny', Condition: condition,
          Action: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketPublicAccessBlock', 's3:PutBucketOwnershipControls',
            's3:PutEncryptionConfiguration', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:PutReplicationConfiguration',
            's3:PutBucketObjectLockConfiguration', 's3:PutBucketLogging', 's3:DeleteBucket', 's3:DeleteObject', 's3:DeleteObjectVersion'],
          // the archive (bedrock-invocation-logs-archive...) is matched by the log buckets' pattern
          Resource: ['arn:*:s3:::bedrock-invocation-logs-*', 'arn:*:s3:::bedrock-invocation-logs-*/*'] },
        { Sid: 'DenyGuardRoleAndHandlerChanges', Effect: 'Deny', Condition: condition,
          Action: ['iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
            'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary',
            'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:DeleteFunction', 'lambda:InvokeFunction',
            'lambda:AddPermission', 'lambda:CreateFunctionUrlConfig', 'ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:DeleteParameters'],
          Resource: [...exempt, `arn:*:lambda:*:*:function:${HANDLER_FUNCTION_NAME_PREFIX}*`, `arn:*:ssm:*:*:parameter${STATE_PARAMETER_NAME}`] },
      ],
    });
    // the exemptions come from the facts, not restated
    expect(BedrockTamperGuardPolicy.EXEMPT_ROLE_ARN_PATTERNS).toEqual([`arn:*:iam::*:role${IAM_PATH}*`, `arn:*:iam::*:role/${STACKSETS_EXECUTION_ROLE_NAME_PREFIX}*`]);
  });

  test('without a break-glass role only the library\'s roles and the StackSets execution role are exempt', () => {
    const doc = policyJson();
    for (const s of doc.Statement) expect(s.Condition.ArnNotLike['aws:PrincipalArn']).toEqual(BedrockTamperGuardPolicy.EXEMPT_ROLE_ARN_PATTERNS);
  });

  test(`fits the ${MAX_SCP_CHARACTERS.toLocaleString('en-US')}-character SCP quota with the longest break-glass role ARN IAM allows, and the README states the measured sizes`, () => {
    // the longest role ARN: longest partition, a 12-digit account, a 512-character path, a 64-character name
    expect(LONGEST_BREAK_GLASS_ROLE_ARN).toHaveLength('arn:aws-us-gov:iam::123456789012:role'.length + MAX_ROLE_PATH_LENGTH + MAX_ROLE_NAME_LENGTH);
    expect(BedrockTamperGuardPolicy.breakGlassRoleArnProblems(LONGEST_BREAK_GLASS_ROLE_ARN, 'x')).toEqual([]);
    const longest = BedrockTamperGuardPolicy.toJson({ breakGlassRoleArn: LONGEST_BREAK_GLASS_ROLE_ARN });
    expect(longest.length).toBeLessThanOrEqual(MAX_SCP_CHARACTERS);
    expect(longest).toBe(JSON.stringify(JSON.parse(longest)));
    // One character more in the path or name is refused, so no accepted option can be longer.
    const [, pathPart, name] = /^arn:[^:]*:iam::\d+:role(\/.*\/)([^/]+)$/.exec(LONGEST_BREAK_GLASS_ROLE_ARN)!;
    expect(BedrockTamperGuardPolicy.breakGlassRoleArnProblems(LONGEST_BREAK_GLASS_ROLE_ARN.replace(pathPart, `${pathPart}p/`), 'x')).toHaveLength(1);
    expect(BedrockTamperGuardPolicy.breakGlassRoleArnProblems(`${LONGEST_BREAK_GLASS_ROLE_ARN}n`, 'x')).toHaveLength(1);
    expect(name).toHaveLength(MAX_ROLE_NAME_LENGTH);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = /<!-- bench:scp -->\n([\s\S]*?)\n<!-- \/bench:scp -->/.exec(readme)?.[1];
    expect(section).toBe(scpSizeSection());
    expect(section).toContain(`| ${longest.length.toLocaleString('en-US')} |`);
  });
});

describe('BedrockTamperGuardPolicy.document', () => {
  test('is an iam.PolicyDocument with the statements of toJson(), for a CfnPolicy or a reader of your own', () => {
    const options = { breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' };
    const document: iam.PolicyDocument = BedrockTamperGuardPolicy.document(options);
    expect(document.statementCount).toBe(policyJson(options).Statement.length);
    // iam normalises one-element lists to strings and orders keys its own way: compare the statements as sets of values
    const canonical = (statement: Record<string, unknown>) => JSON.stringify(Object.keys(statement).sort()
      .map((k) => [k, Array.isArray(statement[k]) ? statement[k] : [statement[k]]].flat()));
    const stack = new Stack(new App(), 'Doc');
    expect(stack.resolve(document.toJSON()).Statement.map(canonical)).toEqual(policyJson(options).Statement.map(canonical));
    expect(() => BedrockTamperGuardPolicy.document({ breakGlassRoleArn: 'arn:aws:iam::*:role/*' })).toThrow(/does not name a role/);
  });
});

describe('the break-glass role ARN pattern', () => {
  test.each([
    'arn:aws:iam::123456789012:role/BreakGlass',
    'arn:aws:iam::*:role/BreakGlass',
    'arn:*:iam::*:role/ops/BreakGlass*',
    'arn:aws-us-gov:iam::12345678901?:role/BreakGlass',
    'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_BreakGlass_*',
  ])('accepts %s', (arn) => {
    expect(BedrockTamperGuardPolicy.breakGlassRoleArnProblems(arn, 'breakGlassRoleArn')).toEqual([]);
  });

  test.each<[string, string, RegExp[]]>([
    ['a role name', 'BreakGlass', [/^breakGlassRoleArn "BreakGlass" is not an IAM role ARN or ARN pattern: for example arn:aws:iam::\*:role\/BreakGlass/]],
    ['a user ARN', 'arn:aws:iam::123456789012:user/alice', [/is not an IAM role ARN or ARN pattern/]],
    ['every role', 'arn:aws:iam::*:role/*', [/does not name a role \(its name starts with a wildcard\), so it would exempt every role under that path: name the role/]],
    ['every role under a path', 'arn:aws:iam::*:role/ops/', [/does not name a role \(its name is empty\)/]],
    ['a policy variable', 'arn:aws:iam::*:role/${aws:username}', [/has characters IAM role names and paths do not allow/]],
    ['an unknown partition and a short account', 'arn:aws-moon:iam::1234:role/BreakGlass', [/names partition "aws-moon": use one of aws, aws-cn, aws-us-gov/, /has account "1234": use a 12-digit account id or \*/]],
    ['a name over 64 characters', `arn:aws:iam::*:role/${'n'.repeat(65)}`, [/has a role name of 65 characters: IAM role names have at most 64/]],
    ['a path over 512 characters', `arn:aws:iam::*:role/${'p'.repeat(511)}/BreakGlass`, [/has a path of 513 characters: IAM role paths have at most 512/]],
  ])('refuses %s, one line per problem', (_name, arn, expected) => {
    const problems = BedrockTamperGuardPolicy.breakGlassRoleArnProblems(arn, 'breakGlassRoleArn');
    expect(problems).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(problems[i]).toMatch(e));
  });
});

describe('BedrockTamperGuard', () => {
  test('is an SCP attached to the targets, its content the minified policy as a string', () => {
    const stack = new Stack(new App(), 'Org');
    const guard = new BedrockTamperGuard(stack, 'Guard', { targetIds: ['r-ab12', '123456789012'], breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' });
    const [policy] = Object.values<any>(Template.fromStack(stack).findResources('AWS::Organizations::Policy'));
    expect(policy.Properties).toEqual({
      Name: BedrockTamperGuard.DEFAULT_POLICY_NAME,
      Type: 'SERVICE_CONTROL_POLICY',
      Description: expect.stringContaining('Bedrock model invocation logging'),
      Content: BedrockTamperGuardPolicy.toJson({ breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' }),
      TargetIds: ['r-ab12', '123456789012'],
    });
    expect(guard.policyJson).toBe(policy.Properties.Content);
  });

  test('bad props: every problem at once, naming the prop, the value and the fix', () => {
    const message = errorOf(() => new BedrockTamperGuard(new Stack(new App(), 'Org'), 'Guard', { targetIds: ['ou-x', 'o-abc123'], breakGlassRoleArn: 'arn:aws:iam::*:role/*' }));
    expect(message.split('\n').slice(1)).toEqual([
      '  - targetIds value "ou-x" is not an OU id (ou-ab12-cdef3456), a root id (r-ab12) or an account id (123456789012)',
      '  - targetIds value "o-abc123" is not an OU id (ou-ab12-cdef3456), a root id (r-ab12) or an account id (123456789012)',
      expect.stringMatching(/^ {2}- breakGlassRoleArn "arn:aws:iam::\*:role\/\*" does not name a role/),
    ]);
    expect(errorOf(() => new BedrockTamperGuard(new Stack(new App(), 'Org'), 'Guard', { targetIds: [] }))).toMatch(/targetIds is empty: give the OUs, root or accounts/);
  });
});

describe('the app with -c rollout=stackset -c tamperGuard=true', () => {
  test('a stack of its own attaches the SCP to the StackSet\'s target OUs; at the longest options it is small enough for cdk deploy without a bootstrap bucket', () => {
    const app = createApp({ context: { ...ROLLOUT, tamperGuard: 'true', breakGlassRoleArn: LONGEST_BREAK_GLASS_ROLE_ARN, kms: 'true', cloudWatchLogs: 'true' } });
    const guardStack = Template.fromStack(app.node.findChild(TAMPER_GUARD_STACK_NAME) as Stack);
    const admin = Template.fromStack(app.node.findChild(STACKSET_STACK_NAME) as Stack);
    const json = guardStack.toJSON();
    const [[policyId, policy]] = Object.entries<any>(guardStack.findResources('AWS::Organizations::Policy'));
    const [stackSet] = Object.values<any>(admin.findResources('AWS::CloudFormation::StackSet'));
    expect(policy.Properties.TargetIds).toEqual(stackSet.Properties.StackInstancesGroup[0].DeploymentTargets.OrganizationalUnitIds);
    expect(policy.Properties.Content).toBe(BedrockTamperGuardPolicy.toJson({ breakGlassRoleArn: LONGEST_BREAK_GLASS_ROLE_ARN }));
    expect(json.Outputs.TamperGuardPolicyId.Value).toEqual({ 'Fn::GetAtt': [policyId, 'Id'] });
    // the administrator stack (close to the limit with the embedded member template) is unchanged
    admin.resourceCountIs('AWS::Organizations::Policy', 0);
    // What the CLI sends (YAML without folding); the 613-character break-glass ARN appears four times.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require(path.join(path.dirname(require.resolve('aws-cdk-lib')), 'node_modules', 'yaml'));
    expect(Buffer.byteLength(yaml.stringify(json, { schema: 'yaml-1.1', lineWidth: 0 }), 'utf8')).toBeLessThanOrEqual(MAX_INLINE_TEMPLATE_BYTES);
  });

  test('without tamperGuard there is no policy', () => {
    const app = createApp({ context: ROLLOUT });
    expect(app.node.tryFindChild(TAMPER_GUARD_STACK_NAME)).toBeUndefined();
    Template.fromStack(app.node.findChild(STACKSET_STACK_NAME) as Stack).resourceCountIs('AWS::Organizations::Policy', 0);
  });

  test.each<[string, Record<string, unknown>, RegExp[]]>([
    ['the guard without rollout', { tamperGuard: 'true', breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' },
      [/context tamperGuard, breakGlassRoleArn are only read with rollout=stackset: add -c rollout=stackset, or drop them/]],
    ['a break-glass role without the guard', { ...ROLLOUT, breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' },
      [/context breakGlassRoleArn is only read with tamperGuard=true: add -c tamperGuard=true, or drop it/]],
    ['a bad boolean and a bad break-glass role, together', { ...ROLLOUT, tamperGuard: 'on' }, [/context tamperGuard="on" is not a boolean: use -c tamperGuard=true or -c tamperGuard=false/]],
    ['a break-glass role that exempts every role', { ...ROLLOUT, tamperGuard: 'true', breakGlassRoleArn: 'arn:aws:iam::*:role/*' },
      [/context breakGlassRoleArn "arn:aws:iam::\*:role\/\*" does not name a role \(its name starts with a wildcard\)/]],
  ])('%s fails with the key, the value and the fix', (_name, context, expected) => {
    const message = errorOf(() => createApp({ context }));
    for (const e of expected) expect(message).toMatch(e);
  });
});

describe('npm run scp', () => {
  function run(argv: string[]): { code: number; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { code: runScp(argv, (l) => out.push(l), (l) => err.push(l)), out, err };
  }

  test('prints the minified policy and its size; --pretty indents it and says to paste the minified form', () => {
    const r = run(['--break-glass-role-arn', 'arn:aws:iam::*:role/BreakGlass']);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([BedrockTamperGuardPolicy.toJson({ breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' })]);
    expect(r.err).toEqual([`${r.out[0].length.toLocaleString('en-US')} characters minified, of the 5,120 an SCP may have`]);
    const pretty = run(['--pretty', '--break-glass-role-arn=arn:aws:iam::*:role/BreakGlass']);
    expect(JSON.parse(pretty.out.join('\n'))).toEqual(JSON.parse(r.out[0]));
    expect(pretty.err[0]).toMatch(/paste the minified form \(without --pretty\), since whitespace counts towards the quota/);
  });

  test('bad arguments: one line each, exit 1, nothing on stdout', () => {
    const r = run(['--break-glass-role-arn', 'arn:aws:iam::*:role/*', '--out', 'x.json', '--break-glass-role-arn']);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([
      'Error: 4 problems in the arguments (npm run scp -- [--break-glass-role-arn ARN] [--pretty]):',
      expect.stringMatching(/^ {2}--break-glass-role-arn "arn:aws:iam::\*:role\/\*" does not name a role/),
      '  unknown argument "--out": npm run scp -- [--break-glass-role-arn ARN] [--pretty]',
      '  unknown argument "x.json": npm run scp -- [--break-glass-role-arn ARN] [--pretty]',
      '  --break-glass-role-arn needs a role ARN or ARN pattern, for example --break-glass-role-arn arn:aws:iam::*:role/BreakGlass',
    ]);
  });

  test('the command as users run it prints JSON that parses to the policy (one real process)', () => {
    const r = spawnSync('npm', ['run', '-s', 'scp', '--', '--break-glass-role-arn', 'arn:aws:iam::*:role/BreakGlass'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr.trim()).toMatch(/^[\d,]+ characters minified, of the 5,120 an SCP may have$/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(policyJson({ breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' }));
  });
});
