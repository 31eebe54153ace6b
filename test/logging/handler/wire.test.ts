/**
 * Wire tests: the exact inline code text from the synthesized template runs in a child `node`
 * process with the real @aws-sdk/client-bedrock and client-ssm, against FakeAws on 127.0.0.1
 * (Bedrock REST, SSM JSON 1.1, the ResponseURL). Each test asserts exactly one response per request,
 * its Status, Reason and PhysicalResourceId, and what the account holds afterwards.
 *
 * Time: the child runs on a virtual clock (harness.ts, BIL_VIRTUAL_CLOCK) unless a test needs two
 * processes to meet, so retry budgets and read-after-write polls are counted in attempts, never waited for.
 */
import * as fs from 'fs';
import { inlineHandlerCode } from '../../../lib/logging/handler/inline';
import { FakeAws, Op, SSM_STANDARD_VALUE_LIMIT } from './fake-aws';
import {
  awsEnv, cfnEvent, LOGICAL_ID, MADE_UP_ID, MARKER, OURS, OWNER, PARAM, PROPS, runHandler, RunResult, STABLE_ID, STACK_ID, startHandler, synthesizedHandler, THEIRS,
  WarmHandler, writeHandlerDir,
} from './harness';

jest.setTimeout(60_000);

const SDK_VERSION: string = require('@aws-sdk/client-bedrock/package.json').version;
const CREATE_FAILED = /^create-failed-req-\d+$/;
const PUT: Op = 'PutModelInvocationLoggingConfiguration';
const GET: Op = 'GetModelInvocationLoggingConfiguration';
const CANCELLED = 'CloudFormation cancelled this Create; its changes are undone.';
/** Real time, for two processes that wait for each other; the cancelling Delete looks every 20 ms. */
const REAL_CLOCK = { BIL_VIRTUAL_CLOCK: '', POLL_MS: '20' };

let dir: string;
let warm: WarmHandler;
let fake: FakeAws;

beforeAll(() => {
  const { code, resourceProperties } = synthesizedHandler();
  // The template carries the handler as inline.ts squeezes it, and the events below use the property names it sends.
  expect(code).toBe(inlineHandlerCode());
  expect(Object.keys(resourceProperties).sort()).toEqual(Object.keys(PROPS).sort());
  dir = writeHandlerDir(code);
  warm = new WarmHandler(dir);
});
afterAll(() => {
  warm.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => { fake = await new FakeAws().start(); });
afterEach(async () => { await fake.stop(); });

interface Answer { status: string; reason: string; id: string; run: RunResult; data: any }

/** The only response to `event`, checked for the fields CloudFormation needs and its 4,096-byte limit. */
function answerTo(event: any, run: RunResult): Answer {
  if (run.exitCode !== 0) throw new Error(`handler process exited ${run.exitCode}:\n${run.stdout}\n${run.stderr}`);
  const got = fake.responses.filter((r) => r.RequestId === event.RequestId);
  expect(got).toHaveLength(1);
  expect(got[0]).toMatchObject({ StackId: event.StackId, LogicalResourceId: event.LogicalResourceId, contentType: '' });
  expect(got[0].bytes).toBeLessThanOrEqual(4096);
  return { status: got[0].Status, reason: got[0].Reason, id: got[0].PhysicalResourceId, run, data: got[0].Data };
}

/**
 * What CloudFormation shows while the handler runs: by default what it shows for a request it sent
 * (the resource in the request's in-progress status, the stack creating, updating or deleting); a
 * stack status, for a request sent during another operation (a rollback, a cleanup); 'as set', the
 * stacks as the test left them (a forged request).
 */
type Stack = string | 'as set' | undefined;
const show = (event: any, stack: Stack) => { if (stack !== 'as set') fake.inFlight(event, stack); };

/**
 * Runs one event through the warm child process and returns its only response; with `remainingMs`
 * (the timer may answer first and leave work behind) in a process of its own.
 */
async function invoke(event: any, opts: { env?: Record<string, string>; remainingMs?: number; stack?: Stack } = {}): Promise<Answer> {
  const env = awsEnv(fake.url, opts.env);
  show(event, opts.stack);
  return answerTo(event, await (opts.remainingMs ? runHandler(dir, event, env, opts.remainingMs) : warm.run(event, env)));
}
/** Starts one event in a child process; await the result for its only response. */
function start(event: any, env: Record<string, string> = {}, stack?: Stack): Promise<Answer> {
  show(event, stack);
  const p = startHandler(dir, event, awsEnv(fake.url, env));
  p.stdin.end();
  return p.done.then((run) => answerTo(event, run));
}
const record = () => (fake.parameters.has(PARAM) ? JSON.parse(fake.parameters.get(PARAM)!) : undefined);
const markerHolds = (prefix: string) => () => fake.parameters.get(MARKER)?.startsWith(prefix) === true;

test('happy lifecycle: Create, Update, no-op Update and Delete, signed calls with the full body on the wire', async () => {
  let r = await invoke(cfnEvent('Create', fake.responseUrl));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Configured model invocation logging.', STABLE_ID]);
  expect(r.data).toEqual({ Message: r.reason });
  expect(fake.config).toEqual(OURS);
  expect(record()).toEqual({ owner: OWNER, previous: null });
  expect(fake.parameters.get(MARKER)).toMatch(/^created req-\d+ /);
  expect(fake.calls.find((c) => c.op === PUT)!.body).toEqual({ loggingConfig: OURS });
  expect(fake.calls.every((c) => c.signed)).toBe(true);

  const props = { ...PROPS, TextDataDeliveryEnabled: 'false' };
  r = await invoke(cfnEvent('Update', fake.responseUrl, props, { OldResourceProperties: PROPS }));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Updated the logging configuration.', STABLE_ID]);
  expect(fake.config).toEqual({ ...OURS, textDataDeliveryEnabled: false });

  const puts = fake.count(PUT);
  r = await invoke(cfnEvent('Update', fake.responseUrl, props, { OldResourceProperties: props }));
  expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'No change: the logging configuration already matches.', STABLE_ID]);
  expect(fake.count(PUT)).toBe(puts);

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
  expect(fake.count(PUT)).toBe(0);
});

describe('only requests CloudFormation sent (it is asked with DescribeStackResource and DescribeStacks)', () => {
  const OTHER_STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/99999999-8888-7777-6666-555555555555';
  const ATTACKER = { ...PROPS, BucketName: 'attacker-bucket', OnDelete: 'DELETE' };
  const refusal = (type: string, saw: string, busy: string, during: string) => `Refused this ${type}: ${saw}. `
    + `CloudFormation sends a ${type} only while the resource is ${busy} and its stack ${during}; nothing was changed.`;
  const DURING: Record<string, [string, string]> = {
    Create: ['CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS, ROLLBACK_IN_PROGRESS, UPDATE_ROLLBACK_IN_PROGRESS'],
    Update: ['UPDATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS, UPDATE_ROLLBACK_IN_PROGRESS'],
    Delete: ['DELETE_IN_PROGRESS', 'DELETE_IN_PROGRESS, ROLLBACK_IN_PROGRESS, UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, UPDATE_ROLLBACK_IN_PROGRESS, UPDATE_IN_PROGRESS'],
  };
  /** A genuine Create over someone's configuration; then the stack settles with the resource in `resource` and itself in `stack`. */
  const deployed = async (resource: string, stack: string) => {
    fake.config = THEIRS;
    expect((await invoke(cfnEvent('Create', fake.responseUrl))).status).toBe('SUCCESS');
    fake.stack(STACK_ID, stack, { [LOGICAL_ID]: resource });
    return { config: fake.config, parameters: new Map(fake.parameters), calls: fake.calls.length, asked: fake.cfnCalls.length };
  };
  /** Nothing changed, and no Bedrock or SSM call was made, read or write, since `before`. */
  const unchanged = (before: Awaited<ReturnType<typeof deployed>>) => {
    expect(fake.config).toEqual(before.config);
    expect(fake.parameters).toEqual(before.parameters);
    expect(fake.calls.slice(before.calls)).toEqual([]);
  };

  test.each([
    ['Delete with OnDelete DELETE', 'Delete', {}, 'CREATE_COMPLETE', 'CREATE_COMPLETE'],
    ['Delete with OnDelete DELETE, after an update', 'Delete', {}, 'UPDATE_COMPLETE', 'UPDATE_COMPLETE'],
    ['Delete that claims to cancel a Create (a made-up physical id)', 'Delete', { PhysicalResourceId: MADE_UP_ID }, 'CREATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'],
    ['Update to another bucket', 'Update', {}, 'UPDATE_COMPLETE', 'UPDATE_COMPLETE'],
    ['Create with another bucket', 'Create', {}, 'CREATE_COMPLETE', 'CREATE_COMPLETE'],
    ['Delete while a genuine update updates the resource', 'Delete', {}, 'UPDATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS'],
    ['Update while the stack is deleted', 'Update', {}, 'DELETE_IN_PROGRESS', 'DELETE_IN_PROGRESS'],
  ])('a forged %s (its real StackId and LogicalResourceId): FAILED naming what CloudFormation showed, nothing written', async (_name, type, extra, resource, stack) => {
    const before = await deployed(resource, stack);
    const event = cfnEvent(type, fake.responseUrl, ATTACKER, extra);
    const r = await invoke(event, { stack: 'as set' });
    expect(r.status).toBe('FAILED');
    expect(r.id).toEqual(type === 'Create' ? expect.stringMatching(CREATE_FAILED) : event.PhysicalResourceId);
    expect(r.reason).toBe(refusal(type, `resource "${LOGICAL_ID}" is ${resource} and stack ${STACK_ID} is ${stack}`, ...DURING[type]));
    unchanged(before);
    // it asked about its own stack and the event's resource, through the real SDK
    expect(fake.cfnCalls.slice(before.asked).map((c) => [c.op, c.body.StackName, c.body.LogicalResourceId, c.signed])).toEqual([
      ['DescribeStackResource', STACK_ID, LOGICAL_ID, true], ['DescribeStacks', STACK_ID, undefined, true],
    ]);
  });

  test('a forged Update naming another resource of its stack while a genuine update updates that one: FAILED naming its type, nothing written', async () => {
    const before = await deployed('UPDATE_COMPLETE', 'UPDATE_IN_PROGRESS');
    fake.stack(STACK_ID, 'UPDATE_IN_PROGRESS', { LogBucket: 'UPDATE_IN_PROGRESS' }, { LogBucket: 'AWS::S3::Bucket' });
    const event = cfnEvent('Update', fake.responseUrl, ATTACKER, { LogicalResourceId: 'LogBucket' });
    const r = await invoke(event, { stack: 'as set' });
    expect(r.status).toBe('FAILED');
    expect(r.reason).toBe(refusal('Update', 'resource "LogBucket" is a AWS::S3::Bucket, not a Custom::BedrockModelInvocationLogging', ...DURING.Update));
    unchanged(before);
  });

  test('a request from another stack is refused before anything is asked or written, even while that stack deploys', async () => {
    const before = await deployed('CREATE_COMPLETE', 'CREATE_COMPLETE');
    const event = cfnEvent('Delete', fake.responseUrl, ATTACKER, { StackId: OTHER_STACK });
    fake.inFlight(event);
    const r = await invoke(event, { stack: 'as set' });
    expect([r.status, r.id]).toEqual(['FAILED', STABLE_ID]);
    expect(r.reason).toBe(refusal('Delete', `it names stack "${OTHER_STACK}", and this function belongs to ${STACK_ID}`, ...DURING.Delete));
    expect(fake.cfnCalls.length).toBe(before.asked);
    unchanged(before);
  });

  test.each([
    ['a stack CloudFormation does not know (deleted, or never there)', {}, (): void => fake.stacks.clear(), `ValidationError: Stack with id ${STACK_ID} does not exist`],
    ['a resource its stack does not have', { LogicalResourceId: 'Other' }, (): void => undefined, 'ValidationError: Resource Other does not exist for stack S'],
  ])('%s: FAILED with CloudFormation\'s answer, nothing written', async (_name, extra, arrange, error) => {
    const before = await deployed('CREATE_COMPLETE', 'CREATE_COMPLETE');
    arrange();
    const r = await invoke(cfnEvent('Delete', fake.responseUrl, ATTACKER, extra), { stack: 'as set' });
    expect([r.status, r.reason]).toEqual(['FAILED', `Could not ask CloudFormation whether it sent this Delete, so nothing was changed: ${error}`]);
    unchanged(before);
  });

  test.each([
    ['Create', 'CREATE_IN_PROGRESS', 'the stack is created', 'Replaced the existing logging configuration; it will be put back when this stack is deleted (onDelete RESTORE).'],
    ['Create', 'UPDATE_IN_PROGRESS', 'an update adds the resource', 'Replaced the existing logging configuration; it will be put back when this stack is deleted (onDelete RESTORE).'],
    ['Update', 'UPDATE_IN_PROGRESS', 'an update changes a flag', 'Updated the logging configuration.'],
    ['Update', 'UPDATE_ROLLBACK_IN_PROGRESS', 'a failed update is rolled back (the resource shows UPDATE_IN_PROGRESS)', 'Updated the logging configuration.'],
    ['Delete', 'DELETE_IN_PROGRESS', 'the stack is deleted', 'Restored the logging configuration that was in place before this stack.'],
    ['Delete', 'ROLLBACK_IN_PROGRESS', 'a failed stack creation is rolled back', 'Restored the logging configuration that was in place before this stack.'],
    ['Delete', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'an update removed the resource (cleanup)', 'Restored the logging configuration that was in place before this stack.'],
    ['Delete', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'a failed update that added the resource is rolled back (cleanup)', 'Restored the logging configuration that was in place before this stack.'],
  ])('a genuine %s while its stack is %s (%s) goes ahead', async (type, stack, _why, reason) => {
    fake.config = THEIRS;
    if (type !== 'Create') expect((await invoke(cfnEvent('Create', fake.responseUrl))).status).toBe('SUCCESS');
    const props = type === 'Update' ? { ...PROPS, TextDataDeliveryEnabled: 'false' } : PROPS;
    const r = await invoke(cfnEvent(type, fake.responseUrl, props, { OldResourceProperties: PROPS }), { stack });
    expect([r.status, r.reason]).toEqual(['SUCCESS', reason]);
    expect(fake.config).toEqual(type === 'Delete' ? THEIRS : { ...OURS, textDataDeliveryEnabled: type !== 'Update' });
  });

  describe('CloudFormation unreachable or refusing', () => {
    test('connections refused: retried within the budget, then one FAILED answer, no Bedrock or SSM call', async () => {
      const r = await invoke(cfnEvent('Delete', fake.responseUrl, ATTACKER), { env: { AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://127.0.0.1:1' } });
      expect([r.status, r.id]).toEqual(['FAILED', STABLE_ID]);
      expect(r.reason).toMatch(/^Could not ask CloudFormation whether it sent this Delete, so nothing was changed: Error: connect ECONNREFUSED 127\.0\.0\.1:1 \(after (\d+) attempts\)$/);
      expect(Number(/after (\d+) attempts/.exec(r.reason)![1])).toBeGreaterThanOrEqual(8); // 2 minutes of backoff
      expect(fake.calls).toHaveLength(0);
    });

    test('throttled, a 500 and a reset are retried, then the request goes ahead', async () => {
      fake.fail('DescribeStackResource', 'throttle', 'server-error');
      fake.fail('DescribeStacks', 'reset');
      const r = await invoke(cfnEvent('Create', fake.responseUrl));
      expect([r.status, r.reason]).toEqual(['SUCCESS', 'Configured model invocation logging.']);
      expect(r.run.stdout).toMatch(/retrying cloudformation:DescribeStackResource after Throttling: Rate exceeded/);
      expect(r.run.stdout).toMatch(/retrying cloudformation:DescribeStackResource after InternalFailure/);
      expect([fake.count('DescribeStackResource'), fake.count('DescribeStacks')]).toEqual([3, 2]);
    });

    test('throttled past the retry budget: one FAILED answer with the attempts, nothing written', async () => {
      fake.config = THEIRS;
      fake.fail('DescribeStacks', ...Array<'throttle'>(200).fill('throttle'));
      const r = await invoke(cfnEvent('Create', fake.responseUrl, ATTACKER));
      expect([r.status, r.id]).toEqual(['FAILED', expect.stringMatching(CREATE_FAILED)]);
      expect(r.reason).toBe(`Could not ask CloudFormation whether it sent this Create, so nothing was changed: Throttling: Rate exceeded (after ${fake.count('DescribeStacks')} attempts)`);
      expect(fake.calls).toHaveLength(0);
      expect(fake.config).toEqual(THEIRS);
    });

    test('AccessDenied past the short window names the action', async () => {
      fake.fail('DescribeStackResource', ...Array<'access-denied'>(200).fill('access-denied'));
      const r = await invoke(cfnEvent('Update', fake.responseUrl, ATTACKER));
      expect([r.status, r.id]).toEqual(['FAILED', STABLE_ID]);
      expect(r.reason).toMatch(/^Could not ask CloudFormation whether it sent this Update, so nothing was changed: AccessDenied: User: .* is not authorized to perform: cloudformation:DescribeStackResource .*\(after \d+ attempts\)\. The custom resource role was denied cloudformation:DescribeStackResource: check its policy, SCPs and permission boundaries\.$/);
      expect(fake.count('DescribeStackResource')).toBeLessThan(20); // 30 s, not the 2-minute budget
      expect(fake.calls).toHaveLength(0);
    });

    test('no answer at all: the timer answers FAILED once, nothing written', async () => {
      fake.fail('DescribeStackResource', 'hang');
      const r = await invoke(cfnEvent('Delete', fake.responseUrl, ATTACKER), { env: { TIMEOUT_MARGIN_MS: '500' }, remainingMs: 1500 });
      expect([r.status, r.reason, r.id]).toEqual(['FAILED', 'Timed out before the Lambda function limit; see its CloudWatch logs.', STABLE_ID]);
      expect(fake.calls).toHaveLength(0);
    });
  });
});

describe('retries, counted in attempts', () => {
  test('the first 3 Puts fail with the propagation message, the 4th succeeds', async () => {
    fake.fail(PUT, 'propagation', 'propagation', 'propagation');
    const r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Configured model invocation logging.', STABLE_ID]);
    expect(fake.count(PUT)).toBe(4);
    expect(fake.config).toEqual(OURS);
  });

  test('throttling (429), a 500 and a connection reset are retried', async () => {
    fake.fail(GET, 'throttle');
    fake.fail(PUT, 'server-error', 'reset');
    const r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Configured model invocation logging.', STABLE_ID]);
    expect(r.run.stdout).toMatch(/retrying bedrock:GetModelInvocationLoggingConfiguration after ThrottlingException/);
    expect(r.run.stdout).toMatch(/retrying bedrock:PutModelInvocationLoggingConfiguration after InternalServerException/);
    expect(fake.count(PUT)).toBe(3);
    expect(fake.config).toEqual(OURS);
  });

  test('propagation errors past the retry budget: FAILED with the service message, the attempts made and what to check, nothing left behind', async () => {
    // 2 minutes of backoff with jitter: at least 8 attempts, whatever the machine's speed (virtual clock).
    fake.fail(PUT, ...Array<'propagation'>(200).fill('propagation'));
    const r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect(r.status).toBe('FAILED');
    expect(r.id).toMatch(CREATE_FAILED);
    const attempts = fake.count(PUT);
    expect(attempts).toBeGreaterThanOrEqual(8);
    expect(attempts).toBeLessThan(200);
    expect(r.reason).toMatch(new RegExp(`^ValidationException: Failed to validate permissions for bucket log-bucket and prefix\\. Please check the bucket policy \\(after ${attempts} attempts\\)\\. Check that the bucket policy lets bedrock.amazonaws.com s3:PutObject`));
    expect(fake.config).toBeUndefined();
    expect(fake.parameters.size).toBe(0);
  });
});

describe('IAM propagation of the handler\'s own policy (AccessDenied)', () => {
  test('AccessDenied on the first calls is retried and the Create succeeds', async () => {
    fake.fail(GET, 'access-denied', 'access-denied');
    fake.fail('GetParameter', 'access-denied');
    const r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Configured model invocation logging.', STABLE_ID]);
    expect(fake.count(GET)).toBe(4); // 2 denied + the first read + the read-back
    expect(fake.config).toEqual(OURS);
  });

  test('AccessDenied past the short window fails, naming the action and the attempts', async () => {
    fake.fail(PUT, ...Array<'access-denied'>(200).fill('access-denied'));
    const r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect(r.status).toBe('FAILED');
    expect(r.id).toMatch(CREATE_FAILED);
    const attempts = fake.count(PUT);
    expect(attempts).toBeGreaterThanOrEqual(3); // 30 s of backoff
    expect(attempts).toBeLessThan(20); // not the 2-minute budget
    expect(r.reason).toMatch(new RegExp(`^AccessDeniedException: .* \\(after ${attempts} attempts\\)\\. The custom resource role was denied bedrock:PutModelInvocationLoggingConfiguration`));
    expect(fake.config).toBeUndefined();
    expect(fake.parameters.size).toBe(0);
  });
});

describe('read-after-write', () => {
  test('a Put that drops audioDataDeliveryEnabled: FAILED naming the field and the SDK version after polling, rolled back', async () => {
    fake.dropOnPut = ['audioDataDeliveryEnabled'];
    const r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect(r.status).toBe('FAILED');
    expect(r.id).toMatch(CREATE_FAILED);
    expect(r.reason).toBe(`Bedrock did not keep audioDataDeliveryEnabled as requested (runtime @aws-sdk/client-bedrock ${SDK_VERSION}). `
      + 'The Region or the runtime\'s SDK may not support it yet: set it to false or choose another runtime.');
    expect(fake.count(GET)).toBeGreaterThan(3); // it read again for 15 s before calling the field dropped
    expect(fake.config).toBeUndefined();
    expect(fake.parameters.size).toBe(0);
  });

  test('reads that lag the Put (eventual consistency) do not fail the Create, nor make an Update look foreign to Delete', async () => {
    fake.lagReads = 3;
    let r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect([r.status, r.id]).toEqual(['SUCCESS', STABLE_ID]);
    expect(fake.config).toEqual(OURS);
    const props = { ...PROPS, TextDataDeliveryEnabled: 'false' };
    r = await invoke(cfnEvent('Update', fake.responseUrl, props, { OldResourceProperties: PROPS }));
    expect([r.status, r.reason]).toEqual(['SUCCESS', 'Updated the logging configuration.']);
    // the Delete's first reads still show the configuration before the Update
    fake.lagReads = 0;
    fake.serveStale(OURS, 2);
    r = await invoke(cfnEvent('Delete', fake.responseUrl, props));
    expect([r.status, r.reason]).toEqual(['SUCCESS', 'Deleted the logging configuration.']);
    expect(fake.config).toBeUndefined();
    expect(fake.parameters.size).toBe(0);
  });

  test('values compare normalised: a prefix read back with a trailing "/" and false flags read back absent are ours', async () => {
    fake.readView = (c) => {
      const v = { ...c, s3Config: { ...c.s3Config, keyPrefix: `${c.s3Config.keyPrefix}/` } };
      for (const [k, x] of Object.entries(c)) if (x === false) delete v[k];
      return v;
    };
    const props = { ...PROPS, VideoDataDeliveryEnabled: 'false' };
    let r = await invoke(cfnEvent('Create', fake.responseUrl, props));
    expect([r.status, r.reason]).toEqual(['SUCCESS', 'Configured model invocation logging.']);
    r = await invoke(cfnEvent('Delete', fake.responseUrl, props));
    expect([r.status, r.reason]).toEqual(['SUCCESS', 'Deleted the logging configuration.']);
    expect(fake.config).toBeUndefined();
  });

  test('a configuration changed by someone else before Delete is left alone (after reading for a while)', async () => {
    await invoke(cfnEvent('Create', fake.responseUrl));
    fake.config = THEIRS;
    const r = await invoke(cfnEvent('Delete', fake.responseUrl));
    expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Left the logging configuration alone: someone changed it after this stack set it.', STABLE_ID]);
    expect(fake.config).toEqual(THEIRS);
    expect(fake.count('DeleteModelInvocationLoggingConfiguration')).toBe(0);
    expect(fake.parameters.size).toBe(0);
  });
});

describe('an ambiguous Put (a 5xx, a reset or a timeout after the service may have acted)', () => {
  test('applied although every attempt answered 500: read back, SUCCESS with the stable id and the record kept', async () => {
    fake.config = THEIRS;
    fake.fail(PUT, ...Array<'applied-then-server-error'>(200).fill('applied-then-server-error'));
    const r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect([r.status, r.id]).toEqual(['SUCCESS', STABLE_ID]);
    expect(r.run.stdout).toMatch(/applied despite InternalServerException/);
    expect(fake.config).toEqual(OURS);
    expect(record()).toEqual({ owner: OWNER, previous: THEIRS });
  });

  test('not applied (every attempt 500): read back, FAILED with a create-failed id, the record rolled back', async () => {
    fake.config = THEIRS;
    fake.fail(PUT, ...Array<'server-error'>(200).fill('server-error'));
    const r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect(r.status).toBe('FAILED');
    expect(r.id).toMatch(CREATE_FAILED);
    expect(fake.config).toEqual(THEIRS);
    expect(fake.parameters.size).toBe(0);
  });

  test('unknown (the read-back fails too): FAILED with the stable id and the record kept, so that the rollback Delete puts the old configuration back', async () => {
    fake.config = THEIRS;
    fake.fail(PUT, 'applied-then-reset', ...Array<'server-error'>(200).fill('server-error'));
    fake.fail(GET, 'ok', ...Array<'invalid'>(20).fill('invalid'));
    let r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect([r.status, r.id]).toEqual(['FAILED', STABLE_ID]);
    expect(fake.config).toEqual(OURS);
    expect(record()).toEqual({ owner: OWNER, previous: THEIRS });
    // CloudFormation's rollback Delete, once Bedrock answers again
    fake.clearFaults();
    r = await invoke(cfnEvent('Delete', fake.responseUrl), { stack: 'ROLLBACK_IN_PROGRESS' });
    expect([r.status, r.reason, r.id]).toEqual(['SUCCESS', 'Restored the logging configuration that was in place before this stack.', STABLE_ID]);
    expect(fake.config).toEqual(THEIRS);
    expect(fake.parameters.size).toBe(0);
  });
});

describe('a failed restore on Delete', () => {
  test('keeps the record, answers FAILED with what to fix, and the retried Delete finishes the restore', async () => {
    fake.config = THEIRS;
    await invoke(cfnEvent('Create', fake.responseUrl));
    fake.fail(PUT, 'invalid');
    let r = await invoke(cfnEvent('Delete', fake.responseUrl));
    expect([r.status, r.id]).toEqual(['FAILED', STABLE_ID]);
    expect(r.reason).toBe('Could not restore the previous configuration: ValidationException: Value at loggingConfig.s3Config.bucketName failed to satisfy constraint. '
      + `Fix that and delete again: the record in ${PARAM} is kept for it.`);
    expect(fake.config).toEqual(OURS);
    expect(record()).toEqual({ owner: OWNER, previous: THEIRS });
    r = await invoke(cfnEvent('Delete', fake.responseUrl));
    expect([r.status, r.reason]).toEqual(['SUCCESS', 'Restored the logging configuration that was in place before this stack.']);
    expect(fake.config).toEqual(THEIRS);
    expect(fake.parameters.size).toBe(0);
  });

  test('AccessDenied on the restore names the action, after the short retry window', async () => {
    fake.config = THEIRS;
    await invoke(cfnEvent('Create', fake.responseUrl));
    fake.fail(PUT, ...Array<'access-denied'>(200).fill('access-denied'));
    const r = await invoke(cfnEvent('Delete', fake.responseUrl));
    expect(r.status).toBe('FAILED');
    expect(r.reason).toMatch(/^Could not restore the previous configuration: AccessDeniedException: .*The custom resource role was denied bedrock:PutModelInvocationLoggingConfiguration.*the record in \/cdk-bedrock-invocation-logging\/previous-configuration is kept for it\.$/);
    expect(record()).toEqual({ owner: OWNER, previous: THEIRS });
  });
});

describe('a Create that CloudFormation cancels (Delete with a physical id it made up)', () => {
  const cancelDelete = () => cfnEvent('Delete', fake.responseUrl, PROPS, { PhysicalResourceId: MADE_UP_ID });
  // the stack's creation failed elsewhere: CloudFormation rolls it back
  const ROLLBACK = 'ROLLBACK_IN_PROGRESS';
  const afterwards = () => {
    expect(fake.config).toEqual(THEIRS);
    expect([...fake.parameters.keys()]).toEqual([]);
  };
  beforeEach(() => { fake.config = THEIRS; });

  test('Delete before the Create starts: the Create finds the marker and changes nothing', async () => {
    const del = start(cancelDelete(), REAL_CLOCK, ROLLBACK);
    await fake.until(markerHolds('cancelled'), 'the Delete\'s marker');
    // CloudFormation may show the resource still creating when the late Create asks
    const create = await invoke(cfnEvent('Create', fake.responseUrl), { stack: ROLLBACK });
    expect([create.status, create.reason, create.id]).toEqual(['FAILED', CANCELLED, expect.stringMatching(CREATE_FAILED)]);
    expect(fake.count(PUT)).toBe(0);
    const d = await del;
    expect([d.status, d.reason, d.id]).toEqual(['SUCCESS', CANCELLED, MADE_UP_ID]);
    afterwards();
  });

  test('a Create that starts once its resource is being deleted is refused; the Delete waits it out and finds nothing to undo', async () => {
    const del = cancelDelete();
    fake.inFlight(del, ROLLBACK);
    const create = cfnEvent('Create', fake.responseUrl);
    const c = await invoke(create, { stack: 'as set' });
    expect([c.status, c.id]).toEqual(['FAILED', expect.stringMatching(CREATE_FAILED)]);
    expect(c.reason).toBe(`Refused this Create: resource "InvocationLoggingConfiguration" is DELETE_IN_PROGRESS and stack ${STACK_ID} is ROLLBACK_IN_PROGRESS. `
      + 'CloudFormation sends a Create only while the resource is CREATE_IN_PROGRESS and its stack CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS, ROLLBACK_IN_PROGRESS, UPDATE_ROLLBACK_IN_PROGRESS; nothing was changed.');
    expect(fake.calls).toHaveLength(0);
    // virtual clock: the Delete's wait for the Create (about 3 minutes of polls) takes no time
    const d = await invoke(del, { stack: 'as set' });
    expect([d.status, d.reason, d.id]).toEqual(['SUCCESS', 'Cancelled Create: Nothing to undo.', MADE_UP_ID]);
    expect(fake.count('GetParameter')).toBeGreaterThan(50);
    afterwards();
  });

  test('Delete during the Create\'s Put: the Create undoes its Put and its record', async () => {
    const hold = fake.hold(PUT);
    const create = start(cfnEvent('Create', fake.responseUrl), REAL_CLOCK);
    await hold.reached;
    const del = start(cancelDelete(), REAL_CLOCK, ROLLBACK);
    await fake.until(markerHolds('cancelled'), 'the Delete\'s marker');
    hold.release();
    const c = await create;
    expect([c.status, c.reason]).toEqual(['FAILED', CANCELLED]);
    const d = await del;
    expect([d.status, d.reason, d.id]).toEqual(['SUCCESS', CANCELLED, MADE_UP_ID]);
    afterwards();
  });

  test('Delete after the Put, before the Create commits: the Create undoes', async () => {
    const hold = fake.hold('PutParameter', 1); // the 1st writes the record, the 2nd is the commit
    const create = start(cfnEvent('Create', fake.responseUrl), REAL_CLOCK);
    await hold.reached;
    expect(fake.config).toEqual(OURS);
    const del = start(cancelDelete(), REAL_CLOCK, ROLLBACK);
    await fake.until(markerHolds('cancelled'), 'the Delete\'s marker');
    hold.release();
    const [c, d] = await Promise.all([create, del]);
    expect([c.status, c.reason]).toEqual(['FAILED', CANCELLED]);
    expect([d.status, d.reason]).toEqual(['SUCCESS', CANCELLED]);
    afterwards();
  });

  test('Delete after the Create succeeded: the Delete restores what was there before', async () => {
    const c = await invoke(cfnEvent('Create', fake.responseUrl));
    expect([c.status, c.id]).toEqual(['SUCCESS', STABLE_ID]);
    const d = await invoke(cancelDelete(), { stack: ROLLBACK });
    expect([d.status, d.reason, d.id]).toEqual(['SUCCESS', 'Cancelled Create: Restored the logging configuration that was in place before this stack.', MADE_UP_ID]);
    afterwards();
  });

  test('Delete after the Create was stopped half-way (its Lambda timed out): the Delete waits out the Create, then restores', async () => {
    // the Create's commit never returns, and Lambda ends the invocation
    const hold = fake.hold('PutParameter', 1);
    const createEvent = cfnEvent('Create', fake.responseUrl);
    fake.inFlight(createEvent);
    const create = startHandler(dir, createEvent, awsEnv(fake.url));
    await hold.reached;
    create.kill();
    await create.done;
    expect(fake.config).toEqual(OURS);
    const d = await invoke(cancelDelete(), { stack: ROLLBACK });
    expect([d.status, d.reason]).toEqual(['SUCCESS', 'Cancelled Create: Restored the logging configuration that was in place before this stack.']);
    afterwards();
  });

  test('Delete after the Create failed and cleaned up: nothing to undo', async () => {
    fake.fail(PUT, 'invalid');
    const c = await invoke(cfnEvent('Create', fake.responseUrl));
    expect([c.status, c.id]).toEqual(['FAILED', expect.stringMatching(CREATE_FAILED)]);
    const d = await invoke(cancelDelete(), { stack: ROLLBACK });
    expect([d.status, d.reason]).toEqual(['SUCCESS', 'Cancelled Create: Nothing to undo.']);
    afterwards();
  });
});

describe('the record of the previous configuration at its limits', () => {
  const chars = (n: number, c = 'a') => c.repeat(n);
  const worst = (prefix: string) => ({
    ...THEIRS,
    s3Config: { bucketName: chars(63, 'b'), keyPrefix: prefix },
    cloudWatchConfig: {
      logGroupName: chars(512, 'g'),
      roleArn: `arn:aws:iam::123456789012:role/${chars(2048 - 31, 'r')}`,
      largeDataDeliveryS3Config: { bucketName: chars(63, 'c'), keyPrefix: `${prefix.slice(1)}x` },
    },
  });
  // A 128-character stack name and a 255-character logical id make the longest owner.
  const longStack = `arn:aws:cloudformation:us-east-1:123456789012:stack/${chars(128, 'S')}/11111111-2222-3333-4444-555555555555`;
  const longEvent = (type: string) => cfnEvent(type, fake.responseUrl, PROPS, { StackId: longStack, LogicalResourceId: chars(255, 'L') });
  // the function of that stack
  const env = { STACK_ID: longStack };

  test.each([
    ['ASCII (two 1,024-character prefixes, a 2,048-character role ARN, a 512-character log group)', chars(1024, 'p')],
    ['non-ASCII prefixes (each character stored as \\uXXXX)', chars(1024, '\u20ac')],
    ['control characters in the prefixes', chars(1024, '\u0001')],
  ])('%s: stored in Standard-tier parts and restored exactly', async (_name, prefix) => {
    const previous = worst(prefix);
    fake.config = previous;
    let r = await invoke(longEvent('Create'), { env });
    expect(r.status).toBe('SUCCESS');
    const parts = [...fake.parameters.entries()].filter(([k]) => k.startsWith(PARAM));
    expect(parts.length).toBeGreaterThan(1);
    for (const [, v] of parts) expect(v.length).toBeLessThanOrEqual(SSM_STANDARD_VALUE_LIMIT);
    r = await invoke(longEvent('Delete'), { env });
    expect([r.status, r.reason]).toEqual(['SUCCESS', 'Restored the logging configuration that was in place before this stack.']);
    expect(fake.config).toEqual(previous);
    expect(fake.parameters.size).toBe(0);
  });

  test('a configuration too large to remember: FAILED saying so, nothing written or changed', async () => {
    fake.config = { ...worst(chars(1024, '\u0001')), futureField: chars(6000, '\u0001') };
    const before = fake.config;
    const r = await invoke(cfnEvent('Create', fake.responseUrl));
    expect(r.status).toBe('FAILED');
    expect(r.reason).toMatch(/^The configuration to remember takes \d+ characters; \/cdk-bedrock-invocation-logging\/previous-configuration holds 16384\.$/);
    expect(fake.config).toBe(before);
    expect(fake.count('PutParameter') + fake.count(PUT)).toBe(0);
  });
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
    expect(r.data).toEqual({ Skipped: 'true', Message: r.reason });
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

describe('the timer', () => {
  test('near its timeout (Bedrock hangs) the handler answers FAILED once, before the limit', async () => {
    fake.fail(GET, 'hang');
    const r = await invoke(cfnEvent('Create', fake.responseUrl), { env: { TIMEOUT_MARGIN_MS: '500' }, remainingMs: 1500 });
    expect(r.status).toBe('FAILED');
    expect(r.id).toMatch(CREATE_FAILED);
    expect(r.reason).toBe('Timed out before the Lambda function limit; see its CloudWatch logs.');
    expect(fake.config).toBeUndefined();
  });

  test('after the timer has answered, the stuck invocation makes no call, rollback included, in the container\'s next invocation', async () => {
    // GIVEN a Create whose Put is held past the timer, in a container that then serves an Update
    fake.config = THEIRS;
    const hold = fake.hold(PUT);
    const create = cfnEvent('Create', fake.responseUrl);
    const update = cfnEvent('Update', fake.responseUrl);
    fake.inFlight(create);
    // the timer fires when the test says so (BIL_MANUAL_TIMER): once the Put is held
    const p = startHandler(dir, [create, update], awsEnv(fake.url, { BIL_MANUAL_TIMER: '1' }));
    await hold.reached;
    p.stdin.write('timeout\n');
    await fake.until(() => fake.responses.some((r) => r.RequestId === create.RequestId), 'the timer\'s answer');
    // WHEN the Put goes through after the answer, and the next invocation runs
    hold.release();
    await fake.until(() => fake.config !== THEIRS, 'the late Put');
    const seen = fake.calls.length;
    fake.inFlight(update);
    p.stdin.end('next\n');
    const run = await p.done;
    // THEN only the Update's own calls follow: no read-back, no rollback Put, no SSM write from the Create
    expect(answerTo(create, run).reason).toBe('Timed out before the Lambda function limit; see its CloudWatch logs.');
    expect(answerTo(update, run).status).toBe('SUCCESS');
    expect(fake.calls.slice(seen).map((c) => c.op)).toEqual([GET, 'GetParameter']);
  });
});
