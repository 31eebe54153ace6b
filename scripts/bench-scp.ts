/**
 * The tamper-guard SCP's size against the 5,120-character quota, for docs/development.md (section
 * bench:scp). Deterministic (no timing), so test/guard/tamper-guard-policy.test.ts checks the page against it.
 * Run: npm run bench:scp
 */
import { BedrockTamperGuardPolicy } from '../lib';
import { MAX_ROLE_NAME_LENGTH, MAX_ROLE_PATH_LENGTH } from '../lib/shared/facts';
import { MAX_SCP_CHARACTERS } from '../lib/guard/facts';
import { writeSection } from './doc-section';

/** The longest break-glass role ARN the guard accepts: the longest partition name, an account id, a 512-character path, a 64-character name. */
export const LONGEST_BREAK_GLASS_ROLE_ARN = `arn:aws-us-gov:iam::123456789012:role/${'p'.repeat(MAX_ROLE_PATH_LENGTH - 2)}/${'n'.repeat(MAX_ROLE_NAME_LENGTH)}`;

export function scpSizeSection(): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const rows: Array<[string, string | undefined]> = [
    ['no break-glass role', undefined],
    ['`breakGlassRoleArn=arn:aws:iam::*:role/BreakGlass`', 'arn:aws:iam::*:role/BreakGlass'],
    [`the longest break-glass role ARN IAM allows (${n(LONGEST_BREAK_GLASS_ROLE_ARN.length)} characters: \`aws-us-gov\`, a ${MAX_ROLE_PATH_LENGTH}-character path, a ${MAX_ROLE_NAME_LENGTH}-character name)`, LONGEST_BREAK_GLASS_ROLE_ARN],
  ];
  return [
    `| tamper-guard SCP with | characters (minified, as sent) | of the ${n(MAX_SCP_CHARACTERS)} quota |`,
    '|---|---|---|',
    ...rows.map(([label, breakGlassRoleArn]) => {
      const size = BedrockTamperGuardPolicy.toJson({ breakGlassRoleArn }).length;
      return `| ${label} | ${n(size)} | ${(100 * size / MAX_SCP_CHARACTERS).toFixed(1)}% |`;
    }),
    '',
    'Measured by `npm run bench:scp` (`JSON.stringify(policy).length`; the figures depend only on the code).',
  ].join('\n');
}

if (require.main === module) {
  const text = scpSizeSection();
  console.log(text);
  writeSection('docs/development.md', 'bench:scp', text);
}
