/**
 * The facts of Amazon Bedrock model invocation logging that the constructs, the `verify` CLI and
 * the tests share, each stated once. Plain TypeScript with no aws-cdk-lib or AWS SDK import, so
 * that the verify package compiles this very file into itself. Values may be CDK tokens (they are
 * strings): unresolved tokens are written into statements as they are, and never validated.
 *
 * Sources: Bedrock user guide, "Monitor model invocation using CloudWatch Logs and Amazon S3"
 * (bucket policy, key policy, CloudWatch role, object layout); IAM and Organizations quotas and
 * name rules; S3 object key rules.
 */

/** The service principal that writes invocation logs (bucket, key and trust policies). */
export const BEDROCK_SERVICE_PRINCIPAL = 'bedrock.amazonaws.com';

/** The log stream Bedrock writes to in a CloudWatch Logs log group. */
export const BEDROCK_LOG_STREAM = 'aws/bedrock/modelinvocations';

/** The log group the Bedrock console suggests. */
export const DEFAULT_LOG_GROUP_NAME = '/aws/bedrock/modelinvocations';

/** The key prefix the library writes under unless told otherwise. */
export const DEFAULT_KEY_PREFIX = 'bedrock';

/** Statement id of the bucket-policy statement that lets Bedrock write. */
export const BEDROCK_WRITE_SID = 'AmazonBedrockLogsWrite';

/** Statement id of the key-policy statement that lets Bedrock encrypt. */
export const BEDROCK_ENCRYPT_SID = 'AmazonBedrockLogsEncrypt';

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

/** `arn:PARTITION:bedrock:REGION:ACCOUNT:*`, the `aws:SourceArn` AWS documents. */
export function bedrockSourceArn(scope: SourceScope): string {
  return `arn:${scope.partition}:bedrock:${scope.region}:${scope.account}:*`;
}

/** `aws:SourceAccount` and `aws:SourceArn` for one account and Region: the confused-deputy guard AWS documents. */
export function bedrockSourceConditions(scope: SourceScope): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': scope.account },
    ArnLike: { 'aws:SourceArn': bedrockSourceArn(scope) },
  };
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

/** The bucket-policy statement AWS documents for Bedrock, exactly: nothing wider. */
export function bedrockWriteStatement(scope: SourceScope, bucketArn: string, prefix: string): StatementJson {
  return {
    Sid: BEDROCK_WRITE_SID,
    Effect: 'Allow',
    Principal: { Service: BEDROCK_SERVICE_PRINCIPAL },
    Action: 's3:PutObject',
    Resource: `${bucketArn}/${logObjectsFolder(prefix, scope.account)}*`,
    Condition: bedrockSourceConditions(scope),
  };
}

/** The key-policy statement SSE-KMS needs: Bedrock may generate data keys, under the same conditions. */
export function bedrockEncryptStatement(scope: SourceScope): StatementJson {
  return {
    Sid: BEDROCK_ENCRYPT_SID,
    Effect: 'Allow',
    Principal: { Service: BEDROCK_SERVICE_PRINCIPAL },
    Action: 'kms:GenerateDataKey',
    Resource: '*',
    Condition: bedrockSourceConditions(scope),
  };
}

// ---- Key prefix ---------------------------------------------------------------------------------

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

// ---- Names and identifiers --------------------------------------------------------------------

/** An IAM role name: 1-64 letters, digits and `+=,.@_-`. */
export const ROLE_NAME_PATTERN = '^[\\w+=,.@-]{1,64}$';

/** An IAM role ARN, path included. */
export const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::\\d{12}:role/(?:[\\x21-\\x7e]*/)?[\\w+=,.@-]{1,64}$';

/** A Region name: commercial, GovCloud, China, ISO and European Sovereign Cloud (`us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `eusc-de-east-1`). */
export const REGION_PATTERN = '^[a-z]{2,4}(-[a-z]+)+-\\d{1,2}$';

/** An AWS account id. */
export const ACCOUNT_ID_PATTERN = '^\\d{12}$';

/** An organizational unit id (`ou-ab12-cdef3456`) or a root id (`r-ab12`), as StackSets accept them. */
export const ORGANIZATIONAL_UNIT_ID_PATTERN = '^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$';

/** A StackSet name: a letter, then up to 127 letters, digits or `-` (CloudFormation's rule). */
export const STACK_SET_NAME_PATTERN = '^[a-zA-Z][a-zA-Z0-9-]{0,127}$';

/** The role name of a role ARN (the path dropped): policies attach to a role by name. */
export function roleNameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

// ---- Names other policies can match (organization scale) ---------------------------------------

/**
 * IAM path of every role the library creates. `aws:PrincipalArn` includes the path, so an SCP or a
 * bucket policy can admit or exempt the library's roles with
 * `arn:aws:iam::*:role/cdk-bedrock-invocation-logging/*`.
 */
export const IAM_PATH = '/cdk-bedrock-invocation-logging/';

/** Fixed start of the names of the log buckets the app and the StackSet member template create. */
export const LOG_BUCKET_NAME_PREFIX = 'bedrock-invocation-logs';

/** Fixed start of the name of the organization's log archive bucket. */
export const ARCHIVE_BUCKET_NAME_PREFIX = 'bedrock-invocation-logs-archive';

/** S3 bucket names: at most 63 characters. */
export const MAX_BUCKET_NAME_LENGTH = 63;

/** Characters of the per-stack suffix of a bucket name (the first group of the stack id's UUID). */
export const BUCKET_NAME_SUFFIX_LENGTH = 8;

/** The longest Region name the bucket names are checked against (`us-isof-south-1`, 15 characters). */
export const LONGEST_REGION_NAME = 'us-isof-south-1';

/**
 * `bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX`: the log bucket of one stack. The account and
 * Region make every Region's bucket of an account match `bedrock-invocation-logs-ACCOUNT-*`; the
 * suffix (from the stack id) keeps a retained bucket from blocking a redeploy.
 */
export function logBucketName(account: string, region: string, suffix: string): string {
  return `${LOG_BUCKET_NAME_PREFIX}-${account}-${region}-${suffix}`;
}

/** `arn:PARTITION:s3:::bedrock-invocation-logs-ACCOUNT-*`: every Region's log bucket of one account. */
export function accountLogBucketsArnPattern(partition: string, account: string): string {
  return `arn:${partition}:s3:::${LOG_BUCKET_NAME_PREFIX}-${account}-*`;
}

/** `arn:PARTITION:iam::ACCOUNT:role/cdk-bedrock-invocation-logging/*`: the library's roles (any account with `*`). */
export function libraryRoleArnPattern(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role${IAM_PATH}*`;
}

/**
 * Read access to the logs in every Region's log bucket of one account, by name pattern, for one
 * grant per account (the nOps role has room for few managed policies): `s3:ListBucket` with
 * `s3:prefix` `PREFIX/*`, `s3:GetObject` on this account's log folder
 * (`PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/*`, so that the bucket wildcard cannot reach
 * another key that merely contains `/PREFIX/`), both only on buckets this account owns
 * (`s3:ResourceAccount`), and with SSE-KMS `kms:Decrypt` of this account's keys only through S3
 * for those buckets (`kms:ViaService`, `kms:EncryptionContext:aws:s3:arn`).
 */
export function accountLogsReadStatements(scope: SourceScope, prefix: string, decrypt: boolean): StatementJson[] {
  const buckets = accountLogBucketsArnPattern(scope.partition, scope.account);
  const owned = { 's3:ResourceAccount': scope.account };
  const statements: StatementJson[] = [
    {
      Sid: 'ListInvocationLogPrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: buckets,
      Condition: { StringLike: { 's3:prefix': [`${prefix}/*`] }, StringEquals: owned },
    },
    {
      Sid: 'ReadInvocationLogs',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `${buckets}/${logObjectsFolder(prefix, scope.account)}*`,
      Condition: { StringEquals: owned },
    },
  ];
  if (decrypt) {
    statements.push({
      Sid: 'DecryptInvocationLogs',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: `arn:${scope.partition}:kms:*:${scope.account}:key/*`,
      Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': `${buckets}` } },
    });
  }
  return statements;
}

// ---- Tamper guard (service control policy and detection) ---------------------------------------

/**
 * Start of the custom resource handler's function name (the function name is `PREFIX-SUFFIX`, the
 * suffix unique to the stack), so that the tamper-guard SCP can name the function:
 * `arn:*:lambda:*:*:function:cdk-bedrock-invocation-logging-handler*`.
 */
export const HANDLER_FUNCTION_NAME_PREFIX = 'cdk-bedrock-invocation-logging-handler';

/**
 * Start of the name of the role CloudFormation StackSets assumes in each member account of a
 * service-managed StackSet (`stacksets-exec-` and a hash, on path `/`).
 */
export const STACKSETS_EXECUTION_ROLE_NAME_PREFIX = 'stacksets-exec-';

/** AWS Organizations quota: characters in one service control policy (whitespace counts). */
export const MAX_SCP_CHARACTERS = 5_120;

/** IAM quotas: characters of a role's path (slashes included) and of its name. */
export const MAX_ROLE_PATH_LENGTH = 512;
export const MAX_ROLE_NAME_LENGTH = 64;

/** The partitions a role ARN pattern may name (or `*`). */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;

/** An EventBridge event bus ARN (`arn:aws:events:REGION:ACCOUNT:event-bus/NAME`). */
export const EVENT_BUS_ARN_PATTERN = `^arn:aws[a-z-]*:events:${REGION_PATTERN.slice(1, -1)}:\\d{12}:event-bus/[\\w.\\-/]{1,256}$`;
