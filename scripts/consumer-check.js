#!/usr/bin/env node
/**
 * The library as a user meets it: `npm pack`, then a separate CDK app in a temporary directory
 * that installs the tarball (with aws-cdk-lib, constructs and cdk-nag at the versions this repo
 * pins) and runs test/fixtures/consumer-app.js there, with the real `node` and nothing from this
 * repository on its module path.
 *
 *   npm run check:consumer            (CI runs it after the build)
 *
 * Exits non-zero if packing, installing or the consumer app fails. Plain JavaScript, so that it
 * needs nothing but Node.js and npm.
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-check-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root))[0];
  const tarball = path.join(work, packed.filename);
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '0.0.0', private: true }));
  // The peers and the consumer's own cdk-nag, at the versions this repository is tested with.
  const peers = ['aws-cdk-lib', 'constructs', 'cdk-nag'].map((name) => `${name}@${pkg.devDependencies[name]}`);
  const npmInstall = (specs) => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs], app);
  npmInstall(peers);
  const before = installedPackages(app);
  npmInstall([tarball]);
  const added = installedPackages(app).filter((p) => !before.includes(p));
  fs.copyFileSync(path.join(root, 'test', 'fixtures', 'consumer-app.js'), path.join(app, 'app.js'));
  const output = run('node', ['app.js'], app);
  process.stdout.write(output);
  process.stdout.write(`consumer check: ${packed.filename} (${packed.size} bytes packed, ${packed.entryCount} files); `
    + `installing it added ${added.length} package(s): ${added.join(', ')}\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

/** Every package under node_modules (name@version), nested ones included. */
function installedPackages(dir) {
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages).filter(([p]) => p !== '').map(([p, v]) => `${p.replace(/^.*node_modules\//, '')}@${v.version}`);
}
