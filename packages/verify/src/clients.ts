import { BedrockClient } from '@aws-sdk/client-bedrock';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';

/** The only operations `verify` may call: it never writes to the account. */
export const READ_ONLY_OPERATION = /^(Get|List|Head|Describe|Simulate)[A-Z]/;

/** The SDK clients of one Region. */
export interface RegionClients {
  readonly bedrock: BedrockClient;
  readonly s3: S3Client;
  readonly iam: IAMClient;
  readonly kms: KMSClient;
  readonly logs: CloudWatchLogsClient;
  readonly sts: STSClient;
}

/** Settings shared by every client. */
export interface ClientSettings {
  /** Named profile of the shared config files. @default - the standard credential chain */
  readonly profile?: string;
  /** Environment to read `AWS_ENDPOINT_URL*` from for S3 path-style addressing. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

interface MiddlewareClient {
  middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name: string; priority?: 'high' }): void };
}

/**
 * Makes `client` refuse every operation that is not a Get, List, Head, Describe or Simulate call,
 * before anything is signed or sent.
 */
export function guardReadOnly<T>(client: T): T {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const name = context.commandName?.replace(/Command$/, '') ?? '';
      if (!READ_ONLY_OPERATION.test(name)) {
        throw new Error(`verify refused to call ${name || 'an unnamed operation'}: it only reads`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'verifyReadOnlyGuard', priority: 'high' },
  );
  return client;
}

/**
 * Real AWS SDK v3 clients for `region`, on the standard credential chain. The SDK honours
 * `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` itself; when one is set for S3, path-style
 * addressing is used so that a local endpoint works.
 */
export function createRegionClients(region: string, settings: ClientSettings = {}): RegionClients {
  const env = settings.env ?? process.env;
  const common = { region, ...(settings.profile ? { profile: settings.profile } : {}) };
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return {
    bedrock: guardReadOnly(new BedrockClient(common)),
    s3: guardReadOnly(new S3Client({ ...common, followRegionRedirects: true, ...(s3Endpoint ? { forcePathStyle: true } : {}) })),
    iam: guardReadOnly(new IAMClient(common)),
    kms: guardReadOnly(new KMSClient(common)),
    logs: guardReadOnly(new CloudWatchLogsClient(common)),
    sts: guardReadOnly(new STSClient(common)),
  };
}

/** Closes the sockets of every client. */
export function destroyClients(clients: RegionClients): void {
  for (const client of Object.values(clients)) {
    (client as { destroy(): void }).destroy();
  }
}
