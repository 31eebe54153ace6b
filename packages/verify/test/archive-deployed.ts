/**
 * What the archive stack leaves in the log-archive account, and what a member stack replicating
 * into it leaves in a member account, read from the templates the library synthesizes (resolved
 * for each account), as fake accounts for verify.
 */
import { App, BootstraplessSynthesizer } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BedrockInvocationLoggingStack, BedrockInvocationLoggingStackProps, BedrockLogArchiveStack } from '../../../lib';
import { TemplateResolver } from '../../../test/support/security/resolve';
import { deployed, NOPS_ROLE, STACK_NAME } from './deployed';
import { accountFrom, FakeAccount } from './fake-aws';

export const ORG = 'o-a1b2c3d4e5';
export const ARCHIVE_ACCOUNT = '222233334444';
export const ARCHIVE_REGION = 'eu-west-1';

type Json = any;

/** The archive stack resolved in the log-archive account. */
export const ARCHIVE = (() => {
  const app = new App();
  const stack = new BedrockLogArchiveStack(app, 'BedrockInvocationLogArchive', { synthesizer: new BootstraplessSynthesizer(), organizationId: ORG });
  const template = Template.fromStack(stack).toJSON();
  const resolver = new TemplateResolver(template, { account: ARCHIVE_ACCOUNT, region: ARCHIVE_REGION, stackName: 'BedrockInvocationLogArchive' });
  const resources = resolver.resolveTemplate().Resources as Record<string, Json>;
  const [bucketId, bucket] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::S3::Bucket' && r.Properties.BucketName)!;
  const bucketName: string = resolver.ref(bucketId);
  const policy = Object.values(resources).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket === bucketName)!.Properties.PolicyDocument;
  return { bucketName, bucket: bucket.Properties, policy };
})();

/** The log-archive account: the archive bucket as deployed, the caller an auditor of that account. */
export function archiveAccount(): FakeAccount {
  return {
    account: ARCHIVE_ACCOUNT,
    callerArn: `arn:aws:sts::${ARCHIVE_ACCOUNT}:assumed-role/Auditor/session`,
    logging: {},
    buckets: {
      [ARCHIVE.bucketName]: {
        region: ARCHIVE_REGION,
        owner: ARCHIVE_ACCOUNT,
        policy: JSON.parse(JSON.stringify(ARCHIVE.policy)),
        ownership: ARCHIVE.bucket.OwnershipControls.Rules[0].ObjectOwnership,
        versioning: ARCHIVE.bucket.VersioningConfiguration.Status,
        objects: [],
      },
    },
    keys: {},
    logGroups: {},
    roles: {},
  };
}

/** The member stack's props that replicate into ARCHIVE (SSE-KMS logs need the archive's key; the test archive is SSE-S3). */
export const MEMBER_PROPS: Omit<BedrockInvocationLoggingStackProps, 'synthesizer'> = { archiveBucketName: ARCHIVE.bucketName, archiveAccountId: ARCHIVE_ACCOUNT };

/** A member account where the stack replicating into the archive was deployed: as `accountFrom`, plus the replication role. */
export function memberAccount(now: Date): FakeAccount {
  const account = accountFrom(deployed(MEMBER_PROPS), now);
  const app = new App();
  const stack = new BedrockInvocationLoggingStack(app, STACK_NAME, { ...MEMBER_PROPS, nopsRoleName: NOPS_ROLE, synthesizer: new BootstraplessSynthesizer() });
  const template = Template.fromStack(stack).toJSON();
  const resolver = new TemplateResolver(template, { stackName: STACK_NAME });
  const resources = resolver.resolveTemplate().Resources as Record<string, Json>;
  const [roleId, role] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('s3.amazonaws.com'))!;
  const roleName: string = resolver.ref(roleId);
  account.roles[roleName] = {
    arn: resolver.getAtt(roleId, 'Arn'),
    trust: role.Properties.AssumeRolePolicyDocument,
    policies: Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles.includes(roleName))
      .map(([id, r]) => ({ name: id, policy: r.Properties.PolicyDocument })),
  };
  return account;
}
