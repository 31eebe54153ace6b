import { RegionFindings } from './checks';
import { CheckStatus, RegionReport } from './types';

/** Statuses from worst to best: a Region, an account or a run is as bad as its worst row. */
const SEVERITY: CheckStatus[] = ['FAIL', 'WARN', 'PASS', 'SKIP'];

/** How many of each status. */
export function countStatuses(statuses: CheckStatus[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0 };
  for (const s of statuses) {
    counts[s]++;
  }
  return counts;
}

/** The worst of `statuses`; SKIP when there is none (nothing applied). */
export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  return SEVERITY.find((s) => statuses.includes(s)) ?? 'SKIP';
}

/** A Region's report from what its checks found. */
export function regionReport(region: string, findings: RegionFindings): RegionReport {
  const statuses = findings.checks.map((c) => c.status);
  return {
    region,
    status: worstStatus(statuses),
    ...(findings.s3DataPrefix !== undefined ? { s3DataPrefix: findings.s3DataPrefix } : {}),
    ...(findings.lastLog !== undefined ? { lastLog: findings.lastLog } : {}),
    checks: findings.checks,
    counts: countStatuses(statuses),
  };
}
