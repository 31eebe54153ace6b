import { App, AppProps, BootstraplessSynthesizer, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { BedrockInvocationLoggingStack, BedrockInvocationLoggingStackProps } from '../lib';
import { ErrorCollector, validateRoleNameOrArn } from '../lib/private/validation';

/** Context keys the app reads; anything else a user passes is a typo and an error. */
export const CONTEXT_KEYS = ['keyPrefix', 'nopsRoleName', 'cloudWatchLogs', 'kms', 'textDataDeliveryEnabled'] as const;

/** Name of the stack `cdk deploy` creates in a member account. */
export const STACK_NAME = 'BedrockInvocationLogging';

/** Keys the CDK CLI and aws-cdk-lib set themselves. */
function isCdkOwnKey(key: string): boolean {
  return key.startsWith('@') || key.includes(':') || key === 'acknowledged-issue-numbers' || key === 'cli-telemetry';
}

function parseBoolean(key: string, value: unknown, errors: ErrorCollector): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  errors.add(`context ${key}=${JSON.stringify(value)} is not a boolean: use -c ${key}=true or -c ${key}=false`);
  return undefined;
}

function parseString(key: string, value: unknown, errors: ErrorCollector): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    errors.add(`context ${key}=${JSON.stringify(value)} is not a string: use -c ${key}=VALUE`);
    return undefined;
  }
  return value;
}

/**
 * Creates the app `cdk synth` and `cdk deploy` run: the member-account stack, with every input
 * defaulted, and the cdk-nag packs AwsSolutions, HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1.
 */
export function createApp(props: AppProps = {}): App {
  const app = new App(props);
  const errors = new ErrorCollector('context (cdk -c KEY=VALUE)');
  const context = app.node.getAllContext() as Record<string, unknown>;
  for (const key of Object.keys(context)) {
    if (!isCdkOwnKey(key) && !(CONTEXT_KEYS as readonly string[]).includes(key)) {
      errors.add(`unknown context key ${JSON.stringify(key)}: the app reads ${CONTEXT_KEYS.join(', ')}`);
    }
  }
  const keyPrefix = parseString('keyPrefix', context.keyPrefix, errors);
  const nopsRoleName = parseString('nopsRoleName', context.nopsRoleName, errors) || undefined;
  const cloudWatchLogs = parseBoolean('cloudWatchLogs', context.cloudWatchLogs, errors);
  const kms = parseBoolean('kms', context.kms, errors);
  const textDataDeliveryEnabled = parseBoolean('textDataDeliveryEnabled', context.textDataDeliveryEnabled, errors);
  const roleKind = nopsRoleName ? validateRoleNameOrArn(nopsRoleName, 'nopsRoleName', errors) : undefined;
  errors.throwIfAny();

  const stackProps: BedrockInvocationLoggingStackProps = {
    // No bootstrap, no assets: the same template deploys with `cdk deploy`, a StackSet or the console.
    synthesizer: new BootstraplessSynthesizer(),
    keyPrefix,
    cloudWatchLogs,
    createEncryptionKey: kms,
    textDataDeliveryEnabled,
    // Policies attach to a role by name; an ARN's path does not matter for that.
    nopsRoleName: roleKind === 'arn' ? nopsRoleName!.split('/').pop() : nopsRoleName,
    // With the legacy destination on, nOps may read it too (subject to nOps's own Deny on logs:GetLogEvents).
    nopsLegacyCloudWatchLogsRead: cloudWatchLogs && nopsRoleName !== undefined,
  };
  new BedrockInvocationLoggingStack(app, STACK_NAME, stackProps);
  Validations.of(app).addPlugins(...nagPacks(app));
  return app;
}

/**
 * The four cdk-nag packs, registered as validation plugins: synth fails on any unacknowledged finding.
 *
 * aws-cdk-lib 2.257 (pinned so that integ-runner can read the cloud assembly) does not pass the
 * construct tree to plugins, which cdk-nag 3 needs; each pack is therefore run on the app directly.
 */
export function nagPacks(app: App): IPolicyValidationPlugin[] {
  return [
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
  ].map((pack) => new NagPackOnScope(pack, app));
}

class NagPackOnScope implements IPolicyValidationPlugin {
  public readonly name: string;
  public readonly ruleIds?: string[];

  constructor(private readonly pack: NagPack, private readonly scope: IConstruct) {
    this.name = pack.name;
    this.ruleIds = pack.ruleIds;
  }

  public validate(_context: IPolicyValidationContext): PolicyValidationPluginReport {
    return this.pack.validateScope(this.scope);
  }
}
