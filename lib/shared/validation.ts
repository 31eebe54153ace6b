import { IResource, Stack, Token } from 'aws-cdk-lib';
import { ACCOUNT_ID_PATTERN, BUCKET_NAME_PATTERN, keyPrefixProblems, KMS_KEY_ARN_PATTERN, ROLE_ARN_PATTERN, ROLE_NAME_PATTERN, STACK_SET_NAME_PATTERN } from './facts';

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
 * (the rules: `keyPrefixProblems` in facts.ts). Unresolved tokens are returned as they are.
 */
export function normalizeKeyPrefix(value: string, prop: string, errors: ErrorCollector): string {
  if (Token.isUnresolved(value)) {
    return value;
  }
  const { prefix, problems } = keyPrefixProblems(value, prop);
  problems.forEach((p) => errors.add(p));
  return prefix;
}

/** What CloudFormation would refuse in a StackSet name (none for an unresolved token), naming `prop`. */
export function stackSetNameProblems(value: string, prop: string): string[] {
  if (Token.isUnresolved(value) || new RegExp(STACK_SET_NAME_PATTERN).test(value)) return [];
  return [`${prop} ${JSON.stringify(value)} is not a valid StackSet name: start with a letter, then up to 127 letters, digits or "-"`];
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

/** The archive a member replicates into, as plain values (stack props, StackSet props, app context). */
export interface ArchiveValues {
  readonly bucketName?: string;
  readonly accountId?: string;
  readonly kmsKeyArn?: string;
}

/** How the caller names the three values, for the messages. */
export interface ArchiveValueNames {
  readonly bucketName: string;
  readonly accountId: string;
  readonly kmsKeyArn: string;
}

const BUCKET_NAME = new RegExp(BUCKET_NAME_PATTERN);
const ACCOUNT_ID = new RegExp(ACCOUNT_ID_PATTERN);
const KMS_KEY_ARN = new RegExp(KMS_KEY_ARN_PATTERN);

/**
 * The archive values: each well-formed, the bucket with its account, a key when the log bucket is
 * SSE-KMS (`sseKms`), and no account or key without a bucket. Returns whether they are usable.
 * Empty strings count as not given (the StackSet parameters' "off").
 */
export function checkArchiveValues(values: ArchiveValues, names: ArchiveValueNames, sseKms: boolean, errors: ErrorCollector): boolean {
  const before = errors.size;
  const given = (v: string | undefined): v is string => v !== undefined && v !== '';
  const literal = (v: string | undefined): v is string => given(v) && !Token.isUnresolved(v);
  if (literal(values.bucketName) && !BUCKET_NAME.test(values.bucketName)) {
    errors.add(`${names.bucketName} ${JSON.stringify(values.bucketName)} is not a valid S3 bucket name: give the ArchiveBucketName output of the archive stack (BedrockInvocationLogArchive)`);
  }
  if (literal(values.accountId) && !ACCOUNT_ID.test(values.accountId)) {
    errors.add(`${names.accountId} ${JSON.stringify(values.accountId)} is not an account id: give the 12 digits of the log-archive account (output ArchiveAccountId)`);
  }
  if (literal(values.kmsKeyArn) && !KMS_KEY_ARN.test(values.kmsKeyArn)) {
    errors.add(`${names.kmsKeyArn} ${JSON.stringify(values.kmsKeyArn)} is not a KMS key ARN: give the ArchiveKmsKeyArn output (arn:aws:kms:REGION:ACCOUNT:key/ID, not an alias)`);
  }
  if (given(values.bucketName)) {
    if (!given(values.accountId)) {
      errors.add(`${names.bucketName} needs ${names.accountId}: give the log-archive account's id (output ArchiveAccountId), so that S3 checks that it owns the bucket`);
    }
    if (sseKms && !given(values.kmsKeyArn)) {
      errors.add(`${names.bucketName} needs ${names.kmsKeyArn} because the log bucket is SSE-KMS: S3 replicates SSE-KMS logs only with a replica key; give the archive's key (output ArchiveKmsKeyArn of an archive deployed with kms), or use SSE-S3`);
    }
  } else {
    const stray = [[names.accountId, values.accountId], [names.kmsKeyArn, values.kmsKeyArn]].filter(([, v]) => given(v)).map(([n]) => n);
    if (stray.length > 0) {
      errors.add(`${stray.join(' and ')} given without ${names.bucketName}: give the archive's bucket name too, or drop ${stray.length > 1 ? 'them' : 'it'}`);
    }
  }
  return errors.size === before;
}

/**
 * An imported resource whose account or Region is known and differs from `stack`'s: one line each,
 * naming both (`why` says who needs them equal). Nothing is reported while either side is a token.
 */
export function checkSameEnvironment(prop: string, resource: IResource, stack: Stack, why: string, errors: ErrorCollector): void {
  const sides = [['account', resource.env.account, stack.account], ['Region', resource.env.region, stack.region]] as const;
  for (const [what, theirs, ours] of sides) {
    if (Token.isUnresolved(theirs) || Token.isUnresolved(ours) || theirs === ours) continue;
    errors.add(`${prop} ${resource.node.path} is in ${what} ${theirs}, but stack ${stack.node.path} is in ${what} ${ours}: ${why}; `
      + `use one in ${what} ${ours}, or deploy the stack to ${what} ${theirs}`);
  }
}
