import { App, Mixins, RemovalPolicies, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IApiCall, IDeployAssert, Match } from '@aws-cdk/integ-tests-alpha';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { BucketAutoDeleteObjects } from 'aws-cdk-lib/aws-s3/mixins';

// Shared by the integ.*.ts tests. Not a test itself: integ-runner only picks up files named integ.*.ts.

/**
 * The integ test's app. Without construct stack traces: they hold absolute paths of this machine and
 * line numbers, which would make every committed snapshot differ between clones and edits.
 */
export function integApp(): App {
  return new App({
    stackTraces: false,
    // After the CLI's context, so that nothing turns them back on.
    postCliContext: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true },
  });
}

/** Marker object Bedrock writes under the prefix when a configuration is saved (it validates its write access). */
export const PERMISSION_CHECK_OBJECT = 'amazon-bedrock-logs-permission-check';

/**
 * Makes an integ stack deletable by `cdk destroy`, which the library's defaults (RETAIN) do not allow.
 * Only for integ tests: everything in the stack is DESTROY, buckets are emptied on delete (Bedrock's
 * permission-check object and the access logs would otherwise make the delete fail with
 * BucketNotEmpty). The auto-delete custom resource is an asset, which is fine here: integ stacks are
 * bootstrapped deployments, not the asset-free StackSet template.
 */
export function makeDestroyable(stack: Stack): void {
  // Catches what has no removalPolicy prop (the handler's own log group is always RETAIN).
  RemovalPolicies.of(stack).destroy();
  Mixins.of(stack).apply(new BucketAutoDeleteObjects());
}

/** The hook script, as integ-runner runs it (cwd is integ/), started as the app is (tooling/ts-register.js). */
export function hook(...args: string[]): string {
  return ['node', '--require', '../tooling/ts-register.js', 'hooks/logging-state.ts', ...args].join(' ');
}

/**
 * Asserts that Bedrock wrote its permission-check object under `keyPrefix/` when the configuration
 * was saved: ListObjectsV2 on the bucket under the prefix, expecting
 * `PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/.../amazon-bedrock-logs-permission-check`
 * (inside the path the bucket policy lets Bedrock write; nothing else in the bucket yet).
 */
export function expectPermissionCheckObject(assertions: IDeployAssert, bucket: s3.IBucket, keyPrefix: string): IApiCall {
  const call = assertions.awsApiCall('S3', 'ListObjectsV2', { Bucket: bucket.bucketName, Prefix: `${keyPrefix}/` });
  // The SDK call is ListObjectsV2 but the IAM action is s3:ListBucket.
  call.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucket.bucketArn] });
  const escaped = keyPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return call.expect(ExpectedResult.objectLike({
    Contents: Match.arrayWith([Match.objectLike({
      Key: Match.stringLikeRegexp(`^${escaped}/AWSLogs/[0-9]{12}/BedrockModelInvocationLogs/(.+/)?${PERMISSION_CHECK_OBJECT}$`),
    })]),
  }));
}

/**
 * Asserts what the policy simulator says the principal may do: one action on one resource, with
 * optional `s3:prefix`. Only identity policies are simulated, which is what the grant adds.
 */
export function expectSimulatedDecision(
  assertions: IDeployAssert, roleArn: string, action: string, resourceArn: string,
  decision: 'allowed' | 'implicitDeny', s3Prefix?: string,
): IApiCall {
  return assertions.awsApiCall('IAM', 'SimulatePrincipalPolicy', {
    PolicySourceArn: roleArn,
    ActionNames: [action],
    ResourceArns: [resourceArn],
    ...(s3Prefix !== undefined ? {
      ContextEntries: [{ ContextKeyName: 's3:prefix', ContextKeyValues: [s3Prefix], ContextKeyType: 'string' }],
    } : {}),
  }).expect(ExpectedResult.objectLike({
    EvaluationResults: [Match.objectLike({ EvalActionName: action, EvalDecision: decision })],
  }));
}
