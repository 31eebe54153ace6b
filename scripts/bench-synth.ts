/**
 * Benchmark: synth time and template size of the deployable stack (not a test: figures go in the
 * README and the closing notes). Run: npm run bench:synth
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createApp, STACK_NAME } from '../bin/create-app';

const ALL = { keyPrefix: 'finops/bedrock', nopsRoleName: 'Nops-Integration-abc123', cloudWatchLogs: 'true', kms: 'true', textDataDeliveryEnabled: 'false' };
const RUNS = 5;

function inProcess(context: Record<string, string>): { ms: number; pretty: number; minified: number } {
  const times: number[] = [];
  let template: unknown;
  for (let i = 0; i < RUNS; i++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
    const start = process.hrtime.bigint();
    const assembly = createApp({ context, outdir }).synth();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    template = assembly.getStackByName(STACK_NAME).template;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return {
    ms: times[Math.floor(RUNS / 2)],
    pretty: Buffer.byteLength(JSON.stringify(template, undefined, 1)),
    minified: Buffer.byteLength(JSON.stringify(template)),
  };
}

// The validation report (all packs: success) is printed on every synth; keep the table readable.
console.error = () => undefined;

const rows: string[][] = [['stack', 'synth in process (median of 5, ms)', 'indented JSON, no path metadata (bytes)', 'minified (bytes)']];
for (const [name, context] of [['default', {}], ['all options', ALL]] as const) {
  const r = inProcess(context);
  rows.push([name, r.ms.toFixed(0), String(r.pretty), String(r.minified)]);
}
const cliStart = Date.now();
execFileSync('npx', ['cdk', 'synth', '-q'], { stdio: 'ignore' });
const cliMs = Date.now() - cliStart;

for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(`\n\`npx cdk synth -q\` wall time, default stack, cdk-nag packs included: ${cliMs} ms (${os.cpus().length} cores, Node ${process.version})`);
console.log('StackSets TemplateBody limit: 51,200 bytes.');
