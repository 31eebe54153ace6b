import { keyPrefixProblems, logObjectsFolder, prefixPath } from '../../../lib/shared/facts';
import { UsageError } from './types';

export { prefixPath };

/** A key prefix as Bedrock stores it, without trailing `/` (Bedrock accepts both forms). */
export function normalizeConfiguredPrefix(value: string | undefined): string {
  return (value ?? '').replace(/\/+$/, '');
}

/** The folder Bedrock writes under: `PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/`. */
export const logsBase = logObjectsFolder;

/** Validates and normalises `--key-prefix` with the constructs' own `keyPrefix` rules. */
export function parseKeyPrefixArg(value: string): string {
  const { prefix, problems } = keyPrefixProblems(value, '--key-prefix');
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return prefix;
}
