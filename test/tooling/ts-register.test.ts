/**
 * tooling/ts-register.js, which runs every TypeScript process of the repository (the app under cdk.json,
 * npm run verify/scp/template, the integ apps and hooks, the scripts, the processes the tests start).
 * Each test copies it into a project of its own under the temp dir (its tsconfig.json, a typescript
 * package whose version the test sets, its node_modules/.cache), so nothing is written elsewhere.
 * Breaks: a stale transpiled file is run after its source, tsconfig.json or the TypeScript version
 * changed; a fully cached process still loads TypeScript; an entry is written in place (a concurrent
 * reader could see half of it) or a cut-short entry is run; a cache that cannot be written stops the
 * process; stack traces stop naming .ts lines; a stray .js wins over the .ts beside it; a .js file is
 * transpiled; a command users run starts TypeScript some other way.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..');
const TYPESCRIPT = require.resolve('typescript');
const TYPESCRIPT_MAIN = path.join('typescript', 'lib', 'typescript.js');

interface Project {
  readonly root: string;
  readonly register: string;
  readonly cache: string;
  /** Writes `text` to `name` under the project's src/; returns its path. */
  file(name: string, text: string): string;
  /** Sets the version of the project's typescript package (the real compiler behind it). */
  typescriptVersion(version: string): void;
  /** Runs `file` under the project's register; returns stdout (throws on a non-zero exit, with stderr). */
  run(file: string, preload?: string[]): string;
  /** Entries in the cache (whole or not), and anything else left there. */
  entries(): string[];
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function project(): Project {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-register-'));
  dirs.push(root);
  const register = path.join(root, 'tooling', 'ts-register.js');
  fs.mkdirSync(path.dirname(register));
  fs.copyFileSync(path.join(REPO, 'tooling', 'ts-register.js'), register);
  fs.copyFileSync(path.join(REPO, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
  const typescript = path.join(root, 'node_modules', 'typescript');
  fs.mkdirSync(path.join(typescript, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(typescript, 'lib', 'typescript.js'), `module.exports = require(${JSON.stringify(TYPESCRIPT)});\n`);
  const cache = path.join(root, 'node_modules', '.cache', 'ts-register');
  const p: Project = {
    root, register, cache,
    file: (name, text) => {
      const f = path.join(root, 'src', name);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, text);
      return f;
    },
    typescriptVersion: (version) => fs.writeFileSync(path.join(typescript, 'package.json'), JSON.stringify({ name: 'typescript', version, main: './lib/typescript.js' })),
    run: (file, preload = []) => execFileSync(process.execPath, [...preload.flatMap((r) => ['--require', r]), '--require', register, file], {
      cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    }),
    entries: () => (fs.existsSync(cache) ? fs.readdirSync(cache).sort() : []),
  };
  p.typescriptVersion('6.0.0-test');
  return p;
}

/** A module that prints its value and whether TypeScript is loaded in the process (i.e. something was transpiled). */
const probe = (value: string) => [
  'interface Shape { readonly n: number }',
  `const shape: Shape = { n: ${value} };`,
  `const typescriptLoaded = Object.keys(require.cache).some((k) => k.endsWith(${JSON.stringify(TYPESCRIPT_MAIN)}));`,
  'console.log(JSON.stringify({ n: shape.n, typescriptLoaded }));',
].join('\n');

const stderrOf = (run: () => unknown): string => {
  try {
    run();
  } catch (e) {
    return String((e as { stderr?: string }).stderr);
  }
  throw new Error('expected the process to fail');
};

describe('the cache', () => {
  test('transpiles once; a cached run does not load TypeScript; a changed source is transpiled again', () => {
    const p = project();
    const file = p.file('probe.ts', probe('1'));
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: true });
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: false });
    expect(p.entries()).toHaveLength(1);
    fs.writeFileSync(file, probe('2'));
    expect(JSON.parse(p.run(file))).toEqual({ n: 2, typescriptLoaded: true });
    expect(JSON.parse(p.run(file))).toEqual({ n: 2, typescriptLoaded: false });
  });

  test('a changed tsconfig.json or TypeScript version is transpiled again', () => {
    const p = project();
    const file = p.file('probe.ts', probe('1'));
    p.run(file);
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: false });

    fs.appendFileSync(path.join(p.root, 'tsconfig.json'), '\n');
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: true });
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: false });

    p.typescriptVersion('6.0.1-test');
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: true });
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: false });
    expect(p.entries()).toHaveLength(3);
  });

  test('an entry appears only by renaming a whole file into place', () => {
    const p = project();
    // Records every path the process writes with fs.writeFileSync and every rename.
    const log = path.join(p.root, 'writes.log');
    const spy = p.file('spy.js', [
      "const fs = require('fs');",
      'const { writeFileSync, renameSync } = fs;',
      'const lines = [];',
      'const log = (line) => lines.push(line);',
      `process.on('exit', () => writeFileSync(${JSON.stringify(log)}, lines.join('\\n')));`,
      "fs.writeFileSync = function (f, ...rest) { log('write ' + f); return writeFileSync.call(this, f, ...rest); };",
      "fs.renameSync = function (from, to) { log('rename ' + from + ' ' + to); return renameSync.call(this, from, to); };",
    ].join('\n'));
    const file = p.file('probe.ts', probe('1'));
    p.run(file, [spy]);
    const [entry] = p.entries();
    const target = path.join(p.cache, entry);
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const [, written] = lines[0].split(' ');
    expect(written).not.toBe(target);
    expect(path.dirname(written)).toBe(p.cache);
    expect(lines[1]).toBe(`rename ${written} ${target}`);
    expect(p.entries()).toEqual([entry]);
  });

  test('an entry cut short is not run: the file is transpiled again and the entry replaced', () => {
    const p = project();
    const file = p.file('probe.ts', probe('1'));
    p.run(file);
    const [entry] = p.entries();
    const whole = fs.readFileSync(path.join(p.cache, entry), 'utf8');
    fs.writeFileSync(path.join(p.cache, entry), whole.slice(0, Math.floor(whole.length / 2)));
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: true });
    expect(fs.readFileSync(path.join(p.cache, entry), 'utf8')).toBe(whole);
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: false });
  });

  test('processes started together on an empty cache all run the right code, and leave one entry per file', async () => {
    const p = project();
    const files = ['a', 'b', 'c'].map((name, i) => p.file(`${name}.ts`, `${i > 0 ? `import './${['a', 'b'][i - 1]}';\n` : ''}export const ${name}: number = ${i};\n`));
    const main = p.file('main.ts', `import { c } from './c';\n${probe('c')}\n`);
    const outputs = await Promise.all(Array.from({ length: 6 }, () => new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--require', p.register, main], { cwd: p.root, encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    })));
    outputs.forEach((o) => expect(JSON.parse(o)).toMatchObject({ n: 2 }));
    expect(p.entries()).toHaveLength(files.length + 1);
    expect(p.entries().every((e) => /^[0-9a-f]{64}\.js$/.test(e))).toBe(true);
    expect(JSON.parse(p.run(main))).toEqual({ n: 2, typescriptLoaded: false });
  });

  test('a cache that cannot be written (here: a file where its folder would be) costs time, not the run', () => {
    const p = project();
    fs.writeFileSync(path.join(p.root, 'node_modules', '.cache'), 'not a folder');
    const file = p.file('probe.ts', probe('1'));
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: true });
    expect(JSON.parse(p.run(file))).toEqual({ n: 1, typescriptLoaded: true });
  });
});

describe('what runs', () => {
  test('stack traces name the .ts file and line', () => {
    const p = project();
    const thrower = p.file('thrower.ts', "interface A { a: string }\nconst x: A = { a: 'thrown' };\n\nthrow new Error(x.a);\n");
    // Twice: transpiled, then from the cache.
    for (let i = 0; i < 2; i++) {
      const stderr = stderrOf(() => p.run(thrower));
      expect(stderr).toContain('Error: thrown');
      expect(stderr).toContain(`${thrower}:4`);
    }
  });

  test('a .ts file wins over a .js file of the same name beside it (ts-node --prefer-ts-exts)', () => {
    const p = project();
    p.file('mod.ts', "export const from: string = 'mod.ts';\n");
    p.file('mod.js', "exports.from = 'mod.js';\n");
    const main = p.file('main.ts', "import { from } from './mod';\nconsole.log(from);\n");
    expect(p.run(main).trim()).toBe('mod.ts');
  });

  test('.js files are loaded by node as they are, not transpiled', () => {
    const p = project();
    p.file('plain.js', "'use strict';\nexports.plain = true;\n");
    const main = p.file('main.ts', "// eslint-disable-next-line @typescript-eslint/no-require-imports\nconst { plain } = require('./plain.js');\nconsole.log(plain);\n");
    expect(p.run(main).trim()).toBe('true');
    expect(p.entries()).toHaveLength(1); // main.ts only
  });

  test('a file TypeScript cannot parse stops the process with its messages, and is not cached', () => {
    const p = project();
    const broken = p.file('broken.ts', 'const a: number = (1;\n');
    const stderr = stderrOf(() => p.run(broken));
    expect(stderr).toContain('Unable to compile TypeScript');
    expect(stderr).toMatch(/broken\.ts\(1,\d+\): error TS\d+: /);
    expect(p.entries()).toEqual([]);
  });
});

describe('what users run starts through it', () => {
  const REGISTER = /^node --require \.\/tooling\/ts-register\.js \S+\.ts\b/;

  test('cdk.json', () => {
    expect(JSON.parse(fs.readFileSync(path.join(REPO, 'cdk.json'), 'utf8')).app).toMatch(REGISTER);
  });

  test('every package.json script that runs a .ts file', () => {
    const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts;
    for (const [name, command] of Object.entries(scripts)) {
      expect({ name, command }).toEqual({ name, command: expect.not.stringMatching(/ts-node/) });
      for (const run of command.split(/&&|\|\|/).map((c) => c.trim().replace(/^(\w+=\S+ )+/, '')).filter((c) => /\.ts\b/.test(c) && !/^(jest|integ-runner)\b/.test(c))) {
        expect({ name, run }).toEqual({ name, run: expect.stringMatching(REGISTER) });
      }
      if (/integ-runner/.test(command)) expect(command).toContain('--app "node --require ./tooling/ts-register.js {filePath}"');
    }
  });

  test('the integ hooks (integ-runner runs them in integ/)', () => {
    const integ = path.join(REPO, 'integ');
    const hooks = fs.readdirSync(integ).filter((d) => d.endsWith('.snapshot')).flatMap((d) => {
      const testCases = JSON.parse(fs.readFileSync(path.join(integ, d, 'integ.json'), 'utf8')).testCases as Record<string, { hooks?: Record<string, string[]> }>;
      return Object.values(testCases).flatMap((c) => Object.values(c.hooks ?? {}).flat());
    });
    expect(hooks.length).toBeGreaterThan(0);
    hooks.forEach((h) => expect(h).toMatch(/^node --require \.\.\/tooling\/ts-register\.js hooks\/\S+\.ts\b/));
  });
});
