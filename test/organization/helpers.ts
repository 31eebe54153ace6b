import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  BedrockInvocationLoggingMemberTemplate,
  BedrockInvocationLoggingStackSet,
  BedrockInvocationLoggingStackSetProps,
} from '../../lib';

/** Targets used throughout: two OUs, two Regions. */
export const TARGETS = {
  organizationalUnitIds: ['ou-ab12-cdef3456', 'ou-ab12-ghij7890'],
  regions: ['us-east-1', 'eu-west-1'],
};

/**
 * The member template's byte budget (minified), a guard on its growth: the limits that matter are
 * CloudFormation's 51,200 bytes for the member template as an inline TemplateBody and for the
 * administrator stack, which embeds it as an escaped JSON string, as the YAML `cdk deploy` sends
 * without a bootstrap bucket; test/organization/stackset.test.ts measures that YAML with every
 * option. The largest member template (SSE-KMS and the detection rule) is about 44 KB.
 */
export const MEMBER_TEMPLATE_BUDGET_BYTES = 45_000;

/** Budget of the administrator stack's template as minified JSON (the CLI sends YAML, a few KB more; checked separately against 51,200). */
export const ADMIN_TEMPLATE_BUDGET_BYTES = 47_000;

/** An administrator stack with the StackSet in it. */
export function adminStack(props: Partial<BedrockInvocationLoggingStackSetProps> = {}): { stack: Stack; stackSet: BedrockInvocationLoggingStackSet } {
  const app = new App();
  const stack = new Stack(app, 'Admin', { synthesizer: new BootstraplessSynthesizer() });
  const stackSet = new BedrockInvocationLoggingStackSet(stack, 'StackSet', { ...TARGETS, ...props });
  return { stack, stackSet };
}

/**
 * The CfnStackSet's properties. With `stubBody` the member template is not synthesized (a
 * placeholder body), which keeps the many property tests fast.
 */
export function stackSetProperties(props: Partial<BedrockInvocationLoggingStackSetProps> = {}, stubBody = true): Record<string, any> {
  const spy = stubBody ? jest.spyOn(BedrockInvocationLoggingMemberTemplate.prototype, 'toJson').mockReturnValue('{"stub":true}') : undefined;
  try {
    const { stack } = adminStack(props);
    const resources = Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet');
    const all = Object.values<any>(resources);
    if (all.length !== 1) throw new Error(`expected one StackSet, found ${all.length}`);
    return all[0].Properties;
  } finally {
    spy?.mockRestore();
  }
}
