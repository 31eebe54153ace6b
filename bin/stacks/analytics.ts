import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BedrockInvocationLogging, BedrockInvocationLoggingStack, BedrockLogAnalytics, BedrockLogArchiveStack } from '../../lib';
import { REQUEST_METADATA_KEY_PATTERN } from '../../lib/analytics/private/queries';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from '../../lib/shared/facts';
import { ErrorCollector } from '../../lib/shared/validation';
import { parseBoolean, parseList, valid } from '../context';
import { appStackProps } from './defaults';

/**
 * Name of the stack `analytics=true` adds beside the member stack: the Glue tables, Athena workgroup
 * and named queries over its log bucket. A stack of its own, because with them the member stack
 * would pass the 51,200 bytes `cdk deploy` sends without a bootstrap bucket.
 */
export const ANALYTICS_STACK_NAME = 'BedrockInvocationLoggingAnalytics';

/** Name of the analytics stack over the archive (`rollout=archive` with `analytics=true`). */
export const ARCHIVE_ANALYTICS_STACK_NAME = 'BedrockInvocationLogArchiveAnalytics';

/** Which accounts, Regions and `requestMetadata` keys an analytics stack projects and queries. */
export interface AnalyticsScope {
  readonly accounts?: string[];
  readonly regions?: string[];
  readonly requestMetadataKeys?: string[];
}

/** `analytics` and the keys it reads; undefined unless analytics is on. */
export function parseAnalytics(context: Record<string, unknown>, rollout: string | undefined, errors: ErrorCollector): AnalyticsScope | undefined {
  const analytics = parseBoolean('analytics', context.analytics, errors);
  let requestMetadataKeys: string[] | undefined;
  if (context.analyticsRequestMetadataKeys !== undefined) {
    if (analytics) {
      requestMetadataKeys = valid(errors, () => parseList('analyticsRequestMetadataKeys', context.analyticsRequestMetadataKeys,
        REQUEST_METADATA_KEY_PATTERN.source, 'team,cost-center', errors));
    } else if (analytics === false || context.analytics === undefined) {
      errors.add('context analyticsRequestMetadataKeys is only read with analytics=true: add -c analytics=true, or drop it');
    }
  }
  if (!analytics) {
    const stray = (['analyticsAccounts', 'analyticsRegions'] as const).filter((k) => context[k] !== undefined);
    if (stray.length > 0) errors.add(`context ${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} only read with analytics=true: add -c analytics=true, or drop ${stray.length > 1 ? 'them' : 'it'}`);
    return undefined;
  }
  const accounts = valid(errors, () => parseList('analyticsAccounts', context.analyticsAccounts, ACCOUNT_ID_PATTERN, '111122223333,444455556666', errors));
  const regions = valid(errors, () => parseList('analyticsRegions', context.analyticsRegions, REGION_PATTERN, 'us-east-1,eu-west-1', errors));
  if (rollout === 'archive' && context.analyticsAccounts === undefined) {
    errors.add('context analyticsAccounts is missing: with rollout=archive the archive holds many accounts\' logs and the table projects the ones you list, for example -c analyticsAccounts=111122223333,444455556666');
  }
  return { accounts, regions, requestMetadataKeys };
}

/**
 * The stack `analytics=true` adds: `BedrockLogAnalytics` over the member stack's bucket, prefix and
 * key (exported by the member stack), projecting this account and Region (pseudo parameters).
 */
export function addAnalyticsStack(app: App, member: BedrockInvocationLoggingStack, scope: AnalyticsScope): void {
  addAnalyticsOver(app, ANALYTICS_STACK_NAME,
    'FinOps queries over the Amazon Bedrock model invocation logs of stack BedrockInvocationLogging: Glue tables, Athena workgroup, named queries (cdk-bedrock-invocation-logging)',
    member, member.invocationLogging, { key: 'LogBucketKey', bucket: 'LogBucket', logs: 'InvocationLogging' }, scope);
}

/**
 * The stack `rollout=archive` with `analytics=true` adds: `BedrockLogAnalytics` over the archive
 * (exported by the archive stack), projecting the accounts of `analyticsAccounts` and the Regions
 * of `analyticsRegions` (default: the archive's Region). The archive holds the members' logs under
 * their prefix: the same reader as a member's logging.
 */
export function addArchiveAnalyticsStack(app: App, archiveStack: BedrockLogArchiveStack, scope: AnalyticsScope): void {
  addAnalyticsOver(app, ARCHIVE_ANALYTICS_STACK_NAME,
    'FinOps queries over the organization\'s archive of Amazon Bedrock model invocation logs (stack BedrockInvocationLogArchive): Glue tables, Athena workgroup, named queries (cdk-bedrock-invocation-logging)',
    archiveStack, archiveStack.archive, { key: 'ArchiveKey', bucket: 'Archive', logs: 'ArchiveLogs' }, scope);
}

/** Where logs are, as a stack that holds them has them. */
interface LogsIn {
  readonly bucket: s3.IBucket;
  readonly keyPrefix: string;
  readonly encryptionKey?: kms.IKey;
}

/**
 * A stack of `BedrockLogAnalytics` over the logs of `source`. The bucket and key are imported
 * through explicit exports rather than passed across stacks: the policy's resource names (and so
 * its cdk-nag acknowledgements) are then the same at construction and at synth.
 */
function addAnalyticsOver(app: App, name: string, description: string, source: Stack, logs: LogsIn,
  ids: { readonly key: string; readonly bucket: string; readonly logs: string }, scope: AnalyticsScope): void {
  const stack = new Stack(app, name, { ...appStackProps(), description });
  const encryptionKey = logs.encryptionKey ? kms.Key.fromKeyArn(stack, ids.key, source.exportValue(logs.encryptionKey.keyArn)) : undefined;
  const bucket = s3.Bucket.fromBucketAttributes(stack, ids.bucket, { bucketName: source.exportValue(logs.bucket.bucketName), encryptionKey });
  const invocationLogging = BedrockInvocationLogging.fromExisting(stack, ids.logs, { bucket, keyPrefix: logs.keyPrefix, encryptionKey });
  addAnalyticsOutputs(stack, new BedrockLogAnalytics(stack, 'Analytics', { invocationLogging, ...scope }));
}

function addAnalyticsOutputs(stack: Stack, analytics: BedrockLogAnalytics): void {
  new CfnOutput(stack, 'WorkGroupName', { description: 'Athena workgroup the named queries run in', value: analytics.workGroupName });
  new CfnOutput(stack, 'DatabaseName', { description: 'Glue database of the tables bedrock_invocations and bedrock_prices', value: analytics.databaseName });
  new CfnOutput(stack, 'PriceTableLocation', { description: 'Upload your price CSV under this location (see docs/analytics.md, "The price table")', value: analytics.priceTableLocation });
  new CfnOutput(stack, 'QueryPolicyArn', { description: 'Managed policy to attach to whoever runs the queries', value: analytics.queryPolicy.managedPolicyArn });
}
