import { App, BootstraplessSynthesizer } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BedrockInvocationLoggingStack, BedrockInvocationLoggingStackProps } from '../../lib';
import { inlineHandlerCode } from '../../lib/logging/handler/inline';

/** The options a security reviewer reads most: KMS, CloudWatch, nOps grant with legacy read, text off, nested prefix. */
export const ALL_OPTIONS: BedrockInvocationLoggingStackProps = {
  keyPrefix: 'finops/bedrock',
  createEncryptionKey: true,
  cloudWatchLogs: true,
  textDataDeliveryEnabled: false,
  nopsRoleName: 'Nops-Integration-abc123',
  nopsLegacyCloudWatchLogsRead: true,
};

/** Synthesizes the deployable stack the way bin/app.ts does (no bootstrap, no assets). */
export function synthStack(props: BedrockInvocationLoggingStackProps = {}): { stack: BedrockInvocationLoggingStack; template: Template } {
  const app = new App();
  const stack = new BedrockInvocationLoggingStack(app, 'BedrockInvocationLogging', {
    synthesizer: new BootstraplessSynthesizer(),
    ...props,
  });
  return { stack, template: Template.fromStack(stack) };
}

/** The handler exactly as it is inlined (lib/logging/handler/index.js without comments and spare blanks). */
export const HANDLER_SOURCE = inlineHandlerCode();

/** Resources of one type, as [logicalId, resource] pairs. */
export function resourcesOfType(template: Template, type: string): Array<[string, any]> {
  return Object.entries(template.findResources(type));
}

/** The only resource of a type; fails if there are several. */
export function onlyResource(template: Template, type: string): [string, any] {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}: ${found.map(([id]) => id).join(', ')}`);
  }
  return found[0];
}

/** The error message `fn` throws. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, got none');
}
