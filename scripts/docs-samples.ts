/**
 * Every output the documentation shows (stack outputs, template parameters, template sizes, the
 * install lines, the error text of bad input) written from a real synth of the app and the
 * constructs, or from package.json, into the `<!-- sample:NAME -->` sections of README.md and
 * docs/*.md, each with the command that produced it beside it.
 *
 *   npm run docs:samples        rewrite every sample section
 *
 * test/docs/samples.test.ts fails when a section differs from a fresh run (the bad-input sample,
 * which runs the real `cdk` CLI, is compared by test/bin/cli.test.ts, which runs that command anyway).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as YAML from 'yaml';
import {
  ANALYTICS_STACK_NAME, ARCHIVE_STACK_NAME, createApp, STACK_NAME, STACKSET_STACK_NAME,
} from '../bin/create-app';
import { addMemberStack, parseMemberStackProps } from '../bin/stacks/member';
import { BedrockInvocationLoggingMemberTemplate, BedrockInvocationLoggingStack, BedrockLogAnalytics, BedrockTamperDetection } from '../lib';
import { ErrorCollector } from '../lib/shared/validation';
import { ROOT, writeSection } from './doc-section';
import { ALL, ALL_ARCHIVE, ANALYTICS, ARCHIVE, ARCHIVE_ALL, ROLLOUT, ROLLOUT_KMS_ARCHIVE } from './docs-contexts';

/** One generated block: where it lives and how it is produced. */
export interface Sample {
  readonly file: string;
  readonly marker: string;
  readonly produce: () => string;
}

type Json = any;

/** The template as `cdk deploy` sends it inline (the CLI's YAML: yaml 2 with the YAML 1.1 schema, no folding). */
export function cliYaml(template: Json): string {
  return YAML.stringify(template, { schema: 'yaml-1.1', lineWidth: 0 });
}

const n = (x: number) => x.toLocaleString('en-US');
const flags = (context: Record<string, string>) => Object.entries(context).map(([k, v]) => `-c ${/[\s*']/.test(v) ? `'${k}=${v}'` : `${k}=${v}`}`).join(' ');

/**
 * The context the `cdk` CLI adds to every synth (its defaults `--path-metadata` and
 * `--asset-metadata`): each resource then carries its `aws:cdk:path` metadata, as in what `cdk deploy`
 * sends. test/bin/cli.test.ts checks that `cliYaml` of such a template is what the CLI prints.
 */
export const CLI_CONTEXT = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true };

/** The app's stack templates for one context, synthesized in a temporary directory as the CLI would. */
function synthApp(context: Record<string, string>): Record<string, Json> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-samples-'));
  try {
    const assembly = createApp({ context: { ...CLI_CONTEXT, ...context }, outdir }).synth();
    return Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * A template value with the pseudo parameters written as the words a reader replaces: ACCOUNT,
 * REGION, and SUFFIX for the first 8 characters of the stack id's UUID; `Ref` of a bucket gives its
 * `BucketName`, `Ref` of a template parameter `${Name}`. Anything else is a bug in the sample.
 */
function placeholders(template: Json, value: Json, stackName: string): string {
  const resolve = (v: Json): Json => {
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    if (Array.isArray(v)) return v.map(resolve);
    const [[fn, arg]] = Object.entries<Json>(v);
    switch (fn) {
      case 'Ref': {
        const pseudo: Record<string, string> = {
          'AWS::AccountId': 'ACCOUNT', 'AWS::Region': 'REGION', 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com',
          'AWS::StackId': `arn:aws:cloudformation:REGION:ACCOUNT:stack/${stackName}/SUFFIX-0000-0000-0000-000000000000`,
        };
        if (pseudo[arg]) return pseudo[arg];
        if (template.Parameters?.[arg]) return `\${${arg}}`;
        const resource = template.Resources?.[arg];
        if (resource?.Type === 'AWS::S3::Bucket' && resource.Properties?.BucketName) return resolve(resource.Properties.BucketName);
        throw new Error(`sample: cannot name Ref ${arg}`);
      }
      case 'Fn::Join': return resolve(arg[1]).join(arg[0]);
      case 'Fn::Split': return resolve(arg[1]).split(arg[0]);
      case 'Fn::Select': return resolve(arg[1])[Number(arg[0])];
      case 'Fn::GetAtt': return `<${arg[1]} of ${template.Resources[arg[0]].Type}>`;
      default: throw new Error(`sample: cannot name ${fn}`);
    }
  };
  return resolve(value);
}

/** What `cdk deploy` prints under "Outputs:" for the app's stack, values with ACCOUNT/REGION/SUFFIX. */
export function appOutputs(): string {
  const context = { nopsRoleName: 'Nops-Integration-abc123' };
  const template = synthApp(context)[STACK_NAME];
  const outputs = Object.entries<Json>(template.Outputs).filter(([, o]) => !o.Export).sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    '```text',
    'Outputs:',
    ...outputs.map(([name, o]) => `${STACK_NAME}.${name} = ${placeholders(template, o.Value, STACK_NAME)}`),
    '```',
    '',
    `Written by \`npm run docs:samples\` from the template of \`npx cdk deploy ${flags(context)}\`, sorted as the CLI prints them.`,
    'CloudFormation fills in ACCOUNT, REGION and SUFFIX (the first 8 characters of the stack id\'s UUID, stable for',
    'the stack\'s life); `<Message of Custom::BedrockModelInvocationLogging>` is what the custom resource did, in words.',
  ].join('\n');
}

/** The StackSet member template's parameters: name, default and the template's own description. */
export function memberParameters(): string {
  const template = JSON.parse(new BedrockInvocationLoggingMemberTemplate({}).toJson());
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = Object.entries<Json>(template.Parameters).map(([name, p]) =>
    `| \`${name}\` | ${p.Default === '' ? '`""`' : `\`${p.Default}\``} | ${cell(p.Description)} |`);
  return [
    `The member template has ${rows.length} parameters:`,
    '',
    '| parameter | default | description (from the template) |',
    '|---|---|---|',
    ...rows,
    '',
    'Written by `npm run docs:samples` from `npm run template` (the template `BedrockInvocationLoggingMemberTemplate` synthesizes).',
  ].join('\n');
}

/** The outputs of one stack's template: name and description. */
function outputsTable(template: Json, source: string): string {
  const rows = Object.entries<Json>(template.Outputs).filter(([, o]) => !o.Export)
    .map(([name, o]) => `| \`${name}\` | ${o.Condition ? `only with \`${o.Condition}\`: ` : ''}${String(o.Description).replace(/\|/g, '\\|')} |`);
  return ['| output | description (from the template) |', '|---|---|', ...rows, '', `Written by \`npm run docs:samples\` from ${source}.`].join('\n');
}

export function memberOutputs(): string {
  return outputsTable(JSON.parse(new BedrockInvocationLoggingMemberTemplate({}).toJson()), '`npm run template`');
}

export function archiveOutputs(): string {
  const context = { ...ARCHIVE, kms: 'true' };
  return outputsTable(synthApp(context)[ARCHIVE_STACK_NAME], `the template of \`npx cdk synth ${ARCHIVE_STACK_NAME} ${flags(context)}\``);
}

export function analyticsOutputs(): string {
  const context = { analytics: 'true' };
  return outputsTable(synthApp(context)[ANALYTICS_STACK_NAME], `the template of \`npx cdk synth ${ANALYTICS_STACK_NAME} ${flags(context)}\``);
}

/**
 * The all-options member stack with `BedrockLogAnalytics` added to it (what the README's library
 * example would be if it did not give analytics a stack of its own).
 */
function analyticsInMemberStack(): Json {
  return allOptionsStackWith((stack) => new BedrockLogAnalytics(stack, 'Analytics', {
    invocationLogging: stack.invocationLogging, requestMetadataKeys: ['team', 'cost-center'],
  }));
}

/** The all-options member stack with `BedrockTamperDetection` (topic and key) added to it. */
function detectionInMemberStack(): Json {
  return allOptionsStackWith((stack) => new BedrockTamperDetection(stack, 'TamperDetection'));
}

/** The app's all-options member stack, as the CLI synthesizes it, with something added to it. */
function allOptionsStackWith(add: (stack: BedrockInvocationLoggingStack) => void): Json {
  const app = new App({ context: CLI_CONTEXT });
  const errors = new ErrorCollector('context');
  const stack = addMemberStack(app, parseMemberStackProps(ALL, errors));
  errors.throwIfAny();
  add(stack);
  return app.synth().getStackByName(STACK_NAME).template;
}

/** The app contexts of the size table, by the name the table gives them. */
const SIZE_CONTEXTS: Record<string, Record<string, string>> = {
  'none': {}, 'all options': ALL, 'all options + archive': ALL_ARCHIVE, 'all options + analytics': ANALYTICS,
  'rollout': ROLLOUT, 'rollout + kms + archive': ROLLOUT_KMS_ARCHIVE, 'archive': ARCHIVE, 'archive, all options': ARCHIVE_ALL,
};

/** Template sizes against the 51,200-byte limits: what `cdk deploy` sends inline, what a StackSet's TemplateBody holds. */
export function templateSizes(): string {
  const limit = BedrockInvocationLoggingMemberTemplate.MAX_TEMPLATE_BODY_BYTES;
  const fits = (bytes: number) => (bytes <= limit ? 'yes' : '**no**');
  const row = (what: string, command: string, template: Json) => {
    const yaml = Buffer.byteLength(cliYaml(template));
    return `| ${what} | ${command} | ${n(yaml)} | ${fits(yaml)} | ${n(Buffer.byteLength(JSON.stringify(template, undefined, 1)))} |`;
  };
  const app = (what: string, contextName: string, stack: string) =>
    row(what, `\`npx cdk synth ${stack}\`, context *${contextName}*`, synthApp(SIZE_CONTEXTS[contextName])[stack]);
  const member = (what: string, props: { createEncryptionKey?: boolean }, flag: string) => {
    const t = new BedrockInvocationLoggingMemberTemplate(props);
    const bytes = Buffer.byteLength(t.toJson());
    return `| ${what} | \`npm run template -- --minify${flag}\` | ${n(bytes)} | ${fits(bytes)} | ${n(Buffer.byteLength(t.toPrettyJson()))} |`;
  };
  return [
    `| template | command | bytes sent | within ${n(limit)} | indented JSON |`,
    '|---|---|---|---|---|',
    app('default stack', 'none', STACK_NAME),
    app('all-options stack', 'all options', STACK_NAME),
    app('all-options stack replicating into an SSE-KMS archive', 'all options + archive', STACK_NAME),
    app('all-options stack with `analytics=true` (two exports added)', 'all options + analytics', STACK_NAME),
    app('analytics stack', 'all options + analytics', ANALYTICS_STACK_NAME),
    row('all-options stack with `BedrockLogAnalytics` added to it', '`analyticsInMemberStack()` in scripts/docs-samples.ts', analyticsInMemberStack()),
    row('all-options stack with `BedrockTamperDetection` added to it', '`detectionInMemberStack()` in scripts/docs-samples.ts', detectionInMemberStack()),
    app('StackSet administrator stack', 'rollout', STACKSET_STACK_NAME),
    app('StackSet administrator stack, `kms=true`, archive values', 'rollout + kms + archive', STACKSET_STACK_NAME),
    app('archive stack', 'archive', ARCHIVE_STACK_NAME),
    app('archive stack, KMS, nOps grant, Object Lock, transition', 'archive, all options', ARCHIVE_STACK_NAME),
    member('StackSet member template', {}, ''),
    member('StackSet member template, `kms=true`', { createEncryptionKey: true }, ' kms=true'),
    '',
    'Contexts (`-c KEY=VALUE` options of the command):',
    '',
    ...Object.entries(SIZE_CONTEXTS).filter(([, c]) => Object.keys(c).length > 0).map(([name, c]) => `- *${name}*: \`${flags(c)}\``),
    '',
    'Bytes sent: the YAML `cdk deploy` sends as `TemplateBody` when there is no bootstrap bucket (app stacks;',
    'the CLI prints the same YAML for `npx cdk synth STACK`), or the minified JSON a StackSet embeds (member',
    'template). Indented JSON: the file in cdk.out. Written by `npm run docs:samples` from a synth of each',
    'context; the values depend only on the code.',
  ].join('\n');
}

/** Install lines per language, from package.json (name, peer dependencies, jsii targets). */
export function installLines(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const t = pkg.jsii.targets;
  const peers = Object.entries<string>(pkg.peerDependencies).map(([name, range]) => `${name}@${range}`).join(' ');
  const goPackage = pkg.name.replace(/[^a-z0-9]/g, '');
  return [
    '| language | package | install |',
    '|---|---|---|',
    `| TypeScript, JavaScript | npm \`${pkg.name}\` | \`npm install ${pkg.name} ${peers}\` |`,
    `| Python | PyPI \`${t.python.distName}\` | \`pip install ${t.python.distName}\` (import \`${t.python.module}\`) |`,
    `| Java | Maven \`${t.java.maven.groupId}:${t.java.maven.artifactId}\` | \`<dependency><groupId>${t.java.maven.groupId}</groupId><artifactId>${t.java.maven.artifactId}</artifactId><version>VERSION</version></dependency>\` |`,
    `| C#, F# (.NET) | NuGet \`${t.dotnet.packageId}\` | \`dotnet add package ${t.dotnet.packageId}\` |`,
    `| Go | \`${t.go.moduleName}\` | \`go get ${t.go.moduleName}/${goPackage}\` |`,
    '',
    `Peer dependencies (every language): aws-cdk-lib ${pkg.peerDependencies['aws-cdk-lib']}, constructs ${pkg.peerDependencies.constructs}.`,
    'Written by `npm run docs:samples` from package.json.',
  ].join('\n');
}

/** The bad-input command: several problems at once, as `npx cdk synth` prints them. */
export const BAD_INPUT_CONTEXT = ['-c', 'kms=TRUE', '-c', 'keyPrefix=a b', '-c', 'rollout=stackset', '-c', 'targetOuIds=ou-x', '-c', 'targetRegions=us-east-1',
  '-c', 'permissionsBoundaryArn=arn:aws:iam::111122223333:role/RoleBoundary'];
const shellQuote = (a: string) => (/[\s*']/.test(a) ? `'${a}'` : a);
export const BAD_INPUT_COMMAND = `npx cdk synth -q ${BAD_INPUT_CONTEXT.map(shellQuote).join(' ')}`;

/** The bad-input block from what the command printed on stderr and its exit code. */
export function badInputSection(stderr: string, status: number | null): string {
  return [
    '```text',
    `$ ${BAD_INPUT_COMMAND}`,
    stderr.trimEnd(),
    '$ echo $?',
    String(status),
    '```',
    '',
    'Written by `npm run docs:samples`, which runs that command; test/bin/cli.test.ts runs it again and compares.',
  ].join('\n');
}

/** Every sample computed in process, by file and marker. */
export const SAMPLES: Sample[] = [
  { file: 'README.md', marker: 'sample:install', produce: installLines },
  { file: 'README.md', marker: 'sample:app-outputs', produce: appOutputs },
  { file: 'docs/nops.md', marker: 'sample:app-outputs', produce: appOutputs },
  { file: 'docs/organization.md', marker: 'sample:member-parameters', produce: memberParameters },
  { file: 'docs/organization.md', marker: 'sample:member-outputs', produce: memberOutputs },
  { file: 'docs/archive.md', marker: 'sample:archive-outputs', produce: archiveOutputs },
  { file: 'docs/analytics.md', marker: 'sample:analytics-outputs', produce: analyticsOutputs },
  { file: 'docs/development.md', marker: 'sample:template-sizes', produce: templateSizes },
];

if (require.main === module) {
  const cache = new Map<() => string, string>();
  for (const s of SAMPLES) {
    if (!cache.has(s.produce)) cache.set(s.produce, s.produce());
    writeSection(s.file, s.marker, cache.get(s.produce)!);
  }
  const cdk = path.join(ROOT, 'node_modules', '.bin', 'cdk');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-samples-cli-'));
  try {
    const r = spawnSync(cdk, ['synth', '-q', ...BAD_INPUT_CONTEXT, '--output', out, '--no-notices'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK_CONTEXT_JSON: undefined } });
    writeSection('docs/app.md', 'sample:bad-input', badInputSection(r.stderr, r.status));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
