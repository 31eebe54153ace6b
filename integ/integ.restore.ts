import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { BedrockInvocationLoggingStack, BedrockLogBucket, ModelInvocationLoggingConfiguration } from '../lib';
import { PRE_EXISTING_BUCKET_PREFIX, PRE_EXISTING_FLAGS, PRE_EXISTING_KEY_PREFIX } from './hooks/pre-existing';
import { expectPermissionCheckObject, hook, integApp, makeDestroyable } from './helpers';

const STATE_PARAMETER_NAME = ModelInvocationLoggingConfiguration.STATE_PARAMETER_NAME;

/*
 * OnDelete.RESTORE: a configuration someone else set is put back when the stack is destroyed.
 *
 * 1. Stack BilIntegRestorePreExisting plays "someone else": a bucket with Bedrock's write statement and
 *    a plain SDK call (AwsCustomResource, not this library) that saves a configuration P
 *    (bucket bil-integ-pre-existing-ACCOUNT-REGION, prefix integ-restore/pre-existing, text only).
 *    Its deletion leaves P in place, as a configuration made outside CloudFormation would be.
 * 2. Stack BilIntegRestore, the library with its defaults (onDelete RESTORE), deploys after it and
 *    replaces P with its own configuration C, remembering P in the SSM state parameter.
 * 3. Assertions, while both stacks exist: Bedrock holds C; the state parameter names BilIntegRestore
 *    as owner and holds P as the previous configuration.
 * 4. `cdk destroy` deletes BilIntegRestore first (it depends on the other stack), so its handler puts P
 *    back while P's bucket still exists, then deletes the other stack.
 * 5. The postDestroy hook checks, after the real CloudFormation delete, that Bedrock holds P again and
 *    that the state parameter is gone, then deletes P (cleanup). The preDeploy hook refuses to start in
 *    an account and Region that already has a configuration, which this test would otherwise replace.
 */
const app = integApp();

const pre = new Stack(app, 'BilIntegRestorePreExisting', {
  description: 'integ.restore: a logging configuration set outside this library (integ test)',
});
const preBucket = new s3.Bucket(pre, 'Bucket', {
  // Named, so that the postDestroy hook recognises P after this stack is gone.
  bucketName: `${PRE_EXISTING_BUCKET_PREFIX}${Aws.ACCOUNT_ID}-${Aws.REGION}`,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.DESTROY,
  // Emptied on delete by makeDestroyable(pre).
});
// The library's part adds exactly the write statement Bedrock needs; nothing else of the library is used here.
const preDestination = new BedrockLogBucket(pre, 'Destination', { bucket: preBucket, keyPrefix: PRE_EXISTING_KEY_PREFIX });
const preExisting = new cr.AwsCustomResource(pre, 'PreExistingConfiguration', {
  onCreate: {
    service: 'Bedrock',
    action: 'PutModelInvocationLoggingConfiguration',
    parameters: {
      loggingConfig: {
        s3Config: { bucketName: preBucket.bucketName, keyPrefix: PRE_EXISTING_KEY_PREFIX },
        ...PRE_EXISTING_FLAGS,
      },
    },
    physicalResourceId: cr.PhysicalResourceId.of('integ-restore-pre-existing-configuration'),
  },
  // No onDelete: P outlives this stack; the postDestroy hook checks it and then deletes it.
  policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
    actions: ['bedrock:PutModelInvocationLoggingConfiguration'],
    resources: ['*'],
  })]),
  installLatestAwsSdk: false,
});
preExisting.node.addDependency(preDestination.policyDependable!);
makeDestroyable(pre);

const stack = new BedrockInvocationLoggingStack(app, 'BilIntegRestore', {
  keyPrefix: 'integ-restore',
  removalPolicy: RemovalPolicy.DESTROY,
});
stack.addDependency(pre, 'the configuration to restore must exist before this stack replaces it');
makeDestroyable(stack);
const logging = stack.invocationLogging;

const integ = new IntegTest(app, 'Restore', {
  testCases: [pre, stack],
  // The update workflow would deploy the committed snapshot first; its assets are not committed.
  stackUpdateWorkflow: false,
  hooks: {
    preDeploy: [hook('unconfigured')],
    postDestroy: [hook('pre-existing-restored')],
  },
});

integ.assertions.awsApiCall('Bedrock', 'GetModelInvocationLoggingConfiguration').expect(ExpectedResult.objectLike({
  loggingConfig: {
    s3Config: { bucketName: logging.bucket.bucketName, keyPrefix: 'integ-restore' },
    textDataDeliveryEnabled: true,
    imageDataDeliveryEnabled: true,
    embeddingDataDeliveryEnabled: true,
  },
}));

expectPermissionCheckObject(integ.assertions, logging.bucket, logging.keyPrefix);

// What the handler remembered: {"owner": "STACK_ARN/LOGICAL_ID", "previous": P}.
integ.assertions.awsApiCall('SSM', 'GetParameter', { Name: STATE_PARAMETER_NAME }).expect(ExpectedResult.objectLike({
  Parameter: {
    Value: Match.serializedJson(Match.objectLike({
      owner: Match.stringLikeRegexp(':stack/BilIntegRestore/'),
      previous: Match.objectLike({
        s3Config: { bucketName: preBucket.bucketName, keyPrefix: PRE_EXISTING_KEY_PREFIX },
        ...PRE_EXISTING_FLAGS,
      }),
    })),
  },
}));

app.synth();
