/**
 * Benchmark: what a new clone runs first, on a fresh clone of HEAD (commit first), timed: `npm ci`,
 * `npx cdk synth` (first, so with the transpile cache cold) and `npm test` (type check, jest, integ
 * snapshots) with jest's own time.
 * Writes the figures into docs/development.md (section bench:test). Not a test. Run: npm run bench:test
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { load, machine, writeSection } from './doc-section';

const root = path.join(__dirname, '..');
const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-test-'));

function timed(cmd: string, args: string[]): { seconds: number; output: string; stderr: string } {
  const start = Date.now();
  const r = spawnSync(cmd, args, { cwd: clone, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}) in ${clone}:\n${output.slice(-4000)}`);
  return { seconds: (Date.now() - start) / 1000, output, stderr: r.stderr };
}

try {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const loadBefore = load();
  execFileSync('git', ['clone', '-q', root, clone]);
  const ci = timed('npm', ['ci', '--no-audit', '--no-fund']);
  // Right after npm ci, as the README's first command runs it: the transpile cache is cold.
  const synth = timed('npx', ['cdk', 'synth', '-q']);
  const test = timed('npm', ['test']);
  // jest writes its summary to stderr; integ-runner's own "Tests:" line goes to stdout.
  const jest = /^Time:\s+([\d.]+) s/m.exec(test.stderr)?.[1];
  const tests = /^Tests:\s+(.+)$/m.exec(test.stderr)?.[1];
  const text = [
    '| command (fresh clone) | wall time |',
    '|---|---|',
    `| \`npm ci\` | ${ci.seconds.toFixed(0)} s |`,
    `| \`npx cdk synth -q\` (right after \`npm ci\`: transpile cache cold) | ${synth.seconds.toFixed(1)} s |`,
    `| \`npm test\` (type check + jest + integ snapshots) | ${test.seconds.toFixed(0)} s (jest alone ${jest} s: ${tests}) |`,
    '',
    `Measured by \`npm run bench:test\` on commit ${commit} (${machine()}; ${loadBefore} at the start, ${load()} at the end).`,
  ].join('\n');
  console.log(text);
  writeSection('docs/development.md', 'bench:test', text);
} finally {
  fs.rmSync(clone, { recursive: true, force: true });
}
