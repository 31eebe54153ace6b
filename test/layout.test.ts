/**
 * The layout: one folder per capability under lib/, imports between capabilities in one declared
 * direction, no import cycle, a facts module per capability that the verify package can compile
 * (no aws-cdk-lib), and tests that mirror the sources. Breaks: a reader can no longer go from a
 * concern to its folder, its facts and its tests by name, or a capability starts to depend on one
 * above it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib');

/**
 * What each capability may import from, directly. The direction: shared below everything; the
 * archive (which the log bucket replicates into) below logging; the nOps grant, analytics and the
 * tamper guard over logging; the ready stack over logging and the grant; the organization rollout
 * over all of them. `lib/index.ts` exports from every capability.
 */
const ALLOWED: Record<string, readonly string[]> = {
  shared: [],
  archive: ['shared'],
  logging: ['shared', 'archive'],
  nops: ['shared', 'logging', 'archive'],
  analytics: ['shared', 'logging', 'archive'],
  guard: ['shared', 'logging', 'archive'],
  stack: ['shared', 'logging', 'nops', 'archive'],
  organization: ['shared', 'logging', 'nops', 'archive', 'guard', 'stack'],
};

/** Every .ts and .js file under `dir`, relative to the repository root. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path.relative(ROOT, full)] : [];
  });
}

/** The repository files `file` imports (static imports, exports, `require` calls), resolved the way tsc resolves them. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  const options: ts.CompilerOptions = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, allowJs: true };
  return specifiers.filter((s) => s.startsWith('.')).map((s) => {
    const resolved = ts.resolveModuleName(s, path.join(ROOT, file), options, ts.sys).resolvedModule;
    if (!resolved) throw new Error(`${file}: cannot resolve ${s}`);
    return path.relative(ROOT, resolved.resolvedFileName);
  });
}

const capabilityOf = (file: string) => file.split(path.sep)[1];
const LIB_FILES = sourceFiles(LIB);
const GRAPH = new Map(LIB_FILES.map((f) => [f, importsOf(f)]));

test('lib/ holds index.ts and one folder per capability, nothing else', () => {
  const entries = fs.readdirSync(LIB, { withFileTypes: true });
  expect(entries.filter((e) => e.isFile()).map((e) => e.name)).toEqual(['index.ts']);
  expect(entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()).toEqual(Object.keys(ALLOWED).sort());
});

test('imports between capabilities follow the declared direction', () => {
  const wrong: string[] = [];
  for (const [file, imports] of GRAPH) {
    if (file === path.join('lib', 'index.ts')) continue;
    for (const target of imports) {
      const from = capabilityOf(file);
      const to = capabilityOf(target);
      if (from !== to && !ALLOWED[from].includes(to)) wrong.push(`${file} imports ${target} (${from} may import ${ALLOWED[from].join(', ') || 'nothing'})`);
    }
  }
  expect(wrong).toEqual([]);
});

test('the declared direction itself has no cycle', () => {
  const reaches = (from: string, seen: string[] = []): string[] =>
    ALLOWED[from].flatMap((to) => seen.includes(to) ? [to] : [to, ...reaches(to, [...seen, to])]);
  for (const capability of Object.keys(ALLOWED)) expect(reaches(capability)).not.toContain(capability);
});

test('no import cycle between files under lib/', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, trail: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of GRAPH.get(file) ?? []) visit(next, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of LIB_FILES) visit(file, []);
  expect(cycles).toEqual([]);
});

test('lib/index.ts only exports', () => {
  const source = ts.createSourceFile('index.ts', fs.readFileSync(path.join(LIB, 'index.ts'), 'utf8'), ts.ScriptTarget.ES2022);
  expect(source.statements.filter((s) => !ts.isExportDeclaration(s)).map((s) => s.getText(source))).toEqual([]);
});

test('every capability has a facts module that imports nothing but other facts modules (the verify package compiles them)', () => {
  for (const capability of Object.keys(ALLOWED)) {
    const file = path.join('lib', capability, 'facts.ts');
    expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const imports = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    expect(imports.filter((s) => !/^\.\.\/[a-z]+\/facts$/.test(s))).toEqual([]);
  }
});

test('every source folder (lib/ and bin/ with their sub-folders, private/ aside) has its mirror under test/', () => {
  const folders = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'private')
    .flatMap((e) => [path.join(dir, e.name), ...folders(path.join(dir, e.name))]);
  const sources = [...folders('lib'), 'bin', ...folders('bin')];
  const mirror = (folder: string) => path.join('test', folder.replace(/^lib[\\/]/, ''));
  const missing = sources.filter((f) => !fs.existsSync(path.join(ROOT, mirror(f))) || !sourceFiles(path.join(ROOT, mirror(f))).some((t) => t.endsWith('.test.ts')));
  expect(missing.map((f) => `${f}: no tests under ${mirror(f)}`)).toEqual([]);
});

test('the verify package imports only facts modules from lib/', () => {
  const verifyFiles = sourceFiles(path.join(ROOT, 'packages', 'verify', 'src'));
  const outside = verifyFiles.flatMap((f) => importsOf(f).filter((t) => t.startsWith(`lib${path.sep}`) && !/facts\.ts$/.test(t)).map((t) => `${f} imports ${t}`));
  expect(outside).toEqual([]);
});
