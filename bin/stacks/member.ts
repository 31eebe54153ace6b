import { App } from 'aws-cdk-lib';
import { BedrockInvocationLoggingStack, BedrockInvocationLoggingStackProps } from '../../lib';
import { REGION_PATTERN, roleNameFromArn } from '../../lib/shared/facts';
import { ArchiveValues, checkArchiveValues, ErrorCollector, validateRoleNameOrArn } from '../../lib/shared/validation';
import { parseBoolean, parseList, parseString, valid } from '../context';
import { appStackProps } from './defaults';

/** Name of the stack `cdk deploy` creates in a member account. */
export const STACK_NAME = 'BedrockInvocationLogging';

/**
 * The member stack's props from the context: every input defaulted, a bad value reported and left
 * out (so that the stacks are still built and their own problems reported in the same run).
 */
export function parseMemberStackProps(context: Record<string, unknown>, errors: ErrorCollector): BedrockInvocationLoggingStackProps {
  const keyPrefix = parseString('keyPrefix', context.keyPrefix, errors);
  const nopsRoleName = valid(errors, () => {
    const name = parseString('nopsRoleName', context.nopsRoleName, errors) || undefined;
    // Policies attach to a role by name; an ARN's path does not matter for that.
    return name && validateRoleNameOrArn(name, 'nopsRoleName', errors) === 'arn' ? roleNameFromArn(name) : name;
  });
  const cloudWatchLogs = parseBoolean('cloudWatchLogs', context.cloudWatchLogs, errors);
  const kms = parseBoolean('kms', context.kms, errors);
  const textDataDeliveryEnabled = parseBoolean('textDataDeliveryEnabled', context.textDataDeliveryEnabled, errors);
  const nopsGrantRegion = valid(errors, () => parseList('nopsGrantRegion', context.nopsGrantRegion, REGION_PATTERN, 'us-east-1', errors))?.[0];
  if (context.nopsGrantRegion !== undefined && typeof context.nopsGrantRegion === 'string' && context.nopsGrantRegion.includes(',')) {
    errors.add(`context nopsGrantRegion=${JSON.stringify(context.nopsGrantRegion)} names several Regions: name the one whose stack grants the nOps role, for example -c nopsGrantRegion=us-east-1`);
  }
  // The member's archive: a bad or incomplete set is reported and left out, so the stack still builds.
  const archiveValues = { bucketName: parseString('archiveBucket', context.archiveBucket, errors), accountId: parseString('archiveAccount', context.archiveAccount, errors),
    kmsKeyArn: parseString('archiveKmsKeyArn', context.archiveKmsKeyArn, errors) };
  const archiveOk = checkArchiveValues(archiveValues, { bucketName: 'context archiveBucket', accountId: 'context archiveAccount', kmsKeyArn: 'context archiveKmsKeyArn' }, kms === true, errors);
  const archive: ArchiveValues = archiveOk && archiveValues.bucketName ? archiveValues : {};
  return {
    ...appStackProps(),
    keyPrefix,
    cloudWatchLogs,
    createEncryptionKey: kms,
    textDataDeliveryEnabled,
    nopsRoleName,
    nopsGrantRegion,
    // With the legacy destination on, nOps may read it too (subject to nOps's own Deny on logs:GetLogEvents).
    nopsLegacyCloudWatchLogsRead: cloudWatchLogs && nopsRoleName !== undefined,
    archiveBucketName: archive.bucketName,
    archiveAccountId: archive.accountId,
    archiveKmsKeyArn: archive.kmsKeyArn,
  };
}

/** The member stack: logging, the nOps grant and replication into the archive, in this account and Region. */
export function addMemberStack(app: App, props: BedrockInvocationLoggingStackProps): BedrockInvocationLoggingStack {
  return new BedrockInvocationLoggingStack(app, STACK_NAME, props);
}
