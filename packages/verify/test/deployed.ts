/**
 * What `cdk deploy` of BedrockInvocationLoggingStack leaves in an account, read from the template
 * the library synthesizes (in-process) with every intrinsic resolved for account 111122223333 in
 * us-east-1: the logging configuration the custom resource puts, the bucket and its policy, the
 * KMS key policy, the nOps grant and the CloudWatch destination. verify's fake account is built
 * from this, so its tests judge the policies the constructs actually write.
 */
import { App, BootstraplessSynthesizer } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BedrockInvocationLoggingStack, BedrockInvocationLoggingStackProps } from '../../../lib';
import { IAM_PATH } from '../../../lib/shared/facts';
import { ACCOUNT, REGION, TemplateResolver } from '../../../test/support/security/resolve';

// The handler owns the custom resource's property names and flags; read them from it, as the construct does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const HANDLER: { PROPS: Record<string, string>; FLAGS: string[] } = require('../../../lib/logging/handler/index.js');

type Json = any;

export const STACK_NAME = 'BedrockInvocationLogging';
export const NOPS_ROLE = 'Nops-Integration-abc123';

export interface PolicyDocument { Version?: string; Statement: Json[] }
export interface NamedPolicy { readonly name: string; readonly policy: PolicyDocument }

/** The deployed state of one stack, resolved to literals. */
export interface Deployed {
  readonly account: string;
  readonly region: string;
  /** The stack's name in this Region. */
  readonly stackName: string;
  /** The roles the stack creates on the library's IAM path (generated names). */
  readonly libraryRoles: ReadonlyArray<{ readonly logicalId: string; readonly name: string; readonly arn: string; readonly trust: PolicyDocument }>;
  /** What the custom resource puts: GetModelInvocationLoggingConfiguration's `loggingConfig`. */
  readonly loggingConfig: Record<string, Json>;
  readonly bucketName: string;
  readonly prefix: string;
  readonly bucketPolicy: PolicyDocument;
  /** The bucket's properties as synthesized (encryption, public access block, ownership, versioning). */
  readonly bucket: Json;
  readonly key?: { readonly arn: string; readonly policy: PolicyDocument };
  /** The nOps role (imported by name, so its ARN is built the way IAM would answer it). */
  readonly nops: { readonly roleName: string; readonly roleArn: string; readonly policies: NamedPolicy[] };
  readonly cloudWatch?: {
    readonly logGroupName: string;
    readonly retentionInDays?: number;
    readonly roleName: string;
    readonly roleArn: string;
    readonly trust: PolicyDocument;
  };
}

const cache = new Map<string, Deployed>();
const templates = new Map<string, Record<string, Json>>();

/** Where a stack is deployed. @default account 111122223333, us-east-1 */
export interface Where {
  readonly account?: string;
  readonly region?: string;
}

/**
 * Synthesizes the stack with `props` (nopsRoleName defaults to NOPS_ROLE) and reads what it deploys
 * in `where`. Memoised per props and place. Outside us-east-1 the stack name carries the Region
 * (StackSets also names every stack instance apart), so generated names differ per Region.
 */
export function deployed(props: Omit<BedrockInvocationLoggingStackProps, 'synthesizer'> = {}, where: Where = {}): Deployed {
  const key = JSON.stringify([props, where]);
  let result = cache.get(key);
  if (!result) {
    result = read({ nopsRoleName: NOPS_ROLE, ...props }, where.account ?? ACCOUNT, where.region ?? REGION);
    cache.set(key, result);
  }
  // A copy: tests mutate what they get.
  return JSON.parse(JSON.stringify(result));
}

/** The synthesized template of `props`, once per props (the account and Region are resolved later). */
function synthesize(props: BedrockInvocationLoggingStackProps): Record<string, Json> {
  const key = JSON.stringify(props);
  let template = templates.get(key);
  if (!template) {
    const app = new App();
    const stack = new BedrockInvocationLoggingStack(app, STACK_NAME, { ...props, synthesizer: new BootstraplessSynthesizer() });
    template = Template.fromStack(stack).toJSON();
    templates.set(key, template);
  }
  return template;
}

function read(props: BedrockInvocationLoggingStackProps, account: string, region: string): Deployed {
  const template = synthesize(props);
  const stackName = region === REGION ? STACK_NAME : `${STACK_NAME}-${region}`;
  const resolver = new TemplateResolver(template, { stackName, account, region });
  const resources = resolver.resolveTemplate().Resources as Record<string, Json>;
  const ofType = (type: string): Array<[string, Json]> => Object.entries(resources).filter(([, r]) => r.Type === type);
  const one = <T>(items: T[], what: string): T => {
    if (items.length !== 1) throw new Error(`expected one ${what} in the template, found ${items.length}`);
    return items[0];
  };

  // The logging configuration, from the custom resource's properties as the handler maps them.
  const custom = one(ofType('Custom::BedrockModelInvocationLogging'), 'logging configuration custom resource')[1].Properties;
  const P = HANDLER.PROPS;
  const s3Config = { bucketName: custom[P.bucketName], keyPrefix: custom[P.keyPrefix] };
  const loggingConfig: Record<string, Json> = { s3Config };
  if (custom[P.logGroupName]) {
    loggingConfig.cloudWatchConfig = { logGroupName: custom[P.logGroupName], roleArn: custom[P.roleArn], largeDataDeliveryS3Config: s3Config };
  }
  for (const flag of HANDLER.FLAGS) {
    const value = custom[flag[0].toUpperCase() + flag.slice(1)];
    loggingConfig[flag] = value === undefined ? true : value === true || value === 'true';
  }

  const bucketName: string = s3Config.bucketName;
  const bucket = one(ofType('AWS::S3::Bucket').filter(([id]) => resolver.ref(id) === bucketName), `bucket ${bucketName}`)[1].Properties;
  const bucketPolicy = one(ofType('AWS::S3::BucketPolicy').filter(([, r]) => r.Properties.Bucket === bucketName), `policy of ${bucketName}`)[1].Properties.PolicyDocument;

  const keyId = bucket.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
  let key: Deployed['key'];
  if (keyId) {
    const [id, resource] = one(ofType('AWS::KMS::Key').filter(([i]) => resolver.getAtt(i, 'Arn') === keyId), `key ${keyId}`);
    key = { arn: resolver.getAtt(id, 'Arn'), policy: resource.Properties.KeyPolicy };
  }

  const roleName = props.nopsRoleName ?? NOPS_ROLE;
  const policies: NamedPolicy[] = [...ofType('AWS::IAM::ManagedPolicy'), ...ofType('AWS::IAM::Policy')]
    .filter(([, r]) => (r.Properties.Roles ?? []).includes(roleName))
    .map(([id, r]) => ({ name: id, policy: r.Properties.PolicyDocument }));

  let cloudWatch: Deployed['cloudWatch'];
  const cw = loggingConfig.cloudWatchConfig;
  if (cw) {
    const group = one(ofType('AWS::Logs::LogGroup').filter(([id]) => resolver.ref(id) === cw.logGroupName), `log group ${cw.logGroupName}`)[1];
    const [roleId, role] = one(ofType('AWS::IAM::Role').filter(([id]) => resolver.getAtt(id, 'Arn') === cw.roleArn), `role ${cw.roleArn}`);
    cloudWatch = {
      logGroupName: cw.logGroupName,
      ...(group.Properties.RetentionInDays !== undefined ? { retentionInDays: group.Properties.RetentionInDays } : {}),
      roleName: resolver.ref(roleId),
      roleArn: cw.roleArn,
      trust: role.Properties.AssumeRolePolicyDocument,
    };
  }

  const libraryRoles = ofType('AWS::IAM::Role').filter(([, r]) => r.Properties.Path === IAM_PATH)
    .map(([id, r]) => ({ logicalId: id, name: resolver.ref(id), arn: resolver.getAtt(id, 'Arn'), trust: r.Properties.AssumeRolePolicyDocument }));

  return {
    account,
    region,
    stackName,
    libraryRoles,
    loggingConfig,
    bucketName,
    prefix: s3Config.keyPrefix,
    bucketPolicy,
    bucket,
    key,
    nops: { roleName, roleArn: `arn:aws:iam::${account}:role/${roleName}`, policies },
    cloudWatch,
  };
}
