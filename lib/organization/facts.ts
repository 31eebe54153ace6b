/**
 * Facts of the organization rollout (service-managed StackSets). No aws-cdk-lib or AWS SDK import
 * (the verify package compiles it).
 */


// The StackSet's name rule and default live in the shared facts: the tamper guard names the
// StackSet's stack instances (`StackSet-NAME-...`) too.
export { DEFAULT_STACK_SET_NAME, STACK_SET_NAME_PATTERN, stackSetInstanceStackNamePrefix } from '../shared/facts';
