/**
 * The AWS Control Tower proactive controls (cfn-guard rules bundled with
 * @cdklabs/cdk-validator-cfnguard) on each case's synthesized template. Every failure must be
 * acknowledged in the library on the one resource it concerns, with a reason; every
 * acknowledgement must still be needed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { packageVersion, writeResults } from '../../support/security/harness';
import { CASES } from '../../logging/security/cases';
import { checkSection, GuardResults, GuardViolation } from '../../support/security/report';

jest.setTimeout(120_000);

const GUARD_CASES = CASES.filter((c) => ['default', 'kms', 'cloudwatch', 'all', 'library'].includes(c.id));

describe('cfn-guard with the Control Tower rules', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  const synthesized = GUARD_CASES.map((c) => {
    const s = c.synth();
    const file = path.join(dir, `${c.id}.template.json`);
    fs.writeFileSync(file, JSON.stringify(s.template, undefined, 1));
    return { c, s, file };
  });
  const validator = new CfnGuardValidator();
  // One cfn-guard run over every template (the validator's own entry point, as aws-cdk-lib calls it).
  const report = validator.validate({ templatePaths: synthesized.map((x) => x.file) });
  const violations: GuardViolation[] = [];
  for (const v of report.violations) {
    const control = /\[(CT\.[A-Z0-9.]+)\]/.exec(v.description ?? '')?.[1] ?? v.ruleName;
    for (const r of v.violatingResources) {
      const x = synthesized.find((y) => y.file === r.templatePath);
      const resource = x?.s.template.Resources?.[r.resourceLogicalId];
      const guard = resource?.Metadata?.guard;
      const reason: string | undefined = guard?.Reasons?.[v.ruleName];
      violations.push({
        case: x?.c.id ?? r.templatePath,
        control,
        rule: v.ruleName,
        logicalId: r.resourceLogicalId,
        constructPath: x ? constructPath(x.s.stack, r.resourceLogicalId) : '?',
        acknowledged: !!resource && (guard?.SuppressedRules ?? []).includes(v.ruleName) && typeof reason === 'string' && reason.length >= 40,
        reason,
      });
    }
  }
  violations.sort((a, b) => `${a.rule} ${a.constructPath} ${GUARD_CASES.findIndex((c) => c.id === a.case)}`
    .localeCompare(`${b.rule} ${b.constructPath} ${GUARD_CASES.findIndex((c) => c.id === b.case)}`));

  test('the validator ran its rules on every template', () => {
    expect(validator.ruleIds!.length).toBeGreaterThan(200);
    expect(report.violations.every((v) => v.violatingResources.every((r) => synthesized.some((x) => x.file === r.templatePath)))).toBe(true);
  });

  test('every rule failure is acknowledged on its resource with a reason', () => {
    const open = violations.filter((v) => !v.acknowledged).map((v) => `${v.case}: ${v.control} ${v.rule} on ${v.constructPath} (${v.logicalId || 'no resource'})`);
    expect(open).toEqual([]);
  });

  test('every acknowledgement in the templates is still needed', () => {
    const stale: string[] = [];
    for (const { c, s } of synthesized) {
      for (const [id, r] of Object.entries(s.template.Resources as Record<string, any>)) {
        for (const rule of r.Metadata?.guard?.SuppressedRules ?? []) {
          if (!violations.some((v) => v.case === c.id && v.logicalId === id && v.rule === rule)) stale.push(`${c.id}: ${rule} on ${id}`);
        }
      }
    }
    expect(stale).toEqual([]);
  });

  test('the results are written and SECURITY.md shows them', () => {
    const results: GuardResults = {
      validator: `@cdklabs/cdk-validator-cfnguard ${packageVersion('@cdklabs/cdk-validator-cfnguard')}`,
      guard: `cfn-guard ${JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')), '..', 'guard-version.json'), 'utf8')).version}`,
      rulesEvaluated: validator.ruleIds!.length,
      cases: synthesized.map(({ c, s }) => {
        const mine = violations.filter((v) => v.case === c.id);
        return {
          id: c.id, title: c.title, settings: c.settings,
          resources: Object.keys(s.template.Resources).length,
          violations: mine.length,
          unacknowledged: mine.filter((v) => !v.acknowledged).length,
        };
      }),
      violations,
    };
    writeResults('guard', results);
    const drift = checkSection('guard', results);
    if (process.env.SECURITY_REPORT_UPDATE !== '1') expect(drift).toBeUndefined();
  });
});

/** The construct path (below the stack) of the resource with this logical id. */
function constructPath(stack: Stack, logicalId: string): string {
  const found = stack.node.findAll().find((c) => CfnResource.isCfnResource(c) && stack.getLogicalId(c) === logicalId);
  if (!found) return logicalId;
  const p = found.node.path.split('/').slice(1);
  return (p[p.length - 1] === 'Resource' ? p.slice(0, -1) : p).join('/');
}
