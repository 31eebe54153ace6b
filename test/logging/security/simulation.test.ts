/**
 * What the synthesized policies allow, asked of an IAM policy simulator that did
 * not come from us (@cloud-copilot/iam-simulate), for every option set in cases.ts.
 */
import { Answer, ACCOUNT, ask, packageVersion, policySet, REGION, writeResults } from '../../support/security/harness';
import { CASES } from './cases';
import { questions } from './questions';
import { checkSection, SimulationResults } from '../../support/security/report';

const answers: Answer[] = [];

describe.each(CASES)('policy simulation: $title', (c) => {
  let asked: Answer[] = [];

  beforeAll(async () => {
    const s = c.synth();
    expect(s.logging.keyPrefix).toBe(c.prefix);
    const p = policySet(s, c.prefix, c.nopsRoleName);
    asked = [];
    for (const q of questions(p)) asked.push(await ask(c.id, q));
    answers.push(...asked);
  });

  test('every question is answered as expected', () => {
    const wrong = asked.filter((a) => !a.pass).map((a) =>
      `${a.id}: expected ${a.expect}, simulator said ${a.actual}\n    ${a.principal} ${a.action} ${a.resource} ${JSON.stringify(a.context)}`);
    expect(wrong).toEqual([]);
  });
});

describe('simulation evidence', () => {
  test('the results are written and SECURITY.md shows them', () => {
    const ids = new Set(answers.map((a) => a.id));
    expect(ids.size).toBeGreaterThanOrEqual(60);
    const results: SimulationResults = {
      simulator: `@cloud-copilot/iam-simulate ${packageVersion('@cloud-copilot/iam-simulate')}`,
      account: ACCOUNT,
      region: REGION,
      cases: CASES.map(({ id, title, settings }) => ({ id, title, settings })),
      answers: answers.map((a) => ({ ...a })),
    };
    writeResults('simulation', results);
    const drift = checkSection('simulation', results);
    if (process.env.SECURITY_REPORT_UPDATE !== '1') expect(drift).toBeUndefined();
  });
});
