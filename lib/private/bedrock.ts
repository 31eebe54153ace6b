import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { SourceScope } from '../facts';

/** Path of the handler source that is inlined into the template, verbatim. */
export const HANDLER_SOURCE_PATH = path.join(__dirname, '..', 'handler', 'index.js');

/**
 * SSM parameter that remembers the configuration that was in place before this library set it.
 * One per account and Region, like the setting itself.
 */
export const STATE_PARAMETER_NAME = '/cdk-bedrock-invocation-logging/previous-configuration';

/** The stack's partition, account and Region (tokens unless the stack's environment is known). */
export function sourceScope(stack: Stack): SourceScope {
  return { partition: stack.partition, account: stack.account, region: stack.region };
}
