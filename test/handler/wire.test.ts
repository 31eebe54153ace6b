/**
 * Wire tests: the exact inline code text from the synthesized template runs in a child `node`
 * process with the real @aws-sdk/client-bedrock and client-ssm, against FakeAws on 127.0.0.1
 * (Bedrock REST, SSM JSON 1.1, the ResponseURL). Each test asserts exactly one response, its Status,
 * Reason and PhysicalResourceId, and what the account holds afterwards.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FakeAws } from './fake-aws';
import {
  awsEnv, cfnEvent, OURS, OWNER, PARAM, PROPS, REPO_ROOT, runHandler, RunResult, STABLE_ID, synthesizedHandler, THEIRS, writeHandlerDir,
} from './harness';

jest.setTimeout(30_000);

const SDK_VERSION: string = require('@aws-sdk/client-bedrock/package.json').version;
const CREATE_FAILED = /^create-failed-req-\d+$/;
const FAST = { RETRY_BASE_MS: '10', RETRY_BUDGET_MS: '2000' };

let dir: string;
let fake: FakeAws;

beforeAll(() => {
  const { code, resourceProperties } = synthesizedHandler();
  // The template carries the handler verbatim, and the events below use the property names it sends.
  expect(code).toBe(fs.readFileSync(path.join(REPO_ROOT, 'lib', 'handler', 'index.js'), 'utf8'));
  expect(Object.keys(resourceProperties).sort()).toEqual(Object.keys(PROPS).sort());
  dir = writeHandlerDir(code);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => { fake = await new FakeAws().start(); });
afterEach(async () => { await fake.stop(); });

/** Runs one event through the child process and returns its only response. */
async function invoke(event: any, opts: { env?: Record<string, string>; remainingMs?: number } = {}): Promise<{ status: string; reason: string; id: string; run: RunResult; data: any }> {
  const before = fake.responses.length;
  const run = await runHandler(dir, event, awsEnv(fake.url, { ...FAST, ...opts.env }), opts.remainingMs);
  if (run.exitCode !== 0) throw new Error(`handler process exited ${run.exitCode}:\n${run.stdout}\n${run.stderr}`);
  const got = fake.responses.slice(before);
  expect(got).toHaveLength(1);
  expect(got[0]).toMatchObject({ StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, contentType: '' });
  expect(got[0].bytes).toBeLessThanOrEqual(4096);
  return { status: got[0].Status, reason: got[0].Reason, id: got[0].PhysicalResourceId, run, data: got[0].Data };
}
const record = () => (fake.parameters.has(PARAM) ? JSON.parse(fake.parameters.get(PARAM)!) : undefined);

test('happy lifecycle: Create, Update, no-op Update and Delete, signed calls with the full body on the wire', async () => {
  let r = await invoke(cfnEvent('Create', fake.responseUrl));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Configured model invocation logging.', STABLE_ID]);
  expect(fake.config).toEqual(OURS);
  expect(record()).toEqual({ owner: OWNER, previous: null });
  expect(fake.calls.find((c) => c.op === 'PutModelInvocationLoggingConfiguration')!.body).toEqual({ loggingConfig: OURS });
  expect(fake.calls.every((c) => c.signed)).toBe(true);

  const props = { ...PROPS, TextDataDeliveryEnabled: 'false' };
  r = await invoke(cfnEvent('Update', fake.responseUrl, props, { OldResourceProperties: PROPS }));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Updated the logging configuration.', STABLE_ID]);
  expect(fake.config).toEqual({ ...OURS, textDataDeliveryEnabled: false });

  const puts = fake.count('PutModelInvocationLoggingConfiguration');
  r = await invoke(cfnEvent('Update', fake.responseUrl, props, { OldResourceProperties: props }));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'No change: the logging configuration already matches.', STABLE_ID]);
  expect(fake.count('PutModelInvocationLoggingConfiguration')).toBe(puts);

  r = await invoke(cfnEvent('Delete', fake.responseUrl, props));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Deleted the logging configuration.', STABLE_ID]);
  expect(fake.config).toBeUndefined();
  expect(fake.parameters.size).toBe(0);
});

test('a pre-existing configuration is replaced, recorded raw (a field the SDK does not know included) and restored on Delete', async () => {
  // GIVEN a configuration with a field this SDK has never heard of
  const existing = { ...THEIRS, futureDataDeliveryEnabled: true };
  fake.config = existing;
  // WHEN
  let r = await invoke(cfnEvent('Create', fake.responseUrl));
  // THEN
  expect([r.status, r.id]).toEqual(['SUCCESS', STABLE_ID]);
  expect(r.reason).toMatch(/^Replaced the existing logging configuration; it will be put back/);
  expect(fake.config).toEqual(OURS);
  expect(record()).toEqual({ owner: OWNER, previous: existing });
  r = await invoke(cfnEvent('Delete', fake.responseUrl));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Restored the logging configuration that was in place before this stack.', STABLE_ID]);
  expect(fake.config).toEqual(existing);
  expect(fake.parameters.size).toBe(0);
});

test('failIfAlreadyConfigured: Create fails and the existing configuration stays', async () => {
  fake.config = THEIRS;
  const r = await invoke(cfnEvent('Create', fake.responseUrl, { ...PROPS, FailIfAlreadyConfigured: 'true' }));
  expect(r.status).toBe('FAILED');
  expect(r.id).toMatch(CREATE_FAILED);
  expect(r.reason).toMatch(/already configured .* failIfAlreadyConfigured is set/);
  expect(fake.config).toEqual(THEIRS);
  expect(fake.count('PutModelInvocationLoggingConfiguration')).toBe(0);
});

test('the first 3 Puts fail with the propagation message, the 4th succeeds', async () => {
  fake.fail('PutModelInvocationLoggingConfiguration', 'propagation', 'propagation', 'propagation');
  const r = await invoke(cfnEvent('Create', fake.responseUrl));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Configured model invocation logging.', STABLE_ID]);
  expect(fake.count('PutModelInvocationLoggingConfiguration')).toBe(4);
  expect(fake.config).toEqual(OURS);
});

test('throttling (429), a 500 and a connection reset are retried', async () => {
  fake.fail('GetModelInvocationLoggingConfiguration', 'throttle');
  fake.fail('PutModelInvocationLoggingConfiguration', 'server-error', 'reset');
  const r = await invoke(cfnEvent('Create', fake.responseUrl));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Configured model invocation logging.', STABLE_ID]);
  expect(r.run.stdout).toMatch(/retrying after ThrottlingException/);
  expect(r.run.stdout).toMatch(/retrying after InternalServerException/);
  expect(fake.count('PutModelInvocationLoggingConfiguration')).toBe(3);
  expect(fake.config).toEqual(OURS);
});

test('propagation errors past the retry budget: FAILED with the service message and what to check, nothing left behind', async () => {
  fake.fail('PutModelInvocationLoggingConfiguration', ...Array<'propagation'>(100).fill('propagation'));
  const r = await invoke(cfnEvent('Create', fake.responseUrl));
  expect(r.status).toBe('FAILED');
  expect(r.id).toMatch(CREATE_FAILED);
  expect(r.reason).toMatch(/^ValidationException: Failed to validate permissions for bucket log-bucket and prefix\. Please check the bucket policy \(after \d+ attempts\)\. Check that the bucket policy lets bedrock.amazonaws.com s3:PutObject/);
  expect(fake.config).toBeUndefined();
  expect(fake.parameters.size).toBe(0);
});

test('AccessDenied fails at once and names the action', async () => {
  fake.fail('PutModelInvocationLoggingConfiguration', 'access-denied');
  const r = await invoke(cfnEvent('Create', fake.responseUrl));
  expect(r.status).toBe('FAILED');
  expect(r.id).toMatch(CREATE_FAILED);
  expect(r.reason).toMatch(/^AccessDeniedException: .* The custom resource role was denied bedrock:PutModelInvocationLoggingConfiguration/);
  expect(fake.count('PutModelInvocationLoggingConfiguration')).toBe(1);
  expect(fake.config).toBeUndefined();
});

test('a Put that drops audioDataDeliveryEnabled: FAILED naming the field and the SDK version, rolled back', async () => {
  fake.dropOnPut = ['audioDataDeliveryEnabled'];
  const r = await invoke(cfnEvent('Create', fake.responseUrl));
  expect(r.status).toBe('FAILED');
  expect(r.id).toMatch(CREATE_FAILED);
  expect(r.reason).toBe(`Bedrock did not keep audioDataDeliveryEnabled as requested (runtime @aws-sdk/client-bedrock ${SDK_VERSION}). `
    + 'The Region or the runtime\'s SDK may not support it yet: set it to false or choose another runtime.');
  expect(fake.config).toBeUndefined();
  expect(fake.parameters.size).toBe(0);
});

test('a configuration changed by someone else before Delete is left alone', async () => {
  await invoke(cfnEvent('Create', fake.responseUrl));
  fake.config = THEIRS;
  const r = await invoke(cfnEvent('Delete', fake.responseUrl));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Left the logging configuration alone: someone changed it after this stack set it.', STABLE_ID]);
  expect(fake.config).toEqual(THEIRS);
  expect(fake.count('DeleteModelInvocationLoggingConfiguration')).toBe(0);
});

describe('an unresolvable Bedrock endpoint (a Region without Bedrock)', () => {
  const noBedrock = { AWS_ENDPOINT_URL_BEDROCK: 'http://bedrock.invalid' };

  test('Create fails naming the Region', async () => {
    const r = await invoke(cfnEvent('Create', fake.responseUrl), { env: noBedrock });
    expect(r.status).toBe('FAILED');
    expect(r.id).toMatch(CREATE_FAILED);
    expect(r.reason).toMatch(/^Amazon Bedrock is not available in us-east-1 \(its endpoint does not resolve\)\. Remove this Region, or set skipUnsupportedRegions\. .*ENOTFOUND bedrock\.invalid/);
    expect(fake.calls).toHaveLength(0);
  });

  test('with SkipUnsupportedRegions, Create and Delete succeed doing nothing', async () => {
    const props = { ...PROPS, SkipUnsupportedRegions: 'true' };
    let r = await invoke(cfnEvent('Create', fake.responseUrl, props), { env: noBedrock });
    expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Skipped: Amazon Bedrock is not available in us-east-1; nothing was configured.', STABLE_ID]);
    expect(r.data.Skipped).toBe('true');
    r = await invoke(cfnEvent('Delete', fake.responseUrl, props), { env: noBedrock });
    expect([r.status, r.id]).toEqual(['SUCCESS', STABLE_ID]);
    expect(fake.calls).toHaveLength(0);
  });
});

test('Delete after a failed Create makes no call', async () => {
  fake.config = THEIRS;
  const r = await invoke(cfnEvent('Delete', fake.responseUrl, PROPS, { PhysicalResourceId: 'create-failed-req-0' }));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Nothing to delete: this resource was never created.', 'create-failed-req-0']);
  expect(fake.calls).toHaveLength(0);
  expect(fake.config).toEqual(THEIRS);
});

test('near its timeout (Bedrock hangs) the handler answers FAILED once, before the limit', async () => {
  fake.fail('GetModelInvocationLoggingConfiguration', 'hang');
  const r = await invoke(cfnEvent('Create', fake.responseUrl), { env: { TIMEOUT_MARGIN_MS: '500' }, remainingMs: 1500 });
  expect(r.status).toBe('FAILED');
  expect(r.id).toMatch(CREATE_FAILED);
  expect(r.reason).toBe('Timed out before the Lambda function limit; see its CloudWatch logs.');
  expect(r.run.ms).toBeLessThan(1500 + 1000 /* node start-up */);
  expect(fake.config).toBeUndefined();
});
