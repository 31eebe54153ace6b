import { Token } from 'aws-cdk-lib';
import { keyPrefixProblems, ROLE_ARN_PATTERN, ROLE_NAME_PATTERN } from '../facts';

/**
 * Bad input: every problem found, one line each (naming the property or context key, the value
 * and the fix). `bin/app.ts` prints the lines without a stack trace; library users get it thrown.
 */
export class ValidationError extends Error {
  /** Whether `error` lists input problems (rather than being a bug). */
  public static isValidationError(error: unknown): error is ValidationError {
    return error instanceof Error && Array.isArray((error as ValidationError).problems) && error.name === 'ValidationError';
  }

  constructor(public readonly what: string, public readonly problems: string[]) {
    super(`Invalid ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ValidationError';
  }
}

/** Collects every problem, then throws once, naming each property, value and fix. */
export class ErrorCollector {
  private readonly errors: string[] = [];

  constructor(private readonly what: string) {}

  public add(message: string): void {
    // Parts may check a prop their parent already checked: say it once.
    if (!this.errors.includes(message)) this.errors.push(message);
  }

  /** Runs `build`; if it throws a `ValidationError`, keeps its problems and returns undefined. */
  public collect<T>(build: () => T): T | undefined {
    try {
      return build();
    } catch (error) {
      if (!ValidationError.isValidationError(error)) throw error;
      error.problems.forEach((p) => this.add(p));
      return undefined;
    }
  }

  /** How many problems so far. */
  public get size(): number {
    return this.errors.length;
  }

  public throwIfAny(): void {
    if (this.errors.length > 0) {
      throw new ValidationError(this.what, [...this.errors]);
    }
  }
}

/**
 * Normalises a key prefix once (drops trailing `/`) and reports what S3 or Bedrock would refuse
 * (the rules: `keyPrefixProblems` in lib/facts.ts). Unresolved tokens are returned as they are.
 */
export function normalizeKeyPrefix(value: string, prop: string, errors: ErrorCollector): string {
  if (Token.isUnresolved(value)) {
    return value;
  }
  const { prefix, problems } = keyPrefixProblems(value, prop);
  problems.forEach((p) => errors.add(p));
  return prefix;
}

const ROLE_NAME = new RegExp(ROLE_NAME_PATTERN);
const ROLE_ARN = new RegExp(ROLE_ARN_PATTERN);

/** IAM role names: 1-64 characters of letters, digits and `+=,.@_-`. */
export function validateRoleName(value: string, prop: string, errors: ErrorCollector): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (value.startsWith('arn:')) {
    errors.add(`${prop} ${JSON.stringify(value)} is an ARN: give the role name only (for example "Nops-Integration-abc123"), or pass the role as an iam.IRole`);
  } else if (!ROLE_NAME.test(value)) {
    errors.add(`${prop} ${JSON.stringify(value)} is not a valid IAM role name: use 1-64 letters, digits or + = , . @ _ - (for example "Nops-Integration-abc123")`);
  }
}

/** A role given as a name or an ARN (the app's context accepts both). Returns the kind. */
export function validateRoleNameOrArn(value: string, prop: string, errors: ErrorCollector): 'name' | 'arn' {
  if (Token.isUnresolved(value) || !value.startsWith('arn:')) {
    validateRoleName(value, prop, errors);
    return 'name';
  }
  if (!ROLE_ARN.test(value)) {
    errors.add(`${prop} ${JSON.stringify(value)} is not a valid IAM role ARN: expected arn:aws:iam::123456789012:role/NAME`);
  }
  return 'arn';
}
