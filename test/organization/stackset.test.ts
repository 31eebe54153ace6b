import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp, STACKSET_STACK_NAME } from '../../bin/create-app';
import { CLI_CONTEXT, cliYaml } from '../../scripts/docs-samples';
import { OnDelete } from '../../lib';
import {
  BedrockInvocationLoggingMemberTemplate,
  StackSetCallAs,
  StackSetConcurrencyMode,
  StackSetRegionConcurrency,
} from '../../lib';
import { errorOf } from '../support/util';
import { ADMIN_TEMPLATE_BUDGET_BYTES, adminStack, stackSetProperties } from './helpers';

describe('BedrockInvocationLoggingStackSet: the CfnStackSet', () => {
  test('defaults: every property', () => {
    // WHEN only the targets are given
    const props = stackSetProperties({}, false);
    // THEN
    const { TemplateBody, ...rest } = props;
    expect(rest).toEqual({
      StackSetName: 'BedrockInvocationLogging',
      Description: 'Amazon Bedrock model invocation logging to S3 in every account and Region, readable by the nOps integration role (cdk-bedrock-invocation-logging)',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      OperationPreferences: {
        RegionConcurrencyType: 'PARALLEL',
        MaxConcurrentPercentage: 25,
        FailureTolerancePercentage: 10,
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
      Parameters: [
        { ParameterKey: 'KeyPrefix', ParameterValue: 'bedrock' },
        { ParameterKey: 'NopsRoleName', ParameterValue: '' },
        { ParameterKey: 'CloudWatchLogs', ParameterValue: 'false' },
        { ParameterKey: 'NopsGrantRegion', ParameterValue: 'us-east-1' }, // the first of regions
        { ParameterKey: 'ArchiveBucketName', ParameterValue: '' },
        { ParameterKey: 'ArchiveAccountId', ParameterValue: '' },
        { ParameterKey: 'ArchiveKmsKeyArn', ParameterValue: '' },
        { ParameterKey: 'PermissionsBoundaryArn', ParameterValue: '' },
      ],
      StackInstancesGroup: [{
        DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456', 'ou-ab12-ghij7890'] },
        Regions: ['us-east-1', 'eu-west-1'],
      }],
    });
    // the body is the member template, as a minified JSON string
    expect(typeof TemplateBody).toBe('string');
    expect(TemplateBody).toBe(JSON.stringify(JSON.parse(TemplateBody)));
    expect(Object.keys(JSON.parse(TemplateBody).Parameters)).toEqual(['KeyPrefix', 'NopsRoleName', 'CloudWatchLogs', 'NopsGrantRegion', 'ArchiveBucketName', 'ArchiveAccountId', 'ArchiveKmsKeyArn',
      'PermissionsBoundaryArn']);
  });

  test('every default can be overridden with flat props', () => {
    const props = stackSetProperties({
      stackSetName: 'FinOpsBedrockLogging',
      description: 'mine',
      callAs: StackSetCallAs.DELEGATED_ADMIN,
      retainStacksOnAccountRemoval: false,
      regionConcurrency: StackSetRegionConcurrency.SEQUENTIAL,
      regionOrder: ['eu-west-1', 'us-east-1'],
      maxConcurrentCount: 20,
      failureToleranceCount: 2,
      concurrencyMode: StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE,
      managedExecution: false,
      keyPrefix: 'finops/bedrock/',
      nopsRoleName: 'Nops-Integration-abc123',
      cloudWatchLogs: true,
      nopsGrantRegion: 'eu-west-1',
      archiveBucketName: 'bedrock-invocation-logs-archive-222233334444-abcd1234',
      archiveAccountId: '222233334444',
      permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
    });
    expect(props).toMatchObject({
      StackSetName: 'FinOpsBedrockLogging',
      Description: 'mine',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: false },
      Parameters: [
        { ParameterKey: 'KeyPrefix', ParameterValue: 'finops/bedrock' }, // normalised once, like keyPrefix everywhere
        { ParameterKey: 'NopsRoleName', ParameterValue: 'Nops-Integration-abc123' },
        { ParameterKey: 'CloudWatchLogs', ParameterValue: 'true' },
        { ParameterKey: 'NopsGrantRegion', ParameterValue: 'eu-west-1' },
        { ParameterKey: 'ArchiveBucketName', ParameterValue: 'bedrock-invocation-logs-archive-222233334444-abcd1234' },
        { ParameterKey: 'ArchiveAccountId', ParameterValue: '222233334444' },
        { ParameterKey: 'ArchiveKmsKeyArn', ParameterValue: '' }, // an SSE-S3 archive
        { ParameterKey: 'PermissionsBoundaryArn', ParameterValue: 'arn:aws:iam::aws:policy/PowerUserAccess' },
      ],
    });
    // counts replace the percentages; CloudFormation takes one of each pair
    expect(props.OperationPreferences).toEqual({
      RegionConcurrencyType: 'SEQUENTIAL',
      RegionOrder: ['eu-west-1', 'us-east-1'],
      MaxConcurrentCount: 20,
      FailureToleranceCount: 2,
      ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
    });
  });

  test('percentages can be overridden; autoDeployment off leaves RetainStacksOnAccountRemoval out', () => {
    const props = stackSetProperties({ maxConcurrentPercentage: 100, failureTolerancePercentage: 0, autoDeployment: false });
    expect(props.OperationPreferences).toMatchObject({ MaxConcurrentPercentage: 100, FailureTolerancePercentage: 0 });
    expect(props.AutoDeployment).toEqual({ Enabled: false });
  });

  test('synth-time member options change the body; the StackSet-level values do not', () => {
    const plain = new BedrockInvocationLoggingMemberTemplate().toJson();
    const withKms = new BedrockInvocationLoggingMemberTemplate({ createEncryptionKey: true, onDelete: OnDelete.RETAIN }).toJson();
    expect(withKms).not.toBe(plain);
    expect(Object.values<any>(JSON.parse(withKms).Resources).filter((r) => r.Type === 'AWS::KMS::Key')).toHaveLength(1);
    const body = stackSetProperties({ keyPrefix: 'other', nopsRoleName: 'Nops-Integration-x', cloudWatchLogs: true }, false).TemplateBody;
    expect(body).toBe(plain);
  });

  test('the construct exposes the StackSet and its name; the primary resource id is Resource', () => {
    const { stackSet } = adminStack();
    expect(stackSet.stackSet.node.id).toBe('Resource');
    expect(stackSet.node.defaultChild).toBe(stackSet.stackSet);
    expect(stackSet.stackSetName).toBe('BedrockInvocationLogging');
  });
});

describe('BedrockInvocationLoggingStackSet: bad props fail at construction, all at once', () => {
  test.each<[string, Record<string, unknown>, RegExp[]]>([
    ['no OUs', { organizationalUnitIds: [] }, [/organizationalUnitIds is empty: give at least one, for example an OU id such as "ou-ab12-cdef3456"/]],
    ['an account id instead of an OU', { organizationalUnitIds: ['123456789012'] }, [/organizationalUnitIds value "123456789012" is not an OU id such as "ou-ab12-cdef3456" or the root id such as "r-ab12"/]],
    ['a duplicate Region', { regions: ['us-east-1', 'us-east-1'] }, [/regions lists "us-east-1" twice/]],
    ['a Region typo', { regions: ['us-east1'] }, [/regions value "us-east1" is not a Region name such as "us-east-1"/]],
    ['regionOrder outside regions', { regionOrder: ['ap-south-1'] }, [/regionOrder names ap-south-1, which is not in regions/]],
    ['count and percentage', { maxConcurrentCount: 5, maxConcurrentPercentage: 50 }, [/maxConcurrentPercentage and maxConcurrentCount are both given/]],
    ['tolerance count and percentage', { failureToleranceCount: 1, failureTolerancePercentage: 5 }, [/failureTolerancePercentage and failureToleranceCount are both given/]],
    ['percentages out of range', { maxConcurrentPercentage: 0, failureTolerancePercentage: 101 }, [/maxConcurrentPercentage 0 is not a whole number from 1 to 100/, /failureTolerancePercentage 101 is not a whole number from 0 to 100/]],
    ['a fractional count', { maxConcurrentCount: 2.5 }, [/maxConcurrentCount 2.5 is not a whole number of at least 1/]],
    ['retain without auto-deployment', { autoDeployment: false, retainStacksOnAccountRemoval: true }, [/retainStacksOnAccountRemoval applies only with autoDeployment/]],
    ['a bad StackSet name', { stackSetName: '1 bad' }, [/stackSetName "1 bad" is not a valid StackSet name/]],
    ['a bad key prefix', { keyPrefix: 's3://bucket/x' }, [/keyPrefix "s3:\/\/bucket\/x" is a URL/]],
    ['a role ARN as the nOps role name', { nopsRoleName: 'arn:aws:iam::123456789012:role/Nops-Integration-x' }, [/nopsRoleName "arn:aws:iam::123456789012:role\/Nops-Integration-x" is an ARN: give the role name only/]],
    ['an archive without its account', { archiveBucketName: 'bedrock-invocation-logs-archive-222233334444-abcd1234' }, [/archiveBucketName needs archiveAccountId: give the log-archive account's id/]],
    ['SSE-KMS log buckets and an archive without its key', { createEncryptionKey: true, archiveBucketName: 'archive-bucket', archiveAccountId: '222233334444' },
      [/archiveBucketName needs archiveKmsKeyArn because the log bucket is SSE-KMS: S3 replicates SSE-KMS logs only with a replica key/]],
    ['malformed archive values', { archiveBucketName: 'Archive_Bucket', archiveAccountId: '2222', archiveKmsKeyArn: 'alias/archive' },
      [/archiveBucketName "Archive_Bucket" is not a valid S3 bucket name/, /archiveAccountId "2222" is not an account id/, /archiveKmsKeyArn "alias\/archive" is not a KMS key ARN/]],
    ['a permissions boundary that is not a managed policy ARN', { permissionsBoundaryArn: 'arn:aws:iam::123456789012:role/Boundary' },
      [/permissionsBoundaryArn "arn:aws:iam::123456789012:role\/Boundary" is not a managed policy ARN: give one such as arn:aws:iam::123456789012:policy\/Boundary/]],
    ['an archive key without the archive', { archiveKmsKeyArn: 'arn:aws:kms:eu-west-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, [/archiveKmsKeyArn given without archiveBucketName/]],
  ])('%s', (_name, props, expected) => {
    const message = errorOf(() => adminStack(props as any));
    expect(message).toMatch(/^Invalid Admin\/StackSet props:/);
    for (const e of expected) expect(message).toMatch(e);
  });

  test('several problems are reported together', () => {
    const message = errorOf(() => adminStack({ organizationalUnitIds: ['ou-x'], regions: [], keyPrefix: '/x' }));
    expect(message.split('\n  - ')).toHaveLength(4);
  });
});

describe('the administrator stack', () => {
  test('is small enough for cdk deploy without a bootstrap bucket, and has no assets', () => {
    const { stack } = adminStack();
    const template = Template.fromStack(stack).toJSON();
    expect(template.Parameters).toBeUndefined();
    expect(template.Rules).toBeUndefined();
    expect(Object.keys(template.Resources)).toHaveLength(1);
    // The CLI sends a template whose YAML form is over 51,200 bytes through the bootstrap bucket,
    // which this stack does not use: measured as the CLI writes it (cliYaml, which test/bin/cli.test.ts
    // compares with the CLI's own output), with the path metadata the CLI adds.
    expect(Buffer.byteLength(JSON.stringify(template), 'utf8')).toBeLessThanOrEqual(ADMIN_TEMPLATE_BUDGET_BYTES);
    // the largest: every option of the app with rollout=stackset, the member template with SSE-KMS,
    // an SSE-KMS archive, the detection rule and a permissions boundary
    const app = createApp({ context: { ...CLI_CONTEXT, rollout: 'stackset', targetOuIds: 'ou-ab12-cdef3456,ou-ab12-ghij7890', targetRegions: 'us-east-1,eu-west-1',
      keyPrefix: 'finops/bedrock', nopsRoleName: 'Nops-Integration-abc123', cloudWatchLogs: 'true', kms: 'true', textDataDeliveryEnabled: 'false',
      archiveBucket: 'bedrock-invocation-logs-archive-222233334444-abcd1234', archiveAccount: '222233334444',
      archiveKmsKeyArn: 'arn:aws:kms:eu-west-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      alertEventBusArn: 'arn:aws:events:us-east-1:999988887777:event-bus/security-alerts', permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' } });
    const largest = Template.fromStack(app.node.findChild(STACKSET_STACK_NAME) as Stack).toJSON();
    expect(Buffer.byteLength(cliYaml(largest), 'utf8')).toBeLessThanOrEqual(BedrockInvocationLoggingMemberTemplate.MAX_TEMPLATE_BODY_BYTES);
  });
});
