import { UsageError } from './types';

/** A key prefix as Bedrock stores it, without trailing `/` (Bedrock accepts both forms). */
export function normalizeConfiguredPrefix(value: string | undefined): string {
  return (value ?? '').replace(/\/+$/, '');
}

/** `prefix/` or the empty string: what goes in front of `AWSLogs/` in object keys. */
export function prefixPath(prefix: string): string {
  return prefix ? `${prefix}/` : '';
}

/** The folder Bedrock writes under: `PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/`. */
export function logsBase(prefix: string, account: string): string {
  return `${prefixPath(prefix)}AWSLogs/${account}/BedrockModelInvocationLogs/`;
}

/** Validates and normalises `--key-prefix` (the same rules as the constructs' `keyPrefix`). */
export function parseKeyPrefixArg(value: string): string {
  const shown = JSON.stringify(value);
  if (/^s3:\/\//i.test(value)) {
    throw new UsageError(`--key-prefix ${shown} is a URL: give only the key prefix (for example "bedrock"), without "s3://" and the bucket name`);
  }
  if (value.startsWith('/')) {
    throw new UsageError(`--key-prefix ${shown} starts with "/": S3 keys have no leading slash`);
  }
  if (/[*?]/.test(value)) {
    throw new UsageError(`--key-prefix ${shown} contains a wildcard: give the literal prefix`);
  }
  return normalizeConfiguredPrefix(value);
}
