import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What every bucket this library creates sets: public access blocked, ACLs disabled (the bucket
 * owner owns every object, which Bedrock and replication need for the bucket policy to apply),
 * TLS only, versioned (overwritten and deleted objects stay as noncurrent versions).
 */
export const BUCKET_BASELINE = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  versioned: true,
} satisfies s3.BucketProps;

/** SSE-KMS with `key` and an S3 Bucket Key (fewer KMS requests) when a key is given; SSE-S3 otherwise. */
export function bucketEncryption(key: kms.IKey | undefined): Pick<s3.BucketProps, 'encryption' | 'encryptionKey' | 'bucketKeyEnabled'> {
  return key
    ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
    : { encryption: s3.BucketEncryption.S3_MANAGED };
}
