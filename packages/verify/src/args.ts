import { parseArgs } from 'node:util';
import { TAMPER_GUARD_POLICY_NAME } from '../../../lib/guard/facts';
import { organizationOptionProblems } from './organization-options';
import { parseKeyPrefixArg } from './prefix';
import { concurrencyProblem, optionProblems } from './run';
import { CallAs, DEFAULT_CONCURRENCY, MAX_CONCURRENCY, OrganizationOptions, UsageError, VerifyOptions } from './types';

export const COMMAND = 'cdk-bedrock-invocation-logging-verify';

export const USAGE = `Usage: ${COMMAND} [verify] --regions REGION[,REGION...] [options]
       ${COMMAND} [verify] --assume-role-name NAME (--accounts LIST | --organizational-unit ID | --stack-set NAME) [options]

Checks, read-only, that Amazon Bedrock model invocation logging is on in each Region, that it
delivers to a safe S3 bucket Bedrock can write to, and (with --nops-role-name) that the nOps
integration role may read exactly the log prefix; once per account, that every role on the
library's IAM path was created by a stack (and, across an organization, that the tamper-guard SCP
is attached above the account). Uses the standard AWS credential chain.

Options:
  --regions LIST              Regions to check, comma-separated (required), e.g. us-east-1,eu-west-1
  --nops-role-name NAME       the nOps integration role (Nops-Integration-... or NopsIntegrationRole-...),
                              or a pattern such as 'Nops-Integration-*' that matches exactly one
                              role in each account (* stands for any characters)
  --key-prefix PREFIX         fail unless Bedrock writes under this key prefix
                              (default: the prefix of the logging configuration)
  --profile NAME              named profile of the shared AWS config files
  --allow-unavailable-regions report a Region without Bedrock as WARN instead of FAIL
  --concurrency N             Regions (organization: account-Regions) read at once, 1-${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})
  --archive-bucket NAME       the organization's log archive: in a member account, each Region's
                              log bucket must replicate into it; in the account that owns it, its
                              policy is checked (--regions may then be left out)
  --archive-account ID        the account that owns --archive-bucket (checked in members' rules)
  --organization-id ID        the organization the archive's policy must require (o-...)
  --json                      print the results as JSON
  --csv                       print one line per account and Region as CSV (with the S3 Data Prefix)
  -h, --help                  show this help

Organization (run as a principal of the management or a delegated administrator account):
  --accounts LIST             account ids, comma-separated, e.g. 111122223333,444455556666
  --organizational-unit ID    every account under this OU or root (ou-... or r-...), recursively; repeatable
  --stack-set NAME            every account of this StackSet's stack instances; without --regions,
                              each account's stack instance Regions
  --stack-set-region REGION   the StackSet's home Region (default: the first of --regions)
  --call-as DELEGATED_ADMIN   list the StackSet as a delegated administrator (default: SELF)
  --assume-role-name NAME     role to assume in every account (required), e.g. OrganizationAccountAccessRole
  --assume-role-path PATH     its IAM path (default: /)
  --external-id ID            external id, if the role's trust policy requires one
  --guard-policy-name NAME    the tamper-guard SCP looked for above each account
                              (default: ${TAMPER_GUARD_POLICY_NAME}; also found by its statements)
  The caller's own account is read with the caller's credentials. An account whose role cannot be
  assumed is a FAIL row; the others are still read.

Exit codes: 0 nothing failed, 1 a check failed (or an account could not be read), 2 usage or credential error.
Only Get, List, Head, Describe and Simulate calls (and STS AssumeRole) are made: nothing in any account changes.
`;

/** How the results are printed. */
export type OutputFormat = 'table' | 'json' | 'csv';

/** What the command line asks for. */
export type ParsedArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'verify'; readonly options: VerifyOptions; readonly format: OutputFormat }
  | { readonly kind: 'organization'; readonly options: OrganizationOptions; readonly format: OutputFormat };

/** Values of a repeatable, comma-separated flag, trimmed, empty ones dropped. */
function list(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** Parses `verify` arguments; throws `UsageError` with one line per problem. */
export function parseVerifyArgs(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'regions': { type: 'string', multiple: true },
        'nops-role-name': { type: 'string' },
        'key-prefix': { type: 'string' },
        'profile': { type: 'string' },
        'allow-unavailable-regions': { type: 'boolean' },
        'concurrency': { type: 'string' },
        'archive-bucket': { type: 'string' },
        'archive-account': { type: 'string' },
        'organization-id': { type: 'string' },
        'json': { type: 'boolean' },
        'csv': { type: 'boolean' },
        'accounts': { type: 'string', multiple: true },
        'organizational-unit': { type: 'string', multiple: true },
        'stack-set': { type: 'string' },
        'stack-set-region': { type: 'string' },
        'call-as': { type: 'string' },
        'assume-role-name': { type: 'string' },
        'assume-role-path': { type: 'string' },
        'external-id': { type: 'string' },
        'guard-policy-name': { type: 'string' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    const message = (e as Error).message;
    // node's "argument is ambiguous" (a value starting with "-") says how to write it on a later line.
    const ambiguous = /Option '(--[\w-]+)' argument is ambiguous/.exec(message);
    if (ambiguous) {
      throw new UsageError(`${ambiguous[1]}: a value that starts with "-" must be written ${ambiguous[1]}=VALUE (see --help)`);
    }
    throw new UsageError(`${message.split('\n')[0].replace(/\.?\s*To specify a positional argument.*$/, '')} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') {
    return { kind: 'help' };
  }
  // "verify" is the only command, so it may be left out (as in "npm run verify -- --regions us-east-1").
  const rest = positionals[0] === 'verify' ? positionals.slice(1) : positionals;
  if (positionals.length > 0 && positionals[0] !== 'verify' && !/^[a-z]{2}-/.test(positionals[0])) {
    throw new UsageError(`unknown command ${JSON.stringify(positionals[0])}: the only command is "verify" (see --help)`);
  }
  if (rest.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}: give Regions with --regions (see --help)`);
  }
  const problems: string[] = [];
  if (values.json && values.csv) {
    problems.push('--json and --csv: choose one');
  }
  const format: OutputFormat = values.csv ? 'csv' : values.json ? 'json' : 'table';
  const regions = list(values.regions);
  let nopsRoleName = values['nops-role-name'];
  if (nopsRoleName?.startsWith('arn:')) {
    // Accept the role's ARN too: GetRole takes the name, without the path.
    nopsRoleName = nopsRoleName.slice(nopsRoleName.lastIndexOf('/') + 1);
  }
  let keyPrefix: string | undefined;
  if (values['key-prefix'] !== undefined) {
    try {
      keyPrefix = parseKeyPrefixArg(values['key-prefix']);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const concurrencyText = values.concurrency;
  const concurrencyLine = concurrencyProblem(concurrencyText);
  if (concurrencyLine) {
    problems.push(concurrencyLine);
  }
  const options: VerifyOptions = {
    regions,
    ...(nopsRoleName !== undefined ? { nopsRoleName } : {}),
    ...(keyPrefix !== undefined ? { keyPrefix } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    ...(values['allow-unavailable-regions'] ? { allowUnavailableRegions: true } : {}),
    ...(concurrencyText !== undefined && !concurrencyLine ? { concurrency: Number(concurrencyText.trim()) } : {}),
    ...(values['archive-bucket'] !== undefined ? { archiveBucket: values['archive-bucket'] } : {}),
    ...(values['archive-account'] !== undefined ? { archiveAccount: values['archive-account'] } : {}),
    ...(values['organization-id'] !== undefined ? { organizationId: values['organization-id'] } : {}),
  };

  const organizationFlags = ['accounts', 'organizational-unit', 'stack-set', 'stack-set-region', 'call-as', 'assume-role-name', 'assume-role-path', 'external-id'] as const;
  if (!organizationFlags.some((flag) => values[flag] !== undefined)) {
    if (values['guard-policy-name'] !== undefined) {
      problems.push('--guard-policy-name is for the organization mode (Organizations answers only the management account or a delegated administrator): add --accounts, --organizational-unit or --stack-set with --assume-role-name, or drop it');
    }
    problems.push(...optionProblems(options).filter((p) => !problems.includes(p)));
    if (problems.length > 0) {
      throw new UsageError(problems.join('\n'));
    }
    return { kind: 'verify', format, options };
  }
  const organization: OrganizationOptions = {
    ...options,
    accounts: list(values.accounts),
    organizationalUnits: list(values['organizational-unit']),
    ...(values['stack-set'] !== undefined ? { stackSet: values['stack-set'] } : {}),
    ...(values['stack-set-region'] !== undefined ? { stackSetRegion: values['stack-set-region'] } : {}),
    ...(values['call-as'] !== undefined ? { callAs: values['call-as'] as CallAs } : {}),
    assumeRoleName: values['assume-role-name'] ?? '',
    ...(values['assume-role-path'] !== undefined ? { assumeRolePath: values['assume-role-path'] } : {}),
    ...(values['external-id'] !== undefined ? { externalId: values['external-id'] } : {}),
    ...(values['guard-policy-name'] !== undefined ? { guardPolicyName: values['guard-policy-name'] } : {}),
  };
  problems.push(...organizationOptionProblems(organization).filter((p) => !problems.includes(p)));
  if (problems.length > 0) {
    throw new UsageError(problems.join('\n'));
  }
  return { kind: 'organization', format, options: organization };
}
