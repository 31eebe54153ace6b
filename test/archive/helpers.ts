import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BedrockInvocationLoggingStack, BedrockInvocationLoggingStackProps, BedrockLogArchiveStack, BedrockLogArchiveStackProps } from '../../lib';

export const ORG_ID = 'o-a1b2c3d4e5';
export const ARCHIVE_ACCOUNT = '222233334444';
export const ARCHIVE_BUCKET = 'bedrock-invocation-logs-archive-222233334444-abcd1234';
export const ARCHIVE_KEY_ARN = 'arn:aws:kms:eu-west-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The archive stack as the app synthesizes it (no bootstrap, no assets). */
export function archiveStack(props: Partial<BedrockLogArchiveStackProps> = {}): { app: App; stack: BedrockLogArchiveStack; template: any } {
  const app = new App();
  const stack = new BedrockLogArchiveStack(app, 'BedrockInvocationLogArchive', { synthesizer: new BootstraplessSynthesizer(), organizationId: ORG_ID, ...props });
  return { app, stack, template: Template.fromStack(stack).toJSON() };
}

/** A member stack replicating into the archive, imported the way the README shows (or by its flat props). */
export function memberStack(props: BedrockInvocationLoggingStackProps = {}, importStyle: 'bucket' | 'names' = 'names', encrypted = true): { app: App; stack: BedrockInvocationLoggingStack; template: any } {
  const app = new App();
  let extra: BedrockInvocationLoggingStackProps;
  if (importStyle === 'names') {
    extra = { archiveBucketName: ARCHIVE_BUCKET, archiveAccountId: ARCHIVE_ACCOUNT, archiveKmsKeyArn: encrypted ? ARCHIVE_KEY_ARN : undefined };
  } else {
    const imports = new Stack(app, 'Imports');
    extra = {
      archiveBucket: s3.Bucket.fromBucketAttributes(imports, 'Archive', {
        bucketName: ARCHIVE_BUCKET, account: ARCHIVE_ACCOUNT,
        encryptionKey: encrypted ? kms.Key.fromKeyArn(imports, 'ArchiveKey', ARCHIVE_KEY_ARN) : undefined,
      }),
    };
  }
  const stack = new BedrockInvocationLoggingStack(app, 'BedrockInvocationLogging', { synthesizer: new BootstraplessSynthesizer(), ...extra, ...props });
  return { app, stack, template: Template.fromStack(stack).toJSON() };
}

/** [logical id, resource] pairs of one type. */
export function ofType(template: any, type: string): Array<[string, any]> {
  return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type);
}

/** The one resource of a type whose logical id starts with `prefix`. */
export function one(template: any, type: string, prefix = ''): [string, any] {
  const found = ofType(template, type).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  return found[0];
}
