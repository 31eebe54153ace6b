export { runVerify, validateOptions, optionProblems } from './run';
export type { VerifyDeps } from './run';
export { runOrganization } from './organization';
export type { OrganizationDeps } from './organization';
export { organizationOptionProblems } from './organization-options';
export { ROLE_SESSION_NAME } from './assume';
export { parseVerifyArgs, USAGE } from './args';
export type { OutputFormat, ParsedArgs } from './args';
export { formatJson, formatTable } from './report';
export { formatCsv, formatOrganizationJson, formatOrganizationTable, s3DataPrefixes } from './organization-report';
export { createOrganizationClients, createRegionClients, guardReadOnly, READ_ONLY_OPERATION } from './clients';
export type { ClientSettings, OrganizationClients, RegionClients, SessionCredentials } from './clients';
export { ARCHIVE_CHECK_IDS, CHECK_IDS, CHECK_TITLES, DEFAULT_CONCURRENCY, GLOBAL_CHECK_IDS, MAX_CONCURRENCY, REPLICATION_CHECK_IDS, UsageError } from './types';
export type {
  AccountAccess, AccountReport, ArchiveReport, CallAs, CheckId, CheckResult, CheckStatus, GlobalReport, OrganizationOptions, OrganizationOutcome,
  OrganizationReport, RegionReport, VerifyOptions, VerifyOutcome, VerifyReport,
} from './types';
