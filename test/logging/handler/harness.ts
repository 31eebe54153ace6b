/**
 * Runs the handler exactly as CloudFormation deploys it: the inline code text is taken from the
 * synthesized template, written as index.js, and run by `node` with the real AWS SDK from this repo.
 * Used by wire.test.ts and scripts/bench-handler.ts.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import { BedrockInvocationLoggingStack } from '../../../lib';
import { REGION, STACK_ID } from './events';

export * from './events';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The environment variable through which the template tells the function its stack id. */
const { STACK_VAR } = require('../../../lib/logging/handler/index.js') as { STACK_VAR: string };
/** Where the handler's process finds the AWS SDK, as the Lambda runtime provides it. */
const NODE_PATH = path.join(REPO_ROOT, 'node_modules');

/** The default deployable stack's template and the handler's inline code text in it (what Lambda runs). */
export function synthesizedHandler(): { template: any; code: string; resourceProperties: Record<string, unknown> } {
  const app = new App();
  const stack = new BedrockInvocationLoggingStack(app, 'S', { synthesizer: new BootstraplessSynthesizer() });
  const template = app.synth().getStackByName(stack.stackName).template;
  const cfg = stack.invocationLogging.loggingConfiguration;
  const fnId = Stack.of(cfg).getLogicalId(cfg.handler.node.defaultChild as any);
  const code = template.Resources[fnId]?.Properties?.Code?.ZipFile;
  if (typeof code !== 'string') throw new Error(`no inline code on ${fnId}`);
  const cr = Object.values<any>(template.Resources).find((r) => r.Type === 'Custom::BedrockModelInvocationLogging');
  const { ServiceToken, ServiceTimeout, ...props } = cr.Properties;
  return { template, code, resourceProperties: props };
}

/**
 * Installs the test clock on a freshly loaded handler module. BIL_VIRTUAL_CLOCK: sleeps pass at once,
 * so budgets (2 minutes of retries, 15 s of read-after-write) cost no real time and attempts are what
 * tests count. BIL_MANUAL_TIMER: the timeout timer fires only when the test writes "timeout" on stdin.
 */
const CLOCK_JS = `
function installClock(handlerModule, timers) {
  if (process.env.BIL_VIRTUAL_CLOCK) {
    let now = Date.now();
    handlerModule.clock.now = () => now;
    handlerModule.clock.sleep = (ms) => { now += ms; return new Promise((resolve) => setImmediate(resolve)); };
  }
  if (process.env.BIL_MANUAL_TIMER) handlerModule.clock.after = (ms, f) => { timers.push(f); };
}
function lambdaContext(remainingMs) {
  const end = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => end - Date.now(), functionName: 'fn', awsRequestId: 'r' };
}
`;

/**
 * Writes `code` as index.js into a fresh temp dir, with two Lambda-like runners: run.js (one process
 * per run, as a cold start) and serve.js (a warm process that runs job after job, see WarmHandler).
 */
export function writeHandlerDir(code: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bil-handler-'));
  fs.writeFileSync(path.join(dir, 'index.js'), code);
  fs.writeFileSync(path.join(dir, 'run.js'), `'use strict';${CLOCK_JS}
// One event, or several run one after the other in the same process, as a reused Lambda container
// runs them. Each line on stdin is a command: "timeout" fires the timer (BIL_MANUAL_TIMER), any other
// line lets the next event start.
const events = [].concat(JSON.parse(process.env.BIL_EVENT));
const handlerModule = require('./index.js');
const timers = [];
installClock(handlerModule, timers);
const lines = [];
let wake = () => {};
require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'timeout') timers.splice(0).forEach((f) => f());
  else { lines.push(line); wake(); }
});
(async () => {
  for (const [i, event] of events.entries()) {
    if (i) while (!lines.shift()) await new Promise((resolve) => { wake = resolve; });
    timers.length = 0;
    const context = lambdaContext(Number(process.env.BIL_REMAINING_MS || 240000));
    // As in Lambda, an invocation ends when the handler's promise settles; leftover work is not awaited.
    const t0 = Date.now();
    await handlerModule.handler(event, context);
    console.log(\`BIL_HANDLER_MS=\${Date.now() - t0}\`);
  }
  process.exit(0);
})().catch((e) => { console.error("HANDLER REJECTED", e); process.exit(3); });
`);
  fs.writeFileSync(path.join(dir, 'serve.js'), `'use strict';${CLOCK_JS}
// A warm process: each IPC message {env, event, remainingMs} loads index.js afresh under that
// environment (the AWS SDK stays loaded, as in a warm container) and runs one invocation; the answer
// is {exitCode, stdout, stderr, handlerMs}. For runs that end cleanly: a run that leaves work behind
// (the timer answered first) belongs in its own process (run.js).
const index = require.resolve('./index.js');
const output = { stdout: '', stderr: '' };
const write = (key) => (...args) => { output[key] += require('util').format(...args) + '\\n'; };
console.log = console.info = write('stdout');
console.warn = console.error = write('stderr');
process.on('message', async ({ env, event, remainingMs }) => {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
  delete require.cache[index];
  output.stdout = output.stderr = '';
  let exitCode = 0, handlerMs;
  try {
    const handlerModule = require(index);
    installClock(handlerModule, []);
    const t0 = Date.now();
    await handlerModule.handler(event, lambdaContext(remainingMs));
    handlerMs = Date.now() - t0;
  } catch (e) {
    console.error('HANDLER REJECTED', e);
    exitCode = 3;
  }
  process.send({ exitCode, handlerMs, ...output });
});
`);
  return dir;
}

export interface RunResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the child process (node start-up included). */
  readonly ms: number;
  /** Time from the handler call to its promise settling (lazy SDK load included), when it settled. */
  readonly handlerMs?: number;
}

/**
 * Environment that points the real SDK at the fake, with dummy credentials and nothing from the host;
 * the function belongs to the stack STACK_ID, as the template sets it.
 */
export function awsEnv(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BIL_VIRTUAL_CLOCK: '1',
    PATH: process.env.PATH ?? '',
    NODE_PATH,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_BEDROCK: endpoint,
    AWS_ENDPOINT_URL_SSM: endpoint,
    AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
    [STACK_VAR]: STACK_ID,
    ...extra,
  };
}

/** A running child process of the handler; write a line to `stdin` to start its next event. */
export interface HandlerProcess {
  readonly stdin: NodeJS.WritableStream;
  readonly done: Promise<RunResult>;
  /** Ends the process at once, as Lambda ends an invocation at its timeout. */
  kill(): void;
}

/** Starts the invocation(s) of `events` in a child `node` process (several: a reused container). */
export function startHandler(dir: string, events: unknown, env: Record<string, string>, remainingMs = 240_000): HandlerProcess {
  const t0 = Date.now();
  const child = spawn(process.execPath, ['run.js'], {
    cwd: dir,
    env: { ...env, BIL_EVENT: JSON.stringify(events), BIL_REMAINING_MS: String(remainingMs) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const m = /BIL_HANDLER_MS=(\d+)/.exec(stdout);
      resolve({ exitCode, stdout, stderr, ms: Date.now() - t0, handlerMs: m ? Number(m[1]) : undefined });
    });
  });
  return { stdin: child.stdin, done, kill: () => child.kill('SIGKILL') };
}

/** Runs one invocation in a child `node` process. */
export function runHandler(dir: string, event: unknown, env: Record<string, string>, remainingMs = 240_000): Promise<RunResult> {
  const p = startHandler(dir, event, env, remainingMs);
  p.stdin.end();
  return p.done;
}

/**
 * One warm `node` process (serve.js) that runs invocations one at a time, each with the handler text
 * loaded afresh under its own environment: the SDK loads once per test file instead of once per run.
 * Runs that must end the process, meet another process or leave work behind use startHandler instead.
 */
export class WarmHandler {
  private readonly child: ChildProcess;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    // NODE_PATH is read once, at start-up: each job's environment repeats it (awsEnv).
    const env = { PATH: process.env.PATH ?? '', NODE_PATH };
    this.child = spawn(process.execPath, ['serve.js'], { cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  /** Runs one invocation of `event` with `env` (as awsEnv makes it) and `remainingMs` on the Lambda clock. */
  run(event: unknown, env: Record<string, string>, remainingMs = 240_000): Promise<RunResult> {
    const next = this.queue.then(() => new Promise<RunResult>((resolve, reject) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        reject(new Error(`warm handler process has exited (${this.child.exitCode ?? this.child.signalCode})`));
        return;
      }
      const t0 = Date.now();
      const onExit = (code: number | null) => reject(new Error(`warm handler process exited ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (m: any) => {
        this.child.off('exit', onExit);
        resolve({ exitCode: m.exitCode, stdout: m.stdout, stderr: m.stderr, ms: Date.now() - t0, handlerMs: m.handlerMs });
      });
      this.child.send({ env, event, remainingMs });
    }));
    this.queue = next.catch(() => undefined);
    return next;
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
