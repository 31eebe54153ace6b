/**
 * A local stand-in for the parts of AWS the custom resource handler talks to, on 127.0.0.1:
 * - Bedrock's REST API (restJson1): PUT/GET/DELETE /logging/modelinvocations, body `{loggingConfig}`,
 *   errors as status + `x-amzn-errortype` + `{message}`;
 * - SSM's JSON 1.1 API (`X-Amz-Target: AmazonSSM.GetParameter|PutParameter|DeleteParameter`);
 * - CloudFormation's query API (awsQuery: form-encoded POST `Action=DescribeStackResource|DescribeStacks`,
 *   XML answers, XML errors), answering from `stacks`;
 * - a CloudFormation ResponseURL receiver (PUT /cfn-response/...).
 * Point the real AWS SDK at it with AWS_ENDPOINT_URL_BEDROCK / _SSM / _CLOUDFORMATION = `fake.url`.
 * Used by the wire tests and by scripts/bench-handler.ts.
 */
import * as http from 'http';
import { AddressInfo, Socket } from 'net';

/** Operations the fake serves, named after their IAM actions. */
export type Op = 'PutModelInvocationLoggingConfiguration' | 'GetModelInvocationLoggingConfiguration'
| 'DeleteModelInvocationLoggingConfiguration' | 'GetParameter' | 'PutParameter' | 'DeleteParameter' | CfnOp;
/** CloudFormation operations the fake serves. */
export type CfnOp = 'DescribeStackResource' | 'DescribeStacks';
const CFN_OPS: readonly string[] = ['DescribeStackResource', 'DescribeStacks'] satisfies CfnOp[];

/** A stack as CloudFormation describes it: its status and its resources' statuses by logical id. */
/** A stack as CloudFormation shows it: its status, and each resource's status (and type, the custom resource's unless given). */
export interface FakeStack { status: string; resources: Record<string, string>; types?: Record<string, string> }

/** The type CloudFormation shows for the library's custom resource. */
export const CUSTOM_RESOURCE_TYPE = 'Custom::BedrockModelInvocationLogging';

/** The status CloudFormation shows for a resource while it waits for the answer to a request of this type. */
export const IN_PROGRESS: Record<string, string> = { Create: 'CREATE_IN_PROGRESS', Update: 'UPDATE_IN_PROGRESS', Delete: 'DELETE_IN_PROGRESS' };

/**
 * What a request can run into:
 * - `propagation`: 400 ValidationException "Failed to validate permissions for bucket ..." (IAM not yet propagated)
 * - `invalid`: 400 ValidationException that is not the propagation message (a real misconfiguration)
 * - `throttle`: 429 ThrottlingException; `server-error`: 500 InternalServerException
 * - `access-denied`: 403 AccessDeniedException
 * - `reset`: the socket is destroyed without an answer (ECONNRESET)
 * - `hang`: no answer at all until the fake stops
 * - `ok`: served normally (to fault a later call of the same operation)
 * - `applied-then-server-error`, `applied-then-reset`: the request takes effect, then the answer is a 500 or
 *   a reset (what a timeout or a dropped connection after the service acted looks like to the caller)
 */
export type Fault = 'propagation' | 'invalid' | 'throttle' | 'server-error' | 'access-denied' | 'reset' | 'hang'
| 'applied-then-server-error' | 'applied-then-reset' | 'ok';

/** SSM's Standard tier limit on a parameter value (characters). */
export const SSM_STANDARD_VALUE_LIMIT = 4096;

/** A call held by `hold()`: `reached` resolves when it arrives; `release()` lets the fake serve it. */
export interface Hold { readonly reached: Promise<Call>; release(): void }

/** One call as the fake saw it. */
export interface Call { readonly op: Op; readonly body: any; readonly signed: boolean }

/** One response the handler PUT to the ResponseURL. */
export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
  /** Size of the body on the wire, in bytes (CloudFormation accepts at most 4096). */
  readonly bytes: number;
  /** Content-Type header sent (pre-signed S3 URLs want it empty). */
  readonly contentType?: string;
}

const LOGGING_PATH = '/logging/modelinvocations';

export class FakeAws {
  /** Bedrock's logging configuration for the account and Region; undefined when none is set. */
  public config: any = undefined;
  /** SSM parameters by name. */
  public readonly parameters = new Map<string, string>();
  /** Every Bedrock and SSM call, in order (CloudFormation's are in `cfnCalls`, ResponseURL PUTs in `responses`). */
  public readonly calls: Call[] = [];
  /** Every CloudFormation call, in order; `body` holds the form's parameters. */
  public readonly cfnCalls: Call[] = [];
  /** CloudFormation's stacks by stack id (ARN). */
  public readonly stacks = new Map<string, FakeStack>();
  /** Every body PUT to the ResponseURL. */
  public readonly responses: CfnResponse[] = [];
  /** Fields a Put silently does not keep, as a Region or an old SDK that does not know them would. */
  public dropOnPut: string[] = [];
  /** Status the ResponseURL answers with (to test the handler's retry of its own response). */
  public responseStatuses: number[] = [];
  /** While set, the ResponseURL answers only once it resolves (a body is recorded when it arrives). */
  public responseGate: Promise<void> | undefined;
  /** ResponseURL PUTs answered so far. */
  public responsesAnswered = 0;
  /** After each Put or Delete of the configuration, this many Gets still return the one before (eventual consistency). */
  public lagReads = 0;
  /** How Get presents the configuration (to test normalisation: a trailing '/', absent false flags). */
  public readView: (config: any) => any = (c) => c;
  private readonly faults = new Map<Op, Fault[]>();
  private readonly holds = new Map<Op, Array<{ skip: number; reached: (c: Call) => void; released: Promise<void> }>>();
  private stale: { config: any; reads: number } | undefined;
  private readonly server = http.createServer((req, res) => this.serve(req, res));
  private readonly sockets = new Set<Socket>();
  private readonly waiters: Array<() => void> = [];

  /** Base URL, valid after `start()`. */
  public url = '';

  /** The next calls of `op` run into these faults, one per call, in order. */
  public fail(op: Op, ...faults: Fault[]): this {
    this.faults.set(op, [...(this.faults.get(op) ?? []), ...faults]);
    return this;
  }

  /** The next `reads` Gets return `config` (a read that lags writes). */
  public serveStale(config: any, reads: number): void {
    this.stale = { config, reads };
  }

  /** Forgets the faults not yet met. */
  public clearFaults(): void {
    this.faults.clear();
  }

  /** The next call of `op` after `after` others waits until released (to interleave invocations at an exact point). */
  public hold(op: Op, after = 0): Hold {
    let reached!: (c: Call) => void;
    let release!: () => void;
    const reachedP = new Promise<Call>((resolve) => { reached = resolve; });
    const released = new Promise<void>((resolve) => { release = resolve; });
    this.holds.set(op, [...(this.holds.get(op) ?? []), { skip: after, reached, released }]);
    return { reached: reachedP, release };
  }

  /** Resolves when `predicate` holds, checking after every call and response (or rejects after `ms`). */
  public async until(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`fake AWS: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 50); });
    }
  }

  /**
   * Makes CloudFormation show what it shows while it waits for the answer to `event`: the resource in the
   * request's in-progress status, the stack in `stackStatus` (by default the request's own: a stack
   * create, update or delete).
   */
  public inFlight(event: { RequestType: string; StackId: string; LogicalResourceId: string }, stackStatus = IN_PROGRESS[event.RequestType]): this {
    return this.stack(event.StackId, stackStatus, { [event.LogicalResourceId]: IN_PROGRESS[event.RequestType] });
  }

  /** Sets a stack's status and the statuses of the resources named (others are kept). */
  public stack(stackId: string, status: string, resources: Record<string, string> = {}, types: Record<string, string> = {}): this {
    const old = this.stacks.get(stackId);
    this.stacks.set(stackId, { status, resources: { ...old?.resources, ...resources }, types: { ...old?.types, ...types } });
    return this;
  }

  /** A pre-signed-looking URL for CloudFormation's answer. */
  public get responseUrl(): string {
    return `${this.url}/cfn-response/stack?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc`;
  }

  /** How many calls of each operation were made. */
  public count(op?: Op): number {
    return op ? [...this.calls, ...this.cfnCalls].filter((c) => c.op === op).length : this.calls.length;
  }

  public async start(): Promise<this> {
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  public async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves once `n` responses have arrived (or rejects after `ms`). */
  public async waitForResponses(n = 1, ms = 10_000): Promise<CfnResponse[]> {
    const end = Date.now() + ms;
    while (this.responses.length < n) {
      if (Date.now() > end) throw new Error(`expected ${n} response(s) at the ResponseURL, got ${this.responses.length}`);
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 50); });
    }
    return this.responses;
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.url?.startsWith('/cfn-response/')) return this.cfnResponse(raw, req, res);
      const target = String(req.headers['x-amz-target'] ?? '');
      let op: Op | undefined;
      if (req.url?.split('?')[0] === LOGGING_PATH) {
        op = ({ PUT: 'PutModelInvocationLoggingConfiguration', GET: 'GetModelInvocationLoggingConfiguration', DELETE: 'DeleteModelInvocationLoggingConfiguration' } as const)[req.method as 'PUT'];
      } else if (req.method === 'POST' && target.startsWith('AmazonSSM.')) {
        op = target.slice('AmazonSSM.'.length) as Op;
      } else if (req.method === 'POST' && /^application\/x-www-form-urlencoded/.test(String(req.headers['content-type']))) {
        const action = new URLSearchParams(raw).get('Action') ?? '';
        if (!CFN_OPS.includes(action)) return this.cfnError(res, 400, 'InvalidAction', `Could not find operation ${action} for version 2010-05-15`);
        op = action as CfnOp;
      }
      if (!op) return this.reply(res, 404, { message: `fake AWS does not serve ${req.method} ${req.url} ${target}` }, 'UnknownOperationException');
      const cfn = CFN_OPS.includes(op);
      const body = cfn ? Object.fromEntries(new URLSearchParams(raw)) : raw ? JSON.parse(raw) : {};
      const call: Call = { op: op!, body, signed: /^AWS4-HMAC-SHA256 /.test(String(req.headers.authorization ?? '')) };
      (cfn ? this.cfnCalls : this.calls).push(call);
      this.waiters.splice(0).forEach((w) => w());
      const holds = this.holds.get(op) ?? [];
      const hold = holds[0]?.skip === 0 ? holds.shift() : undefined;
      if (holds[0] && !hold) holds[0].skip--;
      if (hold) {
        hold.reached(call);
        return void hold.released.then(() => this.handle(op!, body, req, res));
      }
      return this.handle(op, body, req, res);
    });
  }

  private handle(op: Op, body: any, req: http.IncomingMessage, res: http.ServerResponse): void {
    const fault = this.faults.get(op)?.shift();
    if (fault && fault !== 'ok') return this.fault(fault, op, body, req, res);
    if (CFN_OPS.includes(op)) return this.cloudFormation(op as CfnOp, body, res);
    return op.endsWith('Parameter') ? this.ssm(op, body, res) : this.bedrock(op, body, res);
  }

  /** DescribeStackResource and DescribeStacks, as CloudFormation answers them; StackName is a stack id or a name. */
  private cloudFormation(op: CfnOp, body: Record<string, string>, res: http.ServerResponse): void {
    if (body.Version !== '2010-05-15') return this.cfnError(res, 400, 'InvalidParameterValue', `unexpected Version ${body.Version}`);
    const name = body.StackName ?? '';
    const [stackId, stack] = [...this.stacks].find(([id]) => id === name || id.split('/')[1] === name) ?? [];
    if (!stackId || !stack) return this.cfnError(res, 400, 'ValidationError', `Stack with id ${name} does not exist`);
    const stackName = stackId.split('/')[1];
    const x = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const time = '2026-01-01T00:00:00.000Z';
    let result: string;
    if (op === 'DescribeStacks') {
      result = `<Stacks><member><StackId>${x(stackId)}</StackId><StackName>${x(stackName)}</StackName><CreationTime>${time}</CreationTime>`
        + `<StackStatus>${stack.status}</StackStatus><DisableRollback>false</DisableRollback><Capabilities><member>CAPABILITY_IAM</member></Capabilities>`
        + '<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation></member></Stacks>';
    } else {
      const logicalId = body.LogicalResourceId ?? '';
      const status = stack.resources[logicalId];
      if (!status) return this.cfnError(res, 400, 'ValidationError', `Resource ${logicalId} does not exist for stack ${stackName}`);
      result = `<StackResourceDetail><StackName>${x(stackName)}</StackName><StackId>${x(stackId)}</StackId><LogicalResourceId>${x(logicalId)}</LogicalResourceId>`
        + `<ResourceType>${x(stack.types?.[logicalId] ?? CUSTOM_RESOURCE_TYPE)}</ResourceType><LastUpdatedTimestamp>${time}</LastUpdatedTimestamp>`
        + `<ResourceStatus>${status}</ResourceStatus><DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation></StackResourceDetail>`;
    }
    this.xml(res, 200, `<${op}Response xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><${op}Result>${result}</${op}Result>`
      + `<ResponseMetadata><RequestId>req-${this.cfnCalls.length}</RequestId></ResponseMetadata></${op}Response>`);
  }

  /** CloudFormation's error document (awsQuery): the code in Error.Code, Sender or Receiver in Error.Type. */
  private cfnError(res: http.ServerResponse, status: number, code: string, message: string): void {
    this.xml(res, status, '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
      + `<Error><Type>${status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message></Error>`
      + `<RequestId>req-${this.cfnCalls.length}</RequestId></ErrorResponse>`);
  }

  private xml(res: http.ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': `req-${this.cfnCalls.length}` }).end(body);
    this.waiters.splice(0).forEach((w) => w());
  }

  private bedrock(op: Op, body: any, res: http.ServerResponse): void {
    if (op === 'GetModelInvocationLoggingConfiguration') {
      let config = this.config;
      if (this.stale && this.stale.reads-- > 0) config = this.stale.config;
      return this.reply(res, 200, config ? { loggingConfig: this.readView(config) } : {});
    }
    const before = this.config;
    if (op === 'DeleteModelInvocationLoggingConfiguration') {
      this.config = undefined;
    } else {
      const cfg = { ...body.loggingConfig };
      if (!cfg.s3Config && !cfg.cloudWatchConfig) return this.reply(res, 400, { message: 'At least one destination is required' }, 'ValidationException');
      for (const f of this.dropOnPut) delete cfg[f];
      this.config = cfg;
    }
    this.stale = this.lagReads ? { config: before, reads: this.lagReads } : undefined;
    return this.reply(res, 200, {});
  }

  private ssm(op: Op, body: any, res: http.ServerResponse): void {
    const name = body.Name;
    const notFound = () => this.reply(res, 400, { __type: 'com.amazonaws.ssm#ParameterNotFound', message: '' }, undefined, 'json11');
    if (op === 'GetParameter') {
      if (!this.parameters.has(name)) return notFound();
      return this.reply(res, 200, { Parameter: { Name: name, Type: 'String', Value: this.parameters.get(name), Version: 1 } }, undefined, 'json11');
    }
    if (op === 'DeleteParameter') {
      if (!this.parameters.delete(name)) return notFound();
      return this.reply(res, 200, {}, undefined, 'json11');
    }
    if (this.parameters.has(name) && !body.Overwrite) {
      return this.reply(res, 400, { __type: 'ParameterAlreadyExists', message: 'The parameter already exists.' }, undefined, 'json11');
    }
    if (String(body.Value).length > SSM_STANDARD_VALUE_LIMIT && (body.Tier ?? 'Standard') === 'Standard') {
      return this.reply(res, 400, { __type: 'ValidationException', message: `Standard tier parameters support a maximum parameter value of ${SSM_STANDARD_VALUE_LIMIT} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.` }, undefined, 'json11');
    }
    this.parameters.set(name, body.Value);
    return this.reply(res, 200, { Version: 1, Tier: 'Standard' }, undefined, 'json11');
  }

  private fault(fault: Fault, op: Op, body: any, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (CFN_OPS.includes(op)) return this.cfnFault(fault, op, req, res);
    const ssm = op.endsWith('Parameter');
    const err = (status: number, type: string, message: string) => (ssm
      ? this.reply(res, status, { __type: type, message }, undefined, 'json11')
      : this.reply(res, status, { message }, type));
    const bucket = body?.loggingConfig?.s3Config?.bucketName ?? 'unknown';
    switch (fault) {
      case 'propagation': return err(400, 'ValidationException', `Failed to validate permissions for bucket ${bucket} and prefix. Please check the bucket policy`);
      case 'invalid': return err(400, 'ValidationException', 'Value at loggingConfig.s3Config.bucketName failed to satisfy constraint');
      case 'throttle': return err(429, 'ThrottlingException', 'Rate exceeded');
      case 'server-error': return err(500, ssm ? 'InternalServerError' : 'InternalServerException', 'Internal failure');
      case 'access-denied': return err(403, 'AccessDeniedException', `User: arn:aws:sts::123456789012:assumed-role/HandlerRole/fn is not authorized to perform: ${ssm ? 'ssm' : 'bedrock'}:${op} because no identity-based policy allows the ${ssm ? 'ssm' : 'bedrock'}:${op} action`);
      case 'reset': req.socket.destroy(); return;
      case 'hang': return; // answered never; stop() destroys the socket
      case 'applied-then-server-error':
      case 'applied-then-reset': {
        const sink = new http.ServerResponse(req); // the real answer is thrown away
        if (ssm) this.ssm(op, body, sink); else this.bedrock(op, body, sink);
        if (fault === 'applied-then-reset') { req.socket.destroy(); return; }
        return err(500, ssm ? 'InternalServerError' : 'InternalServerException', 'Internal failure');
      }
    }
  }

  /** CloudFormation's answers to the faults that can meet a read: its own codes (Throttling is a 400). */
  private cfnFault(fault: Fault, op: Op, req: http.IncomingMessage, res: http.ServerResponse): void {
    switch (fault) {
      case 'throttle': return this.cfnError(res, 400, 'Throttling', 'Rate exceeded');
      case 'server-error': return this.cfnError(res, 500, 'InternalFailure', 'An internal error occurred.');
      case 'access-denied': return this.cfnError(res, 403, 'AccessDenied', `User: arn:aws:sts::123456789012:assumed-role/HandlerRole/fn is not authorized to perform: cloudformation:${op} on resource: ${[...this.stacks.keys()][0] ?? 'stack'} because no identity-based policy allows the cloudformation:${op} action`);
      case 'invalid': return this.cfnError(res, 400, 'ValidationError', '1 validation error detected');
      case 'reset': req.socket.destroy(); return;
      case 'hang': return;
      default: throw new Error(`fake AWS: fault ${fault} does not apply to CloudFormation's ${op}`);
    }
  }

  private cfnResponse(raw: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const status = this.responseStatuses.shift() ?? 200;
    if (status < 300) this.responses.push({ ...JSON.parse(raw), bytes: Buffer.byteLength(raw), contentType: req.headers['content-type'] });
    this.waiters.splice(0).forEach((w) => w());
    void (this.responseGate ?? Promise.resolve()).then(() => {
      res.writeHead(status).end();
      this.responsesAnswered++;
    });
  }

  private reply(res: http.ServerResponse, status: number, body: unknown, errorType?: string, protocol: 'rest' | 'json11' = 'rest'): void {
    const headers: http.OutgoingHttpHeaders = {
      'content-type': protocol === 'json11' ? 'application/x-amz-json-1.1' : 'application/json',
      'x-amzn-requestid': `req-${this.calls.length}`,
    };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers).end(JSON.stringify(body));
    this.waiters.splice(0).forEach((w) => w());
  }
}
