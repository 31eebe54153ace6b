import { ALL_OPTIONS, HANDLER_SOURCE, synthStack } from './util';

/**
 * The template with the handler text masked (it has its own tests and would drown every diff);
 * nothing else varies with the aws-cdk-lib version for these stacks (no assets, no bootstrap).
 */
function masked(props = {}): unknown {
  const template = JSON.parse(JSON.stringify(synthStack(props).template.toJSON()));
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
