#!/usr/bin/env node
/**
 * `npm run package` (after `npm run build`): the packages of every language jsii-pacmak makes, then a
 * check of what it made.
 *
 * - JavaScript: the npm tarball (dist/packages/js/).
 * - Python, Java, .NET, Go: the generated sources (`--code-only`: building them needs PyPI, Maven
 *   Central and the Go and .NET toolchains, which CI does not reach; the release workflow builds them).
 *   The Python sources are byte-compiled as a syntax check.
 * - Every language's README is the README.md with its TypeScript examples translated by jsii-rosetta
 *   from the tablet `jsii-rosetta extract --strict` wrote (.jsii.tabl.json, refreshed here when older
 *   than .jsii); an example missing from it fails the packaging (`--rosetta-unknown-snippets fail`).
 *
 * The check fails if an artifact is missing, if a language's README still holds a TypeScript example,
 * or if it holds no example in its own language.
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'dist', 'packages');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const env = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
const pkg = require(path.join(root, 'package.json'));

const jsii = path.join(root, '.jsii');
const tablet = path.join(root, '.jsii.tabl.json');
if (!fs.existsSync(jsii)) throw new Error('no .jsii: run npm run build first');
if (!fs.existsSync(tablet) || fs.statSync(tablet).mtimeMs < fs.statSync(jsii).mtimeMs) {
  run(bin('jsii-rosetta'), ['extract', '--strict', '.']);
}
fs.rmSync(out, { recursive: true, force: true });
const rosetta = ['--rosetta-tablet', tablet, '--rosetta-unknown-snippets', 'fail'];
run(bin('jsii-pacmak'), ['--targets', 'js', ...rosetta]);
run(bin('jsii-pacmak'), ['--code-only', '--targets', 'python', '--targets', 'java', '--targets', 'dotnet', '--targets', 'go', ...rosetta]);
run('python3', ['-m', 'compileall', '-q', path.join(out, 'python', 'src')]);

/** Every file under `dir`, relative to dist/packages. */
function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full) : [path.relative(out, full)];
  });
}
const all = files(out);
const problems = [];
const one = (what, pattern) => {
  const found = all.filter((f) => pattern.test(f));
  if (found.length === 0) problems.push(`no ${what} (${pattern})`);
  return found;
};
one('npm tarball', new RegExp(`^js/${pkg.name}@${pkg.version.replace(/\./g, '\\.')}\\.jsii\\.tgz$`));
one('Python setup.py', /^python\/src\/setup\.py$/);
one('Java pom.xml', /^java\/src\/pom\.xml$/);
one('.NET project', /^dotnet\/src\/.*\.csproj$/);
one('Go module', /^go\/src\/.*\/go\.mod$/);

// Each language's README: translated examples, no TypeScript left.
const readmes = {
  Python: [one('Python README', /^python\/src\/README\.md$/), /^```python$/m],
  Java: [one('Java README', /^java\/src\/README\.md$/), /^```java$/m],
  '.NET': [one('.NET README', /^dotnet\/src\/.*\/README\.md$/), /^```csharp$/m],
  Go: [one('Go README', /^go\/src\/.*\/README\.md$/), /^```go$/m],
};
const summary = [];
for (const [language, [found, ownFence]] of Object.entries(readmes)) {
  for (const file of found) {
    const text = fs.readFileSync(path.join(out, file), 'utf8');
    const ts = (text.match(/^```(ts|typescript)\b/gm) || []).length;
    const own = (text.match(new RegExp(ownFence.source, 'gm')) || []).length;
    if (ts > 0) problems.push(`${file}: ${ts} TypeScript example(s) left untranslated`);
    if (own === 0) problems.push(`${file}: no ${language} example`);
    summary.push(`${language} ${own}`);
  }
}
if (problems.length > 0) {
  process.stderr.write(`npm run package: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`npm run package: npm tarball, Python, Java, .NET and Go sources in dist/packages; README examples translated (${summary.join(', ')})\n`);
