import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Control Tower CT.KMS.PR.3: only AWS services may hold grants on a key. The services the library's
 * keys serve (S3, Bedrock, SNS for EventBridge) use GenerateDataKey and Decrypt, never grants.
 */
export function denyGrantsExceptForAwsServices(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}
