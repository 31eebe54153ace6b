/**
 * The guard names what the library creates by its names: every customer managed policy attached to
 * a role on the library's path sits on that path too (a policy elsewhere could get a new default
 * version from anyone), and every KMS key the library creates carries the tag the SCP names keys by.
 * Checked over the templates of every app context that creates policies or keys, and the StackSet's
 * member template.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  ANALYTICS_STACK_NAME, ARCHIVE_ANALYTICS_STACK_NAME, ARCHIVE_STACK_NAME, createApp, STACK_NAME, STACKSET_STACK_NAME, TAMPER_DETECTION_STACK_NAME, TAMPER_GUARD_STACK_NAME,
} from '../../bin/create-app';
import { BedrockInvocationLoggingMemberTemplate } from '../../lib';
import { guardedResources } from '../../lib/guard/private/coverage';
import { GUARDED_KEY_TAG, IAM_PATH } from '../../lib/shared/facts';
import { STATE_PARAMETER_NAME } from '../../lib/logging/facts';

const ARCHIVE = { archiveBucket: 'bedrock-invocation-logs-archive-222233334444-abcd1234', archiveAccount: '222233334444' };
const CONTEXTS: Array<Record<string, string>> = [
  {},
  { kms: 'true', cloudWatchLogs: 'true', nopsRoleName: 'Nops-Integration-abc123', analytics: 'true', alertTopic: 'true' },
  { alertEventBusArn: 'arn:aws:events:eu-west-1:999988887777:event-bus/security-alerts' },
  { ...ARCHIVE, kms: 'true', archiveKmsKeyArn: 'arn:aws:kms:eu-west-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
  { rollout: 'archive', organizationId: 'o-a1b2c3d4e5', kms: 'true', analytics: 'true', analyticsAccounts: '111122223333' },
  { rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456', targetRegions: 'us-east-1', tamperGuard: 'true' },
];
const STACK_NAMES = [STACK_NAME, ANALYTICS_STACK_NAME, ARCHIVE_ANALYTICS_STACK_NAME, ARCHIVE_STACK_NAME, STACKSET_STACK_NAME, TAMPER_DETECTION_STACK_NAME, TAMPER_GUARD_STACK_NAME];

/** Every template of the app in those contexts, and the member template with every option. */
function templates(): Array<[string, any]> {
  const out: Array<[string, any]> = [];
  const error = console.error;
  console.error = () => undefined;
  try {
    for (const context of CONTEXTS) {
      const app: App = createApp({ context });
      for (const name of STACK_NAMES) {
        const stack = app.node.tryFindChild(name) as Stack | undefined;
        if (stack) out.push([`${name} ${JSON.stringify(context)}`, Template.fromStack(stack).toJSON()]);
      }
    }
  } finally {
    console.error = error;
  }
  out.push(['member template (kms)', JSON.parse(new BedrockInvocationLoggingMemberTemplate({ createEncryptionKey: true }).toJson())]);
  return out;
}

const TEMPLATES = templates();

test('every managed policy attached to a role on the library\'s path is on that path', () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const [name, t] of TEMPLATES) {
    const libraryRoles = Object.entries<any>(t.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.Path === IAM_PATH).map(([id]) => id);
    for (const [id, r] of Object.entries<any>(t.Resources)) {
      if (r.Type !== 'AWS::IAM::ManagedPolicy') continue;
      const onLibraryRole = (r.Properties.Roles ?? []).some((role: any) => libraryRoles.includes(role?.Ref));
      if (!onLibraryRole) continue;
      checked++;
      if (r.Properties.Path !== IAM_PATH) wrong.push(`${name}: ${id} has Path ${JSON.stringify(r.Properties.Path)}`);
    }
  }
  expect(wrong).toEqual([]);
  // handler, CloudWatch pass-role and service-role, replication, event bus policies
  expect(checked).toBeGreaterThanOrEqual(8);
});

test('every KMS key the library creates carries the tag the guard names keys by', () => {
  const keys = TEMPLATES.flatMap(([name, t]) => Object.entries<any>(t.Resources).filter(([, r]) => r.Type === 'AWS::KMS::Key').map(([id, r]) => [`${name}: ${id}`, r] as const));
  expect(keys.length).toBeGreaterThanOrEqual(4);
  const untagged = keys.filter(([, r]) => !(r.Properties.Tags ?? []).some((tag: any) => tag.Key === GUARDED_KEY_TAG.key && tag.Value === GUARDED_KEY_TAG.value)).map(([n]) => n);
  expect(untagged).toEqual([]);
});

test('the handler\'s parameters and the library\'s roles are where the guard looks for them', () => {
  const patterns = guardedResources('BedrockInvocationLogging').map((r) => r.arnPattern);
  expect(patterns).toContain(`arn:*:ssm:*:*:parameter${IAM_PATH}*`);
  expect(STATE_PARAMETER_NAME.startsWith(IAM_PATH)).toBe(true);
  const roles = TEMPLATES.flatMap(([, t]) => Object.values<any>(t.Resources).filter((r) => r.Type === 'AWS::IAM::Role'));
  // every role the library creates is on its path
  expect(roles.filter((r) => r.Properties.Path !== IAM_PATH)).toEqual([]);
});
