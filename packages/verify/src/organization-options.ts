import { ACCOUNT_ID_PATTERN, ORGANIZATIONAL_UNIT_ID_PATTERN, REGION_PATTERN, ROLE_NAME_PATTERN } from '../../../lib/shared/facts';
import { STACK_SET_NAME_PATTERN } from '../../../lib/organization/facts';
import { POLICY_NAME_PATTERN } from '../../../lib/guard/facts';
import { optionProblems } from './run';
import { OrganizationOptions } from './types';

const ACCOUNT_ID = new RegExp(ACCOUNT_ID_PATTERN);
const OU_ID = new RegExp(ORGANIZATIONAL_UNIT_ID_PATTERN);
const STACK_SET_NAME = new RegExp(STACK_SET_NAME_PATTERN);
const ROLE_NAME = new RegExp(ROLE_NAME_PATTERN);
const REGION = new RegExp(REGION_PATTERN);
const POLICY_NAME = new RegExp(POLICY_NAME_PATTERN);
/** IAM's rule for a path: `/`, or `/` + printable ASCII + `/`, at most 512 characters. */
const IAM_PATH = /^\/(?:[\x21-\x7e]*\/)?$/;
/** STS's rule for `ExternalId`: 2-1,224 of these characters. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

function quoted(value: string): string {
  return JSON.stringify(value);
}

/**
 * Every problem with organization-mode options, one line each naming the flag, the value and the fix
 * (the shared options included); empty when they are fine.
 */
export function organizationOptionProblems(options: OrganizationOptions): string[] {
  const accounts = options.accounts ?? [];
  const units = options.organizationalUnits ?? [];
  // Only a StackSet's stack instances say which Regions to read; a list or an OU does not.
  const problems = optionProblems(options, options.stackSet === undefined || accounts.length > 0 || units.length > 0);
  if (accounts.length === 0 && units.length === 0 && options.stackSet === undefined) {
    problems.push('no accounts to verify: give --accounts 111122223333,444455556666, --organizational-unit ou-ab12-cdef3456 or --stack-set NAME');
  }
  for (const account of accounts) {
    if (!ACCOUNT_ID.test(account)) {
      problems.push(`--accounts ${quoted(account)} is not an AWS account id: use its 12 digits without dashes, for example 111122223333`);
    }
  }
  for (const unit of units) {
    if (!OU_ID.test(unit)) {
      problems.push(`--organizational-unit ${quoted(unit)} is not an OU or root id: use ou-xxxx-xxxxxxxx or r-xxxx (aws organizations list-roots, list-organizational-units-for-parent)`);
    }
  }
  if (options.stackSet !== undefined && !STACK_SET_NAME.test(options.stackSet)) {
    problems.push(`--stack-set ${quoted(options.stackSet)} is not a StackSet name: start with a letter, then up to 127 letters, digits or "-" (aws cloudformation list-stack-sets)`);
  }
  if (options.stackSet === undefined && options.stackSetRegion !== undefined) {
    problems.push(`--stack-set-region ${quoted(options.stackSetRegion)} is given without --stack-set: add --stack-set NAME, or drop it`);
  }
  if (options.stackSet === undefined && options.callAs !== undefined) {
    problems.push(`--call-as ${quoted(options.callAs)} is given without --stack-set: add --stack-set NAME, or drop it`);
  }
  if (options.callAs !== undefined && options.callAs !== 'SELF' && options.callAs !== 'DELEGATED_ADMIN') {
    problems.push(`--call-as ${quoted(options.callAs)} is not SELF or DELEGATED_ADMIN: use --call-as DELEGATED_ADMIN from a delegated administrator account (SELF, the default, from the management account)`);
  }
  if (options.stackSetRegion !== undefined && !REGION.test(options.stackSetRegion)) {
    problems.push(`--stack-set-region ${quoted(options.stackSetRegion)} is not a Region code: give the StackSet's home Region, for example us-east-1`);
  }
  if (options.stackSet !== undefined && options.regions.length === 0 && options.stackSetRegion === undefined) {
    problems.push('--stack-set without --regions needs --stack-set-region: the StackSet\'s home Region, for example --stack-set-region us-east-1');
  }
  if (options.assumeRoleName === '') {
    problems.push('--assume-role-name is required with --accounts, --organizational-unit or --stack-set: name the role to assume in each account, for example --assume-role-name OrganizationAccountAccessRole');
  } else if (options.assumeRoleName.startsWith('arn:')) {
    problems.push(`--assume-role-name ${quoted(options.assumeRoleName)} is an ARN: give the role's name (its account differs per target), and its path with --assume-role-path`);
  } else if (!ROLE_NAME.test(options.assumeRoleName)) {
    problems.push(`--assume-role-name ${quoted(options.assumeRoleName)} is not an IAM role name: use 1-64 letters, digits or + = , . @ _ - (for example OrganizationAccountAccessRole), and give a path with --assume-role-path`);
  }
  const path = options.assumeRolePath;
  if (path !== undefined && (path.length > 512 || !IAM_PATH.test(path))) {
    problems.push(`--assume-role-path ${quoted(path)} is not an IAM path: start and end with "/", for example /audit/ (at most 512 characters)`);
  }
  if (options.guardPolicyName !== undefined && !POLICY_NAME.test(options.guardPolicyName)) {
    problems.push(`--guard-policy-name ${quoted(options.guardPolicyName)} is not an SCP name: give the name of the tamper-guard policy in AWS Organizations (1-128 characters)`);
  }
  if (options.externalId !== undefined && !EXTERNAL_ID.test(options.externalId)) {
    problems.push(`--external-id ${quoted(options.externalId)} is not an external id: use 2-1224 letters, digits or + = , . @ : / _ -`);
  }
  return problems;
}
