/**
 * Facts of the organization rollout (service-managed StackSets). No aws-cdk-lib or AWS SDK import
 * (the verify package compiles it).
 */

/** A StackSet name: a letter, then up to 127 letters, digits or `-` (CloudFormation's rule). */
export const STACK_SET_NAME_PATTERN = '^[a-zA-Z][a-zA-Z0-9-]{0,127}$';
