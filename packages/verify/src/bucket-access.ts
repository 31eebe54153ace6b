/**
 * What a bucket policy lets one IAM role do with the log prefix, evaluated by verify itself.
 *
 * IAM's SimulatePrincipalPolicy refuses a ResourcePolicy for a role unless CallerArn names an IAM
 * user, so the simulator can only judge the role's own policies. This module reads the bucket
 * policy's statements the way S3 would for the role's read requests: which statements name or
 * could match the role, whether one allows reading outside the prefix, and whether a Deny blocks
 * reading inside it. What it cannot decide (a source IP, an organization, a tag) is reported as
 * "maybe" with the keys involved, never dropped.
 */
import { evaluateCondition, conditionValuesOf, ContextValue, RequestContext, Tri } from './conditions';
import { asList, coversResource, grantsAction, isAllow, PolicyStatement, statementName, wildcardMatch, wildcardWitness } from './policy';

/** The role and the part of the bucket it should read. */
export interface RoleReader {
  /** The role's ARN as IAM returns it, path included. */
  readonly roleArn: string;
  readonly account: string;
  readonly partition: string;
  readonly bucketName: string;
  /** Normalised key prefix ('' = the whole bucket). */
  readonly prefix: string;
  /** Key of an object the role must be able to read, under the prefix. */
  readonly insideKey: string;
}

/** How a statement's Principal (or NotPrincipal) relates to the role. */
export type PrincipalMatch =
  /** Names the role, a session of it, a pattern matching it, or anyone. */
  | 'role'
  /** Names the account: an Allow only delegates to the role's IAM policies; a Deny applies. */
  | 'account'
  | 'none'
  /** Cannot be decided (for example a NotPrincipal that lists the role but not nOps's session). */
  | 'unknown';

/** One statement that matters for the role. */
export interface Finding {
  readonly statement: string;
  /** `yes`: applies to the role's requests; `maybe`: depends on `unknown`. */
  readonly certainty: Exclude<Tri, 'no'>;
  /** What it does, for example `allows s3:GetObject on arn:aws:s3:::b/* (for example key "x")`. */
  readonly text: string;
  /** Condition keys (or other parts) verify cannot evaluate. */
  readonly unknown: string[];
}

/** What the bucket policy does for the role. */
export interface BucketPolicyAccess {
  /** Allow statements that let the role read objects outside the prefix. */
  readonly readOutside: Finding[];
  /** Allow statements that let the role list key names outside the prefix. */
  readonly listOutside: Finding[];
  /** Deny statements that block the role reading or listing the prefix. */
  readonly blocksInside: Finding[];
  /** Whether an Allow naming the role grants reading (`get`) and listing (`list`) the prefix by itself. */
  readonly grantsInside: { readonly get: boolean; readonly list: boolean };
  /** Allow statements to the account that cover reads: they delegate to the role's IAM policies. */
  readonly delegations: string[];
  /** Allow statements that may let the role read outside the prefix, but whose principal verify cannot match. */
  readonly unevaluatedAllows: Finding[];
  /** Deny (or malformed) statements that may block the role, but whose principal verify cannot match. */
  readonly unevaluatedDenies: Finding[];
}

/** Object read actions and list actions a read grant is made of. */
export const OBJECT_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];
export const LIST_ACTIONS = ['s3:ListBucket', 's3:ListBucketVersions'];

/** Condition keys absent from a role's own GetObject / ListBucket request (no service acts for it, no upload headers). */
const ABSENT_KEYS = [
  'aws:sourceaccount', 'aws:sourcearn', 'aws:sourceowner', 'aws:sourceorgid', 'aws:sourceorgpaths',
  'aws:username', 'aws:calledvia', 'aws:calledviafirst', 'aws:calledvialast',
  's3:x-amz-server-side-encryption', 's3:x-amz-server-side-encryption-aws-kms-key-id', 's3:x-amz-acl',
  's3:x-amz-storage-class', 's3:x-amz-copy-source', 's3:x-amz-metadata-directive',
];

/**
 * The request context of the role reading the bucket over HTTPS with SigV4 (as AWS SDKs do).
 * s3:TlsVersion is 1.2 or 1.3: AWS endpoints refuse older TLS. Everything else is unknown.
 */
export function readContext(reader: RoleReader, s3Prefix?: string): RequestContext {
  const one = (value: string): ContextValue => ({ kind: 'oneOf', values: [value] });
  const context = new Map<string, ContextValue>([
    ['aws:principalarn', one(reader.roleArn)],
    ['aws:principalaccount', one(reader.account)],
    ['aws:principaltype', one('AssumedRole')],
    ['aws:principalisawsservice', one('false')],
    ['aws:viaawsservice', one('false')],
    ['aws:securetransport', one('true')],
    ['aws:resourceaccount', one(reader.account)],
    ['s3:resourceaccount', one(reader.account)],
    ['s3:signatureversion', one('AWS4-HMAC-SHA256')],
    ['s3:tlsversion', { kind: 'oneOf', values: ['1.2', '1.3'] }],
    ['s3:prefix', s3Prefix === undefined ? { kind: 'absent' } : one(s3Prefix)],
  ]);
  for (const key of ABSENT_KEYS) {
    context.set(key, { kind: 'absent' });
  }
  return context;
}

function roleName(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** `arn:P:sts::ACCOUNT:assumed-role/NAME/`: what the role's sessions' ARNs start with. */
function sessionBase(reader: RoleReader): string {
  return `arn:${reader.partition}:sts::${reader.account}:assumed-role/${roleName(reader.roleArn)}/`;
}

function entryMatch(entry: string, reader: RoleReader): PrincipalMatch {
  const sessions = sessionBase(reader);
  if (entry === '*') return 'role';
  if (entry === reader.account || entry === `arn:${reader.partition}:iam::${reader.account}:root`) return 'account';
  if (/[*?]/.test(entry)) {
    return wildcardMatch(entry, reader.roleArn) || wildcardWitness(entry, sessions, `${sessions}\u0000`) !== undefined ? 'role' : 'none';
  }
  const lower = entry.toLowerCase();
  if (lower === reader.roleArn.toLowerCase() || lower.startsWith(sessions.toLowerCase())) return 'role';
  return 'none';
}

function strongest(matches: PrincipalMatch[]): PrincipalMatch {
  for (const m of ['role', 'unknown', 'account'] as const) {
    if (matches.includes(m)) return m;
  }
  return 'none';
}

function principalEntries(principal: unknown): { aws: string[]; unknown: boolean } {
  if (principal === '*') return { aws: ['*'], unknown: false };
  if (typeof principal !== 'object' || principal === null) return { aws: [], unknown: true };
  const entries = principal as Record<string, unknown>;
  // A canonical user id may be this account's: verify does not look it up.
  return { aws: asList(entries.AWS), unknown: entries.CanonicalUser !== undefined };
}

/** Whether a statement's Principal or NotPrincipal could apply to the role's requests. */
export function principalMatch(statement: PolicyStatement, reader: RoleReader): PrincipalMatch {
  if (statement.NotPrincipal !== undefined) {
    const { aws, unknown } = principalEntries(statement.NotPrincipal);
    const listed = strongest(aws.map((e) => entryMatch(e, reader)));
    // Excluding a role needs its session's ARN (and for a Deny, the account's): verify does not know nOps's session name.
    return listed === 'none' && !unknown ? 'role' : 'unknown';
  }
  if (statement.Principal === undefined) {
    return 'unknown';
  }
  const { aws, unknown } = principalEntries(statement.Principal);
  const match = strongest(aws.map((e) => entryMatch(e, reader)));
  return match === 'none' && unknown ? 'unknown' : match;
}

function describeUnknown(unknown: string[]): string {
  return unknown.length ? ` (depends on ${unknown.join(', ')}, which verify cannot know for nOps's requests)` : '';
}

/** Object ARNs outside the prefix that the statement's Resource (or NotResource) covers. */
function outsideObjects(statement: PolicyStatement, reader: RoleReader): Array<{ arn: string; pattern: string }> {
  const bucketArn = `arn:${reader.partition}:s3:::${reader.bucketName}`;
  const start = `${bucketArn}/`;
  const inside = `${start}${reader.prefix}/`;
  if (statement.NotResource !== undefined) {
    const samples = [`${start}${reader.prefix}-other/example.json.gz`, `${start}example.json.gz`];
    return samples.filter((arn) => coversResource(statement, arn)).map((arn) => ({ arn, pattern: `NotResource ${asList(statement.NotResource).join(', ')}` }));
  }
  return asList(statement.Resource).flatMap((pattern) => {
    const arn = wildcardWitness(pattern, start, inside);
    return arn === undefined ? [] : [{ arn, pattern }];
  });
}

/** s3:prefix values outside the prefix worth trying against the statement (`undefined`: no prefix at all). */
function outsidePrefixes(statement: PolicyStatement, reader: RoleReader): Array<string | undefined> {
  const inside = `${reader.prefix}/`;
  const fromPolicy = conditionValuesOf(statement.Condition, 's3:prefix')
    .map((value) => wildcardWitness(value, '', inside, 0))
    .filter((w): w is string => w !== undefined);
  return [undefined, `${reader.prefix}-other/`, ...new Set(fromPolicy)];
}

/** Reads the bucket policy's statements for the role. Pure: no AWS call. */
export function analyseBucketPolicy(statements: PolicyStatement[], reader: RoleReader): BucketPolicyAccess {
  const bucketArn = `arn:${reader.partition}:s3:::${reader.bucketName}`;
  const insideArn = `${bucketArn}/${reader.insideKey}`;
  const insidePrefix = reader.prefix ? `${reader.prefix}/` : '';
  const getContext = readContext(reader);
  const listContext = readContext(reader, insidePrefix);
  const access = {
    readOutside: [] as Finding[], listOutside: [] as Finding[], blocksInside: [] as Finding[],
    grantsInside: { get: false, list: false }, delegations: [] as string[],
    unevaluatedAllows: [] as Finding[], unevaluatedDenies: [] as Finding[],
  };

  statements.forEach((statement, index) => {
    const name = statementName(statement, index);
    const match = principalMatch(statement, reader);
    if (match === 'none') {
      return;
    }
    const allow = isAllow(statement);
    const deny = String(statement.Effect ?? '').toLowerCase() === 'deny';
    const record = (list: Finding[], certainty: Tri, text: string, unknown: string[]): void => {
      if (certainty === 'no') return;
      // A statement whose principal verify cannot match is reported, never counted as matching or not.
      if (match === 'unknown') {
        (allow ? access.unevaluatedAllows : access.unevaluatedDenies).push({ statement: name, certainty: 'maybe', text: `${text}; whether its ${statement.NotPrincipal !== undefined ? 'NotPrincipal' : 'Principal'} covers nOps's role session cannot be told without the session's name`, unknown });
      } else {
        list.push({ statement: name, certainty, text: `${text}${certainty === 'maybe' ? describeUnknown(unknown) : ''}`, unknown });
      }
    };

    if (allow) {
      const reads = [...OBJECT_READ_ACTIONS, ...LIST_ACTIONS].filter((a) => grantsAction(statement, a));
      if (match === 'account') {
        if (reads.length > 0) access.delegations.push(name);
        return;
      }
      if (reader.prefix) {
        const actions = OBJECT_READ_ACTIONS.filter((a) => grantsAction(statement, a));
        for (const { arn, pattern } of actions.length ? outsideObjects(statement, reader) : []) {
          const condition = evaluateCondition(statement.Condition, getContext);
          if (condition.result !== 'no') {
            record(access.readOutside, condition.result, `allows ${actions.join(', ')} on ${pattern} (for example ${arn})`, condition.unknown);
            break;
          }
        }
        const lists = LIST_ACTIONS.filter((a) => grantsAction(statement, a));
        if (lists.length && coversResource(statement, bucketArn)) {
          for (const prefix of outsidePrefixes(statement, reader)) {
            const condition = evaluateCondition(statement.Condition, readContext(reader, prefix));
            if (condition.result !== 'no') {
              record(access.listOutside, condition.result, `allows ${lists.join(', ')} on ${bucketArn} ${prefix === undefined ? 'without a prefix' : `with s3:prefix ${JSON.stringify(prefix)}`}`, condition.unknown);
              break;
            }
          }
        }
      }
      if (match === 'role') {
        access.grantsInside.get ||= grantsAction(statement, 's3:GetObject') && coversResource(statement, insideArn) && evaluateCondition(statement.Condition, getContext).result === 'yes';
        access.grantsInside.list ||= grantsAction(statement, 's3:ListBucket') && coversResource(statement, bucketArn) && evaluateCondition(statement.Condition, listContext).result === 'yes';
      }
      return;
    }
    if (!deny) {
      access.unevaluatedDenies.push({ statement: name, certainty: 'maybe', text: `has Effect ${JSON.stringify(statement.Effect)}, neither Allow nor Deny`, unknown: [] });
      return;
    }
    // One finding per Deny: which of the two reads nOps makes it stops, and how sure that is.
    const denied: string[] = [];
    let certainty: Tri = 'no';
    const unknown: string[] = [];
    const consider = (applies: boolean, context: RequestContext, what: string): void => {
      if (!applies) return;
      const condition = evaluateCondition(statement.Condition, context);
      if (condition.result === 'no') return;
      denied.push(what);
      certainty = certainty === 'yes' || condition.result === 'yes' ? 'yes' : 'maybe';
      unknown.push(...condition.unknown);
    };
    consider(grantsAction(statement, 's3:GetObject') && coversResource(statement, insideArn), getContext, `s3:GetObject on ${insidePrefix}AWSLogs/...`);
    consider(grantsAction(statement, 's3:ListBucket') && coversResource(statement, bucketArn), listContext, `s3:ListBucket with s3:prefix ${JSON.stringify(insidePrefix)}`);
    record(access.blocksInside, certainty, `denies ${denied.join(' and ')}`, [...new Set(unknown)]);
  });
  return access;
}
