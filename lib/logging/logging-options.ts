import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * What the custom resource does to the account's logging configuration when it is deleted.
 * In every case it acts only if the configuration is still the one this resource wrote.
 */
export enum OnDelete {
  /** Put back the configuration that was there before (or delete it if there was none). */
  RESTORE = 'RESTORE',
  /** Delete the configuration: Bedrock stops logging in the account and Region. */
  DELETE = 'DELETE',
  /** Leave the configuration in place (the bucket is retained too, so logging goes on). */
  RETAIN = 'RETAIN',
}

/**
 * What the logging configuration logs and how its custom resource behaves: the props that
 * `ModelInvocationLoggingConfiguration`, `BedrockInvocationLogging` (and so
 * `BedrockInvocationLoggingStack`) and `BedrockInvocationLoggingMemberTemplate` share.
 */
export interface ModelInvocationLoggingOptions {
  /**
   * Log text prompts and completions. Turn off where prompts are too sensitive to keep.
   * @default true
   */
  readonly textDataDeliveryEnabled?: boolean;
  /** Log image inputs and outputs. @default true */
  readonly imageDataDeliveryEnabled?: boolean;
  /** Log embeddings. @default true */
  readonly embeddingDataDeliveryEnabled?: boolean;
  /** Log video inputs and outputs. @default true */
  readonly videoDataDeliveryEnabled?: boolean;
  /** Log audio inputs and outputs. @default true */
  readonly audioDataDeliveryEnabled?: boolean;

  /**
   * What deleting the stack (or the resource) does to the account's logging configuration, if it
   * is still the one this stack wrote (a configuration someone else set is never touched).
   *
   * @default OnDelete.RESTORE - put back what was there before, or delete if nothing was
   */
  readonly onDelete?: OnDelete;

  /**
   * Fail on create when the account and Region already has a different logging configuration,
   * instead of replacing it (and remembering it for `OnDelete.RESTORE`).
   *
   * @default false
   */
  readonly failIfAlreadyConfigured?: boolean;

  /**
   * Succeed without doing anything in a Region where Bedrock's endpoint does not resolve, instead
   * of failing with a message naming the Region (stated in the stack output `SkipUnsupportedRegions`).
   *
   * @default false - but true in `BedrockInvocationLoggingMemberTemplate`: a StackSet targets Regions without Bedrock
   */
  readonly skipUnsupportedRegions?: boolean;

  /**
   * Runtime of the custom resource handler: Node.js 22 or later (older ones are refused at synth).
   *
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly handlerRuntime?: lambda.Runtime;
}
