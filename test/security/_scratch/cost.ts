import { App, BootstraplessSynthesizer } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BedrockInvocationLoggingStack } from '../../../lib';
import { nagPacks } from '../../../bin/create-app';
for (let i = 0; i < 6; i++) {
  const t0 = Date.now();
  const app = new App();
  const s = new BedrockInvocationLoggingStack(app, 'S' + i, { synthesizer: new BootstraplessSynthesizer(), cloudWatchLogs: i % 2 === 0, createEncryptionKey: i % 3 === 0, nopsRoleName: 'Nops-Integration-x' });
  const t1 = Date.now();
  const tpl = Template.fromStack(s).toJSON();
  const t2 = Date.now();
  const packs = nagPacks(app);
  const t3 = Date.now();
  let n = 0; const ts: number[] = [];
  for (const p of packs) { const a = Date.now(); n += p.validate({} as any).violations.length; ts.push(Date.now() - a); }
  const t4 = Date.now();
  console.log('construct', t1 - t0, 'synth', t2 - t1, 'packs', t3 - t2, 'validate', t4 - t3, ts, 'violations', n, Object.keys(tpl.Resources).length);
}
