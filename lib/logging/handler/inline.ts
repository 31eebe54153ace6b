import * as fs from 'fs';
import * as path from 'path';

/** Path of the handler source that is inlined into the template, verbatim. */
export const HANDLER_SOURCE_PATH = path.join(__dirname, 'index.js');

/**
 * The handler's text as the template inlines it: index.js beside this file without comments and without
 * the blanks between tokens that the parse does not need, line breaks kept (so that automatic semicolon
 * insertion and the template stay as they were). Done at synth time, as aws-cdk does for the S3
 * notifications handler, so that the package ships the commented source and tests run this exact text.
 * test/logging/handler/inline.test.ts proves on the real file that the tokens are unchanged.
 */
export function inlineHandlerCode(source: string = fs.readFileSync(HANDLER_SOURCE_PATH, 'utf8')): string {
  return squeeze(source);
}

const WORD = /[\w$]/;
// After these tokens a '/' starts a regular expression; after anything else it divides.
const BEFORE_REGEX = /^(?:[(,=:[!&|?{};+\-*%<>~^]|return|typeof|case|do|else|in|of|new|delete|void|throw|instanceof|yield|await)?$/;

/** Removes comments and the whitespace no token needs; strings, templates and regular expressions are copied. */
export function squeeze(src: string): string {
  let out = '';
  let last = ''; // last token written
  let blank = ''; // whitespace (or comments) seen since it
  let depth = 0; // brace depth, to find the `}` that closes a template's `${`
  const templates: number[] = [];
  const emit = (token: string): void => {
    const prev = out[out.length - 1] ?? '';
    const next = token[0];
    if (blank.includes('\n') && out) out += '\n';
    else if (blank && ((WORD.test(prev) && WORD.test(next)) || ('+-/'.includes(prev) && (prev === next || (prev === '/' && next === '*'))))) out += ' ';
    blank = '';
    out += token;
    last = token;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const d = src[i + 1];
    let j = i + 1;
    if (/\s/.test(c)) {
      while (j < src.length && /\s/.test(src[j])) j++;
      blank += src.slice(i, j);
    } else if (c === '/' && d === '/') {
      j = src.indexOf('\n', i);
      if (j < 0) j = src.length;
      blank += ' ';
    } else if (c === '/' && d === '*') {
      j = src.indexOf('*/', i + 2) + 2;
      if (j < 2) throw new Error(`unterminated comment at ${i}`);
      blank += src.slice(i, j).includes('\n') ? '\n' : ' ';
    } else if (c === '"' || c === "'") {
      while (src[j] !== c) {
        if (j >= src.length || src[j] === '\n') throw new Error(`unterminated string at ${i}`);
        j += src[j] === '\\' ? 2 : 1;
      }
      emit(src.slice(i, ++j));
    } else if (c === '`' || (c === '}' && templates.length && templates[templates.length - 1] === depth)) {
      if (c === '}') templates.pop();
      for (;;) {
        if (j >= src.length) throw new Error(`unterminated template at ${i}`);
        if (src[j] === '\\') { j += 2; continue; }
        if (src[j] === '`') { j++; break; }
        if (src[j] === '$' && src[j + 1] === '{') { j += 2; templates.push(depth); break; }
        j++;
      }
      emit(src.slice(i, j));
    } else if (c === '/' && BEFORE_REGEX.test(last)) {
      for (let inClass = false; src[j] !== '/' || inClass; j++) {
        if (j >= src.length || src[j] === '\n') throw new Error(`unterminated regular expression at ${i}`);
        if (src[j] === '\\') j++;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
      }
      j++;
      while (j < src.length && /[a-z]/.test(src[j])) j++;
      emit(src.slice(i, j));
    } else if (WORD.test(c)) {
      while (j < src.length && WORD.test(src[j])) j++;
      emit(src.slice(i, j));
    } else {
      if (c === '{') depth++;
      if (c === '}') depth--;
      emit(c);
    }
    i = j;
  }
  return out + '\n';
}
