/**
 * End to end: the command line as a user runs it (`node -r ts-node/register packages/verify/src/cli.ts`),
 * against the local fake, checking exit codes 0, 1 and 2 and that errors print one line and no
 * stack trace.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
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

/** Runs the CLI with only the environment given (no AWS settings of the machine leak in). */
function cli(args: string[], env: Record<string, string> = fake.env()): Promise<Run> {
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: '/nonexistent-home',
    TS_NODE_TRANSPILE_ONLY: 'true',
    // TypeScript 6 wants rootDir when ts-node compiles files one by one.
    TS_NODE_COMPILER_OPTIONS: JSON.stringify({ rootDir: ROOT }),
    NO_COLOR: '1',
  };
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', 'ts-node/register', CLI, ...args], { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
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
  const [healthy, off, unresolved] = await Promise.all([
    cli(['verify', '--regions', 'us-east-1', '--nops-role-name', NOPS_ROLE, '--key-prefix', 'bedrock/']),
    cli(['verify', '--regions=eu-west-1', '--json']),
    // A Region without Bedrock: its endpoint does not resolve (".invalid" never does).
    cli(['--regions', 'ap-none-1', '--json'], { ...fake.env(), AWS_ENDPOINT_URL_BEDROCK: 'http://bedrock.ap-none-1.invalid' }),
  ]);
  expect(healthy.stderr).toBe('');
  expect(healthy.stdout).toMatch(/^us-east-1 {2}\[/m);
  expect(healthy.stdout).toMatch(/^ {2}PASS {2}Model invocation logging enabled/m);
  expect(healthy.stdout).toMatch(/^ {2}PASS {2}nOps may read the prefix/m);
  expect(healthy.stdout).toMatch(/PASS: nothing failed in 1 Region\n$/);
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
  const [missing, unknown, help] = await Promise.all([
    cli(['verify']),
    cli(['verify', '--regions', 'us-east-1', '--bogus']),
    cli(['--help']),
  ]);
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
  const [noneRun, refused] = await Promise.all([
    cli(['verify', '--regions', 'us-east-1'], withoutKeys),
    cli(['verify', '--regions', 'us-east-1', '--json'], env),
  ]);
  expectOneLineError(noneRun, /no AWS credentials found/);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/^error: the AWS credentials were refused \(ExpiredToken: The security token included in the request is expired\)/);
  expect(refused.stderr).not.toMatch(/\n\s+at /);
  expect(JSON.parse(refused.stdout)).toEqual({ exitCode: 2, error: expect.stringContaining('ExpiredToken') });
}, 60_000);

test('organization mode as a process: healthy, logging off and unreachable accounts as CSV rows, exit 1', async () => {
  // GIVEN the caller is the management account; the third member has no role to assume
  fake.reset(management(), { accounts: members(new Date()) });
  // WHEN
  const run = await cli(['verify', '--accounts', `${HEALTHY},${LOGGING_OFF},${UNREACHABLE}`, '--regions', 'us-east-1,eu-west-1', '--assume-role-name', ROLE, '--csv']);
  // THEN
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: '' });
  const lines = run.stdout.split('\r\n');
  expect(lines[0]).toBe('account,name,region,status,access,s3_data_prefix,last_log,problem,fix');
  expect(lines.slice(1, -1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([
    `${HEALTHY},,us-east-1,PASS,assumed-role`, `${HEALTHY},,eu-west-1,PASS,assumed-role`,
    `${LOGGING_OFF},,us-east-1,FAIL,assumed-role`, `${LOGGING_OFF},,eu-west-1,FAIL,assumed-role`,
    `${UNREACHABLE},,us-east-1,FAIL,unreachable`, `${UNREACHABLE},,eu-west-1,FAIL,unreachable`,
  ]);
  expect(lines[1].split(',')[5]).toMatch(/^s3:\/\/[a-z0-9.-]+\/bedrock\/$/);
  expect(fake.assumeRoles.map((r) => r.granted)).toEqual([true, true, false]);
}, 60_000);
