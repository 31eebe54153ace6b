/**
 * cfn-guard with the AWS Control Tower proactive controls (@cdklabs/cdk-validator-cfnguard) on the
 * administrator stack with the tamper guard and on the detection stack with each kind of delivery:
 * nothing fails, and nothing in the new constructs is acknowledged.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp, STACKSET_STACK_NAME, TAMPER_DETECTION_STACK_NAME } from '../../../bin/create-app';

jest.setTimeout(120_000);

const ROLLOUT = { rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456', targetRegions: 'us-east-1', tamperGuard: 'true', breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' };

test('cfn-guard: the administrator stack with the SCP and the detection stack (topic or event bus) pass every Control Tower rule', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tamper-guard-'));
  try {
    const templates: Record<string, any> = {};
    for (const [name, context] of [['topic', { ...ROLLOUT, alertTopic: 'true' }], ['bus', { alertEventBusArn: 'arn:aws:events:eu-west-1:999988887777:event-bus/security-alerts' }]] as const) {
      const app = createApp({ context });
      templates[`detection-${name}`] = Template.fromStack(app.node.findChild(TAMPER_DETECTION_STACK_NAME) as Stack).toJSON();
      if (name === 'topic') templates.admin = Template.fromStack(app.node.findChild(STACKSET_STACK_NAME) as Stack).toJSON();
    }
    const files = Object.entries(templates).map(([name, t]) => {
      const file = path.join(dir, `${name}.template.json`);
      fs.writeFileSync(file, JSON.stringify(t));
      return file;
    });
    const validator = new CfnGuardValidator();
    const report = validator.validate({ templatePaths: files });
    expect(validator.ruleIds!.length).toBeGreaterThan(200);
    const mine = report.violations.flatMap((v) => v.violatingResources
      .filter((r) => /^(TamperDetection|TamperGuard)/.test(r.resourceLogicalId))
      .map((r) => `${path.basename(r.templatePath)}: ${v.ruleName} on ${r.resourceLogicalId}`));
    expect(mine).toEqual([]);
    const tamperResources = Object.values(templates).flatMap((t) => Object.entries<any>(t.Resources).filter(([id]) => /^(TamperDetection|TamperGuard)/.test(id)));
    expect(tamperResources.length).toBeGreaterThanOrEqual(6);
    expect(tamperResources.filter(([, r]) => r.Metadata?.guard)).toEqual([]);
    const unacknowledged = report.violations.flatMap((v) => v.violatingResources
      .filter((r) => {
        const t = templates[path.basename(r.templatePath, '.template.json')];
        return !(t.Resources[r.resourceLogicalId]?.Metadata?.guard?.SuppressedRules ?? []).includes(v.ruleName);
      })
      .map((r) => `${path.basename(r.templatePath)}: ${v.ruleName} on ${r.resourceLogicalId}`));
    expect(unacknowledged).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
