import * as fs from 'fs';
import * as path from 'path';

/** The repository root: section files are named relative to it (`README.md`, `docs/analytics.md`). */
export const ROOT = path.join(__dirname, '..');

/**
 * The text between `<!-- MARKER -->` and `<!-- /MARKER -->` in `file` (relative to the repository
 * root), for example `readSection('docs/development.md', 'bench:synth')`. Fails if the markers are
 * missing, so that a test never compares against nothing.
 */
export function readSection(file: string, marker: string): string {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const [i, j] = bounds(text, file, marker);
  return text.slice(i, j).replace(/^\n/, '').replace(/\n$/, '');
}

/**
 * Replaces the lines between `<!-- MARKER -->` and `<!-- /MARKER -->` in `file` with `text`, so that
 * every figure and sample in the documentation is written by the script that measured or produced
 * it (`bench:NAME` sections by `npm run bench:*`, `sample:NAME` sections by `npm run docs:samples`).
 * Fails if the markers are missing.
 */
export function writeSection(file: string, marker: string, text: string): void {
  const full = path.join(ROOT, file);
  const before = fs.readFileSync(full, 'utf8');
  const [i, j] = bounds(before, file, marker);
  const after = `${before.slice(0, i)}\n${text.trimEnd()}\n${before.slice(j)}`;
  if (after !== before) {
    fs.writeFileSync(full, after);
    process.stderr.write(`${file}: section ${marker} rewritten\n`);
  }
}

function bounds(text: string, file: string, marker: string): [number, number] {
  const begin = `<!-- ${marker} -->`;
  const end = `<!-- /${marker} -->`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${file} has no ${begin} ... ${end} section`);
  return [i + begin.length, j];
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
