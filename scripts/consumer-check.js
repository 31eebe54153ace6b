#!/usr/bin/env node
/**
 * The packages as users meet them, in temporary directories with nothing of this repository on
 * their module path:
 *
 * 1. the construct library: `npm pack`, then a separate CDK app that installs the tarball (with
 *    aws-cdk-lib, constructs and cdk-nag at the versions this repo pins) and runs
 *    test/support/fixtures/consumer-app.js there. Installing the tarball must add no package but the
 *    library itself (its only dependencies are the peers the app already has).
 * 2. the verify CLI: `npm pack -w packages/verify`, installed into an empty directory, where
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

try {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root))[0];
  const tarball = path.join(work, packed.filename);
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '0.0.0', private: true }));
  // The peers and the consumer's own cdk-nag, at the versions this repository is tested with.
  const peers = ['aws-cdk-lib', 'constructs', 'cdk-nag'].map((name) => `${name}@${pkg.devDependencies[name]}`);
  npmInstall(app, peers);
  const before = installedPackages(app);
  npmInstall(app, [tarball]);
  const added = installedPackages(app).filter((p) => !before.includes(p));
  if (added.length !== 1 || !added[0].startsWith(`${pkg.name}@`)) {
    throw new Error(`installing ${packed.filename} must add only the library, but it added: ${added.join(', ')}`);
  }
  fs.copyFileSync(path.join(root, 'test', 'support', 'fixtures', 'consumer-app.js'), path.join(app, 'app.js'));
  const output = run('node', ['app.js'], app);
  process.stdout.write(output);
  process.stdout.write(`consumer check: ${packed.filename} (${packed.size} bytes packed, ${packed.entryCount} files); `
    + `installing it added ${added.length} package: ${added.join(', ')}\n`);
  checkVerifyPackage();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
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
