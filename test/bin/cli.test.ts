import { createApp, STACK_NAME } from '../../bin/create-app';
import { readSection } from '../../scripts/doc-section';
import { BAD_INPUT_CONTEXT, badInputSection, CLI_CONTEXT, cliYaml } from '../../scripts/docs-samples';
import { ARCHIVE_ACCOUNT, ARCHIVE_BUCKET, ARCHIVE_KEY_ARN } from '../archive/helpers';
import { cdk, CliResult, tsApp } from './cli';

/** What the CLI tests read from the output: no stack trace, no code frame, no TypeScript error. */
function expectNoStackTrace(output: string): void {
  expect(output).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(output).not.toMatch(/^\s*\^+\s*$/m);
  expect(output).not.toMatch(/TSError|Unable to compile TypeScript|node:internal/);
}

const NONCOMPLIANT = tsApp('test/bin/fixtures/noncompliant-app.ts');
const ROLLOUT = ['-c', 'rollout=stackset', '-c', 'targetOuIds=ou-ab12-cdef3456', '-c', 'targetRegions=us-east-1,eu-west-1'];
// Every option of the member stack, with an archive and analytics (its exports): its largest template,
// and the analytics stack beside it under the same gate.
const EVERY_OPTION = {
  keyPrefix: 'finops/bedrock', nopsRoleName: 'Nops-Integration-abc123', cloudWatchLogs: 'true', kms: 'true', textDataDeliveryEnabled: 'false',
  archiveBucket: ARCHIVE_BUCKET, archiveAccount: ARCHIVE_ACCOUNT, archiveKmsKeyArn: ARCHIVE_KEY_ARN,
  analytics: 'true', analyticsRequestMetadataKeys: 'team,cost-center', permissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/org/RoleBoundary',
};
const S1 = /^\[AwsSolutions\] AwsSolutions-S1 at BedrockInvocationLogging\/Noncompliant\/Resource: The S3 Bucket has server access logs disabled\.$/m;

// The real `cdk` CLI (2.1148) through cdk.json: what `npx cdk synth` / `cdk deploy` users see. The
// commands start side by side when the file loads; each test awaits its own.
const runs: Record<string, Promise<CliResult>> = {
  // JSII_DEPRECATED=fail: a deprecated aws-cdk-lib call anywhere in the app fails the synth
  clean: cdk(['synth', STACK_NAME, ...Object.entries(EVERY_OPTION).flatMap(([k, v]) => ['-c', `${k}=${v}`])], { env: { JSII_DEPRECATED: 'fail' } }),
  synth: cdk(['synth', '-q'], { app: NONCOMPLIANT }),
  // the finding only in the StackSet member template: the gate covers what the StackSet deploys
  deploy: cdk(['deploy', '--all', '--require-approval', 'never', ...ROLLOUT], { app: NONCOMPLIANT, env: { INJECT: 'member' } }),
  diff: cdk(['diff'], { app: NONCOMPLIANT }),
  // the command docs/app.md shows
  badInput: cdk(['synth', '-q', ...BAD_INPUT_CONTEXT]),
};

describe('cdk CLI: the compliance gate', () => {
  test('cdk.json\'s app with every option, an archive, analytics and a permissions boundary, under JSII_DEPRECATED=fail: exit 0, no finding in either stack, and the member stack stays under the 51,200 bytes cdk deploy sends inline (the YAML cdk synth prints)', async () => {
    const r = await runs.clean;
    expect(r.stderr).not.toMatch(/AwsSolutions|HIPAA|NIST|PCI|Error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ReplicationConfiguration:/);
    expect(r.stdout).toMatch(/Export:/);
    expect(r.stdout).toMatch(/SSEAlgorithm: aws:kms/);
    expect(r.stdout).not.toMatch(/CDKMetadata/);
    // the handler, CloudWatch and replication roles
    expect(r.stdout.match(/^ {6}PermissionsBoundary: arn:aws:iam::111122223333:policy\/org\/RoleBoundary$/gm)).toHaveLength(3);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(51_200);
    // what npm run docs:samples measures in process (docs/development.md, template sizes) is what the CLI prints
    const template = createApp({ context: { ...CLI_CONTEXT, ...EVERY_OPTION } }).synth().getStackByName(STACK_NAME).template;
    expect(r.stdout).toBe(`${cliYaml(template)}\n`);
  });

  test('cdk synth exits 1 and prints each finding on one line when a resource is noncompliant', async () => {
    const r = await runs.synth;
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(S1);
    expect(r.stderr).toMatch(/^\[HIPAA\.Security\] HIPAA\.Security-S3BucketLoggingEnabled at BedrockInvocationLogging\/Noncompliant\/Resource: /m);
    expect(r.stderr).toMatch(/^Error: \d+ unacknowledged cdk-nag findings /m);
    expectNoStackTrace(r.stderr);
  });

  test('cdk deploy (rollout=stackset) stops at synth on a finding in the StackSet member template alone, before any AWS call', async () => {
    const r = await runs.deploy;
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^\[AwsSolutions\] AwsSolutions-S1 at BedrockInvocationLogging\/Noncompliant\/Resource \(StackSet member template\): /m);
    expect(r.stderr).not.toMatch(S1);
    expect(r.stderr).not.toMatch(/credentials|deploying|✅/i);
  });

  test('cdk diff stops on a finding', async () => {
    const r = await runs.diff;
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(S1);
  });
});

describe('cdk CLI: bad input', () => {
  test('every problem of context and props in one run, one line each, exit 1, no stack trace', async () => {
    // GIVEN a bad boolean, a bad prefix (checked by the construct), a bad OU, with rollout, and a role ARN as the permissions boundary
    const r = await runs.badInput;
    // THEN
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: 4 problems in the context \(cdk -c KEY=VALUE\):$/m);
    expect(r.stderr).toMatch(/^ {2}context permissionsBoundaryArn="arn:aws:iam::111122223333:role\/RoleBoundary" is not a managed policy ARN: use -c permissionsBoundaryArn=arn:aws:iam::123456789012:policy\/NAME$/m);
    expect(r.stderr).toMatch(/^ {2}context kms="TRUE" is not a boolean: use -c kms=true or -c kms=false$/m);
    expect(r.stderr).toMatch(/^ {2}keyPrefix "a b" contains " ": use only letters, digits and .*$/m);
    expect(r.stderr).toMatch(/^ {2}context targetOuIds item "ou-x" is not valid: expected a value like ou-ab12-cdef3456 .*$/m);
    expectNoStackTrace(r.stderr);
  });

  test('docs/app.md shows the command\'s output as the CLI prints it (else: npm run docs:samples)', async () => {
    const r = await runs.badInput;
    expect(readSection('docs/app.md', 'sample:bad-input')).toBe(badInputSection(r.stderr, r.status));
  });
});
