/**
 * One Region's checks, in the order they run: the logging setting (checks/bedrock.ts), the log
 * bucket (checks/bucket*.ts), the CloudWatch destination (checks/cloudwatch.ts), the nOps role
 * (checks/nops.ts) and, with --archive-bucket, replication into the archive
 * (checks/replication.ts).
 */
import { checkDataTypes, checkLoggingConfiguration, checkS3Destination } from './checks/bedrock';
import { BUCKET_IDS, BucketFacts, checkBucket, UNREADABLE_BUCKET } from './checks/bucket';
import { checkCloudWatch, CLOUDWATCH_IDS } from './checks/cloudwatch';
import { RegionContext, Rows } from './checks/common';
import { checkNops } from './checks/nops';
import { checkMemberReplication, ReplicationSource } from './checks/replication';
import { errorLine } from './errors';
import { CHECK_IDS, CheckResult } from './types';

export type { RegionContext } from './checks/common';

/** What `verifyRegion` found in one Region. */
export interface RegionFindings {
  readonly checks: CheckResult[];
  /** `s3://BUCKET/PREFIX/` of the S3 destination, when there is one. */
  readonly s3DataPrefix?: string;
  /** When Bedrock last wrote an invocation log there (ISO 8601), when it has. */
  readonly lastLog?: string;
}

/** Runs every check for one Region. Never throws: each problem becomes a row. */
export async function verifyRegion(ctx: RegionContext): Promise<RegionFindings> {
  const rows = new Rows();
  try {
    await checkRegion(ctx, rows);
  } catch (e) {
    // A bug or an unexpected answer must not hide the other Regions: report it on the first unset row.
    const id = CHECK_IDS.find((c) => !rows.list().some((r) => r.id === c)) ?? 'logging-enabled';
    rows.fail(id, `verify stopped: ${errorLine(e)}`, 'rerun; if it persists, report it with the --json output');
    rows.skipUnset(CHECK_IDS.filter((c) => c !== 'bedrock-available'), 'not checked: verify stopped earlier');
  }
  return {
    checks: rows.list(),
    ...(rows.s3DataPrefix !== undefined ? { s3DataPrefix: rows.s3DataPrefix } : {}),
    ...(rows.lastLog ? { lastLog: rows.lastLog.toISOString() } : {}),
  };
}

async function checkRegion(ctx: RegionContext, rows: Rows): Promise<void> {
  const found: { source?: ReplicationSource } = {};
  await checkLogging(ctx, rows, found);
  // With --archive-bucket: this Region's replication into the organization's archive (checks/replication.ts).
  if (ctx.options.archiveBucket) {
    await checkMemberReplication(ctx, (id, status, detail, fix) => rows.set(id, status, detail, fix), found.source, 'no log bucket of this account to replicate from');
  }
}

async function checkLogging(ctx: RegionContext, rows: Rows, found: { source?: ReplicationSource }): Promise<void> {
  const config = await checkLoggingConfiguration(ctx, rows);
  if (config === undefined) {
    return;
  }
  if (config === 'off') {
    rows.skipUnset(['s3-destination', 'data-types', ...BUCKET_IDS, ...CLOUDWATCH_IDS], 'logging is off');
    await checkNops(ctx, rows, undefined, undefined, 'logging is off');
    return;
  }

  const s3 = checkS3Destination(ctx, rows, config);
  checkDataTypes(rows, config);

  let bucket: BucketFacts | 'missing' | 'foreign' | undefined;
  if (s3) {
    bucket = await checkBucket(ctx, rows, s3, config);
    if (bucket !== 'missing' && bucket !== 'foreign') found.source = { bucketName: s3.bucketName, prefix: s3.prefix, sseKms: bucket.kmsKeyArn !== undefined };
  } else {
    rows.skipUnset(BUCKET_IDS, 'no S3 destination');
  }
  await checkCloudWatch(ctx, rows, config);
  if (!s3) {
    await checkNops(ctx, rows, undefined, config, 'no S3 destination to read');
  } else if (bucket === 'missing' || bucket === 'foreign') {
    await checkNops(ctx, rows, undefined, config, UNREADABLE_BUCKET[bucket]);
  } else {
    await checkNops(ctx, rows, { ...s3, ...bucket }, config, '');
  }
}
