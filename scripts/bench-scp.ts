/**
 * The tamper-guard SCP's size against the 5,120-character quota, for docs/development.md (section
 * bench:scp). Deterministic (no timing), so test/guard/tamper-guard-policy.test.ts checks the page against it.
 * Run: npm run bench:scp
 */
import { BedrockTamperGuardPolicy, BedrockTamperGuardPolicyOptions } from '../lib';
import { MAX_ROLE_NAME_LENGTH, MAX_ROLE_PATH_LENGTH } from '../lib/shared/facts';
import { CONTROL_TOWER_EXECUTION_ROLE_NAME, MAX_SCP_CHARACTERS, SELF_MANAGED_STACKSETS_EXECUTION_ROLE_NAME } from '../lib/guard/facts';
import { writeSection } from './doc-section';

/** The longest break-glass role ARN the guard accepts: the longest partition name, an account id, a 512-character path, a 64-character name. */
export const LONGEST_BREAK_GLASS_ROLE_ARN = `arn:aws-us-gov:iam::123456789012:role/${'p'.repeat(MAX_ROLE_PATH_LENGTH - 2)}/${'n'.repeat(MAX_ROLE_NAME_LENGTH)}`;

/** The deployers of docs/tamper-guard.md's table, as `executionRoleArns`: self-managed StackSets (and Landing Zone Accelerator), Control Tower, a custom execution role. */
export const DEPLOYER_TABLE_ROLE_ARNS = [
  `arn:*:iam::*:role/${SELF_MANAGED_STACKSETS_EXECUTION_ROLE_NAME}`,
  `arn:*:iam::*:role/${CONTROL_TOWER_EXECUTION_ROLE_NAME}`,
  'arn:*:iam::*:role/deployment/BedrockLoggingStackSetExecution',
];

/** The longest StackSet name CloudFormation accepts (128 characters). */
export const LONGEST_STACK_SET_NAME = `S${'x'.repeat(127)}`;

/** The longest options measured: the longest break-glass role ARN, the deployer table's three roles, the longest StackSet name. */
export const LONGEST_OPTIONS: BedrockTamperGuardPolicyOptions = {
  breakGlassRoleArn: LONGEST_BREAK_GLASS_ROLE_ARN,
  executionRoleArns: DEPLOYER_TABLE_ROLE_ARNS,
  stackSetName: LONGEST_STACK_SET_NAME,
};

export function scpSizeSection(): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const rows: Array<[string, BedrockTamperGuardPolicyOptions]> = [
    ['no options', {}],
    ['`breakGlassRoleArn=arn:aws:iam::*:role/BreakGlass`', { breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' }],
    ['the same, and the deployer table\'s three `executionRoleArns`', { breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass', executionRoleArns: DEPLOYER_TABLE_ROLE_ARNS }],
    [`the longest break-glass role ARN IAM allows (${n(LONGEST_BREAK_GLASS_ROLE_ARN.length)} characters: \`aws-us-gov\`, a ${MAX_ROLE_PATH_LENGTH}-character path, a ${MAX_ROLE_NAME_LENGTH}-character name)`,
      { breakGlassRoleArn: LONGEST_BREAK_GLASS_ROLE_ARN }],
    [`the longest options: that break-glass role ARN, the deployer table's three \`executionRoleArns\` and a ${LONGEST_STACK_SET_NAME.length}-character \`stackSetName\` (the longest CloudFormation allows)`,
      LONGEST_OPTIONS],
  ];
  return [
    `| tamper-guard SCP with | characters (minified, as sent) | of the ${n(MAX_SCP_CHARACTERS)} quota |`,
    '|---|---|---|',
    ...rows.map(([label, options]) => {
      const size = BedrockTamperGuardPolicy.toJson(options).length;
      return `| ${label} | ${n(size)} | ${(100 * size / MAX_SCP_CHARACTERS).toFixed(1)}% |`;
    }),
    '',
    'Measured by `npm run bench:scp` (`JSON.stringify(policy).length`; the figures depend only on the code). Each exempt role pattern '
      + 'appears in every statement and once more as a guarded resource; a longer or further `executionRoleArns` pattern costs four times its length, '
      + 'and options that would not fit are refused at synth, naming them.',
  ].join('\n');
}

if (require.main === module) {
  const text = scpSizeSection();
  console.log(text);
  writeSection('docs/development.md', 'bench:scp', text);
}
