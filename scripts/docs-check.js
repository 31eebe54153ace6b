#!/usr/bin/env node
/**
 * The documentation checks that need the built assembly (`npm run build` first):
 *
 *   node scripts/docs-check.js api            API.md equals what jsii-docgen writes now (exit 1 if stale)
 *   node scripts/docs-check.js api --write    rewrite API.md
 *   node scripts/docs-check.js examples       every TypeScript example of README.md and docs/*.md,
 *                                            and every docstring example, compiles and translates
 *                                            (jsii-rosetta extract --strict, with rosetta/*.ts-fixture)
 *
 * jsii-rosetta reads the README and docstrings from the assembly; to give it docs/*.md as well, the
 * pages are joined into the readme of a copy of the assembly in a temporary directory (package.json,
 * dist/, rosetta/ and node_modules/ linked to this repository's), and an error's line in the joined
 * text is mapped back to its page. The tablet rosetta writes for README.md next to .jsii
 * (.jsii.tabl.json, git-ignored) is what `npm run package` translates the README with.
 * Plain JavaScript: it needs nothing but Node.js and the devDependencies.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// jsii's tools print an end-of-life banner on Node.js 20 unless this names the running major version.
const env = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };

function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

function assembly() {
  const file = path.join(root, '.jsii');
  if (!fs.existsSync(file)) {
    process.stderr.write('docs-check: no .jsii: run npm run build first\n');
    process.exit(2);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** API.md as jsii-docgen writes it for the current assembly. */
function api(write) {
  assembly();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-api-'));
  try {
    const r = run(bin('jsii-docgen'), ['--output', path.join(dir, 'API.md')], root);
    if (r.status !== 0) throw new Error(`jsii-docgen failed:\n${r.stdout}${r.stderr}`);
    const fresh = fs.readFileSync(path.join(dir, 'API.md'), 'utf8');
    const target = path.join(root, 'API.md');
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (write) {
      if (fresh !== current) fs.writeFileSync(target, fresh);
      process.stdout.write(`API.md: ${fresh === current ? 'unchanged' : 'rewritten'} (${fresh.split('\n').length} lines)\n`);
      return 0;
    }
    if (fresh !== current) {
      process.stderr.write('API.md is stale: it is not what jsii-docgen writes for the current API. Run npm run build && npm run docs:api, and commit API.md.\n');
      return 1;
    }
    const undocumented = (fresh.match(/No description\./g) || []).length;
    process.stdout.write(`API.md is current (jsii-docgen; ${undocumented} entries without a description)\n`);
    return 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The pages whose examples rosetta compiles, README.md first (it is the assembly's readme already). */
function pages() {
  const docs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

function examples() {
  const asm = assembly();
  // 1. The package as built: README.md and the docstrings; writes .jsii.tabl.json for jsii-pacmak.
  const own = run(bin('jsii-rosetta'), ['extract', '--strict', '.'], root);
  const problems = [];
  if (own.status !== 0) problems.push(`README.md or a docstring (jsii-rosetta extract --strict .):\n${own.stdout}${own.stderr}`);

  // 2. docs/*.md, joined into the readme of a copy of the assembly.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-examples-'));
  try {
    const offsets = [];
    let joined = '';
    for (const page of pages().slice(1)) {
      offsets.push({ page, from: joined.split('\n').length });
      joined += `${fs.readFileSync(path.join(root, page), 'utf8').trimEnd()}\n\n`;
    }
    fs.writeFileSync(path.join(dir, '.jsii'), JSON.stringify({ ...asm, readme: { markdown: joined }, types: asm.types }));
    for (const link of ['package.json', 'dist', 'rosetta', 'node_modules']) fs.symlinkSync(path.join(root, link), path.join(dir, link));
    const docs = run(bin('jsii-rosetta'), ['extract', '--strict', '.'], dir);
    if (docs.status !== 0) {
      // Snippet names carry the joined readme's line: README-L<line>. Name the page and its line instead.
      const where = (line) => {
        const o = [...offsets].reverse().find((x) => x.from <= line);
        return `${o.page}:${line - o.from + 1}`;
      };
      problems.push(`docs/*.md (jsii-rosetta extract --strict):\n${`${docs.stdout}${docs.stderr}`.replace(/README-L(\d+)/g, (_m, l) => where(Number(l)))}`);
    }
    const count = (text) => (text.match(/^ {0,3}(```|~~~) *(ts|typescript)\b/gm) || []).length;
    const total = pages().reduce((n, p) => n + count(fs.readFileSync(path.join(root, p), 'utf8')), 0);
    if (problems.length > 0) {
      process.stderr.write(`${problems.join('\n')}\n`);
      return 1;
    }
    process.stdout.write(`jsii-rosetta --strict: the ${total} TypeScript examples of ${pages().length} pages and the docstrings compile and translate to Python, Java, C# and Go\n`);
    return 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const [what, flag] = process.argv.slice(2);
if (what === 'api') process.exitCode = api(flag === '--write');
else if (what === 'examples') process.exitCode = examples();
else {
  process.stderr.write('usage: node scripts/docs-check.js api [--write] | examples\n');
  process.exitCode = 2;
}
