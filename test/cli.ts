import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `cdk` CLI in the repository (so it reads cdk.json, unless `app` overrides it),
 * writing the cloud assembly to a temporary directory and with no AWS credentials.
 */
export function cdk(args: string[], options: { app?: string; env?: Record<string, string> } = {}): CliResult {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-cli-test-'));
  try {
    const appArgs = options.app ? ['--app', options.app] : [];
    const result = spawnSync(CDK, [...args, ...appArgs, '--output', out, '--no-notices', '--no-version-reporting'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_REGION: 'us-east-1',
        AWS_CONFIG_FILE: path.join(out, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(out, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true',
        ...options.env,
      },
      timeout: 300_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** The `app` command of cdk.json, for another entry point. */
export function tsApp(file: string): string {
  return `npx ts-node --transpile-only --prefer-ts-exts ${file}`;
}
