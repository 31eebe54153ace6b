/**
 * Benchmark of the custom resource handler (not a test): sizes (the handler as inlined, the StackSet
 * member template), and API calls and wall time of a happy Create, Update and Delete against the local
 * fake AWS (test/logging/handler/fake-aws.ts).
 *
 *   npm run bench:handler            (or: node --require ./tooling/ts-register.js scripts/bench-handler.ts [runs])
 *
 * Each invocation runs the exact inline code from the synthesized template in a fresh `node`
 * process (a cold Lambda), with the real AWS SDK from node_modules, on the real clock. Times are
 * medians over the runs.
 */
import * as fs from 'fs';
import { machine, writeSection } from './doc-section';
import { BedrockInvocationLoggingMemberTemplate } from '../lib';
import { HANDLER_SOURCE_PATH, inlineHandlerCode } from '../lib/logging/handler/inline';
import { cfnEvent, PROPS } from '../test/logging/handler/events';
import { FakeAws } from '../test/logging/handler/fake-aws';
import { awsEnv, runHandler, synthesizedHandler, writeHandlerDir } from '../test/logging/handler/harness';

const STACKSETS_TEMPLATE_BODY_LIMIT = BedrockInvocationLoggingMemberTemplate.MAX_TEMPLATE_BODY_BYTES;
const runs = Number(process.argv[2] ?? 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const table = (rows: Array<Array<string | number>>) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r, j) => {
    const line = r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
    return j === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
};

async function main(): Promise<void> {
  const lines: string[] = [];
  const print = (text: string) => { console.log(text); lines.push(text); };
  const file = fs.readFileSync(HANDLER_SOURCE_PATH, 'utf8');
  const { template, code } = synthesizedHandler();
  if (code !== inlineHandlerCode()) throw new Error('the template does not carry lib/logging/handler/index.js as inline.ts squeezes it');
  const pretty = JSON.stringify(template, undefined, 1); // as cdk writes cdk.out
  const minified = JSON.stringify(template);
  const member = Buffer.byteLength(new BedrockInvocationLoggingMemberTemplate().toJson());
  const pct = (n: number) => `${((100 * n) / STACKSETS_TEMPLATE_BODY_LIMIT).toFixed(1)}% of ${STACKSETS_TEMPLATE_BODY_LIMIT.toLocaleString('en')}`;
  print('Sizes (bytes)\n');
  print(table([
    ['what', 'bytes', 'note'],
    ['handler source lib/logging/handler/index.js', Buffer.byteLength(file), `${file.split('\n').length} lines, with comments`],
    ['handler as inlined (ZipFile text)', Buffer.byteLength(code), `${code.split('\n').length - 1} lines, comments and spare blanks removed`],
    ['handler as embedded (JSON string in template)', Buffer.byteLength(JSON.stringify(code)), 'escaped quotes and newlines'],
    ['member template (StackSet TemplateBody, toJson)', member, pct(member)],
    ['default template, pretty (indent 1, as cdk.out)', Buffer.byteLength(pretty), ''],
    ['default template, minified', Buffer.byteLength(minified), ''],
  ]));

  const dir = writeHandlerDir(code);
  const props = { ...PROPS, OnDelete: 'RESTORE' };
  const updated = { ...props, TextDataDeliveryEnabled: 'false' };
  type Op = 'Create' | 'Update' | 'Delete';
  const results: Record<Op, { calls: string; handlerMs: number[]; processMs: number[] }> = {
    Create: { calls: '', handlerMs: [], processMs: [] },
    Update: { calls: '', handlerMs: [], processMs: [] },
    Delete: { calls: '', handlerMs: [], processMs: [] },
  };
  try {
    for (let i = 0; i < runs; i++) {
      const fake = await new FakeAws().start();
      try {
        const steps: Array<[Op, any]> = [
          ['Create', cfnEvent('Create', fake.responseUrl, props)],
          ['Update', cfnEvent('Update', fake.responseUrl, updated, { OldResourceProperties: props })],
          ['Delete', cfnEvent('Delete', fake.responseUrl, updated)],
        ];
        for (const [op, event] of steps) {
          const before = fake.calls.length;
          const asked = fake.cfnCalls.length;
          const responses = fake.responses.length;
          // CloudFormation shows what it shows while it waits for this request, which the handler checks first
          fake.inFlight(event);
          const run = await runHandler(dir, event, awsEnv(fake.url, { BIL_VIRTUAL_CLOCK: '' }));
          const got = fake.responses.slice(responses);
          if (run.exitCode !== 0 || got.length !== 1 || got[0].Status !== 'SUCCESS') {
            throw new Error(`${op} did not succeed: ${JSON.stringify(got)}\n${run.stdout}\n${run.stderr}`);
          }
          const calls = fake.calls.slice(before).map((c) => c.op);
          const cfn = fake.cfnCalls.slice(asked).map((c) => c.op);
          const bedrock = calls.filter((c) => !c.endsWith('Parameter'));
          const ssm = calls.filter((c) => c.endsWith('Parameter'));
          const short = (xs: string[]) => xs.map((c) => c.replace('ModelInvocationLoggingConfiguration', '')).join(',');
          results[op].calls = `${calls.length + cfn.length} (CloudFormation ${cfn.length}: ${short(cfn)}; Bedrock ${bedrock.length}: ${short(bedrock)}; SSM ${ssm.length}: ${short(ssm)})`;
          results[op].handlerMs.push(run.handlerMs ?? NaN);
          results[op].processMs.push(run.ms);
        }
        if (fake.config !== undefined || fake.parameters.size) throw new Error('Delete left something behind');
      } finally {
        await fake.stop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  print(`\nAgainst the local fake (127.0.0.1), real @aws-sdk/client-bedrock ${require('@aws-sdk/client-bedrock/package.json').version}, `
    + `node ${process.version}, median of ${runs} runs; each invocation is a fresh process (cold start)\n`);
  print(table([
    ['request', 'API calls', 'handler ms', 'process ms'],
    ...(Object.keys(results) as Op[]).map((op) => [op, results[op].calls, median(results[op].handlerMs), median(results[op].processMs)]),
  ]));
  print('\nhandler ms: from the handler call to its promise settling (SDK load and the ResponseURL PUT included);'
    + '\nprocess ms: the whole child process (node start-up included). Create on an empty account, Update of one flag, Delete with RESTORE and nothing before.');
  writeSection('docs/development.md', 'bench:handler', ['```', ...lines.join('\n').split('\n'), '```', '', `Measured by \`npm run bench:handler\` (${machine()}).`].join('\n'));
}

main().catch((e) => { console.error(e); process.exit(1); });
