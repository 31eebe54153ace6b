/**
 * The tamper-guard SCP: generated from the facts modules, its size at the longest options, the
 * validation of its options (break-glass role, deployers, StackSet name), the construct, where the app
 * puts it (-c tamperGuard=true) and `npm run scp`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { createApp, STACKSET_STACK_NAME, TAMPER_GUARD_STACK_NAME } from '../../bin/create-app';
import { runScp } from '../../bin/scp';
import { BedrockInvocationLoggingMemberTemplate, BedrockInvocationLoggingStackSet, BedrockTamperGuard, BedrockTamperGuardPolicy, BedrockTamperGuardPolicyOptions } from '../../lib';
import { HANDLER_FUNCTION_NAME_PREFIX } from '../../lib/logging/facts';
import { DEFAULT_STACK_SET_NAME, GUARDED_KEY_TAG, IAM_PATH, MAX_ROLE_NAME_LENGTH, MAX_ROLE_PATH_LENGTH } from '../../lib/shared/facts';
import { stackSetNameProblems } from '../../lib/shared/validation';
import { DETECTION_RULE_NAME, MAX_SCP_CHARACTERS, STACKSETS_EXECUTION_ROLE_NAME_PREFIX } from '../../lib/guard/facts';
import { STATE_PARAMETER_NAME } from '../../lib/logging/facts';
import { DEPLOYER_TABLE_ROLE_ARNS, LONGEST_BREAK_GLASS_ROLE_ARN, LONGEST_OPTIONS, scpSizeSection } from '../../scripts/bench-scp';
import { readSection } from '../../scripts/doc-section';
import { ROOT } from '../bin/cli';
import { errorOf } from '../support/util';

/** The policy as AWS stores it, parsed. */
const policyJson = (options?: BedrockTamperGuardPolicyOptions) => JSON.parse(BedrockTamperGuardPolicy.toJson(options));

const MAX_INLINE_TEMPLATE_BYTES = BedrockInvocationLoggingMemberTemplate.MAX_TEMPLATE_BODY_BYTES;
const ROLLOUT = { rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456,ou-ab12-ghij7890', targetRegions: 'us-east-1,eu-west-1' };

describe('the policy', () => {
  test('denies the Bedrock actions, every action but reads on the guarded resources and the exempt roles, and every action but reads and decrypt on the tagged keys, unless the principal is exempt', () => {
    const doc = policyJson({ breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass', executionRoleArns: ['arn:*:iam::*:role/AWSControlTowerExecution'] });
    const exempt = ['arn:*:iam::*:role/cdk-bedrock-invocation-logging/*', 'arn:*:iam::*:role/stacksets-exec-*', 'arn:*:iam::*:role/AWSControlTowerExecution', 'arn:aws:iam::*:role/BreakGlass'];
    const condition = { ArnNotLike: { 'aws:PrincipalArn': exempt } };
    expect(doc).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DenyLoggingConfigurationChanges', Effect: 'Deny', Resource: '*', Condition: condition,
          Action: ['bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'] },
        { Sid: 'DenyAllButReadsOnGuardedResources', Effect: 'Deny', Condition: condition,
          NotAction: ['iam:Get*', 'iam:List*', 's3:Get*', 's3:List*', 'lambda:Get*', 'lambda:List*', 'ssm:Get*', 'ssm:List*',
            'cloudformation:Describe*', 'cloudformation:Get*', 'cloudformation:List*', 'events:Describe*', 'events:List*'],
          Resource: [
            ...exempt,
            `arn:*:iam::*:policy${IAM_PATH}*`,
            // the archive (bedrock-invocation-logs-archive...) is matched by the log buckets' pattern, and "*" matches objects too
            'arn:*:s3:::bedrock-invocation-logs-*',
            `arn:*:lambda:*:*:function:${HANDLER_FUNCTION_NAME_PREFIX}-*`,
            `arn:*:ssm:*:*:parameter${IAM_PATH}*`,
            `arn:*:events:*:*:rule/${DETECTION_RULE_NAME}`,
            `arn:*:cloudformation:*:*:stack/StackSet-${DEFAULT_STACK_SET_NAME}-*`,
          ] },
        { Sid: 'DenyAllButReadsOnGuardedKeys', Effect: 'Deny', Resource: 'arn:*:kms:*:*:key/*',
          NotAction: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:Decrypt'],
          Condition: { StringEquals: { [`aws:ResourceTag/${GUARDED_KEY_TAG.key}`]: GUARDED_KEY_TAG.value }, ...condition } },
      ],
    });
    // the exemptions, the state parameter's path and the default StackSet name come from the facts, not restated
    expect(BedrockTamperGuardPolicy.EXEMPT_ROLE_ARN_PATTERNS).toEqual([`arn:*:iam::*:role${IAM_PATH}*`, `arn:*:iam::*:role/${STACKSETS_EXECUTION_ROLE_NAME_PREFIX}*`]);
    expect(STATE_PARAMETER_NAME.startsWith(IAM_PATH)).toBe(true);
    expect(new BedrockInvocationLoggingStackSet(new Stack(new App(), 'Admin'), 'StackSet', { organizationalUnitIds: ['ou-ab12-cdef3456'], regions: ['us-east-1'] }).stackSetName)
      .toBe(DEFAULT_STACK_SET_NAME);
  });

  test('without options only the library\'s roles and the StackSets execution role are exempt, in every statement', () => {
    const doc = policyJson();
    for (const s of doc.Statement) expect(s.Condition.ArnNotLike['aws:PrincipalArn']).toEqual(BedrockTamperGuardPolicy.EXEMPT_ROLE_ARN_PATTERNS);
  });

  test('stackSetName names the stack instances guarded; a name CloudFormation refuses is an error', () => {
    const doc = policyJson({ stackSetName: 'OrgBedrockLogging' });
    expect(doc.Statement[1].Resource).toContain('arn:*:cloudformation:*:*:stack/StackSet-OrgBedrockLogging-*');
    expect(JSON.stringify(doc)).not.toContain(`StackSet-${DEFAULT_STACK_SET_NAME}-`);
    expect(errorOf(() => BedrockTamperGuardPolicy.document({ stackSetName: '1-bad_name' })))
      .toMatch(/stackSetName "1-bad_name" is not a valid StackSet name: start with a letter, then up to 127 letters, digits or "-"/);
  });

  test(`fits the ${MAX_SCP_CHARACTERS.toLocaleString('en-US')}-character SCP quota at the longest options, and docs/development.md states the measured sizes`, () => {
    // the longest role ARN: longest partition, a 12-digit account, a 512-character path, a 64-character name
    expect(LONGEST_BREAK_GLASS_ROLE_ARN).toHaveLength('arn:aws-us-gov:iam::123456789012:role'.length + MAX_ROLE_PATH_LENGTH + MAX_ROLE_NAME_LENGTH);
    expect(BedrockTamperGuardPolicy.breakGlassRoleArnProblems(LONGEST_BREAK_GLASS_ROLE_ARN, 'x')).toEqual([]);
    expect(LONGEST_OPTIONS.stackSetName).toHaveLength(128);
    expect(stackSetNameProblems(LONGEST_OPTIONS.stackSetName!, 'x')).toEqual([]);
    expect(stackSetNameProblems(`${LONGEST_OPTIONS.stackSetName!}x`, 'x')).toHaveLength(1);
    const longest = BedrockTamperGuardPolicy.toJson(LONGEST_OPTIONS);
    expect(longest.length).toBeLessThanOrEqual(MAX_SCP_CHARACTERS);
    expect(longest).toBe(JSON.stringify(JSON.parse(longest)));
    // One character more in the path or name is refused, so no accepted break-glass ARN can be longer.
    const [, pathPart, name] = /^arn:[^:]*:iam::\d+:role(\/.*\/)([^/]+)$/.exec(LONGEST_BREAK_GLASS_ROLE_ARN)!;
    expect(BedrockTamperGuardPolicy.breakGlassRoleArnProblems(LONGEST_BREAK_GLASS_ROLE_ARN.replace(pathPart, `${pathPart}p/`), 'x')).toHaveLength(1);
    expect(BedrockTamperGuardPolicy.breakGlassRoleArnProblems(`${LONGEST_BREAK_GLASS_ROLE_ARN}n`, 'x')).toHaveLength(1);
    expect(name).toHaveLength(MAX_ROLE_NAME_LENGTH);
    const section = readSection('docs/development.md', 'bench:scp');
    expect(section).toBe(scpSizeSection());
    expect(section).toContain(`| ${longest.length.toLocaleString('en-US')} |`);
  });

  test('docs/tamper-guard.md names every pattern the policy names, and the exemptions', () => {
    const page = fs.readFileSync(path.join(ROOT, 'docs', 'tamper-guard.md'), 'utf8');
    const section = page.slice(0, page.indexOf('## Detection'));
    const doc = policyJson();
    const named = [...doc.Statement[1].Resource, doc.Statement[2].Resource, ...doc.Statement[1].Condition.ArnNotLike['aws:PrincipalArn'], ...doc.Statement[0].Action];
    expect(named.filter((p: string) => !section.includes(`\`${p}\``))).toEqual([]);
    expect(section).toContain(`\`aws:ResourceTag/${GUARDED_KEY_TAG.key}\` = \`${GUARDED_KEY_TAG.value}\``);
  });

  test('options that would not fit are refused, naming them with the size and the fix', () => {
    const many = Array.from({ length: 8 }, (_, i) => `arn:aws:iam::*:role/deployment/${'d'.repeat(100)}/Deployer${i}`);
    const message = errorOf(() => BedrockTamperGuardPolicy.document({ breakGlassRoleArn: LONGEST_BREAK_GLASS_ROLE_ARN, executionRoleArns: many }));
    expect(message.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}- the tamper guard policy would be [\d,]+ characters, over the 5,120-character SCP quota \(each exempt role pattern appears in all 3 statements and once more as a guarded resource\): shorten breakGlassRoleArn \(613 characters\), or name fewer or shorter executionRoleArns \(8, \d+ characters\)$/),
    ]);
    // unresolved values are not measured
    expect(() => BedrockTamperGuardPolicy.document({ executionRoleArns: [...many, Token.asString({ Ref: 'Deployer' })] })).not.toThrow();
  });
});

describe('executionRoleArns', () => {
  test('each pattern follows the break-glass rules; duplicates and patterns exempt already are refused; all at once', () => {
    expect(BedrockTamperGuardPolicy.executionRoleArnsProblems([
      'arn:*:iam::*:role/AWSControlTowerExecution', 'arn:aws:iam::*:role/*', 'AWSControlTowerExecution',
      'arn:*:iam::*:role/AWSControlTowerExecution', 'arn:*:iam::*:role/stacksets-exec-*',
    ], 'executionRoleArns')).toEqual([
      expect.stringMatching(/^executionRoleArns\[1\] "arn:aws:iam::\*:role\/\*" does not name a role \(its name starts with a wildcard\)/),
      expect.stringMatching(/^executionRoleArns\[2\] "AWSControlTowerExecution" is not an IAM role ARN or ARN pattern: for example/),
      'executionRoleArns[3] "arn:*:iam::*:role/AWSControlTowerExecution" is listed twice: list each pattern once',
      'executionRoleArns[4] "arn:*:iam::*:role/stacksets-exec-*" is exempt already (the library\'s roles and stacksets-exec-* always are): drop it',
    ]);
  });

  test('named deployers are exempt in every statement and guarded like the other exempt roles', () => {
    const deployer = 'arn:*:iam::*:role/AWSCloudFormationStackSetExecutionRole';
    const doc = policyJson({ executionRoleArns: [deployer] });
    for (const s of doc.Statement) expect(s.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([...BedrockTamperGuardPolicy.EXEMPT_ROLE_ARN_PATTERNS, deployer]);
    expect(doc.Statement[1].Resource).toContain(deployer);
  });

  test('an unresolved list cannot be written into the policy: an error says to give a list of strings', () => {
    expect(errorOf(() => BedrockTamperGuardPolicy.document({ executionRoleArns: Token.asList({ Ref: 'Deployers' }) })))
      .toMatch(/executionRoleArns is an unresolved list \(a CommaDelimitedList parameter, for example\): give a list of ARN patterns, each of which may be a token/);
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

  test('passes executionRoleArns and stackSetName to the policy', () => {
    const stack = new Stack(new App(), 'Org');
    const options = { executionRoleArns: ['arn:*:iam::*:role/AWSControlTowerExecution'], stackSetName: 'OrgBedrockLogging' };
    const guard = new BedrockTamperGuard(stack, 'Guard', { targetIds: ['r-ab12'], ...options });
    expect(guard.policyJson).toBe(BedrockTamperGuardPolicy.toJson(options));
  });

  test('bad props: every problem at once, naming the prop, the value and the fix', () => {
    const message = errorOf(() => new BedrockTamperGuard(new Stack(new App(), 'Org'), 'Guard', {
      targetIds: ['ou-x', 'o-abc123'], breakGlassRoleArn: 'arn:aws:iam::*:role/*', executionRoleArns: ['AWSControlTowerExecution'], stackSetName: '9lives',
    }));
    expect(message.split('\n').slice(1)).toEqual([
      '  - targetIds value "ou-x" is not an OU id (ou-ab12-cdef3456), a root id (r-ab12) or an account id (123456789012)',
      '  - targetIds value "o-abc123" is not an OU id (ou-ab12-cdef3456), a root id (r-ab12) or an account id (123456789012)',
      expect.stringMatching(/^ {2}- breakGlassRoleArn "arn:aws:iam::\*:role\/\*" does not name a role/),
      expect.stringMatching(/^ {2}- executionRoleArns\[0\] "AWSControlTowerExecution" is not an IAM role ARN or ARN pattern/),
      '  - stackSetName "9lives" is not a valid StackSet name: start with a letter, then up to 127 letters, digits or "-"',
    ]);
    expect(errorOf(() => new BedrockTamperGuard(new Stack(new App(), 'Org'), 'Guard', { targetIds: [] }))).toMatch(/targetIds is empty: give the OUs, root or accounts/);
  });
});

describe('the app with -c rollout=stackset -c tamperGuard=true', () => {
  test('a stack of its own attaches the SCP to the StackSet\'s target OUs; at the longest options it is small enough for cdk deploy without a bootstrap bucket', () => {
    const app = createApp({ context: { ...ROLLOUT, tamperGuard: 'true', breakGlassRoleArn: LONGEST_BREAK_GLASS_ROLE_ARN, executionRoleArns: DEPLOYER_TABLE_ROLE_ARNS.join(','), kms: 'true', cloudWatchLogs: 'true' } });
    const guardStack = Template.fromStack(app.node.findChild(TAMPER_GUARD_STACK_NAME) as Stack);
    const admin = Template.fromStack(app.node.findChild(STACKSET_STACK_NAME) as Stack);
    const json = guardStack.toJSON();
    const [[policyId, policy]] = Object.entries<any>(guardStack.findResources('AWS::Organizations::Policy'));
    const [stackSet] = Object.values<any>(admin.findResources('AWS::CloudFormation::StackSet'));
    expect(policy.Properties.TargetIds).toEqual(stackSet.Properties.StackInstancesGroup[0].DeploymentTargets.OrganizationalUnitIds);
    expect(policy.Properties.Content).toBe(BedrockTamperGuardPolicy.toJson({ breakGlassRoleArn: LONGEST_BREAK_GLASS_ROLE_ARN, executionRoleArns: DEPLOYER_TABLE_ROLE_ARNS }));
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
    ['deployers without the guard', { ...ROLLOUT, executionRoleArns: 'arn:*:iam::*:role/AWSControlTowerExecution', breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' },
      [/context breakGlassRoleArn, executionRoleArns are only read with tamperGuard=true: add -c tamperGuard=true, or drop them/]],
    ['deployers with a bad and an empty item', { ...ROLLOUT, tamperGuard: 'true', executionRoleArns: 'arn:*:iam::*:role/AWSControlTowerExecution,,x' },
      [/context executionRoleArns="arn:\*:iam::\*:role\/AWSControlTowerExecution,,x" has an empty item: separate ARN patterns with single commas/]],
    ['a deployer that exempts every role', { ...ROLLOUT, tamperGuard: 'true', executionRoleArns: 'arn:*:iam::*:role/AWSControlTowerExecution,arn:*:iam::*:role/*' },
      [/context executionRoleArns\[1\] "arn:\*:iam::\*:role\/\*" does not name a role \(its name starts with a wildcard\)/]],
    ['options too long for the quota', { ...ROLLOUT, tamperGuard: 'true', breakGlassRoleArn: LONGEST_BREAK_GLASS_ROLE_ARN,
      executionRoleArns: Array.from({ length: 8 }, (_, i) => `arn:aws:iam::*:role/deployment/${'d'.repeat(100)}/Deployer${i}`).join(',') },
    [/the tamper guard policy would be [\d,]+ characters, over the 5,120-character SCP quota .*: shorten breakGlassRoleArn \(613 characters\), or name fewer or shorter executionRoleArns/]],
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

  test('--execution-role-arns and --stack-set-name reach the policy', () => {
    const r = run(['--execution-role-arns', `${DEPLOYER_TABLE_ROLE_ARNS[0]}, ${DEPLOYER_TABLE_ROLE_ARNS[1]}`, '--stack-set-name=OrgBedrockLogging']);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([BedrockTamperGuardPolicy.toJson({ executionRoleArns: DEPLOYER_TABLE_ROLE_ARNS.slice(0, 2), stackSetName: 'OrgBedrockLogging' })]);
  });

  test('bad arguments: one line each, exit 1, nothing on stdout', () => {
    const usage = 'npm run scp -- [--break-glass-role-arn ARN] [--execution-role-arns ARN[,ARN...]] [--stack-set-name NAME] [--pretty]';
    const r = run(['--break-glass-role-arn', 'arn:aws:iam::*:role/*', '--out', 'x.json', '--execution-role-arns', 'arn:aws:iam::*:role/A,', '--stack-set-name', '9lives',
      '--break-glass-role-arn']);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([
      `Error: 6 problems in the arguments (${usage}):`,
      expect.stringMatching(/^ {2}--break-glass-role-arn "arn:aws:iam::\*:role\/\*" does not name a role/),
      `  unknown argument "--out": ${usage}`,
      `  unknown argument "x.json": ${usage}`,
      '  --execution-role-arns "arn:aws:iam::*:role/A," has an empty item: separate ARN patterns with single commas',
      '  --stack-set-name "9lives" is not a valid StackSet name: start with a letter, then up to 127 letters, digits or "-"',
      '  --break-glass-role-arn needs a role ARN or ARN pattern, for example --break-glass-role-arn arn:aws:iam::*:role/BreakGlass',
    ]);
    const tooLong = run(['--break-glass-role-arn', LONGEST_BREAK_GLASS_ROLE_ARN, '--execution-role-arns',
      Array.from({ length: 8 }, (_, i) => `arn:aws:iam::*:role/deployment/${'d'.repeat(100)}/Deployer${i}`).join(',')]);
    expect(tooLong.code).toBe(1);
    expect(tooLong.err[1]).toMatch(/^ {2}the tamper guard policy would be [\d,]+ characters, over the 5,120-character SCP quota/);
  });

  test('the command as users run it prints JSON that parses to the policy (one real process)', () => {
    const r = spawnSync('npm', ['run', '-s', 'scp', '--', '--break-glass-role-arn', 'arn:aws:iam::*:role/BreakGlass'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr.trim()).toMatch(/^[\d,]+ characters minified, of the 5,120 an SCP may have$/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(policyJson({ breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' }));
  });
});
