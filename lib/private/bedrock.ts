import * as path from 'path';
import { Stack } from 'aws-cdk-lib';

/** The service principal that writes invocation logs. */
export const BEDROCK_SERVICE_PRINCIPAL = 'bedrock.amazonaws.com';

/** The log stream Bedrock writes to in a CloudWatch log group. */
export const BEDROCK_LOG_STREAM = 'aws/bedrock/modelinvocations';

/** Path of the handler source that is inlined into the template, verbatim. */
export const HANDLER_SOURCE_PATH = path.join(__dirname, '..', 'handler', 'index.js');

/**
 * SSM parameter that remembers the configuration that was in place before this library set it.
 * One per account and Region, like the setting itself.
 */
export const STATE_PARAMETER_NAME = '/cdk-bedrock-invocation-logging/previous-configuration';

/** `aws:SourceAccount` and `aws:SourceArn` for this account and Region: the confused-deputy guard AWS documents. */
export function bedrockSourceConditions(stack: Stack): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'bedrock', resource: '*' }) },
  };
}
