/**
 * Facts that two or more capabilities share, each stated once: the object layout Bedrock writes,
 * the key-prefix rules, identifier patterns, the library's IAM path and name limits. Plain
 * TypeScript with no aws-cdk-lib or AWS SDK import, so that the verify package compiles this very
 * file into itself. Values may be CDK tokens (they are strings): unresolved tokens are written into
 * statements as they are, and never validated.
 *
 * Sources: Bedrock user guide, "Monitor model invocation using CloudWatch Logs and Amazon S3"
 * (object layout); IAM and Organizations quotas and name rules; S3 object key rules.
 */

/**
 * The oldest aws-cdk-lib the library works with: the floor of its peer dependency
 * (`"aws-cdk-lib": "^2.257.0"` in package.json; a test keeps the two equal). Older versions fail
 * far from the cause (for example `Validations`, which cdk-nag 3's acknowledgements use, is missing).
 */
export const AWS_CDK_LIB_PEER_FLOOR = '2.257.0';

/**
 * The one-line error for an aws-cdk-lib older than `AWS_CDK_LIB_PEER_FLOOR` (`loaded` is its
 * version, `from` where it was loaded); undefined when it is recent enough or its version unknown.
 */
export function awsCdkLibFloorProblem(loaded: string, from: string): string | undefined {
  const parse = (v: string) => /^(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number);
  const have = parse(loaded);
  const need = parse(AWS_CDK_LIB_PEER_FLOOR)!;
  if (!have) return undefined;
  const older = have[0] !== need[0] ? have[0] < need[0] : have[1] !== need[1] ? have[1] < need[1] : have[2] < need[2];
  if (!older) return undefined;
  return `cdk-bedrock-invocation-logging needs aws-cdk-lib ${AWS_CDK_LIB_PEER_FLOOR} or later (peer dependency ^${AWS_CDK_LIB_PEER_FLOOR}), `
    + `but this app loads aws-cdk-lib ${loaded} from ${from}: run npm install aws-cdk-lib@^${AWS_CDK_LIB_PEER_FLOOR}`;
}

/** The key prefix the library writes under unless told otherwise. */
export const DEFAULT_KEY_PREFIX = 'bedrock';

/** A policy statement as JSON. */
export interface StatementJson {
  readonly [key: string]: unknown;
}

/** Where a logging configuration lives: the scope of the confused-deputy conditions. */
export interface SourceScope {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
}

/** `PREFIX/` (or nothing for an empty prefix): what stands before `AWSLogs/` in the keys Bedrock writes. */
export function prefixPath(prefix: string): string {
  return prefix ? `${prefix}/` : '';
}

/**
 * The folder Bedrock writes one account's logs under: `PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/`.
 * Objects follow as `REGION/YYYY/MM/DD/HH/*.json.gz`, large bodies under `.../HH/data/`.
 */
export function logObjectsFolder(prefix: string, account: string): string {
  return `${prefixPath(prefix)}AWSLogs/${account}/BedrockModelInvocationLogs/`;
}

/** Longest prefix accepted: S3 keys stop at 1,024 bytes and Bedrock appends about 120 (`/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/REGION/YYYY/MM/DD/HH/data/UUID.json.gz`). */
export const MAX_KEY_PREFIX_LENGTH = 900;

/**
 * Characters S3 documents as safe in keys, minus `*` (an IAM wildcard: it would widen every
 * policy that names the prefix). `?`, spaces, `%`, `&`, `$`, `:` and the rest are refused for the
 * same reason or because S3 or Bedrock handle them badly.
 */
const SAFE_CHARS = "A-Za-z0-9!_.'()\\/-";

/** What `keyPrefixProblems` found. */
export interface KeyPrefixCheck {
  /** The prefix normalised once: trailing `/` dropped. */
  readonly prefix: string;
  /** One line per problem, naming `prop`, the value and the fix. Empty when the prefix is fine. */
  readonly problems: string[];
}

/**
 * The one validator of key prefixes (constructs, app context, StackSet parameter pattern, verify):
 * drops trailing `/` and reports what S3, Bedrock or IAM would refuse or widen.
 */
export function keyPrefixProblems(value: string, prop: string): KeyPrefixCheck {
  const shown = JSON.stringify(value);
  if (/^s3:\/\//i.test(value)) {
    return { prefix: value, problems: [`${prop} ${shown} is a URL: give only the key prefix (for example "bedrock"), without "s3://" and the bucket name`] };
  }
  if (value.startsWith('/')) {
    return { prefix: value, problems: [`${prop} ${shown} starts with "/": S3 keys have no leading slash; remove it (for example "${value.replace(/^\/+/, '')}")`] };
  }
  const prefix = value.replace(/\/+$/, '');
  if (prefix.length === 0) {
    return { prefix, problems: [`${prop} ${shown} is empty: give a prefix such as "bedrock", so that the nOps grant covers only that prefix and not the whole bucket`] };
  }
  const problems: string[] = [];
  if (prefix.length > MAX_KEY_PREFIX_LENGTH) {
    problems.push(`${prop} is ${prefix.length} characters long: use at most ${MAX_KEY_PREFIX_LENGTH}, so that the keys Bedrock writes under it stay within S3's 1,024-byte limit`);
  }
  const unsafe = prefix.replace(new RegExp(`[${SAFE_CHARS}]`, 'g'), '');
  if (unsafe.length > 0) {
    const bad = [...new Set(unsafe.split(''))].map((c) => JSON.stringify(c)).join(', ');
    problems.push(`${prop} ${shown} contains ${bad}: use only letters, digits and ! _ . ' ( ) - / (no "*" or "?": they are wildcards in IAM policies)`);
  }
  if (prefix.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    problems.push(`${prop} ${shown} has an empty, "." or ".." path segment: write each segment out, for example "bedrock/logs"`);
  }
  return { prefix, problems };
}

const SEGMENT_CHAR = "[A-Za-z0-9!_.'()-]";

const SEGMENT_CHAR_NO_DOT = "[A-Za-z0-9!_'()-]";

/** One segment that is neither `.` nor `..` (written without look-ahead, so any regex engine agrees). */
const SEGMENT = `(${SEGMENT_CHAR_NO_DOT}${SEGMENT_CHAR}*|\\.${SEGMENT_CHAR_NO_DOT}${SEGMENT_CHAR}*|\\.\\.${SEGMENT_CHAR}+)`;

/**
 * `keyPrefixProblems` as a regular expression, for a CloudFormation parameter's `AllowedPattern`
 * (Java regex): no problem and no trailing `/` (a parameter value is not normalised). The length
 * limit is the parameter's `MaxLength`. A property test keeps the two in agreement.
 */
export const KEY_PREFIX_ALLOWED_PATTERN = `^${SEGMENT}(/${SEGMENT})*$`;

/** An IAM role name: 1-64 letters, digits and `+=,.@_-`. */
export const ROLE_NAME_PATTERN = '^[\\w+=,.@-]{1,64}$';

/** An IAM role ARN, path included. */
export const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::\\d{12}:role/(?:[\\x21-\\x7e]*/)?[\\w+=,.@-]{1,64}$';

/**
 * A managed policy ARN, customer managed (12-digit account) or AWS managed (`aws`): what a
 * permissions boundary takes.
 */
export const MANAGED_POLICY_ARN_PATTERN = '^arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/(?:[\\x21-\\x7e]*/)?[\\w+=,.@-]{1,128}$';

/** A Region name: commercial, GovCloud, China, ISO and European Sovereign Cloud (`us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `eusc-de-east-1`). */
export const REGION_PATTERN = '^[a-z]{2,4}(-[a-z]+)+-\\d{1,2}$';

/** An AWS account id. */
export const ACCOUNT_ID_PATTERN = '^\\d{12}$';

/** A KMS key ARN (not an alias): `arn:aws:kms:REGION:ACCOUNT:key/KEY-ID` (multi-Region keys start `mrk-`). */
export const KMS_KEY_ARN_PATTERN = '^arn:aws[a-z-]*:kms:[a-z]{2,4}(-[a-z]+)+-\\d{1,2}:\\d{12}:key/[A-Za-z0-9-]{1,128}$';

/** An organizational unit id (`ou-ab12-cdef3456`) or a root id (`r-ab12`), as StackSets accept them. */
export const ORGANIZATIONAL_UNIT_ID_PATTERN = '^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$';

/** The role name of a role ARN (the path dropped): policies attach to a role by name. */
export function roleNameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/**
 * IAM path of every role the library creates. `aws:PrincipalArn` includes the path, so an SCP or a
 * bucket policy can admit or exempt the library's roles with
 * `arn:aws:iam::*:role/cdk-bedrock-invocation-logging/*`.
 */
export const IAM_PATH = '/cdk-bedrock-invocation-logging/';

/** A general purpose S3 bucket name: 3-63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit. */
export const BUCKET_NAME_PATTERN = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';

/** S3 bucket names: at most 63 characters. */
export const MAX_BUCKET_NAME_LENGTH = 63;

/** Characters of the per-stack suffix of a bucket name (the first group of the stack id's UUID). */
export const BUCKET_NAME_SUFFIX_LENGTH = 8;

/** The longest Region name the bucket names are checked against (`us-isof-south-1`, 15 characters). */
export const LONGEST_REGION_NAME = 'us-isof-south-1';

/** `arn:PARTITION:iam::ACCOUNT:role/cdk-bedrock-invocation-logging/*`: the library's roles (any account with `*`). */
export function libraryRoleArnPattern(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role${IAM_PATH}*`;
}

/** IAM quotas: characters of a role's path (slashes included) and of its name. */
export const MAX_ROLE_PATH_LENGTH = 512;

export const MAX_ROLE_NAME_LENGTH = 64;

/** The partitions a role ARN pattern may name (or `*`). */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;

/**
 * An AWS Organizations organization id (`o-` and 10 to 32 lowercase letters or digits), the value
 * of `aws:PrincipalOrgID`.
 */
export const ORGANIZATION_ID_PATTERN = '^o-[a-z0-9]{10,32}$';

/** A StackSet name: a letter, then up to 127 letters, digits or `-` (CloudFormation's rule). */
export const STACK_SET_NAME_PATTERN = '^[a-zA-Z][a-zA-Z0-9-]{0,127}$';

/** The name `BedrockInvocationLoggingStackSet` gives its StackSet unless told otherwise. */
export const DEFAULT_STACK_SET_NAME = 'BedrockInvocationLogging';

/**
 * `StackSet-NAME-`: how CloudFormation starts the name of every stack instance of the StackSet
 * `NAME` in the member accounts (a UUID follows), so that a policy can name them.
 */
export function stackSetInstanceStackNamePrefix(stackSetName: string): string {
  return `StackSet-${stackSetName}-`;
}

/**
 * The tag on every KMS key the library creates (the log buckets' and the archive's keys, the tamper
 * alert topic's key): keys have no name a policy can match, so the tamper-guard SCP names them by
 * this tag (`aws:ResourceTag/KEY`). A key of your own is guarded too once it carries the tag.
 */
export const GUARDED_KEY_TAG = { key: 'cdk-bedrock-invocation-logging', value: 'guarded' } as const;

/**
 * `s3://BUCKET/PREFIX/`: what nOps takes as "S3 Data Prefix" (Integrations > Add Bedrock
 * Integration), for a log bucket or the archive.
 */
export function s3DataPrefix(bucketName: string, prefix: string): string {
  return `s3://${bucketName}/${prefixPath(prefix)}`;
}
