#!/usr/bin/env node
/**
 * The packages as users meet them, in temporary directories with nothing of this repository on
 * their module path:
 *
 * 1. the construct library: `npm pack`, then a separate TypeScript CDK app set up as `cdk init app
 *    --language typescript` does (its strict tsconfig) that installs the tarball. Installing
 *    it must add no package but the library itself (its only dependencies are the peers the app
 *    already has). The app (test/support/fixtures/consumer-app.ts) is compiled and run with
 *    `JSII_DEPRECATED=fail` twice: with the newest aws-cdk-lib the peer range allows (what a new user
 *    gets), and with the peer floor (the version this repository is developed with).
 * 2. the same app with an aws-cdk-lib below the peer floor, from the registry: loading the library
 *    fails with one line naming the version needed (not a TypeError deep in a construct).
 * 3. the verify CLI: `npm pack -w packages/verify`, installed into an empty directory, where
 *    `npx cdk-bedrock-invocation-logging-verify --help` exits 0 and a run without credentials exits 2
 *    with one line on stderr.
 *
 *   npm run check:consumer            (CI runs it after the build)
 *
 * Exits non-zero if any step fails. Plain JavaScript: it needs nothing but Node.js and npm.
 */
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-check-'));
const run = (cmd, args, cwd, env) => execFileSync(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
const npmInstall = (dir, specs) => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs], dir);

/** The aws-cdk-lib a fresh app gets (the newest the peer range allows) and the floor of that range. */
const PEER_RANGE = pkg.peerDependencies['aws-cdk-lib'];
const FLOOR = PEER_RANGE.replace(/^\^/, '');
const CONSTRUCTS_FLOOR = pkg.peerDependencies.constructs.replace(/^\^/, '');
/** Below the floor, and old enough to lack `Validations` (2.252 has it): without the check, `TypeError ... reading 'of'`. */
const BELOW_FLOOR = '2.245.0';
/**
 * The tsconfig `cdk init app --language typescript` writes (from the CLI this repository pins), but
 * emitting app.js and without jest types. Its skipLibCheck stays on, as users have it (aws-cdk-lib's
 * own declarations do not check without it); jsii has compiled the library's declarations strictly.
 */
function initTsconfig() {
  const template = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('aws-cdk/package.json', { paths: [root] })),
    'lib', 'init-templates', 'app', 'typescript', 'tsconfig.json'), 'utf8'));
  return { ...template, compilerOptions: { ...template.compilerOptions, noEmit: false, types: ['node'] }, include: ['app.ts'] };
}

try {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root))[0];
  const tarball = path.join(work, packed.filename);
  const fresh = newApp('app', tarball, PEER_RANGE);
  if (fresh.added.length !== 1 || !fresh.added[0].startsWith(`${pkg.name}@`)) {
    throw new Error(`installing ${packed.filename} must add only the library, but it added: ${fresh.added.join(', ')}`);
  }
  compileAndRun(fresh.dir);
  // The floor: both peers at exactly the lowest version their ranges admit, checked where the app loads them.
  const floorApp = newApp('app-floor', tarball, FLOOR, [], CONSTRUCTS_FLOOR).dir;
  for (const [name, version] of [['aws-cdk-lib', FLOOR], ['constructs', CONSTRUCTS_FLOOR]]) {
    const loaded = require(path.join(floorApp, 'node_modules', name, 'package.json')).version;
    if (loaded !== version) throw new Error(`the floor run must load ${name} ${version}, but the app holds ${loaded}`);
  }
  compileAndRun(floorApp);
  process.stdout.write(`consumer check: ${packed.filename} (${packed.size} bytes packed, ${packed.entryCount} files); `
    + `installing it added ${fresh.added.length} package: ${fresh.added.join(', ')}; strict TypeScript compile and run with aws-cdk-lib ${PEER_RANGE} and at the floor (aws-cdk-lib ${FLOOR}, constructs ${CONSTRUCTS_FLOOR})\n`);
  checkBelowFloor(newApp('app-below-floor', tarball, BELOW_FLOOR, ['--legacy-peer-deps']).dir);
  checkVerifyPackage();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

/**
 * A fresh app directory with aws-cdk-lib `cdkLib` (a version or range), constructs, the consumer's
 * own cdk-nag and the compiler, then the library from its tarball; returns what the tarball added.
 */
function newApp(name, tarball, cdkLib, flags = [], constructs = pkg.peerDependencies.constructs) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '0.0.0', private: true }));
  npmInstall(dir, [`aws-cdk-lib@${cdkLib}`, `constructs@${constructs}`,
    ...['cdk-nag', 'typescript', '@types/node'].map((n) => `${n}@${pkg.devDependencies[n]}`), ...flags]);
  const before = installedPackages(dir);
  npmInstall(dir, [tarball, ...flags]);
  return { dir, added: installedPackages(dir).filter((p) => !before.includes(p)) };
}

/** test/support/fixtures/consumer-app.ts compiled with the cdk init tsconfig, then run with JSII_DEPRECATED=fail. */
function compileAndRun(app) {
  fs.copyFileSync(path.join(root, 'test', 'support', 'fixtures', 'consumer-app.ts'), path.join(app, 'app.ts'));
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(initTsconfig(), undefined, 2));
  try {
    run('npx', ['--no-install', 'tsc', '-p', '.'], app);
  } catch (e) {
    throw new Error(`the consumer app does not compile (strict):\n${e.stdout}`);
  }
  process.stdout.write(run('node', ['app.js'], app, { ...process.env, JSII_DEPRECATED: 'fail' }));
}

/** An aws-cdk-lib below the peer floor: loading the library fails with one line naming the version needed. */
function checkBelowFloor(app) {
  fs.writeFileSync(path.join(app, 'below-floor.js'), [
    "const { App, Stack } = require('aws-cdk-lib');",
    "const { BedrockInvocationLogging } = require('cdk-bedrock-invocation-logging');",
    "new BedrockInvocationLogging(new Stack(new App(), 'S'), 'Logging');",
  ].join('\n'));
  const r = spawnSync('node', ['below-floor.js'], { cwd: app, encoding: 'utf8' });
  const lines = r.stderr.split('\n').filter((l) => l.includes('cdk-bedrock-invocation-logging needs aws-cdk-lib'));
  const expected = `Error: cdk-bedrock-invocation-logging needs aws-cdk-lib ${FLOOR} or later (peer dependency ${PEER_RANGE}), but this app loads aws-cdk-lib ${BELOW_FLOOR} from `;
  if (r.status === 0 || lines.length !== 1 || !lines[0].startsWith(expected) || /TypeError/.test(r.stderr)) {
    throw new Error(`aws-cdk-lib ${BELOW_FLOOR}: expected exit 1 and the one-line floor error, got ${r.status}:\n${r.stderr}`);
  }
  process.stdout.write(`consumer check: with aws-cdk-lib ${BELOW_FLOOR} loading the library exits ${r.status}: ${lines[0].replace(app, '<app>')}\n`);
}

/** The verify CLI from its own tarball, in an empty directory. */
function checkVerifyPackage() {
  const packed = JSON.parse(run('npm', ['pack', '--json', '-w', 'packages/verify', '--pack-destination', work], root))[0];
  const dir = path.join(work, 'verify');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'ops-tools', version: '0.0.0', private: true }));
  npmInstall(dir, [path.join(work, packed.filename)]);
  const help = run('npx', ['--no-install', 'cdk-bedrock-invocation-logging-verify', '--help'], dir);
  if (!help.startsWith('Usage: cdk-bedrock-invocation-logging-verify [verify] --regions')) throw new Error(`verify --help printed:\n${help}`);
  const noCredentials = spawnSync('npx', ['--no-install', 'cdk-bedrock-invocation-logging-verify', '--regions', 'us-east-1'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, npm_config_update_notifier: 'false', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'), AWS_EC2_METADATA_DISABLED: 'true' },
  });
  if (noCredentials.status !== 2 || noCredentials.stderr.trim().split('\n').length !== 1) {
    throw new Error(`verify without credentials: expected exit 2 and one line, got ${noCredentials.status}:\n${noCredentials.stderr}`);
  }
  process.stdout.write(`consumer check: ${packed.filename} (${packed.size} bytes packed) installed; --help exit 0; without credentials exit 2: ${noCredentials.stderr.trim()}\n`);
}

/** Every package under node_modules (name@version), nested ones included. */
function installedPackages(dir) {
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages).filter(([p]) => p !== '').map(([p, v]) => `${p.replace(/^.*node_modules\//, '')}@${v.version}`);
}
