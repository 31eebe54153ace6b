import { parseArgs } from 'node:util';
import { parseKeyPrefixArg } from './prefix';
import { UsageError, VerifyOptions } from './types';

export const COMMAND = 'cdk-bedrock-invocation-logging-verify';

export const USAGE = `Usage: ${COMMAND} [verify] --regions REGION[,REGION...] [options]

Checks, read-only, that Amazon Bedrock model invocation logging is on in each Region, that it
delivers to a safe S3 bucket Bedrock can write to, and (with --nops-role-name) that the nOps
integration role may read exactly the log prefix. Uses the standard AWS credential chain.

Options:
  --regions LIST              Regions to check, comma-separated (required), e.g. us-east-1,eu-west-1
  --nops-role-name NAME       the nOps integration role (Nops-Integration-... or NopsIntegrationRole-...)
  --key-prefix PREFIX         fail unless Bedrock writes under this key prefix
                              (default: the prefix of the logging configuration)
  --profile NAME              named profile of the shared AWS config files
  --allow-unavailable-regions report a Region without Bedrock as WARN instead of FAIL
  --archive-bucket NAME       the organization's log archive: in a member account, each Region's
                              log bucket must replicate into it; in the account that owns it, its
                              policy is checked (--regions may then be left out)
  --archive-account ID        the account that owns --archive-bucket (checked in members' rules)
  --organization-id ID        the organization the archive's policy must require (o-...)
  --json                      print the results as JSON
  -h, --help                  show this help

Exit codes: 0 nothing failed, 1 a check failed, 2 usage or credential error.
Only Get, List, Head, Describe and Simulate calls are made: nothing in the account changes.
`;

/** What the command line asks for. */
export type ParsedArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'verify'; readonly options: VerifyOptions; readonly json: boolean };

/** Parses `verify` arguments; throws `UsageError` with a one-line message. */
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
        'archive-bucket': { type: 'string' },
        'archive-account': { type: 'string' },
        'organization-id': { type: 'string' },
        'json': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0].replace(/\.?\s*To specify a positional argument.*$/, '')} (see --help)`);
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
  const regions = (values.regions ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean);
  if (regions.length === 0 && values['archive-bucket'] === undefined) {
    throw new UsageError('--regions is required, for example --regions us-east-1,eu-west-1 (only --archive-bucket, in the account that owns it, goes without)');
  }
  let nopsRoleName = values['nops-role-name'];
  if (nopsRoleName?.startsWith('arn:')) {
    // Accept the role's ARN too: GetRole takes the name, without the path.
    nopsRoleName = nopsRoleName.slice(nopsRoleName.lastIndexOf('/') + 1);
  }
  const keyPrefix = values['key-prefix'] === undefined ? undefined : parseKeyPrefixArg(values['key-prefix']);
  return {
    kind: 'verify',
    json: values.json ?? false,
    options: {
      regions,
      ...(nopsRoleName !== undefined ? { nopsRoleName } : {}),
      ...(keyPrefix !== undefined ? { keyPrefix } : {}),
      ...(values.profile ? { profile: values.profile } : {}),
      ...(values['allow-unavailable-regions'] ? { allowUnavailableRegions: true } : {}),
      ...(values['archive-bucket'] !== undefined ? { archiveBucket: values['archive-bucket'] } : {}),
      ...(values['archive-account'] !== undefined ? { archiveAccount: values['archive-account'] } : {}),
      ...(values['organization-id'] !== undefined ? { organizationId: values['organization-id'] } : {}),
    },
  };
}
