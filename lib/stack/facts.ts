/**
 * Facts of the ready stack: the names of its template parameters (with `templateParameters`), which
 * the StackSet, CfCT, LZA and the console pass values to by name. No aws-cdk-lib import.
 */

/**
 * The member template's parameters, by the stack prop that gives each its default
 * (`PermissionsBoundaryArn` has none: empty by default, its value comes from the StackSet or the
 * deployer).
 */
export const TEMPLATE_PARAMETER_NAMES = {
  keyPrefix: 'KeyPrefix',
  nopsRoleName: 'NopsRoleName',
  cloudWatchLogs: 'CloudWatchLogs',
  nopsGrantRegion: 'NopsGrantRegion',
  archiveBucketName: 'ArchiveBucketName',
  archiveAccountId: 'ArchiveAccountId',
  archiveKmsKeyArn: 'ArchiveKmsKeyArn',
  permissionsBoundaryArn: 'PermissionsBoundaryArn',
} as const;
