/** CloudFormation custom resource events and the values the handler derives from them (no CDK import: fast). */
export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/S/11111111-2222-3333-4444-555555555555`;
export const LOGICAL_ID = 'InvocationLoggingConfiguration';
/** The physical id the handler returns for this account and Region. */
export const STABLE_ID = `bedrock-invocation-logging-${ACCOUNT}-${REGION}`;
/** The owner the handler writes to its SSM record. */
export const OWNER = `${STACK_ID}/${LOGICAL_ID}`;
export const PARAM = '/cdk-bedrock-invocation-logging/previous-configuration';
/** Where this stack's Create and a Delete that cancels it meet (the handler's markerName for stack S). */
export const MARKER = '/cdk-bedrock-invocation-logging/create/S';
/** A physical id CloudFormation makes up when it cancels a Create that has not answered. */
export const MADE_UP_ID = 'S-InvocationLoggingConfiguration-1A2B3C4D5E6F';

/** Resource properties as CloudFormation passes them (booleans arrive as strings). */
export const PROPS: Record<string, string> = {
  BucketName: 'log-bucket',
  KeyPrefix: 'bedrock',
  OnDelete: 'RESTORE',
  FailIfAlreadyConfigured: 'false',
  SkipUnsupportedRegions: 'false',
  StateParameterName: PARAM,
  TextDataDeliveryEnabled: 'true',
  ImageDataDeliveryEnabled: 'true',
  EmbeddingDataDeliveryEnabled: 'true',
  VideoDataDeliveryEnabled: 'true',
  AudioDataDeliveryEnabled: 'true',
};

/** The configuration PROPS ask for. */
export const OURS = {
  s3Config: { bucketName: 'log-bucket', keyPrefix: 'bedrock' },
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: true,
  embeddingDataDeliveryEnabled: true,
  videoDataDeliveryEnabled: true,
  audioDataDeliveryEnabled: true,
};

/** A configuration someone else (a security team) set. */
export const THEIRS = {
  s3Config: { bucketName: 'security-team-logs', keyPrefix: 'bedrock-audit' },
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: false,
  embeddingDataDeliveryEnabled: false,
  videoDataDeliveryEnabled: false,
  audioDataDeliveryEnabled: false,
};

let requestCounter = 0;

/** A custom resource event from the stack in STACK_ID; Update and Delete carry the stable physical id. */
export function cfnEvent(requestType: string, responseUrl: string, props: Record<string, unknown> = PROPS, extra: Record<string, unknown> = {}): any {
  return {
    RequestType: requestType,
    ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn`,
    ResponseURL: responseUrl,
    StackId: STACK_ID,
    RequestId: `req-${++requestCounter}`,
    LogicalResourceId: LOGICAL_ID,
    ResourceType: 'Custom::BedrockModelInvocationLogging',
    ResourceProperties: { ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn`, ...props },
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: STABLE_ID }),
    ...(requestType === 'Update' ? { OldResourceProperties: { ServiceToken: 'x', ...props } } : {}),
    ...extra,
  };
}
