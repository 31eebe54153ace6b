/**
 * The option sets the security evidence is collected for. All but the last are the app users
 * deploy (bin/create-app.ts, with `cdk -c` context); the last composes the library constructs
 * with a key, role and log group settings of the user's own.
 */
import { BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BedrockInvocationLogging, NopsIntegrationGrant } from '../../../lib';
import { ACCOUNT, NOPS_ROLE_NAME, Synthesized, synthApp, synthStack } from '../../support/security/harness';

export interface SecurityCase {
  readonly id: string;
  readonly title: string;
  readonly settings: string;
  /** The prefix the user asked for, normalised the obvious way (trailing `/` dropped). */
  readonly prefix: string;
  readonly nopsRoleName: string;
  readonly synth: () => Synthesized;
}

const app = (id: string, title: string, context: Record<string, string | boolean>, prefix: string): SecurityCase => ({
  id, title, prefix, nopsRoleName: NOPS_ROLE_NAME,
  settings: Object.entries({ nopsRoleName: NOPS_ROLE_NAME, ...context }).map(([k, v]) => `-c ${k}=${v}`).join(' '),
  synth: () => synthApp({ nopsRoleName: NOPS_ROLE_NAME, ...context }),
});

export const LIBRARY_NOPS_ROLE = 'NopsIntegrationRole-xyz';

export const CASES: SecurityCase[] = [
  app('default', 'default', {}, 'bedrock'),
  app('kms', 'KMS', { kms: true }, 'bedrock'),
  app('cloudwatch', 'CloudWatch', { cloudWatchLogs: true }, 'bedrock'),
  app('nested', 'a/b/c', { keyPrefix: 'a/b/c' }, 'a/b/c'),
  app('trailing', 'logs/prod/', { keyPrefix: 'logs/prod/' }, 'logs/prod'),
  app('special', 'odd characters', { keyPrefix: "team_1.(bedrock)!-'x'" }, "team_1.(bedrock)!-'x'"),
  app('all', 'all options', { keyPrefix: 'org/team-a/bedrock', kms: true, cloudWatchLogs: true, textDataDeliveryEnabled: false }, 'org/team-a/bedrock'),
  {
    id: 'library',
    title: 'library',
    settings: 'BedrockInvocationLogging with encryptionKey (a kms.Key of the same stack that allows grants to AWS services only), keyPrefix deep/er/prefix/, cloudWatchLogs, ' +
      `logGroupName /org/bedrock#invocations, logGroupRetention TWO_YEARS; NopsIntegrationGrant with role (iam.Role.fromRoleArn of ${LIBRARY_NOPS_ROLE}) and legacyCloudWatchLogsRead`,
    prefix: 'deep/er/prefix',
    nopsRoleName: LIBRARY_NOPS_ROLE,
    synth: () => synthStack((a) => {
      const stack = new Stack(a, 'Library', { synthesizer: new BootstraplessSynthesizer() });
      const key = new kms.Key(stack, 'OwnKey', { enableKeyRotation: true });
      // A careful user's key: grants only for AWS services (Control Tower CT.KMS.PR.3), as the library's own key has.
      key.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['kms:CreateGrant'], resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }));
      const logging = new BedrockInvocationLogging(stack, 'InvocationLogging', {
        keyPrefix: 'deep/er/prefix/',
        encryptionKey: key,
        cloudWatchLogs: true,
        logGroupName: '/org/bedrock#invocations',
        logGroupRetention: logs.RetentionDays.TWO_YEARS,
      });
      new NopsIntegrationGrant(stack, 'Nops', {
        invocationLogging: logging,
        role: iam.Role.fromRoleArn(stack, 'NopsRole', `arn:aws:iam::${ACCOUNT}:role/${LIBRARY_NOPS_ROLE}`),
        legacyCloudWatchLogsRead: true,
      });
      return { stack, logging };
    }),
  },
];
