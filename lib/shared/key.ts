import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { denyGrantsExceptForAwsServices } from './kms';

/**
 * A customer managed key for a log bucket: rotation on, the given removal policy, and grants only
 * for AWS services (Control Tower CT.KMS.PR.3; S3, Bedrock and replication use GenerateDataKey,
 * Encrypt and Decrypt, never grants).
 */
export function createBucketKey(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy): kms.Key {
  const key = new kms.Key(scope, id, { description, enableKeyRotation: true, removalPolicy });
  key.addToResourcePolicy(denyGrantsExceptForAwsServices());
  return key;
}
