/**
 * Benchmark: how long the app's stacks take to synthesize in process (not a test). Writes its table
 * into docs/development.md (section bench:synth). The templates' sizes are not timings: they depend
 * only on the code, so `npm run docs:samples` writes them and a test checks them. The CLI's own
 * `npx cdk synth -q` time is measured once, by `npm run bench:test`. Run: npm run bench:synth
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ANALYTICS_STACK_NAME, ARCHIVE_STACK_NAME, createApp, STACK_NAME, STACKSET_STACK_NAME } from '../bin/create-app';
import { machine, writeSection } from './doc-section';
import { ALL, ALL_ARCHIVE, ANALYTICS, ARCHIVE, ARCHIVE_ALL, ROLLOUT, ROLLOUT_KMS_ARCHIVE } from './docs-contexts';

const RUNS = 5;

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
const text = [...rows, '', `Measured by \`npm run bench:synth\` (${machine()}).`].join('\n');
console.log(text);
writeSection('docs/development.md', 'bench:synth', text);
