import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, BootstraplessSynthesizer, CfnOutput } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { BedrockInvocationLoggingStack } from '../../lib';
import { MAX_KEY_PREFIX_LENGTH } from '../../lib/shared/facts';
import { ErrorCollector, normalizeKeyPrefix } from '../../lib/shared/validation';
import { BedrockInvocationLoggingMemberTemplate } from '../../lib';
import { parseArgs, renderTemplate } from '../../bin/template';
import { idsOfType, instantiate } from './cfn';
import { errorOf } from '../support/util';
import { adminStack, MEMBER_TEMPLATE_BUDGET_BYTES, stackSetProperties } from './helpers';

const { KEY_PREFIX_ALLOWED_PATTERN, NOPS_ROLE_NAME_ALLOWED_PATTERN } = BedrockInvocationLoggingStack;
const { MAX_TEMPLATE_BODY_BYTES } = BedrockInvocationLoggingMemberTemplate;

// One synthesis of each, shared by the tests below.
const BODY: string = stackSetProperties({}, false).TemplateBody;
const MEMBER = JSON.parse(BODY);
const HANDLER_ID = idsOfType(MEMBER, 'AWS::Lambda::Function')[0];
const CONFIG_ID = idsOfType(MEMBER, 'Custom::BedrockModelInvocationLogging')[0];
const NOPS_POLICY_ID = Object.keys(MEMBER.Resources).find((id) => id.startsWith('NopsIntegrationPolicy'))!;

describe('the member template (the StackSet TemplateBody)', () => {
  test('equals the standalone template that npm run template writes', () => {
    // the script's code path, minified and pretty, with cdk-nag on the member app (no finding)
    const minified = renderTemplate(parseArgs(['--minify']));
    expect(minified.text).toBe(BODY);
    expect(minified.findings).toEqual([]);
    expect(JSON.parse(renderTemplate(parseArgs([])).text)).toEqual(MEMBER);
    // and the same stack synthesized by hand in an app of its own
    const app = new App();
    const stack = new BedrockInvocationLoggingStack(app, 'BedrockInvocationLogging', {
      synthesizer: new BootstraplessSynthesizer(),
      templateParameters: true,
      skipUnsupportedRegions: true,
    });
    expect(Template.fromStack(stack).toJSON()).toEqual(MEMBER);
  });

  test('npm run template writes it byte for byte (the real command)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-test-'));
    try {
      const out = path.join(dir, 'member.json');
      execFileSync('npm', ['run', '--silent', 'template', '--', '--out', out, '--minify'], { cwd: path.join(__dirname, '..', '..'), stdio: 'pipe' });
      expect(fs.readFileSync(out, 'utf8')).toBe(BODY);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('does not depend on the context of the app or process it is synthesized from', () => {
    // GIVEN the context the CDK CLI passes (path metadata, version reporting, a feature flag, -c values)
    const saved = process.env.CDK_CONTEXT_JSON;
    process.env.CDK_CONTEXT_JSON = JSON.stringify({
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:version-reporting': true,
      '@aws-cdk/aws-iam:minimizePolicies': true,
      'rollout': 'stackset',
    });
    try {
      // THEN no CDKMetadata (its condition lists Regions), no aws:cdk:path, same bytes
      expect(new BedrockInvocationLoggingMemberTemplate().toJson()).toBe(BODY);
    } finally {
      if (saved === undefined) delete process.env.CDK_CONTEXT_JSON;
      else process.env.CDK_CONTEXT_JSON = saved;
    }
  });

  test('leaves no temporary directory behind, synthesized or not', () => {
    const template = new BedrockInvocationLoggingMemberTemplate();
    expect(fs.existsSync(template.app.outdir)).toBe(false);
    template.toJson();
    expect(fs.existsSync(template.app.outdir)).toBe(false);
  });

  test('has no asset, no cdk-bootstrap parameter or rule, no CDK metadata', () => {
    expect(Object.keys(MEMBER).sort()).toEqual(['Conditions', 'Description', 'Outputs', 'Parameters', 'Resources', 'Rules']);
    expect(Object.keys(MEMBER.Parameters)).toEqual(['KeyPrefix', 'NopsRoleName', 'CloudWatchLogs', 'NopsGrantRegion', 'ArchiveBucketName', 'ArchiveAccountId', 'ArchiveKmsKeyArn',
      'PermissionsBoundaryArn']);
    // the one rule checks the archive parameters, nothing of the bootstrap
    expect(Object.keys(MEMBER.Rules)).toEqual(['ArchiveParameters']);
    expect(BODY).not.toMatch(/BootstrapVersion|cdk-bootstrap|hnb659fds|AssetParameters|aws:asset:|aws:cdk:path|CDKMetadata/);
    for (const [id, r] of Object.entries<any>(MEMBER.Resources)) {
      expect([id, Object.keys(r.Metadata ?? {}).filter((k) => k.startsWith('aws:'))]).toEqual([id, []]);
    }
    // the handler is inline code, not an S3 object
    expect(Object.keys(MEMBER.Resources[HANDLER_ID].Properties.Code)).toEqual(['ZipFile']);
    expect(BODY).not.toMatch(/"S3Bucket"|"S3Key"|"TemplateURL"/);
  });

  test('has no literal account id or Region', () => {
    expect(BODY).not.toMatch(/(?<![0-9])[0-9]{12}(?![0-9])/);
    expect(BODY).not.toMatch(/\b(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]*)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[0-9]\b/);
    expect(BODY).toMatch(/"Ref":"AWS::AccountId"/);
    expect(BODY).toMatch(/"Ref":"AWS::Region"/);
  });

  test(`stays within its byte budget (${MEMBER_TEMPLATE_BUDGET_BYTES} bytes minified, CloudFormation allows ${MAX_TEMPLATE_BODY_BYTES})`, () => {
    const minified = Buffer.byteLength(BODY, 'utf8');
    expect(minified).toBeLessThanOrEqual(MEMBER_TEMPLATE_BUDGET_BYTES);
    // the largest option set stays within the budget too
    const kms = Buffer.byteLength(new BedrockInvocationLoggingMemberTemplate({ createEncryptionKey: true }).toJson(), 'utf8');
    expect(kms).toBeLessThanOrEqual(MEMBER_TEMPLATE_BUDGET_BYTES);
  });

  test('over 51,200 bytes, synth fails with a clear message', () => {
    // GIVEN something large added to the member stack
    const { stack, stackSet } = adminStack();
    new CfnOutput(stackSet.memberTemplate.stack, 'Large', { value: 'x'.repeat(900) });
    for (let i = 0; i < 25; i++) new CfnOutput(stackSet.memberTemplate.stack, `Large${i}`, { value: 'x'.repeat(900) });
    // THEN
    expect(errorOf(() => Template.fromStack(stack))).toMatch(
      /The member template of BedrockInvocationLogging is \d{5} bytes minified, over CloudFormation's 51200-byte limit for an inline TemplateBody: .*TemplateURL/);
  });

  test('IAM names are Region-unique: CloudFormation generates every role and policy name from the stack instance', () => {
    for (const [id, r] of Object.entries<any>(MEMBER.Resources)) {
      if (!r.Type.startsWith('AWS::IAM::')) continue;
      expect([id, r.Properties.RoleName, r.Properties.ManagedPolicyName, r.Properties.PolicyName]).toEqual([id, undefined, undefined, undefined]);
    }
    // the managed policy on the shared nOps role is one of them
    expect(MEMBER.Resources[NOPS_POLICY_ID].Type).toBe('AWS::IAM::ManagedPolicy');
  });

  test('skipUnsupportedRegions is on, and a stack output says so', () => {
    expect(MEMBER.Resources[CONFIG_ID].Properties.SkipUnsupportedRegions).toBe(true);
    expect(MEMBER.Outputs.SkipUnsupportedRegions.Value).toMatch(/^true: in a Region where Amazon Bedrock is not available this stack succeeds without configuring anything/);
    // and it can be turned off (the Region then fails with a message naming it)
    const strict = JSON.parse(new BedrockInvocationLoggingMemberTemplate({ skipUnsupportedRegions: false }).toJson());
    expect(strict.Resources[CONFIG_ID].Properties.SkipUnsupportedRegions).toBe(false);
    expect(strict.Outputs.SkipUnsupportedRegions).toBeUndefined();
  });
});

describe('per-account parameters', () => {
  test('NopsRoleName empty (the default): the grant policy is not created and nothing refers to it', () => {
    expect(MEMBER.Conditions.HasNopsRole).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'NopsRoleName' }, ''] }] });
    expect(MEMBER.Resources[NOPS_POLICY_ID].Condition).toBe('GrantsNops');
    expect(MEMBER.Conditions.GrantsNops).toEqual({ 'Fn::And': [{ Condition: 'HasNopsRole' }, { 'Fn::Or': [
      { 'Fn::Equals': [{ Ref: 'NopsGrantRegion' }, ''] }, { 'Fn::Equals': [{ Ref: 'NopsGrantRegion' }, { Ref: 'AWS::Region' }] }] }] });
    expect(MEMBER.Resources[NOPS_POLICY_ID].Properties.Roles).toEqual([{ Ref: 'NopsRoleName' }]);
    const instance = instantiate(MEMBER);
    expect(instance.conditions.HasNopsRole).toBe(false);
    expect(instance.resources[NOPS_POLICY_ID]).toBeUndefined();
    expect(instance.dangling).toEqual([]);
    expect(instance.outputs.NopsGrant.Value).toBe('none: NopsRoleName is empty');
  });

  test('NopsRoleName set: the policy is attached to that role', () => {
    const instance = instantiate(MEMBER, { NopsRoleName: 'Nops-Integration-abc123' });
    expect(instance.resources[NOPS_POLICY_ID].Properties.Roles).toEqual([{ Ref: 'NopsRoleName' }]);
    expect(instance.resources[NOPS_POLICY_ID].Properties.PolicyDocument.Statement.map((s: any) => s.Sid)).toEqual(['ListInvocationLogPrefix', 'ReadInvocationLogs']);
    expect(instance.dangling).toEqual([]);
  });

  test('CloudWatchLogs false (the default): no log group, role or policies, and no reference to them', () => {
    const instance = instantiate(MEMBER);
    const types = Object.values<any>(instance.resources).map((r) => r.Type);
    expect(types.filter((t) => t === 'AWS::Logs::LogGroup')).toHaveLength(1); // the handler's own
    expect(Object.keys(instance.resources).filter((id) => id.includes('CloudWatch') && !id.includes('CloudWatchReady'))).toEqual([]);
    expect(instance.resources[CONFIG_ID].Properties.LogGroupName).toBeUndefined();
    expect(instance.resources[CONFIG_ID].Properties.RoleArn).toBeUndefined();
    expect(instance.outputs.LogGroupName).toBeUndefined();
    expect(instance.dangling).toEqual([]);
  });

  test('CloudWatchLogs true: the destination exists and the configuration waits for it', () => {
    const instance = instantiate(MEMBER, { CloudWatchLogs: 'true' });
    const cw = Object.keys(instance.resources).filter((id) => id.startsWith('InvocationLoggingCloudWatch') && !id.includes('Ready'));
    expect(cw.map((id) => instance.resources[id].Type).sort()).toEqual(['AWS::IAM::ManagedPolicy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role', 'AWS::Logs::LogGroup']);
    const config = instance.resources[CONFIG_ID];
    const logGroupId = cw.find((id) => instance.resources[id].Type === 'AWS::Logs::LogGroup')!;
    const roleId = cw.find((id) => instance.resources[id].Type === 'AWS::IAM::Role')!;
    expect(config.Properties.LogGroupName).toEqual({ Ref: logGroupId });
    expect(config.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    // DependsOn may not name a conditional resource; the gate's metadata carries those dependencies
    const gateId = config.DependsOn.find((d: string) => instance.resources[d].Type === 'AWS::CloudFormation::WaitConditionHandle');
    expect(instance.resources[gateId].Metadata.WaitFor.map((r: any) => r.Ref).sort()).toEqual(cw.sort());
    for (const id of Object.keys(MEMBER.Resources)) {
      if (MEMBER.Resources[id].Condition) expect(MEMBER.Resources[CONFIG_ID].DependsOn).not.toContain(id);
    }
    // the handler may pass the role to Bedrock, and only that role
    const passRole = cw.map((id) => instance.resources[id]).find((r) => r.Properties.Roles?.[0]?.Ref?.includes('HandlerRole'));
    expect(passRole.Properties.PolicyDocument.Statement).toEqual([{
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Sid: 'PassRoleToBedrock',
    }]);
    expect(instance.outputs.LogGroupName.Value).toEqual({ Ref: logGroupId });
    expect(instance.dangling).toEqual([]);
  });

  test('every combination of parameters gives a valid template', () => {
    for (const NopsRoleName of ['', 'NopsIntegrationRole-x']) {
      for (const CloudWatchLogs of ['true', 'false']) {
        expect(instantiate(MEMBER, { NopsRoleName, CloudWatchLogs, KeyPrefix: 'a/b' }).dangling).toEqual([]);
      }
    }
  });

  test('KeyPrefix is used wherever the prefix is', () => {
    const instance = instantiate(MEMBER, { KeyPrefix: 'finops/bedrock', NopsRoleName: 'x' });
    expect(instance.resources[CONFIG_ID].Properties.KeyPrefix).toEqual({ Ref: 'KeyPrefix' });
    expect(JSON.stringify(instance.outputs.S3DataPrefix.Value)).toContain('{"Ref":"KeyPrefix"},"/"');
    expect(JSON.stringify(instance.resources[NOPS_POLICY_ID])).toContain('{"Ref":"KeyPrefix"},"/*"');
  });

  test('the KeyPrefix AllowedPattern accepts exactly what keyPrefix accepts at synth, minus a trailing "/"', () => {
    // A parameter is a token at synth, so validateKeyPrefix skips it; the pattern takes over.
    const p = MEMBER.Parameters.KeyPrefix;
    expect(p).toMatchObject({ Type: 'String', Default: 'bedrock', MinLength: 1, MaxLength: MAX_KEY_PREFIX_LENGTH, AllowedPattern: KEY_PREFIX_ALLOWED_PATTERN });
    expect(p.ConstraintDescription).toMatch(/letters, digits and ! _ \. ' \( \) - \//);
    const pattern = new RegExp(KEY_PREFIX_ALLOWED_PATTERN);
    const accepts = (v: string) => pattern.test(v) && v.length >= p.MinLength && v.length <= p.MaxLength;
    const synthAccepts = (v: string) => {
      const errors = new ErrorCollector('x');
      const normalized = normalizeKeyPrefix(v, 'keyPrefix', errors);
      try {
        errors.throwIfAny();
      } catch {
        return false;
      }
      return normalized === v; // the parameter is not normalised: "a/" is refused rather than rewritten
    };
    for (const v of ['bedrock', 'a/b.c/d', '...', '.a', 'a.', "x!_.'()-y", 'a'.repeat(900)]) expect([v, accepts(v)]).toEqual([v, true]);
    for (const v of ['', '/a', 'a/', 'a//b', '.', '..', 'a/./b', 'a/../b', 's3://b/p', 'a*', 'a?', 'a b', 'a%20', 'a:b', 'a'.repeat(901)]) {
      expect([v, accepts(v)]).toEqual([v, false]);
    }
    const alphabet = fc.constantFrom(...'aZ09!_.\'()-/ *?%:&$\\é'.split(''));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 12 }).map((cs) => cs.join('')), (v) => {
      expect([v, accepts(v)]).toEqual([v, synthAccepts(v)]);
    }), { numRuns: 3000 });
  });

  test('the NopsRoleName AllowedPattern accepts empty or a role name, not an ARN', () => {
    const p = MEMBER.Parameters.NopsRoleName;
    expect(p).toMatchObject({ Type: 'String', Default: '', MaxLength: 64, AllowedPattern: NOPS_ROLE_NAME_ALLOWED_PATTERN });
    const pattern = new RegExp(NOPS_ROLE_NAME_ALLOWED_PATTERN);
    for (const v of ['', 'Nops-Integration-abc123', 'NopsIntegrationRole-x', 'a+=,.@_-b']) expect([v, pattern.test(v)]).toEqual([v, true]);
    for (const v of ['arn:aws:iam::123456789012:role/Nops-Integration-x', 'a/b', 'a b', 'x'.repeat(65)]) expect([v, pattern.test(v)]).toEqual([v, false]);
  });

  test('PermissionsBoundaryArn empty (the default): no role has a boundary; set: every role of every combination has it', () => {
    const rolesOf = (instance: ReturnType<typeof instantiate>) => Object.values<any>(instance.resources).filter((r) => r.Type === 'AWS::IAM::Role');
    const withoutBoundary = rolesOf(instantiate(MEMBER, { CloudWatchLogs: 'true', ArchiveBucketName: 'archive-bucket', ArchiveAccountId: '222233334444' }));
    expect(withoutBoundary).toHaveLength(3);
    expect(withoutBoundary.filter((r) => 'PermissionsBoundary' in r.Properties)).toEqual([]);
    const boundary = 'arn:aws:iam::111122223333:policy/org/RoleBoundary';
    for (const CloudWatchLogs of ['true', 'false']) {
      for (const ArchiveBucketName of ['', 'archive-bucket']) {
        const instance = instantiate(MEMBER, { PermissionsBoundaryArn: boundary, CloudWatchLogs, ArchiveBucketName, ArchiveAccountId: ArchiveBucketName && '222233334444' });
        expect(instance.dangling).toEqual([]);
        expect(rolesOf(instance).map((r) => r.Properties.PermissionsBoundary)).toEqual(rolesOf(instance).map(() => ({ Ref: 'PermissionsBoundaryArn' })));
      }
    }
  });

  test('the PermissionsBoundaryArn AllowedPattern accepts empty or a managed policy ARN (customer or AWS managed)', () => {
    const p = MEMBER.Parameters.PermissionsBoundaryArn;
    expect(p).toMatchObject({ Type: 'String', Default: '' });
    const pattern = new RegExp(p.AllowedPattern);
    for (const v of ['', 'arn:aws:iam::123456789012:policy/Boundary', 'arn:aws-us-gov:iam::123456789012:policy/org/sec/Boundary', 'arn:aws:iam::aws:policy/PowerUserAccess']) {
      expect([v, pattern.test(v)]).toEqual([v, true]);
    }
    for (const v of ['Boundary', 'arn:aws:iam::123456789012:role/Boundary', 'arn:aws:iam::1234:policy/B', 'arn:aws:iam::123456789012:policy/', 'x arn:aws:iam::aws:policy/A']) {
      expect([v, pattern.test(v)]).toEqual([v, false]);
    }
  });

  test('CloudWatchLogs takes only true or false', () => {
    expect(MEMBER.Parameters.CloudWatchLogs).toMatchObject({ Type: 'String', Default: 'false', AllowedValues: ['true', 'false'] });
  });
});

describe('BedrockInvocationLoggingStack with templateParameters', () => {
  test('props become the parameter defaults', () => {
    const app = new App();
    const stack = new BedrockInvocationLoggingStack(app, 'S', {
      synthesizer: new BootstraplessSynthesizer(),
      templateParameters: true,
      keyPrefix: 'finops/bedrock/',
      nopsRoleName: 'Nops-Integration-x',
      cloudWatchLogs: true,
    });
    const params = Template.fromStack(stack).toJSON().Parameters;
    expect([params.KeyPrefix.Default, params.NopsRoleName.Default, params.CloudWatchLogs.Default]).toEqual(['finops/bedrock', 'Nops-Integration-x', 'true']);
  });

  test('options that cannot be parameters are refused with the fix', () => {
    const message = errorOf(() => new BedrockInvocationLoggingStack(new App(), 'S', {
      templateParameters: true,
      nopsLegacyCloudWatchLogsRead: true,
      nopsRole: { roleName: 'x' } as any,
      keyPrefix: 'a//b',
    }));
    expect(message).toMatch(/^Invalid S props \(templateParameters: true\):/);
    expect(message).toMatch(/nopsRole cannot be a template parameter: give nopsRoleName/);
    expect(message).toMatch(/nopsLegacyCloudWatchLogsRead is not offered with templateParameters/);
    expect(message).toMatch(/keyPrefix "a\/\/b" has an empty/);
  });

});
