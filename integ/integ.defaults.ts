import { RemovalPolicy } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { BedrockInvocationLoggingStack } from '../lib';
import { expectPermissionCheckObject, hook, integApp, makeDestroyable } from './helpers';

/*
 * The deployable stack with every default: S3 only, prefix `bedrock`, SSE-S3, all five delivery
 * flags on, onDelete RESTORE. Only the removal policy differs, so that the test cleans up.
 *
 * Deployed for real it checks that
 *  - Bedrock holds exactly this configuration (GetModelInvocationLoggingConfiguration);
 *  - Bedrock wrote its permission-check object under the prefix (ListObjectsV2);
 *  - after `cdk destroy`, the account and Region have the logging configuration they had before the
 *    test, whatever it was (hooks: `record` before deploy, `restored` after destroy).
 */
const app = integApp();
const stack = new BedrockInvocationLoggingStack(app, 'BilIntegDefaults', {
  removalPolicy: RemovalPolicy.DESTROY,
});
makeDestroyable(stack);
const logging = stack.invocationLogging;

const integ = new IntegTest(app, 'Defaults', {
  testCases: [stack],
  // The update workflow would deploy the committed snapshot first; its assets are not committed.
  stackUpdateWorkflow: false,
  hooks: {
    preDeploy: [hook('record', 'defaults')],
    postDestroy: [hook('restored', 'defaults')],
  },
});

integ.assertions.awsApiCall('Bedrock', 'GetModelInvocationLoggingConfiguration').expect(ExpectedResult.objectLike({
  loggingConfig: {
    s3Config: { bucketName: logging.bucket.bucketName, keyPrefix: 'bedrock' },
    // Video and audio are left out: an assertion Lambda whose runtime SDK predates them drops them
    // from the answer. The handler reads the raw answer after every Put and fails the deployment if
    // Bedrock did not keep a flag, so a deployed stack already proves them.
    textDataDeliveryEnabled: true,
    imageDataDeliveryEnabled: true,
    embeddingDataDeliveryEnabled: true,
  },
}));

expectPermissionCheckObject(integ.assertions, logging.bucket, logging.keyPrefix);

app.synth();
