/*
 * Closes a gap of integ-runner (2.197.10): its snapshot check diffs only the stacks under test, never
 * the assertion stack (`...DeployAssert...`), so editing an expected value in an integ.*.ts file would
 * pass `npm run integ` with a stale snapshot. This script synthesizes every integ/integ.*.ts the way
 * integ-runner does (its recommended feature flags as context) and compares each assertion stack's
 * template with the committed snapshot, ignoring only what integ-runner ignores too: asset hashes, and
 * the `salt` integ-tests-alpha sets to Date.now() so that assertions re-run on every deployment.
 *
 * Offline, no credentials. Exits 1 and names the differing paths.
 *
 * With --remove-stale (first step of `npm run integ:update`) it deletes the snapshot of each test whose
 * assertion stack changed instead of failing, so that `integ-runner --update-on-failed` regenerates
 * exactly the tests that changed (and leaves the others, salts included, as they are).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const INTEG_DIR = __dirname;

/** The context integ-runner synthesizes with (runner-base.ts getContext()). */
function integRunnerContext(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const flags = { ...require('@aws-cdk/integ-runner/lib/recommended-feature-flags.json') };
  delete flags['@aws-cdk/core:target-partitions']; // integ-runner sets it to undefined
  return flags;
}

/** Template with asset hashes and salts replaced by placeholders. */
function normalize(template: unknown): unknown {
  const walk = (node: any, key?: string): any => {
    if (key === 'salt' && typeof node === 'string') return '<salt>';
    if (Array.isArray(node)) return node.map((v) => walk(v));
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k.replace(/[0-9a-f]{64}/g, '<asset-hash>'), walk(v, k)]));
    }
    return typeof node === 'string' ? node.replace(/[0-9a-f]{64}/g, '<asset-hash>') : node;
  };
  return walk(template);
}

/** JSON paths where a and b differ, with both values. */
function differences(a: any, b: any, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences(a[k], b[k], `${at}/${k}`));
  }
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v).slice(0, 400));
  return [`${at || '/'}\n      snapshot: ${show(a)}\n      actual:   ${show(b)}`];
}

function assertionTemplates(assemblyDir: string): Record<string, unknown> {
  const integ = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'integ.json'), 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8'));
  const out: Record<string, unknown> = {};
  for (const testCase of Object.values<any>(integ.testCases)) {
    const name = testCase.assertionStackName;
    if (!name) continue;
    const file = manifest.artifacts[name]?.properties?.templateFile ?? `${name}.template.json`;
    out[name] = JSON.parse(fs.readFileSync(path.join(assemblyDir, file), 'utf8'));
  }
  return out;
}

function main(removeStale: boolean): number {
  const tests = fs.readdirSync(INTEG_DIR).filter((f) => /^integ\.(?!.*\.d\.ts$).*\.ts$/.test(f)).sort();
  const context = JSON.stringify(integRunnerContext());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-assertions-'));
  let failures = 0;
  try {
    for (const test of tests) {
      const snapshotDir = path.join(INTEG_DIR, `${test}.snapshot`);
      if (!fs.existsSync(snapshotDir)) {
        console.log(`  NEW        ${test}: no snapshot${removeStale ? '' : ' (run npm run integ:update)'}`);
        if (!removeStale) failures++;
        continue;
      }
      const outDir = path.join(tmp, test);
      process.env.CDK_OUTDIR = outDir;
      process.env.CDK_CONTEXT_JSON = context;
      // Each integ.*.ts builds its app and calls app.synth() when loaded.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(INTEG_DIR, test));
      const expected = assertionTemplates(snapshotDir);
      const actual = assertionTemplates(outDir);
      const diffs = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].flatMap((stack) =>
        differences(normalize(expected[stack]), normalize(actual[stack])).map((d) => `${stack}${d}`));
      if (diffs.length === 0) {
        console.log(`  UNCHANGED  ${test} (assertion stack)`);
      } else if (removeStale) {
        fs.rmSync(snapshotDir, { recursive: true, force: true });
        console.log(`  REMOVED    ${test}.snapshot: its assertion stack changed; integ-runner regenerates it`);
      } else {
        failures++;
        console.log(`  CHANGED    ${test} (assertion stack)\n    ${diffs.join('\n    ')}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(failures ? `\nAssertion stacks: ${failures} of ${tests.length} differ from their snapshot. Run npm run integ:update if the change is intended.`
    : `\nAssertion stacks: ${tests.length} match their snapshot.`);
  return failures ? 1 : 0;
}

process.exitCode = main(process.argv.includes('--remove-stale'));
