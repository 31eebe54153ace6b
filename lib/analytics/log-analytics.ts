import { Duration, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { IBedrockInvocationLogging } from '../logging/invocation-logging-interface';
import { queriesFor, QUERY_NAME_PREFIX, REQUEST_METADATA_KEY_PATTERN, tokensByTag } from './private/queries';
import {
  columnName, DAY_FOLDER_TEMPLATE, DAY_FORMAT, hiveType, INVOCATION_FIELDS, INVOCATIONS_TABLE, PARTITION, PRICE_COLUMNS, PRICES_TABLE,
} from './facts';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from '../shared/facts';
import { createAccessLogsBucket } from '../shared/access-logs';
import { bucketEncryption, BUCKET_BASELINE } from '../shared/bucket-baseline';
import { grantStatements } from '../shared/grant';
import { acknowledgeGuardRule } from '../shared/cfn-guard';
import { acknowledgeNagRule, acknowledgeResourceWildcards, COMPLIANCE_PACKS } from '../shared/nag';
import { ErrorCollector, normalizeKeyPrefix } from '../shared/validation';

/**
 * Properties for `BedrockLogAnalytics`.
 *
 * @experimental
 */
export interface BedrockLogAnalyticsProps {
  /**
   * Where the logs are: a `BedrockInvocationLogging`, or `BedrockInvocationLogging.fromExisting()`
   * for logging configured elsewhere or an archive that holds several accounts' logs under the same
   * prefix. Its bucket, prefix and key are read together, so the table cannot point at another
   * prefix than the logging's. The table reads `PREFIX/AWSLogs/`; readers get `kms:Decrypt` through
   * S3 for its key.
   */
  readonly invocationLogging: IBedrockInvocationLogging;

  /**
   * The accounts whose logs the table projects (partition `log_account`). Add an account here
   * when it starts writing to `bucket` (an archive), or its logs are not read. Athena advises
   * enumerations of a few dozen values at most.
   *
   * @default - this stack's account
   */
  readonly accounts?: string[];

  /**
   * The Regions whose logs the table projects (partition `log_region`). Add a Region here when
   * logging is turned on in it, or its logs are not read.
   *
   * @default - this stack's Region
   */
  readonly regions?: string[];

  /**
   * First day of the projected day range (partition `dt`, `yyyy/MM/dd`); the range ends today
   * (`NOW`, UTC). The named queries always name their days, so an early start costs nothing.
   *
   * @default '2023/01/01' - earlier than any Bedrock invocation log
   */
  readonly firstDay?: string;

  /**
   * `requestMetadata` keys to create a "tokens by tag" named query for, one query each (for
   * example `team` or `cost-center`). Keys as Bedrock accepts them: letters, digits, spaces and
   * `: _ @ $ # = / + , . -`, up to 256 characters.
   *
   * @default - none
   */
  readonly requestMetadataKeys?: string[];

  /**
   * The bucket that holds the price CSV you maintain (docs/analytics.md, "The price table").
   *
   * @default - the logs' bucket
   */
  readonly priceBucket?: s3.IBucket;

  /**
   * Key prefix of the price CSV: the price table reads every object under `PRICE_PREFIX/`. It must
   * not overlap `PREFIX/AWSLogs/`.
   *
   * @default 'bedrock-prices'
   */
  readonly pricePrefix?: string;

  /**
   * The KMS key the price CSV is encrypted with.
   *
   * @default - the logs' key when the price bucket is the logs' bucket, else the key of `priceBucket`, if any
   */
  readonly priceEncryptionKey?: kms.IKey;

  /**
   * Glue database name (lower-case letters, digits and `_`). Unique per account and Region.
   *
   * @default 'bedrock_invocation_logs'
   */
  readonly databaseName?: string;

  /**
   * Athena workgroup name. Unique per account and Region.
   *
   * @default 'bedrock-log-analytics'
   */
  readonly workGroupName?: string;

  /**
   * A query that would scan more than this is cancelled (workgroup setting, enforced).
   * At least 10 MB. docs/analytics.md says what a query scans per million invocations.
   *
   * @default Size.gibibytes(10)
   */
  readonly bytesScannedCutoffPerQuery?: Size;

  /**
   * How long query results are kept in the results bucket before they expire.
   *
   * @default Duration.days(30)
   */
  readonly resultsRetention?: Duration;

  /**
   * Encrypt query results with this KMS key (the results bucket's default encryption and the
   * workgroup's result encryption). Readers get `kms:Decrypt` and `kms:GenerateDataKey` through S3.
   *
   * @default - SSE-S3
   */
  readonly resultsEncryptionKey?: kms.IKey;

  /**
   * Bucket that receives S3 server access logs for the results bucket (prefix `athena-results-bucket/`).
   *
   * @default - a dedicated access-log bucket is created (SSE-S3, versioned, retained)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * What happens to the results bucket (and a created access-log bucket) when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const SSE_S3_RESULTS = 'Query results are encrypted with SSE-S3 by default, like the log bucket, so that whoever runs the queries needs no key policy; '
  + 'give resultsEncryptionKey for SSE-KMS.';

/** Athena's smallest `BytesScannedCutoffPerQuery`. */
const MIN_CUTOFF_BYTES = 10_000_000;
const ACCOUNT_ID = new RegExp(ACCOUNT_ID_PATTERN);
const REGION = new RegExp(REGION_PATTERN);
const DATABASE_NAME = /^[a-z0-9_]{1,255}$/;
const WORK_GROUP_NAME = /^[a-zA-Z0-9._-]{1,128}$/;
const DAY = /^(\d{4})\/(\d{2})\/(\d{2})$/;

/**
 * FinOps queries over the invocation logs with Athena: a Glue database with a table over
 * `PREFIX/AWSLogs/` (partition projection on account, Region and day) and a table over a price
 * CSV you maintain; an Athena workgroup (engine version 3, enforced settings, a per-query scan
 * limit) whose results go to an encrypted bucket of its own that expires them; the named queries;
 * and a managed policy (or `grantQuery`) that runs them and nothing else.
 *
 * Experimental: the queries run in the tests on DuckDB over records laid out as Bedrock writes
 * them, not on Athena; partition projection, the SerDes and the workgroup's enforcement are not
 * verified against AWS (docs/analytics.md). Queries, columns and props may change in a minor release.
 *
 * @experimental
 */
export class BedrockLogAnalytics extends Construct {
  /** The Glue database. */
  public readonly databaseName: string;
  /** The Athena workgroup's name. */
  public readonly workGroupName: string;
  /** The Athena workgroup. */
  public readonly workGroup: athena.CfnWorkGroup;
  /** The table over `PREFIX/AWSLogs/`. */
  public readonly invocationsTable: glue.CfnTable;
  /** The table over the price CSV. */
  public readonly pricesTable: glue.CfnTable;
  /** `s3://BUCKET/PRICE_PREFIX/`: where to put the price CSV. */
  public readonly priceTableLocation: string;
  /** The bucket query results go to. */
  public readonly resultsBucket: s3.IBucket;
  /** The named queries, in the order of docs/analytics.md. */
  public readonly namedQueries: athena.CfnNamedQuery[];
  /** A managed policy (attached to nothing) with `queryStatements()`: attach it to whoever runs the queries. */
  public readonly queryPolicy: iam.ManagedPolicy;

  private readonly bucket: s3.IBucket;
  private readonly keyPrefix: string;
  private readonly encryptionKey?: kms.IKey;
  private readonly priceBucket: s3.IBucket;
  private readonly pricePrefix: string;
  private readonly priceEncryptionKey?: kms.IKey;
  private readonly resultsEncryptionKey?: kms.IKey;

  /**
   * @param scope the construct this one is added to (a stack, or a construct in one)
   * @param id its id within `scope`; it is part of the logical id of every resource below it, so
   * changing it replaces those resources
   * @param props its properties
   */
  constructor(scope: Construct, id: string, props: BedrockLogAnalyticsProps) {
    super(scope, id);
    // Access-log delivery by bucket policy, not the LogDeliveryWrite ACL: ACLs stay disabled whatever the app's flags.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const stack = Stack.of(this);
    const errors = new ErrorCollector(`${this.node.path} props`);
    const logs = props.invocationLogging;
    this.keyPrefix = logs.keyPrefix;
    this.pricePrefix = normalizeKeyPrefix(props.pricePrefix ?? 'bedrock-prices', 'pricePrefix', errors);
    const accounts = checkList('accounts', props.accounts ?? [stack.account], ACCOUNT_ID, '111122223333', errors);
    const regions = checkList('regions', props.regions ?? [stack.region], REGION, 'us-east-1', errors);
    const firstDay = props.firstDay ?? '2023/01/01';
    checkDay(firstDay, errors);
    const keys = props.requestMetadataKeys ?? [];
    checkRequestMetadataKeys(keys, errors);
    this.databaseName = props.databaseName ?? 'bedrock_invocation_logs';
    if (!Token.isUnresolved(this.databaseName) && !DATABASE_NAME.test(this.databaseName)) {
      errors.add(`databaseName ${JSON.stringify(this.databaseName)} is not a valid Glue database name for Athena: use 1-255 lower-case letters, digits and _ (for example "bedrock_invocation_logs")`);
    }
    this.workGroupName = props.workGroupName ?? 'bedrock-log-analytics';
    if (!Token.isUnresolved(this.workGroupName) && !WORK_GROUP_NAME.test(this.workGroupName)) {
      errors.add(`workGroupName ${JSON.stringify(this.workGroupName)} is not a valid Athena workgroup name: use 1-128 letters, digits and . _ - (for example "bedrock-log-analytics")`);
    }
    const cutoff = props.bytesScannedCutoffPerQuery ?? Size.gibibytes(10);
    const cutoffBytes = cutoff.toBytes();
    if (!Token.isUnresolved(cutoffBytes) && cutoffBytes < MIN_CUTOFF_BYTES) {
      errors.add(`bytesScannedCutoffPerQuery is ${cutoffBytes} bytes: Athena's minimum is 10 MB (${MIN_CUTOFF_BYTES} bytes); use for example Size.gibibytes(10)`);
    }
    const retention = props.resultsRetention ?? Duration.days(30);
    const retentionDays = retention.toDays({ integral: false });
    if (!Token.isUnresolved(retentionDays) && (retentionDays < 1 || !Number.isInteger(retentionDays))) {
      errors.add(`resultsRetention is ${retention.toHumanString()}: S3 expires objects after whole days; use Duration.days(N) with N >= 1`);
    }
    if (props.removalPolicy === RemovalPolicy.SNAPSHOT) {
      errors.add('removalPolicy SNAPSHOT is not supported by S3 buckets: use RemovalPolicy.RETAIN (the default), RETAIN_ON_UPDATE_OR_DELETE or DESTROY');
    }
    this.priceBucket = props.priceBucket ?? logs.bucket;
    if (this.priceBucket === logs.bucket) checkPrefixesApart(this.keyPrefix, this.pricePrefix, errors);
    errors.throwIfAny();

    this.bucket = logs.bucket;
    this.encryptionKey = logs.encryptionKey;
    this.priceEncryptionKey = props.priceEncryptionKey
      ?? (this.priceBucket === logs.bucket ? this.encryptionKey : this.priceBucket.encryptionKey);
    this.resultsEncryptionKey = props.resultsEncryptionKey;

    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: 'Amazon Bedrock model invocation logs and a price table, for FinOps queries (cdk-bedrock-invocation-logging)',
      },
    });

    const prefixLocation = `s3://${this.bucket.bucketName}/${this.keyPrefix}/`;
    const logsLocation = `${prefixLocation}AWSLogs/`;
    this.invocationsTable = new glue.CfnTable(this, 'InvocationsTable', {
      catalogId: stack.account,
      databaseName: database.ref,
      tableInput: {
        name: INVOCATIONS_TABLE,
        description: 'Amazon Bedrock model invocation log records (metadata only: prompt and completion bodies are not declared)',
        tableType: 'EXTERNAL_TABLE',
        // projection.* belong here, in the table's parameters, not in the storage descriptor's.
        parameters: {
          'EXTERNAL': 'TRUE',
          'classification': 'json',
          'projection.enabled': 'true',
          [`projection.${PARTITION.account}.type`]: 'enum',
          [`projection.${PARTITION.account}.values`]: accounts.join(','),
          [`projection.${PARTITION.region}.type`]: 'enum',
          [`projection.${PARTITION.region}.values`]: regions.join(','),
          [`projection.${PARTITION.day}.type`]: 'date',
          [`projection.${PARTITION.day}.format`]: DAY_FORMAT,
          [`projection.${PARTITION.day}.range`]: `${firstDay},NOW`,
          [`projection.${PARTITION.day}.interval`]: '1',
          [`projection.${PARTITION.day}.interval.unit`]: 'DAYS',
          // Day folders: Athena reads the hour folders (and data/) below each one.
          'storage.location.template': `${prefixLocation}${DAY_FOLDER_TEMPLATE}`,
        },
        partitionKeys: [PARTITION.account, PARTITION.region, PARTITION.day].map((name) => ({ name, type: 'string' })),
        storageDescriptor: {
          location: logsLocation,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // A malformed line becomes a row of NULLs instead of failing the query; keys match columns in any case.
            parameters: { 'ignore.malformed.json': 'true', 'case.insensitive': 'true' },
          },
          columns: INVOCATION_FIELDS.map((f) => ({ name: columnName(f), type: hiveType(f.type) })),
        },
      },
    });

    this.priceTableLocation = `s3://${this.priceBucket.bucketName}/${this.pricePrefix}/`;
    this.pricesTable = new glue.CfnTable(this, 'PricesTable', {
      catalogId: stack.account,
      databaseName: database.ref,
      tableInput: {
        name: PRICES_TABLE,
        description: 'Model prices you maintain: a CSV with a header line (see docs/analytics.md, "The price table")',
        tableType: 'EXTERNAL_TABLE',
        parameters: { 'EXTERNAL': 'TRUE', 'classification': 'csv', 'skip.header.line.count': '1' },
        storageDescriptor: {
          location: this.priceTableLocation,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
            // An empty field is NULL (an open-ended effective_to, a missing cache price), not ''.
            parameters: { 'field.delim': ',', 'serialization.format': ',', 'serialization.null.format': '' },
          },
          columns: PRICE_COLUMNS.map((c) => ({ name: c.name, type: c.type, comment: c.description })),
        },
      },
    });
    // node.addDependency, not CfnResource#addDependency: deprecated in newer aws-cdk-lib (which fails
    // apps run with JSII_DEPRECATED=fail), while 2.257 has no addResourceDependency. Same DependsOn.
    this.invocationsTable.node.addDependency(database);
    this.pricesTable.node.addDependency(database);

    this.resultsBucket = this.createResultsBucket(retention, props.serverAccessLogsBucket, props.removalPolicy ?? RemovalPolicy.RETAIN);

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'FinOps queries over Amazon Bedrock model invocation logs (cdk-bedrock-invocation-logging)',
      state: 'ENABLED',
      // Deleting the stack deletes the workgroup's query history too (results stay in the retained bucket).
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        bytesScannedCutoffPerQuery: cutoffBytes,
        publishCloudWatchMetricsEnabled: true,
        requesterPaysEnabled: false,
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/`,
          expectedBucketOwner: stack.account,
          encryptionConfiguration: this.resultsEncryptionKey
            ? { encryptionOption: 'SSE_KMS', kmsKey: this.resultsEncryptionKey.keyArn }
            : { encryptionOption: 'SSE_S3' },
        },
      },
    });

    if (!this.resultsEncryptionKey) {
      acknowledgeGuardRule(this.workGroup, 'athena_workgroup_results_encrypted_at_rest_kms_check', SSE_S3_RESULTS);
    }

    this.namedQueries = queriesFor(keys).map((q) => new athena.CfnNamedQuery(this, q.id, {
      name: q.name,
      description: q.description,
      database: database.ref,
      workGroup: this.workGroup.ref,
      queryString: q.sql,
    }));

    const statements = this.queryStatements();
    this.queryPolicy = new iam.ManagedPolicy(this, 'QueryPolicy', {
      description: 'Run the Bedrock log FinOps queries in one Athena workgroup and read their results, nothing more',
      statements,
    });
    acknowledgeResourceWildcards(this.queryPolicy, statements,
      'Bedrock names log objects by account, Region, date, hour and id, and Athena names result objects by query id, so reading them needs '
      + 'PREFIX/AWSLogs/*, PRICE_PREFIX/* and RESULTS_BUCKET/*; each wildcard stops at its prefix boundary, and only the results bucket is writable.');
  }

  /**
   * Statements that run the named queries and read their results, and nothing else: Athena on
   * the workgroup; Glue read on the database and its two tables; S3 list and read under
   * `PREFIX/AWSLogs/` and `PRICE_PREFIX/`; S3 read and write in the results bucket; KMS through
   * S3 only, for the keys involved.
   */
  public queryStatements(): iam.PolicyStatement[] {
    const stack = Stack.of(this);
    const glueArn = (resource: string, resourceName?: string) => stack.formatArn({ service: 'glue', resource, resourceName });
    const statements = [
      new iam.PolicyStatement({
        sid: 'RunQueriesInWorkGroup',
        actions: ['athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution', 'athena:BatchGetQueryExecution',
          'athena:ListQueryExecutions', 'athena:GetQueryResults', 'athena:GetQueryRuntimeStatistics', 'athena:GetWorkGroup',
          'athena:ListNamedQueries', 'athena:GetNamedQuery', 'athena:BatchGetNamedQuery'],
        resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName })],
      }),
      new iam.PolicyStatement({
        sid: 'ReadTableDefinitions',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [glueArn('catalog'), glueArn('database', this.databaseName),
          glueArn('table', `${this.databaseName}/${INVOCATIONS_TABLE}`), glueArn('table', `${this.databaseName}/${PRICES_TABLE}`)],
      }),
      new iam.PolicyStatement({
        sid: 'LocateBuckets',
        actions: ['s3:GetBucketLocation'],
        resources: [...new Set([this.bucket.bucketArn, this.priceBucket.bucketArn, this.resultsBucket.bucketArn])],
      }),
      new iam.PolicyStatement({
        sid: 'ListInvocationLogs',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${this.keyPrefix}/AWSLogs/*` } },
      }),
      new iam.PolicyStatement({
        sid: 'ReadInvocationLogs',
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${this.keyPrefix}/AWSLogs/*`)],
      }),
      new iam.PolicyStatement({
        sid: 'ListPrices',
        actions: ['s3:ListBucket'],
        resources: [this.priceBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${this.pricePrefix}/*` } },
      }),
      new iam.PolicyStatement({
        sid: 'ReadPrices',
        actions: ['s3:GetObject'],
        resources: [this.priceBucket.arnForObjects(`${this.pricePrefix}/*`)],
      }),
      new iam.PolicyStatement({
        sid: 'ListQueryResults',
        actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [this.resultsBucket.bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'WriteAndReadQueryResults',
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [this.resultsBucket.arnForObjects('*')],
      }),
    ];
    const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${stack.region}.${stack.urlSuffix}` } };
    const readKeys = [...new Set([this.encryptionKey, this.priceEncryptionKey].filter((k): k is kms.IKey => !!k && k !== this.resultsEncryptionKey))];
    if (readKeys.length > 0) {
      statements.push(new iam.PolicyStatement({
        sid: 'DecryptLogsThroughS3',
        actions: ['kms:Decrypt'],
        resources: readKeys.map((k) => k.keyArn),
        conditions: viaS3,
      }));
    }
    if (this.resultsEncryptionKey) {
      statements.push(new iam.PolicyStatement({
        sid: 'EncryptResultsThroughS3',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.resultsEncryptionKey.keyArn],
        conditions: viaS3,
      }));
    }
    return statements;
  }

  /** Lets `grantee` run the named queries in the workgroup and read their results (`queryStatements()`). */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    return grantStatements(grantee, this.queryStatements());
  }

  private createResultsBucket(retention: Duration, serverAccessLogsBucket: s3.IBucket | undefined, removalPolicy: RemovalPolicy): s3.Bucket {
    const accessLogs = serverAccessLogsBucket ?? createAccessLogsBucket(this, 'ResultsAccessLogs', removalPolicy, {
      replication: 'Access logs of the query results bucket stay in the account and Region; replication is the account owner\'s choice.',
      events: 'Nothing consumes access-log objects as events: they are read when someone investigates access to query results.',
    });
    const bucket = new s3.Bucket(this, 'ResultsBucket', {
      ...BUCKET_BASELINE,
      ...bucketEncryption(this.resultsEncryptionKey),
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'athena-results-bucket/',
      lifecycleRules: [
        {
          id: 'ExpireQueryResults',
          expiration: retention,
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { id: 'RemoveExpiredObjectDeleteMarkers', expiredObjectDeleteMarker: true },
      ],
      removalPolicy,
    });
    const replicationReason = 'Query results are derived from the logs and expire; they can be recomputed, so they are not replicated.';
    acknowledgeNagRule(bucket, COMPLIANCE_PACKS, 'S3BucketReplicationEnabled', replicationReason);
    acknowledgeGuardRule(bucket, 's3_event_notifications_enabled_check', 'Nothing consumes result objects as events: readers fetch results with athena:GetQueryResults or by query id.');
    acknowledgeGuardRule(bucket, 's3_bucket_object_lock_enabled_check', 'Query results are derived data that expire by design; Object Lock would keep them past their expiry.');
    if (!this.resultsEncryptionKey) {
      acknowledgeNagRule(bucket, COMPLIANCE_PACKS, 'S3DefaultEncryptionKMS', SSE_S3_RESULTS);
      acknowledgeGuardRule(bucket, 's3_bucket_default_encryption_kms_check', SSE_S3_RESULTS);
    }
    return bucket;
  }
}

function checkList(prop: string, values: string[], pattern: RegExp, example: string, errors: ErrorCollector): string[] {
  if (values.length === 0) {
    errors.add(`${prop} is empty: list at least one, for example ["${example}"], or omit it for this stack's own`);
  }
  const seen = new Set<string>();
  for (const value of values) {
    if (Token.isUnresolved(value)) continue;
    if (!pattern.test(value)) errors.add(`${prop} item ${JSON.stringify(value)} is not valid: expected a value like "${example}"`);
    else if (seen.has(value)) errors.add(`${prop} lists ${JSON.stringify(value)} twice: list each once`);
    seen.add(value);
  }
  return values;
}

function checkDay(value: string, errors: ErrorCollector): void {
  if (Token.isUnresolved(value)) return;
  const m = DAY.exec(value);
  const date = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : undefined;
  if (!m || !date || date.getUTCMonth() !== +m[2] - 1 || date.getUTCDate() !== +m[3]) {
    errors.add(`firstDay ${JSON.stringify(value)} is not a day as yyyy/MM/dd (the layout of Bedrock's day folders): use for example "2023/01/01"`);
  }
}

function checkRequestMetadataKeys(keys: string[], errors: ErrorCollector): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (Token.isUnresolved(key)) {
      errors.add('requestMetadataKeys holds an unresolved token: the keys are written into the queries\' SQL at synth, so give them as plain strings');
    } else if (!REQUEST_METADATA_KEY_PATTERN.test(key)) {
      errors.add(`requestMetadataKeys item ${JSON.stringify(key)} is not a key Bedrock accepts: use 1-256 letters, digits, spaces and : _ @ $ # = / + , . - (for example "team")`);
    } else if (seen.has(key)) {
      errors.add(`requestMetadataKeys lists ${JSON.stringify(key)} twice: list each once`);
    } else if (tokensByTag(key).name.length > 128) {
      errors.add(`requestMetadataKeys item ${JSON.stringify(key.slice(0, 40))}... is ${key.length} characters long: the named query "${QUERY_NAME_PREFIX}tokens-by-tag-KEY" must fit Athena's 128 characters, so use keys of at most ${128 - `${QUERY_NAME_PREFIX}tokens-by-tag-`.length}`);
    }
    seen.add(key);
  }
}

/** The price table reads every object under its prefix: it must not see log objects, nor the log table price files. */
function checkPrefixesApart(keyPrefix: string, pricePrefix: string, errors: ErrorCollector): void {
  if (Token.isUnresolved(keyPrefix) || Token.isUnresolved(pricePrefix)) return;
  const logs = `${keyPrefix}/AWSLogs/`;
  const prices = `${pricePrefix}/`;
  if (logs.startsWith(prices) || prices.startsWith(logs)) {
    errors.add(`pricePrefix ${JSON.stringify(pricePrefix)} overlaps the logs under ${JSON.stringify(logs)} in the same bucket: each table reads every object under its prefix, so use a prefix outside it (for example "bedrock-prices")`);
  }
}
