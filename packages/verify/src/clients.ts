import { BedrockClient } from '@aws-sdk/client-bedrock';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';

/**
 * The only operations `verify` may call: Get, List, Head, Describe and Simulate calls, and STS
 * `AssumeRole` by its exact name (the organization mode reads each account through a role).
 * AssumeRole creates no resource and changes nothing in either account: it returns temporary
 * credentials for a role that already exists (CloudTrail records the call). Its relatives
 * (AssumeRoleWithSAML, AssumeRoleWithWebIdentity, AssumeRoot) do not match.
 */
export const READ_ONLY_OPERATION = /^(?:(?:Get|List|Head|Describe|Simulate)[A-Z][A-Za-z0-9]*|AssumeRole)$/;

/** The SDK clients of one Region. */
export interface RegionClients {
  readonly bedrock: BedrockClient;
  readonly s3: S3Client;
  readonly iam: IAMClient;
  readonly kms: KMSClient;
  readonly logs: CloudWatchLogsClient;
  readonly sts: STSClient;
  /** Which stack created a role on the library's IAM path (DescribeStackResources). */
  readonly cloudformation: CloudFormationClient;
}

/** Temporary credentials, as STS AssumeRole returns them. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

/** Settings shared by every client. */
export interface ClientSettings {
  /** Named profile of the shared config files. @default - the standard credential chain */
  readonly profile?: string;
  /** Credentials of an assumed role; `profile` is then ignored. @default - the standard credential chain */
  readonly credentials?: SessionCredentials;
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
  const common = {
    region,
    ...(settings.credentials ? { credentials: settings.credentials } : settings.profile ? { profile: settings.profile } : {}),
  };
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return {
    bedrock: guardReadOnly(new BedrockClient(common)),
    s3: guardReadOnly(new S3Client({ ...common, followRegionRedirects: true, ...(s3Endpoint ? { forcePathStyle: true } : {}) })),
    iam: guardReadOnly(new IAMClient(common)),
    kms: guardReadOnly(new KMSClient(common)),
    logs: guardReadOnly(new CloudWatchLogsClient(common)),
    sts: guardReadOnly(new STSClient(common)),
    cloudformation: guardReadOnly(new CloudFormationClient(common)),
  };
}

/** The clients the organization mode lists accounts (and finds the tamper guard above them) with, in the caller's account. */
export interface OrganizationClients {
  readonly sts: STSClient;
  readonly organizations: OrganizationsClient;
  readonly cloudformation: CloudFormationClient;
}

/** Real, read-only guarded clients for listing accounts (Organizations) and stack instances (CloudFormation) in `region`. */
export function createOrganizationClients(region: string, settings: ClientSettings = {}): OrganizationClients {
  const common = { region, ...(settings.profile ? { profile: settings.profile } : {}) };
  return {
    sts: guardReadOnly(new STSClient(common)),
    organizations: guardReadOnly(new OrganizationsClient(common)),
    cloudformation: guardReadOnly(new CloudFormationClient(common)),
  };
}

/** Closes the sockets of every client. */
export function destroyClients(clients: RegionClients | OrganizationClients): void {
  for (const client of Object.values(clients)) {
    (client as { destroy(): void }).destroy();
  }
}
