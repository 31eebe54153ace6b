#!/usr/bin/env node
/**
 * What a release needs to agree on, checked without the network (docs/releasing.md):
 *
 * - the construct library (package.json) and the verify CLI (packages/verify/package.json) have the
 *   same version, license, homepage, bugs URL and repository (the root package.json states them once;
 *   verify's adds only `directory`); `--fix` copies them from the root;
 * - the jsii targets name the same GitHub owner as the repository (Maven `io.github.OWNER`, the Go
 *   module under `github.com/OWNER/`);
 * - each peer dependency's floor (`^X.Y.Z`) is the exact version this repository develops and tests
 *   with (its devDependency), which `npm run check:consumer` installs as the oldest supported one;
 * - CHANGELOG.md has an `## Unreleased` section, or, with `--tag vX.Y.Z` (the release workflow), a
 *   `## X.Y.Z` section, and the tag equals the version.
 *
 *   npm run release:check                  (CI)
 *   npm run release:check -- --tag v1.2.3  (the release workflow, on the pushed tag)
 *   npm run release:check -- --fix         (after changing the root package.json's repository fields)
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const ROOT_PACKAGE = path.join(root, 'package.json');
const VERIFY_PACKAGE = path.join(root, 'packages', 'verify', 'package.json');
const SHARED = ['version', 'license', 'homepage', 'bugs', 'author'];

const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The repository fields verify's package.json must have, from the root's. */
function verifyFields(rootPkg) {
  return {
    ...Object.fromEntries(SHARED.map((k) => [k, rootPkg[k]])),
    repository: { ...rootPkg.repository, directory: 'packages/verify' },
  };
}

/** The CHANGELOG section for `version` (or Unreleased): its text, or undefined. */
function changelogSection(text, heading) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === `## ${heading}` || l.startsWith(`## ${heading} `));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
}

/** Every disagreement, one line each. */
function problems(options = {}) {
  const rootPkg = read(ROOT_PACKAGE);
  const verifyPkg = read(VERIFY_PACKAGE);
  const out = [];
  for (const [key, want] of Object.entries(verifyFields(rootPkg))) {
    if (JSON.stringify(verifyPkg[key]) !== JSON.stringify(want)) {
      out.push(`packages/verify/package.json ${key} is ${JSON.stringify(verifyPkg[key])}, the root package.json says ${JSON.stringify(want)}: run npm run release:check -- --fix`);
    }
  }
  const repo = /github\.com\/([^/]+)\/([^/.]+)(\.git)?$/.exec(rootPkg.repository?.url ?? '');
  if (!repo) {
    out.push(`package.json repository.url ${JSON.stringify(rootPkg.repository?.url)} is not a GitHub repository URL (git+https://github.com/OWNER/NAME.git)`);
  } else {
    const owner = repo[1];
    const targets = rootPkg.jsii.targets;
    if (targets.java.maven.groupId !== `io.github.${owner}`) out.push(`jsii.targets.java.maven.groupId ${targets.java.maven.groupId} does not match the repository owner: io.github.${owner}`);
    if (!targets.go.moduleName.startsWith(`github.com/${owner}/`)) out.push(`jsii.targets.go.moduleName ${targets.go.moduleName} is not under the repository owner: github.com/${owner}/...`);
    if (!String(rootPkg.homepage).startsWith(`https://github.com/${owner}/${repo[2]}`)) out.push(`package.json homepage ${rootPkg.homepage} is not the repository's page`);
  }
  for (const [name, range] of Object.entries(rootPkg.peerDependencies)) {
    const dev = rootPkg.devDependencies[name];
    if (range !== `^${dev}`) out.push(`peer dependency ${name} ${range}: its floor must be the version this repository tests with (devDependency ${dev}), as ^${dev}`);
  }
  const changelog = fs.existsSync(path.join(root, 'CHANGELOG.md')) ? fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8') : '';
  if (options.tag !== undefined) {
    if (options.tag !== `v${rootPkg.version}`) out.push(`tag ${options.tag} is not v${rootPkg.version} (package.json version)`);
    if (!changelogSection(changelog, rootPkg.version)) out.push(`CHANGELOG.md has no "## ${rootPkg.version}" section to release: rename "## Unreleased" to "## ${rootPkg.version} (YYYY-MM-DD)"`);
  } else if (changelogSection(changelog, 'Unreleased') === undefined && !changelogSection(changelog, rootPkg.version)) {
    out.push(`CHANGELOG.md has neither an "## Unreleased" section nor one for ${rootPkg.version}`);
  }
  return out;
}

function fix() {
  const rootPkg = read(ROOT_PACKAGE);
  const verifyPkg = read(VERIFY_PACKAGE);
  const fields = verifyFields(rootPkg);
  // Keep verify's key order; add missing keys after "license".
  const merged = {};
  for (const [k, v] of Object.entries(verifyPkg)) {
    merged[k] = k in fields ? fields[k] : v;
    if (k === 'license') for (const [fk, fv] of Object.entries(fields)) if (!(fk in verifyPkg)) merged[fk] = fv;
  }
  fs.writeFileSync(VERIFY_PACKAGE, `${JSON.stringify(merged, undefined, 2)}\n`);
}

module.exports = { problems, changelogSection };

if (require.main === module) {
  const args = process.argv.slice(2);
  const tagAt = args.indexOf('--tag');
  if (args.includes('--fix')) fix();
  const found = problems({ tag: tagAt >= 0 ? args[tagAt + 1] : undefined });
  if (found.length > 0) {
    process.stderr.write(`release check: ${found.length} problem(s):\n${found.map((p) => `  ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    const v = read(ROOT_PACKAGE).version;
    process.stdout.write(`release check: both packages at ${v}, one repository and homepage, peer floors tested, CHANGELOG ready\n`);
  }
}
