/**
 * Random prop combinations of BedrockInvocationLoggingStack either synthesize a
 * template with zero cdk-nag findings that answers every core simulation question as expected, or
 * throw an error of ours that names the offending property. No third outcome.
 */
import * as fc from 'fast-check';
import { App, BootstraplessSynthesizer, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BedrockInvocationLoggingStack, BedrockInvocationLoggingStackProps, OnDelete } from '../../../lib';
import { ask, nagFindings, packageVersion, policySet, synthStack, writeResults } from '../../support/security/harness';
import { questions } from './questions';
import { checkSection, PropertyResults } from '../../support/security/report';

jest.setTimeout(300_000);

const SEED = 20260522;
const NUM_RUNS = 200;

/** Prefixes S3, IAM or Bedrock would mishandle, and a few good ones that look odd. */
const HOSTILE_PREFIXES = [
  '', '/', '//', '/bedrock', 's3://bucket/bedrock', 'S3://b/x', 'a*', '*', 'a?b', 'a/*/b', '${aws:username}', 'a$b', '{a}',
  '../x', 'a/../b', './a', 'a/./b', 'a//b', 'a/ b', ' a', 'a ', 'tab\tx', 'new\nline', 'nul\u0000x', 'ünïcode', 'emoji\u{1F600}',
  'a%2Fb', 'a+b', 'a&b', 'a:b', 'a"b', 'a\\b', 'a#b', 'a~b', '[a]', 'a,b', 'a;b', 'a=b', 'a@b', 'a^b', 'a`b', 'a|b', 'a<b>',
  'x'.repeat(900), 'x'.repeat(901), `${'ab/'.repeat(300)}c`,
  'a/', 'a///', 'AWSLogs', 'a/b/c', 'a.b', '.', '..', '.hidden', 'a!b', "it's", '(x)', 'a-b_c.d', 'UPPER/lower', '0', '-',
];
const LOG_GROUP_NAMES = [
  '/aws/bedrock/modelinvocations', '/org/bedrock#invocations', 'a', 'a.b-c_d/e#f', 'x'.repeat(512), 'x'.repeat(513),
  '', 'with space', 'a:b', 'a*', 'a?', '${x}', 'ü', 'aws/bedrock/x', '/aws/bedrock/modelinvocations-other',
];
const ROLE_NAMES = [
  'Nops-Integration-abc123', 'NopsIntegrationRole-xyz', 'a', 'x'.repeat(64), 'x'.repeat(65), 'with space', 'a/b', 'a*',
  'arn:aws:iam::111122223333:role/Nops-Integration-abc', '', 'role+=,.@_-', 'ünï',
];
const RETENTIONS = Object.values(logs.RetentionDays).filter((v): v is logs.RetentionDays => typeof v === 'number');

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const text = fc.string({ unit: 'grapheme-ascii', maxLength: 24 });

const anyProps = fc.record({
  keyPrefix: optional(fc.oneof(fc.constantFrom(...HOSTILE_PREFIXES), text, fc.array(fc.stringMatching(/^[a-z0-9._-]{1,8}$/), { minLength: 1, maxLength: 6 }).map((s) => s.join('/')))),
  textDataDeliveryEnabled: optional(fc.boolean()),
  imageDataDeliveryEnabled: optional(fc.boolean()),
  embeddingDataDeliveryEnabled: optional(fc.boolean()),
  videoDataDeliveryEnabled: optional(fc.boolean()),
  audioDataDeliveryEnabled: optional(fc.boolean()),
  cloudWatchLogs: optional(fc.boolean()),
  createEncryptionKey: optional(fc.boolean()),
  logGroupName: optional(fc.oneof(fc.constantFrom(...LOG_GROUP_NAMES), text)),
  logGroupRetention: optional(fc.oneof(fc.constantFrom(...RETENTIONS), fc.integer({ min: -5, max: 5000 }) as fc.Arbitrary<logs.RetentionDays>)),
  nopsRoleName: optional(fc.oneof(fc.constantFrom(...ROLE_NAMES), text)),
  nopsLegacyCloudWatchLogsRead: optional(fc.boolean()),
  onDelete: optional(fc.constantFrom(OnDelete.RESTORE, OnDelete.DELETE, OnDelete.RETAIN)),
  failIfAlreadyConfigured: optional(fc.boolean()),
  skipUnsupportedRegions: optional(fc.boolean()),
  removalPolicy: optional(fc.constantFrom(RemovalPolicy.RETAIN, RemovalPolicy.DESTROY, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)),
  handlerRuntime: optional(fc.constantFrom(lambda.Runtime.NODEJS_22_X, lambda.Runtime.NODEJS_24_X)),
}, { requiredKeys: [] });

/**
 * Two in three cases keep the CloudWatch-only props for cloudWatchLogs: true (so that most
 * templates get built and asked); the rest are combined freely (so that mismatches are refused).
 */
const propsArb: fc.Arbitrary<BedrockInvocationLoggingStackProps> = fc.oneof(
  { weight: 2, arbitrary: anyProps.map((p) => p.cloudWatchLogs ? p : { ...p, logGroupName: undefined, logGroupRetention: undefined, nopsLegacyCloudWatchLogsRead: undefined }) },
  { weight: 1, arbitrary: anyProps },
);

/**
 * Names an error may use for a stack prop: the stack passes some props to inner constructs, whose
 * messages use the inner name (reported to the lead as a wording finding).
 */
const ALIASES: Record<string, string[]> = {
  nopsRoleName: ['roleName'],
  nopsLegacyCloudWatchLogsRead: ['legacyCloudWatchLogsRead'],
  logGroupRetention: ['retention'],
  textDataDeliveryEnabled: [], imageDataDeliveryEnabled: [], embeddingDataDeliveryEnabled: [], videoDataDeliveryEnabled: [], audioDataDeliveryEnabled: [],
};

/** The given props the message names: `prop`, or `prop (as inner)` when only an inner construct's name is used. */
function namedProps(message: string, props: Record<string, unknown>): string[] {
  const words = new Set(message.split(/[^A-Za-z0-9]+/));
  return Object.keys(props).filter((k) => props[k] !== undefined).flatMap((k) => {
    if (words.has(k)) return [k];
    const alias = (ALIASES[k] ?? []).find((n) => words.has(n));
    return alias ? [`${k} (as ${alias})`] : [];
  });
}

const stats = {
  synthesized: 0, rejected: 0, questionsAsked: 0, nagFindings: 0,
  rejectedNaming: {} as Record<string, number>, failures: [] as string[], runs: 0,
};

describe('random prop combinations', () => {
  test(`${NUM_RUNS} cases (seed ${SEED}): a clean template or an error naming the property`, async () => {
    await fc.assert(fc.asyncProperty(propsArb, async (props) => {
      const counted = stats.runs++ < NUM_RUNS;
      const shown = JSON.stringify(props, (_k, v) => v instanceof lambda.Runtime ? v.name : v);
      let s: ReturnType<typeof synthStack>;
      try {
        s = synthStack((app: App) => {
          const stack = new BedrockInvocationLoggingStack(app, 'Prop', { synthesizer: new BootstraplessSynthesizer(), ...props });
          return { stack, logging: stack.invocationLogging };
        });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const named = namedProps(message, props as Record<string, unknown>);
        const ours = /^Invalid [^\n]* props:\n/.test(message);
        if (!ours || named.length === 0) {
          if (counted) stats.failures.push(`${shown} threw ${ours ? 'an error naming no given property' : 'an error not from this library'}: ${message.split('\n').slice(0, 3).join(' / ')}`);
          throw new Error(`${shown} threw ${ours ? 'an error naming no given property' : 'an error not from this library'}:\n${message}`);
        }
        if (counted) {
          stats.rejected++;
          for (const n of named) stats.rejectedNaming[n] = (stats.rejectedNaming[n] ?? 0) + 1;
        }
        return;
      }
      // It synthesized: the prefix is what was asked for, nag is clean, the core questions hold.
      const prefix = (props.keyPrefix ?? 'bedrock').replace(/\/+$/, '');
      const problems: string[] = [];
      if (s.logging.keyPrefix !== prefix) problems.push(`keyPrefix became ${JSON.stringify(s.logging.keyPrefix)}, expected ${JSON.stringify(prefix)}`);
      const retention = Object.values(s.template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Logs::LogGroup').map((r) => r.Properties?.RetentionInDays);
      for (const r of retention) if (r !== undefined && !RETENTIONS.includes(r)) problems.push(`a log group has RetentionInDays ${r}, which CloudFormation refuses`);
      const findings = nagFindings(s.app);
      problems.push(...findings.map((f) => `cdk-nag: ${f}`));
      const p = policySet(s, prefix, props.nopsRoleName);
      const core = questions(p).filter((q) => q.core);
      for (const q of core) {
        const a = await ask('property', q);
        if (!a.pass) problems.push(`${a.id}: expected ${a.expect}, simulator said ${a.actual} (${a.action} ${a.resource})`);
      }
      if (counted) {
        stats.questionsAsked += core.length;
        stats.nagFindings += findings.length;
        if (problems.length === 0) stats.synthesized++;
        else stats.failures.push(`${shown}: ${problems.join('; ')}`);
      }
      if (problems.length > 0) throw new Error(`${shown} synthesized, but:\n  ${problems.join('\n  ')}`);
    }), { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true });
    expect(stats.synthesized + stats.rejected).toBe(NUM_RUNS);
    // Both outcomes must occur, or the generator is not exploring.
    expect(stats.synthesized).toBeGreaterThan(NUM_RUNS / 10);
    expect(stats.rejected).toBeGreaterThan(NUM_RUNS / 10);
  });

  test('the results are written and SECURITY.md shows them', () => {
    const results: PropertyResults = {
      library: `fast-check ${packageVersion('fast-check')}`,
      seed: SEED,
      numRuns: NUM_RUNS,
      synthesized: stats.synthesized,
      rejected: stats.rejected,
      rejectedNaming: stats.rejectedNaming,
      questionsAsked: stats.questionsAsked,
      nagPacks: ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'],
      nagFindings: stats.nagFindings,
      failures: stats.failures,
    };
    writeResults('property', results);
    const drift = checkSection('property', results);
    if (process.env.SECURITY_REPORT_UPDATE !== '1') expect(drift).toBeUndefined();
  });
});
