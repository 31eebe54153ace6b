/*
 * integ-runner hook (see the integ.*.ts files): checks the account and Region's Bedrock model
 * invocation logging configuration before deployment and after `cdk destroy`, which the assertion
 * stack cannot do (it is destroyed first). Runs only when the tests are deployed for real, with the
 * credentials and Region of the environment (AWS_PROFILE, AWS_REGION): give integ-runner the same
 * Region in --parallel-regions.
 *
 *   record NAME            before deploy: remember the configuration (or its absence)
 *   restored NAME          after destroy: the configuration is the one `record NAME` saw
 *   unconfigured           no configuration, and no state parameter of this library
 *   pre-existing-restored  after destroy of integ.restore: its pre-existing configuration is back and
 *                          the state parameter is gone; then deletes that configuration (cleanup)
 *
 * Exits 1 with the reason when a check fails; never deletes a configuration it did not recognise.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  BedrockClient, DeleteModelInvocationLoggingConfigurationCommand, GetModelInvocationLoggingConfigurationCommand,
  LoggingConfig,
} from '@aws-sdk/client-bedrock';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { PRE_EXISTING_BUCKET_PREFIX, PRE_EXISTING_FLAGS, PRE_EXISTING_KEY_PREFIX } from './pre-existing';

// Same value as STATE_PARAMETER_NAME in lib/logging/logging-configuration.ts (not imported: that would load aws-cdk-lib).
const STATE_PARAMETER_NAME = '/cdk-bedrock-invocation-logging/previous-configuration';
const FLAGS = ['textDataDeliveryEnabled', 'imageDataDeliveryEnabled', 'embeddingDataDeliveryEnabled',
  'videoDataDeliveryEnabled', 'audioDataDeliveryEnabled'] as const;

const bedrock = new BedrockClient({});
const ssm = new SSMClient({});

/** The configuration, or undefined when logging is not configured. */
async function getConfig(): Promise<LoggingConfig | undefined> {
  const out = await bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}));
  const c = out.loggingConfig;
  return c && (c.s3Config || c.cloudWatchConfig) ? c : undefined;
}

/** The state parameter's value, or undefined when it does not exist. */
async function getState(): Promise<string | undefined> {
  try {
    return (await ssm.send(new GetParameterCommand({ Name: STATE_PARAMETER_NAME }))).Parameter?.Value;
  } catch (e) {
    if ((e as Error).name === 'ParameterNotFound') return undefined;
    throw e;
  }
}

/** Comparable form: destinations, and every flag as a boolean. */
function canon(c: LoggingConfig | undefined): string {
  if (!c) return 'not configured';
  const s3 = (s?: { bucketName?: string; keyPrefix?: string }) => (s?.bucketName ? { bucketName: s.bucketName, keyPrefix: s.keyPrefix ?? '' } : null);
  const cw = c.cloudWatchConfig;
  return JSON.stringify({
    s3Config: s3(c.s3Config),
    cloudWatchConfig: cw ? { logGroupName: cw.logGroupName, roleArn: cw.roleArn, largeDataDeliveryS3Config: s3(cw.largeDataDeliveryS3Config) } : null,
    ...Object.fromEntries(FLAGS.map((f) => [f, c[f] === true])),
  });
}

function recordFile(name: string, account: string, region: string): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad record name ${JSON.stringify(name)}`);
  return path.join(os.tmpdir(), `cdk-bil-integ-${name}-${account}-${region}.json`);
}

const MODES = ['record', 'restored', 'unconfigured', 'pre-existing-restored'];

async function main(mode: string, name?: string): Promise<string[]> {
  if (!MODES.includes(mode)) {
    return [`unknown mode ${JSON.stringify(mode)}: use record NAME, restored NAME, unconfigured or pre-existing-restored`];
  }
  const account = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account!;
  const region = await bedrock.config.region();
  console.error(`[logging-state ${mode}${name ? ' ' + name : ''}] account ${account}, Region ${region}`);
  const [config, state] = await Promise.all([getConfig(), getState()]);
  console.error(`  configuration: ${canon(config)}`);
  console.error(`  state parameter ${STATE_PARAMETER_NAME}: ${state ?? 'absent'}`);
  const problems: string[] = [];
  const noState = (when: string) => {
    if (state !== undefined) problems.push(`${STATE_PARAMETER_NAME} exists ${when}; another stack of this library manages logging here, or a test left it behind; delete it (aws ssm delete-parameter --name ${STATE_PARAMETER_NAME}) only if no stack owns it`);
  };

  switch (mode) {
    case 'record': {
      noState('before the test');
      fs.writeFileSync(recordFile(name!, account, region), JSON.stringify({ config: config ?? null }));
      break;
    }
    case 'restored': {
      const file = recordFile(name!, account, region);
      if (!fs.existsSync(file)) {
        problems.push(`no record ${file}: the preDeploy hook did not run`);
        break;
      }
      const before = JSON.parse(fs.readFileSync(file, 'utf8')).config ?? undefined;
      fs.unlinkSync(file);
      if (canon(before) !== canon(config)) {
        problems.push(`the configuration is not the one from before the test.\n    before: ${canon(before)}\n    after:  ${canon(config)}`);
      }
      noState('after destroy');
      break;
    }
    case 'unconfigured': {
      if (config) {
        const leftover = config.s3Config?.bucketName?.startsWith(PRE_EXISTING_BUCKET_PREFIX) ? ' (a leftover of integ.restore.ts)' : '';
        problems.push(`model invocation logging is configured${leftover}. This test needs an account and Region without a configuration: ` +
          'run it elsewhere, or remove it with `aws bedrock delete-model-invocation-logging-configuration` if it is a test leftover');
      }
      noState('already');
      break;
    }
    case 'pre-existing-restored': {
      const expected = canon({
        s3Config: { bucketName: `${PRE_EXISTING_BUCKET_PREFIX}${account}-${region}`, keyPrefix: PRE_EXISTING_KEY_PREFIX },
        ...PRE_EXISTING_FLAGS,
      });
      if (canon(config) !== expected) {
        problems.push(`the pre-existing configuration was not put back.\n    expected: ${expected}\n    found:    ${canon(config)}`);
      }
      noState('after destroy');
      if (config?.s3Config?.bucketName === `${PRE_EXISTING_BUCKET_PREFIX}${account}-${region}`) {
        await bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({}));
        console.error('  deleted the pre-existing configuration (cleanup)');
      } else if (config) {
        problems.push('left the configuration above in place: it is not the test\'s pre-existing one. If it is the stack\'s own ' +
          '(bucket bilintegrestore-...), remove it with `aws bedrock delete-model-invocation-logging-configuration`');
      }
      break;
    }
  }
  return problems;
}

main(process.argv[2], process.argv[3]).then((problems) => {
  for (const p of problems) console.error(`  FAILED: ${p}`);
  console.error(problems.length ? '  => check failed' : '  => ok');
  process.exitCode = problems.length ? 1 : 0;
}, (e) => {
  console.error(`  FAILED: ${(e as Error).name}: ${(e as Error).message}`);
  process.exitCode = 1;
});
