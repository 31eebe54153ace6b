/**
 * Unit tests of the custom resource handler (lib/logging/handler/index.js) with aws-sdk-client-mock.
 * Bedrock, SSM and CloudFormation are mocked by small in-memory models (one logging configuration, a
 * parameter map, what CloudFormation shows of the stack and the resource) with fault queues;
 * CloudFormation's ResponseURL is a local HTTP receiver on 127.0.0.1, so every test sees the exact
 * response bodies the handler PUT.
 */
import {
  AccessDeniedException, BedrockClient, DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand, InternalServerException, PutModelInvocationLoggingConfigurationCommand,
  ThrottlingException, ValidationException,
} from '@aws-sdk/client-bedrock';
import {
  DeleteParameterCommand, GetParameterCommand, ParameterAlreadyExists, ParameterNotFound, PutParameterCommand, SSMClient,
} from '@aws-sdk/client-ssm';
import {
  CloudFormationClient, CloudFormationServiceException, DescribeStackResourceCommand, DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { cfnEvent, LOGICAL_ID, OURS, OWNER, PARAM, PROPS, STABLE_ID, STACK_ID, THEIRS } from './events';
import { CfnResponse, FakeAws, IN_PROGRESS } from './fake-aws';

const TIMEOUT_MARGIN_MS = 5000; // the handler's default
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handlerModule = require('../../../lib/logging/handler/index.js') as {
  handler: (event: any, context: any) => Promise<void>;
  clock: { now: () => number; sleep: (ms: number) => Promise<void> };
  STACK_VAR: string;
};
const { handler } = handlerModule;
// The function belongs to the stack the events come from, as the template tells it.
process.env[handlerModule.STACK_VAR] = STACK_ID;
// A virtual clock: the handler's sleeps (retry backoff, read-after-write polls) pass at once.
let virtualNow = Date.now();
handlerModule.clock.now = () => virtualNow;
handlerModule.clock.sleep = async (ms) => { virtualNow += ms; };
// The handler creates its clients per invocation; mockClient(Class) stubs the prototype, so they are mocked too.
const bedrockMock = mockClient(BedrockClient);
const ssmMock = mockClient(SSMClient);
const cfnMock = mockClient(CloudFormationClient);
const SDK_VERSION: string = require('@aws-sdk/client-bedrock/package.json').version;

type Fault = Error | 'hang' | ((input: any) => Promise<any>);

/** In-memory account: Bedrock's single logging configuration and SSM parameters, with per-operation fault queues. */
const account = {
  config: undefined as any,
  params: new Map<string, string>(),
  /** Fields Bedrock (or an old runtime SDK) does not keep on Put. */
  dropOnPut: [] as string[],
  faults: {} as Record<string, Fault[]>,
  /** What CloudFormation shows of the stack STACK_ID; by default what it shows while it waits for the request being handled. */
  shows: undefined as { stack: string; resource: string } | undefined,
};
/** The event being handled. */
let inFlight: any;

function fail(op: 'Get' | 'Put' | 'Delete' | 'GetParameter' | 'PutParameter' | 'DeleteParameter' | 'DescribeStackResource' | 'DescribeStacks', ...faults: Fault[]): void {
  account.faults[op] = [...(account.faults[op] ?? []), ...faults];
}

async function withFaults<T>(op: string, input: any, ok: () => T): Promise<T> {
  const f = account.faults[op]?.shift();
  if (f === 'hang') return new Promise<T>(() => undefined);
  if (typeof f === 'function') return f(input);
  if (f) throw f;
  return ok();
}

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const propagationError = () => new ValidationException({ message: 'Failed to validate permissions for bucket log-bucket and prefix bedrock', ...meta(400) });
const accessDenied = (action: string) => new AccessDeniedException({ message: `User: arn:aws:sts::123456789012:assumed-role/r/fn is not authorized to perform: ${action}`, ...meta(403) });
const notFound = () => new ParameterNotFound({ message: '', ...meta(400) });
const cfnError = (name: string, message: string, status = 400) => new CloudFormationServiceException({ name, message, $fault: status < 500 ? 'client' : 'server', ...meta(status) });
const dnsError = () => Object.assign(new Error('getaddrinfo ENOTFOUND bedrock.ap-southeast-7.amazonaws.com'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
const record = () => (account.params.has(PARAM) ? JSON.parse(account.params.get(PARAM)!) : undefined);
const setRecord = (state: unknown) => account.params.set(PARAM, JSON.stringify(state));

let cfn: FakeAws; // only its ResponseURL receiver is used here

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined); // the handler logs every step
  cfn = await new FakeAws().start();
});
afterAll(async () => { await cfn.stop(); });
beforeEach(() => {
  cfn.responses.length = 0;
  Object.assign(account, { config: undefined, params: new Map(), dropOnPut: [], faults: {}, shows: undefined });
  bedrockMock.reset();
  ssmMock.reset();
  cfnMock.reset();
  const shown = () => account.shows ?? { stack: IN_PROGRESS[inFlight.RequestType], resource: IN_PROGRESS[inFlight.RequestType] };
  const stack = (name: string) => { if (name !== STACK_ID) throw cfnError('ValidationError', `Stack with id ${name} does not exist`); };
  cfnMock.on(DescribeStackResourceCommand).callsFake((i) => withFaults('DescribeStackResource', i, () => {
    stack(i.StackName);
    if (i.LogicalResourceId !== LOGICAL_ID) throw cfnError('ValidationError', `Resource ${i.LogicalResourceId} does not exist for stack S`);
    return { StackResourceDetail: { StackId: STACK_ID, LogicalResourceId: LOGICAL_ID, ResourceType: 'Custom::BedrockModelInvocationLogging', ResourceStatus: shown().resource } };
  }));
  cfnMock.on(DescribeStacksCommand).callsFake((i) => withFaults('DescribeStacks', i, () => {
    stack(i.StackName);
    return { Stacks: [{ StackId: STACK_ID, StackName: 'S', StackStatus: shown().stack }] };
  }));
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).callsFake((i) => withFaults('Get', i, () => (account.config ? { loggingConfig: structuredClone(account.config) } : {})));
  bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).callsFake((i) => withFaults('Put', i, () => {
    account.config = structuredClone(i.loggingConfig);
    for (const f of account.dropOnPut) delete account.config[f];
    return {};
  }));
  bedrockMock.on(DeleteModelInvocationLoggingConfigurationCommand).callsFake((i) => withFaults('Delete', i, () => { account.config = undefined; return {}; }));
  ssmMock.on(GetParameterCommand).callsFake((i) => withFaults('GetParameter', i, () => {
    if (!account.params.has(i.Name)) throw notFound();
    return { Parameter: { Name: i.Name, Value: account.params.get(i.Name) } };
  }));
  ssmMock.on(PutParameterCommand).callsFake((i) => withFaults('PutParameter', i, () => {
    if (!i.Overwrite && account.params.has(i.Name)) throw new ParameterAlreadyExists({ message: 'The parameter already exists.', ...meta(400) });
    account.params.set(i.Name, i.Value);
    return { Version: 1 };
  }));
  ssmMock.on(DeleteParameterCommand).callsFake((i) => withFaults('DeleteParameter', i, () => {
    if (!account.params.delete(i.Name)) throw notFound();
    return {};
  }));
});

/** Invokes the handler as Lambda would and returns the ResponseURL bodies it sent (normally exactly one). */
async function invokeHandler(event: any, remainingMs = 240_000): Promise<CfnResponse[]> {
  inFlight = event;
  const end = Date.now() + remainingMs;
  await handler(event, { getRemainingTimeInMillis: () => end - Date.now() });
  return [...cfn.responses];
}

/** Asserts exactly one response, its Status, PhysicalResourceId and Reason, and returns it. */
function only(responses: CfnResponse[], status: 'SUCCESS' | 'FAILED', physicalId: RegExp, reason: string | RegExp): CfnResponse {
  expect(responses).toHaveLength(1);
  const [r] = responses;
  expect({ Status: r.Status, PhysicalResourceId: r.PhysicalResourceId, Reason: r.Reason }).toEqual({
    Status: status, PhysicalResourceId: expect.stringMatching(physicalId), Reason: typeof reason === 'string' ? reason : expect.stringMatching(reason),
  });
  // Message (for the stack output) only on success, where the Reason is short
  expect(r.Data?.Message).toEqual(status === 'SUCCESS' ? r.Reason : undefined);
  expect(r.bytes).toBeLessThanOrEqual(4096);
  return r;
}
const CREATE_FAILED = /^create-failed-req-\d+$/;
const exact = (s: string) => new RegExp(`^${s}$`);
const calls = (cmd: any) => bedrockMock.commandCalls(cmd).length;
const puts = () => calls(PutModelInvocationLoggingConfigurationCommand);
const deletes = () => calls(DeleteModelInvocationLoggingConfigurationCommand);
/** Faults enough to outlast any retry window. */
const always = (f: () => Error): Error[] => Array.from({ length: 1000 }, f);

describe('Create', () => {
  test('on an empty account it configures logging, records "nothing before" and answers with the stable id', async () => {
    // GIVEN nothing configured
    // WHEN
    const responses = await invokeHandler(cfnEvent('Create', cfn.responseUrl));
    // THEN
    only(responses, 'SUCCESS', exact(STABLE_ID), 'Configured model invocation logging.');
    expect(account.config).toEqual(OURS);
    expect(record()).toEqual({ owner: OWNER, previous: null });
    expect(puts()).toBe(1);
    // read, then read-after-write
    expect(calls(GetModelInvocationLoggingConfigurationCommand)).toBe(2);
  });

  test('with a CloudWatch destination it sends largeDataDeliveryS3Config to the same bucket', async () => {
    const props = { ...PROPS, LogGroupName: 'bedrock-logs', RoleArn: 'arn:aws:iam::123456789012:role/bedrock-logs' };
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl, props)), 'SUCCESS', exact(STABLE_ID), 'Configured model invocation logging.');
    expect(account.config.cloudWatchConfig).toEqual({
      logGroupName: 'bedrock-logs', roleArn: 'arn:aws:iam::123456789012:role/bedrock-logs', largeDataDeliveryS3Config: OURS.s3Config,
    });
  });

  test('replacing an existing configuration says so and records it for RESTORE', async () => {
    account.config = THEIRS;
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), /Replaced the existing logging configuration; it will be put back when this stack is deleted/);
    expect(account.config).toEqual(OURS);
    expect(record()).toEqual({ owner: OWNER, previous: THEIRS });
  });

  test('replacing an existing configuration with onDelete DELETE says it will not be put back', async () => {
    account.config = THEIRS;
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl, { ...PROPS, OnDelete: 'DELETE' })), 'SUCCESS', exact(STABLE_ID), /onDelete DELETE: it will not be put back/);
  });

  test('failIfAlreadyConfigured fails on a different configuration without writing anything', async () => {
    account.config = THEIRS;
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl, { ...PROPS, FailIfAlreadyConfigured: 'true' })), 'FAILED', CREATE_FAILED, /already configured in 123456789012\/us-east-1 \(bucket security-team-logs\) and failIfAlreadyConfigured is set/);
    expect(account.config).toEqual(THEIRS);
    expect(puts()).toBe(0);
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  test('failIfAlreadyConfigured adopts an identical configuration', async () => {
    account.config = OURS;
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl, { ...PROPS, FailIfAlreadyConfigured: true })), 'SUCCESS', exact(STABLE_ID), /^Replaced the existing logging configuration/);
  });

  test('takes over the record of another stack, remembering that stack\'s configuration', async () => {
    account.config = THEIRS;
    setRecord({ owner: 'arn:other-stack/Res', previous: null });
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), /^Replaced the existing logging configuration; it will be put back/);
    expect(record()).toEqual({ owner: OWNER, previous: THEIRS });
  });

  test('re-run after a lost response keeps its own record (which knows the configuration before it)', async () => {
    account.config = OURS; // our earlier Create landed, its response did not
    setRecord({ owner: OWNER, previous: THEIRS });
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), /^Replaced the existing logging configuration/);
    expect(record()).toEqual({ owner: OWNER, previous: THEIRS });
  });
});

describe('Update', () => {
  test('that changes nothing makes no Put and writes no record', async () => {
    account.config = OURS;
    setRecord({ owner: OWNER, previous: null });
    only(await invokeHandler(cfnEvent('Update', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'No change: the logging configuration already matches.');
    expect(puts()).toBe(0);
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  test('changing a flag puts the new configuration, keeps the physical id and the original record', async () => {
    account.config = OURS;
    setRecord({ owner: OWNER, previous: THEIRS });
    const props = { ...PROPS, TextDataDeliveryEnabled: 'false' };
    only(await invokeHandler(cfnEvent('Update', cfn.responseUrl, props, { OldResourceProperties: PROPS })), 'SUCCESS', exact(STABLE_ID), 'Updated the logging configuration.');
    expect(account.config).toEqual({ ...OURS, textDataDeliveryEnabled: false });
    expect(record()).toEqual({ owner: OWNER, previous: THEIRS });
  });

  test('replacing a configuration someone else set since the last deployment says so in the Reason', async () => {
    account.config = THEIRS;
    setRecord({ owner: OWNER, previous: null });
    only(await invokeHandler(cfnEvent('Update', cfn.responseUrl, PROPS, { OldResourceProperties: PROPS })), 'SUCCESS', exact(STABLE_ID), /replaced a configuration someone else had set/);
    expect(account.config).toEqual(OURS);
  });

  test('after a Create skipped in a Region without Bedrock, writes the missing record', async () => {
    only(await invokeHandler(cfnEvent('Update', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Updated the logging configuration.');
    expect(record()).toEqual({ owner: OWNER, previous: null });
  });

  test('a failed Update answers with the unchanged physical id (no replacement, no cleanup Delete)', async () => {
    account.config = OURS;
    fail('Put', ...always(() => accessDenied('bedrock:PutModelInvocationLoggingConfiguration')));
    only(await invokeHandler(cfnEvent('Update', cfn.responseUrl, { ...PROPS, TextDataDeliveryEnabled: 'false' })), 'FAILED', exact(STABLE_ID), /^AccessDeniedException: .*was denied bedrock:PutModelInvocationLoggingConfiguration/);
  });
});

describe('Delete', () => {
  test('RESTORE puts back the configuration that was there before and removes the record', async () => {
    account.config = OURS;
    setRecord({ owner: OWNER, previous: THEIRS });
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Restored the logging configuration that was in place before this stack.');
    expect(account.config).toEqual(THEIRS);
    expect(record()).toBeUndefined();
  });

  test('RESTORE with nothing before deletes the configuration', async () => {
    account.config = OURS;
    setRecord({ owner: OWNER, previous: null });
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Deleted the logging configuration.');
    expect(account.config).toBeUndefined();
    expect(record()).toBeUndefined();
  });

  test('RESTORE with the record parameter missing deletes and says there was no record', async () => {
    account.config = OURS;
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Deleted the logging configuration (no record of a previous one).');
    expect(account.config).toBeUndefined();
  });

  test('DELETE deletes even when something was there before', async () => {
    account.config = OURS;
    setRecord({ owner: OWNER, previous: THEIRS });
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl, { ...PROPS, OnDelete: 'DELETE' })), 'SUCCESS', exact(STABLE_ID), 'Deleted the logging configuration.');
    expect(account.config).toBeUndefined();
    expect(record()).toBeUndefined();
  });

  test('RETAIN leaves the configuration in place and removes only our record', async () => {
    account.config = OURS;
    setRecord({ owner: OWNER, previous: THEIRS });
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl, { ...PROPS, OnDelete: 'RETAIN' })), 'SUCCESS', exact(STABLE_ID), /RETAIN/);
    expect(account.config).toEqual(OURS);
    expect(puts() + deletes()).toBe(0);
    expect(record()).toBeUndefined();
  });

  test('leaves a configuration someone changed after this stack set it', async () => {
    account.config = THEIRS;
    setRecord({ owner: OWNER, previous: null });
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), /someone changed it after this stack set it/);
    expect(account.config).toEqual(THEIRS);
    expect(puts() + deletes()).toBe(0);
  });

  test('leaves the configuration and the record alone when another stack owns the record', async () => {
    account.config = OURS;
    const theirs = { owner: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/x/Res', previous: null };
    setRecord(theirs);
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), /another stack has taken it over/);
    expect(account.config).toEqual(OURS);
    expect(record()).toEqual(theirs);
  });

  test('after a failed Create succeeds without calling Bedrock or SSM', async () => {
    account.config = THEIRS;
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl, PROPS, { PhysicalResourceId: 'create-failed-req-0' })), 'SUCCESS', exact('create-failed-req-0'), /never created/);
    expect(bedrockMock.calls()).toHaveLength(0);
    expect(ssmMock.calls()).toHaveLength(0);
  });

  test('after a failed Create with properties that never validated still succeeds', async () => {
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl, { BucketName: '' }, { PhysicalResourceId: 'create-failed-req-0' })), 'SUCCESS', exact('create-failed-req-0'), 'Nothing to delete: this resource was never created.');
  });

  test('with nothing configured succeeds without a Delete call', async () => {
    setRecord({ owner: OWNER, previous: null });
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Nothing to delete: logging is not configured.');
    expect(deletes()).toBe(0);
    expect(record()).toBeUndefined();
  });

  test('a restore that Bedrock keeps refusing fails with what to fix and keeps the record for the next Delete', async () => {
    account.config = OURS;
    setRecord({ owner: OWNER, previous: THEIRS });
    fail('Put', ...always(propagationError));
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl)), 'FAILED', exact(STABLE_ID), /^Could not restore the previous configuration: ValidationException: Failed to validate permissions.*after \d+ attempts\)\. Check that the bucket policy.*Fix that and delete again: the record in \/cdk-bedrock-invocation-logging\/previous-configuration is kept for it\.$/);
    expect(account.config).toEqual(OURS);
    expect(record()).toEqual({ owner: OWNER, previous: THEIRS });
  });

  test('AccessDenied on Delete fails with the unchanged physical id and names the action', async () => {
    account.config = OURS;
    setRecord({ owner: OWNER, previous: null });
    fail('Delete', ...always(() => accessDenied('bedrock:DeleteModelInvocationLoggingConfiguration')));
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl)), 'FAILED', exact(STABLE_ID), /was denied bedrock:DeleteModelInvocationLoggingConfiguration/);
    expect(record()).toEqual({ owner: OWNER, previous: null });
  });
});

describe('only requests CloudFormation sent', () => {
  const cfnCalls = () => cfnMock.calls().map((c) => [c.args[0].constructor.name, (c.args[0].input as any).StackName]);
  const nothingCalled = () => {
    expect(bedrockMock.calls()).toHaveLength(0);
    expect(ssmMock.calls()).toHaveLength(0);
  };

  test.each([
    ['Create', 'CREATE_COMPLETE', 'CREATE_COMPLETE', CREATE_FAILED],
    ['Update', 'UPDATE_COMPLETE', 'UPDATE_COMPLETE', exact(STABLE_ID)],
    ['Delete', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', exact(STABLE_ID)],
    ['Delete', 'CREATE_COMPLETE', 'ROLLBACK_IN_PROGRESS', exact(STABLE_ID)],
    ['Update', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', exact(STABLE_ID)],
  ])('a forged %s (resource %s, stack %s) calls neither Bedrock nor SSM and answers FAILED naming what it saw', async (type, resource, stack, id) => {
    account.config = OURS;
    setRecord({ owner: OWNER, previous: THEIRS });
    account.shows = { stack, resource };
    only(await invokeHandler(cfnEvent(type, cfn.responseUrl, { ...PROPS, BucketName: 'attacker', OnDelete: 'DELETE' })), 'FAILED', id,
      exact(`Refused this ${type}: resource "${LOGICAL_ID}" is ${resource} and stack ${STACK_ID} is ${stack}\\. CloudFormation sends a ${type} only while the resource is ${type.toUpperCase()}_IN_PROGRESS and its stack [A-Z_, ]+; nothing was changed\\.`));
    nothingCalled();
    expect(account.config).toEqual(OURS);
    expect(record()).toEqual({ owner: OWNER, previous: THEIRS });
    expect(cfnCalls()).toEqual([['DescribeStackResourceCommand', STACK_ID], ['DescribeStacksCommand', STACK_ID]]);
  });

  test('a request from another stack is refused without asking CloudFormation', async () => {
    const other = STACK_ID.replace('stack/S/', 'stack/Other/');
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl, PROPS, { StackId: other })), 'FAILED', exact(STABLE_ID),
      new RegExp(`^Refused this Delete: it names stack "${other}", and this function belongs to ${STACK_ID}\\. `));
    nothingCalled();
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('a function that does not know its stack acts on nothing', async () => {
    const saved = process.env[handlerModule.STACK_VAR];
    delete process.env[handlerModule.STACK_VAR];
    try {
      only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'FAILED', CREATE_FAILED, /^Refused this Create: it names stack "arn:.*", and this function belongs to no stack \(STACK_ID is not set\)\. /);
    } finally {
      process.env[handlerModule.STACK_VAR] = saved;
    }
    nothingCalled();
  });

  test('CloudFormation is asked once, first: a Create whose stack begins to roll back meanwhile still finishes its work (the cancelling Delete meets it at the marker)', async () => {
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).callsFake((i) => {
      account.shows = { stack: 'ROLLBACK_IN_PROGRESS', resource: 'DELETE_IN_PROGRESS' };
      account.config = i.loggingConfig;
      return {};
    });
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Configured model invocation logging.');
    expect(cfnCalls()).toHaveLength(2);
  });

  test('an answer CloudFormation will not change (ValidationError) is not retried', async () => {
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl, PROPS, { LogicalResourceId: 'Other' })), 'FAILED', exact(STABLE_ID),
      'Could not ask CloudFormation whether it sent this Delete, so nothing was changed: ValidationError: Resource Other does not exist for stack S');
    expect(cfnMock.calls()).toHaveLength(1);
    nothingCalled();
  });

  test('throttling and a reset are retried, then the request goes ahead', async () => {
    fail('DescribeStackResource', cfnError('Throttling', 'Rate exceeded'));
    fail('DescribeStacks', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Configured model invocation logging.');
    expect(cfnMock.calls()).toHaveLength(4);
  });

  test('unreachable past the retry budget: FAILED once, nothing called', async () => {
    fail('DescribeStackResource', ...always(() => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' })));
    only(await invokeHandler(cfnEvent('Update', cfn.responseUrl)), 'FAILED', exact(STABLE_ID),
      /^Could not ask CloudFormation whether it sent this Update, so nothing was changed: Error: connect ECONNREFUSED 10\.0\.0\.1:443 \(after \d+ attempts\)$/);
    expect(cfnMock.calls().length).toBeGreaterThan(3);
    nothingCalled();
  });
});

describe('errors and retries', () => {
  test('AccessDenied is retried for a short window (the handler\'s own policy may be new), then fails naming the action and rolls back the record', async () => {
    fail('Put', ...always(() => accessDenied('bedrock:PutModelInvocationLoggingConfiguration')));
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'FAILED', CREATE_FAILED, /^AccessDeniedException: .*\(after \d+ attempts\)\. The custom resource role was denied bedrock:PutModelInvocationLoggingConfiguration/);
    expect(puts()).toBeGreaterThanOrEqual(3);
    expect(record()).toBeUndefined();
    expect(account.config).toBeUndefined();
  });

  test('AccessDenied once, while the policy propagates, is retried and the Create succeeds', async () => {
    fail('Put', accessDenied('bedrock:PutModelInvocationLoggingConfiguration'));
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Configured model invocation logging.');
    expect(puts()).toBe(2);
  });

  test('AccessDenied on the SSM record names ssm:GetParameter', async () => {
    fail('GetParameter', ...always(() => accessDenied('ssm:GetParameter')));
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'FAILED', CREATE_FAILED, /was denied ssm:GetParameter/);
    expect(puts()).toBe(0);
  });

  test('propagation errors are retried until Put succeeds', async () => {
    fail('Put', propagationError(), propagationError(), propagationError());
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Configured model invocation logging.');
    expect(puts()).toBe(4);
    expect(account.config).toEqual(OURS);
  });

  test('throttling, 5xx and a connection reset are retried', async () => {
    fail('Get', new ThrottlingException({ message: 'Rate exceeded', ...meta(429) }));
    fail('Put', new InternalServerException({ message: 'oops', ...meta(500) }),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Configured model invocation logging.');
    expect(puts()).toBe(3);
  });

  test('when retries run out it fails with the service message, the attempt count and what to check', async () => {
    account.config = THEIRS;
    fail('Put', ...always(propagationError));
    const r = only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'FAILED', CREATE_FAILED, /^ValidationException: Failed to validate permissions for bucket log-bucket and prefix bedrock \(after \d+ attempts\)\. Check that the bucket policy/);
    expect(r.Reason).toMatch(/KMS key policy/);
    expect(puts()).toBeGreaterThan(2);
    // nothing left behind: the record of the Create is gone and their configuration is untouched
    expect(account.config).toEqual(THEIRS);
    expect(record()).toBeUndefined();
  });

  test('a ValidationException that is not about permissions is not retried', async () => {
    fail('Put', new ValidationException({ message: 'bucketName failed to satisfy constraint', ...meta(400) }));
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'FAILED', CREATE_FAILED, 'ValidationException: bucketName failed to satisfy constraint');
    expect(puts()).toBe(1);
  });

  test('read-after-write: a flag Bedrock did not keep fails naming the field and the SDK version, and rolls back', async () => {
    account.config = THEIRS;
    account.dropOnPut = ['audioDataDeliveryEnabled'];
    const r = only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'FAILED', CREATE_FAILED, /^Bedrock did not keep audioDataDeliveryEnabled as requested/);
    expect(r.Reason).toBe(`Bedrock did not keep audioDataDeliveryEnabled as requested (runtime @aws-sdk/client-bedrock ${SDK_VERSION}). `
      + 'The Region or the runtime\'s SDK may not support it yet: set it to false or choose another runtime.');
    // the rollback put theirs back (through the same flag-dropping service)
    expect(account.config).toEqual({ ...THEIRS, audioDataDeliveryEnabled: undefined });
    expect(record()).toBeUndefined();
  });

  test('read-after-write: a dropped flag that was asked false is not a mismatch', async () => {
    account.dropOnPut = ['audioDataDeliveryEnabled'];
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl, { ...PROPS, AudioDataDeliveryEnabled: 'false' })), 'SUCCESS', exact(STABLE_ID), 'Configured model invocation logging.');
  });

  test('a failed rollback answers with the stable id, so that CloudFormation\'s Delete cleans up', async () => {
    account.dropOnPut = ['audioDataDeliveryEnabled'];
    fail('Delete', new Error('network down'));
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'FAILED', exact(STABLE_ID), /^Bedrock did not keep audioDataDeliveryEnabled/);
    // CloudFormation's rollback Delete then removes it (the record still names this stack)
    account.dropOnPut = [];
    account.config = OURS;
    cfn.responses.length = 0;
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Deleted the logging configuration.');
    expect(account.config).toBeUndefined();
  });

  test('a rejection that is not an Error still gets a FAILED answer', async () => {
    fail('Get', (() => Promise.reject('weird')) as any);
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'FAILED', CREATE_FAILED, 'Error: weird');
  });

  test('a huge error message is cut so the response stays within 4096 bytes', async () => {
    fail('Put', new ValidationException({ message: '"quoted" \n'.repeat(2000), ...meta(400) }));
    const r = only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'FAILED', CREATE_FAILED, /^ValidationException: "quoted" \n/);
    expect(r.Reason.length).toBeGreaterThan(2000); // cut where the 4,096 bytes end, not before
  });
});

describe('Regions without Bedrock', () => {
  test('Create fails naming the Region', async () => {
    fail('Get', dnsError());
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'FAILED', CREATE_FAILED, /^Amazon Bedrock is not available in us-east-1 \(its endpoint does not resolve\)\. Remove this Region, or set skipUnsupportedRegions/);
  });

  test('Create with SkipUnsupportedRegions succeeds, does nothing and says so', async () => {
    fail('Get', dnsError());
    const r = only(await invokeHandler(cfnEvent('Create', cfn.responseUrl, { ...PROPS, SkipUnsupportedRegions: 'true' })), 'SUCCESS', exact(STABLE_ID), 'Skipped: Amazon Bedrock is not available in us-east-1; nothing was configured.');
    expect(r.Data?.Skipped).toBe('true');
    expect(ssmMock.calls()).toHaveLength(0);
  });

  test('Update with SkipUnsupportedRegions succeeds with the same physical id', async () => {
    fail('Get', dnsError());
    only(await invokeHandler(cfnEvent('Update', cfn.responseUrl, { ...PROPS, SkipUnsupportedRegions: 'true' })), 'SUCCESS', exact(STABLE_ID), 'Skipped: Amazon Bedrock is not available in us-east-1; nothing was configured.');
  });

  test('Delete succeeds even without SkipUnsupportedRegions', async () => {
    fail('Get', dnsError());
    only(await invokeHandler(cfnEvent('Delete', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Skipped: Amazon Bedrock is not available in us-east-1; nothing was configured.');
  });
});

describe('malformed events and properties', () => {
  test('an unknown RequestType fails', async () => {
    only(await invokeHandler(cfnEvent('Replace', cfn.responseUrl)), 'FAILED', exact(STABLE_ID), 'unknown RequestType "Replace"');
  });

  test('a Create without ResourceProperties fails naming the first missing property', async () => {
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl, {}, { ResourceProperties: undefined })), 'FAILED', CREATE_FAILED, 'BucketName must be a non-empty string, got undefined');
  });

  test.each([
    ['TextDataDeliveryEnabled', 'yes', 'TextDataDeliveryEnabled must be "true" or "false", got "yes"'],
    ['FailIfAlreadyConfigured', 1, 'FailIfAlreadyConfigured must be "true" or "false", got 1'],
    ['OnDelete', 'KEEP', 'OnDelete must be one of RESTORE, DELETE, RETAIN, got "KEEP"'],
    ['BucketName', '', 'BucketName must be a non-empty string, got ""'],
  ])('a bad %s (%p) fails before any call', async (key, value, message) => {
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl, { ...PROPS, [key]: value })), 'FAILED', CREATE_FAILED, message);
    expect(bedrockMock.calls()).toHaveLength(0);
  });

  test('all flags false fails', async () => {
    const off = Object.fromEntries(Object.keys(PROPS).filter((k) => k.endsWith('DeliveryEnabled')).map((k) => [k, 'false']));
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl, { ...PROPS, ...off })), 'FAILED', CREATE_FAILED, /at least one \*DataDeliveryEnabled flag/);
  });

  test('a log group without a role fails', async () => {
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl, { ...PROPS, LogGroupName: 'g' })), 'FAILED', CREATE_FAILED, 'RoleArn must be a non-empty string, got undefined');
  });

  test('an event without a ResponseURL is logged and ignored (nothing to answer to)', async () => {
    await expect(handler({ RequestType: 'Create' }, {})).resolves.toBeUndefined();
    await expect(handler(undefined, {})).resolves.toBeUndefined();
    expect(cfn.responses).toHaveLength(0);
  });
});

describe('answering CloudFormation', () => {
  test('near the Lambda timeout it answers FAILED once, before the limit, and starts no Put afterwards', async () => {
    let release!: () => void;
    fail('Get', () => new Promise((resolve) => { release = () => resolve({}); }));
    const t0 = Date.now();
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl), TIMEOUT_MARGIN_MS + 200), 'FAILED', CREATE_FAILED, /^Timed out before the Lambda function limit/);
    expect(Date.now() - t0).toBeLessThan(1000);
    release(); // the stuck call returns after the answer: the rest of the work must not Put
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(puts()).toBe(0);
    expect(cfn.responses).toHaveLength(1);
    expect(record()).toBeUndefined();
  });

  test('in a reused container, a timed-out invocation whose stuck Put returns during the next invocation makes no call', async () => {
    // GIVEN a Create stuck in its Put until after its timer has answered
    account.config = THEIRS;
    let release!: () => void;
    fail('Put', () => new Promise((resolve) => { release = () => resolve({}); }));
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl), TIMEOUT_MARGIN_MS + 200), 'FAILED', exact(STABLE_ID), /^Timed out/);
    cfn.responses.length = 0;
    bedrockMock.resetHistory();
    ssmMock.resetHistory();
    // WHEN the next invocation runs and, meanwhile, the stuck Put returns
    const next = invokeHandler(cfnEvent('Update', cfn.responseUrl));
    release();
    // THEN the calls are the Update's own: no read-back, rollback Put or record write of the Create's
    only(await next, 'SUCCESS', exact(STABLE_ID), /^Updated/);
    expect(bedrockMock.calls().map((c) => c.args[0].constructor.name)).toEqual([
      'GetModelInvocationLoggingConfigurationCommand', 'PutModelInvocationLoggingConfigurationCommand', 'GetModelInvocationLoggingConfigurationCommand',
    ]);
    expect(ssmMock.calls().map((c) => c.args[0].constructor.name)).toEqual(['GetParameterCommand']);
  });

  test('a Create that times out during its Put answers with the stable id, so the rollback Delete cleans up', async () => {
    fail('Put', 'hang');
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl), TIMEOUT_MARGIN_MS + 200), 'FAILED', exact(STABLE_ID), 'Timed out before the Lambda function limit; see its CloudWatch logs.');
  });

  test('an Update that times out keeps its physical id', async () => {
    fail('Get', 'hang');
    only(await invokeHandler(cfnEvent('Update', cfn.responseUrl), TIMEOUT_MARGIN_MS + 200), 'FAILED', exact(STABLE_ID), 'Timed out before the Lambda function limit; see its CloudWatch logs.');
  });

  test('when the timer answers while a call is under way, the invocation ends only once that answer is sent', async () => {
    // GIVEN the timer under the test's control, and CloudFormation's answer to the check held
    const after = (handlerModule as any).clock.after;
    const timers: Array<() => void> = [];
    (handlerModule as any).clock.after = (_ms: number, f: () => void) => { timers.push(f); };
    let asked!: () => void, answer!: () => void;
    const reached = new Promise<void>((resolve) => { asked = resolve; });
    fail('DescribeStackResource', () => { asked(); return new Promise((resolve) => { answer = () => resolve({ StackResourceDetail: { ResourceStatus: 'CREATE_IN_PROGRESS' } }); }); });
    let open!: () => void;
    cfn.responseGate = new Promise((resolve) => { open = resolve; });
    cfn.responsesAnswered = 0;
    try {
      inFlight = cfnEvent('Create', cfn.responseUrl);
      let ended = false;
      const invocation = handler(inFlight, { getRemainingTimeInMillis: () => 240_000 }).then(() => { ended = true; });
      await reached;
      // WHEN the timer answers, and then the call returns (the work stops: it is late)
      timers.forEach((f) => f());
      await cfn.until(() => cfn.responses.length === 1, 'the timer\'s answer');
      answer();
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      // THEN the invocation has not ended while the answer is unacknowledged; it ends once it is
      expect([ended, cfn.responsesAnswered]).toEqual([false, 0]);
      open();
      await invocation;
      expect(cfn.responsesAnswered).toBe(1);
      only(cfn.responses, 'FAILED', CREATE_FAILED, /^Timed out before the Lambda function limit/);
      expect(bedrockMock.calls().length + ssmMock.calls().length).toBe(0);
    } finally {
      (handlerModule as any).clock.after = after;
      cfn.responseGate = undefined;
    }
  });

  test('a ResponseURL that fails once is retried; CloudFormation gets one answer', async () => {
    cfn.responseStatuses = [500];
    only(await invokeHandler(cfnEvent('Create', cfn.responseUrl)), 'SUCCESS', exact(STABLE_ID), 'Configured model invocation logging.');
  });
});
