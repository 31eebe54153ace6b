/**
 * The log bucket: in this account and Region, public access blocked, ACLs disabled, versioning on.
 * Its policy, its encryption and the logs in it have their own files (bucket-*.ts).
 */
import { LoggingConfig } from '@aws-sdk/client-bedrock';
import {
  GetBucketLocationCommand, GetBucketOwnershipControlsCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, ListBucketsCommand,
} from '@aws-sdk/client-s3';
import { errorLine, isAccessDenied, isError } from '../errors';
import { CheckId } from '../types';
import { S3Destination } from './bedrock';
import { checkEncryption, checkKmsKeyPolicy } from './bucket-encryption';
import { checkBedrockWrites } from './bucket-logs';
import { BucketPolicyState, checkBucketPolicy } from './bucket-policy';
import { RegionContext, Rows, unreadable } from './common';

/** The bucket's rows, skipped together when there is no bucket to read. */
export const BUCKET_IDS: CheckId[] = ['bucket-location', 'bucket-policy', 'bucket-encryption', 'public-access-block', 'object-ownership', 'versioning', 'kms-key-policy', 'bedrock-writes'];

/** What the bucket checks learned, for the nOps checks. */
export interface BucketFacts {
  /** Absent when the bucket is missing or belongs to another account: nothing of it can be read. */
  readonly policy?: BucketPolicyState;
  readonly kmsKeyArn?: string;
}

/** Why the nOps checks of a bucket were skipped, when they were. */
export const UNREADABLE_BUCKET: Record<'missing' | 'foreign', string> = {
  missing: 'the bucket does not exist',
  foreign: 'the bucket belongs to another account',
};

/** The bucket's rows; what they learned for the nOps checks, or why the bucket cannot be read. */
export async function checkBucket(ctx: RegionContext, rows: Rows, s3: S3Destination, config: LoggingConfig): Promise<BucketFacts | 'missing' | 'foreign'> {
  const located = await checkBucketLocation(ctx, rows, s3.bucketName);
  if (located === 'missing' || located === 'foreign') {
    rows.skipUnset(BUCKET_IDS, UNREADABLE_BUCKET[located]);
    return located;
  }
  const [policy, encryption] = await Promise.all([
    checkBucketPolicy(ctx, rows, s3, config),
    checkEncryption(ctx, rows, s3.bucketName),
    checkPublicAccessBlock(ctx, rows, s3.bucketName),
    checkOwnership(ctx, rows, s3.bucketName),
    checkVersioning(ctx, rows, s3.bucketName),
    checkBedrockWrites(ctx, rows, s3),
  ]);
  const kmsKeyArn = await checkKmsKeyPolicy(ctx, rows, encryption);
  return { policy, kmsKeyArn };
}

/** `undefined` and `""` mean us-east-1, `EU` means eu-west-1 (legacy values of GetBucketLocation). */
function bucketRegion(constraint: string | undefined): string {
  if (!constraint) {
    return 'us-east-1';
  }
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

/**
 * Whether the caller's account owns the bucket, from ListBuckets (which lists only the buckets the
 * account owns); `undefined` when the listing is refused.
 */
async function accountOwnsBucket(ctx: RegionContext, bucketName: string): Promise<boolean | undefined> {
  let token: string | undefined;
  try {
    for (let page = 0; page < 10; page++) {
      const result = await ctx.clients.s3.send(new ListBucketsCommand({ Prefix: bucketName, ContinuationToken: token, MaxBuckets: 1000 }));
      if ((result.Buckets ?? []).some((b) => b.Name === bucketName)) {
        return true;
      }
      token = result.ContinuationToken;
      if (!token) {
        return false;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * A bucket of another account answers every request that carries `ExpectedBucketOwner` with 403,
 * and so does a bucket the caller may not read: ListBuckets tells the two apart (the account's
 * own buckets are listed). Without that permission, a bucket readable without the header but not
 * with it is another account's too.
 */
async function checkBucketLocation(ctx: RegionContext, rows: Rows, bucketName: string): Promise<'ok' | 'missing' | 'foreign' | 'unknown'> {
  const s3 = ctx.clients.s3;
  try {
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: bucketName, ExpectedBucketOwner: ctx.account }));
    const where = bucketRegion(location.LocationConstraint);
    if (where !== ctx.region) {
      rows.fail('bucket-location', `s3://${bucketName} is in ${where}, but logging is configured in ${ctx.region}`,
        `use a bucket in ${ctx.region}: Bedrock delivers only to destinations in the same account and Region`);
    } else {
      rows.pass('bucket-location', `s3://${bucketName} exists in ${where}, owned by ${ctx.account}`);
    }
    return 'ok';
  } catch (e) {
    if (isError(e, 'NoSuchBucket')) {
      rows.fail('bucket-location', `s3://${bucketName} does not exist`,
        `create the bucket in ${ctx.region} (or redeploy the stack), or point the logging configuration at an existing bucket`);
      return 'missing';
    }
    if (!isAccessDenied(e)) {
      unreadable(rows, 'bucket-location', `s3:GetBucketLocation on arn:${ctx.partition}:s3:::${bucketName}`, e);
      return 'unknown';
    }
    let owned = await accountOwnsBucket(ctx, bucketName);
    let how = `it is not among the buckets ListBuckets returns for account ${ctx.account}`;
    if (owned === undefined) {
      try {
        await s3.send(new GetBucketLocationCommand({ Bucket: bucketName }));
        owned = false;
        how = `S3 answers for it, but refuses it with ExpectedBucketOwner ${ctx.account}`;
      } catch {
        // Refused either way: ownership stays unknown.
      }
    }
    if (owned === false) {
      rows.fail('bucket-location', `s3://${bucketName} belongs to another AWS account, not ${ctx.account} (${how}): Bedrock only writes to a bucket in the same account and Region, so no log is delivered`,
        `point the logging configuration at a bucket of account ${ctx.account} in ${ctx.region} (deploying BedrockInvocationLoggingStack creates one); if this account once owned ${bucketName}, it was deleted and its name is now another account's`);
      return 'foreign';
    }
    if (owned === true) {
      unreadable(rows, 'bucket-location', `s3:GetBucketLocation on arn:${ctx.partition}:s3:::${bucketName} (the bucket is this account's; a Deny in its policy may also refuse you)`, e);
    } else {
      rows.fail('bucket-location', `could not check: ${errorLine(e)}; whether the bucket belongs to this account is unknown (ListBuckets was refused too)`,
        `run verify with a principal allowed s3:GetBucketLocation on arn:${ctx.partition}:s3:::${bucketName} and s3:ListAllMyBuckets, then rerun`);
    }
    return 'unknown';
  }
}

async function checkPublicAccessBlock(ctx: RegionContext, rows: Rows, bucketName: string): Promise<void> {
  const fix = `aws s3api put-public-access-block --bucket ${bucketName} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`;
  try {
    const config = (await ctx.clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucketName, ExpectedBucketOwner: ctx.account }))).PublicAccessBlockConfiguration ?? {};
    const settings: Array<[string, boolean | undefined]> = [
      ['BlockPublicAcls', config.BlockPublicAcls],
      ['IgnorePublicAcls', config.IgnorePublicAcls],
      ['BlockPublicPolicy', config.BlockPublicPolicy],
      ['RestrictPublicBuckets', config.RestrictPublicBuckets],
    ];
    const off = settings.filter(([, v]) => v !== true).map(([k]) => k);
    if (off.length > 0) {
      rows.fail('public-access-block', `not blocked on the bucket: ${off.join(', ')} off`, fix);
    } else {
      rows.pass('public-access-block', 'all four settings on');
    }
  } catch (e) {
    if (isError(e, 'NoSuchPublicAccessBlockConfiguration')) {
      rows.fail('public-access-block', 'the bucket has no public access block (the account-level setting is not checked)', fix);
      return;
    }
    unreadable(rows, 'public-access-block', 's3:GetBucketPublicAccessBlock', e);
  }
}

async function checkOwnership(ctx: RegionContext, rows: Rows, bucketName: string): Promise<void> {
  const fix = `aws s3api put-bucket-ownership-controls --bucket ${bucketName} --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'`;
  try {
    const controls = (await ctx.clients.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucketName, ExpectedBucketOwner: ctx.account }))).OwnershipControls;
    const ownership = controls?.Rules?.[0]?.ObjectOwnership;
    if (ownership === 'BucketOwnerEnforced') {
      rows.pass('object-ownership', 'Object Ownership BucketOwnerEnforced: ACLs disabled');
    } else {
      rows.fail('object-ownership', `Object Ownership is ${ownership ?? 'not set'}: ACLs are enabled, so the bucket policy may not apply`, fix);
    }
  } catch (e) {
    if (isError(e, 'OwnershipControlsNotFoundError')) {
      rows.fail('object-ownership', 'no ownership controls: ACLs are enabled, so the bucket policy may not apply', fix);
      return;
    }
    unreadable(rows, 'object-ownership', 's3:GetBucketOwnershipControls', e);
  }
}

async function checkVersioning(ctx: RegionContext, rows: Rows, bucketName: string): Promise<void> {
  const fix = `aws s3api put-bucket-versioning --bucket ${bucketName} --versioning-configuration Status=Enabled`;
  try {
    const status = (await ctx.clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucketName, ExpectedBucketOwner: ctx.account }))).Status;
    if (status === 'Enabled') {
      rows.pass('versioning', 'Enabled');
    } else {
      rows.fail('versioning', status === 'Suspended' ? 'versioning is suspended: overwritten or deleted logs cannot be recovered' : 'versioning was never enabled: overwritten or deleted logs cannot be recovered', fix);
    }
  } catch (e) {
    unreadable(rows, 'versioning', 's3:GetBucketVersioning', e);
  }
}
