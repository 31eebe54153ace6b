/**
 * A local stand-in for the AWS APIs `verify` reads, on 127.0.0.1. It answers Bedrock (REST JSON),
 * S3 (REST XML, path style), IAM, STS and CloudFormation (query protocol, XML), KMS, CloudWatch Logs
 * and Organizations (JSON 1.1), tells the services and Regions apart by the SigV4 credential scope,
 * tells the accounts apart by the access key id it is signed with, and records every operation it
 * was asked for.
 *
 * Several accounts: the caller's (`account`, the environment's access key) and others (`accounts`),
 * reachable only through STS AssumeRole, which answers with per-account credentials (an access key
 * id and a session token the fake then requires) for a role that exists in the target account,
 * AccessDenied otherwise (also for a missing or wrong `sts:ExternalId` the trust policy asks for).
 * Organizations lists accounts and child OUs page by page (PAGE_SIZE) to the management account or
 * a delegated administrator only; CloudFormation lists a StackSet's instances only in its home
 * Region, only with the CallAs its caller must use (StackSetNotFoundException otherwise).
 *
 * Where verify depends on how AWS answers, the fake answers the same way: IAM's simulator judges the
 * role's attached policies and refuses a ResourcePolicy for a role without an IAM-user CallerArn
 * (InvalidInput); a bucket of another account answers 403 to everything from this account, and
 * ListBuckets lists only this account's buckets. The account itself (`healthyAccount`) is what the
 * library's stack deploys, read from its synthesized template (deployed.ts).
 *
 * @cloud-copilot/iam-simulate (AGPL) evaluates policies here, in tests only, never in lib/ or bin/.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Deployed, deployed, NamedPolicy, NOPS_ROLE, PolicyDocument } from './deployed';
import { answerPolicyOperation, FakePolicy, POLICY_OPERATIONS } from './fake-organization-policies';

/** The default deployment: the app's stack with a KMS key and the nOps grant, as synthesized. */
const DEFAULT = deployed({ createEncryptionKey: true });

export { NOPS_ROLE };
export const ACCOUNT = DEFAULT.account;
export const OTHER_ACCOUNT = '444455556666';
export const BUCKET = DEFAULT.bucketName;
export const PREFIX = DEFAULT.prefix;
export const KEY_ARN = DEFAULT.key!.arn;
export const NOPS_ROLE_ARN = DEFAULT.nops.roleArn;
export const PERMISSION_CHECK = 'amazon-bedrock-logs-permission-check';

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface FakeObject {
  readonly key: string;
  readonly lastModified: Date;
  readonly size?: number;
}

export interface FakeBucket {
  region: string;
  owner: string;
  /** For a bucket of another account: whether its policy lets this account's caller read its metadata. @default false */
  readableByCaller?: boolean;
  policy?: unknown;
  encryption?: { algorithm: string; keyId?: string };
  publicAccessBlock?: { BlockPublicAcls: boolean; IgnorePublicAcls: boolean; BlockPublicPolicy: boolean; RestrictPublicBuckets: boolean };
  ownership?: string;
  versioning?: 'Enabled' | 'Suspended';
  /** The replication configuration as the template writes it (CloudFormation's names are S3's XML elements). */
  replication?: Record<string, unknown>;
  objects: FakeObject[];
}

export interface FakeKey {
  arn: string;
  keyManager: 'CUSTOMER' | 'AWS';
  keyState: string;
  policy: unknown;
}

export interface FakeRole {
  arn: string;
  /** Trust policy. AssumeRole requires the `sts:ExternalId` of a StringEquals condition in it, when there is one. */
  trust: unknown;
  /** Identity policies attached to the role; IAM's simulator (here @cloud-copilot/iam-simulate) evaluates them. */
  policies: NamedPolicy[];
  /** When IAM created it (ISO 8601). @default '2024-01-01T00:00:00Z' */
  createDate?: string;
  /** The Region IAM says it was last used in (GetRole's RoleLastUsed). @default - no use on record */
  lastUsedRegion?: string;
}

/** A CloudFormation stack, as DescribeStackResources answers for it. */
export interface FakeStack {
  readonly name: string;
  readonly resources: ReadonlyArray<{
    readonly logicalId: string;
    readonly type: string;
    readonly physicalId: string;
    /** @default 'CREATE_COMPLETE' */
    readonly status?: string;
  }>;
}

export interface SimulationRequest {
  readonly roleArn: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string[]>;
  readonly resourcePolicy?: string;
  readonly callerArn?: string;
}

export interface FakeAccount {
  account: string;
  callerArn: string;
  /** Logging configuration per Region; absent means logging is off. */
  logging: Record<string, Record<string, unknown> | undefined>;
  buckets: Record<string, FakeBucket>;
  /** By key id, key ARN or alias name. */
  keys: Record<string, FakeKey>;
  /** Log groups per Region. */
  logGroups: Record<string, Array<{ logGroupName: string; retentionInDays?: number; kmsKeyId?: string }>>;
  roles: Record<string, FakeRole>;
  /** CloudFormation stacks per Region (the ones that created the library's roles). @default - none */
  stacks?: Record<string, FakeStack[]>;
  /** Overrides the simulator with fixed decisions. @default - the roles' policies are evaluated */
  simulate?: (request: SimulationRequest) => { decision: Decision; matched?: string[] };
  /** S3, IAM and CloudFormation operations refused to the caller with AccessDenied, for example `GetBucketPolicy` or `ListBuckets`. */
  refuse?: string[];
  /** Answer GetCallerIdentity with this error. */
  stsError?: { status: number; code: string; message: string };
}

/** An account in the fake organization. */
export interface FakeOrganizationAccount {
  readonly id: string;
  readonly name: string;
  /** Organizations' `State`. @default 'ACTIVE' */
  readonly state?: string;
}

/** The organization's tree, as Organizations lists it. */
export interface FakeOrganization {
  /** Accounts that may list it: the management account and delegated administrators. */
  readonly admins: string[];
  /** Per OU or root id: its accounts and its child OU ids. */
  readonly parents: Record<string, { readonly accounts: FakeOrganizationAccount[]; readonly children: string[] }>;
  /** The management account (DescribeOrganization). @default admins[0] */
  readonly management?: string;
  /** Service control policies by id (fake-organization-policies.ts). @default - none */
  readonly policies?: Record<string, FakePolicy>;
  /** Per target (account, OU or root id): the ids of the SCPs attached to it. @default - none */
  readonly attachments?: Record<string, string[]>;
  /** Operations refused to the admins with AccessDeniedException, for example `ListParents`. */
  readonly refuse?: string[];
}

/** A StackSet, as ListStackInstances lists it. */
export interface FakeStackSet {
  readonly homeRegion: string;
  /** Per caller account, the CallAs it must send (SELF from the management account, DELEGATED_ADMIN from a delegated administrator). */
  readonly callers: Record<string, 'SELF' | 'DELEGATED_ADMIN'>;
  readonly instances: Array<{ readonly account: string; readonly region: string }>;
}

/** What STS AssumeRole was asked. */
export interface AssumeRoleRequest {
  readonly callerAccount: string;
  readonly roleArn: string;
  readonly sessionName: string;
  readonly externalId?: string;
  readonly granted: boolean;
}

/** Items per page of the fake's Organizations and CloudFormation listings: one, so that every listing of two or more items pages. */
export const PAGE_SIZE = 1;

/** The access key id of `FakeAws.env()`: the caller's account. */
export const CALLER_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKEFAKE';

export interface RecordedCall {
  /** The account whose credentials signed the request. */
  readonly account: string;
  readonly service: string;
  readonly region: string;
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  /** The parameters of a query (IAM, STS, CloudFormation) or JSON 1.1 (Organizations) request. */
  readonly input?: Record<string, unknown>;
}

/**
 * nOps's own read-only onboarding policy explicitly denies logs:GetLogEvents (nOps documents it; it
 * is not this library's). Attached to the fake nOps role beside the grant the stack synthesizes.
 */
export const NOPS_READ_ONLY_DENY: NamedPolicy = {
  name: 'NopsReadOnlyDeny',
  policy: { Version: '2012-10-17', Statement: [{ Sid: 'DenyLogEvents', Effect: 'Deny', Action: 'logs:GetLogEvents', Resource: '*' }] },
};

/** The bucket's settings as the template sets them. */
function bucketFromTemplate(d: Deployed, objects: FakeObject[]): FakeBucket {
  const rule = d.bucket.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
  const pab = d.bucket.PublicAccessBlockConfiguration ?? {};
  return {
    region: d.region,
    owner: d.account,
    policy: d.bucketPolicy,
    ...(rule ? { encryption: { algorithm: rule.SSEAlgorithm, ...(rule.KMSMasterKeyID ? { keyId: rule.KMSMasterKeyID } : {}) } } : {}),
    publicAccessBlock: {
      BlockPublicAcls: pab.BlockPublicAcls === true,
      IgnorePublicAcls: pab.IgnorePublicAcls === true,
      BlockPublicPolicy: pab.BlockPublicPolicy === true,
      RestrictPublicBuckets: pab.RestrictPublicBuckets === true,
    },
    ...(d.bucket.OwnershipControls ? { ownership: d.bucket.OwnershipControls.Rules[0].ObjectOwnership } : {}),
    ...(d.bucket.VersioningConfiguration ? { versioning: d.bucket.VersioningConfiguration.Status } : {}),
    ...(d.bucket.ReplicationConfiguration ? { replication: d.bucket.ReplicationConfiguration } : {}),
    objects,
  };
}

/**
 * An account where `d` was deployed in its Region and Bedrock has logged: what the stack wrote (the
 * logging configuration, bucket, bucket policy, key policy, nOps grant, CloudWatch destination, its
 * roles on the library's IAM path and the stack holding them), the nOps role with that grant and
 * nOps's own Deny, and log objects written two hours before `now`.
 */
export function accountFrom(d: Deployed, now: Date): FakeAccount {
  const hour = new Date(now.getTime() - 2 * 3600_000);
  const p = (n: number): string => String(n).padStart(2, '0');
  const hourPath = `${hour.getUTCFullYear()}/${p(hour.getUTCMonth() + 1)}/${p(hour.getUTCDate())}/${p(hour.getUTCHours())}`;
  const base = `${d.prefix}/AWSLogs/${d.account}/BedrockModelInvocationLogs/`;
  const account: FakeAccount = {
    account: d.account,
    callerArn: `arn:aws:sts::${d.account}:assumed-role/Auditor/session`,
    logging: { [d.region]: d.loggingConfig },
    buckets: {
      [d.bucketName]: bucketFromTemplate(d, [
        { key: `${base}${PERMISSION_CHECK}`, lastModified: new Date(now.getTime() - 30 * 86400_000), size: 0 },
        { key: `${base}${d.region}/2024/12/31/23/20241231T230000000Z_old.json.gz`, lastModified: new Date('2025-01-01T00:00:00Z') },
        { key: `${base}${d.region}/${hourPath}/20250101T000000000Z_a.json.gz`, lastModified: new Date(hour.getTime() + 60_000) },
        { key: `${base}${d.region}/${hourPath}/20250101T000000000Z_b.json.gz`, lastModified: new Date(hour.getTime() + 120_000) },
        { key: `${base}${d.region}/${hourPath}/data/3f0e2c9d_input.json.gz`, lastModified: new Date(hour.getTime() + 100_000) },
        { key: 'other/unrelated.txt', lastModified: now },
      ]),
    },
    keys: d.key ? { [d.key.arn]: { arn: d.key.arn, keyManager: 'CUSTOMER', keyState: 'Enabled', policy: d.key.policy } } : {},
    logGroups: {},
    roles: {
      [d.nops.roleName]: {
        arn: d.nops.roleArn,
        trust: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::202279780353:root' }, Action: 'sts:AssumeRole' }] },
        policies: [...d.nops.policies, NOPS_READ_ONLY_DENY],
      },
    },
  };
  // The roles the stack creates on the library's IAM path, and the stack that holds them.
  for (const role of d.libraryRoles) {
    // Its handler (or Bedrock, S3, EventBridge) uses it in the stack's Region.
    account.roles[role.name] ??= { arn: role.arn, trust: role.trust, policies: [], lastUsedRegion: d.region };
  }
  account.stacks = { [d.region]: [{ name: d.stackName, resources: d.libraryRoles.map((r) => ({ logicalId: r.logicalId, type: 'AWS::IAM::Role', physicalId: r.name })) }] };
  if (d.cloudWatch) {
    account.logGroups[d.region] = [
      { logGroupName: `${d.cloudWatch.logGroupName}-other` },
      { logGroupName: d.cloudWatch.logGroupName, ...(d.cloudWatch.retentionInDays !== undefined ? { retentionInDays: d.cloudWatch.retentionInDays } : {}) },
    ];
    account.roles[d.cloudWatch.roleName] = { arn: d.cloudWatch.roleArn, trust: d.cloudWatch.trust, policies: [], lastUsedRegion: d.region };
  }
  return account;
}

/** A healthy account in us-east-1: the default stack (S3 destination with SSE-KMS, nOps granted), recent logs. */
export function healthyAccount(now: Date): FakeAccount {
  return accountFrom(deployed({ createEncryptionKey: true }), now);
}

/** A healthy account with the legacy CloudWatch destination as well (`cloudWatchLogs: true`). */
export function healthyCloudWatchAccount(now: Date): FakeAccount {
  return accountFrom(deployed({ createEncryptionKey: true, cloudWatchLogs: true, nopsLegacyCloudWatchLogsRead: true }), now);
}

/** The deployed bucket policy, as a document to mutate. */
export function bucketPolicyOf(account: FakeAccount, bucket = BUCKET): PolicyDocument {
  return account.buckets[bucket].policy as PolicyDocument;
}

/** The condition block AWS documents for Bedrock, for `region`. */
export function sourceConditions(region = 'us-east-1', account = ACCOUNT): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': account },
    ArnLike: { 'aws:SourceArn': `arn:aws:bedrock:${region}:${account}:*` },
  };
}

/** The account an ARN belongs to (S3 ARNs name none: the bucket is taken to be `fallback`'s). */
function accountOf(arn: string, fallback: string): string {
  const part = arn.split(':')[4];
  return part && /^\d{12}$/.test(part) ? part : fallback;
}

/** What IAM's SimulatePrincipalPolicy answers, from the role's attached policies (and a resource policy, which only a user may be simulated with). */
async function simulateRole(account: FakeAccount, role: FakeRole | undefined, request: SimulationRequest): Promise<{ decision: Decision; matched: string[] }> {
  const given: Record<string, string | string[]> = Object.fromEntries(Object.entries(request.context).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
  // iam-simulate ignores keys whose variable part holds ':' (kms:EncryptionContext:aws:s3:arn); IAM
  // evaluates them: do it here, then hand the rest to iam-simulate.
  const { context, policies } = applyEncryptionContext(given, (role?.policies ?? []).map((p) => ({ name: p.name, policy: p.policy })));
  const result = await runSimulation({
    request: {
      principal: request.callerArn ?? request.roleArn,
      action: request.action,
      resource: { resource: request.resource, accountId: accountOf(request.resource, account.account) },
      contextVariables: context,
    },
    identityPolicies: policies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy ? { resourcePolicy: JSON.parse(request.resourcePolicy) } : {}),
  }, { simulationMode: 'Strict' });
  if (result.resultType === 'error') {
    throw new Error(`simulation failed: ${result.errors.message}`);
  }
  const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
  // Without a ResourcePolicy IAM's simulator judges the identity policies alone (it reads no key or
  // bucket policy); iam-simulate would also require the KMS key policy, so take its identity verdict.
  const verdict = request.resourcePolicy ? result.overallResult : analysis?.identityAnalysis?.result;
  const decision: Decision = verdict === 'Allowed' ? 'allowed' : verdict === 'ExplicitlyDenied' ? 'explicitDeny' : 'implicitDeny';
  const statements = decision === 'allowed' ? analysis?.identityAnalysis?.allowStatements : decision === 'explicitDeny' ? analysis?.identityAnalysis?.denyStatements : [];
  return { decision, matched: [...new Set((statements ?? []).map((s) => s.policyId))] };
}

const ENCRYPTION_CONTEXT = /^kms:encryptioncontext:/i;

/**
 * Evaluates `kms:EncryptionContext:*` conditions (StringEquals / StringLike, as the library writes
 * them) against the request context: a statement whose such condition fails is dropped, one whose
 * condition holds keeps its other conditions. Those keys leave the context too.
 */
function applyEncryptionContext(context: Record<string, string | string[]>, policies: Array<{ name: string; policy: any }>):
{ context: Record<string, string | string[]>; policies: Array<{ name: string; policy: any }> } {
  const rest = Object.fromEntries(Object.entries(context).filter(([k]) => !ENCRYPTION_CONTEXT.test(k)));
  const valueOf = (key: string) => Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  const holds = (operator: string, key: string, expected: unknown): boolean => {
    const actual = valueOf(key);
    if (actual === undefined) return false;
    const wanted = [expected].flat().map(String);
    const like = (v: string, p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(v);
    return [actual].flat().some((v) => wanted.some((w) => (operator === 'StringLike' ? like(v, w) : v === w)));
  };
  const rewritten = policies.map(({ name, policy }) => {
    const statements = [policy.Statement].flat().flatMap((st: any) => {
      if (!st.Condition) return [st];
      const condition: Record<string, Record<string, unknown>> = {};
      for (const [operator, block] of Object.entries<Record<string, unknown>>(st.Condition)) {
        for (const [key, expected] of Object.entries(block)) {
          if (!ENCRYPTION_CONTEXT.test(key)) (condition[operator] ??= {})[key] = expected;
          else if (!holds(operator, key, expected)) return [];
        }
      }
      return [{ ...st, Condition: Object.keys(condition).length ? condition : undefined }];
    });
    return { name, policy: { ...policy, Statement: statements } };
  });
  return { context: rest, policies: rewritten };
}

/** CloudFormation's replication configuration as S3's XML: the same element names, `Rules` as repeated `Rule`, `Id` as `ID`. */
function toXml(value: unknown): string {
  if (value === null || typeof value !== 'object') return xmlEscape(String(value));
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => {
    const name = k === 'Rules' ? 'Rule' : k === 'Id' ? 'ID' : k;
    return (Array.isArray(v) ? v : [v]).map((item) => `<${name}>${toXml(item)}</${name}>`).join('');
  }).join('');
}

function xmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Who signed a request: an account and the ARN it acts as. */
interface Principal {
  readonly account: FakeAccount;
  readonly arn: string;
}

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const CFN_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

function xml(body: string, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1', ...headers }, body: JSON.stringify(body) };
}

function s3Error(status: number, code: string, message: string): Reply {
  return xml(`<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>fake</RequestId></Error>`, status);
}

function queryError(ns: string, status: number, code: string, message: string): Reply {
  return xml(`<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`, status);
}

function jsonError(status: number, type: string, message: string): Reply {
  return json({ __type: type, message }, status);
}

/** The fake server: start it, point the SDK at `url`, swap `account` per test, read `calls`. */
export class FakeAws {
  /** The caller's account: what the environment's credentials sign as. */
  public account: FakeAccount;
  /** Other accounts, reachable through AssumeRole, by id. */
  public readonly accounts = new Map<string, FakeAccount>();
  public organization?: FakeOrganization;
  public stackSets: Record<string, FakeStackSet> = {};
  public readonly calls: RecordedCall[] = [];
  public readonly simulations: SimulationRequest[] = [];
  public readonly assumeRoles: AssumeRoleRequest[] = [];
  /** Sessions AssumeRole issued, by access key id. */
  private readonly sessions = new Map<string, { account: FakeAccount; arn: string; token: string }>();
  private server?: http.Server;
  private port = 0;

  constructor(account: FakeAccount) {
    this.account = account;
  }

  public get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The environment that points every service of the SDK at this server, with dummy credentials. */
  public env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_BEDROCK: this.url,
      AWS_ENDPOINT_URL_S3: this.url,
      AWS_ENDPOINT_URL_IAM: this.url,
      AWS_ENDPOINT_URL_KMS: this.url,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: this.url,
      AWS_ENDPOINT_URL_STS: this.url,
      AWS_ENDPOINT_URL_ORGANIZATIONS: this.url,
      AWS_ENDPOINT_URL_CLOUDFORMATION: this.url,
      AWS_ACCESS_KEY_ID: CALLER_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    };
  }

  public async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.handle(req, Buffer.concat(chunks).toString('utf8'))
          .catch((e: Error): Reply => ({ status: 500, body: String(e.stack) }))
          .then((reply) => {
            res.writeHead(reply.status, reply.headers ?? {});
            res.end(req.method === 'HEAD' ? undefined : reply.body);
          });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  public async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /**
   * Starts a test over: another caller account, optionally other accounts, an organization and
   * StackSets; no recorded calls, no issued sessions.
   */
  public reset(account: FakeAccount, world: { accounts?: FakeAccount[]; organization?: FakeOrganization; stackSets?: Record<string, FakeStackSet> } = {}): void {
    this.account = account;
    this.accounts.clear();
    for (const other of world.accounts ?? []) {
      this.accounts.set(other.account, other);
    }
    this.organization = world.organization;
    this.stackSets = world.stackSets ?? {};
    this.calls.length = 0;
    this.simulations.length = 0;
    this.assumeRoles.length = 0;
    this.sessions.clear();
  }

  private record(who: Principal, service: string, region: string, operation: string, req: http.IncomingMessage, input?: Record<string, unknown>): void {
    this.calls.push({ account: who.account.account, service, region, operation, method: req.method ?? '', path: req.url ?? '', ...(input ? { input } : {}) });
  }

  /** Who signed: the caller (the environment's key) or a session AssumeRole issued, whose token must come with it. */
  private principal(accessKeyId: string, token: string | undefined): Principal | undefined {
    if (accessKeyId === CALLER_ACCESS_KEY_ID) {
      return { account: this.account, arn: this.account.callerArn };
    }
    const session = this.sessions.get(accessKeyId);
    return session && session.token === token ? { account: session.account, arn: session.arn } : undefined;
  }

  private async handle(req: http.IncomingMessage, body: string): Promise<Reply> {
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '');
    if (!scope) {
      return { status: 400, body: 'unsigned request' };
    }
    const [, accessKeyId, region, service] = scope;
    const token = req.headers['x-amz-security-token'];
    const who = this.principal(accessKeyId, Array.isArray(token) ? token[0] : token);
    if (!who) {
      // What AWS answers for a key it does not know (or a session token that does not match it).
      return queryError(STS_NS, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    switch (service) {
      case 'bedrock': return this.bedrock(who, req, url, region);
      case 's3': return this.s3(who, req, url, region);
      case 'iam': return this.iam(who, req, body, region);
      case 'sts': return this.sts(who, req, body, region);
      case 'kms': return this.kms(who, req, body, region);
      case 'logs': return this.logs(who, req, body, region);
      case 'organizations': return this.organizations(who, req, body, region);
      case 'cloudformation': return this.cloudformation(who, req, body, region);
      default:
        this.record(who, service, region, `Unknown:${req.method} ${url.pathname}`, req);
        return { status: 400, body: `no fake for ${service}` };
    }
  }

  private bedrock(who: Principal, req: http.IncomingMessage, url: URL, region: string): Reply {
    if (url.pathname === '/logging/modelinvocations') {
      const operation = { GET: 'GetModelInvocationLoggingConfiguration', PUT: 'PutModelInvocationLoggingConfiguration', DELETE: 'DeleteModelInvocationLoggingConfiguration' }[req.method ?? ''] ?? `Unknown:${req.method}`;
      this.record(who, 'bedrock', region, operation, req);
      if (req.method === 'GET') {
        const config = who.account.logging[region];
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(config ? { loggingConfig: config } : {}) };
      }
      return { status: 400, headers: { 'x-amzn-errortype': 'ValidationException' }, body: '{"message":"read-only fake"}' };
    }
    this.record(who, 'bedrock', region, `Unknown:${req.method} ${url.pathname}`, req);
    return { status: 404, headers: { 'x-amzn-errortype': 'ResourceNotFoundException' }, body: '{"message":"no such route"}' };
  }

  private s3(who: Principal, req: http.IncomingMessage, url: URL, region: string): Reply {
    const [bucketName, ...keyParts] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    const q = url.searchParams;
    const method = req.method ?? '';
    let operation: string;
    if (!bucketName) {
      operation = method === 'GET' ? 'ListBuckets' : `Write:${method}`;
    } else if (method === 'HEAD') {
      operation = key ? 'HeadObject' : 'HeadBucket';
    } else if (method !== 'GET') {
      operation = `Write:${method}`;
    } else if (key) {
      operation = 'GetObject';
    } else {
      operation = ['location', 'policy', 'encryption', 'publicAccessBlock', 'ownershipControls', 'versioning', 'replication']
        .map((k) => (q.has(k) ? `Get${{ location: 'BucketLocation', policy: 'BucketPolicy', encryption: 'BucketEncryption', publicAccessBlock: 'PublicAccessBlock', ownershipControls: 'BucketOwnershipControls', versioning: 'BucketVersioning', replication: 'BucketReplication' }[k]}` : ''))
        .find(Boolean) ?? (q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects');
    }
    this.record(who, 's3', region, operation, req);
    if (who.account.refuse?.includes(operation)) {
      return s3Error(403, 'AccessDenied', 'Access Denied');
    }
    if (operation === 'ListBuckets') {
      return this.listBuckets(who, q);
    }
    const bucket = who.account.buckets[bucketName];
    if (!bucket) {
      return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    }
    // S3 refuses a request whose x-amz-expected-bucket-owner is not the owner with a plain 403, as it
    // refuses a caller that another account's bucket policy does not admit.
    const expectedOwner = req.headers['x-amz-expected-bucket-owner'];
    if ((expectedOwner && expectedOwner !== bucket.owner) || (bucket.owner !== who.account.account && !bucket.readableByCaller)) {
      return s3Error(403, 'AccessDenied', 'Access Denied');
    }
    switch (operation) {
      case 'GetBucketLocation':
        return xml(`<LocationConstraint xmlns="${S3_NS}">${bucket.region === 'us-east-1' ? '' : bucket.region}</LocationConstraint>`);
      case 'GetBucketPolicy':
        return bucket.policy
          ? { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(bucket.policy) }
          : s3Error(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist');
      case 'GetBucketEncryption':
        return bucket.encryption
          ? xml(`<ServerSideEncryptionConfiguration xmlns="${S3_NS}"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>${bucket.encryption.algorithm}</SSEAlgorithm>${bucket.encryption.keyId ? `<KMSMasterKeyID>${bucket.encryption.keyId}</KMSMasterKeyID>` : ''}</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`)
          : s3Error(404, 'ServerSideEncryptionConfigurationNotFoundError', 'The server side encryption configuration was not found');
      case 'GetPublicAccessBlock': {
        const pab = bucket.publicAccessBlock;
        return pab
          ? xml(`<PublicAccessBlockConfiguration xmlns="${S3_NS}">${Object.entries(pab).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</PublicAccessBlockConfiguration>`)
          : s3Error(404, 'NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found');
      }
      case 'GetBucketOwnershipControls':
        return bucket.ownership
          ? xml(`<OwnershipControls xmlns="${S3_NS}"><Rule><ObjectOwnership>${bucket.ownership}</ObjectOwnership></Rule></OwnershipControls>`)
          : s3Error(404, 'OwnershipControlsNotFoundError', 'The bucket ownership controls were not found');
      case 'GetBucketVersioning':
        return xml(`<VersioningConfiguration xmlns="${S3_NS}">${bucket.versioning ? `<Status>${bucket.versioning}</Status>` : ''}</VersioningConfiguration>`);
      case 'GetBucketReplication':
        return bucket.replication
          ? xml(`<ReplicationConfiguration xmlns="${S3_NS}">${toXml(bucket.replication)}</ReplicationConfiguration>`)
          : s3Error(404, 'ReplicationConfigurationNotFoundError', 'The replication configuration was not found');
      case 'ListObjectsV2':
        return this.listObjects(bucket, bucketName, q);
      case 'HeadObject': {
        const object = bucket.objects.find((o) => o.key === key);
        return object
          ? { status: 200, headers: { 'last-modified': object.lastModified.toUTCString(), 'content-length': String(object.size ?? 100) } }
          : { status: 404 };
      }
      default:
        return s3Error(405, 'MethodNotAllowed', 'read-only fake');
    }
  }

  /** ListBuckets: only the buckets the caller's account owns, filtered by `prefix`. */
  private listBuckets(who: Principal, q: URLSearchParams): Reply {
    const prefix = q.get('prefix') ?? '';
    const names = Object.entries(who.account.buckets)
      .filter(([name, b]) => b.owner === who.account.account && name.startsWith(prefix))
      .map(([name, b]) => `<Bucket><Name>${name}</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate><BucketRegion>${b.region}</BucketRegion></Bucket>`);
    return xml(`<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>fake</ID></Owner><Buckets>${names.join('')}</Buckets>${prefix ? `<Prefix>${xmlEscape(prefix)}</Prefix>` : ''}</ListAllMyBucketsResult>`);
  }

  private listObjects(bucket: FakeBucket, bucketName: string, q: URLSearchParams): Reply {
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const contents: FakeObject[] = [];
    const folders = new Set<string>();
    for (const o of [...bucket.objects].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      if (!o.key.startsWith(prefix)) {
        continue;
      }
      const rest = o.key.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (cut >= 0) {
        folders.add(prefix + rest.slice(0, cut + delimiter.length));
      } else {
        contents.push(o);
      }
    }
    return xml(`<ListBucketResult xmlns="${S3_NS}"><Name>${bucketName}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${contents.length + folders.size}</KeyCount><MaxKeys>1000</MaxKeys>${delimiter ? `<Delimiter>${delimiter}</Delimiter>` : ''}<IsTruncated>false</IsTruncated>${contents.map((o) => `<Contents><Key>${xmlEscape(o.key)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>&quot;x&quot;</ETag><Size>${o.size ?? 100}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('')}${[...folders].map((f) => `<CommonPrefixes><Prefix>${xmlEscape(f)}</Prefix></CommonPrefixes>`).join('')}</ListBucketResult>`);
  }

  private async iam(who: Principal, req: http.IncomingMessage, body: string, region: string): Promise<Reply> {
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? `Unknown:${req.method}`;
    this.record(who, 'iam', region, action, req, Object.fromEntries(form));
    if (who.account.refuse?.includes(action)) {
      return queryError(IAM_NS, 403, 'AccessDenied', `User: ${who.arn} is not authorized to perform: iam:${action}`);
    }
    if (action === 'GetRole') {
      const name = form.get('RoleName') ?? '';
      const role = who.account.roles[name];
      if (!role) {
        return queryError(IAM_NS, 404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);
      }
      const path = role.arn.slice(role.arn.indexOf(':role') + 5, role.arn.lastIndexOf('/') + 1);
      return xml(`<GetRoleResponse xmlns="${IAM_NS}"><GetRoleResult><Role><Path>${path}</Path><AssumeRolePolicyDocument>${encodeURIComponent(JSON.stringify(role.trust))}</AssumeRolePolicyDocument><RoleId>AROAFAKE</RoleId><RoleName>${name}</RoleName><Arn>${role.arn}</Arn><CreateDate>${role.createDate ?? '2024-01-01T00:00:00Z'}</CreateDate>${role.lastUsedRegion ? `<RoleLastUsed><LastUsedDate>2026-03-10T08:00:00Z</LastUsedDate><Region>${role.lastUsedRegion}</Region></RoleLastUsed>` : ''}</Role></GetRoleResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></GetRoleResponse>`);
    }
    if (action === 'ListRoles') {
      // Two roles a page, so that every caller follows Marker; PathPrefix as IAM applies it (a prefix of the path).
      const pathOf = (arn: string): string => arn.slice(arn.indexOf(':role') + 5, arn.lastIndexOf('/') + 1);
      const names = Object.keys(who.account.roles).filter((name) => pathOf(who.account.roles[name].arn).startsWith(form.get('PathPrefix') ?? '/')).sort();
      const start = Number(form.get('Marker') ?? 0);
      const page = names.slice(start, start + 2);
      const more = start + 2 < names.length;
      const members = page.map((name) => {
        const role = who.account.roles[name];
        return `<member><Path>${pathOf(role.arn)}</Path><RoleName>${name}</RoleName><RoleId>AROAFAKE</RoleId><Arn>${role.arn}</Arn><CreateDate>${role.createDate ?? '2024-01-01T00:00:00Z'}</CreateDate></member>`;
      }).join('');
      return xml(`<ListRolesResponse xmlns="${IAM_NS}"><ListRolesResult><IsTruncated>${more}</IsTruncated>${more ? `<Marker>${start + 2}</Marker>` : ''}<Roles>${members}</Roles></ListRolesResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></ListRolesResponse>`);
    }
    if (action === 'SimulatePrincipalPolicy') {
      const list = (name: string): string[] => [...form.entries()].filter(([k]) => new RegExp(`^${name}\\.member\\.\\d+$`).test(k)).map(([, v]) => v);
      const context: Record<string, string[]> = {};
      for (let i = 1; form.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
        context[form.get(`ContextEntries.member.${i}.ContextKeyName`)!] = list(`ContextEntries\\.member\\.${i}\\.ContextKeyValues`);
      }
      const roleArn = form.get('PolicySourceArn') ?? '';
      const resourcePolicy = form.get('ResourcePolicy') ?? undefined;
      const callerArn = form.get('CallerArn') ?? undefined;
      // IAM documents: "CallerArn is required if you include a ResourcePolicy and the PolicySourceArn is
      // not the ARN for an IAM user", and CallerArn can only be an IAM user. (The message text is ours.)
      const isUser = (arn?: string): boolean => !!arn && /^arn:[^:]+:iam::\d{12}:user\//.test(arn);
      if (resourcePolicy && !isUser(roleArn) && !isUser(callerArn)) {
        return queryError(IAM_NS, 400, 'InvalidInput', 'Invalid Input: CallerArn is required if you include a ResourcePolicy and the PolicySourceArn is not the ARN for an IAM user.');
      }
      const role = Object.values(who.account.roles).find((r) => r.arn === roleArn);
      if (!role) {
        return queryError(IAM_NS, 404, 'NoSuchEntity', `Entity ${roleArn} does not exist.`);
      }
      const results: string[] = [];
      for (const action of list('ActionNames')) {
        for (const resource of list('ResourceArns')) {
          const request: SimulationRequest = { roleArn, action, resource, context, ...(resourcePolicy ? { resourcePolicy } : {}), ...(callerArn ? { callerArn } : {}) };
          this.simulations.push(request);
          const { decision, matched } = who.account.simulate ? who.account.simulate(request) : await simulateRole(who.account, role, request);
          results.push(`<member><EvalActionName>${action}</EvalActionName><EvalResourceName>${xmlEscape(resource)}</EvalResourceName><EvalDecision>${decision}</EvalDecision><MatchedStatements>${(matched ?? []).map((m) => `<member><SourcePolicyId>${m}</SourcePolicyId><SourcePolicyType>IAM Policy</SourcePolicyType></member>`).join('')}</MatchedStatements><MissingContextValues/></member>`);
        }
      }
      return xml(`<SimulatePrincipalPolicyResponse xmlns="${IAM_NS}"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>${results.join('')}</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>`);
    }
    return queryError(IAM_NS, 400, 'InvalidAction', `read-only fake: ${action}`);
  }

  private sts(who: Principal, req: http.IncomingMessage, body: string, region: string): Reply {
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? `Unknown:${req.method}`;
    this.record(who, 'sts', region, action, req);
    if (action === 'AssumeRole') {
      return this.assumeRole(who, form);
    }
    if (action !== 'GetCallerIdentity') {
      return queryError(STS_NS, 400, 'InvalidAction', `read-only fake: ${action}`);
    }
    const error = who.account.stsError;
    if (error) {
      return queryError(STS_NS, error.status, error.code, error.message);
    }
    return xml(`<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>${who.arn}</Arn><UserId>AROAFAKE:session</UserId><Account>${who.account.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
  }

  /** AssumeRole: credentials of the target account for a role that exists there (with the external id its trust policy asks for), AccessDenied otherwise. */
  private assumeRole(who: Principal, form: URLSearchParams): Reply {
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    const externalId = form.get('ExternalId') ?? undefined;
    const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    const target = match ? (match[1] === who.account.account ? who.account : this.accounts.get(match[1])) : undefined;
    const role = target ? Object.values(target.roles).find((r) => r.arn === roleArn) : undefined;
    const statements = ((role?.trust as { Statement?: Array<{ Condition?: Record<string, Record<string, string>> }> } | undefined)?.Statement ?? []);
    const required = statements.map((st) => st.Condition?.StringEquals?.['sts:ExternalId']).find((v) => v !== undefined);
    const granted = role !== undefined && (required === undefined || required === externalId);
    this.assumeRoles.push({ callerAccount: who.account.account, roleArn, sessionName, ...(externalId !== undefined ? { externalId } : {}), granted });
    if (!granted || !target || !match) {
      return queryError(STS_NS, 403, 'AccessDenied', `User: ${who.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    const accessKeyId = `ASIAFAKE${target.account}${String(this.sessions.size + 1).padStart(4, '0')}`;
    const token = `session-token-${accessKeyId}`;
    const arn = `arn:aws:sts::${target.account}:assumed-role/${match[2]}/${sessionName}`;
    this.sessions.set(accessKeyId, { account: target, arn, token });
    // Only the SDK reads the expiry (it must lie ahead of the real clock); no test depends on it.
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    return xml(`<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><AssumedRoleUser><Arn>${arn}</Arn><AssumedRoleId>AROAFAKE:${sessionName}</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>fake-secret-${accessKeyId}</SecretAccessKey><SessionToken>${token}</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></AssumeRoleResponse>`);
  }

  /**
   * ListAccountsForParent and ListChildren (OUs), PAGE_SIZE at a time, and the SCP operations
   * (fake-organization-policies.ts), to the organization's admins only.
   */
  private organizations(who: Principal, req: http.IncomingMessage, body: string, region: string): Reply {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AWSOrganizationsV20161128\./, '') || `Unknown:${req.method}`;
    const input = JSON.parse(body || '{}') as { ParentId?: string; NextToken?: string; ChildType?: string };
    this.record(who, 'organizations', region, operation, req, input);
    const org = this.organization;
    if (!org) {
      return jsonError(400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
    }
    if (!org.admins.includes(who.account.account) || org.refuse?.includes(operation)) {
      return jsonError(400, 'AccessDeniedException', 'You don\'t have permissions to access this resource.');
    }
    if (POLICY_OPERATIONS.includes(operation)) {
      const answer = answerPolicyOperation(org, operation, input as Record<string, string | undefined>, PAGE_SIZE);
      return 'output' in answer ? json(answer.output) : jsonError(...answer.error);
    }
    const parent = org.parents[input.ParentId ?? ''];
    if (!parent) {
      return jsonError(400, 'ParentNotFoundException', 'We can\'t find a root or OU with the ParentId that you specified.');
    }
    const start = Number(input.NextToken ?? '0');
    const page = <T>(items: T[]): { items: T[]; next?: string } => ({
      items: items.slice(start, start + PAGE_SIZE),
      ...(start + PAGE_SIZE < items.length ? { next: String(start + PAGE_SIZE) } : {}),
    });
    if (operation === 'ListAccountsForParent') {
      const { items, next } = page(parent.accounts);
      return json({
        Accounts: items.map((a) => {
          const state = a.state ?? 'ACTIVE';
          return {
            Id: a.id, Arn: `arn:aws:organizations::${org.admins[0]}:account/o-fake/${a.id}`, Email: `${a.id}@example.com`, Name: a.name,
            Status: ['ACTIVE', 'SUSPENDED'].includes(state) ? state : 'PENDING_CLOSURE', State: state, JoinedMethod: 'CREATED', JoinedTimestamp: 1700000000,
          };
        }),
        ...(next ? { NextToken: next } : {}),
      });
    }
    if (operation === 'ListChildren' && input.ChildType === 'ORGANIZATIONAL_UNIT') {
      const { items, next } = page(parent.children);
      return json({ Children: items.map((id) => ({ Id: id, Type: 'ORGANIZATIONAL_UNIT' })), ...(next ? { NextToken: next } : {}) });
    }
    return jsonError(400, 'InvalidInputException', `read-only fake: ${operation} ${input.ChildType ?? ''}`);
  }

  /**
   * ListStackInstances, PAGE_SIZE at a time, in the StackSet's home Region and with the caller's
   * CallAs only; DescribeStackResources by PhysicalResourceId in the account's stacks of the Region.
   */
  private cloudformation(who: Principal, req: http.IncomingMessage, body: string, region: string): Reply {
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? `Unknown:${req.method}`;
    this.record(who, 'cloudformation', region, action, req, Object.fromEntries(form));
    if (who.account.refuse?.includes(action)) {
      return queryError(CFN_NS, 403, 'AccessDenied', `User: ${who.arn} is not authorized to perform: cloudformation:${action}`);
    }
    if (action === 'DescribeStackResources') {
      return this.describeStackResources(who, form.get('PhysicalResourceId') ?? '', region);
    }
    if (action !== 'ListStackInstances') {
      return queryError(CFN_NS, 400, 'InvalidAction', `read-only fake: ${action}`);
    }
    const name = form.get('StackSetName') ?? '';
    const set = this.stackSets[name];
    if (!set || set.homeRegion !== region || set.callers[who.account.account] !== (form.get('CallAs') ?? 'SELF')) {
      return queryError(CFN_NS, 404, 'StackSetNotFoundException', `StackSet ${name} not found`);
    }
    const start = Number(form.get('NextToken') ?? '0');
    const items = set.instances.slice(start, start + PAGE_SIZE);
    const next = start + PAGE_SIZE < set.instances.length ? `<NextToken>${start + PAGE_SIZE}</NextToken>` : '';
    const members = items.map((i) => `<member><StackSetId>${name}:00000000-0000-0000-0000-000000000000</StackSetId><Region>${i.region}</Region><Account>${i.account}</Account><StackId>arn:aws:cloudformation:${i.region}:${i.account}:stack/StackSet-${name}-x/00000000</StackId><Status>CURRENT</Status><StackInstanceStatus><DetailedStatus>SUCCEEDED</DetailedStatus></StackInstanceStatus><DriftStatus>NOT_CHECKED</DriftStatus></member>`);
    return xml(`<ListStackInstancesResponse xmlns="${CFN_NS}"><ListStackInstancesResult><Summaries>${members.join('')}</Summaries>${next}</ListStackInstancesResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></ListStackInstancesResponse>`);
  }

  /** The resources of the stack that holds `physicalId` in `region`; CloudFormation's ValidationError when none does. */
  private describeStackResources(who: Principal, physicalId: string, region: string): Reply {
    const stack = (who.account.stacks?.[region] ?? []).find((st) => st.resources.some((r) => r.physicalId === physicalId));
    if (!stack) {
      return queryError(CFN_NS, 400, 'ValidationError', `Stack for ${physicalId} does not exist`);
    }
    const stackId = `arn:aws:cloudformation:${region}:${who.account.account}:stack/${stack.name}/00000000-0000-0000-0000-000000000000`;
    const members = stack.resources.map((r) => `<member><StackId>${stackId}</StackId><StackName>${stack.name}</StackName><LogicalResourceId>${r.logicalId}</LogicalResourceId><PhysicalResourceId>${xmlEscape(r.physicalId)}</PhysicalResourceId><ResourceType>${r.type}</ResourceType><Timestamp>2025-01-01T00:00:00Z</Timestamp><ResourceStatus>${r.status ?? 'CREATE_COMPLETE'}</ResourceStatus></member>`);
    return xml(`<DescribeStackResourcesResponse xmlns="${CFN_NS}"><DescribeStackResourcesResult><StackResources>${members.join('')}</StackResources></DescribeStackResourcesResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeStackResourcesResponse>`);
  }

  private kms(who: Principal, req: http.IncomingMessage, body: string, region: string): Reply {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^TrentService\./, '') || `Unknown:${req.method}`;
    this.record(who, 'kms', region, operation, req);
    const input = JSON.parse(body || '{}') as { KeyId?: string; PolicyName?: string };
    const key = who.account.keys[input.KeyId ?? ''];
    if (operation === 'DescribeKey' || operation === 'GetKeyPolicy') {
      if (!key) {
        return jsonError(400, 'NotFoundException', `Key '${input.KeyId}' does not exist`);
      }
      if (operation === 'DescribeKey') {
        return json({ KeyMetadata: { KeyId: key.arn.split('/').pop(), Arn: key.arn, AWSAccountId: key.arn.split(':')[4], KeyManager: key.keyManager, KeyState: key.keyState, Enabled: key.keyState === 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT' } });
      }
      return json({ Policy: JSON.stringify(key.policy), PolicyName: 'default' });
    }
    return jsonError(400, 'UnsupportedOperationException', `read-only fake: ${operation}`);
  }

  private logs(who: Principal, req: http.IncomingMessage, body: string, region: string): Reply {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^Logs_20140328\./, '') || `Unknown:${req.method}`;
    this.record(who, 'logs', region, operation, req);
    if (operation !== 'DescribeLogGroups') {
      return jsonError(400, 'InvalidOperationException', `read-only fake: ${operation}`);
    }
    const input = JSON.parse(body || '{}') as { logGroupNamePrefix?: string };
    const groups = (who.account.logGroups[region] ?? [])
      .filter((g) => g.logGroupName.startsWith(input.logGroupNamePrefix ?? ''))
      .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : 1))
      .map((g) => ({ ...g, arn: `arn:aws:logs:${region}:${who.account.account}:log-group:${g.logGroupName}:*`, creationTime: 1700000000000, storedBytes: 0 }));
    return json({ logGroups: groups });
  }
}
