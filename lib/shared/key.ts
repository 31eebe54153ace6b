import { RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { GUARDED_KEY_TAG } from './facts';
import { denyGrantsExceptForAwsServices } from './kms';

/**
 * A customer managed key for a log bucket: rotation on, the given removal policy, and grants only
 * for AWS services (Control Tower CT.KMS.PR.3; S3, Bedrock and replication use GenerateDataKey,
 * Encrypt and Decrypt, never grants). Tagged for the tamper guard (`tagGuardedKey`).
 */
export function createBucketKey(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy): kms.Key {
  const key = new kms.Key(scope, id, { description, enableKeyRotation: true, removalPolicy });
  key.addToResourcePolicy(denyGrantsExceptForAwsServices());
  tagGuardedKey(key);
  return key;
}

/**
 * Tags a key the library creates with `GUARDED_KEY_TAG`, the tag by which the tamper-guard SCP
 * names the keys it protects (keys have no name a policy can match).
 */
export function tagGuardedKey(key: kms.Key): void {
  Tags.of(key).add(GUARDED_KEY_TAG.key, GUARDED_KEY_TAG.value);
}
