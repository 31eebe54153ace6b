/**
 * The text the template inlines (lib/logging/handler/inline.ts) is the handler with comments and spare blanks
 * removed and nothing else: same tokens, same line breaks between statements. acorn (a JavaScript
 * parser) tokenizes both.
 */
import * as fs from 'fs';
import { HANDLER_SOURCE_PATH, inlineHandlerCode, squeeze } from '../../../lib/logging/handler/inline';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const acorn = require('acorn') as { tokenizer: (s: string, o: object) => Iterable<{ type: { label: string }; value?: unknown }> };

const tokens = (src: string): string[] => [...acorn.tokenizer(src, { ecmaVersion: 'latest' })]
  .map((t) => `${t.type.label} ${JSON.stringify(t.value ?? null)}`);
const source = fs.readFileSync(HANDLER_SOURCE_PATH, 'utf8');

test('the inlined handler has exactly the tokens of lib/logging/handler/index.js', () => {
  const inlined = inlineHandlerCode();
  expect(tokens(inlined)).toEqual(tokens(source));
  expect(inlined).not.toMatch(/\/\/ |\/\*/);
});

test('no statement of the handler relies on a line break (automatic semicolon insertion), so keeping line breaks keeps its meaning', () => {
  const inserted: number[] = [];
  require('acorn').parse(source, { ecmaVersion: 'latest', sourceType: 'script', onInsertedSemicolon: (pos: number) => inserted.push(pos) });
  expect(inserted).toEqual([]);
});

test.each([
  ['strings and templates are copied', "const a = 'x  // y';\nconst b = `p ${ { k: 'v' }.k } /* q */ ${`n ${1 + 1}`}`;\n"],
  ['regular expressions are copied, division is not one', 'const r = /[/ ]+ \\/ x/g.test(s) ? a / b : c;\n'],
  ['operators that would merge keep a blank', 'const x = a - -b + +c, y = a / /re/.source;\n'],
  ['comments go, the line breaks they held stay', 'const a = 1; /* one\ntwo */ const b = 2; // end\nconst c = 3;\n'],
])('%s', (_name, src) => {
  expect(tokens(squeeze(src))).toEqual(tokens(src));
});

test('the inlined handler stays within its budget (bytes; the StackSet member template carries it)', () => {
  // 15.4 KB with the check that CloudFormation sent the request (docs/development.md, Figures: bench:handler)
  expect(Buffer.byteLength(inlineHandlerCode())).toBeLessThanOrEqual(16_000);
});
