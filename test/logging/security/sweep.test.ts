/**
 * The exhaustive side of the simulation: for each principal the template grants to, every IAM action
 * the simulator knows is asked on every resource; nothing beyond the expected actions may come back.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ACCOUNT, anAllowCouldMatch, packageVersion, policySet, REGION, Sweep, sweep, writeResults } from '../../support/security/harness';
import { CASES } from './cases';
import { expectedActions } from './questions';
import { checkSection, SERVICES_WITH_OWN_RULES, SweepResults } from '../../support/security/report';

jest.setTimeout(120_000);

const BEDROCK_CONTEXT = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:bedrock:${REGION}:${ACCOUNT}:model-invocation-logging`, 'aws:SecureTransport': 'true' };
const results: SweepResults['sweeps'] = [];

function record(s: Sweep, expected: string[]) {
  const actions = s.allowed.map((a) => a.split(' ')[0]);
  const pass = s.errors.length === 0 && actions.every((a) => expected.includes(a));
  results.push({ ...s, expected, pass });
  return { actions, pass };
}

describe.each(CASES.filter((c) => ['default', 'all', 'library'].includes(c.id)))('every action: $title', (c) => {
  const s = c.synth();
  const p = policySet(s, c.prefix, c.nopsRoleName);
  const full = c.id === 'all';
  const expected = expectedActions(p);

  test('Bedrock gets s3:PutObject on the log path and nothing else from the bucket policy', async () => {
    const r = await sweep(c.id, 'bedrock.amazonaws.com via the bucket policy (S3 actions)', 'bedrock.amazonaws.com', [],
      { resourcePolicy: p.bucketPolicy, services: ['s3'], context: BEDROCK_CONTEXT });
    const { pass } = record(r, ['s3:PutObject']);
    expect(r.allowed).toEqual([`s3:PutObject on arn:aws:s3:::${p.bucketName}/${p.prefix}/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/*`]);
    expect(pass).toBe(true);
  });

  test('anonymous callers get nothing from the bucket policy', async () => {
    const r = await sweep(c.id, 'anonymous via the bucket policy (S3 actions)', 'anonymous', [], { resourcePolicy: p.bucketPolicy, services: ['s3'], context: { 'aws:SecureTransport': 'true' } });
    record(r, []);
    expect(r.allowed).toEqual([]);
  });

  if (p.key) {
    test('Bedrock gets kms:GenerateDataKey and nothing else from the key policy; nOps gets kms:Decrypt', async () => {
      const b = await sweep(c.id, 'bedrock.amazonaws.com via the key policy (KMS actions)', 'bedrock.amazonaws.com', [],
        { resourcePolicy: p.key!.policy, services: ['kms'], context: BEDROCK_CONTEXT });
      expect(record(b, ['kms:GenerateDataKey']).actions).toEqual(['kms:GenerateDataKey']);
      const n = await sweep(c.id, 'nOps role, its grant with the key policy (KMS actions)', p.nops!.roleArn, p.nops!.policies,
        { resourcePolicy: p.key!.policy, services: ['kms'], context: { 'aws:SecureTransport': 'true' } });
      expect(record(n, ['kms:Decrypt']).actions).toEqual(['kms:Decrypt']);
    });
  }

  if (full) {
    test('the handler role: three Bedrock actions, its parameter, its logs, PassRole, two reads of its own stack, nothing else in any service', async () => {
      const r = await sweep(c.id, 'handler role (all services)', p.handler.roleArn, p.handler.policies);
      const { actions, pass } = record(r, expected.handler);
      expect(r.errors).toEqual([]);
      expect(actions.sort()).toEqual([...expected.handler].sort());
      expect(pass).toBe(true);
    });

    test('the nOps role: S3 read under the prefix and the legacy log reads, nothing else in any service', async () => {
      const r = await sweep(c.id, 'nOps role, identity policies (all services)', p.nops!.roleArn, p.nops!.policies);
      const want = expected.nops.filter((a) => a !== 'kms:Decrypt');
      const { actions, pass } = record(r, want);
      expect(r.errors).toEqual([]);
      expect(actions.sort()).toEqual([...want].sort());
      expect(pass).toBe(true);
    });

    test('the CloudWatch role: two write actions on one stream, nothing else in any service', async () => {
      const r = await sweep(c.id, 'CloudWatch role (all services)', p.cloudWatch!.roleArn, p.cloudWatch!.policies);
      const { actions, pass } = record(r, expected.cloudWatch);
      expect(r.errors).toEqual([]);
      expect(actions.sort()).toEqual([...expected.cloudWatch].sort());
      expect(r.allowed.filter((a) => a.startsWith('logs:'))).toEqual([
        `logs:CreateLogStream on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${p.cloudWatch!.logGroupName}:log-stream:aws/bedrock/modelinvocations`,
        `logs:PutLogEvents on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${p.cloudWatch!.logGroupName}:log-stream:aws/bedrock/modelinvocations`,
      ]);
      expect(pass).toBe(true);
    });
  }
});

describe('what the sweep leaves to IAM\'s implicit deny', () => {
  test('the services with rules of their own are the simulator\'s (its serviceEngines): a new one would otherwise go unasked', () => {
    const engine = fs.readFileSync(path.join(path.dirname(require.resolve('@cloud-copilot/iam-simulate')), 'core_engine', 'CoreSimulatorEngine.js'), 'utf8');
    const engines = /const serviceEngines = \{([^}]*)\}/.exec(engine)![1];
    expect([...engines.matchAll(/^\s*(\w+):/gm)].map((m) => m[1]).sort()).toEqual(SERVICES_WITH_OWN_RULES);
  });

  test('an Allow statement could match an action through its Action patterns (wildcards, any case) or NotAction; Deny statements never', () => {
    const allow = (statement: object) => [{ Statement: [{ Effect: 'Allow', Resource: '*', ...statement }] }];
    expect(anAllowCouldMatch('s3:GetObject', allow({ Action: 's3:Get*' }))).toBe(true);
    expect(anAllowCouldMatch('s3:GetObject', allow({ Action: ['kms:Decrypt', 'S3:GETOBJECT'] }))).toBe(true);
    expect(anAllowCouldMatch('logs:FilterLogEvents', allow({ Action: 'logs:Filter?ogEvents' }))).toBe(true);
    expect(anAllowCouldMatch('ec2:RunInstances', allow({ Action: '*' }))).toBe(true);
    expect(anAllowCouldMatch('ec2:RunInstances', allow({ NotAction: 's3:*' }))).toBe(true);
    expect(anAllowCouldMatch('kms:DecryptX', allow({ Action: 'kms:Decrypt' }))).toBe(false);
    expect(anAllowCouldMatch('s3:GetObject', allow({ Action: 's3.Get*' }))).toBe(false);
    expect(anAllowCouldMatch('s3:PutObject', allow({ Action: 's3:Get*' }))).toBe(false);
    expect(anAllowCouldMatch('s3:GetObject', [{ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }])).toBe(false);
  });
});

describe('sweep evidence', () => {
  test('the results are written and SECURITY.md shows them', () => {
    const order = CASES.map((c) => c.id);
    results.sort((a, b) => order.indexOf(a.case) - order.indexOf(b.case));
    const data: SweepResults = { simulator: `@cloud-copilot/iam-simulate ${packageVersion('@cloud-copilot/iam-simulate')}`, sweeps: results };
    writeResults('sweep', data);
    const drift = checkSection('sweep', data);
    if (process.env.SECURITY_REPORT_UPDATE !== '1') expect(drift).toBeUndefined();
  });
});
