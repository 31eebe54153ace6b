/**
 * A KMS key for the CloudWatch Logs destination (`logGroupEncryptionKey`): CloudWatch Logs creates
 * an encrypted log group only if the key's policy lets it use the key. Breaks: the log group fails
 * to create (or the user must find and add AWS's statement), or the statement lets CloudWatch Logs
 * use the key for other log groups.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { complianceFindings, formatFinding } from '../../bin/compliance';
import { BedrockInvocationLogging } from '../../lib';
import { TemplateResolver } from '../support/security/resolve';

const ENV = { account: '111122223333', region: 'eu-west-1' };

/** The statement the CloudWatch Logs user guide documents, for one log group. */
const cloudWatchLogsStatement = (logGroupName: string) => ({
  Sid: 'CloudWatchLogsEncryptInvocationLogGroup',
  Effect: 'Allow',
  Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
  Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
  Resource: '*',
  Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-1:111122223333:log-group:${logGroupName}` } },
});

test('a key created in the app gets the statement, for this log group only, and the log group uses the key', () => {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
  new BedrockInvocationLogging(stack, 'Logging', { cloudWatchLogs: true, logGroupName: '/org/bedrock', logGroupEncryptionKey: key });
  const template = Template.fromStack(stack).toJSON();
  const keyPolicy = template.Resources[stack.getLogicalId(key.node.defaultChild as kms.CfnKey)].Properties.KeyPolicy.Statement;
  const resolved = new TemplateResolver(template).resolve(keyPolicy) as any[];
  expect(resolved.filter((s: any) => s.Sid === 'CloudWatchLogsEncryptInvocationLogGroup')).toEqual([cloudWatchLogsStatement('/org/bedrock')]);
  const logGroup = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Logs::LogGroup');
  expect(logGroup.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] });
  expect(complianceFindings(app).map(formatFinding)).toEqual([]);
});

test('a key created in another stack of the app gets it in that stack\'s key policy', () => {
  const app = new App();
  const keys = new Stack(app, 'Keys', { env: ENV });
  const key = new kms.Key(keys, 'LogKey', { enableKeyRotation: true });
  const stack = new Stack(app, 'S', { env: ENV });
  new BedrockInvocationLogging(stack, 'Logging', { cloudWatchLogs: true, logGroupEncryptionKey: key });
  const keyPolicy = Template.fromStack(keys).toJSON().Resources[keys.getLogicalId(key.node.defaultChild as kms.CfnKey)].Properties.KeyPolicy.Statement;
  expect(keyPolicy.map((s: any) => s.Sid)).toContain('CloudWatchLogsEncryptInvocationLogGroup');
  expect(JSON.stringify(keyPolicy)).toContain('log-group:/aws/bedrock/modelinvocations');
});

test('an imported key is left alone, with a warning that gives the exact statement its owner must add', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const key = kms.Key.fromKeyArn(stack, 'LogKey', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  new BedrockInvocationLogging(stack, 'Logging', { cloudWatchLogs: true, logGroupEncryptionKey: key });
  const warnings = Annotations.fromStack(stack).findWarning('/S/Logging/CloudWatch', Match.anyValue()).map((w) => String(w.entry.data));
  const warning = warnings.find((w) => w.includes('cannot be edited'))!;
  expect(warning).toContain('S/LogKey');
  const statement = JSON.parse(warning.slice(warning.indexOf('{')).replace(/ \[ack: .*$/, ''));
  expect(statement).toEqual(cloudWatchLogsStatement('/aws/bedrock/modelinvocations'));
});
