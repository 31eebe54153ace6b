/**
 * Prints the tamper-guard service control policy, for teams that manage SCPs elsewhere (Landing
 * Zone Accelerator, Customizations for Control Tower, the Organizations console):
 *
 *   npm run scp                                                    # minified JSON on stdout
 *   npm run scp -- --break-glass-role-arn arn:aws:iam::*:role/BreakGlass
 *   npm run scp -- --execution-role-arns 'arn:*:iam::*:role/AWSControlTowerExecution'
 *   npm run scp -- --stack-set-name MyBedrockLogging               # the StackSet's name, if not the default
 *   npm run scp -- --pretty                                        # indented, for reading
 *
 * The size against the 5,120-character quota goes to stderr.
 */
import { BedrockTamperGuardPolicy, BedrockTamperGuardPolicyOptions } from '../lib';
import { stackSetNameProblems, ValidationError } from '../lib/shared/validation';
import type { Printer } from './main';

const USAGE = 'npm run scp -- [--break-glass-role-arn ARN] [--execution-role-arns ARN[,ARN...]] [--stack-set-name NAME] [--pretty]';

/** The flags that take a value: what the value is, an example, and its check (one line per problem). */
const VALUE_FLAGS: Record<string, { readonly what: string; readonly example: string; readonly problems: (value: string, flag: string) => string[] }> = {
  '--break-glass-role-arn': {
    what: 'a role ARN or ARN pattern',
    example: 'arn:aws:iam::*:role/BreakGlass',
    problems: (v, flag) => BedrockTamperGuardPolicy.breakGlassRoleArnProblems(v, flag),
  },
  '--execution-role-arns': {
    what: 'role ARNs or ARN patterns, separated by commas',
    example: 'arn:*:iam::*:role/AWSControlTowerExecution',
    problems: (v, flag) => v.split(',').some((item) => item.trim() === '')
      ? [`${flag} ${JSON.stringify(v)} has an empty item: separate ARN patterns with single commas`]
      : BedrockTamperGuardPolicy.executionRoleArnsProblems(v.split(',').map((item) => item.trim()), flag),
  },
  '--stack-set-name': {
    what: 'the name of the StackSet that deploys the member stacks',
    example: 'BedrockInvocationLogging',
    problems: (v, flag) => stackSetNameProblems(v, flag),
  },
};

/** What `npm run scp` does, as a function: returns the exit code; every bad argument is one line on `err`. */
export function runScp(argv: string[], out: Printer, err: Printer): number {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  let pretty = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const spec = VALUE_FLAGS[flag];
    if (flag === '--pretty' && inline === undefined) {
      pretty = true;
    } else if (spec) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
        problems.push(`${flag} needs ${spec.what}, for example ${flag} ${spec.example}`);
        if (value?.startsWith('--')) i--;
      } else if (values[flag] !== undefined) {
        problems.push(`${flag} given twice (${JSON.stringify(values[flag])} and ${JSON.stringify(value)}): give it once`);
      } else {
        values[flag] = value;
        problems.push(...spec.problems(value, flag));
      }
    } else {
      problems.push(`unknown argument ${JSON.stringify(arg)}: ${USAGE}`);
    }
  }
  let document: unknown;
  if (problems.length === 0) {
    const options: BedrockTamperGuardPolicyOptions = {
      breakGlassRoleArn: values['--break-glass-role-arn'],
      executionRoleArns: values['--execution-role-arns']?.split(',').map((item) => item.trim()),
      stackSetName: values['--stack-set-name'],
    };
    try {
      document = JSON.parse(BedrockTamperGuardPolicy.toJson(options));
    } catch (error) {
      if (!ValidationError.isValidationError(error)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) {
    err(`Error: ${problems.length} problem${problems.length > 1 ? 's' : ''} in the arguments (${USAGE}):`);
    problems.forEach((p) => err(`  ${p}`));
    return 1;
  }
  const minified = JSON.stringify(document);
  out(pretty ? JSON.stringify(document, undefined, 2) : minified);
  err(`${minified.length.toLocaleString('en-US')} characters minified, of the ${BedrockTamperGuardPolicy.MAX_CHARACTERS.toLocaleString('en-US')} an SCP may have`
    + (pretty ? ': paste the minified form (without --pretty), since whitespace counts towards the quota' : ''));
  return 0;
}

if (require.main === module) {
  process.exitCode = runScp(process.argv.slice(2), (l) => process.stdout.write(`${l}\n`), (l) => process.stderr.write(`${l}\n`));
}
