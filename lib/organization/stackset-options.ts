// How a StackSet operation runs: the enums of `BedrockInvocationLoggingStackSetProps`.

/** Whether the StackSet is managed as the organization's management account or as a delegated administrator. */
export enum StackSetCallAs {
  /** The management account manages the StackSet. */
  SELF = 'SELF',
  /** A delegated administrator account (registered for `member.org.stacksets.cloudformation.amazonaws.com`) manages it. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/** How a StackSet operation goes through the Regions. */
export enum StackSetRegionConcurrency {
  /** One Region at a time, in `regionOrder`. */
  SEQUENTIAL = 'SEQUENTIAL',
  /** All Regions at once. */
  PARALLEL = 'PARALLEL',
}

/** How the failure tolerance affects concurrency. */
export enum StackSetConcurrencyMode {
  /** Concurrency drops so that failures never exceed the tolerance + 1 (slow, AWS's default). */
  STRICT_FAILURE_TOLERANCE = 'STRICT_FAILURE_TOLERANCE',
  /** Concurrency stays at the maximum whatever fails; the tolerance only stops the Region. */
  SOFT_FAILURE_TOLERANCE = 'SOFT_FAILURE_TOLERANCE',
}
