/**
 * Benchmark (not a test): in-process synth time of the app's stacks, and how long the app takes to
 * start from TypeScript against two baselines measured in the same run. Writes its tables into
 * docs/development.md (section bench:synth). The templates' sizes are not timings: they depend only on
 * the code, so `npm run docs:samples` writes them and a test checks them. Run: npm run bench:synth
 *
 * Start-up: `npx cdk synth -q`, and the app command alone, for
 *   ours  cdk.json's app (TypeScript through tooling/ts-register.js), transpile cache warm, and cold
 *         (node_modules/.cache/ts-register deleted before each run);
 *   (b)   this app compiled ahead of time (tsc into a temp folder, `node OUT/bin/app.js`): the app's own
 *         work, so that ours/(b) is the cost of starting from TypeScript;
 *   (a)   a minimal plain-JavaScript CDK app (one empty Stack) in a temp folder: the CLI's and node's
 *         own start-up.
 * Medians; the warm runs of the three are interleaved, after one warm-up each.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ARCHIVE_STACK_NAME, ANALYTICS_STACK_NAME, createApp, STACK_NAME, STACKSET_STACK_NAME } from '../bin/create-app';
import { load, machine, writeSection } from './doc-section';
import { ALL, ALL_ARCHIVE, ANALYTICS, ARCHIVE, ARCHIVE_ALL, ROLLOUT, ROLLOUT_KMS_ARCHIVE } from './docs-contexts';

const RUNS = 5;
const ROOT = path.join(__dirname, '..');
const START_RUNS = 7;
const COLD_RUNS = 3;

function medianMs(context: Record<string, string>, stackName: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
    const start = process.hrtime.bigint();
    createApp({ context, outdir }).synth().getStackByName(stackName);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const rows: string[] = ['| app context | stack | synth in process (median of 5) |', '|---|---|---|'];
for (const [name, context, stack] of [
  ['default', {}, STACK_NAME],
  ['all options', ALL, STACK_NAME],
  ['`rollout=stackset`', ROLLOUT, STACKSET_STACK_NAME],
  ['`rollout=stackset`, `kms=true`, archive values', ROLLOUT_KMS_ARCHIVE, STACKSET_STACK_NAME],
  ['all options, replicating into an SSE-KMS archive', ALL_ARCHIVE, STACK_NAME],
  ['`rollout=archive`', ARCHIVE, ARCHIVE_STACK_NAME],
  ['`rollout=archive`, KMS, nOps grant, Object Lock, transition', ARCHIVE_ALL, ARCHIVE_STACK_NAME],
  ['all options, `analytics=true`', ANALYTICS, ANALYTICS_STACK_NAME],
] as const) {
  rows.push(`| ${name} | \`${stack}\` | ${medianMs(context, stack).toFixed(0)} ms |`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/**
 * CPU seconds (user + system) of the children this process waited for, so far: /proc/self/stat's cutime
 * and cstime (Linux; a child's own waited-for children are included). Steadier than wall time on a
 * shared machine. Undefined elsewhere.
 */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function childCpu(): number | undefined {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / TICKS;
  } catch {
    return undefined;
  }
}

interface Times { readonly wall: number[]; readonly cpu: number[] }
const times = (): Times => ({ wall: [], cpu: [] });

/** Runs a command (split on spaces) from the repository, output to `outdir`; adds its wall and CPU time to `into`; throws if it fails. */
function timedRun(command: string[], outdir: string, into?: Times): void {
  const cpu = childCpu();
  const start = process.hrtime.bigint();
  execFileSync(command[0], command.slice(1), { cwd: ROOT, stdio: 'ignore', env: { ...process.env, CDK_OUTDIR: outdir } });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const after = childCpu();
  into?.wall.push(wall);
  if (cpu !== undefined && after !== undefined) into?.cpu.push(after - cpu);
}

interface Start { readonly cli: Times; readonly alone: Times }

/** `npx cdk synth -q` and the app command alone: ours (warm and cold cache), (b) and (a). */
function startUp(): { ours: Start; cold: Start; compiled: Start; minimal: Start; command: string } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-start-'));
  try {
    const modules = path.join(ROOT, 'node_modules');
    const minimal = path.join(work, 'minimal');
    fs.mkdirSync(minimal);
    fs.symlinkSync(modules, path.join(minimal, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(minimal, 'app.js'), "const { App, Stack } = require('aws-cdk-lib');\nconst app = new App();\nnew Stack(app, 'Empty');\napp.synth();\n");

    const compiled = path.join(work, 'compiled');
    fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false, outDir: compiled, rootDir: ROOT, allowJs: false, checkJs: false, types: [],
        declaration: false, sourceMap: false, inlineSourceMap: false, inlineSources: false,
      },
      include: [path.join(ROOT, 'bin', 'app.ts')],
    }));
    // --noCheck: what is timed is running the output; `npm run typecheck` is the type check.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(work, 'tsconfig.json'), '--noCheck'], { stdio: 'inherit' });
    // The handler as the build ships it: copied, not compiled (the template inlines this file's text).
    fs.copyFileSync(path.join(ROOT, 'lib', 'logging', 'handler', 'index.js'), path.join(compiled, 'lib', 'logging', 'handler', 'index.js'));
    fs.symlinkSync(modules, path.join(compiled, 'node_modules'), 'dir');

    const command = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).app as string;
    const apps = {
      ours: command.split(' '),
      compiled: ['node', path.join(compiled, 'bin', 'app.js')],
      minimal: ['node', path.join(minimal, 'app.js')],
    };
    const out = path.join(work, 'cdk.out');
    // Ours under the CLI is cdk.json's app (no --app), as users run it.
    const cli = (name: keyof typeof apps, into?: Times) => timedRun(
      ['npx', 'cdk', 'synth', '-q', '--no-notices', ...(name === 'ours' ? [] : ['--app', apps[name].join(' ')]), '--output', out], out, into);
    const alone = (name: keyof typeof apps, into?: Times) => timedRun(apps[name], out, into);

    const cache = path.join(ROOT, 'node_modules', '.cache', 'ts-register');
    const cold: Start = { cli: times(), alone: times() };
    for (let i = 0; i < COLD_RUNS; i++) {
      fs.rmSync(cache, { recursive: true, force: true });
      cli('ours', cold.cli);
      fs.rmSync(cache, { recursive: true, force: true });
      alone('ours', cold.alone);
    }

    const warm: Record<keyof typeof apps, Start> = {
      ours: { cli: times(), alone: times() }, compiled: { cli: times(), alone: times() }, minimal: { cli: times(), alone: times() },
    };
    const names = ['ours', 'compiled', 'minimal'] as const;
    names.forEach((name) => { cli(name); alone(name); }); // warm-up
    for (let i = 0; i < START_RUNS; i++) {
      names.forEach((name) => { cli(name, warm[name].cli); alone(name, warm[name].alone); });
    }
    process.stderr.write(`start-up runs (seconds): ${JSON.stringify({ cold, ...warm })}\n`);
    return { ...warm, cold, command };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const cell = (t: Times) => `${median(t.wall).toFixed(2)} s${t.cpu.length > 0 ? ` (${median(t.cpu).toFixed(2)} s)` : ''}`;
const both = (a: Times, b: Times) => `${ratio(median(a.wall), median(b.wall))}${a.cpu.length > 0 && b.cpu.length > 0 ? ` (${ratio(median(a.cpu), median(b.cpu))})` : ''}`;
const ratios = (a: Start, b: Start) => `${both(a.cli, b.cli)} / ${both(a.alone, b.alone)}`;
const loadBefore = load();
const start = startUp();
const text = [
  ...rows,
  '',
  `Start-up: the default stack, the four cdk-nag packs included, under \`npx cdk synth -q\` and as the app command alone (no CLI), against two baselines in the same run. Medians: wall time, and in brackets CPU time (user + system) of the process tree; warm: ${START_RUNS} runs each after one warm-up, the three apps interleaved; cold: ${COLD_RUNS} runs.`,
  '',
  '| app | `npx cdk synth -q` | app command alone |',
  '|---|---|---|',
  `| this app from TypeScript, transpile cache warm (cdk.json: \`${start.command}\`) | ${cell(start.ours.cli)} | ${cell(start.ours.alone)} |`,
  `| the same, cache cold (\`node_modules/.cache/ts-register\` deleted before each run) | ${cell(start.cold.cli)} | ${cell(start.cold.alone)} |`,
  `| (b) this app compiled ahead of time (\`tsc --noCheck\` into a temp folder, \`node OUT/bin/app.js\`): the app's own work | ${cell(start.compiled.cli)} | ${cell(start.compiled.alone)} |`,
  `| (a) a minimal JavaScript app (\`new App()\`, one empty \`Stack\`, \`app.synth()\`) in a temp folder | ${cell(start.minimal.cli)} | ${cell(start.minimal.alone)} |`,
  '',
  `Ratios, \`cdk synth\` / app alone, wall (CPU): starting from TypeScript with the cache warm against (b), the cost of starting from TypeScript, ${ratios(start.ours, start.compiled)}; `
    + `against (a) ${ratios(start.ours, start.minimal)}; cache cold against (b) ${ratios(start.cold, start.compiled)}.`,
  `Measured by \`npm run bench:synth\` (${machine()}; ${loadBefore} before the start-up runs, ${load()} after).`,
].join('\n');
console.log(text);
writeSection('docs/development.md', 'bench:synth', text);
