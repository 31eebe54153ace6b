import { App, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createApp } from '../../bin/create-app';
import {
  BedrockCloudWatchDestination, BedrockInvocationLogging, BedrockInvocationLoggingProps, BedrockInvocationLoggingStack,
  BedrockInvocationLoggingStackProps, ModelInvocationLoggingConfiguration, NopsIntegrationGrant,
} from '../../lib';
import { errorOf } from '../support/util';

function stack(): Stack {
  return new Stack(new App(), 'S');
}

function logging(props: BedrockInvocationLoggingProps): () => BedrockInvocationLogging {
  return () => new BedrockInvocationLogging(stack(), 'L', props);
}

describe('keyPrefix', () => {
  test.each([
    ['s3://my-bucket/bedrock', /keyPrefix "s3:\/\/my-bucket\/bedrock" is a URL: give only the key prefix/],
    ['/bedrock', /keyPrefix "\/bedrock" starts with "\/".*for example "bedrock"/],
    ['bedrock/../other', /keyPrefix "bedrock\/..\/other" has an empty, "." or ".." path segment/],
    ['bedrock//logs', /keyPrefix "bedrock\/\/logs" has an empty, "." or ".." path segment/],
    ['bed rock', /keyPrefix "bed rock" contains " ": use only letters, digits/],
    ['logs*', /keyPrefix "logs\*" contains "\*".*wildcards in IAM policies/],
    ['logs?x', /keyPrefix "logs\?x" contains "\?"/],
    ['a&b$c', /keyPrefix "a&b\$c" contains "&", "\$"/],
    ['ünïcode', /contains "ü", "ï"/],
    ['', /keyPrefix "" is empty: give a prefix such as "bedrock"/],
    ['///', /keyPrefix "\/\/\/" starts with "\/"/],
    ['a'.repeat(901), /keyPrefix is 901 characters long: use at most 900/],
  ])('%j is refused with a message naming the property, the value and the fix', (prefix, message) => {
    expect(logging({ keyPrefix: prefix })).toThrow(message);
  });

  test('a trailing slash is normalised away, once', () => {
    expect(logging({ keyPrefix: 'finops/bedrock/' })().keyPrefix).toBe('finops/bedrock');
  });

  test('an unresolved token is not validated', () => {
    expect(logging({ keyPrefix: Fn.ref('Prefix') })().keyPrefix).toMatch(/^\$\{Token\[/);
  });

  test('every problem is reported at once', () => {
    expect(logging({ keyPrefix: 'a b*/../c', logGroupName: 'x' }))
      .toThrow(/keyPrefix "a b\*\/..\/c" contains " ", "\*"[\s\S]*keyPrefix "a b\*\/..\/c" has an empty, "." or ".." path segment[\s\S]*logGroupName given but cloudWatchLogs is off/);
  });
});

describe('data types', () => {
  test('all five flags false is refused: nothing would be logged', () => {
    expect(logging({
      textDataDeliveryEnabled: false, imageDataDeliveryEnabled: false, embeddingDataDeliveryEnabled: false,
      videoDataDeliveryEnabled: false, audioDataDeliveryEnabled: false,
    })).toThrow(/textDataDeliveryEnabled, imageDataDeliveryEnabled, embeddingDataDeliveryEnabled, videoDataDeliveryEnabled, audioDataDeliveryEnabled are all false: nothing would be logged; turn at least one on/);
  });

  test('text off alone is fine (sensitive prompts)', () => {
    expect(logging({ textDataDeliveryEnabled: false })).not.toThrow();
  });
});

describe('CloudWatch options', () => {
  test.each([
    [{ logGroupName: '/x' }, /logGroupName given but cloudWatchLogs is off: set cloudWatchLogs: true, or drop it/],
    [{ logGroupRetention: logs.RetentionDays.TWO_YEARS }, /logGroupRetention given but cloudWatchLogs is off/],
    [{ cloudWatchLogs: false, logGroupName: '/x', logGroupRetention: logs.RetentionDays.TWO_YEARS }, /logGroupName, logGroupRetention given but cloudWatchLogs is off.*drop them/],
  ])('%j while CloudWatch is off is refused', (props, message) => {
    expect(logging(props as BedrockInvocationLoggingProps)).toThrow(message);
  });

  test('logGroupEncryptionKey while CloudWatch is off is refused', () => {
    const s = stack();
    expect(() => new BedrockInvocationLogging(s, 'L', { logGroupEncryptionKey: new kms.Key(s, 'K') })).toThrow(/logGroupEncryptionKey given but cloudWatchLogs is off/);
  });

  test('retention under a year is refused', () => {
    expect(logging({ cloudWatchLogs: true, logGroupRetention: logs.RetentionDays.SIX_MONTHS }))
      .toThrow(/retention \(logGroupRetention on BedrockInvocationLogging\) 180 days is shorter than 365: keep audit logs at least a year/);
  });

  test('an invalid log group name is refused', () => {
    expect(() => new BedrockCloudWatchDestination(stack(), 'C', { logGroupName: 'bad name!' }))
      .toThrow(/logGroupName "bad name!" is not a valid log group name/);
  });

  test('logGroup without serviceRole is refused', () => {
    const s = stack();
    expect(() => new ModelInvocationLoggingConfiguration(s, 'C', {
      bucket: new s3.Bucket(s, 'B'), keyPrefix: 'p', logGroup: new logs.LogGroup(s, 'G'),
    })).toThrow(/logGroup and serviceRole go together/);
  });
});

describe('KMS options', () => {
  test('encryptionKey and createEncryptionKey together contradict each other', () => {
    const s = stack();
    expect(() => new BedrockInvocationLogging(s, 'L', { encryptionKey: new kms.Key(s, 'K'), createEncryptionKey: true }))
      .toThrow(/encryptionKey and createEncryptionKey: true contradict each other/);
  });

  test('createEncryptionKey with an existing bucket is refused (its encryption is not ours to change)', () => {
    const s = stack();
    expect(() => new BedrockInvocationLogging(s, 'L', { bucket: s3.Bucket.fromBucketName(s, 'B', 'existing-bucket'), createEncryptionKey: true }))
      .toThrow(/createEncryptionKey only apply to a bucket this construct creates, but bucket was given/);
  });

  test('an encryptionKey that is not the existing bucket\'s key is refused', () => {
    const s = stack();
    const bucket = new s3.Bucket(s, 'B', { encryptionKey: new kms.Key(s, 'K1') });
    expect(() => new BedrockInvocationLogging(s, 'L', { bucket, encryptionKey: new kms.Key(s, 'K2') }))
      .toThrow(/encryptionKey \(S\/K2\) is not the key of bucket \(S\/K1\)/);
  });

  test('new-bucket options with an existing bucket are refused', () => {
    const s = stack();
    expect(() => new BedrockInvocationLogging(s, 'L', { bucket: s3.Bucket.fromBucketName(s, 'B', 'existing-bucket'), lifecycleRules: [] }))
      .toThrow(/lifecycleRules only apply to a bucket this construct creates/);
  });
});

describe('account and Region of imported buckets and keys', () => {
  const ENV = { account: '111122223333', region: 'us-east-1' };
  const at = (s: Stack, region: string, account = ENV.account) => s3.Bucket.fromBucketAttributes(s, 'B', { bucketName: 'existing-bucket', region, account });

  test('a bucket in another Region or account: one line each, naming both', () => {
    const s = new Stack(new App(), 'S', { env: ENV });
    expect(errorOf(() => new BedrockInvocationLogging(s, 'L', { bucket: at(s, 'eu-west-1', '444455556666') }))).toBe([
      'Invalid S/L props:',
      '  - bucket S/B is in account 444455556666, but stack S is in account 111122223333: Bedrock delivers invocation logs only to a bucket in its own account and Region; use one in account 111122223333, or deploy the stack to account 444455556666',
      '  - bucket S/B is in Region eu-west-1, but stack S is in Region us-east-1: Bedrock delivers invocation logs only to a bucket in its own account and Region; use one in Region us-east-1, or deploy the stack to Region eu-west-1',
    ].join('\n'));
  });

  test('a key in another Region (the bucket\'s, or given), and a log group key in another Region, are refused', () => {
    const s = new Stack(new App(), 'S', { env: ENV });
    const otherKey = (id: string) => kms.Key.fromKeyArn(s, id, 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const bucket = s3.Bucket.fromBucketAttributes(s, 'B', { bucketName: 'existing-bucket', encryptionKey: otherKey('BucketKey') });
    const message = errorOf(() => new BedrockInvocationLogging(s, 'L', { bucket, cloudWatchLogs: true, logGroupEncryptionKey: otherKey('LogKey') }));
    expect(message).toContain('encryptionKey of bucket S/BucketKey is in Region eu-west-1, but stack S is in Region us-east-1');
    expect(message).toContain('encryptionKey (logGroupEncryptionKey on BedrockInvocationLogging) S/LogKey is in Region eu-west-1, but stack S is in Region us-east-1');
    expect(errorOf(() => new BedrockInvocationLogging(s, 'L2', { createEncryptionKey: false, encryptionKey: otherKey('Given') })))
      .toContain('encryptionKey S/Given is in Region eu-west-1, but stack S is in Region us-east-1');
  });

  test('the same account and Region, or an unknown one on either side, is accepted', () => {
    const known = new Stack(new App(), 'S', { env: ENV });
    expect(() => new BedrockInvocationLogging(known, 'L', { bucket: at(known, 'us-east-1') })).not.toThrow();
    const agnostic = stack();
    expect(() => new BedrockInvocationLogging(agnostic, 'L', { bucket: at(agnostic, 'eu-west-1', '444455556666') })).not.toThrow();
    const withToken = new Stack(new App(), 'T', { env: ENV });
    expect(() => new BedrockInvocationLogging(withToken, 'L', { bucket: at(withToken, Fn.ref('AWS::Region')) })).not.toThrow();
  });

  test('the ready stack reports it with its own props', () => {
    const app = new App();
    const other = new Stack(app, 'Other', { env: { account: ENV.account, region: 'eu-west-1' } });
    expect(errorOf(() => new BedrockInvocationLoggingStack(app, 'E', { env: ENV, bucket: new s3.Bucket(other, 'Logs') })))
      .toContain('bucket Other/Logs is in Region eu-west-1, but stack E is in Region us-east-1');
  });
});

describe('nOps role', () => {
  function grant(roleName?: string, role?: iam.IRole, legacy?: boolean): () => NopsIntegrationGrant {
    return () => {
      const s = stack();
      const l = new BedrockInvocationLogging(s, 'L');
      return new NopsIntegrationGrant(s, 'G', { invocationLogging: l, roleName, role, legacyCloudWatchLogsRead: legacy });
    };
  }

  test.each([
    ['Nops Integration', /roleName "Nops Integration" is not a valid IAM role name/],
    ['a'.repeat(65), /is not a valid IAM role name: use 1-64/],
    ['', /roleName "" is not a valid IAM role name/],
    ['arn:aws:iam::123456789012:role/Nops-Integration-x', /roleName "arn:aws:iam::123456789012:role\/Nops-Integration-x" is an ARN: give the role name only/],
  ])('role name %j is refused', (name, message) => {
    expect(grant(name)).toThrow(message);
  });

  test('neither or both of roleName and role is refused', () => {
    expect(grant()).toThrow(/give exactly one of roleName/);
    expect(() => {
      const s = stack();
      const l = new BedrockInvocationLogging(s, 'L');
      new NopsIntegrationGrant(s, 'G', { invocationLogging: l, roleName: 'a', role: iam.Role.fromRoleName(s, 'R', 'b') });
    }).toThrow(/give exactly one of roleName/);
  });

  test('legacy read without the CloudWatch destination is refused', () => {
    expect(grant('Nops-Integration-x', undefined, true)).toThrow(/legacyCloudWatchLogsRead is true but the logging has cloudWatchLogs off/);
  });

  test('a role name token is not validated', () => {
    expect(grant(Fn.ref('RoleName'))).not.toThrow();
  });
});

describe('stack, runtime and removal policy', () => {
  function stackWith(props: BedrockInvocationLoggingStackProps): () => BedrockInvocationLoggingStack {
    return () => new BedrockInvocationLoggingStack(new App(), 'S', props);
  }

  test('the stack names its own props in errors: nopsRoleName, not the grant\'s roleName', () => {
    expect(stackWith({ nopsRoleName: 'bad name' })).toThrow(/nopsRoleName "bad name" is not a valid IAM role name/);
  });

  test('nopsLegacyCloudWatchLogsRead without a role or without CloudWatch is refused', () => {
    expect(stackWith({ nopsLegacyCloudWatchLogsRead: true, cloudWatchLogs: true })).toThrow(/nopsLegacyCloudWatchLogsRead is true but no nOps role is given/);
    expect(stackWith({ nopsLegacyCloudWatchLogsRead: true, nopsRoleName: 'Nops-Integration-x' })).toThrow(/nopsLegacyCloudWatchLogsRead is true but cloudWatchLogs is off/);
  });

  test('nopsRoleName and nopsRole together are refused', () => {
    expect(() => {
      const s = new BedrockInvocationLoggingStack(new App(), 'Probe');
      new BedrockInvocationLoggingStack(s.node.scope as App, 'S', { nopsRoleName: 'a', nopsRole: iam.Role.fromRoleName(s, 'R', 'b') });
    }).toThrow(/nopsRoleName and nopsRole both given/);
  });

  test.each([
    [lambda.Runtime.NODEJS_16_X, /handlerRuntime nodejs16.x is not supported: the handler needs Node.js 22 or later .*use lambda.Runtime.NODEJS_24_X \(the default\)/],
    [lambda.Runtime.NODEJS_20_X, /handlerRuntime nodejs20.x is not supported: the handler needs Node.js 22 or later/],
    [lambda.Runtime.PYTHON_3_13, /handlerRuntime python3.13 is not supported/],
  ])('handler runtime %s is refused, naming handlerRuntime', (runtime, message) => {
    expect(logging({ handlerRuntime: runtime })).toThrow(message);
  });

  test.each([lambda.Runtime.NODEJS_22_X, lambda.Runtime.NODEJS_24_X])('handler runtime %s is accepted', (runtime) => {
    expect(logging({ handlerRuntime: runtime })).not.toThrow();
  });

  test('removalPolicy SNAPSHOT is refused: buckets, keys and log groups cannot snapshot', () => {
    expect(logging({ removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(/removalPolicy SNAPSHOT is not supported by S3 buckets, KMS keys or log groups/);
  });
});

describe('singleton', () => {
  test('a second logging configuration in the same stack is refused: the setting is one per account and Region', () => {
    const s = stack();
    new BedrockInvocationLogging(s, 'A');
    expect(() => new BedrockInvocationLogging(s, 'B')).toThrow(/this stack already has one at S\/A\/LoggingConfiguration/);
  });
});

describe('app context', () => {
  test.each([
    [{ kms: 'yes' }, /context kms="yes" is not a boolean: use -c kms=true or -c kms=false/],
    [{ cloudWatchLogs: 'TRUE ' }, /context cloudWatchLogs="TRUE " is not a boolean/],
    [{ textDataDeliveryEnabled: 1 }, /context textDataDeliveryEnabled=1 is not a boolean/],
    [{ keyprefix: 'x' }, /unknown context key "keyprefix": the app reads keyPrefix, nopsRoleName/],
    [{ keyPrefix: 'x*' }, /keyPrefix "x\*" contains "\*"/],
    [{ keyPrefix: 42 }, /context keyPrefix=42 is not a string/],
    [{ nopsRoleName: 'not a role' }, /nopsRoleName "not a role" is not a valid IAM role name/],
    [{ nopsRoleName: 'arn:aws:iam::12:role/x' }, /nopsRoleName "arn:aws:iam::12:role\/x" is not a valid IAM role ARN/],
  ])('%j is an error, not ignored', (context, message) => {
    expect(() => createApp({ context })).toThrow(message);
  });

  test('a role ARN is accepted and attached by name', () => {
    const app = createApp({ context: { nopsRoleName: 'arn:aws:iam::123456789012:role/path/Nops-Integration-x' } });
    const template = Template.fromStack(app.node.findChild('BedrockInvocationLogging') as Stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: ['Nops-Integration-x'] });
  });
});
