/**
 * What the tamper guard covers, stated once. The SCP (BedrockTamperGuardPolicy) denies every action
 * on the guarded resources except the read-only ones IAM names `Get*`, `List*` and `Describe*`; the
 * detection rule (BedrockTamperDetection) watches the same resources' CloudTrail events.
 */
import { ARCHIVE_BUCKET_NAME_PREFIX } from '../../archive/facts';
import { HANDLER_FUNCTION_NAME_PREFIX, LOG_BUCKET_NAME_PREFIX } from '../../logging/facts';
import { DETECTION_RULE_NAME } from '../facts';
import { GUARDED_KEY_TAG, IAM_PATH, libraryRoleArnPattern, stackSetInstanceStackNamePrefix } from '../../shared/facts';

/** The two Bedrock actions that turn logging off or redirect it, stated in the facts (verify reads them). */
export { GUARDED_BEDROCK_ACTIONS } from '../facts';

/**
 * The bucket name prefixes the guard matches (`PREFIX*`), each once: the archive's prefix is left
 * out when the log buckets' pattern already matches it.
 */
export function guardedBucketNamePrefixes(): string[] {
  const prefixes = [`${LOG_BUCKET_NAME_PREFIX}-`, ARCHIVE_BUCKET_NAME_PREFIX];
  return prefixes.filter((p, i) => !prefixes.some((q, j) => j < i && p.startsWith(q)));
}

/** A resource the guard protects: what it is, and the ARN pattern the SCP names it by. */
export interface GuardedResource {
  readonly what: string;
  readonly arnPattern: string;
}

/**
 * The resources the guard protects by name (besides the exempt roles and the tagged keys). An ARN
 * pattern's `*` also matches `/`, so a bucket's pattern covers its objects.
 */
export function guardedResources(stackSetName: string): GuardedResource[] {
  return [
    { what: 'the library\'s roles (its IAM path)', arnPattern: libraryRoleArnPattern('*', '*') },
    { what: 'customer managed policies on the library\'s IAM path (every policy the library attaches to its roles)', arnPattern: `arn:*:iam::*:policy${IAM_PATH}*` },
    ...guardedBucketNamePrefixes().map((p) => ({ what: 'the log buckets and the archive, and their objects', arnPattern: `arn:*:s3:::${p}*` })),
    { what: 'the custom resource handler (function, versions, aliases)', arnPattern: `arn:*:lambda:*:*:function:${HANDLER_FUNCTION_NAME_PREFIX}-*` },
    { what: 'SSM parameters under the library\'s path (the handler\'s record and create markers)', arnPattern: `arn:*:ssm:*:*:parameter${IAM_PATH}*` },
    { what: 'the tamper-detection rule the StackSet\'s member template puts in every account and Region', arnPattern: `arn:*:events:*:*:rule/${DETECTION_RULE_NAME}` },
    { what: 'the StackSet\'s stack instances in the member accounts', arnPattern: `arn:*:cloudformation:*:*:stack/${stackSetInstanceStackNamePrefix(stackSetName)}*` },
  ];
}

/**
 * What anyone the account allows may still do on the guarded resources: the read-only actions, as IAM
 * names them (`Get*`, `List*`, `Describe*`; IAM has no `Head*` action, S3 authorizes HeadObject as
 * `s3:GetObject`), for each service that has a guarded resource. Reading the logs (nOps, Athena),
 * audit tools and the console keep working; every write is denied, `s3:PutObject` anywhere in the
 * guarded buckets included (a forged log would be read by nOps and Athena and replicated to the
 * archive; Bedrock writes as a service principal, which SCPs do not restrict, and replication as a
 * library role). `sts` has no read action on a role: assuming a guarded role is denied.
 */
export const OPEN_ACTIONS = [
  'iam:Get*', 'iam:List*',
  's3:Get*', 's3:List*',
  'lambda:Get*', 'lambda:List*',
  'ssm:Get*', 'ssm:List*',
  'cloudformation:Describe*', 'cloudformation:Get*', 'cloudformation:List*',
  'events:Describe*', 'events:List*',
];

/**
 * What anyone the account allows may still do with a guarded key: read it (`Describe*`, `Get*`,
 * `List*`) and decrypt (readers of SSE-KMS logs, through S3). Disabling, deleting, the key policy,
 * grants, aliases, rotation, tags, key material, and encrypting: denied.
 */
export const OPEN_KEY_ACTIONS = ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:Decrypt'];

/** The condition that selects the library's keys: `aws:ResourceTag/KEY` = value. */
export function guardedKeyCondition(): Record<string, string> {
  return { [`aws:ResourceTag/${GUARDED_KEY_TAG.key}`]: GUARDED_KEY_TAG.value };
}
