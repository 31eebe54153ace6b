#!/usr/bin/env node
/**
 * The offline part of a release (CI runs it after `npm run package`; the release workflow runs it
 * before publishing): the verify CLI packed beside the library's tarball in dist/packages/js, and
 * `npm publish --dry-run` on both tarballs, the exact files publib-npm publishes. Checks that each
 * tarball holds its README, LICENSE and entry points, and none of the sources or tests.
 *
 *   node scripts/release-dry-run.js
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const js = path.join(root, 'dist', 'packages', 'js');
const rootPkg = require(path.join(root, 'package.json'));
const verifyPkg = require(path.join(root, 'packages', 'verify', 'package.json'));
const npm = (args) => execFileSync('npm', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const library = path.join(js, `${rootPkg.name}@${rootPkg.version}.jsii.tgz`);
if (!fs.existsSync(library)) throw new Error(`${path.relative(root, library)} is missing: run npm run build && npm run package first`);
const packed = JSON.parse(npm(['pack', '--json', '-w', 'packages/verify', '--pack-destination', js]))[0];
const verify = path.join(js, packed.filename);

const problems = [];
const summary = [];
for (const [tarball, pkg, required] of [
  [library, rootPkg, ['package.json', 'README.md', 'API.md', 'CHANGELOG.md', 'LICENSE', '.jsii', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/logging/handler/index.js']],
  [verify, verifyPkg, ['package.json', 'README.md', 'LICENSE', verifyPkg.bin['cdk-bedrock-invocation-logging-verify']]],
]) {
  // --json: the files npm would publish; --dry-run: nothing is sent. The registry is asked whether the
  // version exists, which a first release answers with a 404 that is no problem.
  const result = JSON.parse(npm(['publish', '--dry-run', '--json', '--tag', 'latest', tarball]));
  const report = result[pkg.name] ?? result;
  const files = report.files.map((f) => f.path);
  for (const f of required) if (!files.includes(f)) problems.push(`${path.basename(tarball)}: ${f} is not in the package`);
  for (const f of files) if (/^(lib|test|scripts|bin|integ)\/|\.ts$(?<!\.d\.ts)/.test(f)) problems.push(`${path.basename(tarball)}: ${f} would be published`);
  if (report.name !== pkg.name || report.version !== pkg.version) problems.push(`${path.basename(tarball)}: publishes ${report.name}@${report.version}, package.json says ${pkg.name}@${pkg.version}`);
  summary.push(`${report.name}@${report.version} (${files.length} files, ${report.size} bytes)`);
}
if (problems.length > 0) {
  process.stderr.write(`release dry run: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`release dry run: npm publish --dry-run of ${summary.join(' and ')}\n`);
