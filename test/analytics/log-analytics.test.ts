/**
 * The template `BedrockLogAnalytics` synthesizes: table definitions, workgroup, results bucket,
 * named queries, the query policy; cdk-nag and cfn-guard clean; bad props reported at once.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, BootstraplessSynthesizer, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { complianceFindings, formatFinding } from '../../bin/compliance';
import { BedrockInvocationLogging, BedrockLogAnalytics, BedrockLogAnalyticsProps } from '../../lib';
import { FIXED_QUERIES, queriesFor, tokensByTag } from '../../lib/analytics/private/queries';
import { TemplateResolver } from '../support/security/resolve';

const ENV = { account: '111122223333', region: 'us-east-1' };

/** The analytics over logging configured elsewhere (bucket `org-bedrock-logs`, prefix `keyPrefix`). */
function synth({ keyPrefix = 'bedrock', ...props }: Partial<BedrockLogAnalyticsProps> & { readonly keyPrefix?: string } = {}, env = ENV):
{ app: App; stack: Stack; analytics: BedrockLogAnalytics; template: Template } {
  const app = new App();
  const stack = new Stack(app, 'Analytics', { env, synthesizer: new BootstraplessSynthesizer() });
  const invocationLogging = BedrockInvocationLogging.fromExisting(stack, 'Logs', { bucket: s3.Bucket.fromBucketName(stack, 'LogBucket', 'org-bedrock-logs'), keyPrefix });
  const analytics = new BedrockLogAnalytics(stack, 'Analytics', { invocationLogging, ...props });
  return { app, stack, analytics, template: Template.fromStack(stack) };
}

function only(template: Template, type: string, name?: string): any {
  const found = Object.values(template.findResources(type)).filter((r: any) => name === undefined || r.Properties.TableInput?.Name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ''}, found ${found.length}`);
  return found[0];
}

describe('tables', () => {
  test('bedrock_invocations: OpenX SerDe ignoring malformed lines, metadata columns only (no bodies), requestmetadata a string map', () => {
    const t = only(synth().template, 'AWS::Glue::Table', 'bedrock_invocations').Properties.TableInput;
    expect(t.TableType).toBe('EXTERNAL_TABLE');
    expect(t.StorageDescriptor.SerdeInfo).toEqual({
      SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
      Parameters: { 'ignore.malformed.json': 'true', 'case.insensitive': 'true' },
    });
    expect(t.StorageDescriptor.InputFormat).toBe('org.apache.hadoop.mapred.TextInputFormat');
    expect(t.StorageDescriptor.Location).toBe('s3://org-bedrock-logs/bedrock/AWSLogs/');
    expect(t.StorageDescriptor.Parameters).toBeUndefined();
    expect(t.StorageDescriptor.Columns).toEqual([
      { Name: 'schematype', Type: 'string' },
      { Name: 'schemaversion', Type: 'string' },
      { Name: 'timestamp', Type: 'string' },
      { Name: 'accountid', Type: 'string' },
      { Name: 'region', Type: 'string' },
      { Name: 'requestid', Type: 'string' },
      { Name: 'operation', Type: 'string' },
      { Name: 'modelid', Type: 'string' },
      { Name: 'inferenceregion', Type: 'string' },
      { Name: 'errorcode', Type: 'string' },
      { Name: 'identity', Type: 'struct<arn:string>' },
      { Name: 'requestmetadata', Type: 'map<string,string>' },
      { Name: 'input', Type: 'struct<inputcontenttype:string,inputbodys3path:string,inputtokencount:bigint,cachereadinputtokencount:bigint,cachewriteinputtokencount:bigint>' },
      { Name: 'output', Type: 'struct<outputcontenttype:string,outputbodys3path:string,outputtokencount:bigint>' },
    ]);
    expect(JSON.stringify(t)).not.toMatch(/bodyjson/i);
  });

  test('bedrock_invocations: projection on account, Region and day in the table parameters, named apart from the data columns, over Bedrock\'s key layout', () => {
    const t = only(synth({ accounts: ['111122223333', '444455556666'], regions: ['us-east-1', 'eu-west-1'], keyPrefix: 'org/bedrock/' }).template,
      'AWS::Glue::Table', 'bedrock_invocations').Properties.TableInput;
    expect(t.PartitionKeys).toEqual([{ Name: 'log_account', Type: 'string' }, { Name: 'log_region', Type: 'string' }, { Name: 'dt', Type: 'string' }]);
    const columns = (t.StorageDescriptor.Columns as Array<{ Name: string }>).map((c) => c.Name);
    expect(t.PartitionKeys.filter((k: any) => columns.includes(k.Name))).toEqual([]);
    expect(t.Parameters).toEqual({
      'EXTERNAL': 'TRUE',
      'classification': 'json',
      'projection.enabled': 'true',
      'projection.log_account.type': 'enum',
      'projection.log_account.values': '111122223333,444455556666',
      'projection.log_region.type': 'enum',
      'projection.log_region.values': 'us-east-1,eu-west-1',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy/MM/dd',
      'projection.dt.range': '2023/01/01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': 's3://org-bedrock-logs/org/bedrock/AWSLogs/${log_account}/BedrockModelInvocationLogs/${log_region}/${dt}/',
    });
    expect(t.StorageDescriptor.Location).toBe('s3://org-bedrock-logs/org/bedrock/AWSLogs/');
  });

  test('regions: every Region the rest of the library accepts, the European Sovereign Cloud\'s included (lib/shared/facts.ts REGION_PATTERN)', () => {
    const t = only(synth({ regions: ['eusc-de-east-1', 'us-gov-west-1'] }).template, 'AWS::Glue::Table', 'bedrock_invocations').Properties.TableInput;
    expect(t.Parameters['projection.log_region.values']).toBe('eusc-de-east-1,us-gov-west-1');
  });

  test('by default the projection lists this stack\'s account and Region: pseudo parameters in an environment-agnostic stack', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    new BedrockLogAnalytics(stack, 'Analytics', { invocationLogging: BedrockInvocationLogging.fromExisting(stack, 'Logs', { bucket: s3.Bucket.fromBucketName(stack, 'LogBucket', 'logs'), keyPrefix: 'bedrock' }) });
    const p = only(Template.fromStack(stack), 'AWS::Glue::Table', 'bedrock_invocations').Properties.TableInput.Parameters;
    expect(p['projection.log_account.values']).toEqual({ Ref: 'AWS::AccountId' });
    expect(p['projection.log_region.values']).toEqual({ Ref: 'AWS::Region' });
  });

  test('bedrock_prices: LazySimpleSerDe over PRICE_PREFIX/, header line skipped, empty fields NULL, columns in CSV order', () => {
    const t = only(synth({ pricePrefix: 'finops/prices/' }).template, 'AWS::Glue::Table', 'bedrock_prices').Properties.TableInput;
    expect(t.Parameters).toEqual({ 'EXTERNAL': 'TRUE', 'classification': 'csv', 'skip.header.line.count': '1' });
    expect(t.StorageDescriptor.SerdeInfo).toEqual({
      SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
      Parameters: { 'field.delim': ',', 'serialization.format': ',', 'serialization.null.format': '' },
    });
    expect(t.StorageDescriptor.Location).toBe('s3://org-bedrock-logs/finops/prices/');
    expect(t.StorageDescriptor.Columns.map((c: any) => `${c.Name} ${c.Type}`)).toEqual([
      'model_key string', 'region string', 'effective_from string', 'effective_to string',
      'input_per_mtok double', 'output_per_mtok double', 'cache_read_per_mtok double', 'cache_write_per_mtok double', 'source string',
    ]);
  });

  test('both tables are in the database, which is named as configured', () => {
    const { template } = synth({ databaseName: 'finops_bedrock' });
    const [dbId, db] = Object.entries(template.findResources('AWS::Glue::Database'))[0] as [string, any];
    expect(db.Properties).toEqual({ CatalogId: '111122223333', DatabaseInput: expect.objectContaining({ Name: 'finops_bedrock' }) });
    for (const t of Object.values(template.findResources('AWS::Glue::Table')) as any[]) {
      expect(t.Properties.DatabaseName).toEqual({ Ref: dbId });
      expect(t.Properties.CatalogId).toBe('111122223333');
    }
  });
});

describe('workgroup and results', () => {
  test('the workgroup enforces engine version 3, the per-query scan limit, and encrypted results in its own bucket', () => {
    const { template, analytics, stack } = synth({ bytesScannedCutoffPerQuery: Size.gibibytes(50) });
    const wg = only(template, 'AWS::Athena::WorkGroup').Properties;
    expect(wg.Name).toBe('bedrock-log-analytics');
    expect(wg.State).toBe('ENABLED');
    expect(wg.WorkGroupConfiguration).toEqual({
      EnforceWorkGroupConfiguration: true,
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      BytesScannedCutoffPerQuery: 50 * 1024 ** 3,
      PublishCloudWatchMetricsEnabled: true,
      RequesterPaysEnabled: false,
      ResultConfiguration: {
        OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: stack.getLogicalId(analytics.resultsBucket.node.defaultChild as any) }, '/']] },
        ExpectedBucketOwner: '111122223333',
        EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
      },
    });
  });

  test('the default scan limit is 10 GiB', () => {
    expect(only(synth().template, 'AWS::Athena::WorkGroup').Properties.WorkGroupConfiguration.BytesScannedCutoffPerQuery).toBe(10 * 1024 ** 3);
  });

  test('the results bucket: public access blocked, ACLs disabled, TLS only, versioned, access-logged, retained, results expire', () => {
    const { template, analytics, stack } = synth({ resultsRetention: Duration.days(14) });
    const id = stack.getLogicalId(analytics.resultsBucket.node.defaultChild as any);
    const bucket = template.toJSON().Resources[id];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(bucket.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: expect.stringMatching(/^AnalyticsResultsAccessLogs/) }, LogFilePrefix: 'athena-results-bucket/' });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'ExpireQueryResults', Status: 'Enabled', ExpirationInDays: 14, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
      { Id: 'RemoveExpiredObjectDeleteMarkers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find((p: any) => p.Properties.Bucket.Ref === id) as any;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' },
    }));
  });

  test('with resultsEncryptionKey: SSE-KMS for the bucket and the workgroup\'s results', () => {
    const app = new App();
    const stack = new Stack(app, 'Kms', { env: ENV });
    const key = new kms.Key(stack, 'ResultsKey', { enableKeyRotation: true });
    const invocationLogging = BedrockInvocationLogging.fromExisting(stack, 'Logs', { bucket: s3.Bucket.fromBucketName(stack, 'LogBucket', 'logs'), keyPrefix: 'bedrock' });
    const analytics = new BedrockLogAnalytics(stack, 'Analytics', { invocationLogging, resultsEncryptionKey: key });
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as any), 'Arn'] };
    expect(only(template, 'AWS::Athena::WorkGroup').Properties.WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration)
      .toEqual({ EncryptionOption: 'SSE_KMS', KmsKey: keyArn });
    const bucket = template.toJSON().Resources[stack.getLogicalId(analytics.resultsBucket.node.defaultChild as any)];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true,
    });
  });
});

describe('named queries', () => {
  test('each holds exactly the SQL of lib/analytics/private/queries.ts, with its database and workgroup', () => {
    const { template } = synth({ requestMetadataKeys: ['team', 'cost/center'] });
    const queries = Object.values(template.findResources('AWS::Athena::NamedQuery')) as any[];
    const expected = queriesFor(['team', 'cost/center']);
    expect(expected.map((q) => q.name)).toEqual([
      'bedrock-tokens-by-model-and-day', 'bedrock-tokens-by-caller', 'bedrock-tokens-by-tag-team', 'bedrock-tokens-by-tag-cost/center',
      'bedrock-errors-by-model-and-code', 'bedrock-prompt-cache', 'bedrock-estimated-cost', 'bedrock-price-table-check',
    ]);
    expect(queries.map((q) => q.Properties.Name)).toEqual(expected.map((q) => q.name));
    const db = Object.keys(template.findResources('AWS::Glue::Database'))[0];
    const wg = Object.keys(template.findResources('AWS::Athena::WorkGroup'))[0];
    queries.forEach((q, i) => {
      expect(q.Properties).toEqual({ Name: expected[i].name, Description: expected[i].description, QueryString: expected[i].sql, Database: { Ref: db }, WorkGroup: { Ref: wg } });
      expect(q.Properties.Name.length).toBeLessThanOrEqual(128);
      expect(q.Properties.Description.length).toBeLessThanOrEqual(1024);
    });
  });

  test('every query over the logs reads only ModelInvocationLog records, within the dt days it is given', () => {
    for (const q of [...FIXED_QUERIES, tokensByTag('team')].filter((x) => x.parameters > 0)) {
      expect(q.sql).toMatch(/WHERE schematype = 'ModelInvocationLog'\n\s*AND dt BETWEEN \? AND \?/);
      expect(q.sql.split('?').length - 1).toBe(q.parameters);
    }
  });

  test('a requestMetadata key with capitals is looked up as written and lower-cased (the SerDe may lower-case map keys)', () => {
    expect(tokensByTag('CostCenter').sql).toContain("coalesce(element_at(requestmetadata, 'CostCenter'), element_at(requestmetadata, 'costcenter')) AS tag_value");
    expect(tokensByTag('team').sql).toContain("element_at(requestmetadata, 'team') AS tag_value");
  });
});

/** Statements with their actions sorted: the order of actions in a statement means nothing. */
function sortedActions(statements: any[]): any[] {
  return statements.map((x) => (Array.isArray(x.Action) ? { ...x, Action: [...x.Action].sort() } : x));
}

describe('query policy', () => {
  test('statements: Athena on the workgroup, Glue read on the database and two tables, S3 read on PREFIX/AWSLogs/ and PRICE_PREFIX/, write only to the results bucket', () => {
    const { analytics, stack, template } = synth({ keyPrefix: 'org/bedrock' });
    const resolver = new TemplateResolver(template.toJSON());
    const resultsArn = `arn:aws:s3:::${resolver.ref(stack.getLogicalId(analytics.resultsBucket.node.defaultChild as any))}`;
    const policy = resolver.resolve(template.toJSON().Resources[stack.getLogicalId(analytics.queryPolicy.node.defaultChild as any)]).Properties;
    expect(policy.Roles).toBeUndefined();
    expect(sortedActions(policy.PolicyDocument.Statement)).toEqual([
      {
        Sid: 'RunQueriesInWorkGroup', Effect: 'Allow',
        Action: ['athena:BatchGetNamedQuery', 'athena:BatchGetQueryExecution', 'athena:GetNamedQuery', 'athena:GetQueryExecution', 'athena:GetQueryResults',
          'athena:GetQueryRuntimeStatistics', 'athena:GetWorkGroup', 'athena:ListNamedQueries', 'athena:ListQueryExecutions', 'athena:StartQueryExecution', 'athena:StopQueryExecution'],
        Resource: 'arn:aws:athena:us-east-1:111122223333:workgroup/bedrock-log-analytics',
      },
      {
        Sid: 'ReadTableDefinitions', Effect: 'Allow',
        Action: ['glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable'],
        Resource: ['arn:aws:glue:us-east-1:111122223333:catalog', 'arn:aws:glue:us-east-1:111122223333:database/bedrock_invocation_logs',
          'arn:aws:glue:us-east-1:111122223333:table/bedrock_invocation_logs/bedrock_invocations', 'arn:aws:glue:us-east-1:111122223333:table/bedrock_invocation_logs/bedrock_prices'],
      },
      { Sid: 'LocateBuckets', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: ['arn:aws:s3:::org-bedrock-logs', resultsArn] },
      { Sid: 'ListInvocationLogs', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::org-bedrock-logs', Condition: { StringLike: { 's3:prefix': 'org/bedrock/AWSLogs/*' } } },
      { Sid: 'ReadInvocationLogs', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::org-bedrock-logs/org/bedrock/AWSLogs/*' },
      { Sid: 'ListPrices', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::org-bedrock-logs', Condition: { StringLike: { 's3:prefix': 'bedrock-prices/*' } } },
      { Sid: 'ReadPrices', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::org-bedrock-logs/bedrock-prices/*' },
      { Sid: 'ListQueryResults', Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: resultsArn },
      { Sid: 'WriteAndReadQueryResults', Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
        Resource: `${resultsArn}/*` },
    ]);
  });

  test('with SSE-KMS logs and results: kms:Decrypt on the log key and Decrypt/GenerateDataKey on the results key, through S3 only', () => {
    const app = new App();
    const stack = new Stack(app, 'Kms', { env: ENV });
    const logging = new BedrockInvocationLogging(stack, 'Logging', { createEncryptionKey: true });
    const resultsKey = new kms.Key(stack, 'ResultsKey', { enableKeyRotation: true });
    const analytics = new BedrockLogAnalytics(stack, 'Analytics', { invocationLogging: logging, resultsEncryptionKey: resultsKey });
    const template = Template.fromStack(stack).toJSON();
    const resolver = new TemplateResolver(template);
    const arn = (k: kms.IKey) => resolver.getAtt(stack.getLogicalId(k.node.defaultChild as any), 'Arn');
    const statements = resolver.resolve(template.Resources[stack.getLogicalId(analytics.queryPolicy.node.defaultChild as any)]).Properties.PolicyDocument.Statement;
    const kmsStatements = sortedActions(statements).filter((x: any) => [x.Action].flat().some((a: string) => a.startsWith('kms:')));
    expect(kmsStatements).toEqual([
      { Sid: 'DecryptLogsThroughS3', Effect: 'Allow', Action: 'kms:Decrypt', Resource: arn(logging.encryptionKey!), Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
      { Sid: 'EncryptResultsThroughS3', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: arn(resultsKey), Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
    ]);
  });
});

/** A careful user's key: rotation on, grants only for AWS services (Control Tower CT.KMS.PR.3), as the library's own key. */
function userKey(stack: Stack): kms.Key {
  const key = new kms.Key(stack, 'ResultsKey', { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['kms:CreateGrant'], resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

describe('compliance', () => {
  const cases: Array<[string, () => App]> = [
    ['an imported bucket, SSE-S3', () => synth().app],
    ['beside the logging construct, SSE-KMS logs and results, two tag keys', () => {
      const app = new App();
      const stack = new Stack(app, 'Full', { synthesizer: new BootstraplessSynthesizer() });
      const logging = new BedrockInvocationLogging(stack, 'Logging', { createEncryptionKey: true, keyPrefix: 'a/b' });
      new BedrockLogAnalytics(stack, 'Analytics', {
        invocationLogging: logging, requestMetadataKeys: ['team', 'CostCenter'],
        resultsEncryptionKey: userKey(stack), removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
      return app;
    }],
  ];

  test.each(cases)('cdk-nag (AwsSolutions, HIPAA, NIST 800-53 R5, PCI DSS 3.2.1): zero unacknowledged findings (%s)', (_name, make) => {
    expect(complianceFindings(make()).map(formatFinding)).toEqual([]);
  });

  test('cfn-guard (Control Tower rules): every failure acknowledged on its own resource with a reason, and every acknowledgement still needed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'analytics-guard-'));
    try {
      const templates = cases.map(([name, make], i) => {
        const app = make();
        const stack = app.node.children.find((c) => c instanceof Stack) as Stack;
        const file = path.join(dir, `${i}.template.json`);
        const template = Template.fromStack(stack).toJSON();
        fs.writeFileSync(file, JSON.stringify(template));
        return { name, file, template };
      });
      const report = new CfnGuardValidator().validate({ templatePaths: templates.map((t) => t.file) });
      const failures = report.violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, ...r })));
      expect(failures.length).toBeGreaterThan(0);
      const open: string[] = [];
      for (const f of failures) {
        const t = templates.find((x) => x.file === f.templatePath)!;
        const guard = t.template.Resources[f.resourceLogicalId]?.Metadata?.guard;
        const reason: string | undefined = guard?.Reasons?.[f.rule];
        if (!(guard?.SuppressedRules ?? []).includes(f.rule) || !reason || reason.length < 40) open.push(`${t.name}: ${f.rule} on ${f.resourceLogicalId}`);
      }
      expect(open).toEqual([]);
      const stale: string[] = [];
      for (const t of templates) {
        for (const [id, r] of Object.entries(t.template.Resources as Record<string, any>)) {
          for (const rule of r.Metadata?.guard?.SuppressedRules ?? []) {
            if (!failures.some((f) => f.templatePath === t.file && f.resourceLogicalId === id && f.rule === rule)) stale.push(`${t.name}: ${rule} on ${id}`);
          }
        }
      }
      expect(stale).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad input', () => {
  test('every problem at once, one line each naming the prop, the value and the fix', () => {
    expect(() => synth({
      accounts: ['1234', '111122223333', '111122223333'],
      regions: [],
      firstDay: '2023-01-01',
      requestMetadataKeys: ["team'; DROP TABLE x", 'team', 'team', 'k'.repeat(120)],
      databaseName: 'Bedrock-Logs',
      workGroupName: 'bedrock logs',
      bytesScannedCutoffPerQuery: Size.mebibytes(1),
      resultsRetention: Duration.hours(12),
      removalPolicy: RemovalPolicy.SNAPSHOT,
    })).toThrow([
      'Invalid Analytics/Analytics props:',
      '  - accounts item "1234" is not valid: expected a value like "111122223333"',
      '  - accounts lists "111122223333" twice: list each once',
      '  - regions is empty: list at least one, for example ["us-east-1"], or omit it for this stack\'s own',
      '  - firstDay "2023-01-01" is not a day as yyyy/MM/dd (the layout of Bedrock\'s day folders): use for example "2023/01/01"',
      '  - requestMetadataKeys item "team\'; DROP TABLE x" is not a key Bedrock accepts: use 1-256 letters, digits, spaces and : _ @ $ # = / + , . - (for example "team")',
      '  - requestMetadataKeys lists "team" twice: list each once',
      `  - requestMetadataKeys item "${'k'.repeat(40)}"... is 120 characters long: the named query "bedrock-tokens-by-tag-KEY" must fit Athena's 128 characters, so use keys of at most 106`,
      '  - databaseName "Bedrock-Logs" is not a valid Glue database name for Athena: use 1-255 lower-case letters, digits and _ (for example "bedrock_invocation_logs")',
      '  - workGroupName "bedrock logs" is not a valid Athena workgroup name: use 1-128 letters, digits and . _ - (for example "bedrock-log-analytics")',
      '  - bytesScannedCutoffPerQuery is 1048576 bytes: Athena\'s minimum is 10 MB (10000000 bytes); use for example Size.gibibytes(10)',
      '  - resultsRetention is 12 hours: S3 expires objects after whole days; use Duration.days(N) with N >= 1',
      '  - removalPolicy SNAPSHOT is not supported by S3 buckets: use RemovalPolicy.RETAIN (the default), RETAIN_ON_UPDATE_OR_DELETE or DESTROY',
    ].join('\n'));
  });

  test('a price prefix that overlaps the logs is refused: each table would read the other\'s objects', () => {
    expect(() => synth({ keyPrefix: 'bedrock', pricePrefix: 'bedrock/AWSLogs/prices' })).toThrow(/pricePrefix "bedrock\/AWSLogs\/prices" overlaps the logs under "bedrock\/AWSLogs\/"/);
    expect(() => synth({ keyPrefix: 'org/bedrock', pricePrefix: 'org' })).toThrow(/pricePrefix "org" overlaps/);
    expect(() => synth({ keyPrefix: 'bedrock', pricePrefix: 'bedrock/prices' })).not.toThrow();
  });

  test('the table reads the logging\'s own prefix and key: the logs come as one IBedrockInvocationLogging, no prefix or key of their own', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const logging = new BedrockInvocationLogging(stack, 'Logging', { createEncryptionKey: true, keyPrefix: 'finops/bedrock' });
    const analytics = new BedrockLogAnalytics(stack, 'Analytics', { invocationLogging: logging });
    const location = stack.resolve(analytics.invocationsTable.tableInput) as any;
    expect(JSON.stringify(location.storageDescriptor.location)).toContain('/finops/bedrock/AWSLogs/');
    const policy = JSON.stringify(stack.resolve((analytics.queryPolicy.node.defaultChild as iam.CfnManagedPolicy).policyDocument));
    expect(policy).toContain(stack.resolve(logging.encryptionKey!.keyArn)['Fn::GetAtt'][0]);
    expect(policy).toContain('/finops/bedrock/AWSLogs/*');
  });
});
