/**
 * Every TypeScript example in README.md and docs/*.md compiles, the way jsii-rosetta compiles it for
 * the Python, Java, C# and Go READMEs (`npm run docs:examples` runs rosetta itself, after the build):
 * a block is put into its fixture (`rosetta/default.ts-fixture` unless the block says
 * `fixture=NAME` or `nofixture`), its imports moved to the top, and type-checked with the project's
 * compiler options against the library's sources. Breaks: an example a user copies does not compile.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { codeBlocks, CodeBlock, docFiles, ROOT } from './markdown';

const TS_LANGUAGES = ['ts', 'typescript'];

/** The block in its fixture, as rosetta completes it. */
function completeSource(block: CodeBlock): string {
  if (block.params.includes('nofixture')) return block.code;
  const fixture = block.params.find((p) => p.startsWith('fixture='))?.slice('fixture='.length) ?? 'default';
  const text = fs.readFileSync(path.join(ROOT, 'rosetta', `${fixture}.ts-fixture`), 'utf8');
  const source = ts.createSourceFile('snippet.ts', block.code, ts.ScriptTarget.ES2022, true);
  const isImport = (s: ts.Statement) => ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s);
  const imports = source.statements.filter(isImport).map((s) => s.getFullText(source));
  const statements = source.statements.filter((s) => !isImport(s)).map((s) => s.getFullText(source));
  return `${imports.join('')}\n${text.replace(/[/]{3}[ \t]*here[ \t]*$/im, statements.join(''))}`;
}

const blocks = docFiles().flatMap(codeBlocks);
const examples = blocks.filter((b) => TS_LANGUAGES.includes(b.language));

test('the documentation has TypeScript examples, each in a fixture that exists', () => {
  expect(examples.length).toBeGreaterThanOrEqual(5);
  for (const b of examples) {
    const fixture = b.params.find((p) => p.startsWith('fixture='));
    if (fixture) expect(fs.existsSync(path.join(ROOT, 'rosetta', `${fixture.slice(8)}.ts-fixture`))).toBe(true);
  }
});

test('no code block is marked as another language\'s source (only TypeScript is translated)', () => {
  expect(blocks.filter((b) => ['python', 'py', 'java', 'csharp', 'go'].includes(b.language)).map((b) => `${b.file}:${b.line}`)).toEqual([]);
});

test('every TypeScript example in README.md and docs/*.md compiles in its fixture against the library', () => {
  const files = new Map(examples.map((b) => [path.join(ROOT, '.docs-examples', `${b.file.replace(/[/.]/g, '-')}-L${b.line}.ts`), b]));
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  Object.assign(options, {
    noEmit: true, allowJs: false, checkJs: false, noUnusedLocals: false, noUnusedParameters: false, isolatedModules: false,
    // The package's own name resolves to its sources, as it resolves to the built package in a user's app.
    paths: { 'cdk-bedrock-invocation-logging': [path.join(ROOT, 'lib', 'index.ts')] },
  });
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile;
  host.readFile = (f) => (files.has(f) ? completeSource(files.get(f)!) : readFile(f));
  const fileExists = host.fileExists;
  host.fileExists = (f) => files.has(f) || fileExists(f);
  const program = ts.createProgram([...files.keys()], options, host);
  const problems = [...files].flatMap(([file, block]) => ts.getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((d) => `${block.file}:${block.line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`));
  expect(problems).toEqual([]);
});
