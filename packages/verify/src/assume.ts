/** Reading another account through a role: STS AssumeRole (creates nothing) and what to say when it is refused. */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { SessionCredentials } from './clients';
import { errorLine, isAccessDenied, isError, networkCode } from './errors';

/** The role session name verify uses: CloudTrail in the target account shows it beside every call verify makes. */
export const ROLE_SESSION_NAME = 'cdk-bedrock-invocation-logging-verify';

/** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`: the role assumed in `account`. */
export function assumedRoleArn(partition: string, account: string, name: string, path = '/'): string {
  return `arn:${partition}:iam::${account}:role${path}${name}`;
}

/** An assumed role's credentials and who they are. */
export interface AssumedSession {
  readonly credentials: SessionCredentials;
  /** AssumeRole's `AssumedRoleUser.Arn` (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`). */
  readonly sessionArn: string;
}

/** Assumes `roleArn` for verify's session; throws what STS answered. */
export async function assumeRole(sts: STSClient, roleArn: string, externalId?: string): Promise<AssumedSession> {
  const result = await sts.send(new AssumeRoleCommand({
    RoleArn: roleArn,
    RoleSessionName: ROLE_SESSION_NAME,
    ...(externalId !== undefined ? { ExternalId: externalId } : {}),
  }));
  const c = result.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new Error(`STS returned no credentials for ${roleArn}`);
  }
  return {
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, ...(c.Expiration ? { expiration: c.Expiration } : {}) },
    sessionArn: result.AssumedRoleUser?.Arn ?? roleArn,
  };
}

/** Why an account could not be read, and what to do, one line each. */
export interface Unreachable {
  readonly error: string;
  readonly fix: string;
}

/** The row of an account whose role could not be assumed. */
export function unreachableAccount(e: unknown, where: { roleArn: string; account: string; callerArn: string; region: string; externalId?: string }): Unreachable {
  const error = `could not assume ${where.roleArn}: ${errorLine(e)}`;
  const code = networkCode(e);
  if (code) {
    return { error, fix: `check the network or proxy to STS in ${where.region} (${code}), then rerun` };
  }
  if (isError(e, 'RegionDisabledException')) {
    return { error, fix: `activate STS in ${where.region} for account ${where.account} (IAM account settings), or put a Region where it is active first in --regions` };
  }
  if (isAccessDenied(e)) {
    const role = where.roleArn.slice(where.roleArn.indexOf(':role/') + 6);
    return {
      error,
      fix: `create role ${role} in account ${where.account}, trusting the role behind ${where.callerArn} (docs/verify.md: "Verifying an organization"),`
        + ` and allow that role sts:AssumeRole on it${where.externalId === undefined ? '; if the trust policy requires an external id, pass --external-id' : '; check --external-id'}`,
    };
  }
  return { error, fix: 'rerun; if it persists, check the account in the console' };
}
