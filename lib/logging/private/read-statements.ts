import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { accountLogsReadStatements } from '../facts';
import { sourceScope } from '../../shared/stack-scope';

/** The logs as the read statements see them: the L3's parts, or what `fromExisting` was given. */
export interface LogsLocation {
  readonly bucket: s3.IBucket;
  readonly keyPrefix: string;
  readonly encryptionKey?: kms.IKey;
  readonly logGroup?: logs.ILogGroup;
}

/**
 * Statements that read the logs and nothing else (see `IBedrockInvocationLogging.readStatements`).
 * `noLogGroup` says, for the error, why there is no log group and how to get one.
 */
export function logsReadStatements(logsAt: LogsLocation, includeLegacyLogsRead: boolean, noLogGroup: string): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: 'ListInvocationLogPrefix',
      actions: ['s3:ListBucket'],
      resources: [logsAt.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${logsAt.keyPrefix}/*`] } },
    }),
    new iam.PolicyStatement({
      sid: 'ReadInvocationLogs',
      actions: ['s3:GetObject'],
      resources: [logsAt.bucket.arnForObjects(`${logsAt.keyPrefix}/*`)],
    }),
  ];
  if (logsAt.encryptionKey) {
    statements.push(new iam.PolicyStatement({
      sid: 'DecryptInvocationLogs',
      actions: ['kms:Decrypt'],
      resources: [logsAt.encryptionKey.keyArn],
    }));
  }
  if (includeLegacyLogsRead) statements.push(logGroupReadStatement(logsAt, noLogGroup));
  return statements;
}

/**
 * Statements that read every Region's log bucket of the account of `scope`'s stack, by the name
 * scheme (see `accountLogsReadStatements` in facts.ts), and, when asked, the log group.
 */
export function accountWideLogsReadStatements(scope: IConstruct, logsAt: LogsLocation, includeLegacyLogsRead: boolean, noLogGroup: string): iam.PolicyStatement[] {
  const statements = accountLogsReadStatements(sourceScope(Stack.of(scope)), logsAt.keyPrefix, logsAt.encryptionKey !== undefined)
    .map((json) => iam.PolicyStatement.fromJson(json));
  if (includeLegacyLogsRead) statements.push(logGroupReadStatement(logsAt, noLogGroup));
  return statements;
}

/** The four CloudWatch Logs read actions on the log group (legacy); fails without one. */
export function logGroupReadStatement(logsAt: LogsLocation, noLogGroup: string): iam.PolicyStatement {
  if (!logsAt.logGroup) throw new Error(noLogGroup);
  return new iam.PolicyStatement({
    sid: 'ReadInvocationLogGroup',
    actions: ['logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
    resources: [logsAt.logGroup.logGroupArn],
  });
}
