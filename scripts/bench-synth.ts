/**
 * Benchmark: synth time and template sizes of the app's stacks (not a test). Writes its table into
 * README.md (section bench:synth). Run: npm run bench:synth
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ANALYTICS_STACK_NAME, ARCHIVE_STACK_NAME, createApp, STACK_NAME, STACKSET_STACK_NAME } from '../bin/create-app';
import { BedrockInvocationLoggingMemberTemplate } from '../lib';
import { machine, writeReadmeSection } from './readme-section';

const ALL = { keyPrefix: 'finops/bedrock', nopsRoleName: 'Nops-Integration-abc123', cloudWatchLogs: 'true', kms: 'true', textDataDeliveryEnabled: 'false' };
const ANALYTICS = { ...ALL, analytics: 'true', analyticsRequestMetadataKeys: 'team,cost-center' };
const ROLLOUT = { rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456', targetRegions: 'us-east-1,eu-west-1' };
const ARCHIVE_VALUES = {
  archiveBucket: 'bedrock-invocation-logs-archive-222233334444-abcd1234', archiveAccount: '222233334444',
  archiveKmsKeyArn: 'arn:aws:kms:eu-west-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};
const ROLLOUT_KMS_ARCHIVE = { ...ROLLOUT, kms: 'true', ...ARCHIVE_VALUES };
const ALL_ARCHIVE = { ...ALL, ...ARCHIVE_VALUES };
const ARCHIVE = { rollout: 'archive', organizationId: 'o-a1b2c3d4e5' };
const ARCHIVE_ALL = {
  ...ARCHIVE, keyPrefix: 'finops/bedrock', kms: 'true', nopsRoleName: 'Nops-Integration-abc123',
  archiveObjectLockDays: '365', archiveObjectLockMode: 'GOVERNANCE', archiveTransitionDays: '90',
};
const RUNS = 5;

const kb = (bytes: number) => `${bytes.toLocaleString('en-US')} B`;

function inProcess(context: Record<string, string>, stackName: string): { ms: number; pretty: number; minified: number } {
  const times: number[] = [];
  let template: unknown;
  for (let i = 0; i < RUNS; i++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
    const start = process.hrtime.bigint();
    const assembly = createApp({ context, outdir }).synth();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    template = assembly.getStackByName(stackName).template;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return {
    ms: times[Math.floor(RUNS / 2)],
    pretty: Buffer.byteLength(JSON.stringify(template, undefined, 1)),
    minified: Buffer.byteLength(JSON.stringify(template)),
  };
}

/** Bytes of the YAML `cdk synth STACK` prints: the template `cdk deploy` sends inline without a bootstrap bucket. */
function cliYamlBytes(context: Record<string, string>, stackName: string): number {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-cli-'));
  try {
    const args = Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
    return Buffer.byteLength(execFileSync('npx', ['cdk', 'synth', stackName, ...args, '--output', out], { stdio: ['ignore', 'pipe', 'ignore'] }));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function cliSynthMs(): number {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-cli-'));
  const times: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const start = Date.now();
      execFileSync('npx', ['cdk', 'synth', '-q', '--output', out], { stdio: 'ignore' });
      times.push(Date.now() - start);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  return times.sort((a, b) => a - b)[1];
}

const rows: string[] = [
  '| template | indented (bytes) | minified (bytes) | synth in process (median of 5) |',
  '|---|---|---|---|',
];
for (const [name, context, stack] of [
  ['default stack', {}, STACK_NAME],
  ['all-options stack', ALL, STACK_NAME],
  ['StackSet administrator stack (limit for `cdk deploy` without bootstrap: 51,200)', ROLLOUT, STACKSET_STACK_NAME],
  ['StackSet administrator stack, `kms=true`, archive values', ROLLOUT_KMS_ARCHIVE, STACKSET_STACK_NAME],
  ['all-options stack replicating into an SSE-KMS archive', ALL_ARCHIVE, STACK_NAME],
  ['archive stack (`rollout=archive`)', ARCHIVE, ARCHIVE_STACK_NAME],
  ['archive stack, KMS, nOps grant, Object Lock, transition', ARCHIVE_ALL, ARCHIVE_STACK_NAME],
  ['all-options stack with `analytics=true` (exports added)', ANALYTICS, STACK_NAME],
  ['analytics stack (`analytics=true`, all options, two `analyticsRequestMetadataKeys`)', ANALYTICS, ANALYTICS_STACK_NAME],
] as const) {
  const r = inProcess(context, stack);
  rows.push(`| ${name} | ${kb(r.pretty)} | ${kb(r.minified)} | ${r.ms.toFixed(0)} ms |`);
}
for (const [name, props] of [['StackSet member template, archive parameters included (TemplateBody limit 51,200)', {}], ['StackSet member template, `kms=true`', { createEncryptionKey: true }]] as const) {
  const t = new BedrockInvocationLoggingMemberTemplate(props);
  rows.push(`| ${name} | ${kb(Buffer.byteLength(t.toPrettyJson()))} | ${kb(Buffer.byteLength(t.toJson()))} | |`);
}
const cli = cliSynthMs();
const yaml = [
  ['all-options stack', ALL, STACK_NAME],
  ['all-options stack with `analytics=true`', ANALYTICS, STACK_NAME],
  ['analytics stack', ANALYTICS, ANALYTICS_STACK_NAME],
  ['StackSet administrator stack with `kms=true` and archive values', ROLLOUT_KMS_ARCHIVE, STACKSET_STACK_NAME],
  ['archive stack, all options', ARCHIVE_ALL, ARCHIVE_STACK_NAME],
] as const;
const text = [
  ...rows,
  '',
  `YAML that \`cdk deploy\` sends inline (\`npx cdk synth STACK\`; limit 51,200): ${yaml.map(([name, context, stack]) => `${name} ${kb(cliYamlBytes(context, stack))}`).join(', ')}.`,
  '',
  `\`npx cdk synth -q\` (default stack, the four cdk-nag packs included, median of 3): ${(cli / 1000).toFixed(1)} s.`,
  `Measured by \`npm run bench:synth\` (${machine()}).`,
].join('\n');
console.log(text);
writeReadmeSection('synth', text);
