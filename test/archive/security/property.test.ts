/**
 * Property-based: random key prefixes, account ids and Regions keep the archive's
 * answers. Each run synthesizes the archive stack for its prefix and encryption choice, resolves it
 * and the member template in their own accounts and Regions, and asks the core questions.
 */
import * as fc from 'fast-check';
import { archiveQuestions, archiveSet } from './questions';
import { ask, packageVersion, writeResults } from '../../support/security/harness';
import { ArchivePropertyResults, checkSection } from '../../support/security/report';

jest.setTimeout(300_000);

const SEED = 20261130;
const NUM_RUNS = 30;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'eu-south-2', 'ap-southeast-2', 'ap-northeast-3', 'sa-east-1', 'il-central-1', 'ca-west-1'];

/** A segment keyPrefix accepts: letters, digits and ! _ . ' ( ) -, not starting with "." (so never "." or ".."). */
const segment = fc.stringMatching(/^[A-Za-z0-9!_'()-][A-Za-z0-9!_.'()-]{0,7}$/);
const account = fc.stringMatching(/^[0-9]{12}$/);

const scenario = fc.record({
  prefix: fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')),
  accounts: fc.uniqueArray(account, { minLength: 4, maxLength: 4 }),
  archiveRegion: fc.constantFrom(...REGIONS),
  memberRegion: fc.constantFrom(...REGIONS),
  kms: fc.boolean(),
});

const stats = { runs: 0, asked: 0, perRun: 0, prefixes: [] as string[], regions: new Set<string>(), failures: [] as string[] };

test(`${NUM_RUNS} random prefixes, accounts and Regions (seed ${SEED}): every core question keeps its answer`, async () => {
  await fc.assert(fc.asyncProperty(scenario, async (x) => {
    const [archiveAccount, memberAccount, otherMember, outsider] = x.accounts;
    const set = archiveSet({
      organizationId: 'o-a1b2c3d4e5', outsiderOrganizationId: 'o-zzzzzzzzzz', prefix: x.prefix, kms: x.kms,
      archiveAccount, archiveRegion: x.archiveRegion, memberAccount, memberRegion: x.memberRegion, otherMember, outsider,
    });
    const core = archiveQuestions(set).filter((q) => q.core);
    const wrong: string[] = [];
    for (const q of core) {
      const a = await ask('archive-property', q);
      if (!a.pass) wrong.push(`${a.id}: expected ${a.expect}, simulator said ${a.actual} (${a.action} ${a.resource})`);
    }
    const counted = stats.runs++ < NUM_RUNS;
    if (counted) {
      stats.asked += core.length;
      stats.perRun = Math.max(stats.perRun, core.length);
      stats.prefixes.push(x.prefix);
      stats.regions.add(x.archiveRegion).add(x.memberRegion);
      if (wrong.length) stats.failures.push(`${JSON.stringify(x)}: ${wrong.join('; ')}`);
    }
    if (wrong.length) throw new Error(`${JSON.stringify(x)}:\n  ${wrong.join('\n  ')}`);
  }), { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true });
  expect(stats.asked).toBeGreaterThanOrEqual(NUM_RUNS * 20);
  // the generator explores: several prefix shapes and many Regions
  expect(new Set(stats.prefixes.map((p) => p.split('/').length)).size).toBeGreaterThan(1);
  expect(stats.regions.size).toBeGreaterThan(4);
});

test('the results are written and SECURITY.md shows them', () => {
  const results: ArchivePropertyResults = {
    library: `fast-check ${packageVersion('fast-check')}`,
    seed: SEED,
    numRuns: NUM_RUNS,
    questionsPerRun: stats.perRun,
    questionsAsked: stats.asked,
    prefixes: stats.prefixes,
    regions: [...stats.regions].sort(),
    failures: stats.failures,
  };
  writeResults('archive-property', results);
  const drift = checkSection('archive-property', results);
  if (process.env.SECURITY_REPORT_UPDATE !== '1') expect(drift).toBeUndefined();
});
