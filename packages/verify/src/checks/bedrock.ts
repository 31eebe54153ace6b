/**
 * The Region's model invocation logging setting, as Bedrock returns it: whether Bedrock answers,
 * whether logging is on, its S3 destination and key prefix, and the data types it delivers.
 */
import { GetModelInvocationLoggingConfigurationCommand, LoggingConfig } from '@aws-sdk/client-bedrock';
import { networkCode } from '../errors';
import { normalizeConfiguredPrefix, prefixPath } from '../prefix';
import { CHECK_IDS } from '../types';
import { RegionContext, Rows, unreadable } from './common';

/**
 * `bedrock-available` and `logging-enabled`. The configuration when logging is on, `'off'` when it
 * is off, `undefined` when it could not be read (the rows say why; nothing else can be checked).
 */
export async function checkLoggingConfiguration(ctx: RegionContext, rows: Rows): Promise<LoggingConfig | 'off' | undefined> {
  const { region, clients } = ctx;
  let config: LoggingConfig | undefined;
  try {
    config = (await clients.bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}))).loggingConfig;
    rows.pass('bedrock-available', 'the Bedrock endpoint answered');
  } catch (e) {
    const code = networkCode(e);
    if (code === 'ENOTFOUND') {
      const detail = `the Bedrock endpoint of ${region} does not resolve (ENOTFOUND): Amazon Bedrock is not offered in this Region`;
      const fix = `drop ${region} from --regions${ctx.options.allowUnavailableRegions ? '' : ', or pass --allow-unavailable-regions to report it as a warning'}`;
      rows.set('bedrock-available', ctx.options.allowUnavailableRegions ? 'WARN' : 'FAIL', detail, fix);
      return undefined;
    }
    if (code) {
      rows.fail('bedrock-available', `could not reach Bedrock in ${region} (${code})`, 'check the network, proxy or VPC endpoint, then rerun');
      return undefined;
    }
    rows.pass('bedrock-available', 'the Bedrock endpoint answered');
    unreadable(rows, 'logging-enabled', 'bedrock:GetModelInvocationLoggingConfiguration', e);
    rows.skipUnset(CHECK_IDS, 'logging configuration unknown');
    return undefined;
  }

  const enableFix = `deploy BedrockInvocationLoggingStack to ${region} (or the StackSet), or turn it on in the Bedrock console: Settings > Model invocation logging`;
  if (!config || (!config.s3Config?.bucketName && !config.cloudWatchConfig?.logGroupName)) {
    rows.fail('logging-enabled', `model invocation logging is off in ${region}`, enableFix);
    return 'off';
  }
  const destinations = [config.s3Config?.bucketName ? 'S3' : '', config.cloudWatchConfig?.logGroupName ? 'CloudWatch Logs' : ''].filter(Boolean);
  rows.pass('logging-enabled', `on, delivering to ${destinations.join(' and ')}`);
  return config;
}

/** The S3 destination as configured. */
export interface S3Destination {
  readonly bucketName: string;
  readonly prefix: string;
}

export function checkS3Destination(ctx: RegionContext, rows: Rows, config: LoggingConfig): S3Destination | undefined {
  const bucketName = config.s3Config?.bucketName;
  if (!bucketName) {
    rows.fail('s3-destination', 'no S3 destination (CloudWatch Logs only): nOps reads the logs from S3',
      'add an S3 destination (s3Config) to the logging configuration, for example by deploying BedrockInvocationLoggingStack');
    return undefined;
  }
  const prefix = normalizeConfiguredPrefix(config.s3Config?.keyPrefix);
  const where = `s3://${bucketName}/${prefixPath(prefix)}`;
  rows.s3DataPrefix = where;
  if (ctx.options.keyPrefix !== undefined && ctx.options.keyPrefix !== prefix) {
    rows.fail('s3-destination', `Bedrock writes under ${where}, not under the expected prefix ${JSON.stringify(ctx.options.keyPrefix)}`,
      `give nOps the prefix Bedrock uses (${where}), or change the logging configuration's key prefix to ${JSON.stringify(ctx.options.keyPrefix)}`);
  } else if (!prefix) {
    rows.warn('s3-destination', `${where} with no key prefix: a read grant for these logs covers the whole bucket`,
      'set a key prefix (for example "bedrock") so that nOps can be granted that prefix only');
  } else {
    rows.pass('s3-destination', `${where} (S3 Data Prefix for nOps)`);
  }
  return { bucketName, prefix };
}

export function checkDataTypes(rows: Rows, config: LoggingConfig): void {
  const flags: Array<[string, boolean | undefined]> = [
    ['text', config.textDataDeliveryEnabled],
    ['image', config.imageDataDeliveryEnabled],
    ['embedding', config.embeddingDataDeliveryEnabled],
    ['video', config.videoDataDeliveryEnabled],
    ['audio', config.audioDataDeliveryEnabled],
  ];
  const on = flags.filter(([, v]) => v === true).map(([k]) => k);
  const off = flags.filter(([, v]) => v !== true).map(([k]) => k);
  if (on.length === 0) {
    rows.warn('data-types', 'no data type is delivered (text, image, embedding, video and audio all off): the logs carry no request or response content',
      'if prompts are too sensitive to keep, this is intended; otherwise turn on the types you need (for example textDataDeliveryEnabled)');
  } else {
    rows.pass('data-types', `${on.join(', ')} on${off.length ? `; off: ${off.join(', ')}` : ''}`);
  }
}
