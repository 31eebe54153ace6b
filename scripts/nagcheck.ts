import { createApp, nagPacks } from '../bin/create-app';
const ctx = JSON.parse(process.argv[2] || '{}');
const app = createApp({ context: ctx });
for (const p of nagPacks(app)) {
  const r = p.validate({} as any);
  console.log(p.name, r.success, r.violations.length);
  for (const v of r.violations) console.log('   ', v.ruleName, v.violatingResources.map((x: any) => x.resourceLogicalId + ' ' + (x.locations||[]).join(',')).join(' | ').slice(0, 300));
}
