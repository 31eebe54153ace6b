/**
 * The command line against the local fake: exit codes 0, 1 and 2, errors on one line and no stack
 * trace. `main` runs in this process with the environment given (what the entry point does with
 * process.argv); one test runs the real process (`node --require ./tooling/ts-register.js packages/verify/src/cli.ts`).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../src/cli';
import { FakeAws, healthyAccount, NOPS_ROLE } from './fake-aws';
import { HEALTHY, LOGGING_OFF, management, members, ROLE, UNREACHABLE } from './organization-world';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'packages', 'verify', 'src', 'cli.ts');
const fake = new FakeAws(healthyAccount(new Date()));

beforeAll(async () => {
  const account = healthyAccount(new Date());
  account.logging['eu-west-1'] = undefined;
  fake.reset(account);
  await fake.start();
});

afterAll(async () => {
  await fake.stop();
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `main` with only the environment given (no AWS settings of the machine leak in): process.env
 * is replaced for the run, as the SDK reads credentials from it. One run at a time.
 */
async function cli(args: string[], env: Record<string, string> = fake.env()): Promise<Run> {
  const saved = process.env;
  process.env = { PATH: saved.PATH ?? '', HOME: '/nonexistent-home', NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env };
  const stdout: string[] = [];
  const stderr: string[] = [];
  try {
    const code = await main(args, { stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: (t: string) => stderr.push(t) }, env: process.env });
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.env = saved;
  }
}

/** Runs the CLI as a process, with only the environment given. */
function cliProcess(args: string[], env: Record<string, string> = fake.env()): Promise<Run> {
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: '/nonexistent-home',
    NO_COLOR: '1',
  };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--require', path.join(ROOT, 'tooling', 'ts-register.js'), CLI, ...args], { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^error: .+\n$/);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

test('exit 0 with a table when nothing fails; exit 1 and JSON when a check fails', async () => {
  const healthy = await cli(['verify', '--regions', 'us-east-1', '--nops-role-name', NOPS_ROLE, '--key-prefix', 'bedrock/']);
  const off = await cli(['verify', '--regions=eu-west-1', '--json']);
  // A Region without Bedrock: its endpoint does not resolve (".invalid" never does).
  const unresolved = await cli(['--regions', 'ap-none-1', '--json'], { ...fake.env(), AWS_ENDPOINT_URL_BEDROCK: 'http://bedrock.ap-none-1.invalid' });
  expect(healthy.stderr).toBe('');
  expect(healthy.stdout).toMatch(/^us-east-1 {2}\[/m);
  expect(healthy.stdout).toMatch(/^ {2}PASS {2}Model invocation logging enabled/m);
  expect(healthy.stdout).toMatch(/^ {2}PASS {2}nOps may read the prefix/m);
  expect(healthy.stdout).toMatch(/PASS: nothing failed in 1 Region and the global checks\n$/);
  expect(healthy.code).toBe(0);

  expect(off.code).toBe(1);
  const report = JSON.parse(off.stdout);
  expect(report).toMatchObject({ exitCode: 1, ok: false, regions: [{ region: 'eu-west-1' }] });
  expect(report.regions[0].checks.find((c: { id: string }) => c.id === 'logging-enabled').status).toBe('FAIL');

  expect(unresolved.code).toBe(1);
  const [row] = JSON.parse(unresolved.stdout).regions[0].checks;
  expect(row).toMatchObject({ id: 'bedrock-available', status: 'FAIL', detail: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) });
}, 60_000);

test('usage errors: exit 2, one line on stderr, no stack trace; --help exits 0', async () => {
  fake.calls.length = 0;
  const missing = await cli(['verify']);
  const unknown = await cli(['verify', '--regions', 'us-east-1', '--bogus']);
  const help = await cli(['--help']);
  expectOneLineError(missing, /--regions is required/);
  expectOneLineError(unknown, /Unknown option '--bogus'/);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: cdk-bedrock-invocation-logging-verify [verify] --regions');
  // Usage errors never reach AWS.
  expect(fake.calls).toHaveLength(0);
}, 60_000);

test('credential errors: exit 2 with one line, none found or refused', async () => {
  const env = fake.env();
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...withoutKeys } = env;
  const account = healthyAccount(new Date());
  account.stsError = { status: 403, code: 'ExpiredToken', message: 'The security token included in the request is expired' };
  fake.reset(account);
  const noneRun = await cli(['verify', '--regions', 'us-east-1'], withoutKeys);
  const refused = await cli(['verify', '--regions', 'us-east-1', '--json'], env);
  expectOneLineError(noneRun, /no AWS credentials found/);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/^error: the AWS credentials were refused \(ExpiredToken: The security token included in the request is expired\)/);
  expect(refused.stderr).not.toMatch(/\n\s+at /);
  expect(JSON.parse(refused.stdout)).toEqual({ exitCode: 2, error: expect.stringContaining('ExpiredToken') });
}, 60_000);

test('organization mode as a process: healthy, logging off and unreachable accounts as CSV rows, the nOps role found by pattern, exit 1', async () => {
  // GIVEN the caller is the management account; the third member has no role to assume
  fake.reset(management(), { accounts: members(new Date()) });
  // WHEN
  const run = await cliProcess(['verify', '--accounts', `${HEALTHY},${LOGGING_OFF},${UNREACHABLE}`, '--regions', 'us-east-1,eu-west-1', '--assume-role-name', ROLE,
    '--nops-role-name', 'Nops-Integration-*', '--csv']);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  // THEN
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: '' });
  const lines = run.stdout.split('\r\n');
  expect(lines[0]).toBe('account,name,region,status,access,s3_data_prefix,last_log,problem,fix');
  expect(lines.slice(1, -1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([
    // The caller's fake account is in no organization: the SCPs above the accounts cannot be read (WARN).
    `${HEALTHY},,us-east-1,PASS,assumed-role`, `${HEALTHY},,eu-west-1,PASS,assumed-role`, `${HEALTHY},,global,WARN,assumed-role`,
    `${LOGGING_OFF},,us-east-1,FAIL,assumed-role`, `${LOGGING_OFF},,eu-west-1,FAIL,assumed-role`, `${LOGGING_OFF},,global,WARN,assumed-role`,
    `${UNREACHABLE},,us-east-1,FAIL,unreachable`, `${UNREACHABLE},,eu-west-1,FAIL,unreachable`,
  ]);
  expect(lines[1].split(',')[5]).toMatch(/^s3:\/\/[a-z0-9.-]+\/bedrock\/$/);
  expect(fake.assumeRoles.map((r) => r.granted)).toEqual([true, true, false]);
  // The healthy account's PASS includes its nOps role, found by listing its roles.
  expect(fake.calls.some((c) => c.account === HEALTHY && c.operation === 'ListRoles')).toBe(true);
}, 60_000);
