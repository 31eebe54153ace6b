/**
 * The facts of Amazon Bedrock model invocation logging itself: the service principal, the bucket,
 * key and trust statements AWS documents, the log bucket's name scheme and who may read it, the
 * custom resource's names. No aws-cdk-lib or AWS SDK import (the verify package compiles it).
 *
 * Sources: Bedrock user guide, "Monitor model invocation using CloudWatch Logs and Amazon S3"
 * (bucket policy, key policy, CloudWatch role, object layout).
 */

import { IAM_PATH, logObjectsFolder, SourceScope, StatementJson } from '../shared/facts';

/** The service principal that writes invocation logs (bucket, key and trust policies). */
export const BEDROCK_SERVICE_PRINCIPAL = 'bedrock.amazonaws.com';

/** The log stream Bedrock writes to in a CloudWatch Logs log group. */
export const BEDROCK_LOG_STREAM = 'aws/bedrock/modelinvocations';

/** The log group the Bedrock console suggests. */
export const DEFAULT_LOG_GROUP_NAME = '/aws/bedrock/modelinvocations';

/** Statement id of the bucket-policy statement that lets Bedrock write. */
export const BEDROCK_WRITE_SID = 'AmazonBedrockLogsWrite';

/** Statement id of the key-policy statement that lets Bedrock encrypt. */
export const BEDROCK_ENCRYPT_SID = 'AmazonBedrockLogsEncrypt';

/** `arn:PARTITION:bedrock:REGION:ACCOUNT:*`, the `aws:SourceArn` AWS documents. */
export function bedrockSourceArn(scope: SourceScope): string {
  return `arn:${scope.partition}:bedrock:${scope.region}:${scope.account}:*`;
}

/** `aws:SourceAccount` and `aws:SourceArn` for one account and Region: the confused-deputy guard AWS documents. */
export function bedrockSourceConditions(scope: SourceScope): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': scope.account },
    ArnLike: { 'aws:SourceArn': bedrockSourceArn(scope) },
  };
}

/** The bucket-policy statement AWS documents for Bedrock, exactly: nothing wider. */
export function bedrockWriteStatement(scope: SourceScope, bucketArn: string, prefix: string): StatementJson {
  return {
    Sid: BEDROCK_WRITE_SID,
    Effect: 'Allow',
    Principal: { Service: BEDROCK_SERVICE_PRINCIPAL },
    Action: 's3:PutObject',
    Resource: `${bucketArn}/${logObjectsFolder(prefix, scope.account)}*`,
    Condition: bedrockSourceConditions(scope),
  };
}

/** The key-policy statement SSE-KMS needs: Bedrock may generate data keys, under the same conditions. */
export function bedrockEncryptStatement(scope: SourceScope): StatementJson {
  return {
    Sid: BEDROCK_ENCRYPT_SID,
    Effect: 'Allow',
    Principal: { Service: BEDROCK_SERVICE_PRINCIPAL },
    Action: 'kms:GenerateDataKey',
    Resource: '*',
    Condition: bedrockSourceConditions(scope),
  };
}

/** Statement id of the key-policy statement that lets CloudWatch Logs use a key for the invocation log group. */
export const CLOUDWATCH_LOGS_KEY_SID = 'CloudWatchLogsEncryptInvocationLogGroup';

/**
 * The key-policy statement CloudWatch Logs needs to encrypt a log group with a customer managed key,
 * as the CloudWatch Logs user guide documents it ("Encrypt log data in CloudWatch Logs using AWS
 * KMS", step 2): the Region's CloudWatch Logs principal, only for this log group (`ArnEquals` on
 * `kms:EncryptionContext:aws:logs:arn`). `urlSuffix` is the partition's domain (`amazonaws.com`).
 */
export function cloudWatchLogsKeyStatement(scope: SourceScope, urlSuffix: string, logGroupName: string): StatementJson {
  return {
    Sid: CLOUDWATCH_LOGS_KEY_SID,
    Effect: 'Allow',
    Principal: { Service: `logs.${scope.region}.${urlSuffix}` },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:${scope.partition}:logs:${scope.region}:${scope.account}:log-group:${logGroupName}` } },
  };
}

/** Fixed start of the names of the log buckets the app and the StackSet member template create. */
export const LOG_BUCKET_NAME_PREFIX = 'bedrock-invocation-logs';

/**
 * `bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX`: the log bucket of one stack. The account and
 * Region make every Region's bucket of an account match `bedrock-invocation-logs-ACCOUNT-*`; the
 * suffix (from the stack id) keeps a retained bucket from blocking a redeploy.
 */
export function logBucketName(account: string, region: string, suffix: string): string {
  return `${LOG_BUCKET_NAME_PREFIX}-${account}-${region}-${suffix}`;
}

/** `arn:PARTITION:s3:::bedrock-invocation-logs-ACCOUNT-*`: every Region's log bucket of one account. */
export function accountLogBucketsArnPattern(partition: string, account: string): string {
  return `arn:${partition}:s3:::${LOG_BUCKET_NAME_PREFIX}-${account}-*`;
}

/**
 * Read access to the logs in every Region's log bucket of one account, by name pattern, for one
 * grant per account (the nOps role has room for few managed policies): `s3:ListBucket` with
 * `s3:prefix` `PREFIX/*`, `s3:GetObject` on this account's log folder
 * (`PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/*`, so that the bucket wildcard cannot reach
 * another key that merely contains `/PREFIX/`), both only on buckets this account owns
 * (`s3:ResourceAccount`), and with SSE-KMS `kms:Decrypt` of this account's keys only through S3
 * for those buckets (`kms:ViaService`, `kms:EncryptionContext:aws:s3:arn`).
 */
export function accountLogsReadStatements(scope: SourceScope, prefix: string, decrypt: boolean): StatementJson[] {
  const buckets = accountLogBucketsArnPattern(scope.partition, scope.account);
  const owned = { 's3:ResourceAccount': scope.account };
  const statements: StatementJson[] = [
    {
      Sid: 'ListInvocationLogPrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: buckets,
      Condition: { StringLike: { 's3:prefix': [`${prefix}/*`] }, StringEquals: owned },
    },
    {
      Sid: 'ReadInvocationLogs',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `${buckets}/${logObjectsFolder(prefix, scope.account)}*`,
      Condition: { StringEquals: owned },
    },
  ];
  if (decrypt) {
    statements.push({
      Sid: 'DecryptInvocationLogs',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: `arn:${scope.partition}:kms:*:${scope.account}:key/*`,
      Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': `${buckets}` } },
    });
  }
  return statements;
}

/**
 * Start of the custom resource handler's function name (the function name is `PREFIX-SUFFIX`, the
 * suffix unique to the stack), so that the tamper-guard SCP can name the function:
 * `arn:*:lambda:*:*:function:cdk-bedrock-invocation-logging-handler-*`.
 */
export const HANDLER_FUNCTION_NAME_PREFIX = 'cdk-bedrock-invocation-logging-handler';

/**
 * SSM parameter that remembers the configuration that was in place before this library set it.
 * One per account and Region, like the setting itself. Under the library's path, like every
 * parameter the handler writes (the record's parts, the create markers): the tamper guard protects
 * that path.
 */
export const STATE_PARAMETER_NAME = `${IAM_PATH}previous-configuration`;
