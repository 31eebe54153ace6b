import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { complianceFindings, formatFinding } from '../../bin/compliance';
import { createApp, STACK_NAME } from '../../bin/create-app';
import { runApp } from '../../bin/main';
import { BedrockInvocationLogging, NopsIntegrationGrant } from '../../lib';

const ALL_OPTIONS_CONTEXT = { keyPrefix: 'finops/bedrock', nopsRoleName: 'Nops-Integration-abc123', cloudWatchLogs: 'true', kms: 'true', textDataDeliveryEnabled: 'false' };

function findings(app: App): string[] {
  return complianceFindings(app).map(formatFinding);
}

function acknowledgements(scope: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return scope.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))));
}

describe('the app', () => {
  test('with no context it synthesizes one stack named BedrockInvocationLogging, with every input defaulted', () => {
    const app = createApp();
    expect(app.node.children.filter((c) => c instanceof Stack).map((c) => c.node.id)).toEqual([STACK_NAME]);
    const template = Template.fromStack(app.node.findChild(STACK_NAME) as Stack);
    template.hasOutput('S3DataPrefix', {});
    expect(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [] } })).toEqual({});
  });

  test('it synthesizes under BootstraplessSynthesizer: no bootstrap parameter or rule, no assets', () => {
    const app = createApp();
    const assembly = app.synth();
    const artifact = assembly.getStackByName(STACK_NAME);
    expect(artifact.template.Parameters).toBeUndefined();
    expect(artifact.template.Rules).toBeUndefined();
    expect(artifact.assets).toEqual([]);
    expect(assembly.artifacts.filter((a) => a.constructor.name === 'AssetManifestArtifact')).toEqual([]);
    expect(artifact.environment.account).toBe('unknown-account');
    expect(artifact.environment.region).toBe('unknown-region');
  });

  test.each([
    ['default', {}],
    ['all options', ALL_OPTIONS_CONTEXT],
  ])('cdk-nag AwsSolutions, HIPAA, NIST 800-53 R5 and PCI DSS 3.2.1 report zero unacknowledged findings (%s)', (_name, context) => {
    expect(findings(createApp({ context }))).toEqual([]);
  });

  test('an unacknowledged finding makes the app exit 1 and print the finding on one line', () => {
    // GIVEN a bucket without server access logging added to the app
    const lines: string[] = [];
    // WHEN
    const code = runApp(() => {
      const app = createApp();
      new s3.Bucket(app.node.findChild(STACK_NAME), 'Unlogged');
      return app;
    }, (line) => lines.push(line));
    // THEN
    expect(code).toBe(1);
    expect(lines).toContain('[AwsSolutions] AwsSolutions-S1 at BedrockInvocationLogging/Unlogged/Resource: The S3 Bucket has server access logs disabled.');
    expect(lines[lines.length - 1]).toMatch(/^Error: \d+ unacknowledged cdk-nag findings/);
  });

  test('the clean app makes runApp return 0 and print nothing', () => {
    const lines: string[] = [];
    expect(runApp(() => createApp(), (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([]);
  });

  test('a consumer running cdk-nag on their own app sees nothing from the library internals', () => {
    // GIVEN the constructs composed in a user's app with the default synthesizer
    const app = new App();
    const stack = new Stack(app, 'UserStack');
    const logging = new BedrockInvocationLogging(stack, 'Logging', { createEncryptionKey: true, cloudWatchLogs: true, keyPrefix: 'x/y' });
    new NopsIntegrationGrant(stack, 'Nops', { invocationLogging: logging, roleName: 'Nops-Integration-x', legacyCloudWatchLogsRead: true });
    // THEN
    expect(findings(app)).toEqual([]);
  });

  test('every acknowledgement is on one resource, names one rule and gives a specific reason', () => {
    const app = createApp({ context: ALL_OPTIONS_CONTEXT });
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.path.split('/').length).toBeGreaterThan(2); // never the app or the stack
      expect(ack.id).toMatch(/^(annotation::)?(AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R5|PCI\.DSS\.321)-[A-Za-z0-9]+(\[.+\])?$/);
      expect(ack.id).not.toMatch(/(^|::)AwsSolutions-IAM5$/); // wildcards are acknowledged finding by finding
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  });
});
