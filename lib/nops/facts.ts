/**
 * Facts of the nOps integration, from nOps's help page "Bedrock Integration (S3-only) with nOps
 * Platform" and its onboarding policies. No aws-cdk-lib or AWS SDK import.
 */

/**
 * How nOps names the integration role it onboards: `Nops-Integration-SUFFIX` by CloudFormation,
 * `NopsIntegrationRole-SUFFIX` by Terraform. The library takes the name (or the role) as input and
 * never guesses it; these are for messages and documentation.
 */
export const NOPS_ROLE_NAME_PREFIXES = ['Nops-Integration-', 'NopsIntegrationRole-'] as const;

/**
 * The CloudWatch Logs action nOps's read-only onboarding policy explicitly denies: an Allow from
 * this library cannot override it, so the legacy CloudWatch read works only if that Deny is removed.
 */
export const NOPS_DENIED_LOGS_ACTION = 'logs:GetLogEvents';

/** Description of the managed policy the grant attaches to the nOps role. */
export const NOPS_GRANT_POLICY_DESCRIPTION = 'nOps integration: read Amazon Bedrock model invocation logs under one S3 prefix';
