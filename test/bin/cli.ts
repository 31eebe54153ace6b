import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `cdk` CLI in the repository (so it reads cdk.json, unless `app` overrides it),
 * writing the cloud assembly to a temporary directory and with no AWS credentials. Asynchronous, so
 * that a test file can run its commands side by side.
 */
export async function cdk(args: string[], options: { app?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  // Two at a time: each is a CPU-bound synth, and the machine has two cores.
  while (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await runCdk(args, options);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

let running = 0;
const waiting: Array<() => void> = [];

async function runCdk(args: string[], options: { app?: string; env?: Record<string, string> }): Promise<CliResult> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-cli-test-'));
  try {
    const appArgs = options.app ? ['--app', options.app] : [];
    return await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(CDK, [...args, ...appArgs, '--output', out, '--no-notices', '--no-version-reporting'], {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_REGION: 'us-east-1',
          AWS_CONFIG_FILE: path.join(out, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(out, 'none'),
          AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true',
          CDK_CONTEXT_JSON: undefined, // test/support/setup-env.js's, not the user's
          ...options.env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/**
 * An `app` command for another entry point (the fixture apps), started as cdk.json starts bin/app.ts
 * (tooling/ts-register.js); the tests that pass no `app` run cdk.json's own command.
 */
export function tsApp(file: string): string {
  return `node --require ./tooling/ts-register.js ${file}`;
}
