export { runVerify, validateOptions } from './run';
export type { VerifyDeps } from './run';
export { parseVerifyArgs, USAGE } from './args';
export type { ParsedArgs } from './args';
export { formatJson, formatTable } from './report';
export { createRegionClients, guardReadOnly, READ_ONLY_OPERATION } from './clients';
export type { RegionClients, ClientSettings } from './clients';
export { ARCHIVE_CHECK_IDS, CHECK_IDS, CHECK_TITLES, REPLICATION_CHECK_IDS, UsageError } from './types';
export type { ArchiveReport, CheckId, CheckResult, CheckStatus, RegionReport, VerifyOptions, VerifyOutcome, VerifyReport } from './types';
