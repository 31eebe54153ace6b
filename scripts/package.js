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
 *   than .jsii); examples not in it (aws-cdk-lib's, in docstrings the API inherits) are translated live.
 *
 * The check fails if an artifact is missing, if a language's README (Python and Go: README.md; Java:
 * package-info.java; .NET: NamespaceDoc.cs) still holds a TypeScript example, or if README.md's first
 * example is not there in that language.
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
// Snippets not in the tablet come from docstrings of aws-cdk-lib that the API inherits (StackProps): translated live.
const rosetta = ['--rosetta-tablet', tablet, '--rosetta-unknown-snippets', 'translate'];
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
one('Python setup.py', /^python\/setup\.py$/);
one('Java pom.xml', /^java\/pom\.xml$/);
one('.NET project', /^dotnet\/[^/]+\/[^/]+\.csproj$/);
one('Go module', /^go\/[^/]+\/go\.mod$/);

// Where each language carries the README, and how README.md's first example reads once translated.
// TS_ONLY is that example's TypeScript, which no translation keeps.
const TS_ONLY = /const logging = new BedrockInvocationLogging\(stack, 'BedrockLogging'/;
const readmes = {
  Python: [one('Python README', /^python\/README\.md$/), /^```python$/m],
  Java: [one('Java package documentation', /^java\/src\/main\/java\/.*\/package-info\.java$/), /BedrockInvocationLogging\.Builder\.create\(stack, "BedrockLogging"\)/],
  '.NET': [one('.NET namespace documentation', /^dotnet\/.*\/NamespaceDoc\.cs$/), /new BedrockInvocationLogging\(stack, "BedrockLogging", new BedrockInvocationLoggingProps \{/],
  Go: [one('Go README', /^go\/[^/]+\/README\.md$/), /^```go$/m],
};
const summary = [];
for (const [language, [found, translated]] of Object.entries(readmes)) {
  for (const file of found) {
    const text = fs.readFileSync(path.join(out, file), 'utf8');
    if (/^```(ts|typescript)\b/m.test(text) || TS_ONLY.test(text)) problems.push(`${file}: README examples left in TypeScript`);
    if (!translated.test(text)) problems.push(`${file}: README.md's first example is not there in ${language}`);
    summary.push(`${language} in ${file}`);
  }
}
if (problems.length > 0) {
  process.stderr.write(`npm run package: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`npm run package: npm tarball, Python, Java, .NET and Go sources in dist/packages; README examples translated (${summary.join('; ')})\n`);
