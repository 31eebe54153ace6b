/**
 * The account's global checks, once per account rather than per Region (IAM and AWS Organizations are
 * global): roles on the library's IAM path that no stack created (checks/library-roles.ts) and, in
 * the organization mode, the tamper-guard SCP above the account (checks/tamper-guard.ts).
 */
import { TAMPER_GUARD_POLICY_NAME } from '../../../lib/guard/facts';
import { GlobalContext, Rows } from './checks/common';
import { checkLibraryPathRoles } from './checks/library-roles';
import { checkTamperGuard } from './checks/tamper-guard';
import { errorLine } from './errors';
import { ScpLookup } from './scp-lookup';
import { countStatuses, worstStatus } from './status';
import { GLOBAL_CHECK_IDS, GlobalReport } from './types';

/** Where the organization mode looks for the tamper guard. */
export interface GuardSearch {
  /** The SCPs above each account, shared by every account of the run. */
  readonly scps: ScpLookup;
  /** `--guard-policy-name`. @default TAMPER_GUARD_POLICY_NAME */
  readonly policyName?: string;
}

/** Runs the account's global checks; `guard` (organization mode) adds the tamper guard's. Never throws: each problem becomes a row. */
export async function verifyGlobal(ctx: GlobalContext, guard?: GuardSearch): Promise<GlobalReport> {
  const ids = guard ? GLOBAL_CHECK_IDS : GLOBAL_CHECK_IDS.filter((id) => id !== 'tamper-guard-attached');
  const rows = new Rows(ids);
  try {
    await checkLibraryPathRoles(ctx, rows);
    if (guard) {
      await checkTamperGuard(ctx.account, guard.policyName ?? TAMPER_GUARD_POLICY_NAME, guard.scps, rows);
    }
  } catch (e) {
    // A bug or an unexpected answer must not hide the other checks: report it on the first unset row.
    const id = ids.find((c) => !rows.list().some((r) => r.id === c)) ?? ids[0];
    rows.fail(id, `verify stopped: ${errorLine(e)}`, 'rerun; if it persists, report it with the --json output');
    rows.skipUnset(ids, 'not checked: verify stopped earlier');
  }
  const checks = rows.list();
  const statuses = checks.map((c) => c.status);
  return { status: worstStatus(statuses), checks, counts: countStatuses(statuses) };
}
