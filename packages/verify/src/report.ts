import { CHECK_TITLES, CheckStatus, VerifyOutcome, VerifyReport } from './types';

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
  for (const region of report.regions) {
    lines.push('', `${region.region}  [${summary(region.counts)}]`);
    for (const check of region.checks) {
      lines.push(`  ${paint(check.status, check.status.padEnd(4))}  ${check.title.padEnd(width)}  ${check.detail}`);
      if (check.fix) {
        lines.push(`  ${' '.repeat(4)}  ${' '.repeat(width)}  fix: ${check.fix}`);
      }
    }
  }
  if (report.archive) {
    const a = report.archive;
    lines.push('', `archive s3://${a.bucket} (${a.region})  [${summary(a.counts)}]`);
    for (const check of a.checks) {
      lines.push(`  ${paint(check.status, check.status.padEnd(4))}  ${check.title.padEnd(width)}  ${check.detail}`);
      if (check.fix) lines.push(`  ${' '.repeat(4)}  ${' '.repeat(width)}  fix: ${check.fix}`);
    }
  }
  const { FAIL, WARN } = report.counts;
  const where = `${plural(report.regions.length, 'Region')}${report.archive ? ' and the archive' : ''}`;
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
