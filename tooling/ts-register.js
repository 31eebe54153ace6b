/**
 * `node --require ./tooling/ts-register.js FILE.ts`: runs the repository's TypeScript the way
 * `ts-node --transpile-only --prefer-ts-exts` does (TypeScript's own transpileModule with tsconfig.json's
 * compiler options, one file at a time, no type check; `tsc --noEmit` is the type check), with the output
 * kept between runs. Everything that runs TypeScript goes through it: the app (cdk.json), `npm run
 * verify`, `npm run scp`, `npm run template`, the integ apps and hooks, the benchmarks and scripts, and
 * the processes the tests start.
 *
 * The cache: node_modules/.cache/ts-register/KEY.js, KEY a SHA-256 of this file, the TypeScript version
 * `require('typescript')` finds from here, tsconfig.json as written (it extends no other file), the
 * file's path and its source. A process whose files are all cached never loads TypeScript; a changed
 * source, tsconfig.json, TypeScript version or register is a new KEY, so nothing stale is run. Entries
 * are never removed: delete the folder at will.
 *
 * - Concurrent processes: an entry is written under a name of its own, then renamed to KEY.js (atomic on
 *   one file system), so a reader sees no file or a whole one; each entry ends with a line naming its KEY,
 *   and an entry without it (cut short by a crash or a copy) counts as missing.
 * - No cache: if the folder cannot be written (read-only node_modules, a full disk), the file is
 *   transpiled in memory and the process runs all the same.
 * - Stack traces name the .ts file and line: the output carries an inline source map (without the source
 *   text, which node reads from the .ts file when it prints an uncaught error) and node's own source map
 *   support is turned on. With a warm cache this is the one cost left against running JavaScript
 *   compiled ahead of time: node decodes each map as its module is compiled.
 * - Only .ts files are transpiled: .js files (lib/logging/handler/index.js) are loaded by node as the plain
 *   CommonJS they are.
 * - `--prefer-ts-exts`: `require('./x')` finds x.ts before a stray x.js beside it (compiled output of
 *   some other tsc run), as under ts-node with that flag.
 * - A file TypeScript cannot parse stops the process with TypeScript's messages (FILE(LINE,COL): error
 *   TSNNNN: ...), as ts-node's `Unable to compile TypeScript` does.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const CONFIG = path.join(ROOT, 'tsconfig.json');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'ts-register');

// Everything an entry depends on besides its path and source.
const BASE = crypto.createHash('sha256')
  .update(fs.readFileSync(__filename))
  .update('\0')
  .update(JSON.parse(fs.readFileSync(require.resolve('typescript/package.json'), 'utf8')).version)
  .update('\0')
  .update(fs.readFileSync(CONFIG))
  .digest('hex');

let ts;
let options;
/** tsconfig.json's compiler options, for transpiling one file at a time; loads TypeScript. */
function compilerOptions() {
  if (!options) {
    ts = require('typescript');
    // Its options only: a host that lists no files, so that `include` does not walk the repository.
    const host = { ...ts.sys, readDirectory: () => [] };
    const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(CONFIG, ts.sys.readFile).config, host, ROOT);
    options = {
      ...parsed.options,
      noEmit: false, declaration: false, declarationMap: false, sourceMap: false, inlineSourceMap: true, inlineSources: false,
    };
  }
  return options;
}

/** The JavaScript of `source` (the .ts file `filename`): from the cache, or transpiled and then cached. */
function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(`${BASE}\0${filename}\0${source}`).digest('hex');
  const entry = path.join(CACHE, `${key}.js`);
  const end = `\n// ts-register ${key}\n`;
  try {
    const cached = fs.readFileSync(entry, 'utf8');
    if (cached.endsWith(end)) return cached;
  } catch {
    // not cached yet
  }
  const opts = compilerOptions();
  const result = ts.transpileModule(source, { fileName: filename, compilerOptions: opts, reportDiagnostics: true });
  const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };
    throw new SyntaxError(`Unable to compile TypeScript:\n${ts.formatDiagnostics(errors, host).trimEnd()}`);
  }
  const output = `${result.outputText}${end}`;
  const partial = `${entry}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.partial`;
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(partial, output);
    fs.renameSync(partial, entry);
  } catch {
    try {
      fs.rmSync(partial, { force: true });
    } catch {
      // nothing was written
    }
  }
  return output;
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

// .ts first in the order node tries extensions in (what ts-node's --prefer-ts-exts does).
for (const ext of ['.ts', ...Object.keys(Module._extensions).filter((e) => e !== '.ts')]) {
  const handler = Object.getOwnPropertyDescriptor(Module._extensions, ext);
  delete Module._extensions[ext];
  Object.defineProperty(Module._extensions, ext, handler);
}

process.setSourceMapsEnabled(true);
