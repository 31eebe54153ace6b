import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, BootstraplessSynthesizer, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { DETECTION_RULE_NAME, EVENT_BUS_ARN_PATTERN } from '../guard/facts';
import { BedrockTamperDetection } from '../guard/tamper-detection';
import { ModelInvocationLoggingOptions } from '../logging/logging-options';
import { loggingOptionsOf } from '../logging/private/logging-options';
import { ErrorCollector } from '../shared/validation';
import { BedrockInvocationLoggingStack } from '../stack/stack';

/**
 * Synth-time choices of the member template (they change the template itself). The per-account
 * values (`KeyPrefix`, `NopsRoleName`, `CloudWatchLogs`, `PermissionsBoundaryArn`, ...) are template
 * parameters instead.
 */
export interface BedrockInvocationLoggingMemberTemplateProps extends ModelInvocationLoggingOptions {
  /**
   * Create a KMS key per account and Region for the bucket (SSE-KMS).
   * @default false - SSE-S3
   */
  readonly createEncryptionKey?: boolean;
  /**
   * Retention of the log group when the `CloudWatchLogs` parameter is `true`.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logGroupRetention?: logs.RetentionDays;
  /**
   * ARN of a central event bus (for example in a security account) that every account and Region
   * sends its tamper events to: each stack instance gets the `BedrockTamperDetection` rule and a role
   * on the library's path that may put events on this bus, nothing else. The bus's resource policy
   * must let the organization's accounts put events (`aws:PrincipalOrgID`). Needs CloudTrail
   * management events in every account and Region (an organization trail).
   * @default - no detection in the member template
   */
  readonly alertEventBusArn?: string;
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

  /**
   * @param props the member stack's properties (all optional)
   */
  constructor(props: BedrockInvocationLoggingMemberTemplateProps = {}) {
    const errors = new ErrorCollector('member template props');
    const busArn = props.alertEventBusArn;
    if (busArn !== undefined && !Token.isUnresolved(busArn) && !new RegExp(EVENT_BUS_ARN_PATTERN).test(busArn)) {
      errors.add(`alertEventBusArn ${JSON.stringify(busArn)} is not an event bus ARN: use one such as arn:aws:events:us-east-1:123456789012:event-bus/NAME`);
    }
    errors.throwIfAny();
    this.app = isolatedApp();
    this.stack = new BedrockInvocationLoggingStack(this.app, BedrockInvocationLoggingMemberTemplate.STACK_ID, {
      synthesizer: new BootstraplessSynthesizer(),
      templateParameters: true,
      createEncryptionKey: props.createEncryptionKey,
      logGroupRetention: props.logGroupRetention,
      ...loggingOptionsOf(props),
      skipUnsupportedRegions: props.skipUnsupportedRegions ?? true,
    });
    if (busArn !== undefined) {
      new BedrockTamperDetection(this.stack, 'TamperDetection', {
        eventBus: events.EventBus.fromEventBusArn(this.stack, 'AlertEventBus', busArn),
        ruleName: DETECTION_RULE_NAME,
      });
    }
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
