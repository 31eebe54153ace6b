import * as fs from 'fs';
import * as path from 'path';

const README = path.join(__dirname, '..', 'README.md');

/**
 * Replaces the lines between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in README.md with
 * `text`, so that every figure in the README is written by the script that measured it. Fails if the
 * markers are missing.
 */
export function writeReadmeSection(name: string, text: string): void {
  const readme = fs.readFileSync(README, 'utf8');
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const i = readme.indexOf(begin);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${begin} ... ${end} section`);
  fs.writeFileSync(README, `${readme.slice(0, i + begin.length)}\n${text.trimEnd()}\n${readme.slice(j)}`);
  process.stderr.write(`README.md: section bench:${name} rewritten\n`);
}

/** `date -u +%Y-%m-%d`, cores and Node.js version: where a figure was measured. */
export function machine(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('os') as typeof import('os');
  return `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node.js ${process.version}`;
}

/** The 1-minute load average, `load 1.23`: whether the machine was busy while a time was measured. */
export function load(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('os') as typeof import('os');
  return `load ${os.loadavg()[0].toFixed(2)}`;
}
