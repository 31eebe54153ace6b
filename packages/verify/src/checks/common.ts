/** What every check of a Region works with: the Region's context and its rows. */
import { RegionClients } from '../clients';
import { errorLine, isAccessDenied } from '../errors';
import { SourceScope } from '../policy';
import { CHECK_IDS, CHECK_TITLES, CheckId, CheckResult, CheckStatus, REPLICATION_CHECK_IDS, VerifyOptions } from '../types';

/** What a Region is checked with. */
export interface RegionContext {
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  readonly options: VerifyOptions;
  readonly clients: RegionClients;
  readonly now: Date;
}

/** What an account's global checks work with: IAM and AWS Organizations are global, CloudFormation is not. */
export interface GlobalContext {
  readonly account: string;
  readonly partition: string;
  readonly options: VerifyOptions;
  /** The Regions checked: where the library's stacks are looked for; IAM is read through the first one's endpoint. */
  readonly regions: readonly string[];
  /** Other Regions the library's stacks are known to be in (a StackSet's instances). @default - none */
  readonly stackRegions?: readonly string[];
  /** The clients of a Region checked, in the account read. */
  readonly clientsFor: (region: string) => RegionClients;
}

/** The rows of one Region, reported in `CHECK_IDS` order (or of the account's global checks, in `order`). */
export class Rows {
  private readonly rows = new Map<CheckId, CheckResult>();

  constructor(private readonly order: readonly CheckId[] = [...CHECK_IDS, ...REPLICATION_CHECK_IDS]) {}

  /** The S3 destination as nOps takes it, once known. */
  public s3DataPrefix?: string;
  /** The newest invocation log found, once known. */
  public lastLog?: Date;

  public set(id: CheckId, status: CheckStatus, detail: string, fix?: string): void {
    this.rows.set(id, { id, title: CHECK_TITLES[id], status, detail, ...(fix && status !== 'PASS' && status !== 'SKIP' ? { fix } : {}) });
  }
  public pass(id: CheckId, detail: string): void { this.set(id, 'PASS', detail); }
  public fail(id: CheckId, detail: string, fix: string): void { this.set(id, 'FAIL', detail, fix); }
  public warn(id: CheckId, detail: string, fix: string): void { this.set(id, 'WARN', detail, fix); }
  public skip(id: CheckId, detail: string): void { this.set(id, 'SKIP', detail); }

  /** Marks every check in `ids` not yet reported as skipped for `reason`. */
  public skipUnset(ids: readonly CheckId[], reason: string): void {
    for (const id of ids) {
      if (!this.rows.has(id)) {
        this.skip(id, reason);
      }
    }
  }

  public list(): CheckResult[] {
    return this.order.filter((id) => this.rows.has(id)).map((id) => this.rows.get(id)!);
  }
}

/** "could not read X: AccessDenied ..." with the permission the caller needs. */
export function unreadable(rows: Rows, id: CheckId, permission: string, e: unknown): void {
  const fix = isAccessDenied(e)
    ? `run verify with a principal allowed ${permission}, then rerun`
    : 'check the network and credentials, then rerun';
  rows.fail(id, `could not check: ${errorLine(e)}`, fix);
}

/** The account and Region that the confused-deputy conditions for Bedrock must name. */
export function scopeOf(ctx: RegionContext): SourceScope {
  return { partition: ctx.partition, account: ctx.account, region: ctx.region };
}
