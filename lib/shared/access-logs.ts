import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BUCKET_BASELINE } from './bucket-baseline';
import { acknowledgeGuardRule } from './cfn-guard';
import { acknowledgeNagRule, COMPLIANCE_PACKS } from './nag';

/** Why a bucket of this library has no Object Lock (the log bucket, the access-log buckets). */
export const OBJECT_LOCK_IS_OWNERS_CHOICE = 'Object Lock cannot be turned off once on and needs a retention mode and period, which is the account owner\'s '
  + 'legal decision; versioning keeps overwritten and deleted log objects as noncurrent versions, and by default the bucket is retained when the stack is deleted.';

/** What only the caller knows about an access-log bucket. */
export interface AccessLogsBucketReasons {
  /** Why it is not replicated. */
  readonly replication: string;
  /** Why nothing consumes its object events. */
  readonly events: string;
}

/**
 * A bucket that receives S3 server access logs: public access blocked, ACLs disabled, TLS only,
 * versioned, SSE-S3 (the only encryption log delivery supports), retained by default.
 */
export function createAccessLogsBucket(scope: Construct, id: string, removalPolicy: RemovalPolicy, reasons: AccessLogsBucketReasons): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...BUCKET_BASELINE,
    // S3 server access logging delivers only to SSE-S3 buckets.
    encryption: s3.BucketEncryption.S3_MANAGED,
    lifecycleRules: [{ id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    removalPolicy,
  });
  const kmsReason = 'S3 server access logs can only be delivered to a bucket encrypted with SSE-S3, not SSE-KMS.';
  const loopReason = 'This is the server access log destination; logging it to itself would loop and logging it elsewhere only moves the problem.';
  acknowledgeNagRule(bucket, ['AwsSolutions'], 'S1', loopReason);
  acknowledgeNagRule(bucket, COMPLIANCE_PACKS, 'S3BucketLoggingEnabled', loopReason);
  acknowledgeNagRule(bucket, COMPLIANCE_PACKS, 'S3DefaultEncryptionKMS', kmsReason);
  acknowledgeNagRule(bucket, COMPLIANCE_PACKS, 'S3BucketReplicationEnabled', reasons.replication);
  acknowledgeGuardRule(bucket, 's3_bucket_default_encryption_kms_check', kmsReason);
  acknowledgeGuardRule(bucket, 's3_bucket_logging_enabled_check', loopReason);
  acknowledgeGuardRule(bucket, 's3_event_notifications_enabled_check', reasons.events);
  acknowledgeGuardRule(bucket, 's3_bucket_object_lock_enabled_check', OBJECT_LOCK_IS_OWNERS_CHOICE);
  return bucket;
}
