/**
 * Writes the self-contained member template (the StackSet's TemplateBody) to a file, for
 * Customizations for Control Tower, Landing Zone Accelerator or the CloudFormation console.
 *
 *   npm run template                                   # cdk.out/bedrock-invocation-logging.template.json
 *   npm run template -- --out build/member.json --minify
 *   npm run template -- kms=true textDataDeliveryEnabled=false
 *
 * Per-account values are template parameters (KeyPrefix, NopsRoleName, CloudWatchLogs); the
 * key=value options are the synth-time choices, named like the app's context keys.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ComplianceFinding, findingsIn, formatFinding } from './compliance';
import { ErrorCollector } from '../lib/shared/validation';
import { BedrockInvocationLoggingMemberTemplate, BedrockInvocationLoggingMemberTemplateProps } from '../lib';

/** In cdk.out, which git ignores, unless --out says otherwise. */
export const DEFAULT_OUT = path.join('cdk.out', 'bedrock-invocation-logging.template.json');

/** Synth-time options the command takes as key=value. */
const OPTIONS = ['kms', 'textDataDeliveryEnabled', 'skipUnsupportedRegions'] as const;

export interface TemplateCommand {
  readonly out: string;
  readonly minify: boolean;
  readonly props: BedrockInvocationLoggingMemberTemplateProps;
}

/** Parses the command line; every problem is reported at once. */
export function parseArgs(argv: string[]): TemplateCommand {
  const errors = new ErrorCollector('arguments (npm run template -- [--out FILE] [--minify] [kms=true|false] [textDataDeliveryEnabled=true|false] [skipUnsupportedRegions=true|false])');
  let out = DEFAULT_OUT;
  let minify = false;
  const values: Record<string, boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--minify') {
      minify = true;
    } else if (arg === '--out') {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) errors.add('--out needs a file name, for example --out build/member.template.json');
      else out = next;
    } else if (arg.includes('=') && !arg.startsWith('-')) {
      const [key, value] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
      if (!(OPTIONS as readonly string[]).includes(key)) {
        errors.add(`unknown option ${JSON.stringify(key)}: the template takes ${OPTIONS.join(', ')} (per-account values are the template parameters KeyPrefix, NopsRoleName and CloudWatchLogs)`);
      } else if (value !== 'true' && value !== 'false') {
        errors.add(`${key}=${JSON.stringify(value)} is not a boolean: use ${key}=true or ${key}=false`);
      } else {
        values[key] = value === 'true';
      }
    } else {
      errors.add(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  errors.throwIfAny();
  return {
    out,
    minify,
    props: {
      createEncryptionKey: values.kms,
      textDataDeliveryEnabled: values.textDataDeliveryEnabled,
      skipUnsupportedRegions: values.skipUnsupportedRegions,
    },
  };
}

/** The member template as the command writes it, and the cdk-nag findings in it (none, normally). */
export function renderTemplate(command: TemplateCommand): { text: string; findings: ComplianceFinding[] } {
  const template = new BedrockInvocationLoggingMemberTemplate(command.props);
  const text = command.minify ? template.toJson() : template.toPrettyJson();
  return { text, findings: findingsIn(template.app, 'StackSet member template') };
}

function main(): void {
  const command = parseArgs(process.argv.slice(2));
  const { text, findings } = renderTemplate(command);
  if (findings.length > 0) {
    findings.forEach((f) => process.stderr.write(`${formatFinding(f)}\n`));
    throw new Error(`${findings.length} unacknowledged cdk-nag finding(s) (above): ${command.out} was not written`);
  }
  fs.mkdirSync(path.dirname(path.resolve(command.out)), { recursive: true });
  fs.writeFileSync(command.out, text);
  const minified = Buffer.byteLength(JSON.stringify(JSON.parse(text)), 'utf8');
  process.stderr.write(`Wrote ${command.out} (${Buffer.byteLength(text, 'utf8')} bytes; ${minified} minified, limit for an inline TemplateBody ${BedrockInvocationLoggingMemberTemplate.MAX_TEMPLATE_BODY_BYTES}).\n`
    + 'Parameters: KeyPrefix (default "bedrock"), NopsRoleName (default "", no grant), CloudWatchLogs (default "false").\n'
    + (Buffer.byteLength(text, 'utf8') > BedrockInvocationLoggingMemberTemplate.MAX_TEMPLATE_BODY_BYTES
      ? 'This indented file is too large for --template-body: upload it to S3 (--template-url), or write it with --minify.\n' : ''));
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
