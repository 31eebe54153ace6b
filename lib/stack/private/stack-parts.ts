import { CfnCondition, CfnOutput, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { logBucketName } from '../../logging/facts';
import { REGION_PATTERN, ROLE_NAME_PATTERN } from '../../shared/facts';
import { BedrockInvocationLogging } from '../../logging/invocation-logging';
import { stackIdSuffix } from '../../shared/stack-scope';
import { ErrorCollector } from '../../shared/validation';

// What the plain stack and its template-parameter form (parameterized-stack.ts) share.

/** `bedrock-invocation-logs-ACCOUNT-REGION-SUFFIX`, SUFFIX the first 8 characters of the stack id's UUID. */
export function schemeBucketName(stack: Stack): string {
  return logBucketName(stack.account, stack.region, stackIdSuffix(stack));
}

export function checkNopsGrantRegion(region: string | undefined, errors: ErrorCollector): void {
  if (region !== undefined && !Token.isUnresolved(region) && !new RegExp(REGION_PATTERN).test(region)) {
    errors.add(`nopsGrantRegion ${JSON.stringify(region)} is not a Region name: use one such as "us-east-1" (the Region whose stack grants the nOps role)`);
  }
}

export function addCommonOutputs(stack: Stack, logging: BedrockInvocationLogging): void {
  new CfnOutput(stack, 'S3DataPrefix', {
    description: 'Paste into nOps > Integrations > Add Bedrock Integration > S3 Data Prefix',
    value: logging.s3DataPrefix,
  });
  new CfnOutput(stack, 'BucketName', {
    description: 'Bucket Bedrock writes model invocation logs to',
    value: logging.bucket.bucketName,
  });
}

export function addStatusOutputs(stack: Stack, logging: BedrockInvocationLogging, skipUnsupportedRegions?: boolean): void {
  new CfnOutput(stack, 'LoggingConfigurationStatus', {
    description: 'What the custom resource did to this account and Region\'s logging configuration',
    value: logging.loggingConfiguration.message,
  });
  if (skipUnsupportedRegions) {
    new CfnOutput(stack, 'SkipUnsupportedRegions', {
      description: 'skipUnsupportedRegions is on: in a Region without Amazon Bedrock this stack succeeds and configures nothing',
      value: 'true: in a Region where Amazon Bedrock is not available this stack succeeds without configuring anything; LoggingConfigurationStatus then starts with "Skipped:"',
    });
  }
}

/** Description of the member stack's `ArchiveReplication` output. */
export const ARCHIVE_OUTPUT_DESCRIPTION = 'Archive bucket S3 replicates the logs to';

/** Puts `condition` on every CloudFormation resource under `scopes`. */
export function setCondition(scopes: IConstruct[], condition: CfnCondition): void {
  for (const scope of scopes) {
    for (const c of scope.node.findAll()) {
      if (CfnResource.isCfnResource(c)) c.cfnOptions.condition = condition;
    }
  }
}

/** The stack props that name an archive, as errors name them. */
export const ARCHIVE_PROP_NAMES = { bucketName: 'archiveBucketName', accountId: 'archiveAccountId', kmsKeyArn: 'archiveKmsKeyArn' };

/** `AllowedPattern` of the `NopsRoleName` template parameter: empty, or an IAM role name. */
export const NOPS_ROLE_NAME_ALLOWED_PATTERN = ROLE_NAME_PATTERN.replace('{1,64}', '{0,64}');
