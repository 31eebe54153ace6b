#!/usr/bin/env node
import { OutputFormat, parseVerifyArgs, USAGE } from './args';
import { OrganizationDeps, runOrganization } from './organization';
import { asOrganizationReport, formatCsv, formatOrganizationJson, formatOrganizationTable } from './organization-report';
import { formatJson, formatTable } from './report';
import { runVerify, VerifyDeps } from './run';
import { OrganizationOutcome, UsageError, VerifyOutcome } from './types';

/** Where the command writes. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

const SPINNER = ['|', '/', '-', '\\'];

/** At most this many of the running items are named on the progress line. */
const PROGRESS_NAMES = 3;

/** A progress line on stderr, redrawn in place; only on a terminal. `unit` names what is counted. */
function progressLine(stderr: CliIo['stderr'], unit: string): { deps: Pick<VerifyDeps, 'onProgress'>; stop(): void } {
  if (!stderr.isTTY) {
    return { deps: {}, stop: () => undefined };
  }
  let text = 'reading the account';
  let frame = 0;
  const draw = (): void => { stderr.write(`\r\x1b[K${SPINNER[frame++ % SPINNER.length]} ${text}`); };
  const timer = setInterval(draw, 120);
  timer.unref();
  return {
    deps: {
      onProgress: ({ done, total, running }) => {
        const names = running.slice(0, PROGRESS_NAMES).join(', ') + (running.length > PROGRESS_NAMES ? ` and ${running.length - PROGRESS_NAMES} more` : '');
        text = `verifying ${done}/${total} ${unit}${names ? `: ${names}` : ''}`;
        draw();
      },
    },
    stop: () => {
      clearInterval(timer);
      stderr.write('\r\x1b[K');
    },
  };
}

/** `error: ` before every line of a (possibly multi-line) message. */
function errorLines(message: string): string {
  return message.split('\n').map((line) => `error: ${line}\n`).join('');
}

/** Runs the command line; resolves to the exit code. Never throws. `deps` replaces clients and the clock in tests. */
export async function main(argv: string[], io: CliIo, deps: OrganizationDeps = {}): Promise<number> {
  let format: OutputFormat = 'table';
  try {
    const args = parseVerifyArgs(argv);
    if (args.kind === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    format = args.format;
    // The SDK's multi-line notice about future Node.js versions would bury the one-line results; opt back in by setting it to "false".
    io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const color = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
    const progress = progressLine(io.stderr, args.kind === 'organization' ? 'account-Regions' : 'Regions');
    // Either mode: its outcome and how to print it (JSON, even on exit 2; a table or CSV otherwise).
    let run: { outcome: VerifyOutcome | OrganizationOutcome; json(): string; text(): string };
    try {
      if (args.kind === 'organization') {
        const outcome = await runOrganization(args.options, { ...deps, ...progress.deps });
        run = { outcome, json: () => formatOrganizationJson(outcome), text: () => (format === 'csv' ? formatCsv(outcome.report!) : formatOrganizationTable(outcome.report!, { color })) };
      } else {
        const outcome = await runVerify(args.options, { ...deps, ...progress.deps });
        run = { outcome, json: () => formatJson(outcome), text: () => (format === 'csv' ? formatCsv(asOrganizationReport(outcome.report!)) : formatTable(outcome.report!, { color })) };
      }
    } finally {
      progress.stop();
    }
    if (run.outcome.exitCode === 2) {
      io.stderr.write(errorLines(run.outcome.error ?? 'unknown error'));
    }
    if (format === 'json') {
      io.stdout.write(run.json());
    } else if (run.outcome.exitCode !== 2) {
      io.stdout.write(run.text());
    }
    return run.outcome.exitCode;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(errorLines(e.message));
      return 2;
    }
    const message = (e as Error)?.message?.split('\n')[0] ?? String(e);
    io.stderr.write(`error: ${message}\n`);
    if (io.env.VERIFY_DEBUG) {
      io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    }
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
    .then((code) => { process.exitCode = code; }, () => { process.exitCode = 2; });
}
