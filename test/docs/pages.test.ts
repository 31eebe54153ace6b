/**
 * README.md is a front page and docs/ holds the rest: the README within 300 lines with install lines,
 * three quick starts and a link to every docs/ page; every relative link resolves; no history in the
 * text; every context key of the app documented in docs/app.md. Breaks: a reader lands on a wall of
 * text, a dead link, or a statement about the project's past instead of what it does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CONTEXT_KEYS } from '../../bin/create-app';
import { docFiles, ROOT } from './markdown';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const README = read('README.md');

test('README.md is a front page: at most 300 lines, install per language, three quick starts, the nOps steps', () => {
  expect(README.split('\n').length).toBeLessThanOrEqual(300);
  for (const heading of ['## Install', '## Quick start 1', '## Quick start 2', '## Quick start 3', '## nOps', '## Documentation']) {
    expect(README).toContain(`\n${heading}`);
  }
  for (const registry of ['npm', 'PyPI', 'Maven', 'NuGet', 'Go']) expect(README).toContain(registry);
});

test('README.md links every page under docs/', () => {
  const pages = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
  expect(pages.filter((p) => !README.includes(`](docs/${p})`))).toEqual([]);
});

test('every relative link of README.md and docs/*.md points at a file that exists, and every #anchor at a heading', () => {
  const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
  const broken: string[] = [];
  for (const file of [...docFiles(), 'CHANGELOG.md', 'SECURITY.md']) {
    const text = read(file).replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [file2, anchor] = target.split('#');
      const resolved = file2 ? path.normalize(path.join(path.dirname(file), file2)) : file;
      if (!fs.existsSync(path.join(ROOT, resolved))) {
        broken.push(`${file}: ${target}`);
      } else if (anchor && resolved.endsWith('.md')) {
        const headings = [...read(resolved).matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]));
        if (!headings.includes(anchor)) broken.push(`${file}: ${target} (no such heading)`);
      }
    }
  }
  expect(broken).toEqual([]);
});

test('no history in the documentation: no issue numbers, no "later release", no notes for unpublished versions', () => {
  const history = /\bissue #?\d+|\b(a|the) later release\b|\bonce published\b|\bbefore it is published\b|\bnot on the npm registry yet\b|\bupgrading a stack deployed before\b/i;
  const found = [...docFiles(), 'CHANGELOG.md'].flatMap((file) => read(file).split('\n').map((line, i) => [file, i + 1, line] as const))
    .filter(([, , line]) => history.test(line)).map(([file, n, line]) => `${file}:${n}: ${line.trim()}`);
  expect(found).toEqual([]);
});

test('docs/app.md documents every context key the app reads, and no other', () => {
  const page = read('docs/app.md');
  const options = page.slice(page.indexOf('## Options'), page.indexOf('## Stacks and outputs'));
  const documented = [...options.matchAll(/^\| `([A-Za-z]+)`(?:, `([A-Za-z]+)`)? \|/gm)].flatMap((m) => [m[1], m[2]].filter(Boolean));
  expect([...documented].sort()).toEqual([...CONTEXT_KEYS].sort());
});
