/**
 * Runs the handler exactly as CloudFormation deploys it: the inline code text is taken from the
 * synthesized template, written as index.js, and run by `node` with the real AWS SDK from this repo.
 * Used by wire.test.ts and scripts/bench-handler.ts.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import { BedrockInvocationLoggingStack } from '../../lib';
import { REGION } from './events';

export * from './events';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

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

/** Writes `code` as index.js plus a tiny Lambda-like runner into a fresh temp dir. */
export function writeHandlerDir(code: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bil-handler-'));
  fs.writeFileSync(path.join(dir, 'index.js'), code);
  fs.writeFileSync(path.join(dir, 'run.js'), [
    "'use strict';",
    // One event, or several run one after the other in the same process, as a reused Lambda container
    // runs them; before each later one the runner waits for a line on stdin.
    'const events = [].concat(JSON.parse(process.env.BIL_EVENT));',
    "const handlerModule = require('./index.js');",
    // BIL_VIRTUAL_CLOCK: the handler's clock hook gets a clock whose sleeps pass at once, so budgets
    // (2 minutes of retries, 15 s of read-after-write) cost no real time and attempts are what tests count.
    'if (process.env.BIL_VIRTUAL_CLOCK) {',
    '  let now = Date.now();',
    '  handlerModule.clock.now = () => now;',
    '  handlerModule.clock.sleep = (ms) => { now += ms; return new Promise((resolve) => setImmediate(resolve)); };',
    '}',
    '(async () => {',
    '  for (const [i, event] of events.entries()) {',
    "    if (i) await new Promise((resolve) => process.stdin.once('data', resolve));",
    '    const end = Date.now() + Number(process.env.BIL_REMAINING_MS || 240000);',
    "    const context = { getRemainingTimeInMillis: () => end - Date.now(), functionName: 'fn', awsRequestId: 'r' };",
    // As in Lambda, an invocation ends when the handler's promise settles; leftover work is not awaited.
    '    const t0 = Date.now();',
    '    await handlerModule.handler(event, context);',
    '    console.log(`BIL_HANDLER_MS=${Date.now() - t0}`);',
    '  }',
    '  process.exit(0);',
    '})().catch((e) => { console.error("HANDLER REJECTED", e); process.exit(3); });',
  ].join('\n'));
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

/** Environment that points the real SDK at the fake, with dummy credentials and nothing from the host. */
export function awsEnv(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BIL_VIRTUAL_CLOCK: '1',
    PATH: process.env.PATH ?? '',
    NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_BEDROCK: endpoint,
    AWS_ENDPOINT_URL_SSM: endpoint,
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
