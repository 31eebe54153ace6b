import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, BootstraplessSynthesizer, Lazy, Token } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { OnDelete } from './logging-configuration';
import { ErrorCollector, normalizeKeyPrefix, validateRoleName } from './private/validation';
import { BedrockInvocationLoggingStack } from './stack';


/** Whether the StackSet is managed as the organization's management account or as a delegated administrator. */
export enum StackSetCallAs {
  /** The management account manages the StackSet. */
  SELF = 'SELF',
  /** A delegated administrator account (registered for `member.org.stacksets.cloudformation.amazonaws.com`) manages it. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/** How a StackSet operation goes through the Regions. */
export enum StackSetRegionConcurrency {
  /** One Region at a time, in `regionOrder`. */
  SEQUENTIAL = 'SEQUENTIAL',
  /** All Regions at once. */
  PARALLEL = 'PARALLEL',
}

/** How the failure tolerance affects concurrency. */
export enum StackSetConcurrencyMode {
  /** Concurrency drops so that failures never exceed the tolerance + 1 (slow, AWS's default). */
  STRICT_FAILURE_TOLERANCE = 'STRICT_FAILURE_TOLERANCE',
  /** Concurrency stays at the maximum whatever fails; the tolerance only stops the Region. */
  SOFT_FAILURE_TOLERANCE = 'SOFT_FAILURE_TOLERANCE',
}

/**
 * Synth-time choices of the member template (they change the template itself). The per-account
 * values (`KeyPrefix`, `NopsRoleName`, `CloudWatchLogs`) are template parameters instead.
 */
export interface BedrockInvocationLoggingMemberTemplateProps {
  /**
   * Create a KMS key per account and Region for the bucket (SSE-KMS).
   * @default false - SSE-S3
   */
  readonly createEncryptionKey?: boolean;
  /** Log text prompts and completions. @default true */
  readonly textDataDeliveryEnabled?: boolean;
  /** Log image inputs and outputs. @default true */
  readonly imageDataDeliveryEnabled?: boolean;
  /** Log embeddings. @default true */
  readonly embeddingDataDeliveryEnabled?: boolean;
  /** Log video inputs and outputs. @default true */
  readonly videoDataDeliveryEnabled?: boolean;
  /** Log audio inputs and outputs. @default true */
  readonly audioDataDeliveryEnabled?: boolean;
  /**
   * What deleting a stack instance does to the account's logging configuration.
   * @default OnDelete.RESTORE
   */
  readonly onDelete?: OnDelete;
  /**
   * Fail instead of replacing a different configuration that already exists in an account.
   * @default false
   */
  readonly failIfAlreadyConfigured?: boolean;
  /**
   * Succeed without configuring anything in a Region where Amazon Bedrock is not available, so
   * that such a Region does not fail the StackSet operation. Stated in the stack output
   * `SkipUnsupportedRegions`.
   * @default true
   */
  readonly skipUnsupportedRegions?: boolean;
  /**
   * Retention of the log group when the `CloudWatchLogs` parameter is `true`.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logGroupRetention?: logs.RetentionDays;
  /**
   * Runtime of the custom resource handler: Node.js 22 or later (older ones are refused at synth).
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly handlerRuntime?: lambda.Runtime;
}

/**
 * The template every account and Region of the organization runs: `BedrockInvocationLoggingStack`
 * with template parameters, synthesized in its own `App` under `BootstraplessSynthesizer` (no
 * assets, no bootstrap parameter or rule, no account id or Region), and without the context of the
 * app it is used from, so that it is the same wherever it is synthesized.
 *
 * The app is synthesized on the first call of `toJson()`; change `stack` (tags, aspects) before.
 */
export class BedrockInvocationLoggingMemberTemplate {
  /** CloudFormation's limit on a `TemplateBody` passed inline (bytes). */
  public static readonly MAX_TEMPLATE_BODY_BYTES = 51_200;
  /** Construct id of the member stack (the stack name `cdk deploy` uses in a single account). */
  public static readonly STACK_ID = 'BedrockInvocationLogging';

  /** The app the member stack lives in. */
  public readonly app: App;
  /** The member stack. */
  public readonly stack: BedrockInvocationLoggingStack;
  private rendered?: Record<string, unknown>;

  constructor(props: BedrockInvocationLoggingMemberTemplateProps = {}) {
    this.app = isolatedApp();
    this.stack = new BedrockInvocationLoggingStack(this.app, BedrockInvocationLoggingMemberTemplate.STACK_ID, {
      synthesizer: new BootstraplessSynthesizer(),
      templateParameters: true,
      createEncryptionKey: props.createEncryptionKey,
      textDataDeliveryEnabled: props.textDataDeliveryEnabled,
      imageDataDeliveryEnabled: props.imageDataDeliveryEnabled,
      embeddingDataDeliveryEnabled: props.embeddingDataDeliveryEnabled,
      videoDataDeliveryEnabled: props.videoDataDeliveryEnabled,
      audioDataDeliveryEnabled: props.audioDataDeliveryEnabled,
      onDelete: props.onDelete,
      failIfAlreadyConfigured: props.failIfAlreadyConfigured,
      skipUnsupportedRegions: props.skipUnsupportedRegions ?? true,
      logGroupRetention: props.logGroupRetention,
      handlerRuntime: props.handlerRuntime,
    });
  }

  /**
   * The template, minified: the StackSet's `TemplateBody`. Fails if it is over
   * `BedrockInvocationLoggingMemberTemplate.MAX_TEMPLATE_BODY_BYTES`.
   */
  public toJson(): string {
    const body = JSON.stringify(this.template());
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > BedrockInvocationLoggingMemberTemplate.MAX_TEMPLATE_BODY_BYTES) {
      throw new Error(`The member template of ${this.stack.node.path} is ${bytes} bytes minified, over CloudFormation's ${BedrockInvocationLoggingMemberTemplate.MAX_TEMPLATE_BODY_BYTES}-byte limit for an inline TemplateBody: `
        + 'remove what was added to the member stack, or publish the template (npm run template) to S3 and create the StackSet with a TemplateURL instead');
    }
    return body;
  }

  /** The template, indented for reading (CfCT, LZA and the console accept it as it is). */
  public toPrettyJson(): string {
    this.toJson();
    return JSON.stringify(this.template(), undefined, 2) + '\n';
  }

  private template(): Record<string, unknown> {
    if (!this.rendered) {
      const outdir = this.app.outdir;
      fs.mkdirSync(outdir, { recursive: true });
      try {
        this.rendered = this.app.synth().getStackArtifact(this.stack.artifactId).template;
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }
    return this.rendered!;
  }
}

/**
 * Properties for `BedrockInvocationLoggingStackSet`.
 */
export interface BedrockInvocationLoggingStackSetProps extends BedrockInvocationLoggingMemberTemplateProps {
  /**
   * Organizational units (`ou-xxxx-yyyyyyyy`) or the root (`r-xxxx`) to deploy to. Every account
   * in them, and in their child OUs, gets a stack instance, except the management account.
   */
  readonly organizationalUnitIds: string[];

  /** Regions to deploy to in every account (for example `us-east-1`). */
  readonly regions: string[];

  /**
   * Name of the StackSet.
   * @default 'BedrockInvocationLogging'
   */
  readonly stackSetName?: string;

  /**
   * Description of the StackSet.
   * @default - says what it deploys
   */
  readonly description?: string;

  /**
   * Whether the StackSet is managed from the management account or a delegated administrator.
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * Deploy to accounts that join the targeted OUs later, and remove stack instances from accounts
   * that leave them.
   * @default true
   */
  readonly autoDeployment?: boolean;

  /**
   * Keep the stack (bucket, logging) in an account that leaves the targeted OUs, so that its
   * audit logging goes on. Only with `autoDeployment`.
   * @default true
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * Regions one after the other, or all at once.
   * @default StackSetRegionConcurrency.PARALLEL
   */
  readonly regionConcurrency?: StackSetRegionConcurrency;

  /**
   * Order of the Regions with `SEQUENTIAL` (a subset of `regions`).
   * @default - CloudFormation's order
   */
  readonly regionOrder?: string[];

  /**
   * Percentage of the accounts, per Region, deployed at once (rounded down, at least one).
   * @default 25 - unless `maxConcurrentCount` is given
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * Number of accounts, per Region, deployed at once. Instead of `maxConcurrentPercentage`.
   * @default - `maxConcurrentPercentage`
   */
  readonly maxConcurrentCount?: number;

  /**
   * Percentage of the accounts, per Region, that may fail before the operation stops in that
   * Region (rounded down).
   * @default 10 - unless `failureToleranceCount` is given
   */
  readonly failureTolerancePercentage?: number;

  /**
   * Number of accounts, per Region, that may fail before the operation stops in that Region.
   * Instead of `failureTolerancePercentage`.
   * @default - `failureTolerancePercentage`
   */
  readonly failureToleranceCount?: number;

  /**
   * How failures affect concurrency.
   * @default StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE
   */
  readonly concurrencyMode?: StackSetConcurrencyMode;

  /**
   * Let StackSets run non-conflicting operations at once and queue the others.
   * @default true
   */
  readonly managedExecution?: boolean;

  /**
   * Value of the member template's `KeyPrefix` parameter for every account.
   * @default 'bedrock'
   */
  readonly keyPrefix?: string;

  /**
   * Value of the member template's `NopsRoleName` parameter: the nOps integration role's name.
   * Every targeted account must have a role of that name; leave it empty where they do not.
   * @default '' - no grant
   */
  readonly nopsRoleName?: string;

  /**
   * Value of the member template's `CloudWatchLogs` parameter.
   * @default false
   */
  readonly cloudWatchLogs?: boolean;
}

const OU_ID_PATTERN = '^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$';
const REGION_NAME_PATTERN = '^[a-z]{2}(-[a-z]+)+-\\d{1,2}$';
const OU_ID = new RegExp(OU_ID_PATTERN);
const REGION = new RegExp(REGION_NAME_PATTERN);

/**
 * Rolls `BedrockInvocationLoggingStack` out to every account of some OUs and Regions with a
 * service-managed CloudFormation StackSet, including accounts that join later. Put it in a stack
 * of the management account or of a delegated administrator (`callAs`).
 */
export class BedrockInvocationLoggingStackSet extends Construct {
  /** An organizational unit id (`ou-ab12-cdef3456`) or a root id (`r-ab12`), as StackSets accept them. */
  public static readonly ORGANIZATIONAL_UNIT_ID_PATTERN = OU_ID_PATTERN;
  /** A Region name such as `us-east-1` or `us-gov-west-1`. */
  public static readonly REGION_PATTERN = REGION_NAME_PATTERN;

  /** The StackSet. */
  public readonly stackSet: CfnStackSet;
  /** The template of the stack instances. */
  public readonly memberTemplate: BedrockInvocationLoggingMemberTemplate;
  /** Name of the StackSet. */
  public readonly stackSetName: string;

  constructor(scope: Construct, id: string, props: BedrockInvocationLoggingStackSetProps) {
    super(scope, id);
    const errors = new ErrorCollector(`${this.node.path} props`);
    const ouIds = checkList('organizationalUnitIds', props.organizationalUnitIds, OU_ID,
      'an OU id such as "ou-ab12-cdef3456" or the root id such as "r-ab12"', errors);
    const regions = checkList('regions', props.regions, REGION, 'a Region name such as "us-east-1"', errors);
    if (props.regionOrder) {
      checkList('regionOrder', props.regionOrder, REGION, 'a Region name such as "us-east-1"', errors);
      const extra = props.regionOrder.filter((r) => !Token.isUnresolved(r) && !props.regions.includes(r));
      if (extra.length > 0) errors.add(`regionOrder names ${extra.join(', ')}, which ${extra.length > 1 ? 'are' : 'is'} not in regions: list only target Regions`);
    }
    if (props.maxConcurrentPercentage !== undefined && props.maxConcurrentCount !== undefined) {
      errors.add('maxConcurrentPercentage and maxConcurrentCount are both given: CloudFormation takes one of them; drop the other');
    }
    if (props.failureTolerancePercentage !== undefined && props.failureToleranceCount !== undefined) {
      errors.add('failureTolerancePercentage and failureToleranceCount are both given: CloudFormation takes one of them; drop the other');
    }
    checkInteger('maxConcurrentPercentage', props.maxConcurrentPercentage, 1, 100, errors);
    checkInteger('maxConcurrentCount', props.maxConcurrentCount, 1, undefined, errors);
    checkInteger('failureTolerancePercentage', props.failureTolerancePercentage, 0, 100, errors);
    checkInteger('failureToleranceCount', props.failureToleranceCount, 0, undefined, errors);
    const autoDeployment = props.autoDeployment ?? true;
    if (!autoDeployment && props.retainStacksOnAccountRemoval !== undefined) {
      errors.add('retainStacksOnAccountRemoval applies only with autoDeployment: turn autoDeployment on, or drop retainStacksOnAccountRemoval');
    }
    const stackSetName = props.stackSetName ?? BedrockInvocationLoggingMemberTemplate.STACK_ID;
    if (!Token.isUnresolved(stackSetName) && !/^[a-zA-Z][a-zA-Z0-9-]{0,127}$/.test(stackSetName)) {
      errors.add(`stackSetName ${JSON.stringify(stackSetName)} is not a valid StackSet name: start with a letter, then up to 127 letters, digits or "-"`);
    }
    const keyPrefix = normalizeKeyPrefix(props.keyPrefix ?? 'bedrock', 'keyPrefix', errors);
    const nopsRoleName = props.nopsRoleName ?? '';
    if (nopsRoleName !== '') validateRoleName(nopsRoleName, 'nopsRoleName', errors);
    errors.throwIfAny();

    this.stackSetName = stackSetName;
    this.memberTemplate = new BedrockInvocationLoggingMemberTemplate(props);
    const usesCounts = props.maxConcurrentCount !== undefined;
    const usesToleranceCount = props.failureToleranceCount !== undefined;
    this.stackSet = new CfnStackSet(this, 'Resource', {
      stackSetName,
      description: props.description ?? 'Amazon Bedrock model invocation logging to S3 in every account and Region, readable by the nOps integration role (cdk-bedrock-invocation-logging)',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? StackSetCallAs.SELF,
      autoDeployment: autoDeployment
        ? { enabled: true, retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? true }
        : { enabled: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: props.managedExecution ?? true },
      operationPreferences: {
        regionConcurrencyType: props.regionConcurrency ?? StackSetRegionConcurrency.PARALLEL,
        regionOrder: props.regionOrder,
        maxConcurrentPercentage: usesCounts ? undefined : props.maxConcurrentPercentage ?? 25,
        maxConcurrentCount: props.maxConcurrentCount,
        failureTolerancePercentage: usesToleranceCount ? undefined : props.failureTolerancePercentage ?? 10,
        failureToleranceCount: props.failureToleranceCount,
        concurrencyMode: props.concurrencyMode ?? StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE,
      },
      // Every parameter gets an explicit StackSet-level value, the empty NopsRoleName included:
      // StackSets has refused parameters with an empty default and no value ("must have values").
      parameters: [
        { parameterKey: 'KeyPrefix', parameterValue: keyPrefix },
        { parameterKey: 'NopsRoleName', parameterValue: nopsRoleName },
        { parameterKey: 'CloudWatchLogs', parameterValue: String(props.cloudWatchLogs ?? false) },
      ],
      stackInstancesGroup: [{
        deploymentTargets: { organizationalUnitIds: ouIds },
        regions,
      }],
      templateBody: Lazy.string({ produce: () => this.memberTemplate.toJson() }),
    });
  }
}

function checkList(prop: string, values: string[], pattern: RegExp, example: string, errors: ErrorCollector): string[] {
  if (Token.isUnresolved(values)) return values;
  if (values.length === 0) {
    errors.add(`${prop} is empty: give at least one, for example ${example}`);
    return values;
  }
  const seen = new Set<string>();
  for (const v of values) {
    if (Token.isUnresolved(v)) continue;
    if (!pattern.test(v)) errors.add(`${prop} value ${JSON.stringify(v)} is not ${example}`);
    else if (seen.has(v)) errors.add(`${prop} lists ${JSON.stringify(v)} twice: list it once`);
    seen.add(v);
  }
  return values;
}

function checkInteger(prop: string, value: number | undefined, min: number, max: number | undefined, errors: ErrorCollector): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    errors.add(`${prop} ${value} is not a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`);
  }
}

/**
 * An app that ignores the context of the process (the CDK CLI passes its own, cdk.json's and
 * -c values through the environment) and writes to its own temporary directory, so the member
 * template is the same from `cdk synth`, `npm run template` and a test: no `CDKMetadata` (its
 * condition lists Regions), no path metadata.
 */
function isolatedApp(): App {
  const inherited: Record<string, unknown> = {};
  const json = process.env[cxapi.CONTEXT_ENV];
  if (json) Object.assign(inherited, JSON.parse(json));
  const file = process.env[cxapi.CONTEXT_OVERFLOW_LOCATION_ENV];
  if (file && fs.existsSync(file)) Object.assign(inherited, JSON.parse(fs.readFileSync(file, 'utf8')));
  const postCliContext: Record<string, unknown> = {};
  for (const key of Object.keys(inherited)) postCliContext[key] = undefined;
  postCliContext[cxapi.PATH_METADATA_ENABLE_CONTEXT] = false;
  const app = new App({
    outdir: path.join(os.tmpdir(), `bedrock-invocation-logging-member-${randomUUID()}`),
    autoSynth: false,
    analyticsReporting: false,
    postCliContext,
  });
  // The app creates its directory at once; it exists only while the template is synthesized.
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return app;
}
