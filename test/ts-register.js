/**
 * `node --require ./test/ts-register.js FILE.ts`: runs TypeScript as ts-node's transpile-only mode does
 * (TypeScript's own transpileModule, tsconfig.json's compiler options, no type check), for the processes
 * the tests start themselves: the apps of the CLI fixtures, the integ apps whose synth integ-runner
 * compares with the snapshots, and verify's real-process runs. What users run (cdk.json, npm run verify,
 * npm run scp, npm run template) stays on ts-node.
 *
 * Why: each such process spent about 1.5 CPU-seconds loading TypeScript and transpiling the same ~290 KB
 * of lib/ and bin/ again. Here the output is kept in node_modules/.cache, addressed by a hash of the
 * TypeScript version, the compiler options, the path and the source, so a process whose files are all
 * cached never loads TypeScript. A changed file, option or TypeScript version is a new address.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'ts-register');
const TS_VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;

let ts;
let options;
/** tsconfig.json's compiler options, as ts-node would use them for one file at a time. */
function compilerOptions() {
  if (!options) {
    ts = require('typescript');
    const file = path.join(ROOT, 'tsconfig.json');
    const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, ROOT);
    options = { ...parsed.options, noEmit: false, declaration: false, inlineSourceMap: true, inlineSources: true, sourceMap: false };
  }
  return options;
}

// tsconfig.json as written is part of every address, with the TypeScript version, the path and the source.
const CONFIG_TEXT = fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8');

function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(`${TS_VERSION}\0${CONFIG_TEXT}\0${filename}\0${source}`).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not cached yet
  }
  const opts = compilerOptions(); // loads TypeScript: only when something is not cached
  const output = ts.transpileModule(source, { fileName: filename, compilerOptions: opts, reportDiagnostics: false }).outputText;
  // Written under a unique name, then renamed: a process reading it never sees half a file. The cache
  // only saves time: if it cannot be written, the process runs all the same.
  const partial = `${cached}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(partial, output);
    fs.renameSync(partial, cached);
  } catch {
    fs.rmSync(partial, { force: true });
  }
  return output;
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  module._compile(transpile(source, filename), filename);
};

// Stack traces point at the .ts lines (the output carries an inline source map).
process.setSourceMapsEnabled(true);
