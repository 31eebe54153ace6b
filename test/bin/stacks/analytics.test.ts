/**
 * The app's `-c analytics=true`: a stack of its own beside the member stack, over that stack's
 * bucket; bad values one line each; the StackSet member template untouched; and, through the real
 * `cdk` CLI, the template `cdk deploy` would send stays under CloudFormation's inline limit.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { complianceFindings, formatFinding } from '../../../bin/compliance';
import { ANALYTICS_STACK_NAME, createApp, STACK_NAME, STACKSET_STACK_NAME } from '../../../bin/create-app';
import { runApp } from '../../../bin/main';
import { BedrockInvocationLoggingStackSet } from '../../../lib';

const ALL_OPTIONS = {
  keyPrefix: 'finops/bedrock', nopsRoleName: 'Nops-Integration-abc123', cloudWatchLogs: 'true', kms: 'true', textDataDeliveryEnabled: 'false',
  analytics: 'true', analyticsRequestMetadataKeys: 'team,cost-center',
};

const stackNames = (app: App) => app.node.children.filter((c) => c instanceof Stack).map((c) => c.node.id);
const templateOf = (app: App, name: string) => Template.fromStack(app.node.findChild(name) as Stack).toJSON();

test('without analytics the app has no Glue or Athena resource and the member stack no export', () => {
  const app = createApp();
  expect(stackNames(app)).toEqual([STACK_NAME]);
  expect(JSON.stringify(templateOf(app, STACK_NAME))).not.toMatch(/AWS::Glue|AWS::Athena|Export/);
});

test('analytics=true adds BedrockInvocationLoggingAnalytics over the member stack\'s bucket and prefix, projecting this account and Region', () => {
  const app = createApp({ context: { analytics: 'true', keyPrefix: 'logs/bedrock/' } });
  expect(stackNames(app)).toEqual([STACK_NAME, ANALYTICS_STACK_NAME]);
  const member = templateOf(app, STACK_NAME);
  const bucketId = Object.keys(member.Resources).find((id) => member.Resources[id].Type === 'AWS::S3::BucketPolicy'
    && JSON.stringify(member.Resources[id].Properties.PolicyDocument).includes('AmazonBedrockLogsWrite'))!;
  const bucketRef = member.Resources[bucketId].Properties.Bucket;
  const exported = Object.values(member.Outputs as Record<string, any>).filter((o) => o.Export);
  expect(exported.map((o) => o.Value)).toEqual([bucketRef]);

  const analytics = templateOf(app, ANALYTICS_STACK_NAME);
  const table = Object.values(analytics.Resources as Record<string, any>).find((r) => r.Properties?.TableInput?.Name === 'bedrock_invocations')!.Properties.TableInput;
  const imported = { 'Fn::ImportValue': exported[0].Export.Name };
  expect(table.StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', imported, '/logs/bedrock/AWSLogs/']] });
  expect(table.Parameters['projection.log_account.values']).toEqual({ Ref: 'AWS::AccountId' });
  expect(table.Parameters['projection.log_region.values']).toEqual({ Ref: 'AWS::Region' });
  expect(Object.keys(analytics.Outputs)).toEqual(['WorkGroupName', 'DatabaseName', 'PriceTableLocation', 'QueryPolicyArn']);
  expect(Object.values(analytics.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Athena::NamedQuery')).toHaveLength(6);
});

test('with kms=true the analytics stack decrypts with the member stack\'s key, and analyticsRequestMetadataKeys adds one query per key', () => {
  const app = createApp({ context: ALL_OPTIONS });
  const analytics = templateOf(app, ANALYTICS_STACK_NAME);
  const queries = Object.values(analytics.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Athena::NamedQuery').map((r) => r.Properties.Name);
  expect(queries).toEqual(expect.arrayContaining(['bedrock-tokens-by-tag-team', 'bedrock-tokens-by-tag-cost-center']));
  const policy = Object.values(analytics.Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::ManagedPolicy')!;
  const decrypt = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'DecryptLogsThroughS3');
  expect(decrypt.Resource).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^BedrockInvocationLogging:ExportsOutputFnGetAttInvocationLoggingLogBucketKey/) });
});

test.each([
  ['defaults', { analytics: 'true' }],
  ['all options', ALL_OPTIONS],
])('cdk-nag: zero unacknowledged findings in both stacks with analytics (%s)', (_name, context) => {
  const app = createApp({ context });
  app.synth();
  expect(complianceFindings(app).map(formatFinding)).toEqual([]);
});

test('the StackSet member template stays without analytics, whatever the context', () => {
  const app = createApp({ context: { analytics: 'true', rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456', targetRegions: 'us-east-1' } });
  const set = (app.node.findChild(STACKSET_STACK_NAME) as Stack).node.findAll().find((c) => c instanceof BedrockInvocationLoggingStackSet) as BedrockInvocationLoggingStackSet;
  expect(set.memberTemplate.toJson()).not.toMatch(/AWS::Glue|AWS::Athena/);
});

test('bad values: one line each naming the context key, with every other problem of the run', () => {
  const lines: string[] = [];
  const code = runApp(() => createApp({ context: { analytics: 'yes', kms: 'maybe' } }), (l) => lines.push(l));
  expect(code).toBe(1);
  expect(lines).toEqual([
    'Error: 2 problems in the context (cdk -c KEY=VALUE):',
    '  context kms="maybe" is not a boolean: use -c kms=true or -c kms=false',
    '  context analytics="yes" is not a boolean: use -c analytics=true or -c analytics=false',
  ]);
  lines.length = 0;
  expect(runApp(() => createApp({ context: { analyticsRequestMetadataKeys: 'team' } }), (l) => lines.push(l))).toBe(1);
  expect(lines).toEqual([
    'Error: 1 problem in the context (cdk -c KEY=VALUE):',
    '  context analyticsRequestMetadataKeys is only read with analytics=true: add -c analytics=true, or drop it',
  ]);
  lines.length = 0;
  expect(runApp(() => createApp({ context: { analytics: 'true', analyticsRequestMetadataKeys: "team,team,it's" } }), (l) => lines.push(l))).toBe(1);
  expect(lines[0]).toBe('Error: 2 problems in the context (cdk -c KEY=VALUE):');
  expect(lines.slice(1)).toEqual([
    '  context analyticsRequestMetadataKeys lists "team" twice: list each once',
    expect.stringMatching(/^ {2}context analyticsRequestMetadataKeys item "it's" is not valid: expected a value like team /),
  ]);
});

// CloudFormation takes at most 51,200 bytes inline; `cdk deploy` without a bootstrap bucket sends the
// template inline as YAML (what `cdk synth STACK` prints). For this stack the YAML is shorter than the
// template as 2-space JSON (bench:synth measures the YAML through the CLI: README Figures); the real
// CLI runs with analytics on in test/bin/cli.test.ts.
const INLINE_TEMPLATE_LIMIT = 51_200;

test('with every option the app exits 0 with no finding, and the analytics template stays under 51,200 bytes as 2-space JSON', () => {
  const lines: string[] = [];
  let app: App | undefined;
  expect(runApp(() => (app = createApp({ context: ALL_OPTIONS })), (l) => lines.push(l))).toBe(0);
  expect(lines).toEqual([]);
  const size = Buffer.byteLength(JSON.stringify(templateOf(app!, ANALYTICS_STACK_NAME), undefined, 2));
  expect(size).toBeGreaterThan(20_000);
  expect(size).toBeLessThan(INLINE_TEMPLATE_LIMIT);
});

test('the member stack gains only the exports the analytics stack imports: the same resources and outputs otherwise', () => {
  const { analytics: _a, analyticsRequestMetadataKeys: _k, ...withoutAnalytics } = ALL_OPTIONS;
  const before = templateOf(createApp({ context: withoutAnalytics }), STACK_NAME);
  const after = templateOf(createApp({ context: ALL_OPTIONS }), STACK_NAME);
  expect(after.Resources).toEqual(before.Resources);
  const added = Object.keys(after.Outputs).filter((k) => !(k in before.Outputs));
  expect(added.map((k) => after.Outputs[k].Value)).toEqual(expect.arrayContaining([
    { Ref: expect.stringMatching(/^InvocationLoggingLogBucket/) }, { 'Fn::GetAtt': [expect.stringMatching(/^InvocationLoggingLogBucketKey/), 'Arn'] }]));
  expect(added).toHaveLength(2);
  expect(added.every((k) => after.Outputs[k].Export)).toBe(true);
  expect(Object.fromEntries(Object.entries(after.Outputs).filter(([k]) => !added.includes(k)))).toEqual(before.Outputs);
});
