import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createApp, CONTEXT_KEYS, STACK_NAME, STACKSET_STACK_NAME } from '../../../bin/create-app';
import { runApp } from '../../../bin/main';
import { BedrockInvocationLoggingStackSet } from '../../../lib';
import { errorOf } from '../../support/util';

const ROLLOUT = { rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456, ou-ab12-ghij7890', targetRegions: 'us-east-1,eu-west-1' };

function stackSetOf(app: App): BedrockInvocationLoggingStackSet {
  return app.node.findAll().find((c): c is BedrockInvocationLoggingStackSet => c instanceof BedrockInvocationLoggingStackSet)!;
}

/** Runs the app as bin/app.ts does; returns the exit code and what it printed. */
function run(build: () => App): { printed: string[]; exitCode: number } {
  const printed: string[] = [];
  const exitCode = runApp(build, (line) => printed.push(line));
  return { printed, exitCode };
}

describe('the app with -c rollout=stackset', () => {
  test('synthesizes BedrockInvocationLoggingStackSet beside the member-account stack, both clean under cdk-nag', () => {
    // GIVEN
    const app = createApp({ context: { ...ROLLOUT, keyPrefix: 'finops/bedrock', nopsRoleName: 'arn:aws:iam::123456789012:role/Nops-Integration-abc123', cloudWatchLogs: 'true', kms: 'true', callAs: 'DELEGATED_ADMIN' } });
    expect(app.node.children.filter((c) => c instanceof Stack).map((c) => c.node.id)).toEqual([STACK_NAME, STACKSET_STACK_NAME]);
    // WHEN
    const { printed, exitCode } = run(() => app);
    // THEN cdk-nag ran on the app (both stacks) and on the member template's own app, and found nothing
    expect(printed).toEqual([]);
    expect(exitCode).toBe(0);
    const admin = Template.fromStack(app.node.findChild(STACKSET_STACK_NAME) as Stack);
    admin.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'BedrockInvocationLogging',
      CallAs: 'DELEGATED_ADMIN',
      PermissionModel: 'SERVICE_MANAGED',
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456', 'ou-ab12-ghij7890'] }, Regions: ['us-east-1', 'eu-west-1'] }],
      // per-account values from context; the ARN's role name, since policies attach by name
      Parameters: [
        { ParameterKey: 'KeyPrefix', ParameterValue: 'finops/bedrock' },
        { ParameterKey: 'NopsRoleName', ParameterValue: 'Nops-Integration-abc123' },
        { ParameterKey: 'CloudWatchLogs', ParameterValue: 'true' },
        { ParameterKey: 'NopsGrantRegion', ParameterValue: 'us-east-1' },
        { ParameterKey: 'ArchiveBucketName', ParameterValue: '' },
        { ParameterKey: 'ArchiveAccountId', ParameterValue: '' },
        { ParameterKey: 'ArchiveKmsKeyArn', ParameterValue: '' },
        { ParameterKey: 'PermissionsBoundaryArn', ParameterValue: '' },
      ],
    });
    // synth-time choice (kms) is in the body
    const body = JSON.parse(Object.values<any>(admin.findResources('AWS::CloudFormation::StackSet'))[0].Properties.TemplateBody);
    expect(Object.values<any>(body.Resources).filter((r) => r.Type === 'AWS::KMS::Key')).toHaveLength(1);
    // no bootstrap needed in the administrator account either
    const json = admin.toJSON();
    expect(json.Parameters).toBeUndefined();
    expect(json.Rules).toBeUndefined();
    expect(Object.keys(json.Outputs).sort()).toEqual(['ManagementAccount', 'StackSetId', 'UnsupportedRegions']);
    expect(json.Outputs.UnsupportedRegions.Value).toMatch(/skipUnsupportedRegions/);
    expect(json.Outputs.ManagementAccount.Value).toMatch(/cdk deploy BedrockInvocationLogging/);
  });

  test('cdk-nag checks the member template: a finding there fails synth', () => {
    // GIVEN a bucket without access logging added to the member stack
    const app = createApp({ context: ROLLOUT });
    new s3.Bucket(stackSetOf(app).memberTemplate.stack, 'Unlogged');
    // WHEN / THEN
    const { printed, exitCode } = run(() => app);
    expect(exitCode).toBe(1);
    expect(printed).toContain('[AwsSolutions] AwsSolutions-S1 at BedrockInvocationLogging/Unlogged/Resource (StackSet member template): The S3 Bucket has server access logs disabled.');
  });

  test('the administrator stack needs no acknowledgement', () => {
    const app = createApp({ context: ROLLOUT });
    const admin = app.node.findChild(STACKSET_STACK_NAME);
    expect(admin.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))).toEqual([]);
  });

  test('the context keys include the rollout keys', () => {
    expect(CONTEXT_KEYS).toEqual(expect.arrayContaining(['rollout', 'targetOuIds', 'targetRegions', 'callAs']));
  });
});

describe('bad rollout context fails with the key, the value and the fix', () => {
  test.each<[string, Record<string, unknown>, RegExp[]]>([
    ['an unknown rollout', { rollout: 'stacksets' },
      [/context rollout="stacksets" is not a rollout this app knows: use -c rollout=stackset for an organization-wide StackSet, -c rollout=archive for the organization's log archive, or leave rollout out/]],
    ['missing targets', { rollout: 'stackset' }, [
      /context targetOuIds is missing: rollout=stackset needs the OUs to deploy to, for example -c targetOuIds=ou-ab12-cdef3456,ou-ab12-ghij7890 \(or the root id, -c targetOuIds=r-ab12\)/,
      /context targetRegions is missing: rollout=stackset needs the Regions to deploy to, for example -c targetRegions=us-east-1,eu-west-1/]],
    ['an account id as OU', { ...ROLLOUT, targetOuIds: '123456789012' },
      [/context targetOuIds item "123456789012" is not valid: expected a value like ou-ab12-cdef3456 \(full example: -c targetOuIds=ou-ab12-cdef3456,ou-ab12-ghij7890\)/]],
    ['a Region typo', { ...ROLLOUT, targetRegions: 'us-east-1,euwest1' },
      [/context targetRegions item "euwest1" is not valid: expected a value like us-east-1/]],
    ['an empty item', { ...ROLLOUT, targetRegions: 'us-east-1,,eu-west-1' },
      [/context targetRegions="us-east-1,,eu-west-1" has an empty item: separate values with single commas/]],
    ['an empty list', { ...ROLLOUT, targetOuIds: '' }, [/context targetOuIds="" is empty: use -c targetOuIds=ou-ab12-cdef3456,ou-ab12-ghij7890/]],
    ['a duplicate', { ...ROLLOUT, targetRegions: 'us-east-1,us-east-1' }, [/context targetRegions lists "us-east-1" twice/]],
    ['a list given as JSON', { ...ROLLOUT, targetRegions: ['us-east-1'] }, [/context targetRegions=\["us-east-1"\] is not a string: use -c targetRegions=VALUE/]],
    ['a bad callAs', { ...ROLLOUT, callAs: 'ADMIN' }, [/context callAs="ADMIN" is not valid: use -c callAs=SELF \(management account\) or -c callAs=DELEGATED_ADMIN \(delegated administrator\)/]],
    ['targets without rollout', { targetOuIds: 'ou-ab12-cdef3456', callAs: 'SELF' },
      [/context targetOuIds, callAs are only read with rollout=stackset: add -c rollout=stackset, or drop them/]],
    ['a typo in a key', { ...ROLLOUT, targetOUIds: 'ou-ab12-cdef3456' }, [/unknown context key "targetOUIds": the app reads .*targetOuIds/]],
    ['a bad key prefix for the StackSet', { ...ROLLOUT, keyPrefix: 'a/../b' }, [/keyPrefix "a\/..\/b" has an empty, "." or ".." path segment/]],
  ])('%s', (_name, context, expected) => {
    const message = errorOf(() => createApp({ context }));
    expect(message).toMatch(/^Invalid /);
    for (const e of expected) expect(message).toMatch(e);
  });
});
