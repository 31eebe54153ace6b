/**
 * test/ts-register.js, which runs the TypeScript of the processes the tests start (fixture apps, integ
 * apps, verify's real-process runs). Breaks: a stale transpiled file is run after its source changed, a
 * fully cached process still pays for loading TypeScript, or stack traces stop pointing at .ts lines.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REGISTER = path.join(__dirname, 'ts-register.js');

/** Runs `file` under the register; returns what it printed. */
function run(file: string): string {
  return execFileSync(process.execPath, ['--require', REGISTER, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('ts-register', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-register-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // A source no earlier run has seen, so that the first run below cannot be a cache hit.
  const nonce = crypto.randomBytes(8).toString('hex');
  const file = path.join(dir, 'probe.ts');
  const probe = (value: string) => [
    'interface Shape { readonly n: number }',
    `const shape: Shape = { n: ${value} };`,
    `const typescriptLoaded = Object.keys(require.cache).some((k) => k.endsWith('${path.join('typescript', 'lib', 'typescript.js')}'));`,
    `console.log(JSON.stringify({ n: shape.n, typescriptLoaded, nonce: '${nonce}' }));`,
  ].join('\n');

  test('transpiles once; a cached run does not load TypeScript; a changed source is transpiled again', () => {
    fs.writeFileSync(file, probe('1'));
    expect(JSON.parse(run(file))).toEqual({ n: 1, typescriptLoaded: true, nonce });
    expect(JSON.parse(run(file))).toEqual({ n: 1, typescriptLoaded: false, nonce });
    fs.writeFileSync(file, probe('2'));
    expect(JSON.parse(run(file))).toEqual({ n: 2, typescriptLoaded: true, nonce });
  });

  test('stack traces name the .ts line', () => {
    const thrower = path.join(dir, 'thrower.ts');
    fs.writeFileSync(thrower, `const a: string = '${nonce}';\n\nthrow new Error(a);\n`);
    let stderr = '';
    try {
      run(thrower);
    } catch (e) {
      stderr = String((e as { stderr?: string }).stderr);
    }
    expect(stderr).toContain(`Error: ${nonce}`);
    expect(stderr).toContain(`${thrower}:3`);
  });
});
