/**
 * `-c permissionsBoundaryArn`: enterprises that require a permissions boundary on every role they
 * deploy give it once, and every `AWS::IAM::Role` of every stack the app can synthesize carries it
 * (the StackSet member template through its `PermissionsBoundaryArn` parameter). Breaks: a role
 * without the boundary, which such an organization's SCP refuses to create.
 */
import { App } from 'aws-cdk-lib';
import {
  ANALYTICS_STACK_NAME, ARCHIVE_ANALYTICS_STACK_NAME, ARCHIVE_STACK_NAME, createApp, STACK_NAME, STACKSET_STACK_NAME, TAMPER_DETECTION_STACK_NAME,
  TAMPER_GUARD_STACK_NAME,
} from '../../bin/create-app';
import { errorOf } from '../support/util';

const BOUNDARY = 'arn:aws:iam::111122223333:policy/org/RoleBoundary';
const ARCHIVE = { archiveBucket: 'bedrock-invocation-logs-archive-222233334444-abcd1234', archiveAccount: '222233334444' };
/** Between them, every stack the app can synthesize, each with every role it can have. */
const CONTEXTS: Array<Record<string, string>> = [
  { rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456', targetRegions: 'us-east-1,eu-west-1', tamperGuard: 'true', analytics: 'true', alertTopic: 'true',
    cloudWatchLogs: 'true', nopsRoleName: 'Nops-Integration-abc123', ...ARCHIVE },
  { rollout: 'archive', organizationId: 'o-a1b2c3d4e5', kms: 'true', archiveKmsKeyArn: 'arn:aws:kms:us-east-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    analytics: 'true', analyticsAccounts: '111122223333', nopsRoleName: 'Nops-Integration-abc123', alertEventBusArn: 'arn:aws:events:us-east-1:999988887777:event-bus/central', ...ARCHIVE },
];
const ALL_STACKS = [STACK_NAME, ANALYTICS_STACK_NAME, ARCHIVE_STACK_NAME, ARCHIVE_ANALYTICS_STACK_NAME, STACKSET_STACK_NAME, TAMPER_DETECTION_STACK_NAME, TAMPER_GUARD_STACK_NAME];

interface Role { readonly where: string; readonly boundary: unknown }

/** Every role of every template of `app`, the StackSet member templates included. */
function roles(app: App): { stacks: string[]; roles: Role[]; stackSetParameters: Array<Record<string, string>> } {
  const assembly = app.synth();
  const found: Role[] = [];
  const stackSetParameters: Array<Record<string, string>> = [];
  const collect = (template: any, where: string) => {
    for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
      if (r.Type === 'AWS::IAM::Role') found.push({ where: `${where}/${id}`, boundary: r.Properties.PermissionsBoundary });
      if (r.Type === 'AWS::CloudFormation::StackSet') {
        collect(JSON.parse(r.Properties.TemplateBody), `${where}/${id} (member template)`);
        stackSetParameters.push(Object.fromEntries(r.Properties.Parameters.map((p: any) => [p.ParameterKey, p.ParameterValue])));
      }
    }
  };
  for (const s of assembly.stacks) collect(s.template, s.stackName);
  return { stacks: assembly.stacks.map((s) => s.stackName), roles: found, stackSetParameters };
}

const MEMBER_TEMPLATE_BOUNDARY = { 'Fn::If': ['HasPermissionsBoundary', { Ref: 'PermissionsBoundaryArn' }, { Ref: 'AWS::NoValue' }] };

test('every AWS::IAM::Role of every stack the app can synthesize carries the boundary', () => {
  const results = CONTEXTS.map((context) => roles(createApp({ context: { ...context, permissionsBoundaryArn: BOUNDARY } })));
  expect([...new Set(results.flatMap((r) => r.stacks))].sort()).toEqual([...ALL_STACKS].sort());
  const all = results.flatMap((r) => r.roles);
  // the handler, CloudWatch, replication and event bus roles, in the app's stacks and the member template
  expect(all.length).toBeGreaterThanOrEqual(8);
  expect(all.filter((r) => r.where.includes('member template'))).toHaveLength(3);
  const expected = (r: Role) => (r.where.includes('member template') ? MEMBER_TEMPLATE_BOUNDARY : BOUNDARY);
  expect(all.filter((r) => JSON.stringify(r.boundary) !== JSON.stringify(expected(r)))).toEqual([]);
  expect(results.flatMap((r) => r.stackSetParameters).map((p) => p.PermissionsBoundaryArn)).toEqual([BOUNDARY]);
});

test('without it no role has a boundary, and the StackSet passes an empty PermissionsBoundaryArn (none)', () => {
  const results = CONTEXTS.map((context) => roles(createApp({ context })));
  const all = results.flatMap((r) => r.roles);
  expect(all.filter((r) => !r.where.includes('member template') && r.boundary !== undefined)).toEqual([]);
  expect(results.flatMap((r) => r.stackSetParameters).map((p) => p.PermissionsBoundaryArn)).toEqual(['']);
});

test.each(['arn:aws:iam::111122223333:role/Boundary', 'RoleBoundary', 'arn:aws:iam::1111:policy/B'])('a value that is not a managed policy ARN (%s) is an error naming the key and the fix', (value) => {
  expect(errorOf(() => createApp({ context: { permissionsBoundaryArn: value } })))
    .toContain(`context permissionsBoundaryArn=${JSON.stringify(value)} is not a managed policy ARN: use -c permissionsBoundaryArn=arn:aws:iam::123456789012:policy/NAME`);
});

test('an AWS managed policy is accepted', () => {
  const found = roles(createApp({ context: { permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' } })).roles;
  expect(found.length).toBeGreaterThan(0);
  expect(found.filter((r) => r.boundary !== 'arn:aws:iam::aws:policy/PowerUserAccess')).toEqual([]);
});
