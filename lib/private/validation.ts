import { Token } from 'aws-cdk-lib';

/** Longest prefix accepted: S3 keys stop at 1,024 bytes and Bedrock appends about 120 (`/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/REGION/YYYY/MM/DD/HH/data/UUID.json.gz`). */
export const MAX_KEY_PREFIX_LENGTH = 900;

/**
 * Characters S3 documents as safe in keys, minus `*` (an IAM wildcard: it would widen every
 * policy that names the prefix). `?`, spaces, `%`, `&`, `$`, `:` and the rest are refused for
 * the same reason or because S3 or Bedrock handle them badly.
 */
const SAFE_PREFIX = /^[A-Za-z0-9!_.'()\/-]*$/;

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
 * Normalises a key prefix once (drops trailing `/`) and reports what S3 or Bedrock would refuse.
 * Unresolved tokens are returned as they are.
 */
export function normalizeKeyPrefix(value: string, prop: string, errors: ErrorCollector): string {
  if (Token.isUnresolved(value)) {
    return value;
  }
  const shown = JSON.stringify(value);
  if (/^s3:\/\//i.test(value)) {
    errors.add(`${prop} ${shown} is a URL: give only the key prefix (for example "bedrock"), without "s3://" and the bucket name`);
    return value;
  }
  if (value.startsWith('/')) {
    errors.add(`${prop} ${shown} starts with "/": S3 keys have no leading slash; remove it (for example "${value.replace(/^\/+/, '')}")`);
    return value;
  }
  const prefix = value.replace(/\/+$/, '');
  if (prefix.length === 0) {
    errors.add(`${prop} ${shown} is empty: give a prefix such as "bedrock", so that the nOps grant covers only that prefix and not the whole bucket`);
    return prefix;
  }
  if (prefix.length > MAX_KEY_PREFIX_LENGTH) {
    errors.add(`${prop} is ${prefix.length} characters long: use at most ${MAX_KEY_PREFIX_LENGTH}, so that the keys Bedrock writes under it stay within S3's 1,024-byte limit`);
  }
  if (!SAFE_PREFIX.test(prefix)) {
    const bad = [...new Set(prefix.replace(/[A-Za-z0-9!_.'()\/-]/g, '').split(''))].map((c) => JSON.stringify(c)).join(', ');
    errors.add(`${prop} ${shown} contains ${bad}: use only letters, digits and ! _ . ' ( ) - / (no "*" or "?": they are wildcards in IAM policies)`);
  }
  if (prefix.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    errors.add(`${prop} ${shown} has an empty, "." or ".." path segment: write each segment out, for example "bedrock/logs"`);
  }
  return prefix;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;

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
