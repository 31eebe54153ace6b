/** The organization report as a summary table (account x Region, and each account's global checks; worst status), JSON and CSV. */
import { countStatuses, worstStatus } from './status';
import { AccountReport, CheckResult, CheckStatus, OrganizationOutcome, OrganizationReport, VerifyReport } from './types';

/** What the REGION column says on an account's line of global checks (IAM, Organizations). */
export const GLOBAL_REGION = 'global';

const COLORS: Record<CheckStatus, [string, string]> = {
  PASS: ['\x1b[32m', '\x1b[39m'],
  FAIL: ['\x1b[31m', '\x1b[39m'],
  WARN: ['\x1b[33m', '\x1b[39m'],
  SKIP: ['\x1b[2m', '\x1b[22m'],
};

/** Longest problem text in the table; JSON and CSV carry it whole. */
const TABLE_PROBLEM_WIDTH = 120;

/** One account and Region (or `global`), as the CSV has it: every requested pair once, also when the account could not be read. */
export interface SummaryRow {
  readonly account: string;
  readonly name: string;
  readonly region: string;
  readonly status: CheckStatus;
  readonly access: AccountReport['access'];
  /** `s3://BUCKET/PREFIX/` when logging has an S3 destination. */
  readonly s3DataPrefix: string;
  /** When Bedrock last wrote a log there (ISO 8601), or empty. */
  readonly lastLog: string;
  /** The first FAIL (else WARN) row as `Title: detail`, or why the account could not be read. */
  readonly problem: string;
  readonly fix: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The first FAIL row, else the first WARN row, of a Region or of the global checks. */
function firstProblem(report: { readonly checks: CheckResult[] }): { problem: string; fix: string } {
  const row = report.checks.find((c) => c.status === 'FAIL') ?? report.checks.find((c) => c.status === 'WARN');
  return row ? { problem: `${row.title}: ${row.detail}`, fix: row.fix ?? '' } : { problem: '', fix: '' };
}

/**
 * The rows of one account: one per Region read and one `global` for its global checks, or one per
 * requested Region with the reason it was not read.
 */
export function accountRows(account: AccountReport): SummaryRow[] {
  const base = { account: account.account, name: account.name ?? '', access: account.access };
  if (account.access === 'unreachable' || account.access === 'not-active') {
    return account.requestedRegions.map((region) => ({ ...base, region, status: account.status, s3DataPrefix: '', lastLog: '', problem: account.error ?? '', fix: account.fix ?? '' }));
  }
  const global = account.global ? [{ ...base, region: GLOBAL_REGION, status: account.global.status, s3DataPrefix: '', lastLog: '', ...firstProblem(account.global) }] : [];
  return [...account.regions.map((r) => ({ ...base, region: r.region, status: r.status, s3DataPrefix: r.s3DataPrefix ?? '', lastLog: r.lastLog ?? '', ...firstProblem(r) })), ...global];
}

/** The single-account report as the one account of an organization report (for `--csv` without the organization mode). */
export function asOrganizationReport(report: VerifyReport): OrganizationReport {
  const statuses = report.regions.map((r) => r.status);
  const global = report.global ? [report.global.status] : [];
  return {
    callerAccount: report.account,
    callerArn: report.callerArn,
    partition: report.partition,
    accounts: [{
      account: report.account, access: 'caller', sessionArn: report.callerArn, status: worstStatus([...statuses, ...global]),
      requestedRegions: report.regions.map((r) => r.region), regions: report.regions, ...(report.global ? { global: report.global } : {}),
    }],
    ok: report.ok,
    counts: countStatuses(statuses),
    globalCounts: countStatuses(global),
    unreachable: 0,
  };
}

/** Fits `text` in `width` characters. */
function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 3)}...` : text;
}

/** What the table's last column says: the S3 Data Prefix where nothing failed (and the first warning), else the first failure. */
function lastColumn(row: SummaryRow): string {
  if (row.status === 'FAIL' || !row.s3DataPrefix) {
    return row.problem;
  }
  return row.status === 'WARN' ? `${row.s3DataPrefix}  (WARN ${row.problem.slice(0, row.problem.indexOf(':'))})` : row.s3DataPrefix;
}

/**
 * The summary table: one line per account and Region and one `global` line per account read (one
 * line per account that could not be read), its worst status, and the S3 Data Prefix to paste into
 * nOps, or the first failure.
 */
export function formatOrganizationTable(report: OrganizationReport, options: { color?: boolean } = {}): string {
  const paint = (status: CheckStatus, text: string): string => (options.color ? `${COLORS[status][0]}${text}${COLORS[status][1]}` : text);
  const named = report.accounts.some((a) => a.name);
  const entries: Array<{ cells: string[]; status: CheckStatus; fix?: string }> = [];
  for (const account of report.accounts) {
    if (account.access === 'unreachable' || account.access === 'not-active') {
      // The same reason for every Region: one line, and the fix under it.
      entries.push({
        cells: [account.account, account.name ?? '', `all ${account.requestedRegions.length}`, account.status, account.error ?? ''],
        status: account.status,
        ...(account.fix ? { fix: account.fix } : {}),
      });
    } else {
      accountRows(account).forEach((r) => entries.push({ cells: [r.account, r.name, r.region, r.status, lastColumn(r)], status: r.status }));
    }
  }
  const header = ['ACCOUNT', 'NAME', 'REGION', 'STATUS', 'S3 DATA PREFIX (or the first failure)'];
  const widths = header.map((h, i) => Math.max(h.length, ...entries.map((e) => e.cells[i].length)));
  const shown = (i: number): boolean => i !== 1 || named;
  const indent = ' '.repeat([0, 1, 2, 3].filter(shown).reduce((sum, i) => sum + widths[i] + 2, 0));
  const line = (cells: string[], status?: CheckStatus): string => cells
    .map((c, i) => (i === 4 ? clip(c, TABLE_PROBLEM_WIDTH) : i === 3 && status ? paint(status, c.padEnd(widths[i])) : c.padEnd(widths[i])))
    .filter((_, i) => shown(i))
    .join('  ')
    .trimEnd();
  const out: string[] = [`Organization: ${plural(report.accounts.length, 'account')}, caller ${report.callerArn}`, '', line(header)];
  for (const entry of entries) {
    out.push(line(entry.cells, entry.status));
    if (entry.fix) {
      out.push(`${indent}fix: ${entry.fix}`);
    }
  }
  const total = Object.values(report.counts).reduce((a, b) => a + b, 0);
  const notActive = report.accounts.filter((a) => a.access === 'not-active').length;
  const globals = report.globalCounts;
  const extras = [
    report.unreachable ? `${plural(report.unreachable, 'account')} could not be read` : '',
    notActive ? `${plural(notActive, 'account')} not active (skipped)` : '',
    report.counts.WARN ? plural(report.counts.WARN, 'warning') : '',
    globals.WARN ? `global warnings in ${plural(globals.WARN, 'account')}` : '',
  ].filter(Boolean);
  const failures = [
    report.counts.FAIL || !globals.FAIL ? `${report.counts.FAIL} of ${plural(total, 'account-Region')} failed` : '',
    globals.FAIL ? `global checks failed in ${plural(globals.FAIL, 'account')}` : '',
  ].filter(Boolean);
  const withLogs = s3DataPrefixes(report).filter((p) => p.lastLog).length;
  out.push('', report.ok
    ? `${paint('PASS', 'PASS')}: nothing failed in ${plural(total, 'account-Region')}${extras.length ? ` (${extras.join(', ')})` : ''}`
    : `${paint('FAIL', 'FAIL')}: ${failures.join(', ')}${extras.length ? `; ${extras.join(', ')}` : ''}`);
  out.push(`${plural(withLogs, 'account-Region')} with logs: one nOps integration each (--json or --csv lists the S3 Data Prefixes)`);
  return `${out.join('\n')}\n`;
}

/** Every account's and Region's S3 Data Prefix, for nOps "Add Bedrock Integration". */
export function s3DataPrefixes(report: OrganizationReport): Array<{ account: string; name?: string; region: string; status: CheckStatus; s3DataPrefix: string; lastLog?: string }> {
  return report.accounts.flatMap((a) => a.regions
    .filter((r) => r.s3DataPrefix !== undefined)
    .map((r) => ({
      account: a.account, ...(a.name ? { name: a.name } : {}), region: r.region, status: r.status, s3DataPrefix: r.s3DataPrefix!,
      ...(r.lastLog ? { lastLog: r.lastLog } : {}),
    })));
}

/** The outcome as JSON: the report, every check of every account-Region, and the list of S3 Data Prefixes. */
export function formatOrganizationJson(outcome: OrganizationOutcome): string {
  const body = outcome.report
    ? { exitCode: outcome.exitCode, mode: 'organization', ...outcome.report, s3DataPrefixes: s3DataPrefixes(outcome.report) }
    : { exitCode: outcome.exitCode, error: outcome.error };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** A CSV field (RFC 4180); a leading = + - @ is quoted with ' so that a spreadsheet does not run it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_COLUMNS = ['account', 'name', 'region', 'status', 'access', 's3_data_prefix', 'last_log', 'problem', 'fix'] as const;

/** One line per account and requested Region and one `global` line per account read (header first), CRLF-terminated as RFC 4180 asks. */
export function formatCsv(report: OrganizationReport): string {
  const rows = report.accounts.flatMap(accountRows).map((r) => [r.account, r.name, r.region, r.status, r.access, r.s3DataPrefix, r.lastLog, r.problem, r.fix]);
  return [[...CSV_COLUMNS], ...rows].map((cells) => cells.map(csvField).join(',')).join('\r\n') + '\r\n';
}
