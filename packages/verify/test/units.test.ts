/** The pure parts of `verify`: argument parsing and policy reading. */
import { parseVerifyArgs } from '../src/args';
import { errorLine, networkCode } from '../src/errors';
import { confinedTo, grantsAction, parsePolicy, principalsOf, sourceConditionProblems, wildcardMatch } from '../src/policy';
import { READ_ONLY_OPERATION } from '../src/clients';
import { isRoleNamePattern } from '../src/nops-role';
import { validateOptions } from '../src/run';
import { UsageError } from '../src/types';
import { isTamperGuardDocument } from '../src/checks/tamper-guard';
import { BedrockTamperGuardPolicy } from '../../../lib';

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
    expect(() => validateOptions({ regions: ['us-east-1'], nopsRoleName: 'Nops-Integration-*' })).not.toThrow();
    expect(() => validateOptions({ regions: ['us-east-1'], nopsRoleName: 'Nops Integration-*' })).toThrow(/not an IAM role name or pattern/);
  });

  test('a role-name pattern matches whole names, * any characters, every other character as itself', () => {
    const matches = (n: string) => wildcardMatch('Nops.Integration-*', n);
    expect(['Nops.Integration-abc', 'Nops.Integration-'].filter(matches)).toHaveLength(2);
    expect(['NopsXIntegration-abc', 'xNops.Integration-abc', 'nops.integration-abc'].filter(matches)).toEqual([]);
    expect(isRoleNamePattern('Nops-Integration-abc123')).toBe(false);
  });
});

describe('organization arguments', () => {
  const ROLE = ['--assume-role-name', 'OrganizationAccountAccessRole'];

  test('accounts, OUs and a StackSet, with the role, its path, an external id, concurrency and CSV', () => {
    expect(parseVerifyArgs(['--accounts', '111122223333, 444455556666', '--accounts=555566667777', '--organizational-unit', 'ou-ab12-cdef3456,r-ab12',
      '--stack-set', 'BedrockInvocationLogging', '--call-as', 'DELEGATED_ADMIN', '--regions', 'us-east-1', ...ROLE,
      '--assume-role-path', '/audit/', '--external-id', 'ext-1234', '--concurrency', '16', '--csv'])).toEqual({
      kind: 'organization',
      format: 'csv',
      options: {
        regions: ['us-east-1'], concurrency: 16, accounts: ['111122223333', '444455556666', '555566667777'], organizationalUnits: ['ou-ab12-cdef3456', 'r-ab12'],
        stackSet: 'BedrockInvocationLogging', callAs: 'DELEGATED_ADMIN', assumeRoleName: 'OrganizationAccountAccessRole', assumeRolePath: '/audit/', externalId: 'ext-1234',
      },
    });
    // A StackSet alone names the Regions; its home Region is then required.
    expect(parseVerifyArgs(['--stack-set', 'Logging', '--stack-set-region', 'eu-west-1', ...ROLE])).toMatchObject({
      kind: 'organization', options: { regions: [], stackSet: 'Logging', stackSetRegion: 'eu-west-1' },
    });
  });

  /** The lines of the UsageError `argv` raises. */
  function problems(argv: string[]): string[] {
    try {
      parseVerifyArgs(argv);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message.split('\n');
    }
    throw new Error(`no usage error for ${argv.join(' ')}`);
  }

  test.each([
    [['--accounts', '12345'], '--accounts "12345" is not an AWS account id: use its 12 digits without dashes, for example 111122223333'],
    [['--accounts', '1111-2222-3333'], '--accounts "1111-2222-3333" is not an AWS account id: use its 12 digits without dashes, for example 111122223333'],
    [['--organizational-unit', 'ou-1'], '--organizational-unit "ou-1" is not an OU or root id: use ou-xxxx-xxxxxxxx or r-xxxx (aws organizations list-roots, list-organizational-units-for-parent)'],
    [['--organizational-unit', 'OU-AB12-CDEF3456'], '--organizational-unit "OU-AB12-CDEF3456" is not an OU or root id: use ou-xxxx-xxxxxxxx or r-xxxx (aws organizations list-roots, list-organizational-units-for-parent)'],
    [['--accounts', '111122223333', '--concurrency', '0'], '--concurrency "0" is not a whole number from 1 to 64: use for example --concurrency 8 (the default)'],
    [['--accounts', '111122223333', '--concurrency', '65'], '--concurrency "65" is not a whole number from 1 to 64: use for example --concurrency 8 (the default)'],
    [['--accounts', '111122223333', '--concurrency', '2.5'], '--concurrency "2.5" is not a whole number from 1 to 64: use for example --concurrency 8 (the default)'],
    [['--accounts', '111122223333', '--concurrency', 'many'], '--concurrency "many" is not a whole number from 1 to 64: use for example --concurrency 8 (the default)'],
    [['--stack-set', '1st-set'], '--stack-set "1st-set" is not a StackSet name: start with a letter, then up to 127 letters, digits or "-" (aws cloudformation list-stack-sets)'],
    [['--stack-set', 'S', '--call-as', 'ADMIN'], '--call-as "ADMIN" is not SELF or DELEGATED_ADMIN: use --call-as DELEGATED_ADMIN from a delegated administrator account (SELF, the default, from the management account)'],
    [['--accounts', '111122223333', '--assume-role-path', 'audit'], '--assume-role-path "audit" is not an IAM path: start and end with "/", for example /audit/ (at most 512 characters)'],
    [['--accounts', '111122223333', '--external-id', 'x'], '--external-id "x" is not an external id: use 2-1224 letters, digits or + = , . @ : / _ -'],
  ])('%j: one line naming the flag, the value and the fix', (argv, line) => {
    expect(problems(['--regions', 'us-east-1', ...ROLE, ...argv])).toEqual([line]);
  });

  test('the role, the accounts and the Regions are required; flags that need --stack-set say so', () => {
    expect(problems(['--accounts', '111122223333', '--regions', 'us-east-1'])).toEqual([
      '--assume-role-name is required with --accounts, --organizational-unit or --stack-set: name the role to assume in each account, for example --assume-role-name OrganizationAccountAccessRole',
    ]);
    expect(problems(['--regions', 'us-east-1', ...ROLE])).toEqual([
      'no accounts to verify: give --accounts 111122223333,444455556666, --organizational-unit ou-ab12-cdef3456 or --stack-set NAME',
    ]);
    expect(problems(['--accounts', '111122223333', ...ROLE])).toEqual(['--regions is required, for example --regions us-east-1,eu-west-1 (only --archive-bucket, in the account that owns it, goes without)']);
    expect(problems(['--stack-set', 'Logging', ...ROLE])).toEqual([
      '--stack-set without --regions needs --stack-set-region: the StackSet\'s home Region, for example --stack-set-region us-east-1',
    ]);
    expect(problems(['--accounts', '111122223333', '--regions', 'us-east-1', ...ROLE, '--stack-set-region', 'us-east-1', '--call-as', 'SELF'])).toEqual([
      '--stack-set-region "us-east-1" is given without --stack-set: add --stack-set NAME, or drop it',
      '--call-as "SELF" is given without --stack-set: add --stack-set NAME, or drop it',
    ]);
    expect(problems(['--accounts', '111122223333', '--regions', 'us-east-1', '--assume-role-name', 'arn:aws:iam::111122223333:role/Audit'])).toEqual([
      '--assume-role-name "arn:aws:iam::111122223333:role/Audit" is an ARN: give the role\'s name (its account differs per target), and its path with --assume-role-path',
    ]);
    expect(problems(['--regions', 'us-east-1', '--json', '--csv'])).toEqual(['--json and --csv: choose one']);
  });

  test('every problem at once, one line each', () => {
    expect(problems(['--accounts', '12345,111122223333,abc', '--organizational-unit', 'ou-1', '--regions', 'us-east-1,Mars', '--concurrency', '0', '--assume-role-name', 'bad name'])).toEqual([
      '--concurrency "0" is not a whole number from 1 to 64: use for example --concurrency 8 (the default)',
      '--regions: "Mars" is not a Region code: use codes such as us-east-1,eu-west-1',
      '--accounts "12345" is not an AWS account id: use its 12 digits without dashes, for example 111122223333',
      '--accounts "abc" is not an AWS account id: use its 12 digits without dashes, for example 111122223333',
      '--organizational-unit "ou-1" is not an OU or root id: use ou-xxxx-xxxxxxxx or r-xxxx (aws organizations list-roots, list-organizational-units-for-parent)',
      '--assume-role-name "bad name" is not an IAM role name: use 1-64 letters, digits or + = , . @ _ - (for example OrganizationAccountAccessRole), and give a path with --assume-role-path',
    ]);
  });

  test('--concurrency also bounds the Regions of one account', () => {
    expect(parseVerifyArgs(['--regions', 'us-east-1', '--concurrency', '2'])).toEqual({ kind: 'verify', format: 'table', options: { regions: ['us-east-1'], concurrency: 2 } });
    expect(problems(['--regions', 'us-east-1', '--concurrency=-1'])).toEqual(['--concurrency "-1" is not a whole number from 1 to 64: use for example --concurrency 8 (the default)']);
    expect(problems(['--regions', 'us-east-1', '--concurrency', '-1'])).toEqual(['--concurrency: a value that starts with "-" must be written --concurrency=VALUE (see --help)']);
  });
});

test('the read-only guard admits Get, List, Head, Describe, Simulate and AssumeRole by name, nothing else', () => {
  for (const name of ['GetRole', 'ListChildren', 'ListAccountsForParent', 'ListStackInstances', 'HeadObject', 'DescribeKey', 'SimulatePrincipalPolicy', 'AssumeRole', 'GetCallerIdentity']) {
    expect(name).toMatch(READ_ONLY_OPERATION);
  }
  for (const name of ['AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'AssumeRoot', 'PutModelInvocationLoggingConfiguration', 'DeleteModelInvocationLoggingConfiguration',
    'CreateAccount', 'UpdateAssumeRolePolicy', 'TagRole', 'Get', 'getRole', 'PutObject', 'GetFederationToken x']) {
    expect(name).not.toMatch(READ_ONLY_OPERATION);
  }
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

describe('isTamperGuardDocument: the guard under any name, by what it denies and to whom', () => {
  test('the guard as the library generates it, with or without a break-glass role, minified or not', () => {
    expect(isTamperGuardDocument(BedrockTamperGuardPolicy.toJson())).toBe(true);
    expect(isTamperGuardDocument(JSON.stringify(BedrockTamperGuardPolicy.document({ breakGlassRoleArn: 'arn:aws:iam::*:role/BreakGlass' }), null, 2))).toBe(true);
  });

  test('not the guard: AWS\'s FullAWSAccess, a Deny with another condition, without the library\'s exemption, on another resource, broken JSON', () => {
    const deny = (extra: Record<string, unknown>) => JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 'bedrock:*', Resource: '*', Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:*:iam::*:role/cdk-bedrock-invocation-logging/*'] } }, ...extra }] });
    expect(isTamperGuardDocument(deny({}))).toBe(true);
    expect(isTamperGuardDocument(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }))).toBe(false);
    expect(isTamperGuardDocument(deny({ Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:*:iam::*:role/cdk-bedrock-invocation-logging/*' }, StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } } }))).toBe(false);
    expect(isTamperGuardDocument(deny({ Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:*:iam::*:role/Admin' } } }))).toBe(false);
    expect(isTamperGuardDocument(deny({ Resource: 'arn:aws:bedrock:*:*:foundation-model/*' }))).toBe(false);
    expect(isTamperGuardDocument(deny({ Action: 's3:*' }))).toBe(false);
    expect(isTamperGuardDocument('{not json')).toBe(false);
  });
});
