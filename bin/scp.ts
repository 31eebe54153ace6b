/**
 * Prints the tamper-guard service control policy, for teams that manage SCPs elsewhere (Landing
 * Zone Accelerator, Customizations for Control Tower, the Organizations console):
 *
 *   npm run scp                                                    # minified JSON on stdout
 *   npm run scp -- --break-glass-role-arn arn:aws:iam::*:role/BreakGlass
 *   npm run scp -- --pretty                                        # indented, for reading
 *
 * The size against the 5,120-character quota goes to stderr.
 */
import { BedrockTamperGuardPolicy } from '../lib';
import type { Printer } from './main';

const USAGE = 'npm run scp -- [--break-glass-role-arn ARN] [--pretty]';

/** What `npm run scp` does, as a function: returns the exit code; every bad argument is one line on `err`. */
export function runScp(argv: string[], out: Printer, err: Printer): number {
  const problems: string[] = [];
  let breakGlassRoleArn: string | undefined;
  let pretty = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--pretty' && inline === undefined) {
      pretty = true;
    } else if (flag === '--break-glass-role-arn') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
        problems.push('--break-glass-role-arn needs a role ARN or ARN pattern, for example --break-glass-role-arn arn:aws:iam::*:role/BreakGlass');
        if (value?.startsWith('--')) i--;
      } else if (breakGlassRoleArn !== undefined) {
        problems.push(`--break-glass-role-arn given twice (${JSON.stringify(breakGlassRoleArn)} and ${JSON.stringify(value)}): the policy takes one break-glass role; give it once`);
      } else {
        breakGlassRoleArn = value;
        problems.push(...BedrockTamperGuardPolicy.breakGlassRoleArnProblems(value, '--break-glass-role-arn'));
      }
    } else {
      problems.push(`unknown argument ${JSON.stringify(arg)}: ${USAGE}`);
    }
  }
  if (problems.length > 0) {
    err(`Error: ${problems.length} problem${problems.length > 1 ? 's' : ''} in the arguments (${USAGE}):`);
    problems.forEach((p) => err(`  ${p}`));
    return 1;
  }
  const document = JSON.parse(BedrockTamperGuardPolicy.toJson({ breakGlassRoleArn }));
  const minified = JSON.stringify(document);
  out(pretty ? JSON.stringify(document, undefined, 2) : minified);
  err(`${minified.length.toLocaleString('en-US')} characters minified, of the ${BedrockTamperGuardPolicy.MAX_CHARACTERS.toLocaleString('en-US')} an SCP may have`
    + (pretty ? ': paste the minified form (without --pretty), since whitespace counts towards the quota' : ''));
  return 0;
}

if (require.main === module) {
  process.exitCode = runScp(process.argv.slice(2), (l) => process.stdout.write(`${l}\n`), (l) => process.stderr.write(`${l}\n`));
}
