import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { BedrockInvocationLoggingStackSet } from '../lib';

/** One unacknowledged cdk-nag finding. */
export interface ComplianceFinding {
  /** The pack, for example `AwsSolutions`. */
  readonly pack: string;
  /** The rule id, with the finding for granular rules, for example `AwsSolutions-IAM5[Resource::*]`. */
  readonly rule: string;
  /** Construct path of the resource. */
  readonly path: string;
  /** What the rule found. */
  readonly description: string;
  /** Which template: the app's own stacks, or the StackSet member template embedded in one. */
  readonly template: 'app' | 'StackSet member template';
}

/**
 * The four packs the app enforces: AWS Solutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1.
 * Each pack honours acknowledgements (`Validations.of(c).acknowledge({ id, reason })`) on the
 * resource or its scopes.
 */
export function compliancePacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()];
}

/**
 * Every unacknowledged finding of the four packs in `app` and in the member template of every
 * StackSet it holds (that template is synthesized in an app of its own).
 *
 * The packs are run here, on the construct tree, rather than only as validation plugins: the
 * `cdk` CLI 2.1148 tells aws-cdk-lib not to fail synth on validation errors and then looks for a
 * report file that aws-cdk-lib 2.257 no longer writes, so plugin findings never stop `cdk synth`
 * or `cdk deploy`. The app fails on these findings itself, whatever the CLI version.
 */
export function complianceFindings(app: App): ComplianceFinding[] {
  const scopes: Array<[IConstruct, ComplianceFinding['template']]> = [[app, 'app']];
  for (const c of app.node.findAll()) {
    if (c instanceof BedrockInvocationLoggingStackSet) scopes.push([c.memberTemplate.app, 'StackSet member template']);
  }
  return scopes.flatMap(([scope, template]) => findingsIn(scope, template));
}

/** Unacknowledged findings of the four packs in the construct tree under `scope`. */
export function findingsIn(scope: IConstruct, template: ComplianceFinding['template']): ComplianceFinding[] {
  return compliancePacks().flatMap((pack) => pack.validateScope(scope).violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      pack: pack.name,
      rule: v.ruleName,
      path: r.constructPath ?? '(unknown path)',
      description: v.description,
      template,
    }))));
}

/** One line: pack, rule, where, what. */
export function formatFinding(f: ComplianceFinding): string {
  const where = f.template === 'app' ? f.path : `${f.path} (StackSet member template)`;
  return `[${f.pack}] ${f.rule} at ${where}: ${f.description}`;
}
