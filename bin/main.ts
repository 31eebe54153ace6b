import { App } from 'aws-cdk-lib';
import { ValidationError } from '../lib/shared/validation';
import { complianceFindings, formatFinding } from './compliance';

/** Where `runApp` writes its messages (stderr in the app, captured in tests). */
export type Printer = (line: string) => void;

/**
 * What `bin/app.ts` does, as a function: builds the app, synthesizes it and returns the exit code.
 *
 * - Bad input (context or props): every problem on one line of its own, no stack trace, exit 1.
 * - Any unacknowledged cdk-nag finding (app stacks and StackSet member template): one line each
 *   (pack, rule, construct path, description), exit 1, so that `cdk synth`, `cdk diff` and
 *   `cdk deploy` stop whatever the CLI version does with validation reports.
 * - Anything else thrown is a bug and keeps its stack trace.
 */
export function runApp(build: () => App, print: Printer = (line) => process.stderr.write(`${line}\n`)): number {
  let app: App;
  try {
    app = build();
    app.synth();
  } catch (error) {
    if (!ValidationError.isValidationError(error)) throw error;
    print(`Error: ${error.problems.length} problem${error.problems.length > 1 ? 's' : ''} in the ${error.what}:`);
    error.problems.forEach((p) => print(`  ${p}`));
    return 1;
  }
  const findings = complianceFindings(app);
  if (findings.length > 0) {
    findings.forEach((f) => print(formatFinding(f)));
    print(`Error: ${findings.length} unacknowledged cdk-nag finding${findings.length > 1 ? 's' : ''} (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1): `
      + 'fix each resource, or acknowledge one finding on one resource with Validations.of(construct).acknowledge({ id: RULE, reason })');
    return 1;
  }
  return 0;
}
