import { ArchiveObjectLockMode } from '../../lib';
import { archiveStack, memberStack } from '../archive/helpers';
import { ALL_OPTIONS, HANDLER_SOURCE, synthStack } from '../support/util';

/**
 * The template with the handler text masked (it has its own tests and would drown every diff);
 * nothing else varies with the aws-cdk-lib version for these stacks (no assets, no bootstrap).
 */
function masked(props = {}, template: any = synthStack(props).template.toJSON()): unknown {
  template = JSON.parse(JSON.stringify(template));
  for (const resource of Object.values<any>(template.Resources)) {
    if (resource.Type === 'AWS::Lambda::Function') {
      expect(resource.Properties.Code.ZipFile).toBe(HANDLER_SOURCE);
      resource.Properties.Code.ZipFile = '<lib/handler/index.js>';
    }
  }
  return template;
}

test('default stack template', () => {
  expect(masked()).toMatchSnapshot();
});

test('all-options stack template (KMS, CloudWatch, nOps grant with legacy read, text off, nested prefix)', () => {
  expect(masked(ALL_OPTIONS)).toMatchSnapshot();
});

test('archive stack template (KMS, Object Lock, transition, nOps grant, nested prefix)', () => {
  expect(archiveStack({
    keyPrefix: 'finops/bedrock', createEncryptionKey: true, nopsRoleName: 'Nops-Integration-abc123',
    objectLockDays: 365, objectLockMode: ArchiveObjectLockMode.GOVERNANCE, transitionAfterDays: 90,
  }).template).toMatchSnapshot();
});

test('member stack replicating into an SSE-KMS archive (SSE-KMS log bucket)', () => {
  expect(masked({}, memberStack({ createEncryptionKey: true, keyPrefix: 'finops/bedrock' }).template)).toMatchSnapshot();
});
