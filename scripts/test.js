#!/usr/bin/env node
/**
 * `npm test`: jest, then the type check (`npm run typecheck`) and the integ snapshot verification
 * (`npm run integ`) side by side. Every step is CPU-bound; tsc leaves part of a core idle that
 * integ-runner's synths use, which saves about 5 s of the suite's wall time on two cores. The two
 * print their output when they end (type check first), so nothing interleaves. Exits 1 if any step
 * failed, after all of them ran.
 *
 *   npm test                       # all three
 *   npm test -- test/bin/cli.test.ts   # arguments go to jest; the type check and integ still run
 */
const { spawn } = require('child_process');

/** Runs a command; live output if `live`, otherwise kept and returned. */
function run(command, args, live) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    if (!live) {
      child.stdout.on('data', (d) => { output += d; });
      child.stderr.on('data', (d) => { output += d; });
    }
    child.on('error', (error) => resolve({ ok: false, output: `${output}${error.message}\n` }));
    child.on('close', (code, signal) => resolve({ ok: code === 0, output: signal ? `${output}killed by ${signal}\n` : output }));
  });
}

async function main() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const jest = await run(process.execPath, [require.resolve('jest/bin/jest'), ...process.argv.slice(2)], true);
  const steps = [['typecheck', 'tsc --noEmit'], ['integ', 'integ snapshots']];
  const results = await Promise.all(steps.map(([script]) => run(npm, ['run', '--silent', script], false)));
  steps.forEach(([script, what], i) => {
    process.stdout.write(`\n> npm run ${script} (${what}): ${results[i].ok ? 'passed' : 'FAILED'}\n${results[i].output}`);
  });
  const failed = [...(jest.ok ? [] : ['jest']), ...steps.filter((_, i) => !results[i].ok).map(([script]) => `npm run ${script}`)];
  if (failed.length > 0) {
    process.stderr.write(`\nnpm test: ${failed.join(', ')} failed\n`);
    process.exitCode = 1;
  }
}

main();
