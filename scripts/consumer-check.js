#!/usr/bin/env node
/**
 * The packages as users meet them, in temporary directories with nothing of this repository on
 * their module path:
 *
 * 1. the construct library: `npm pack`, then a separate CDK app that installs the tarball and runs
 *    test/support/fixtures/consumer-app.js there, twice:
 *    - at the peer dependencies' floor: aws-cdk-lib and constructs at exactly the lowest version
 *      package.json's `^X.Y.Z` ranges admit (checked in node_modules after the install), which
 *      proves that floor;
 *    - at the newest aws-cdk-lib and constructs those ranges admit, as a new user gets them.
 *    cdk-nag at the version this repository tests with, both times. Installing the tarball must
 *    add no package but the library itself (its only dependencies are the peers the app has).
 * 2. the verify CLI: `npm pack -w packages/verify`, installed into an empty directory, where
 *    `npx cdk-bedrock-invocation-logging-verify --help` exits 0 and a run without credentials exits 2
 *    with one line on stderr.
 *
 *   npm run check:consumer            (CI runs it after the build)
 *   npm run check:consumer -- --floor-only   (skip the newest aws-cdk-lib)
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

try {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root))[0];
  const tarball = path.join(work, packed.filename);
  const floor = (range) => {
    if (!/^\^\d+\.\d+\.\d+$/.test(range)) throw new Error(`peer dependency range ${range}: expected ^X.Y.Z`);
    return range.slice(1);
  };
  const peers = Object.entries(pkg.peerDependencies);
  const cdkNag = `cdk-nag@${pkg.devDependencies['cdk-nag']}`;
  checkLibrary('floor', tarball, packed, [...peers.map(([name, range]) => `${name}@${floor(range)}`), cdkNag], Object.fromEntries(peers.map(([n, r]) => [n, floor(r)])));
  if (!process.argv.includes('--floor-only')) {
    checkLibrary('newest', tarball, packed, [...peers.map(([name, range]) => `${name}@${range}`), cdkNag], {});
  }
  checkVerifyPackage();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

/**
 * The packed library in a fresh app with these packages installed first; `exact` names the
 * versions the app must then hold (the floor run), checked in its node_modules.
 */
function checkLibrary(label, tarball, packed, specs, exact) {
  const app = path.join(work, `app-${label}`);
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '0.0.0', private: true }));
  npmInstall(app, specs);
  const before = installedPackages(app);
  npmInstall(app, [tarball]);
  const added = installedPackages(app).filter((p) => !before.includes(p));
  if (added.length !== 1 || !added[0].startsWith(`${pkg.name}@`)) {
    throw new Error(`installing ${packed.filename} must add only the library, but it added: ${added.join(', ')}`);
  }
  const versions = Object.fromEntries(Object.keys(pkg.peerDependencies).map((name) => [name, require(path.join(app, 'node_modules', name, 'package.json')).version]));
  for (const [name, version] of Object.entries(exact)) {
    if (versions[name] !== version) throw new Error(`the floor run must use ${name} ${version}, but the app holds ${versions[name]}`);
  }
  fs.copyFileSync(path.join(root, 'test', 'support', 'fixtures', 'consumer-app.js'), path.join(app, 'app.js'));
  const output = run('node', ['app.js'], app);
  process.stdout.write(output);
  process.stdout.write(`consumer check (${label}: ${Object.entries(versions).map(([n, v]) => `${n} ${v}`).join(', ')}): ${packed.filename} `
    + `(${packed.size} bytes packed, ${packed.entryCount} files); installing it added ${added.length} package: ${added.join(', ')}\n`);
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
