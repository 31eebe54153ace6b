import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BedrockInvocationLoggingAttributes, IBedrockInvocationLogging } from '../invocation-logging-interface';
import { accountWideLogsReadStatements, logGroupReadStatement, logsReadStatements } from './read-statements';
import { s3DataPrefix } from '../../shared/facts';
import { grantStatements } from '../../shared/grant';
import { ErrorCollector, normalizeKeyPrefix } from '../../shared/validation';

/**
 * Logging configured elsewhere (`BedrockInvocationLogging.fromExisting`): the same reads and grants
 * as the L3's, over the bucket, prefix, key and log group it was given. Adds no resource.
 */
export class ImportedInvocationLogging extends Construct implements IBedrockInvocationLogging {
  public readonly bucket: s3.IBucket;
  public readonly keyPrefix: string;
  public readonly s3DataPrefix: string;
  public readonly encryptionKey?: kms.IKey;
  public readonly logGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, attrs: BedrockInvocationLoggingAttributes) {
    super(scope, id);
    const errors = new ErrorCollector(`${this.node.path} attributes (BedrockInvocationLogging.fromExisting)`);
    this.keyPrefix = normalizeKeyPrefix(attrs.keyPrefix, 'keyPrefix', errors);
    const bucketKey = attrs.bucket.encryptionKey;
    if (attrs.encryptionKey && bucketKey && bucketKey !== attrs.encryptionKey) {
      errors.add(`encryptionKey (${attrs.encryptionKey.node.path}) is not the key of bucket (${bucketKey.node.path}): give the key the bucket encrypts with, or omit encryptionKey`);
    }
    errors.throwIfAny();
    this.bucket = attrs.bucket;
    this.encryptionKey = attrs.encryptionKey ?? bucketKey;
    this.logGroup = attrs.logGroup;
    this.s3DataPrefix = s3DataPrefix(this.bucket.bucketName, this.keyPrefix);
  }

  public readStatements(includeLegacyLogsRead: boolean = false): iam.PolicyStatement[] {
    return logsReadStatements(this, includeLegacyLogsRead, this.noLogGroup('includeLegacyLogsRead'));
  }

  public accountWideReadStatements(includeLegacyLogsRead: boolean = false): iam.PolicyStatement[] {
    return accountWideLogsReadStatements(this, this, includeLegacyLogsRead, this.noLogGroup('includeLegacyLogsRead'));
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantStatements(grantee, this.readStatements(false));
  }

  public grantLegacyLogsRead(grantee: iam.IGrantable): iam.Grant {
    return grantStatements(grantee, [logGroupReadStatement(this, this.noLogGroup('grantLegacyLogsRead'))]);
  }

  private noLogGroup(what: string): string {
    return `${what} needs the CloudWatch Logs destination, but ${this.node.path} was imported without logGroup: give logGroup to BedrockInvocationLogging.fromExisting`;
  }
}
