import { RemovalPolicy } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BedrockInvocationLoggingStack, NopsIntegrationGrant, OnDelete } from '../lib';
import { expectPermissionCheckObject, expectSimulatedDecision, hook, integApp, makeDestroyable } from './helpers';

/*
 * Every option a security reviewer asks about: SSE-KMS with a created key, the legacy CloudWatch
 * Logs destination, a nested prefix, text delivery off, the nOps grant (legacy read included) on a
 * role the test creates, onDelete DELETE with failIfAlreadyConfigured, and the Node.js 24 runtime.
 *
 * Deployed for real it checks that
 *  - Bedrock holds exactly this configuration, CloudWatch destination included;
 *  - Bedrock wrote its permission-check object under the prefix (so it could use the KMS key);
 *  - the nOps role may list and read under the prefix, not beside it, decrypt, and read the log group
 *    (IAM policy simulator on the role);
 *  - after `cdk destroy`, logging is off in the account and Region (onDelete DELETE) and the state
 *    parameter is gone (hooks). failIfAlreadyConfigured makes the deployment fail rather than replace a
 *    configuration that was there before; the preDeploy hook says so before anything is deployed.
 */
const KEY_PREFIX = 'integ/all-options';
const LOG_GROUP_NAME = '/aws/bedrock/modelinvocations/integ-all-options';

const app = integApp();
const stack = new BedrockInvocationLoggingStack(app, 'BilIntegAllOptions', {
  keyPrefix: `${KEY_PREFIX}/`,
  createEncryptionKey: true,
  cloudWatchLogs: true,
  logGroupName: LOG_GROUP_NAME,
  textDataDeliveryEnabled: false,
  onDelete: OnDelete.DELETE,
  failIfAlreadyConfigured: true,
  skipUnsupportedRegions: true,
  handlerRuntime: lambda.Runtime.NODEJS_24_X,
  removalPolicy: RemovalPolicy.DESTROY,
});
const logging = stack.invocationLogging;
// Stands in for the role nOps onboarding creates (Nops-Integration-*); granted the way a library user would.
const nopsRole = new iam.Role(stack, 'NopsRole', {
  description: 'Stand-in for the nOps integration role (integ test)',
  assumedBy: new iam.AccountRootPrincipal(),
});
new NopsIntegrationGrant(stack, 'NopsIntegration', {
  invocationLogging: logging,
  role: nopsRole,
  legacyCloudWatchLogsRead: true,
});
makeDestroyable(stack);

const integ = new IntegTest(app, 'AllOptions', {
  testCases: [stack],
  // The update workflow would deploy the committed snapshot first; its assets are not committed.
  stackUpdateWorkflow: false,
  hooks: {
    preDeploy: [hook('unconfigured')],
    postDestroy: [hook('unconfigured')],
  },
});

const s3Config = { bucketName: logging.bucket.bucketName, keyPrefix: KEY_PREFIX };
integ.assertions.awsApiCall('Bedrock', 'GetModelInvocationLoggingConfiguration').expect(ExpectedResult.objectLike({
  loggingConfig: {
    s3Config,
    cloudWatchConfig: {
      logGroupName: LOG_GROUP_NAME,
      roleArn: logging.serviceRole!.roleArn,
      largeDataDeliveryS3Config: s3Config,
    },
    // Video and audio: see integ.defaults.ts.
    textDataDeliveryEnabled: false,
    imageDataDeliveryEnabled: true,
    embeddingDataDeliveryEnabled: true,
  },
}));

expectPermissionCheckObject(integ.assertions, logging.bucket, KEY_PREFIX);

const a = integ.assertions;
const objects = (key: string) => logging.bucket.arnForObjects(key);
expectSimulatedDecision(a, nopsRole.roleArn, 's3:ListBucket', logging.bucket.bucketArn, 'allowed', `${KEY_PREFIX}/AWSLogs/`);
expectSimulatedDecision(a, nopsRole.roleArn, 's3:ListBucket', logging.bucket.bucketArn, 'implicitDeny', `${KEY_PREFIX}-other/`);
expectSimulatedDecision(a, nopsRole.roleArn, 's3:GetObject', objects(`${KEY_PREFIX}/AWSLogs/x.json.gz`), 'allowed');
expectSimulatedDecision(a, nopsRole.roleArn, 's3:GetObject', objects(`${KEY_PREFIX}-other/x.json.gz`), 'implicitDeny');
expectSimulatedDecision(a, nopsRole.roleArn, 's3:PutObject', objects(`${KEY_PREFIX}/AWSLogs/x.json.gz`), 'implicitDeny');
expectSimulatedDecision(a, nopsRole.roleArn, 'kms:Decrypt', logging.encryptionKey!.keyArn, 'allowed');
expectSimulatedDecision(a, nopsRole.roleArn, 'logs:FilterLogEvents', logging.logGroup!.logGroupArn, 'allowed');

app.synth();
