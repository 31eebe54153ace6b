import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DEFAULT_STACK_SET_NAME, MAX_ROLE_NAME_LENGTH, MAX_ROLE_PATH_LENGTH, PARTITIONS, StatementJson, libraryRoleArnPattern } from '../shared/facts';
import { ErrorCollector, stackSetNameProblems } from '../shared/validation';
import { MAX_SCP_CHARACTERS, STACKSETS_EXECUTION_ROLE_NAME_PREFIX } from './facts';
import {
  GUARDED_BEDROCK_ACTIONS, guardedKeyCondition, guardedResources, OPEN_ACTIONS, OPEN_KEY_ACTIONS,
} from './private/coverage';

/**
 * Options of the tamper-guard service control policy.
 */
export interface BedrockTamperGuardPolicyOptions {
  /**
   * A role ARN, or an `ArnLike` pattern of role ARNs, exempt from the guard for emergencies, for
   * example `arn:aws:iam::*:role/BreakGlass` or
   * `arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_*`. `*` and `?`
   * are allowed in the account, path and name, but the name must start with a literal character.
   * Like every exempt role, it is guarded too: principals that are not exempt can neither change it
   * nor assume it, so it is assumed from outside the guarded accounts (a security account, or IAM
   * Identity Center).
   *
   * @default - no break-glass role: only the library's roles and the deployers are exempt
   */
  readonly breakGlassRoleArn?: string;

  /**
   * Roles, or `ArnLike` patterns of roles, that deploy the library's stacks in the guarded accounts,
   * exempt in addition to the service-managed StackSets execution role (`stacksets-exec-*`), which
   * is always exempt: for example `arn:*:iam::*:role/AWSCloudFormationStackSetExecutionRole`
   * (self-managed StackSets, Landing Zone Accelerator) or `arn:*:iam::*:role/AWSControlTowerExecution`
   * (AWS Control Tower). Each follows the rules of `breakGlassRoleArn`, and is guarded like it.
   *
   * @default - only `stacksets-exec-*` deploys
   */
  readonly executionRoleArns?: string[];

  /**
   * Name of the StackSet that deploys the member stacks: its stack instances in the member accounts
   * (`StackSet-NAME-...`) are guarded.
   *
   * @default 'BedrockInvocationLogging' - the default name of `BedrockInvocationLoggingStackSet`
   */
  readonly stackSetName?: string;
}

const ROLE_CHARS = '[\\w+=,.@*?-]';
const BREAK_GLASS = new RegExp(`^arn:([^:]*):iam::([^:]*):role(/(?:${ROLE_CHARS}+/)*)?(${ROLE_CHARS}*)$`);

/**
 * The tamper guard as an AWS Organizations service control policy, generated from the names the
 * library uses (the facts modules). Deny by default on what the guard protects: in the accounts it is
 * attached to, no principal but an exempt one may turn Bedrock model invocation logging off or
 * redirect it, or do anything but read (`Get*`, `List*`, `Describe*`) on the library's roles and
 * the policies on its IAM path, the log buckets and the archive, the handler function, the SSM
 * parameters under the library's path, the StackSet's stack instances, the keys the library tags
 * (where `kms:Decrypt` stays open too), and the exempt roles themselves (so they cannot be assumed
 * from inside a guarded account). Exempt: the library's roles (by IAM path), the StackSets execution
 * role, the named deployers (`executionRoleArns`) and an optional break-glass role. SCPs never
 * restrict the management account, service principals or service-linked roles.
 *
 * `BedrockTamperGuard` deploys it; `npm run scp` prints it for teams that manage SCPs elsewhere.
 */
export class BedrockTamperGuardPolicy {
  /** AWS Organizations' limit on one SCP, in characters (whitespace counts; the policy is sent minified). */
  public static readonly MAX_CHARACTERS = MAX_SCP_CHARACTERS;

  /** `aws:PrincipalArn` patterns always exempt: the library's roles (by IAM path) and the service-managed StackSets execution role. */
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
   * Every problem of `executionRoleArns`, one line each: those of each pattern (the rules of
   * `breakGlassRoleArn`, naming `prop[i]`), and patterns listed twice or exempt already.
   */
  public static executionRoleArnsProblems(values: string[], prop: string): string[] {
    const problems: string[] = [];
    values.forEach((value, i) => {
      if (Token.isUnresolved(value)) return;
      const shown = JSON.stringify(value);
      if (BedrockTamperGuardPolicy.EXEMPT_ROLE_ARN_PATTERNS.includes(value)) {
        problems.push(`${prop}[${i}] ${shown} is exempt already (the library's roles and stacksets-exec-* always are): drop it`);
      } else if (values.indexOf(value) < i) {
        problems.push(`${prop}[${i}] ${shown} is listed twice: list each pattern once`);
      } else {
        problems.push(...BedrockTamperGuardPolicy.breakGlassRoleArnProblems(value, `${prop}[${i}]`));
      }
    });
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
    const { breakGlassRoleArn: breakGlass, executionRoleArns = [] } = options;
    const stackSetName = options.stackSetName ?? DEFAULT_STACK_SET_NAME;
    if (breakGlass !== undefined && !Token.isUnresolved(breakGlass)) {
      BedrockTamperGuardPolicy.breakGlassRoleArnProblems(breakGlass, 'breakGlassRoleArn').forEach((p) => errors.add(p));
    }
    if (Token.isUnresolved(executionRoleArns)) {
      errors.add('executionRoleArns is an unresolved list (a CommaDelimitedList parameter, for example): give a list of ARN patterns, each of which may be a token');
    } else {
      BedrockTamperGuardPolicy.executionRoleArnsProblems(executionRoleArns, 'executionRoleArns').forEach((p) => errors.add(p));
    }
    stackSetNameProblems(stackSetName, 'stackSetName').forEach((p) => errors.add(p));
    errors.throwIfAny();

    const exempt = [...BedrockTamperGuardPolicy.EXEMPT_ROLE_ARN_PATTERNS, ...executionRoleArns, ...breakGlass !== undefined ? [breakGlass] : []];
    const unlessExempt = { ArnNotLike: { 'aws:PrincipalArn': exempt } };
    const guarded = [...exempt, ...guardedResources(stackSetName).map((r) => r.arnPattern)].filter((p, i, all) => all.indexOf(p) === i);
    const statements: StatementJson[] = [
      { Sid: 'DenyLoggingConfigurationChanges', Effect: 'Deny', Action: GUARDED_BEDROCK_ACTIONS, Resource: '*', Condition: unlessExempt },
      // The exempt roles are guarded too: changing, passing or assuming them would make anyone exempt.
      { Sid: 'DenyAllButReadsOnGuardedResources', Effect: 'Deny', NotAction: OPEN_ACTIONS, Resource: guarded, Condition: unlessExempt },
      // Keys have no name a policy can match: the library tags its own.
      {
        Sid: 'DenyAllButReadsOnGuardedKeys', Effect: 'Deny', NotAction: OPEN_KEY_ACTIONS, Resource: 'arn:*:kms:*:*:key/*',
        Condition: { StringEquals: guardedKeyCondition(), ...unlessExempt },
      },
    ];
    const document = { Version: '2012-10-17', Statement: statements };
    const size = JSON.stringify(document).length;
    const resolved = [breakGlass, stackSetName, ...executionRoleArns].every((v) => v === undefined || !Token.isUnresolved(v));
    if (size > MAX_SCP_CHARACTERS && resolved) {
      const given = [
        ...breakGlass !== undefined ? [`shorten breakGlassRoleArn (${breakGlass.length} characters)`] : [],
        ...executionRoleArns.length > 0 ? [`name fewer or shorter executionRoleArns (${executionRoleArns.length}, ${executionRoleArns.join('').length} characters)`] : [],
        ...options.stackSetName !== undefined ? [`shorten stackSetName (${stackSetName.length} characters)`] : [],
      ];
      errors.add(`the tamper guard policy would be ${size.toLocaleString('en-US')} characters, over the ${MAX_SCP_CHARACTERS.toLocaleString('en-US')}-character SCP quota `
        + `(each exempt role pattern appears in all ${statements.length} statements and once more as a guarded resource): ${given.join(', or ')}`);
      errors.throwIfAny();
    }
    return document;
  }

  /** The policy as AWS should store it: minified JSON, the form `MAX_CHARACTERS` is measured on. */
  public static toJson(options: BedrockTamperGuardPolicyOptions = {}): string {
    return JSON.stringify(BedrockTamperGuardPolicy.json(options));
  }

  private constructor() {}
}
