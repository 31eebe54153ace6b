import { cdk, CliResult, tsApp } from './cli';

/** What the CLI tests read from the output: no stack trace, no ts-node code frame. */
function expectNoStackTrace(output: string): void {
  expect(output).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(output).not.toMatch(/^\s*\^+\s*$/m);
  expect(output).not.toMatch(/TSError|node:internal/);
}

const NONCOMPLIANT = tsApp('test/fixtures/noncompliant-app.ts');
const ROLLOUT = ['-c', 'rollout=stackset', '-c', 'targetOuIds=ou-ab12-cdef3456', '-c', 'targetRegions=us-east-1,eu-west-1'];
const S1 = /^\[AwsSolutions\] AwsSolutions-S1 at BedrockInvocationLogging\/Noncompliant\/Resource: The S3 Bucket has server access logs disabled\.$/m;

// The real `cdk` CLI (2.1148) through cdk.json: what `npx cdk synth` / `cdk deploy` users see. The
// commands start side by side when the file loads; each test awaits its own.
const runs: Record<string, Promise<CliResult>> = {
  clean: cdk(['synth', '-q']),
  synth: cdk(['synth', '-q'], { app: NONCOMPLIANT }),
  deploy: cdk(['deploy', '--require-approval', 'never'], { app: NONCOMPLIANT }),
  diff: cdk(['diff'], { app: NONCOMPLIANT }),
  member: cdk(['synth', '-q', ...ROLLOUT], { app: NONCOMPLIANT, env: { INJECT: 'member' } }),
  badInput: cdk(['synth', '-q', '-c', 'kms=TRUE', '-c', 'keyPrefix=a b', '-c', 'rollout=stackset', '-c', 'targetOuIds=ou-x', '-c', 'targetRegions=us-east-1']),
};

describe('cdk CLI: the compliance gate', () => {
  test('the app as shipped synthesizes with exit 0 and prints no finding', async () => {
    const r = await runs.clean;
    expect(r.stderr).not.toMatch(/AwsSolutions|HIPAA|NIST|PCI|Error/);
    expect(r.status).toBe(0);
  });

  test('cdk synth exits 1 and prints each finding on one line when a resource is noncompliant', async () => {
    const r = await runs.synth;
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(S1);
    expect(r.stderr).toMatch(/^\[HIPAA\.Security\] HIPAA\.Security-S3BucketLoggingEnabled at BedrockInvocationLogging\/Noncompliant\/Resource: /m);
    expect(r.stderr).toMatch(/^Error: \d+ unacknowledged cdk-nag findings /m);
    expectNoStackTrace(r.stderr);
  });

  test('cdk deploy stops at synth on a finding, before any AWS call', async () => {
    const r = await runs.deploy;
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(S1);
    expect(r.stderr).not.toMatch(/credentials|deploying|✅/i);
  });

  test('cdk diff stops on a finding', async () => {
    const r = await runs.diff;
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(S1);
  });

  test('with rollout=stackset, a finding in the StackSet member template fails synth', async () => {
    const r = await runs.member;
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^\[AwsSolutions\] AwsSolutions-S1 at BedrockInvocationLogging\/Noncompliant\/Resource \(StackSet member template\): /m);
  });
});

describe('cdk CLI: bad input', () => {
  test('every problem of context and props in one run, one line each, exit 1, no stack trace', async () => {
    // GIVEN a bad boolean, a bad prefix (checked by the construct) and a bad OU, with rollout
    const r = await runs.badInput;
    // THEN
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: 3 problems in the context \(cdk -c KEY=VALUE\):$/m);
    expect(r.stderr).toMatch(/^ {2}context kms="TRUE" is not a boolean: use -c kms=true or -c kms=false$/m);
    expect(r.stderr).toMatch(/^ {2}keyPrefix "a b" contains " ": use only letters, digits and .*$/m);
    expect(r.stderr).toMatch(/^ {2}context targetOuIds item "ou-x" is not valid: expected a value like ou-ab12-cdef3456 .*$/m);
    expectNoStackTrace(r.stderr);
  });
});
