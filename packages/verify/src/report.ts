import { CHECK_TITLES, CheckResult, CheckStatus, VerifyOutcome, VerifyReport } from './types';

const COLORS: Record<CheckStatus, [string, string]> = {
  PASS: ['\x1b[32m', '\x1b[39m'],
  FAIL: ['\x1b[31m', '\x1b[39m'],
  WARN: ['\x1b[33m', '\x1b[39m'],
  SKIP: ['\x1b[2m', '\x1b[22m'],
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summary(counts: Record<CheckStatus, number>): string {
  return `${counts.PASS} pass, ${counts.FAIL} fail, ${counts.WARN} warn, ${counts.SKIP} skip`;
}

/** The report as a table by Region and check, for a terminal. */
export function formatTable(report: VerifyReport, options: { color?: boolean } = {}): string {
  const paint = (status: CheckStatus, text: string): string => (options.color ? `${COLORS[status][0]}${text}${COLORS[status][1]}` : text);
  const width = Math.max(...Object.values(CHECK_TITLES).map((t) => t.length));
  const lines: string[] = [`Account ${report.account} (caller ${report.callerArn})`];
  const section = (heading: string, counts: Record<CheckStatus, number>, checks: CheckResult[]): void => {
    lines.push('', `${heading}  [${summary(counts)}]`);
    for (const check of checks) {
      lines.push(`  ${paint(check.status, check.status.padEnd(4))}  ${check.title.padEnd(width)}  ${check.detail}`);
      if (check.fix) {
        lines.push(`  ${' '.repeat(4)}  ${' '.repeat(width)}  fix: ${check.fix}`);
      }
    }
  };
  for (const region of report.regions) {
    section(region.region, region.counts, region.checks);
  }
  if (report.global) {
    // Once for the account (IAM is global), after its Regions.
    section('global', report.global.counts, report.global.checks);
  }
  if (report.archive) {
    section(`archive s3://${report.archive.bucket} (${report.archive.region})`, report.archive.counts, report.archive.checks);
  }
  const { FAIL, WARN } = report.counts;
  const parts = [plural(report.regions.length, 'Region'), ...report.global ? ['the global checks'] : [], ...report.archive ? ['the archive'] : []];
  const where = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  lines.push('', report.ok
    ? `${paint('PASS', 'PASS')}: nothing failed in ${where}${WARN ? ` (${plural(WARN, 'warning')})` : ''}`
    : `${paint('FAIL', 'FAIL')}: ${plural(FAIL, 'check')} failed in ${where}${WARN ? `, ${plural(WARN, 'warning')}` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** The outcome as JSON, for pipelines. */
export function formatJson(outcome: VerifyOutcome): string {
  const body = outcome.report
    ? { exitCode: outcome.exitCode, ...outcome.report }
    : { exitCode: outcome.exitCode, error: outcome.error };
  return `${JSON.stringify(body, null, 2)}\n`;
}
