#!/usr/bin/env node
import { parseVerifyArgs, USAGE } from './args';
import { formatJson, formatTable } from './report';
import { runVerify, VerifyDeps } from './run';
import { UsageError } from './types';

/** Where the command writes. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

const SPINNER = ['|', '/', '-', '\\'];

/** A progress line on stderr, redrawn in place; only on a terminal. */
function progressLine(stderr: CliIo['stderr']): { deps: Pick<VerifyDeps, 'onProgress'>; stop(): void } {
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
        text = `verifying ${done}/${total} Regions${running.length ? `: ${running.join(', ')}` : ''}`;
        draw();
      },
    },
    stop: () => {
      clearInterval(timer);
      stderr.write('\r\x1b[K');
    },
  };
}

/** Runs the command line; resolves to the exit code. Never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let json = false;
  try {
    const args = parseVerifyArgs(argv);
    if (args.kind === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    json = args.json;
    // The SDK's multi-line notice about future Node.js versions would bury the one-line results; opt back in by setting it to "false".
    io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const progress = progressLine(io.stderr);
    let outcome;
    try {
      outcome = await runVerify(args.options, progress.deps);
    } finally {
      progress.stop();
    }
    if (outcome.exitCode === 2) {
      io.stderr.write(`error: ${outcome.error}\n`);
      if (json) {
        io.stdout.write(formatJson(outcome));
      }
      return 2;
    }
    const color = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
    io.stdout.write(json ? formatJson(outcome) : formatTable(outcome.report!, { color }));
    return outcome.exitCode;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\n`);
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
