/** The pure parts of `verify`: argument parsing and policy reading. */
import { parseVerifyArgs } from '../src/args';
import { errorLine, networkCode } from '../src/errors';
import { confinedTo, grantsAction, parsePolicy, principalsOf, sourceConditionProblems, wildcardMatch } from '../src/policy';
import { validateOptions } from '../src/run';
import { UsageError } from '../src/types';

describe('parseVerifyArgs', () => {
  test('regions by comma or repeated, role ARN to name, prefix normalised', () => {
    expect(parseVerifyArgs(['verify', '--regions', 'us-east-1, eu-west-1', '--regions=ap-south-1', '--nops-role-name', 'arn:aws:iam::111122223333:role/nops/Nops-Integration-x', '--key-prefix', 'bedrock/', '--json'])).toEqual({
      kind: 'verify',
      format: 'json',
      options: { regions: ['us-east-1', 'eu-west-1', 'ap-south-1'], nopsRoleName: 'Nops-Integration-x', keyPrefix: 'bedrock' },
    });
    expect(parseVerifyArgs(['verify', '--regions', 'us-east-1', '--profile', 'audit', '--allow-unavailable-regions'])).toEqual({
      kind: 'verify', format: 'table', options: { regions: ['us-east-1'], profile: 'audit', allowUnavailableRegions: true },
    });
    expect(parseVerifyArgs(['--regions', 'us-east-1'])).toEqual({ kind: 'verify', format: 'table', options: { regions: ['us-east-1'] } });
    expect(parseVerifyArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseVerifyArgs(['verify', '--help'])).toEqual({ kind: 'help' });
  });

  test.each([
    [[], /--regions is required/],
    [['verify', 'us-east-1'], /unexpected argument "us-east-1": give Regions with --regions/],
    [['deploy'], /unknown command "deploy"/],
    [['verify', 'extra', '--regions', 'us-east-1'], /unexpected argument "extra"/],
    [['us-east-1'], /unexpected argument "us-east-1"/],
    [['verify', '--regions'], /--regions' argument missing|argument missing/],
    [['verify', '--regions', ','], /--regions is required/],
    [['verify', '--regions', 'us-east-1', '--key-prefix', 's3://b/p'], /is a URL/],
    [['verify', '--regions', 'us-east-1', '--key-prefix', '/p'], /starts with "\/"/],
    [['verify', '--regions', 'us-east-1', '--key-prefix', 'p*'], /wildcard/],
    [['verify', '--regions', 'us-east-1', '--json=yes'], /does not take an argument|json/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseVerifyArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseVerifyArgs(argv as string[])).toThrow(message);
  });

  test('validateOptions rejects what is not a Region code or role name', () => {
    expect(() => validateOptions({ regions: ['us-east-1', 'us-gov-west-1', 'cn-north-1', 'eu-central-2'] })).not.toThrow();
    expect(() => validateOptions({ regions: ['Mars'] })).toThrow(/"Mars" is not a Region code/);
    expect(() => validateOptions({ regions: ['us-east-1'], nopsRoleName: 'bad name' })).toThrow(/not an IAM role name/);
  });
});

describe('policy reading', () => {
  const scope = { partition: 'aws', account: '111122223333', region: 'us-east-1' };

  test('wildcards and prefix confinement respect the prefix boundary', () => {
    expect(wildcardMatch('arn:aws:s3:::b/bedrock/*', 'arn:aws:s3:::b/bedrock/x')).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::b/bedrock/*', 'arn:aws:s3:::b/bedrock-other/x')).toBe(false);
    expect(wildcardMatch('s3:Put*', 's3:putobject', true)).toBe(true);
    expect(wildcardMatch('a?c', 'abc')).toBe(true);
    expect(wildcardMatch('a.c', 'abc')).toBe(false);
    expect(confinedTo('arn:aws:s3:::b/bedrock/AWSLogs/1/BedrockModelInvocationLogs/*', 'arn:aws:s3:::b/bedrock/')).toBe(true);
    expect(confinedTo('arn:aws:s3:::b/*', 'arn:aws:s3:::b/bedrock/')).toBe(false);
    expect(confinedTo('arn:aws:s3:::b/bedrock*', 'arn:aws:s3:::b/bedrock/')).toBe(false);
  });

  test('actions, NotAction and principals', () => {
    expect(grantsAction({ Action: ['s3:*'] }, 's3:PutObject')).toBe(true);
    expect(grantsAction({ Action: 'kms:GenerateDataKey*' }, 'kms:GenerateDataKey')).toBe(true);
    expect(grantsAction({ NotAction: 's3:GetObject' }, 's3:PutObject')).toBe(true);
    expect(grantsAction({ Action: 's3:GetObject' }, 's3:PutObject')).toBe(false);
    expect(principalsOf('*').anyone).toBe(true);
    expect(principalsOf({ AWS: ['*'] }).anyone).toBe(true);
    expect(principalsOf({ Service: 'Bedrock.amazonaws.com', AWS: 'arn:aws:iam::1:root', Federated: 'x' })).toEqual({
      anyone: false, services: ['bedrock.amazonaws.com'], aws: ['arn:aws:iam::1:root'], other: ['Federated:x'],
    });
  });

  test('source conditions: missing, other accounts, other Regions, and the documented form', () => {
    expect(sourceConditionProblems({}, scope)).toEqual(['no aws:SourceAccount condition', 'no aws:SourceArn condition']);
    expect(sourceConditionProblems({ Condition: { StringEquals: { 'aws:SourceAccount': ['111122223333', '999999999999'] }, ArnLike: { 'aws:SourceArn': 'arn:aws:bedrock:*:111122223333:*' } } }, scope)).toEqual([
      'aws:SourceAccount also allows 999999999999',
      'aws:SourceArn arn:aws:bedrock:*:111122223333:* is wider than arn:aws:bedrock:us-east-1:111122223333:*',
    ]);
    expect(sourceConditionProblems({ Condition: { stringequals: { 'AWS:SourceAccount': '111122223333' }, ArnEquals: { 'aws:sourcearn': 'arn:aws:bedrock:us-east-1:111122223333:*' } } }, scope)).toEqual([]);
  });

  test('documents: a single statement object, URL-encoded trust policies, garbage', () => {
    expect(parsePolicy('{"Statement":{"Effect":"Allow"}}')).toEqual([{ Effect: 'Allow' }]);
    expect(parsePolicy(encodeURIComponent('{"Statement":[{"Effect":"Deny"}]}'))).toEqual([{ Effect: 'Deny' }]);
    expect(() => parsePolicy('not json')).toThrow('the policy is not valid JSON');
  });
});

test('errors: network codes through causes, one line at most 300 characters', () => {
  expect(networkCode(Object.assign(new Error('x'), { cause: { code: 'ENOTFOUND' } }))).toBe('ENOTFOUND');
  expect(networkCode(new Error('getaddrinfo EAI_AGAIN sts.us-east-1.amazonaws.com'))).toBe('EAI_AGAIN');
  expect(networkCode(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }))).toBeUndefined();
  expect(errorLine(Object.assign(new Error('first\nsecond'), { name: 'NoSuchBucket' }))).toBe('NoSuchBucket: first');
  expect(errorLine(new Error('y'.repeat(400))).length).toBe(300);
});
