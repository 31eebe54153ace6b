import { HANDLER_FUNCTION_NAME_PREFIX } from '../logging/facts';
import { MAX_ROLE_NAME_LENGTH, MAX_ROLE_PATH_LENGTH, PARTITIONS, StatementJson, libraryRoleArnPattern } from '../shared/facts';
import { MAX_SCP_CHARACTERS, STACKSETS_EXECUTION_ROLE_NAME_PREFIX } from './facts';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { STATE_PARAMETER_NAME } from '../logging/facts';
import {
  GUARDED_BEDROCK_ACTIONS, GUARDED_BUCKET_OPERATIONS, GUARDED_FUNCTION_ACTIONS, GUARDED_OBJECT_ACTIONS, GUARDED_PARAMETER_ACTIONS,
  GUARDED_ROLE_ACTIONS, guardedBucketNamePrefixes,
} from './private/coverage';
import { ErrorCollector } from '../shared/validation';

/**
 * Options of the tamper-guard service control policy.
 */
export interface BedrockTamperGuardPolicyOptions {
  /**
   * A role ARN, or an `ArnLike` pattern of role ARNs, exempt from the guard for emergencies, for
   * example `arn:aws:iam::*:role/BreakGlass` or
   * `arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_*`. `*` and `?`
   * are allowed in the account, path and name, but the name must start with a literal character.
   * The guard also denies changing (or creating) roles that match it, except to exempt principals.
   *
   * @default - no break-glass role: only the library's roles and the StackSets execution role are exempt
   */
  readonly breakGlassRoleArn?: string;
}

const ROLE_CHARS = '[\\w+=,.@*?-]';
const BREAK_GLASS = new RegExp(`^arn:([^:]*):iam::([^:]*):role(/(?:${ROLE_CHARS}+/)*)?(${ROLE_CHARS}*)$`);

/**
 * The tamper guard as an AWS Organizations service control policy, generated from the names the
 * library uses (the facts modules): member accounts cannot turn Bedrock model invocation logging off or
 * redirect it, weaken or delete the log buckets (archive included) or delete their objects, or change
 * the library's roles, handler function and state parameter. Exempt: the library's roles (by IAM path),
 * the StackSets execution role and an optional break-glass role. SCPs never restrict the management
 * account.
 *
 * `BedrockTamperGuard` deploys it; `npm run scp` prints it for teams that manage SCPs elsewhere.
 */
export class BedrockTamperGuardPolicy {
  /** AWS Organizations' limit on one SCP, in characters (whitespace counts; the policy is sent minified). */
  public static readonly MAX_CHARACTERS = MAX_SCP_CHARACTERS;

  /** `aws:PrincipalArn` patterns always exempt: the library's roles (by IAM path) and the StackSets execution role. */
  public static readonly EXEMPT_ROLE_ARN_PATTERNS: string[] = [
    libraryRoleArnPattern('*', '*'),
    `arn:*:iam::*:role/${STACKSETS_EXECUTION_ROLE_NAME_PREFIX}*`,
  ];

  /**
   * Every problem of `breakGlassRoleArn`, one line each, naming `prop` (the option as the caller
   * spells it: a construct prop, a context key or a command-line flag), the value and the fix.
   */
  public static breakGlassRoleArnProblems(value: string, prop: string): string[] {
    const shown = JSON.stringify(value);
    const m = BREAK_GLASS.exec(value);
    const example = 'for example arn:aws:iam::*:role/BreakGlass or arn:aws:iam::123456789012:role/ops/BreakGlass*';
    if (!m) {
      if (/^arn:[^:]*:iam::[^:]*:role\//.test(value)) {
        return [`${prop} ${shown} has characters IAM role names and paths do not allow: use letters, digits, + = , . @ _ - and / (and the wildcards * and ?), ${example}`];
      }
      return [`${prop} ${shown} is not an IAM role ARN or ARN pattern: ${example}`];
    }
    const [, partition, account, path = '/', name] = m;
    const problems: string[] = [];
    if (partition !== '*' && !(PARTITIONS as readonly string[]).includes(partition)) {
      problems.push(`${prop} ${shown} names partition ${JSON.stringify(partition)}: use one of ${PARTITIONS.join(', ')} or *`);
    }
    if (!/^([\d?]{12}|[\d*?]*\*[\d*?]*)$/.test(account)) {
      problems.push(`${prop} ${shown} has account ${JSON.stringify(account)}: use a 12-digit account id or *`);
    }
    if (path.length > MAX_ROLE_PATH_LENGTH) {
      problems.push(`${prop} has a path of ${path.length} characters: IAM role paths have at most ${MAX_ROLE_PATH_LENGTH}`);
    }
    if (name.length > MAX_ROLE_NAME_LENGTH) {
      problems.push(`${prop} has a role name of ${name.length} characters: IAM role names have at most ${MAX_ROLE_NAME_LENGTH}`);
    }
    if (name === '' || /^[*?]/.test(name)) {
      problems.push(`${prop} ${shown} does not name a role (its name ${name === '' ? 'is empty' : 'starts with a wildcard'}), so it would exempt every role under that path: name the role, ${example}`);
    }
    return problems;
  }

  /**
   * The policy document, for example to attach with your own `organizations.CfnPolicy` or to read
   * its statements. `toJson()` is the form AWS stores (and `MAX_CHARACTERS` measures). Throws a
   * `ValidationError` listing every problem of the options, and if the minified policy is over
   * `MAX_CHARACTERS`.
   */
  public static document(options: BedrockTamperGuardPolicyOptions = {}): iam.PolicyDocument {
    return iam.PolicyDocument.fromJson(BedrockTamperGuardPolicy.json(options));
  }

  /** The policy as JSON values: what `document()` and `toJson()` present. */
  private static json(options: BedrockTamperGuardPolicyOptions): { readonly Version: string; readonly Statement: StatementJson[] } {
    const errors = new ErrorCollector('tamper guard policy options');
    const breakGlass = options.breakGlassRoleArn;
    if (breakGlass !== undefined && !Token.isUnresolved(breakGlass)) {
      BedrockTamperGuardPolicy.breakGlassRoleArnProblems(breakGlass, 'breakGlassRoleArn').forEach((p) => errors.add(p));
    }
    errors.throwIfAny();
    const exempt = [...BedrockTamperGuardPolicy.EXEMPT_ROLE_ARN_PATTERNS, ...breakGlass !== undefined ? [breakGlass] : []];
    const unlessExempt = { ArnNotLike: { 'aws:PrincipalArn': exempt } };
    const deny = (sid: string, actions: string[], resources: string[] | string): StatementJson =>
      ({ Sid: sid, Effect: 'Deny', Action: actions, Resource: resources, Condition: unlessExempt });
    const document = {
      Version: '2012-10-17',
      Statement: [
        deny('DenyInvocationLoggingChanges', GUARDED_BEDROCK_ACTIONS, '*'),
        deny('DenyLogBucketWeakening', [...GUARDED_BUCKET_OPERATIONS.map((o) => o.action), ...GUARDED_OBJECT_ACTIONS],
          guardedBucketNamePrefixes().flatMap((p) => [`arn:*:s3:::${p}*`, `arn:*:s3:::${p}*/*`])),
        deny('DenyGuardRoleAndHandlerChanges', [...GUARDED_ROLE_ACTIONS, ...GUARDED_FUNCTION_ACTIONS, ...GUARDED_PARAMETER_ACTIONS], [
          ...exempt.filter((p) => p.includes(':role/')),
          `arn:*:lambda:*:*:function:${HANDLER_FUNCTION_NAME_PREFIX}*`,
          `arn:*:ssm:*:*:parameter${STATE_PARAMETER_NAME}`,
        ]),
      ],
    };
    const size = JSON.stringify(document).length;
    if (size > MAX_SCP_CHARACTERS && (breakGlass === undefined || !Token.isUnresolved(breakGlass))) {
      throw new Error(`The tamper guard policy is ${size} characters, over the ${MAX_SCP_CHARACTERS}-character SCP quota: shorten breakGlassRoleArn`);
    }
    return document;
  }

  /** The policy as AWS should store it: minified JSON, the form `MAX_CHARACTERS` is measured on. */
  public static toJson(options: BedrockTamperGuardPolicyOptions = {}): string {
    return JSON.stringify(BedrockTamperGuardPolicy.json(options));
  }

  private constructor() {}
}
