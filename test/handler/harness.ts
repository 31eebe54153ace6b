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

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/S/11111111-2222-3333-4444-555555555555`;
export const STABLE_ID = `bedrock-invocation-logging-${ACCOUNT}-${REGION}`;

/** The default deployable stack's template and the handler's inline code text in it. */
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
    'const event = JSON.parse(process.env.BIL_EVENT);',
    'const end = Date.now() + Number(process.env.BIL_REMAINING_MS || 240000);',
    "const context = { getRemainingTimeInMillis: () => end - Date.now(), functionName: 'fn', awsRequestId: 'r' };",
    "const t0 = Date.now(); const { handler } = require('./index.js');",
    // As in Lambda, the invocation ends when the handler's promise settles; leftover work is frozen.
    'handler(event, context).then(() => process.exit(0), (e) => { console.error("HANDLER REJECTED", e); process.exit(3); });',
  ].join('\n'));
  return dir;
}

export interface RunResult { readonly exitCode: number | null; readonly stdout: string; readonly stderr: string; readonly ms: number }

/** Environment that points the real SDK at the fake, with dummy credentials and nothing from the host. */
export function awsEnv(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
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

/** Runs one invocation in a child `node` process. */
export function runHandler(dir: string, event: unknown, env: Record<string, string>, remainingMs = 240_000): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['run.js'], {
      cwd: dir,
      env: { ...env, BIL_EVENT: JSON.stringify(event), BIL_REMAINING_MS: String(remainingMs) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr, ms: Date.now() - t0 }));
  });
}

let requestCounter = 0;

/** A CloudFormation custom resource event for the stack in `STACK_ID`. */
export function cfnEvent(requestType: 'Create' | 'Update' | 'Delete', responseUrl: string, props: Record<string, unknown>, extra: Record<string, unknown> = {}): any {
  return {
    RequestType: requestType,
    ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn`,
    ResponseURL: responseUrl,
    StackId: STACK_ID,
    RequestId: `req-${++requestCounter}`,
    LogicalResourceId: 'InvocationLoggingConfiguration',
    ResourceType: 'Custom::BedrockModelInvocationLogging',
    ResourceProperties: { ServiceToken: 'arn', ...props },
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: STABLE_ID }),
    ...extra,
  };
}
