import { cdk, tsApp } from './cli';

/** What the CLI tests read from the output: no stack trace, no ts-node code frame. */
function expectNoStackTrace(output: string): void {
  expect(output).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(output).not.toMatch(/^\s*\^+\s*$/m);
  expect(output).not.toMatch(/TSError|node:internal/);
}

const NONCOMPLIANT = tsApp('test/fixtures/noncompliant-app.ts');
const ROLLOUT = ['-c', 'rollout=stackset', '-c', 'targetOuIds=ou-ab12-cdef3456', '-c', 'targetRegions=us-east-1,eu-west-1'];
const S1 = /^\[AwsSolutions\] AwsSolutions-S1 at BedrockInvocationLogging\/Noncompliant\/Resource: The S3 Bucket has server access logs disabled\.$/m;

// The real `cdk` CLI (2.1148) through cdk.json: what `npx cdk synth` / `cdk deploy` users see.
describe('cdk CLI: the compliance gate', () => {
  test('the app as shipped synthesizes with exit 0 and prints no finding', () => {
    const r = cdk(['synth', '-q']);
    expect(r.stderr).not.toMatch(/AwsSolutions|HIPAA|NIST|PCI|Error/);
    expect(r.status).toBe(0);
  });

  test('cdk synth exits 1 and prints each finding on one line when a resource is noncompliant', () => {
    const r = cdk(['synth', '-q'], { app: NONCOMPLIANT });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(S1);
    expect(r.stderr).toMatch(/^\[HIPAA\.Security\] HIPAA\.Security-S3BucketLoggingEnabled at BedrockInvocationLogging\/Noncompliant\/Resource: /m);
    expect(r.stderr).toMatch(/^Error: \d+ unacknowledged cdk-nag findings /m);
    expectNoStackTrace(r.stderr);
  });

  test('cdk deploy stops at synth on a finding, before any AWS call', () => {
    const r = cdk(['deploy', '--require-approval', 'never'], { app: NONCOMPLIANT });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(S1);
    expect(r.stderr).not.toMatch(/credentials|deploying|✅/i);
  });

  test('cdk diff stops on a finding', () => {
    const r = cdk(['diff'], { app: NONCOMPLIANT });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(S1);
  });

  test('with rollout=stackset, a finding in the StackSet member template fails synth', () => {
    const r = cdk(['synth', '-q', ...ROLLOUT], { app: NONCOMPLIANT, env: { INJECT: 'member' } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^\[AwsSolutions\] AwsSolutions-S1 at BedrockInvocationLogging\/Noncompliant\/Resource \(StackSet member template\): /m);
  });
});

describe('cdk CLI: bad input', () => {
  test('every problem of context and props in one run, one line each, exit 1, no stack trace', () => {
    // GIVEN a bad boolean, a bad prefix (checked by the construct) and a bad OU, with rollout
    const r = cdk(['synth', '-q', '-c', 'kms=TRUE', '-c', 'keyPrefix=a b', '-c', 'rollout=stackset', '-c', 'targetOuIds=ou-x', '-c', 'targetRegions=us-east-1']);
    // THEN
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: 3 problems in the context \(cdk -c KEY=VALUE\):$/m);
    expect(r.stderr).toMatch(/^ {2}context kms="TRUE" is not a boolean: use -c kms=true or -c kms=false$/m);
    expect(r.stderr).toMatch(/^ {2}keyPrefix "a b" contains " ": use only letters, digits and .*$/m);
    expect(r.stderr).toMatch(/^ {2}context targetOuIds item "ou-x" is not valid: expected a value like ou-ab12-cdef3456 .*$/m);
    expectNoStackTrace(r.stderr);
  });
});
