import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BedrockInvocationLogging, BedrockInvocationLoggingProps } from './invocation-logging';
import { NopsIntegrationGrant } from './nops-integration';

/**
 * Properties for `BedrockInvocationLoggingStack`.
 */
export interface BedrockInvocationLoggingStackProps extends StackProps, BedrockInvocationLoggingProps {
  /**
   * Name of the existing nOps integration role to grant read access to.
   *
   * @default - no grant (use `nopsRole`, or grant later with `NopsIntegrationGrant`)
   */
  readonly nopsRoleName?: string;

  /**
   * The existing nOps integration role to grant read access to.
   *
   * @default - the role named `nopsRoleName`, if any
   */
  readonly nopsRole?: iam.IRole;

  /**
   * Also grant the nOps role the legacy CloudWatch Logs read actions (needs `cloudWatchLogs`).
   *
   * @default false
   */
  readonly nopsLegacyCloudWatchLogsRead?: boolean;
}

/**
 * The deployable unit: Bedrock model invocation logging to S3 in one account and Region, the nOps
 * grant, and the outputs to paste into nOps. Asset-free, so one template serves `cdk deploy`, a
 * library user and a StackSet.
 */
export class BedrockInvocationLoggingStack extends Stack {
  /** The logging construct. */
  public readonly invocationLogging: BedrockInvocationLogging;
  /** The nOps grant, when a role was given. */
  public readonly nopsGrant?: NopsIntegrationGrant;

  constructor(scope: Construct, id: string, props: BedrockInvocationLoggingStackProps = {}) {
    super(scope, id, {
      description: 'Amazon Bedrock model invocation logging to S3, readable by the nOps integration role (cdk-bedrock-invocation-logging)',
      ...props,
    });
    this.invocationLogging = new BedrockInvocationLogging(this, 'InvocationLogging', props);
    if (props.nopsRoleName !== undefined || props.nopsRole) {
      this.nopsGrant = new NopsIntegrationGrant(this, 'NopsIntegration', {
        invocationLogging: this.invocationLogging,
        roleName: props.nopsRoleName,
        role: props.nopsRole,
        legacyCloudWatchLogsRead: props.nopsLegacyCloudWatchLogsRead,
      });
    }

    new CfnOutput(this, 'S3DataPrefix', {
      description: 'Paste into nOps > Integrations > Add Bedrock Integration > S3 Data Prefix',
      value: this.invocationLogging.s3DataPrefix,
    });
    new CfnOutput(this, 'BucketName', {
      description: 'Bucket Bedrock writes model invocation logs to',
      value: this.invocationLogging.bucket.bucketName,
    });
    if (this.invocationLogging.logGroup) {
      new CfnOutput(this, 'LogGroupName', {
        description: 'CloudWatch Logs destination (legacy)',
        value: this.invocationLogging.logGroup.logGroupName,
      });
    }
    new CfnOutput(this, 'LoggingConfigurationStatus', {
      description: 'What the custom resource did to this account and Region\'s logging configuration',
      value: this.invocationLogging.loggingConfiguration.message,
    });
  }
}
