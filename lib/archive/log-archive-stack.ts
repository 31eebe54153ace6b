import { Aws, CfnOutput, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BedrockLogArchive, BedrockLogArchiveProps } from './log-archive';
import { acknowledgeResourceWildcards } from '../shared/nag';
import { ErrorCollector, validateRoleName } from '../shared/validation';

/**
 * Properties for `BedrockLogArchiveStack`.
 */
export interface BedrockLogArchiveStackProps extends StackProps, BedrockLogArchiveProps {
  /**
   * Name of the nOps integration role of the log-archive account, to grant read access to the
   * archive prefix (every account's logs) and nothing else.
   *
   * @default - no grant
   */
  readonly nopsRoleName?: string;
}

/**
 * The log-archive account's stack: `BedrockLogArchive`, the nOps grant, and what members and nOps
 * need as outputs (`ArchiveBucketName`, `ArchiveAccountId`, `ArchiveKmsKeyArn` with SSE-KMS,
 * `S3DataPrefix`). Asset-free. Deploy it before any member replicates into it.
 */
export class BedrockLogArchiveStack extends Stack {
  /** The archive. */
  public readonly archive: BedrockLogArchive;
  /** The managed policy on the nOps role, when `nopsRoleName` is given. */
  public readonly nopsPolicy?: iam.ManagedPolicy;

  /**
   * @param scope the app (or stage) the stack is added to
   * @param id the stack's construct id, and its name unless `stackName` is given
   * @param props its properties
   */
  constructor(scope: Construct, id: string, props: BedrockLogArchiveStackProps) {
    super(scope, id, {
      description: 'The organization\'s archive of Amazon Bedrock model invocation logs, replicated from every member account, readable by the nOps integration role (cdk-bedrock-invocation-logging)',
      ...props,
    });
    const errors = new ErrorCollector(`${this.node.path} props`);
    if (props.nopsRoleName !== undefined) validateRoleName(props.nopsRoleName, 'nopsRoleName', errors);
    BedrockLogArchive._checkProps(props, errors);
    errors.throwIfAny();

    this.archive = new BedrockLogArchive(this, 'Archive', props);
    if (props.nopsRoleName !== undefined) {
      const statements = this.archive.readStatements();
      this.nopsPolicy = new iam.ManagedPolicy(this, 'NopsIntegrationPolicy', {
        description: 'nOps integration: read every account\'s Amazon Bedrock model invocation logs in the organization\'s archive, under one S3 prefix',
        statements,
        roles: [iam.Role.fromRoleName(this, 'NopsRole', props.nopsRoleName)],
      });
      acknowledgeResourceWildcards(this.nopsPolicy, statements,
        'The archive holds every account\'s logs named by account, Region, date, hour and id, so reading them needs PREFIX/AWSLogs/*; the wildcard stops at the prefix boundary and the actions are read-only.');
    }

    const bucketName = this.archive.bucket.bucketName;
    new CfnOutput(this, 'ArchiveBucketName', {
      description: 'Members: -c archiveBucket=THIS, or the StackSet parameter ArchiveBucketName',
      value: bucketName,
    });
    new CfnOutput(this, 'ArchiveAccountId', {
      description: 'Members: -c archiveAccount=THIS, or the StackSet parameter ArchiveAccountId',
      value: Aws.ACCOUNT_ID,
    });
    if (this.archive.encryptionKey) {
      new CfnOutput(this, 'ArchiveKmsKeyArn', {
        description: 'Members: -c archiveKmsKeyArn=THIS, or the StackSet parameter ArchiveKmsKeyArn (required: the archive is SSE-KMS)',
        value: this.archive.encryptionKey.keyArn,
      });
    }
    new CfnOutput(this, 'S3DataPrefix', {
      description: 'One nOps integration in this account: paste into nOps > Integrations > Add Bedrock Integration > S3 Data Prefix',
      value: this.archive.s3DataPrefix,
    });
    new CfnOutput(this, 'MemberSettings', {
      description: 'What members deploy with, after this stack exists (the archive must exist before a member replicates into it)',
      value: Fn.join('', [
        `-c archiveBucket=`, bucketName, ' -c archiveAccount=', Aws.ACCOUNT_ID,
        ...this.archive.encryptionKey ? [' -c archiveKmsKeyArn=', this.archive.encryptionKey.keyArn] : [],
        ` -c keyPrefix=${this.archive.keyPrefix}`,
      ]),
    });
  }
}
