// The enums of `BedrockLogArchiveProps`.

/** S3 Object Lock retention mode of the archive's default retention. */
export enum ArchiveObjectLockMode {
  /**
   * Users with `s3:BypassGovernanceRetention` can shorten or remove the retention; everyone else
   * cannot delete or overwrite a locked version before it expires.
   */
  GOVERNANCE = 'GOVERNANCE',
  /** No one, the root user included, can delete or overwrite a locked version before it expires. */
  COMPLIANCE = 'COMPLIANCE',
}
