import { App, BootstraplessSynthesizer } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { BedrockInvocationLoggingStack } from '../../../lib';
for (const [name, props] of [['default', {}], ['all', { createEncryptionKey: true, cloudWatchLogs: true, nopsRoleName: 'Nops-Integration-abc', nopsLegacyCloudWatchLogsRead: true, keyPrefix: 'a/b/c' }]] as const) {
  const app = new App({ outdir: `/tmp/sec/out-${name}` });
  new BedrockInvocationLoggingStack(app, 'S', { synthesizer: new BootstraplessSynthesizer(), ...(props as any) });
  const asm = app.synth();
  const t0 = Date.now();
  const r = new CfnGuardValidator().validate({ templatePaths: asm.stacks.map((s) => s.templateFullPath) } as any);
  console.log(name, Date.now() - t0, 'ms', r.success);
  for (const v of r.violations) console.log('  ', v.ruleName, '|', v.description, '|', v.violatingResources.map((x) => x.resourceLogicalId).join(','));
}
