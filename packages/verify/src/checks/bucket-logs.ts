/** The logs in the bucket: Bedrock's permission-check object and the Region's newest invocation log. */
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { errorLine, isAccessDenied } from '../errors';
import { logsBase } from '../prefix';
import { S3Destination } from './bedrock';
import { RegionContext, Rows, unreadable } from './common';

/** The zero-byte object Bedrock writes when logging is configured. */
export const PERMISSION_CHECK_OBJECT = 'amazon-bedrock-logs-permission-check';

/** Logs older than this are reported as a warning: delivery may have stopped. */
export const STALE_AFTER_DAYS = 7;

interface Listing {
  readonly folders: string[];
  readonly objects: Array<{ key: string; lastModified?: Date }>;
}

async function list(ctx: RegionContext, bucketName: string, prefix: string, maxPages: number): Promise<Listing> {
  const folders: string[] = [];
  const objects: Array<{ key: string; lastModified?: Date }> = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await ctx.clients.s3.send(new ListObjectsV2Command({
      Bucket: bucketName, Prefix: prefix, Delimiter: '/', ContinuationToken: token, ExpectedBucketOwner: ctx.account,
    }));
    folders.push(...(result.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter(Boolean));
    objects.push(...(result.Contents ?? []).map((o) => ({ key: o.Key ?? '', lastModified: o.LastModified })));
    token = result.IsTruncated ? result.NextContinuationToken : undefined;
    if (!token) {
      break;
    }
  }
  return { folders: folders.sort(), objects };
}

function latest(objects: Array<{ lastModified?: Date }>): Date | undefined {
  return objects.reduce<Date | undefined>((max, o) => (o.lastModified && (!max || o.lastModified > max) ? o.lastModified : max), undefined);
}

function age(now: Date, then: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - then.getTime()) / 60000));
  if (minutes < 90) {
    return `${minutes} min ago`;
  }
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

export async function checkBedrockWrites(ctx: RegionContext, rows: Rows, s3: S3Destination): Promise<void> {
  const base = logsBase(s3.prefix, ctx.account);
  const where = `s3://${s3.bucketName}/${base}`;
  const invokeFix = `invoke a model in ${ctx.region} (the SOP test plan), wait a few minutes and rerun; if nothing arrives, check the bucket policy and key policy rows`;
  let checkObject: Date | undefined;
  let newest: { at: Date; key: string } | undefined;
  try {
    const top = await list(ctx, s3.bucketName, base, 2);
    const regionRoot = `${base}${ctx.region}/`;
    const inRegion = await list(ctx, s3.bucketName, regionRoot, 2);
    const checks = [...top.objects, ...inRegion.objects].filter((o) => o.key.slice(o.key.lastIndexOf('/') + 1).startsWith(PERMISSION_CHECK_OBJECT));
    checkObject = latest(checks);
    // Walk YYYY/MM/DD/HH, newest folder first at each level.
    let folder: string | undefined = inRegion.folders[inRegion.folders.length - 1];
    for (let level = 1; folder && level < 4; level++) {
      const next: Listing = await list(ctx, s3.bucketName, folder, 2);
      folder = next.folders.filter((f) => !f.endsWith('/data/')).pop();
    }
    if (folder) {
      const hour = await list(ctx, s3.bucketName, folder, 10);
      let logs = hour.objects.filter((o) => !o.key.endsWith(PERMISSION_CHECK_OBJECT));
      if (logs.length === 0 && hour.folders.some((f) => f.endsWith('/data/'))) {
        logs = (await list(ctx, s3.bucketName, `${folder}data/`, 10)).objects;
      }
      const at = latest(logs);
      if (at) {
        newest = { at, key: logs.find((o) => o.lastModified === at)!.key };
      }
    }
  } catch (e) {
    if (isAccessDenied(e)) {
      try {
        const head = await ctx.clients.s3.send(new HeadObjectCommand({ Bucket: s3.bucketName, Key: `${base}${PERMISSION_CHECK_OBJECT}`, ExpectedBucketOwner: ctx.account }));
        rows.warn('bedrock-writes', `could not list ${where} (${errorLine(e)}); the permission-check object is there (${head.LastModified?.toISOString() ?? 'date unknown'})`,
          `run verify with a principal allowed s3:ListBucket on arn:${ctx.partition}:s3:::${s3.bucketName} to see the latest log`);
        return;
      } catch {
        // Fall through to the refusal of the listing.
      }
    }
    unreadable(rows, 'bedrock-writes', `s3:ListBucket on arn:${ctx.partition}:s3:::${s3.bucketName}`, e);
    return;
  }

  if (newest) {
    rows.lastLog = newest.at;
    const days = (ctx.now.getTime() - newest.at.getTime()) / 86400000;
    const detail = `last log ${newest.at.toISOString()} (${age(ctx.now, newest.at)}): s3://${s3.bucketName}/${newest.key}`;
    if (days > STALE_AFTER_DAYS) {
      rows.warn('bedrock-writes', `no new log for more than ${STALE_AFTER_DAYS} days; ${detail}`, invokeFix);
    } else {
      rows.pass('bedrock-writes', detail);
    }
  } else if (checkObject) {
    rows.warn('bedrock-writes', `only the ${PERMISSION_CHECK_OBJECT} object (${checkObject.toISOString()}): no invocation has been logged in ${ctx.region} yet`, invokeFix);
  } else {
    rows.fail('bedrock-writes', `nothing under ${where}: Bedrock has not written here`,
      're-apply the logging configuration (Bedrock writes a permission-check object when it is set), then invoke a model and rerun');
  }
}
