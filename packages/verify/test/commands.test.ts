/**
 * The `verify` commands of docs/verify.md ("Verifying an account"): `npm run verify --` in this repository
 * (what a clone has) is run as written against the fake account over HTTP, with nothing of the
 * machine's AWS settings. The installed command (`npx cdk-bedrock-invocation-logging-verify`) is run
 * from the packed tarball in a separate directory by `npm run check:consumer` (CI).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeAws, healthyAccount, NOPS_ROLE } from './fake-aws';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const fake = new FakeAws(healthyAccount(new Date()));

beforeAll(async () => {
  await fake.start();
});

afterAll(async () => {
  await fake.stop();
});

/** The `sh` block of docs/verify.md's section "Verifying an account": its commands, continuation lines joined. */
function readmeCommands(): string[] {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'verify.md'), 'utf8');
  const section = page.slice(page.indexOf('## Verifying an account'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  return block.replace(/\\\n\s*/g, '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The machine's settings npm needs to reach its registry; nothing of AWS. */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'NODE_EXTRA_CA_CERTS', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
}

function sh(command: string, cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { cwd, env, timeout: 280_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Runs a documented command against the fake: us-east-1 is healthy, eu-west-1 has logging off. */
async function runAgainstFake(command: string, cwd: string): Promise<void> {
  const run = await sh(command, cwd, { ...baseEnv(), ...fake.env(), NO_COLOR: '1' });
  // Exit 1: eu-west-1 has logging off; us-east-1 (the deployed stack) passes every check.
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: '' });
  const [, east, west] = run.stdout.split(/^(?=(?:us-east-1|eu-west-1) {2}\[)/m);
  expect(east).toMatch(/^us-east-1 {2}\[16 pass, 0 fail, 0 warn, 6 skip\]/);
  expect(west).toMatch(/^eu-west-1 {2}\[2 pass, 1 fail, 0 warn, 19 skip\]/);
  expect(west).toMatch(/^ {2}FAIL {2}Model invocation logging enabled +model invocation logging is off in eu-west-1$/m);
  // Once for the account: its roles on the library's IAM path, each held by the stack in us-east-1.
  expect(run.stdout).toMatch(/^global {2}\[1 pass, 0 fail, 0 warn, 0 skip\]\n {2}PASS {2}Library IAM path: stack roles only /m);
  expect(run.stdout).toMatch(/FAIL: 1 check failed in 2 Regions and the global checks\n$/);
}

test('docs/verify.md documents one command for a clone and one for an installed package', () => {
  const commands = readmeCommands();
  expect(commands).toEqual([
    `npx cdk-bedrock-invocation-logging-verify --regions us-east-1,eu-west-1 --nops-role-name ${NOPS_ROLE} --key-prefix bedrock`,
    `npm run verify -- --regions us-east-1,eu-west-1 --nops-role-name ${NOPS_ROLE}`,
  ]);
});

// --help: in process in cli.test.ts, and installed from the tarball in `npm run check:consumer`.
test('from a clone: docs/verify.md\'s "npm run verify --" command runs verify', async () => {
  const clone = readmeCommands().find((c) => c.startsWith('npm run verify'))!;
  await runAgainstFake(clone, ROOT);
}, 300_000);
